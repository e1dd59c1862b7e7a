# net-ethtool: the ethtool view of our drivers.  With our frontend, the
# domU's eth0: driver, the in-tree statistic name, per-queue counters
# that move with traffic, the queue count.  With our backend, dom0's
# vif: driver, the in-tree and xenpv statistic names, and the net_device
# counters (ndo_get_stats64) and per-queue debugfs counters moving with
# traffic.  Skipped when neither side is ours.
[ "$FRONT" = xenpv ] || [ "$BACK" = xenpv ] ||
	skip "needs --front xenpv or --back xenpv (Debian's drivers are not under test)"
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"

# sum <stats> <regex>: the sum of the counters whose names match.
sum() { echo "$1" | awk -v re="$2" '$1 ~ re { s += $2 } END { print s + 0 }'; }

if [ "$BACK" = xenpv ]; then
	vif=vif$(domid_of).0
	ET=ethtool
	command -v ethtool >/dev/null || ET=/job/bin/xenpv-ethtool
	info=$($ET -i "$vif") || fail "dom0: ethtool -i $vif: $info"
	echo "$info"
	assert_eq "$(echo "$info" | sed -n 's/^driver: //p')" vif "dom0 $vif driver"
	assert_eq "$(echo "$info" | sed -n 's/^version: //p')" xenpv "dom0 $vif driver version (ours)"
	b1=$($ET -S "$vif") || fail "dom0: ethtool -S $vif: $b1"
	for n in rx_gso_checksum_fixup tx_zerocopy_sent tx_zerocopy_success \
		tx_zerocopy_fail tx_frag_overflow xenpv_tx_bad_requests \
		xenpv_tx_copy_errors xenpv_rx_drained xenpv_rx_stalls xenpv_rx_copy_errors; do
		echo "$b1" | grep -q "^ *$n: [0-9]" || fail "dom0: no $n in ethtool -S $vif"
	done
	st() { cat /sys/class/net/$vif/statistics/$1; }
	rx1=$(st rx_packets) rxb1=$(st rx_bytes) tx1=$(st tx_packets)
	ping -c 30 -i 0.05 -W 2 169.254.2.2 >/dev/null || fail "ping lost packets"
	b2=$($ET -S "$vif") || fail "dom0: ethtool -S $vif: $b2"
	echo "$b2"
	rx=$(( $(st rx_packets) - rx1 )) rxb=$(( $(st rx_bytes) - rxb1 )) tx=$(( $(st tx_packets) - tx1 ))
	echo "dom0 $vif during 30 pings: rx (from the guest) $rx packets ($rxb bytes), tx (to the guest) $tx packets"
	[ "$rx" -ge 30 ] && [ "$tx" -ge 30 ] && [ "$rxb" -ge $((30 * 98)) ] ||
		fail "dom0 $vif counters did not follow the traffic (rx $rx, tx $tx, rx bytes $rxb)"
	# The per-queue debugfs counters add up to the net_device's.
	grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug
	dq=$(cat /sys/kernel/debug/xen-netback/$vif/io_ring_q* | grep '^guest tx:')
	echo "$dq"
	[ -n "$dq" ] || fail "dom0: no per-queue counters in /sys/kernel/debug/xen-netback/$vif/"
	qrx=$(echo "$dq" | awk '{ s += $3 } END { print s + 0 }')
	[ "$qrx" -ge $((rx1 + rx)) ] && [ "$qrx" -le $(( $(st rx_packets) )) ] ||
		fail "dom0 $vif: debugfs guest tx packets $qrx vs. rx_packets $(st rx_packets)"
	[ "$FRONT" = xenpv ] || exit 0
fi

et='ET=ethtool; command -v ethtool >/dev/null || ET=xenpv-ethtool'
info=$(domu_run -t 30 "$et; \$ET -i eth0") || fail "ethtool -i eth0: $info"
echo "$info"
assert_eq "$(echo "$info" | sed -n 's/^driver: //p')" vif "driver"
assert_eq "$(echo "$info" | sed -n 's/^version: //p')" xenpv "driver version (ours)"
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
