# net-udp: UDP at a modest rate (UDP_RATE, default 2M) with 3000-byte
# datagrams (each one three IP fragments), both ways; no datagram may be
# lost.  On a loss the counters that moved on both sides say where the
# datagrams went (netback's queue: the vif's tx_dropped in dom0; the
# frontend: eth0's rx_dropped/rx_errors; reassembly: Ip ReasmFails; the
# socket: Udp RcvbufErrors).
rate=${UDP_RATE:-2M}
domu_up
id=$(domid_of)
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
rm -f /tmp/iperf3u.pid
iperf3 -s -D -p 5202 -I /tmp/iperf3u.pid || fail "cannot start iperf3 server"
trap 'kill $(cat /tmp/iperf3u.pid 2>/dev/null) 2>/dev/null' EXIT
sleep 1

# "name value" lines: the IP/UDP MIB and the interface counters.
# shellcheck disable=SC2016
counters='awk '\''/^(Ip|Udp):/ { if (!($1 in h)) { h[$1] = 1; for (i = 2; i <= NF; i++) n[$1, i] = $i } else for (i = 2; i <= NF; i++) print $1 n[$1, i], $i }'\'' /proc/net/snmp
for f in rx_packets rx_dropped rx_errors tx_packets tx_dropped tx_errors; do echo "dev:$f $(cat /sys/class/net/$D/statistics/$f)"; done'
domu_counters() { domu_run -t 30 "D=eth0; $counters"; }
dom0_counters() { D=vif$id.0 bash -c "$counters"; }
# delta <before> <after>: the counters that moved.
delta() {
	awk 'NR == FNR { a[$1] = $2; next } ($1 in a) && $2 != a[$1] { printf "%s +%d\n", $1, $2 - a[$1] }' \
		<(echo "$1") <(echo "$2") | tr '\n' ' '
}

for dir in "" -R; do
	d1=$(domu_counters)
	b1=$(dom0_counters)
	out=$(domu_run -t 90 "iperf3 -c 169.254.1.1 -p 5202 -u -b $rate -l 3000 -t 5 $dir") ||
		fail "iperf3 -u ${dir:-domU->dom0} failed: $(echo "$out" | tail -n 5)"
	d2=$(domu_counters)
	b2=$(dom0_counters)
	line=$(echo "$out" | grep 'receiver' | tail -n 1)
	echo "${dir:-(domU -> dom0)}: $line"
	echo "  domU moved: $(delta "$d1" "$d2")"
	echo "  dom0 vif$id.0 moved: $(delta "$b1" "$b2")"
	lost=$(echo "$line" | sed -n 's|.* \([0-9]*\)/\([0-9]*\) (.*|\1|p')
	total=$(echo "$line" | sed -n 's|.* \([0-9]*\)/\([0-9]*\) (.*|\2|p')
	[ -n "$total" ] && [ "$total" -gt 100 ] || fail "too few datagrams ${dir}: ${total:-none}"
	assert_eq "$lost" 0 "datagrams lost ${dir:-domU->dom0}"
done
