# net-ping: dom0 <-> domU over xenbr0 and the vif, both directions,
# small, full-frame (1472) and fragmented (8000) payloads.
domu_up
vif=vif$(domid_of).0
wait_for 30 sh -c "ip link show master xenbr0 | grep -q '$vif'" || fail "$vif is not in xenbr0"
domu_run -t 30 'ip link show eth0' || fail "no eth0 in the domU"
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "dom0 cannot reach the domU"
ping -c 5 -i 0.3 -W 2 169.254.2.2 || fail "dom0 -> domU ping lost packets"
out=$(domu_run -t 60 'ping -c 5 -i 0.3 -W 2 169.254.1.1') || fail "domU -> dom0 ping: $out"
echo "$out"
# 1472-byte payloads fill a 1500-byte frame exactly (no fragments);
# 8000-byte ones are fragmented and reassembled, both directions.
ping -c 3 -i 0.3 -W 2 -M do -s 1472 169.254.2.2 || fail "dom0 -> domU 1472-byte ping failed"
ping -c 3 -i 0.3 -W 2 -s 8000 169.254.2.2 || fail "dom0 -> domU 8000-byte ping failed"
out=$(domu_run -t 60 'ping -c 3 -i 0.3 -W 2 -M do -s 1472 169.254.1.1 && ping -c 3 -i 0.3 -W 2 -s 8000 169.254.1.1') ||
	fail "domU -> dom0 large ping: $out"
echo "$out"
