# net-ping: dom0 <-> domU over xenbr0 and the vif, both directions.
domu_up
vif=vif$(domid_of).0
wait_for 30 sh -c "ip link show master xenbr0 | grep -q '$vif'" || fail "$vif is not in xenbr0"
domu_run -t 30 'ip link show eth0' || fail "no eth0 in the domU"
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "dom0 cannot reach the domU"
ping -c 5 -i 0.3 -W 2 169.254.2.2 || fail "dom0 -> domU ping lost packets"
out=$(domu_run -t 60 'ping -c 5 -i 0.3 -W 2 169.254.1.1') || fail "domU -> dom0 ping: $out"
echo "$out"
