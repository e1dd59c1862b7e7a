# fault-eio: I/O errors under a vbd reach the domU's programs as EIO,
# nothing hangs, and the vbd works again once the disk is healthy.
# dom0 puts a device-mapper device (/dev/mapper/xenpv-fault) on a loop
# device over FAULT_MIB of random data and attaches it as xvdb (a block
# device: the stock block script takes it as phy and only writes its
# physical-device).  Its table is switched with dmsetup load + suspend +
# resume (each bounded); the disk is cut in quarters, the second one
# being "the bad range":
#   1. linear: the whole disk reads back as dom0 wrote it (sha256);
#   2. the bad range on dm's "error" target: O_DIRECT reads and writes
#      there fail with "Input/output error", the good ranges read back
#      and take writes (checked from dom0's side of the file);
#   3. the bad range on dm-flakey, always down: the same, and now a cache
#      flush fails too (flakey errors flushes; "error" gets none).  Our
#      blkfront must fail the fsync (EIO) and keep its write cache;
#      Debian's is only recorded: its blkif_completion() turns a failed
#      empty flush into success and turns flushes off for the disk;
#   4. ext4 (errors=remount-ro) on xvdb, the whole table on "error": a
#      write + fsync fails and the file system goes read-only;
#   5. linear again: umount, e2fsck -fy, the file written before the
#      fault reads back, new writes persist, e2fsck -fn clean, the raw
#      disk reads back as dom0 sees it;
#   6. detach and a fresh attach of the same device: reads back.
# Every domU step is bounded (domu_run -t) and a step that does not
# answer fails as a hang.  The end prints one line
# "FAULT-EIO front=.. back=.. ..." with what each step saw (the result
# row of docs/hostile.md).  Needs dmsetup and dm-mod (dm-flakey for step
# 3) in dom0 (lib/image.sh), else skips (step 3 alone is skipped without
# dm-flakey).
# Settings: FAULT_MIB (32, a multiple of 4, at least 16), FAULT_FLAKEY
# (1; 0 skips step 3).
# timeout: 1500
# shellcheck disable=SC2016 # the domU commands are expanded in the domU
mib=${FAULT_MIB:-32}
if ! [[ "$mib" =~ ^[0-9]+$ ]] || [ "$mib" -lt 16 ] || [ $((mib % 4)) != 0 ]; then
	fail "FAULT_MIB=$mib: a multiple of 4, at least 16"
fi
name=xenpv-fault
dev=/dev/mapper/$name
img=/var/lib/xenpv/fault.img
loop=""
attached=0
# No udevd in dom0: libdevmapper makes the /dev/mapper nodes itself
# and waits for no udev cookie (a wait that would never end).
export DM_DISABLE_UDEV=1
dms() { timeout 60 dmsetup --noudevsync "$@"; }
# What each step saw, for the summary line.
declare -A res=()

command -v dmsetup >/dev/null || skip "no dmsetup in dom0 (a board image from before lib/image.sh added it)"
modprobe dm-mod || skip "modprobe dm-mod failed"
flakey=${FAULT_FLAKEY:-1}
if [ "$flakey" = 1 ] && ! modprobe dm-flakey; then
	log "no dm-flakey: step 3 skipped"
	flakey=0
fi

# The result row (printed at the end, also after a failure: "-" is a
# step not reached).
summary() {
	echo "FAULT-EIO front=$FRONT back=$BACK healthy=${res[healthy]:--} error-range=${res[error]:--} flakey-range=${res[flakey]:--} flush=${res[flush]:--} ext4=${res[ext4]:--} recover=${res[recover]:--} reattach=${res[reattach]:--}"
}

cleanup() {
	# A suspended or failing table would hold the detach (the backend
	# waits for its requests): healthy and resumed first.
	if [ -n "$loop" ] && dmsetup info "$name" >/dev/null 2>&1; then
		table healthy | dms load "$name" 2>/dev/null
		dms resume "$name" 2>/dev/null
	fi
	if [ "$attached" = 1 ] && domu_alive; then
		timeout 120 xl block-detach "$DOMU" xvdb >/dev/null 2>&1
		wait_for 30 sh -c "! xenstore-read $be/state >/dev/null 2>&1"
	fi
	dms remove --retry "$name" >/dev/null 2>&1
	[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
	rm -f "$img"
	[ -n "${res[healthy]}" ] && summary
}
trap cleanup EXIT
trap 'exit 143' TERM

# Sizes in 512-byte sectors (dm) and MiB (dd): bad range [a, b).
sectors=$((mib * 2048))
a=$((sectors / 4))
b=$((sectors / 2))
amib=$((mib / 4))
bmib=$((mib / 2))

# table <kind>: the dm table of that kind, one target a line.
table() {
	case "$1" in
	healthy)
		echo "0 $sectors linear $loop 0" ;;
	range-error)
		echo "0 $a linear $loop 0"
		echo "$a $((b - a)) error"
		echo "$b $((sectors - b)) linear $loop $b" ;;
	range-flakey)
		# up 0 s, down 3600 s: down for good; no feature: every
		# read, write and flush fails.
		echo "0 $a linear $loop 0"
		echo "$a $((b - a)) flakey $loop $a 0 3600"
		echo "$b $((sectors - b)) linear $loop $b" ;;
	all-error)
		echo "0 $sectors error" ;;
	esac
}

# dm_switch <kind>: load the table, suspend (outstanding I/O drains),
# resume on the new one.
dm_switch() {
	local t0=$SECONDS
	table "$1" | dms load "$name" || fail "dmsetup load ($1) failed"
	dms suspend "$name" || fail "dmsetup suspend ($1) failed or hung (outstanding I/O did not drain)"
	dms resume "$name" || fail "dmsetup resume ($1) failed"
	log "table $1 in $((SECONDS - t0)) s: $(dmsetup table "$name" | tr '\n' ';')"
}

# dom0's view of MiB [$1, $1 + $2) of the backing file.
dom0_sum() { dd if="$img" bs=1M skip="$1" count="$2" 2>/dev/null | sha256sum | cut -c1-64; }

# The domU's view (O_DIRECT) of the same range; fails on a read error.
domu_sum() {
	domu_run -t 120 "set -o pipefail; dd if=/dev/xvdb bs=1M skip=$1 count=$2 iflag=direct 2>/tmp/dd.err | sha256sum | cut -c1-64 || { cat /tmp/dd.err; exit 1; }"
}

# Both ends still Connected (4), and the frontend's own view.
states() {
	local id f
	id=$(domid_of)
	f=$(xenstore-read "/local/domain/$id/device/vbd/51728/state" 2>/dev/null)
	echo "backend $(xenstore-read "$be/state" 2>/dev/null) frontend $f"
}
front_info() {
	domu_run -t 30 '
echo "write_cache: $(cat /sys/block/xvdb/queue/write_cache 2>/dev/null)"
grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
f=/sys/kernel/debug/xenpv/device-vbd-51728/status
[ -r $f ] && grep -E "^(running|disk|features|flush)" $f
true'
}
assert_connected() {
	wait_for 10 sh -c '[ "$(xenstore-read "$0/state")" = 4 ] && [ "$(xenstore-read "$1/state")" = 4 ]' \
		"$be" "/local/domain/$(domid_of)/device/vbd/51728" 2>/dev/null ||
		fail "$1: xvdb not Connected ($(states))"
}

# expect_eio <what> <domU dd command>: the command must fail with EIO.
expect_eio() {
	local out rc
	out=$(domu_run -t 90 "$2 2>&1; echo \"RC \$?\"")
	rc=$?
	echo "$1: $(echo "$out" | tr '\n' ' ')"
	[ $rc = 0 ] || fail "$1: no answer from the domU in 90 s (a hang?), rc $rc"
	echo "$out" | grep -q '^RC 0$' && fail "$1: succeeded on the bad range"
	echo "$out" | grep -q 'Input/output error' || fail "$1: failed, but not with EIO: $(echo "$out" | tr '\n' ' ')"
}

# good_ranges <step>: both good ranges read back as dom0 has them, and
# a 1 MiB O_DIRECT write in the first one lands in dom0's file.
good_ranges() {
	local r w d
	for r in "0 $amib" "$bmib $((mib - bmib))"; do
		# shellcheck disable=SC2086 # "offset count"
		d=$(dom0_sum $r)
		# shellcheck disable=SC2086
		w=$(domu_sum $r) || fail "$1: good range (MiB offset, count) $r: domU read failed: $w"
		assert_eq "$w" "$d" "$1: good range $r read by the domU"
	done
	w=$(domu_run -t 90 'set -o pipefail
dd if=/dev/urandom of=/tmp/blk bs=1M count=1 2>/dev/null
dd if=/tmp/blk of=/dev/xvdb bs=1M seek=1 count=1 oflag=direct conv=notrunc 2>/tmp/dd.err || { cat /tmp/dd.err; exit 1; }
sha256sum </tmp/blk | cut -c1-64') || fail "$1: O_DIRECT write to the good range: $w"
	d=$(dom0_sum 1 1)
	assert_eq "$d" "$(echo "$w" | tail -n 1)" "$1: 1 MiB written by the domU at MiB 1, as dom0 reads it"
	echo "$1: good ranges read back, a write at MiB 1 landed"
}

domu_up
id=$(domid_of)
be=/local/domain/0/backend/vbd/$id/51728
log "front=$FRONT back=$BACK, $mib MiB, bad range MiB [$amib, $bmib)"

dd if=/dev/urandom of="$img" bs=1M count="$mib" 2>/dev/null || fail "cannot write $img"
loop=$(losetup -f --show "$img") || fail "losetup failed"
table healthy | dms create "$name" || fail "dmsetup create failed"
[ -b "$dev" ] || dms mknodes "$name"
[ -b "$dev" ] || fail "no $dev after dmsetup create ($(dmsetup ls 2>&1 | tr '\n' ' '))"
log "$dev on $loop: $(dmsetup table "$name")"

# 1. Healthy.
attached=1
xl block-attach "$DOMU" "format=raw, vdev=xvdb, access=rw, target=$dev" ||
	fail "xl block-attach of $dev failed: $(tail -n 5 /var/log/xen/xen-hotplug.log 2>/dev/null | tr '\n' ' ')"
domu_run -t 60 'for i in $(seq 1 120); do [ -b /dev/xvdb ] && exit 0; sleep 0.5; done; exit 1' ||
	fail "no /dev/xvdb in the domU after the attach ($(states))"
echo "physical-device $(xenstore-read "$be/physical-device" 2>/dev/null), params $(xenstore-read "$be/params" 2>/dev/null), type $(xenstore-read "$be/type" 2>/dev/null)"
assert_connected "attach"
front_info
w=$(domu_sum 0 "$mib") || fail "healthy: domU read of xvdb failed: $w"
assert_eq "$w" "$(dom0_sum 0 "$mib")" "healthy: the whole disk read by the domU"
res[healthy]=ok

# 2. The bad range on "error".
dm_switch range-error
expect_eio "error: read of the bad range" "dd if=/dev/xvdb of=/dev/null bs=64k skip=$((amib * 16)) count=16 iflag=direct"
expect_eio "error: write to the bad range" "dd if=/dev/zero of=/dev/xvdb bs=64k seek=$((amib * 16 + 4)) count=4 oflag=direct conv=notrunc"
good_ranges error
assert_connected "after the error target"
res[error]=eio
out=$(domu_run -t 90 'dd if=/dev/xvdb of=/dev/xvdb bs=4k count=1 iflag=direct oflag=direct conv=notrunc,fsync 2>&1; echo "RC $?"') ||
	fail "error: fsync of xvdb did not answer"
echo "error: fsync (the error target takes no flushes): $(echo "$out" | tr '\n' ' ')"
echo "$out" | grep -q '^RC 0$' || fail "error: fsync failed though no flush reaches the error target"

# 3. The bad range on dm-flakey (flushes fail too).
if [ "$flakey" = 1 ]; then
	dm_switch range-flakey
	expect_eio "flakey: read of the bad range" "dd if=/dev/xvdb of=/dev/null bs=64k skip=$((amib * 16)) count=16 iflag=direct"
	expect_eio "flakey: write to the bad range" "dd if=/dev/zero of=/dev/xvdb bs=64k seek=$((amib * 16 + 4)) count=4 oflag=direct conv=notrunc"
	good_ranges flakey
	wc0=$(domu_run -t 30 'cat /sys/block/xvdb/queue/write_cache')
	out=$(domu_run -t 90 'dd if=/dev/xvdb of=/dev/xvdb bs=4k count=1 iflag=direct oflag=direct conv=notrunc,fsync 2>&1; echo "RC $?"') ||
		fail "flakey: fsync of xvdb did not answer (a hang?)"
	wc1=$(domu_run -t 30 'cat /sys/block/xvdb/queue/write_cache')
	echo "flakey: fsync (the flush fails under dm): $(echo "$out" | tr '\n' ' '); write_cache $wc0 -> $wc1"
	if echo "$out" | grep -q 'Input/output error'; then
		res[flush]=eio
	elif echo "$out" | grep -q '^RC 0$'; then
		res[flush]=ok
	else
		res[flush]=other
	fi
	res[flush]="${res[flush]},wc:${wc0// /-}->${wc1// /-}"
	res[flakey]=eio
	assert_connected "after dm-flakey"
	front_info
	if [ "$FRONT" = xenpv ]; then
		[ "${res[flush]%%,*}" = eio ] ||
			fail "flakey: a failed cache flush did not fail the fsync (our blkfront must pass the error on)"
		assert_eq "$wc1" "$wc0" "flakey: write cache mode after a failed flush (our blkfront keeps flushes on)"
	elif [ "${res[flush]%%,*}" = ok ]; then
		log "finding ($FRONT blkfront): the failed flush reached the program as success (write_cache $wc0 -> $wc1)"
	fi
else
	res[flakey]=skipped
	res[flush]=skipped
fi

# 4. ext4 with errors=remount-ro; then everything fails under it.
dm_switch healthy
out=$(domu_run -t 300 '
set -e
modprobe ext4
mkfs.ext4 -q -F /dev/xvdb
mkdir -p /mnt/fe
mount -t ext4 -o errors=remount-ro /dev/xvdb /mnt/fe
dd if=/dev/urandom of=/mnt/fe/f1 bs=64k count=16 2>/dev/null
sync
(cd /mnt/fe && sha256sum f1) >/tmp/fe.sum
grep " /mnt/fe " /proc/mounts') || fail "ext4 setup on xvdb: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
echo "ext4: $out"
dm_switch all-error
out=$(domu_run -t 180 '
dd if=/dev/urandom of=/mnt/fe/f2 bs=64k count=16 conv=fsync 2>&1 | grep -v records; echo "write+fsync: ${PIPESTATUS[0]}"
sync
echo 3 >/proc/sys/vm/drop_caches
ls -lR /mnt/fe >/dev/null 2>&1; echo "ls: $?"
touch /mnt/fe/f3 2>&1; echo "touch: $?"
for i in $(seq 1 60); do
	grep -q "^/dev/xvdb /mnt/fe ext4 ro[,]" /proc/mounts && break
	( : >/mnt/fe/f4 ) 2>&1 | grep -q "Read-only file system" && break
	sleep 0.5
done
echo "mount: $(grep " /mnt/fe " /proc/mounts)"
echo "new file: $( ( echo x >/mnt/fe/f4 ) 2>&1)"
echo "remount-ro logged: $(dmesg | grep -c "EXT4-fs (xvdb): Remounting filesystem read-only")"
dmesg | grep -E "EXT4-fs|JBD2|I/O error" | tail -n 8') ||
	fail "ext4 under errors: the domU did not answer in 180 s (a hang?)"
echo "$out"
echo "$out" | grep -q '^write+fsync: 0$' && fail "ext4: write + fsync succeeded on a failing disk"
# Read-only: the mount says ro, or (ext4 since "ext4: don't set
# SB_RDONLY after filesystem errors", in Debian's 6.1 too) the mount still
# says rw but ext4 has remounted itself read-only inside: a new file is
# refused with EROFS.
if echo "$out" | grep -q '^mount: /dev/xvdb /mnt/fe ext4 ro,'; then
	res[ext4]=ro
elif echo "$out" | grep -q '^new file: .*Read-only file system' &&
	echo "$out" | grep -q '^remount-ro logged: [1-9]'; then
	res[ext4]=ro-erofs
else
	fail "ext4 did not go read-only: $(echo "$out" | grep -E '^(mount|new file):' | tr '\n' ' ')"
fi
assert_connected "after ext4 on a failing disk"

# 5. Healthy again: the file system and the disk work.
dm_switch healthy
out=$(domu_run -t 300 '
umount /mnt/fe || { echo "ERR umount"; exit 1; }
e2fsck -fy /dev/xvdb >/tmp/fsck 2>&1; rc=$?
echo "e2fsck -fy: $rc"
[ $rc -lt 4 ] || { tail -n 5 /tmp/fsck; exit 1; }
mount -t ext4 -o errors=remount-ro /dev/xvdb /mnt/fe || exit 1
(cd /mnt/fe && sha256sum -c /tmp/fe.sum) || { echo "ERR f1 differs"; exit 1; }
dd if=/dev/urandom of=/mnt/fe/f5 bs=64k count=16 conv=fsync 2>/dev/null || { echo "ERR write"; exit 1; }
(cd /mnt/fe && sha256sum f5) >/tmp/f5.sum
umount /mnt/fe
echo 3 >/proc/sys/vm/drop_caches
e2fsck -fn /dev/xvdb >/tmp/fsck 2>&1 || { echo "ERR fsck after recovery"; tail -n 5 /tmp/fsck; exit 1; }
mount -t ext4 -o ro /dev/xvdb /mnt/fe && (cd /mnt/fe && sha256sum -c /tmp/f5.sum) && umount /mnt/fe') ||
	fail "recovery: $(echo "$out" | tail -n 6 | tr '\n' ' ')"
echo "recovery: $(echo "$out" | tr '\n' ' ')"
w=$(domu_sum 0 "$mib") || fail "recovery: raw read of xvdb failed: $w"
assert_eq "$w" "$(dom0_sum 0 "$mib")" "recovery: the whole disk read by the domU"
assert_connected "after recovery"
res[recover]=ok

# 6. A fresh attach of the same device.
timeout 120 xl block-detach "$DOMU" xvdb || fail "xl block-detach failed or hung"
attached=0
domu_run -t 60 'for i in $(seq 1 120); do [ -b /dev/xvdb ] || exit 0; sleep 0.5; done; exit 1' ||
	fail "/dev/xvdb still present in the domU after the detach"
wait_for 30 sh -c "! xenstore-read $be/state >/dev/null 2>&1" || fail "backend node left after the detach"
attached=1
xl block-attach "$DOMU" "format=raw, vdev=xvdb, access=rw, target=$dev" || fail "second xl block-attach failed"
domu_run -t 60 'for i in $(seq 1 120); do [ -b /dev/xvdb ] && exit 0; sleep 0.5; done; exit 1' ||
	fail "no /dev/xvdb after the second attach ($(states))"
assert_connected "fresh attach"
front_info
w=$(domu_sum 0 "$mib") || fail "fresh attach: read failed: $w"
assert_eq "$w" "$(dom0_sum 0 "$mib")" "fresh attach: the whole disk read by the domU"
res[reattach]=ok
