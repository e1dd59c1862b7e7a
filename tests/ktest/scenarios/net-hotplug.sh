# net-hotplug: xl network-detach / network-attach with the domU running,
# NET_HOTPLUG_ROUNDS times (default 1; issue #12's acceptance is 10).
# Each round: the vif goes from both sides, a new one comes, is
# configured and answers pings.
# timeout: 1800
rounds=${NET_HOTPLUG_ROUNDS:-1}
mac=00:16:3e:00:00:02
domu_up
id=$(domid_of)
for r in $(seq 1 "$rounds"); do
	t0=$SECONDS
	devid=$(xl network-list "$DOMU" | awk 'NR > 1 { print $1; exit }')
	[ -n "$devid" ] || fail "round $r: the domU has no vif"
	xl network-detach "$DOMU" "$devid" || fail "round $r: xl network-detach failed"
	domu_run -t 60 'for i in $(seq 1 60); do ls /sys/class/net | grep -q "^eth" || exit 0; sleep 0.5; done; exit 1' ||
		fail "round $r: an ethernet device is still present in the domU after detach"
	wait_for 30 sh -c "! ip link show vif$id.$devid >/dev/null 2>&1" ||
		fail "round $r: vif$id.$devid still present in dom0"
	xl network-attach "$DOMU" mac=$mac,bridge=xenbr0 || fail "round $r: xl network-attach failed"
	dev=$(domu_run -t 60 'for i in $(seq 1 60); do for d in /sys/class/net/eth*; do [ -e "$d" ] && { basename $d; exit 0; }; done; sleep 0.5; done; exit 1') ||
		fail "round $r: no ethernet device in the domU after attach"
	domu_run -t 30 "ip link set $dev up; ip addr add 169.254.2.2/16 dev $dev" ||
		fail "round $r: cannot configure $dev"
	wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "round $r: no ping after re-attach"
	ping -c 3 -W 2 169.254.2.2 >/dev/null || fail "round $r: ping after re-attach lost packets"
	echo "round $r: detach, attach ($dev), ping: $((SECONDS - t0)) s"
done
# The last vif carries more than pings.
ping -c 5 -i 0.2 -s 8000 -W 2 169.254.2.2 >/dev/null || fail "8000-byte pings after $rounds rounds lost packets"
echo "$rounds rounds"
