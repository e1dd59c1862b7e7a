# blk-resize: the backing file grows by 32 MiB and its loop device is
# re-read (losetup -c): the backend publishes the new size and the
# connected domU's disk grows, without I/O having to happen first.
domu_up
id=$(domid_of)
be=/local/domain/0/backend/vbd/$id/51712
loop=$(losetup -j "$DISK_IMG" | cut -d: -f1 | head -n1)
[ -b "$loop" ] || fail "no loop device for $DISK_IMG"
old=$(domu_run -t 30 'blockdev --getsize64 /dev/xvda') || fail "cannot read the domU disk size"
s0=$(xenstore-read "$be/sectors")
echo "loop $loop, domU size $old, backend sectors $s0"
[ "$old" = $((s0 * 512)) ] || fail "domU size $old != backend sectors $s0 * 512"
truncate -s +32M "$DISK_IMG"
losetup -c "$loop" || fail "losetup -c $loop failed"
want=$((old + 32 * 1024 * 1024))
wait_for 20 sh -c "[ \"\$(xenstore-read $be/sectors)\" = $((want / 512)) ]" ||
	fail "backend sectors still $(xenstore-read "$be/sectors"), want $((want / 512))"
new=$(domu_run -t 60 "for i in \$(seq 1 60); do s=\$(blockdev --getsize64 /dev/xvda); [ \$s = $want ] && break; sleep 0.5; done; echo \$s")
echo "domU size now $new"
assert_eq "$new" "$want" "domU disk size after the resize"
# The new tail is usable.
domu_run -t 60 "dd if=/dev/urandom of=/dev/xvda bs=1M seek=$((old / 1048576)) count=32 oflag=direct conv=notrunc 2>/dev/null" ||
	fail "writing the grown part failed"
