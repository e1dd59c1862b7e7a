# net-mtu: MTU changes of the domU's eth0.
#  1. at run time: eth0 (and dom0's vif and bridge) to 9000; 8972-byte
#     pings with DF set both ways (one 9014-byte frame, three slots each
#     way, no IP fragments); then back to 1500, where a 8972-byte DF ping
#     from the domU must fail (the MTU really is in force) and 1472-byte
#     ones pass;
#  2. with --front xenpv, from xenstore: a vif attached with mtu=9000
#     comes up with eth0 at the frontend's mtu node (our netfront reads it
#     at connect; Linux 6.1's does not); jumbo pings when that node is
#     9000 (Xen 4.17's xl network-attach writes 1500 whatever mtu= says,
#     seen on the board).
domu_up
id=$(domid_of)
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
mac=00:16:3e:00:00:02
# Leave 1500 everywhere for the next scenario.
restore() {
	domu_run -t 30 'for d in /sys/class/net/eth*; do ip link set ${d##*/} mtu 1500; done' >/dev/null
	for v in /sys/class/net/vif$(domid_of).*; do
		[ -e "$v" ] && ip link set "${v##*/}" mtu 1500
	done
	ip link set xenbr0 mtu 1500 2>/dev/null
}
trap restore EXIT

jumbo() {	# jumbo <vif>: dom0's side to 9000
	ip link set "$1" mtu 9000 || fail "cannot set $1 mtu 9000"
	ip link set xenbr0 mtu 9000 || fail "cannot set xenbr0 mtu 9000"
}
# For the record (our netfront): the device's state and its rx page_pool
# counters (after the jumbo pings: pages that went up the stack and back).
pool_stats() {
	[ "$FRONT" = xenpv ] || return 0
	domu_run -t 30 'grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug
		cat /sys/kernel/debug/xenpv/device-vif-*/status' 2>/dev/null | grep -E "^(netdev|q[0-9]+ (rx|pool|packets))" || true
}

jumbo "vif$id.0"
domu_run -t 30 'ip link set eth0 mtu 9000 && cat /sys/class/net/eth0/mtu' | grep -qx 9000 ||
	fail "the domU cannot set eth0 mtu 9000"
ping -c 3 -i 0.3 -W 3 -M do -s 8972 169.254.2.2 || fail "dom0 -> domU 8972-byte DF ping at mtu 9000"
out=$(domu_run -t 60 'ping -c 3 -i 0.3 -W 3 -M do -s 8972 169.254.1.1') || fail "domU -> dom0 8972-byte DF ping at mtu 9000: $out"
echo "$out" | tail -n 2
out=$(domu_run -t 30 'ip link set eth0 mtu 1500 && cat /sys/class/net/eth0/mtu')
assert_eq "$out" 1500 "eth0 mtu back to 1500"
domu_run -t 30 'ping -c 1 -W 2 -M do -s 8972 169.254.1.1' >/dev/null 2>&1 &&
	fail "a 8972-byte DF ping left the domU at mtu 1500"
out=$(domu_run -t 60 'ping -c 3 -i 0.3 -W 2 -M do -s 1472 169.254.1.1') || fail "1472-byte DF ping at mtu 1500: $out"
pool_stats

if [ "$FRONT" = xenpv ]; then
	devid=$(xl network-list "$DOMU" | awk 'NR > 1 { print $1; exit }')
	xl network-detach "$DOMU" "$devid" || fail "xl network-detach failed"
	domu_run -t 60 'for i in $(seq 1 60); do ls /sys/class/net | grep -q "^eth" || exit 0; sleep 0.5; done; exit 1' ||
		fail "eth device still present after detach"
	xl network-attach "$DOMU" mac=$mac,bridge=xenbr0,mtu=9000 || fail "xl network-attach mtu=9000 failed"
	dev=$(domu_run -t 60 'for i in $(seq 1 60); do for d in /sys/class/net/eth*; do [ -e "$d" ] && { basename $d; exit 0; }; done; sleep 0.5; done; exit 1') ||
		fail "no ethernet device after attach"
	devid=$(xl network-list "$DOMU" | awk 'NR > 1 { print $1; exit }')
	# No node (or not a number) means the default, 1500.
	node=$(xenstore-read "/local/domain/$id/device/vif/$devid/mtu" 2>/dev/null)
	echo "frontend mtu node: ${node:-(none)}"
	case "$node" in
	'' | *[!0-9]*) node=1500 ;;
	esac
	m=$(domu_run -t 60 "for i in \$(seq 1 40); do [ \"\$(cat /sys/class/net/$dev/mtu)\" = $node ] && break; sleep 0.5; done; cat /sys/class/net/$dev/mtu")
	assert_eq "$m" "$node" "$dev mtu vs. the xenstore mtu node"
	domu_run -t 30 "ip link set $dev up; ip addr replace 169.254.2.2/16 dev $dev" || fail "cannot configure $dev"
	wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "no ping after re-attach"
	if [ "$node" = 9000 ]; then
		jumbo "vif$id.$devid"
		ping -c 3 -i 0.3 -W 3 -M do -s 8972 169.254.2.2 || fail "8972-byte DF ping at the xenstore mtu"
	else
		# Xen 4.17's xl network-attach writes mtu 1500 whatever mtu= says.
		echo "the toolstack wrote mtu $node, not 9000: the jumbo part of the xenstore check is not run"
	fi
	pool_stats
fi
