# blk-verify: 64 MiB of random data written through the vbd and read back,
# compared by sha256 in the domU and against the backing file in dom0.
domu_up
out=$(domu_run -t 600 '
set -e
[ -b /dev/xvda ] || { echo "ERR /dev/xvda is not a block device"; exit 1; }
dd if=/dev/urandom of=/tmp/data bs=1M count=64 2>/dev/null
echo "W $(sha256sum </tmp/data | cut -d" " -f1)"
dd if=/tmp/data of=/dev/xvda bs=1M oflag=direct 2>/dev/null
sync
rm /tmp/data
echo 3 >/proc/sys/vm/drop_caches
echo "R $(dd if=/dev/xvda bs=1M count=64 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1)"
') || fail "domU I/O failed: $out"
echo "$out"
w=$(echo "$out" | awk '$1 == "W" { print $2 }')
r=$(echo "$out" | awk '$1 == "R" { print $2 }')
[ ${#w} = 64 ] || fail "no write checksum: $out"
assert_eq "$r" "$w" "data read back through the vbd"
b=$(dd if="$DISK_IMG" bs=1M count=64 2>/dev/null | sha256sum | cut -d' ' -f1)
assert_eq "$b" "$w" "data in dom0's backing file"
