# blk-ro: a second vbd attached read-only (access=ro): the domU sees a
# read-only disk with the backing file's data, its writes fail, the
# backing file is unchanged; the backend shows mode r.
domu_up
id=$(domid_of)
img=/var/lib/xenpv/ro.img
dd if=/dev/urandom of="$img" bs=1M count=8 2>/dev/null
sum=$(sha256sum <"$img" | cut -c1-64)
xl block-attach "$DOMU" "format=raw, vdev=xvdb, access=ro, target=$img" || fail "xl block-attach (ro) failed"
detach() { xl block-detach "$DOMU" xvdb >/dev/null 2>&1; rm -f "$img"; }
trap detach EXIT
domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvdb ] && exit 0; sleep 0.5; done; exit 1' ||
	fail "/dev/xvdb did not appear"
be=/local/domain/0/backend/vbd/$id/51728
mode=$(xenstore-read "$be/mode")
info=$(xenstore-read "$be/info")
echo "mode=$mode info=$info sysfs mode=$(cat /sys/bus/xen-backend/devices/vbd-$id-51728/mode 2>/dev/null)"
[ "$mode" = r ] || fail "backend mode is '$mode'"
[ $((info & 4)) = 4 ] || fail "info $info lacks VDISK_READONLY"
out=$(domu_run -t 60 '
echo "ro $(blockdev --getro /dev/xvdb)"
echo "sum $(dd if=/dev/xvdb bs=1M count=8 iflag=direct 2>/dev/null | sha256sum | cut -c1-64)"
if dd if=/dev/zero of=/dev/xvdb bs=4k count=1 oflag=direct conv=notrunc 2>/dev/null; then echo "write ok"; else echo "write refused"; fi')
echo "$out"
echo "$out" | grep -qx "ro 1" || fail "/dev/xvdb is not read-only in the domU"
echo "$out" | grep -qx "sum $sum" || fail "data read from /dev/xvdb differs from the backing file"
echo "$out" | grep -qx "write refused" || fail "a write to the read-only vbd succeeded"
[ "$(sha256sum <"$img" | cut -c1-64)" = "$sum" ] || fail "the read-only backing file changed"
xl block-detach "$DOMU" xvdb || fail "xl block-detach xvdb failed"
domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvdb ] || exit 0; sleep 0.5; done; exit 1' ||
	fail "/dev/xvdb still present after detach"
