# net-ethtool: the domU's ethtool view of eth0 with our frontend: driver,
# the in-tree statistic name, per-queue counters that move with
# traffic, the queue count.
[ "$FRONT" = xenpv ] || skip "needs --front xenpv (the domU has xenpv-ethtool only then)"
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
et='ET=ethtool; command -v ethtool >/dev/null || ET=xenpv-ethtool'
info=$(domu_run -t 30 "$et; \$ET -i eth0") || fail "ethtool -i eth0: $info"
echo "$info"
assert_eq "$(echo "$info" | sed -n 's/^driver: //p')" vif "driver"
assert_eq "$(echo "$info" | sed -n 's/^version: //p')" xenpv "driver version (ours)"

# sum <stats> <regex>: the sum of the counters whose names match.
sum() { echo "$1" | awk -v re="$2" '$1 ~ re { s += $2 } END { print s + 0 }'; }
s1=$(domu_run -t 30 "$et; \$ET -S eth0") || fail "ethtool -S eth0: $s1"
echo "$s1" | grep -q '^ *rx_gso_checksum_fixup: [0-9]' || fail "no rx_gso_checksum_fixup in ethtool -S"
echo "$s1" | grep -q '^ *tx_queue_0_packets: [0-9]' || fail "no per-queue counters in ethtool -S"
ping -c 30 -i 0.05 -W 2 169.254.2.2 >/dev/null || fail "ping lost packets"
s2=$(domu_run -t 30 "$et; \$ET -S eth0") || fail "ethtool -S eth0: $s2"
echo "$s2"
tx=$(( $(sum "$s2" '^tx_queue_[0-9]+_packets:') - $(sum "$s1" '^tx_queue_[0-9]+_packets:') ))
rx=$(( $(sum "$s2" '^rx_queue_[0-9]+_packets:') - $(sum "$s1" '^rx_queue_[0-9]+_packets:') ))
txb=$(( $(sum "$s2" '^tx_queue_[0-9]+_bytes:') - $(sum "$s1" '^tx_queue_[0-9]+_bytes:') ))
echo "during 30 pings: tx $tx packets ($txb bytes), rx $rx packets"
[ "$tx" -ge 30 ] && [ "$rx" -ge 30 ] && [ "$txb" -ge $((30 * 98)) ] ||
	fail "counters did not follow the traffic (tx $tx, rx $rx, tx bytes $txb)"
stats=$(domu_run -t 30 'cat /sys/class/net/eth0/statistics/tx_packets /sys/class/net/eth0/statistics/rx_packets')
echo "netdev statistics (tx rx): $stats"

ch=$(domu_run -t 30 "$et; \$ET -l eth0") || fail "ethtool -l eth0: $ch"
echo "$ch"
cur=$(echo "$ch" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2 }')
nq=$(domu_run -t 30 'ls -d /sys/class/net/eth0/queues/tx-* | wc -l')
assert_eq "$cur" "$nq" "ethtool -l combined count vs. tx queues"
