# net-hotplug: xl network-detach / network-attach with the domU running.
domu_up
id=$(domid_of)
xl network-detach "$DOMU" 0 || fail "xl network-detach failed"
domu_run -t 60 'for i in $(seq 1 60); do ip link show eth0 >/dev/null 2>&1 || exit 0; sleep 0.5; done; exit 1' ||
	fail "eth0 still present in the domU after detach"
wait_for 30 sh -c "! ip link show vif$id.0 >/dev/null 2>&1" || fail "vif$id.0 still present in dom0"
xl network-attach "$DOMU" mac=00:16:3e:00:00:02,bridge=xenbr0 || fail "xl network-attach failed"
dev=$(domu_run -t 60 'for i in $(seq 1 60); do for d in /sys/class/net/eth*; do [ -e "$d" ] && { basename $d; exit 0; }; done; sleep 0.5; done; exit 1') ||
	fail "no ethernet device in the domU after attach"
domu_run -t 30 "ip link set $dev up; ip addr add 169.254.2.2/16 dev $dev" || fail "cannot configure $dev"
wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "no ping after re-attach"
ping -c 3 -W 2 169.254.2.2 || fail "ping after re-attach lost packets"
