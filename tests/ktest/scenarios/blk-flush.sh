# blk-flush: the backend offers cache flushes for the loop device and
# executes them: fsync and O_SYNC writes in the domU reach dom0 as flush
# requests (statistics/f_req grows) and the data is in the backing file.
domu_up
id=$(domid_of)
be=/local/domain/0/backend/vbd/$id/51712
dev=/sys/bus/xen-backend/devices/vbd-$id-51712
fc=$(xenstore-read "$be/feature-flush-cache" 2>/dev/null)
echo "feature-flush-cache=$fc feature-barrier=$(xenstore-read "$be/feature-barrier" 2>/dev/null)"
[ "$fc" = 1 ] || fail "feature-flush-cache is '$fc', the loop device has a write cache"
f0=$(cat "$dev/statistics/f_req")
out=$(domu_run -t 120 'set -e
cat /sys/block/xvda/queue/write_cache
dd if=/dev/urandom of=/tmp/blk bs=4k count=64 2>/dev/null
sha256sum </tmp/blk | cut -c1-64
dd if=/tmp/blk of=/dev/xvda bs=4k seek=4096 conv=notrunc,fsync 2>/dev/null
dd if=/tmp/blk of=/dev/xvda bs=4k seek=8192 oflag=sync conv=notrunc 2>/dev/null
rm -f /tmp/blk') || fail "I/O in the domU failed: $out"
echo "$out"
wc=$(echo "$out" | sed -n 1p)
sum=$(echo "$out" | sed -n 2p)
case $wc in "write back") ;; *) fail "the domU disk's write cache is '$wc', not 'write back'" ;; esac
f1=$(cat "$dev/statistics/f_req")
echo "f_req $f0 -> $f1"
[ "$f1" -gt "$f0" ] || fail "no flush request reached the backend (f_req $f0 -> $f1)"
b1=$(dd if="$DISK_IMG" bs=4k skip=4096 count=64 2>/dev/null | sha256sum | cut -c1-64)
b2=$(dd if="$DISK_IMG" bs=4k skip=8192 count=64 2>/dev/null | sha256sum | cut -c1-64)
assert_eq "$b1" "$sum" "fsync'ed data in the backing file"
assert_eq "$b2" "$sum" "O_SYNC data in the backing file"
