# blk-fs: ext4 on the vbd: mkfs, files written, umount, fsck clean,
# remount and files verified.
domu_up
out=$(domu_run -t 600 '
set -e
[ -b /dev/xvda ] || { echo "ERR /dev/xvda is not a block device"; exit 1; }
mkfs.ext4 -q -F /dev/xvda
modprobe ext4 || { echo "ERR modprobe ext4 failed"; exit 1; }
mkdir -p /mnt/t
mount -t ext4 /dev/xvda /mnt/t || { echo "ERR mount failed"; dmesg | tail -n 5; exit 1; }
for i in 1 2 3 4; do dd if=/dev/urandom of=/mnt/t/f$i bs=1M count=4 2>/dev/null; done
mkdir -p /mnt/t/dir; for i in $(seq 1 50); do echo "$i" >/mnt/t/dir/small$i; done
(cd /mnt/t && sha256sum f1 f2 f3 f4 dir/*) >/tmp/sums
umount /mnt/t
e2fsck -fn /dev/xvda >/tmp/fsck 2>&1 || { echo "ERR fsck:"; cat /tmp/fsck; exit 1; }
echo 3 >/proc/sys/vm/drop_caches
mount -t ext4 -o ro /dev/xvda /mnt/t
(cd /mnt/t && sha256sum -c --quiet /tmp/sums) || { echo "ERR checksums differ after remount"; exit 1; }
umount /mnt/t
echo OK
') || fail "ext4 on xvda: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
echo "$out"
