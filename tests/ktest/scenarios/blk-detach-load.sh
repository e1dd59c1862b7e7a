# blk-detach-load: xl block-detach while the domU reads and writes the
# vbd: the detach completes (the domU's I/O fails instead of hanging),
# the backend node and the loop device go away, and a re-attached vbd
# is readable.
domu_up
id=$(domid_of)
st=/sys/bus/xen-backend/devices/vbd-$id-51712/statistics
# The load goes through a private node of xvda's number: a dd that opened
# /dev/xvda by name just after the node went would create a regular file
# there (devtmpfs), and the re-attached disk would get no node.
domu_run -t 30 'rm -f /tmp/xvda-load; mknod /tmp/xvda-load b 202 0 || exit 1
setsid sh -c "while [ -b /dev/xvda ]; do
	dd if=/dev/urandom of=/tmp/xvda-load bs=256k seek=200 count=32 oflag=direct conv=notrunc
	dd if=/tmp/xvda-load of=/dev/null bs=256k count=64 iflag=direct
done" </dev/null >/dev/null 2>&1 &
echo started' >/dev/null || fail "could not start I/O in the domU"
w0=$(cat "$st/wr_req" 2>/dev/null || echo 0)
wait_for 30 sh -c "[ \$(cat $st/wr_req 2>/dev/null || echo 0) -gt $((w0 + 20)) ]" ||
	fail "no I/O reached the backend"
log "wr_req $(cat "$st/wr_req"), detaching"
timeout 60 xl block-detach "$DOMU" xvda || fail "xl block-detach under load failed"
wait_for 30 sh -c "! xenstore-read /local/domain/0/backend/vbd/$id/51712/state >/dev/null 2>&1" ||
	fail "backend node still in xenstore after detach"
domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] || exit 0; sleep 0.5; done; exit 1' ||
	fail "/dev/xvda still present in the domU after detach"
wait_for 15 sh -c "[ -z \"\$(losetup -j $DISK_IMG)\" ]" || fail "loop device still attached: $(losetup -j "$DISK_IMG")"
xl block-attach "$DOMU" "format=raw, vdev=xvda, access=rw, target=$DISK_IMG" || fail "xl block-attach failed"
# A block device again (a regular file there would read "fine").
out=$(domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] && break; sleep 0.5; done
[ -b /dev/xvda ] || { ls -l /dev/xvda 2>&1; exit 1; }
dd if=/dev/xvda of=/dev/null bs=1M count=8 iflag=direct 2>&1 | tail -n1
[ "${PIPESTATUS[0]}" = 0 ]') || fail "re-attached vbd not readable: $out"
echo "$out"
