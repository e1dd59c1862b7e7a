# net-detach-load: xl network-detach while iperf3 runs both ways through
# the vif: the detach completes, the domU stays responsive, eth0 goes,
# and a re-attached vif carries traffic.  The load is started for far
# longer than the scenario needs (the console agent answers slowly while
# the emulated domU is busy with it) and must still be running when the
# detach starts; it is killed after.
domu_up
id=$(domid_of)
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
rm -f /tmp/iperf3d.pid
iperf3 -s -D -p 5204 -I /tmp/iperf3d.pid || fail "cannot start iperf3 server"
trap 'kill $(cat /tmp/iperf3d.pid 2>/dev/null) 2>/dev/null' EXIT
sleep 1
t0=$SECONDS
domu_run -t 30 'rm -f /tmp/iperf-load.log; setsid iperf3 -c 169.254.1.1 -p 5204 -t 900 -P 2 --bidir >/tmp/iperf-load.log 2>&1 </dev/null & echo $! >/tmp/iperf-load.pid' ||
	fail "cannot start the load"
echo "load started ($((SECONDS - t0)) s)"
# The load must be moving data both ways through the vif, and still run,
# when the detach starts.
vifb() { cat /sys/class/net/vif$id.0/statistics/"$1"_bytes; }
moving=0
for i in $(seq 1 20); do
	rx0=$(vifb rx) tx0=$(vifb tx)
	sleep 3
	rx1=$(vifb rx) tx1=$(vifb tx)
	if [ $((rx1 - rx0)) -gt 10000 ] && [ $((tx1 - tx0)) -gt 10000 ]; then
		moving=1
		break
	fi
done
echo "vif$id.0 in 3 s: from the domU $((rx1 - rx0)) bytes, to it $((tx1 - tx0)) bytes ($((SECONDS - t0)) s after the start)"
[ $moving = 1 ] || fail "the load does not move data both ways: $(domu_run -t 30 'tail -n 20 /tmp/iperf-load.log')"
domu_run -t 60 'kill -0 $(cat /tmp/iperf-load.pid)' ||
	fail "the load stopped before the detach: $(domu_run -t 30 'tail -n 20 /tmp/iperf-load.log')"
t1=$SECONDS
timeout 90 xl network-detach "$DOMU" 0 || fail "xl network-detach failed or hung under load"
echo "network-detach under load took $((SECONDS - t1)) s"
domu_run -t 60 'for i in $(seq 1 60); do ip link show eth0 >/dev/null 2>&1 || exit 0; sleep 0.5; done; exit 1' ||
	fail "eth0 still present in the domU after detach"
wait_for 30 sh -c "! ip link show vif$id.0 >/dev/null 2>&1" || fail "vif$id.0 still present in dom0"
domu_run -t 30 'kill $(cat /tmp/iperf-load.pid) 2>/dev/null; echo domU responsive' || fail "domU agent does not answer"
xl network-attach "$DOMU" mac=00:16:3e:00:00:02,bridge=xenbr0 || fail "xl network-attach failed"
dev=$(domu_run -t 60 'for i in $(seq 1 60); do for d in /sys/class/net/eth*; do [ -e "$d" ] && { basename $d; exit 0; }; done; sleep 0.5; done; exit 1') ||
	fail "no ethernet device in the domU after attach"
domu_run -t 30 "ip link set $dev up; ip addr add 169.254.2.2/16 dev $dev" || fail "cannot configure $dev"
wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "no ping after re-attach"
# A fresh server: the old one may still wait for the streams the detach cut.
kill "$(cat /tmp/iperf3d.pid)" 2>/dev/null
rm -f /tmp/iperf3d.pid
iperf3 -s -D -p 5205 -I /tmp/iperf3d.pid || fail "cannot start the second iperf3 server"
sleep 1
out=$(domu_run -t 90 "iperf3 -c 169.254.1.1 -p 5205 -t 3 -f m") || fail "iperf3 after re-attach: $out"
echo "$out" | grep receiver | tail -n 1
