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

# The save comes once the writes are well under way, and before they end.
sr_fio_start "$fio" srverify 4343 "$engine" "$sz" "$iops" "$st"

domu_save_restore "$img"

# The job finishes: the rest of the writes, then the verify of all
# from the new backend.
sr_fio_finish "$fio" "$SR_JOB" "$SR_BLOCKS"

# Our frontend went through .resume and is connected again.
sr_blkfront_resumed
[ "$FRONT" != xenpv ] || domu_run -t 30 'dmesg | grep -E "vbd-51712: .*(resumed|sectors of)"'
true
