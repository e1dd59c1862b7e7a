# blk-verify: 64 MiB of random data written through the vbd in 8 MiB
# chunks and read back, compared by sha256 in the domU and against the
# backing file in dom0.  (Chunks keep the domU's RAM use small.)
domu_up
out=$(domu_run -t 600 '
set -e
[ -b /dev/xvda ] || { echo "ERR /dev/xvda is not a block device"; exit 1; }
for i in 0 1 2 3 4 5 6 7; do
	dd if=/dev/urandom of=/tmp/chunk bs=1M count=8 2>/dev/null
	echo "W $i $(sha256sum </tmp/chunk | cut -d" " -f1)"
	dd if=/tmp/chunk of=/dev/xvda bs=1M seek=$((i * 8)) oflag=direct conv=notrunc 2>/dev/null
done
rm -f /tmp/chunk
sync
echo 3 >/proc/sys/vm/drop_caches
for i in 0 1 2 3 4 5 6 7; do
	echo "R $i $(dd if=/dev/xvda bs=1M skip=$((i * 8)) count=8 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1)"
done
') || fail "domU I/O failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
echo "$out"
w=$(echo "$out" | awk '$1 == "W" { print $3 }')
r=$(echo "$out" | awk '$1 == "R" { print $3 }')
[ "$(echo "$w" | grep -c '^[0-9a-f]\{64\}$')" = 8 ] || fail "expected 8 write checksums: $out"
assert_eq "$r" "$w" "data read back through the vbd"
b=$(for i in 0 1 2 3 4 5 6 7; do
	dd if="$DISK_IMG" bs=1M skip=$((i * 8)) count=8 2>/dev/null | sha256sum | cut -d' ' -f1
done)
assert_eq "$b" "$w" "data in dom0's backing file"
