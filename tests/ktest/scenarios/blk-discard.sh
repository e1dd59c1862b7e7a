# blk-discard: the loop device (tmpfs file) supports discard; the backend
# offers it, the domU's discard of a written range reaches dom0
# (statistics/ds_req) and punches the range out of the backing file; the
# domU's discard granularity is the backend's discard-granularity.
domu_up
id=$(domid_of)
be=/local/domain/0/backend/vbd/$id/51712
dev=/sys/bus/xen-backend/devices/vbd-$id-51712
fd=$(xenstore-read "$be/feature-discard" 2>/dev/null)
echo "feature-discard=$fd granularity=$(xenstore-read "$be/discard-granularity" 2>/dev/null) alignment=$(xenstore-read "$be/discard-alignment" 2>/dev/null) secure=$(xenstore-read "$be/discard-secure" 2>/dev/null)"
[ "$fd" = 1 ] || fail "feature-discard is '$fd' for a loop device on tmpfs"
domu_run -t 120 'dd if=/dev/urandom of=/dev/xvda bs=1M seek=64 count=8 oflag=direct conv=notrunc 2>/dev/null' ||
	fail "writing the range failed"
nz() { dd if="$DISK_IMG" bs=1M skip=64 count=8 2>/dev/null | tr -d '\0' | wc -c; }
b0=$(stat -c %b "$DISK_IMG")
[ "$(nz)" -gt 0 ] || fail "written range is zero in the backing file"
d0=$(cat "$dev/statistics/ds_req")
out=$(domu_run -t 120 'echo "max_bytes $(cat /sys/block/xvda/queue/discard_max_bytes)"
echo "granularity $(cat /sys/block/xvda/queue/discard_granularity)"
blkdiscard -o $((64 * 1048576)) -l $((8 * 1048576)) /dev/xvda && echo discarded') || fail "blkdiscard in the domU failed: $out"
echo "$out"
echo "$out" | grep -qx discarded || fail "blkdiscard in the domU failed: $out"
[ "$(echo "$out" | sed -n 's/^max_bytes //p')" -gt 0 ] || fail "the domU disk has no discard limit"
assert_eq "$(echo "$out" | sed -n 's/^granularity //p')" "$(xenstore-read "$be/discard-granularity")" \
	"discard granularity in the domU vs the backend's discard-granularity"
b1=$(stat -c %b "$DISK_IMG")
d1=$(cat "$dev/statistics/ds_req")
echo "ds_req $d0 -> $d1, backing file blocks $b0 -> $b1, non-zero bytes left $(nz)"
[ "$d1" -gt "$d0" ] || fail "no discard request reached the backend"
[ "$b1" -lt "$b0" ] || fail "the backing file did not shrink ($b0 -> $b1 blocks)"
[ "$(nz)" = 0 ] || fail "the discarded range still holds data in the backing file"
