# blk-destroy-midio: the domU is destroyed while it writes and reads its
# vbd, DESTROY_N times (default 3; issue #5 asks 10, about 75 s a round
# on a loaded board).  Each time the domain must go away
# completely (a backend that leaks a grant mapping keeps it as a dying
# zombie), the backend node and the loop device must go, and the next
# domU attaches the same vbd and reads it.
# timeout: 1800
n=${DESTROY_N:-3}
only_dom0() { [ "$(xl list | awk 'NR > 1' | grep -vc '^Domain-0 ')" = 0 ]; }
for i in $(seq 1 "$n"); do
	domu_up
	id=$(domid_of)
	st=/sys/bus/xen-backend/devices/vbd-$id-51712/statistics
	domu_run -t 30 'setsid sh -c "while :; do
		dd if=/dev/urandom of=/dev/xvda bs=256k count=64 oflag=direct conv=notrunc
		dd if=/dev/xvda of=/dev/null bs=256k count=64 iflag=direct
	done" </dev/null >/dev/null 2>&1 &
	echo started' >/dev/null || fail "round $i: could not start I/O in the domU"
	w0=$(cat "$st/wr_req" 2>/dev/null || echo 0)
	wait_for 30 sh -c "[ \$(cat $st/wr_req 2>/dev/null || echo 0) -gt $((w0 + 20)) ]" ||
		fail "round $i: no I/O reached the backend"
	log "round $i: domain $id, wr_req $(cat "$st/wr_req"), destroying"
	xl destroy "$DOMU" || fail "round $i: xl destroy failed"
	wait_for 60 only_dom0 || { xl list; fail "round $i: domain $id still listed after destroy (leaked grant mappings keep it dying)"; }
	wait_for 30 sh -c "! xenstore-ls /local/domain/0/backend/vbd/$id >/dev/null 2>&1" ||
		fail "round $i: backend/vbd/$id still in xenstore"
	[ -e "/sys/bus/xen-backend/devices/vbd-$id-51712" ] && fail "round $i: vbd-$id-51712 still in sysfs"
	loops=$(losetup -j "$DISK_IMG" | cut -d: -f1)
	for l in $loops; do
		losetup -d "$l" || fail "round $i: losetup -d $l failed"
	done
	wait_for 10 sh -c "[ -z \"\$(losetup -j $DISK_IMG)\" ]" || fail "round $i: loop device still attached: $(losetup -j "$DISK_IMG")"
done
domu_up
out=$(domu_run -t 60 '[ -b /dev/xvda ] && dd if=/dev/xvda of=/dev/null bs=1M count=16 iflag=direct 2>&1 | tail -n1') ||
	fail "the domU after $n destroys cannot read its vbd: $out"
echo "$out"
echo "$n rounds"
