# blk-save-restore: xl save + xl restore of the domU while fio writes
# /dev/xvda: 4 KiB random writes at queue depth 32 (libaio, O_DIRECT,
# crc32c verify headers) over SR_SIZE (64M), capped at SR_IOPS writes per
# second (400) so that the save comes in the middle of the writes; the
# job then reads back and checks every block (do_verify).  After the
# restore the job must finish with no error and no mismatch, and a
# second fio run that only verifies (after dropping the caches) must
# pass too.  With our frontend, its debugfs must show the resume and a
# connected device.  x86_64 board only: Xen on ARM has no save/restore.
# The static fio comes from tests/ktest/lib/fio.sh; without it: skip.
# Settings: SR_SIZE (64M), SR_IOPS (400), FIO_ENGINE (libaio).
# needs: fio
# timeout: 1800
[ "$ARCH" = x86_64 ] || skip "save/restore needs the x86_64 board (Xen on ARM has none)"
sz=${SR_SIZE:-64M}
iops=${SR_IOPS:-400}
engine=${FIO_ENGINE:-libaio}
fio=/usr/local/bin/fio
img=/tmp/domu.save
trap 'rm -f "$img"' EXIT

domu_up
domu_run -t 30 "[ -x $fio ]" ||
	skip "no $fio in the domU (tests/ktest/lib/fio.sh could not build it; see the run's output)"
domu_run -t 30 '[ -b /dev/xvda ]' || fail "/dev/xvda is not a block device in the domU"
id0=$(domid_of)
st=/sys/bus/xen-backend/devices/vbd-$id0-51712/statistics

job="--name=srverify --filename=/dev/xvda --rw=randwrite --bs=4k --iodepth=32
--ioengine=$engine --direct=1 --size=$sz --verify=crc32c --verify_fatal=1
--verify_dump=0 --randseed=4343 --exitall_on_error=1"
job=$(echo "$job" | tr '\n' ' ')
domu_run -t 30 "rm -f /tmp/sr-fio.out /tmp/sr-fio.rc
setsid sh -c '$fio $job --do_verify=1 --rate_iops=,$iops >/tmp/sr-fio.out 2>&1; echo \$? >/tmp/sr-fio.rc' </dev/null >/dev/null 2>&1 &
echo started" >/dev/null || fail "could not start fio in the domU"

# The save comes once the writes are well under way, and before they end.
blocks=$(( $(numfmt --from=iec "${sz^^}") / 4096 ))
w0=$(cat "$st/wr_req" 2>/dev/null || echo 0)
wait_for 120 sh -c "[ \$(cat $st/wr_req 2>/dev/null || echo 0) -gt $((w0 + blocks / 5)) ]" ||
	fail "fio's writes did not reach the backend (wr_req $(cat "$st/wr_req" 2>/dev/null))"
done_before=$(domu_run -t 30 'cat /tmp/sr-fio.rc 2>/dev/null')
[ -z "$done_before" ] || fail "fio ended before the save (exit $done_before): $(domu_run -t 30 'tail -n 5 /tmp/sr-fio.out' | tr '\n' ' ')"
log "before the save: the backend has seen $(cat "$st/wr_req") writes ($blocks to do)"

domu_save_restore "$img"

# The job finishes: the rest of the writes, then the verify of all
# from the new backend.
sr_fio_finish "$fio" "$job" "$blocks"

# Our frontend went through .resume and is connected again.
sr_blkfront_resumed
[ "$FRONT" != xenpv ] || domu_run -t 30 'dmesg | grep -E "vbd-51712: .*(resumed|sectors of)"'
true
