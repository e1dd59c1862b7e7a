# net-destroy-midio: xl destroy the domU in the middle of traffic both
# ways, NET_DESTROY_ROUNDS times (default 3): the vif goes, the domain
# goes completely (no grant or mapping of it kept by dom0), and the next
# domU works.  A round is a domU boot plus traffic: 80-120 s on a
# loaded 2-core host, so the acceptance's 10 rounds need more than the
# default 600 s.
# timeout: 1800
rounds=${NET_DESTROY_ROUNDS:-3}
for r in $(seq 1 "$rounds"); do
	domu_up
	id=$(domid_of)
	wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "round $r: domU not reachable"
	(while :; do busybox nc -l -p 5003 >/dev/null 2>&1; done) &
	sink=$!
	domu_run -t 30 'setsid bash -c "while :; do dd if=/dev/zero bs=64k count=100000 2>/dev/null >/dev/tcp/169.254.1.1/5003; sleep 0.2; done" >/dev/null 2>&1 </dev/null &' >/dev/null
	(
		end=$((SECONDS + 60))
		while [ $SECONDS -lt $end ]; do
			dd if=/dev/zero bs=1400 count=2000 2>/dev/null >/dev/udp/169.254.2.2/9
		done
	) &
	flood=$!
	sleep 4
	log "round $r: $(grep "vif$id.0" /proc/net/dev | awk '{ print "vif rx " $2 " B, tx " $10 " B" }')"
	xl destroy "$DOMU" || fail "round $r: xl destroy failed"
	kill "$flood" "$sink" 2>/dev/null
	wait "$flood" "$sink" 2>/dev/null
	pkill -f "nc -l -p 5003" 2>/dev/null
	wait_for 30 sh -c "! ip link show vif$id.0 >/dev/null 2>&1" || fail "round $r: vif$id.0 still present"
	wait_for 30 sh -c "! xl list $id >/dev/null 2>&1" ||
		fail "round $r: domain $id still exists after destroy: $(xl list 2>&1 | tail -n +2 | tr '\n' ' ')"
	[ -z "$(xenstore-ls /local/domain/0/backend/vif/$id 2>/dev/null)" ] ||
		fail "round $r: backend nodes of domain $id remain"
done
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "the next domU is not reachable"
ping -c 3 -W 2 169.254.2.2 || fail "the next domU lost packets"
