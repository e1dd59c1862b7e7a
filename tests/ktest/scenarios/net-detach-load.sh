# net-detach-load: xl network-detach while iperf3 runs both ways through
# the vif: the detach completes, the domU stays responsive, eth0 goes,
# and a re-attached vif carries traffic.
domu_up
id=$(domid_of)
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
rm -f /tmp/iperf3d.pid
iperf3 -s -D -p 5204 -I /tmp/iperf3d.pid || fail "cannot start iperf3 server"
trap 'kill $(cat /tmp/iperf3d.pid 2>/dev/null) 2>/dev/null' EXIT
sleep 1
domu_run -t 30 'setsid iperf3 -c 169.254.1.1 -p 5204 -t 60 -P 2 --bidir >/tmp/iperf-load.log 2>&1 </dev/null & echo $! >/tmp/iperf-load.pid' ||
	fail "cannot start the load"
sleep 5
domu_run -t 30 'kill -0 $(cat /tmp/iperf-load.pid)' || fail "the load stopped before the detach: $(domu_run 'cat /tmp/iperf-load.log')"
timeout 90 xl network-detach "$DOMU" 0 || fail "xl network-detach failed or hung under load"
domu_run -t 60 'for i in $(seq 1 60); do ip link show eth0 >/dev/null 2>&1 || exit 0; sleep 0.5; done; exit 1' ||
	fail "eth0 still present in the domU after detach"
wait_for 30 sh -c "! ip link show vif$id.0 >/dev/null 2>&1" || fail "vif$id.0 still present in dom0"
domu_run -t 30 'kill $(cat /tmp/iperf-load.pid) 2>/dev/null; echo domU responsive' || fail "domU agent does not answer"
xl network-attach "$DOMU" mac=00:16:3e:00:00:02,bridge=xenbr0 || fail "xl network-attach failed"
dev=$(domu_run -t 60 'for i in $(seq 1 60); do for d in /sys/class/net/eth*; do [ -e "$d" ] && { basename $d; exit 0; }; done; sleep 0.5; done; exit 1') ||
	fail "no ethernet device in the domU after attach"
domu_run -t 30 "ip link set $dev up; ip addr add 169.254.2.2/16 dev $dev" || fail "cannot configure $dev"
wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "no ping after re-attach"
out=$(domu_run -t 60 "iperf3 -c 169.254.1.1 -p 5204 -t 3 -f m") || fail "iperf3 after re-attach: $out"
echo "$out" | grep receiver | tail -n 1
