# net-udp: UDP at a modest rate with 3000-byte datagrams (IP fragments),
# both ways; no datagram may be lost.
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
rm -f /tmp/iperf3u.pid
iperf3 -s -D -p 5202 -I /tmp/iperf3u.pid || fail "cannot start iperf3 server"
trap 'kill $(cat /tmp/iperf3u.pid 2>/dev/null) 2>/dev/null' EXIT
sleep 1
for dir in "" -R; do
	out=$(domu_run -t 60 "iperf3 -c 169.254.1.1 -p 5202 -u -b 2M -l 3000 -t 5 $dir") ||
		fail "iperf3 -u ${dir:-domU->dom0} failed: $(echo "$out" | tail -n 5)"
	line=$(echo "$out" | grep 'receiver' | tail -n 1)
	echo "${dir:-(domU -> dom0)}: $line"
	lost=$(echo "$line" | sed -n 's|.* \([0-9]*\)/\([0-9]*\) (.*|\1|p')
	total=$(echo "$line" | sed -n 's|.* \([0-9]*\)/\([0-9]*\) (.*|\2|p')
	[ -n "$total" ] && [ "$total" -gt 100 ] || fail "too few datagrams ${dir}: ${total:-none}"
	assert_eq "$lost" 0 "datagrams lost ${dir:-domU->dom0}"
done
