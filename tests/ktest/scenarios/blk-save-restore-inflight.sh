# blk-save-restore-inflight: xl save + xl restore of the domU while the
# backend holds requests it has NOT answered, so that after the restore
# the frontend must send them again (blk-save-restore always saves an
# idle ring: "resumed: 0 requests to send again").
#
# How: the vbd's backing file lives on an ext4 that dom0 mounts from a
# loop device over a file in /tmp (dom0 runs from RAM; tmpfs cannot be
# frozen, ext4 can).  fio writes /dev/xvda in the domU as in
# blk-save-restore (4 KiB random writes, QD32, crc32c verify headers,
# SR_IOPS per second); once the writes are well under way dom0 runs
# "fsfreeze -f" on that ext4: the vbd's loop device blocks in its writes
# to the file, so the backend answers nothing and fio's requests stay on
# the ring.  Then "xl save" runs in the background: the guest suspends
# with those requests on its ring and libxl writes its memory; when
# libxl starts tearing the old domain down (its vbd backend leaves
# Connected: the memory image is complete and closed) dom0 checks that
# the vbd's loop device still has writes in flight and runs
# "fsfreeze -u".  The old backend's answers now go to a domain whose
# memory is already saved, and are lost with it.  xl save ends, the old
# domain must go away completely (its writes are done by then, before
# the new backend sees any request), then xl restore.
#
# Checks: with our frontend, the domU's dmesg line "resumed: N requests
# to send again" with N >= 1 (N = 0 fails: the save did not catch
# requests in flight); with any frontend, dom0 saw the backend's loop
# device with writes in flight when the image was complete, fio ends
# with no error and no verify mismatch, a second verify-only pass (page
# cache dropped) passes, and the domU's kernel log is clean.  With
# Debian's blkfront (--front intree) there is no such dmesg line: only
# the data is checked.  x86_64 board only: Xen on ARM has no
# save/restore.  The domU of this scenario is taken down at the end (its
# vbd lives on the frozen file system); the next scenario starts the
# usual one.
#
# The freeze is bounded: dom0 unfreezes in a trap, and a watchdog
# process unfreezes SRI_FREEZE_MAX + 30 s after the freeze even if this
# script is killed; past SRI_FREEZE_MAX without a complete image the
# scenario unfreezes and fails (xl save would otherwise wait forever).
#
# Settings: SR_SIZE (64M, fio's span), SR_IOPS (400), FIO_ENGINE
# (libaio), SRI_DISK (96M, the vbd), SRI_FS (192M, the ext4 image),
# SRI_FREEZE_MAX (110 s: under dom0's 120 s hung-task report).
# needs: fio
# timeout: 1800
[ "$ARCH" = x86_64 ] || skip "save/restore needs the x86_64 board (Xen on ARM has none)"
sz=${SR_SIZE:-64M}
iops=${SR_IOPS:-400}
engine=${FIO_ENGINE:-libaio}
freeze_max=${SRI_FREEZE_MAX:-110}
fio=/usr/local/bin/fio
img=/tmp/domu.save
fsimg=/tmp/sri-ext4.img
mnt=/run/sri-mnt
xlout=/tmp/sri-xl-save.out
savepid=""
dogpid=""

command -v fsfreeze >/dev/null || skip "no fsfreeze in dom0 (util-linux)"
command -v mkfs.ext4 >/dev/null || skip "no mkfs.ext4 in dom0 (e2fsprogs)"

# Loop devices (other than the mount's own) on the vbd's backing file.
vbd_loops() { losetup -j "$mnt/disk.img" 2>/dev/null | cut -d: -f1; }
umount_quiet() { umount "$mnt" 2>/dev/null; }

# Unfreeze first, whatever happened; then the background xl save, the
# domU (its vbd is on $mnt), the vbd's loop devices, the mount.
cleanup() {
	local l
	fsfreeze -u "$mnt" 2>/dev/null
	[ -n "$dogpid" ] && kill "$dogpid" 2>/dev/null
	if [ -n "$savepid" ] && kill -0 "$savepid" 2>/dev/null; then
		wait_for 120 sh -c "! kill -0 $savepid 2>/dev/null" || kill "$savepid" 2>/dev/null
	fi
	domu_down
	domu_alive && xl destroy "$DOMU" 2>/dev/null
	if mountpoint -q "$mnt"; then
		wait_for 30 sh -c "[ -z \"\$(losetup -j $mnt/disk.img 2>/dev/null)\" ]" || {
			echo "# loop devices left on $mnt/disk.img: $(vbd_loops | tr '\n' ' ')"
			for l in $(vbd_loops); do
				losetup -d "$l"
			done
		}
		wait_for 30 umount_quiet || umount -l "$mnt"
	fi
	rmdir "$mnt" 2>/dev/null
	rm -f "$img" "$fsimg" "$xlout"
}
trap cleanup EXIT
trap 'exit 1' TERM INT

# The file system that can be frozen, and the vbd's file on it.  No
# lazy initialisation: nothing writes to it in the background.
modprobe ext4 2>/dev/null
rm -f "$fsimg"
truncate -s "${SRI_FS:-192M}" "$fsimg"
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$fsimg" || fail "mkfs.ext4 $fsimg failed"
mkdir -p "$mnt"
mount -t ext4 -o loop "$fsimg" "$mnt" || fail "cannot mount $fsimg (ext4 in dom0: $(grep -c ext4 /proc/filesystems) entries in /proc/filesystems)"
truncate -s "${SRI_DISK:-96M}" "$mnt/disk.img"

# A domU of our own: the running one (if any) has the usual vbd.
domu_down
# shellcheck disable=SC2034 # read by domu_up (lib.sh)
DISK_IMG=$mnt/disk.img
domu_up
domu_run -t 30 "[ -x $fio ]" ||
	skip "no $fio in the domU (tests/ktest/lib/fio.sh could not build it; see the run's output)"
domu_run -t 30 '[ -b /dev/xvda ]' || fail "/dev/xvda is not a block device in the domU"
id0=$(domid_of)
be=/local/domain/0/backend/vbd/$id0/51712
st=/sys/bus/xen-backend/devices/vbd-$id0-51712/statistics
loopdev=$(xenstore-read "$be/node" 2>/dev/null)
loopdev=${loopdev#/dev/}
[ -e "/sys/block/$loopdev/inflight" ] || fail "no loop device for the vbd (backend node '$loopdev'; losetup -j: $(vbd_loops | tr '\n' ' '))"
log "vbd of domain $id0 on $mnt/disk.img through /dev/$loopdev, ext4 $fsimg"
# Writes the backend has sent to its loop device and not seen done.
loop_writes() { awk '{ print $2 }' "/sys/block/$loopdev/inflight" 2>/dev/null; }

sr_fio_start "$fio" sriverify 4344 "$engine" "$sz" "$iops" "$st"

# Freeze: from now on the backend answers nothing.  The watchdog bounds
# the freeze even if this script dies without its trap.
timeout 60 fsfreeze -f "$mnt" || fail "fsfreeze -f $mnt failed"
setsid sh -c "sleep $((freeze_max + 30)); fsfreeze -u $mnt" </dev/null >/dev/null 2>&1 &
dogpid=$!
t_freeze=$SECONDS
wait_for 30 sh -c "[ \"\$(awk '{ print \$2 }' /sys/block/$loopdev/inflight)\" -gt 0 ]" ||
	fail "no write in flight on /dev/$loopdev 30 s after the freeze"
sleep 2
log "frozen: wr_req $(cat "$st/wr_req") ($SR_BLOCKS to do), /dev/$loopdev writes in flight $(loop_writes), domU xvda in flight (r w) $(domu_run -t 30 'cat /sys/block/xvda/inflight' | tr -s ' ')"

# The save, in the background (timeout passes a kill on to xl).
rm -f "$xlout" "$img"
timeout 900 xl save "$DOMU" "$img" >"$xlout" 2>&1 &
savepid=$!
t_save=$SECONDS

# The memory image is complete (written and closed) once libxl tears
# the old domain down: the vbd backend is told to close (state 5), or
# is gone already; or xl save has ended.
image_done() {
	kill -0 "$savepid" 2>/dev/null || return 0
	[ "$(xenstore-read "$be/state" 2>/dev/null)" != 4 ]
}
left=$((freeze_max - (SECONDS - t_freeze)))
if ! wait_for "$left" image_done; then
	fsfreeze -u "$mnt"
	fail "the memory image was not complete ${freeze_max} s after the freeze (SRI_FREEZE_MAX; image $(($(stat -c %s "$img" 2>/dev/null || echo 0) >> 20)) MiB, xl: $(tr '\n' ' ' <"$xlout"))"
fi
inflight=$(loop_writes)
log "memory image complete $((SECONDS - t_save)) s after xl save began ($(($(stat -c %s "$img" 2>/dev/null || echo 0) >> 20)) MiB), backend state '$(xenstore-read "$be/state" 2>/dev/null)', /dev/$loopdev writes in flight: $inflight"
fsfreeze -u "$mnt" || fail "fsfreeze -u $mnt failed"
kill "$dogpid" 2>/dev/null
dogpid=""
log "unfrozen after $((SECONDS - t_freeze)) s"
[ "${inflight:-0}" -gt 0 ] ||
	fail "the save did not catch requests in flight: /dev/$loopdev had no write in flight when the image was complete"

wait_for 300 sh -c "! kill -0 $savepid 2>/dev/null" || fail "xl save did not end 300 s after the unfreeze: $(tr '\n' ' ' <"$xlout")"
wait "$savepid"
rc=$?
savepid=""
cat "$xlout"
[ "$rc" = 0 ] || fail "xl save failed (exit $rc): $(tail -n 3 "$xlout" | tr '\n' ' ')"
echo "xl save: $((SECONDS - t_save)) s"
domu_alive && fail "the domU still runs after xl save"
# The old domain dies once its backend has finished the writes it held
# and unmapped their grants: only then may the new backend write.
gone() { ! xl list | awk 'NR > 1 { print $2 }' | grep -qx "$id0"; }
wait_for 60 gone || { xl list; fail "domain $id0 still listed 60 s after the save (its backend keeps grant mappings: a dying zombie)"; }

t=$SECONDS
timeout 600 xl restore "$img" || fail "xl restore failed"
rm -f "$img"
echo "xl restore: $((SECONDS - t)) s"
domu_wait_agent 240 || fail "the restored domU's agent does not answer"
echo "domU $id0 restored as $(domid_of)"

# Our frontend gave back what was on the old ring.
if [ "$FRONT" = xenpv ]; then
	line=$(domu_run -t 30 'dmesg | grep "xvda: resumed: " | tail -n 1')
	echo "$line"
	n=$(echo "$line" | sed -n 's/.*xvda: resumed: \([0-9][0-9]*\) requests to send again.*/\1/p')
	[ -n "$n" ] || fail "no 'resumed: N requests to send again' line in the domU's dmesg"
	[ "$n" -ge 1 ] || fail "the save did not catch requests in flight: blkfront resumed with 0 requests to send again (dom0 saw $inflight writes in flight)"
fi

# The job finishes: the rest of the writes, then the verify of all
# from the new backend.
sr_fio_finish "$fio" "$SR_JOB" "$SR_BLOCKS"
sr_blkfront_resumed

# The domU goes down in the trap (its vbd is on $mnt): the runner will
# not see its dmesg, so it is scanned here.
k=$(domu_run -t 60 dmesg) || fail "the domU agent did not answer (dmesg)"
echo "$k" | grep -E 'vbd-51712: |blkfront' | tail -n 5
echo "$k" | grep -aE "$BADLOG" >/dev/null &&
	fail "domU kernel log: $(echo "$k" | grep -aE "$BADLOG" | head -n 3 | tr '\n' ' ')"
true
