# bench-net: network figures between dom0 (169.254.1.1, xenbr0) and the
# domU (169.254.2.2, its vif), for tests/ktest/bench.  Per repetition:
# iperf3 TCP domU->dom0 and dom0->domU (-R) with -P 1 and -P 4 (Mbit/s,
# receiver side), iperf3 UDP with 64-byte payloads, unlimited rate, both
# ways (datagrams received per second), and ping dom0->domU RTT p50 over
# PING_COUNT pings at a 10 ms interval (us).
# Prints "BENCH <metric> <value>" lines (one per repetition).
# Settings: BENCH_REPS (3), NET_TIME seconds per iperf3 run (3),
# PING_COUNT (200).
# host: whole
# timeout: 1200
REPS=${BENCH_REPS:-3}
T=${NET_TIME:-3}
PC=${PING_COUNT:-200}
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
nq=$(domu_run -t 30 'ls -d /sys/class/net/eth0/queues/tx-* | wc -l')
echo "BENCHINFO net.domu_tx_queues $nq"
rm -f /tmp/iperf3.pid
iperf3 -s -D -p 5201 -I /tmp/iperf3.pid || fail "cannot start iperf3 server"
trap 'kill $(cat /tmp/iperf3.pid 2>/dev/null) 2>/dev/null' EXIT
sleep 1

# tcp <metric> <iperf3 args>: the receiver's rate in Mbit/s.
tcp() {
	local m=$1 out rate
	shift
	out=$(domu_run -t $((T * 3 + 60)) "iperf3 -c 169.254.1.1 -p 5201 -t $T -f m $*") ||
		fail "iperf3 $*: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	rate=$(printf '%s\n' "$out" | grep receiver | tail -n 1 |
		awk '{ for (i = 2; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }')
	[ -n "$rate" ] || fail "no receiver rate in iperf3 $*: $(echo "$out" | tail -n 4 | tr '\n' ' ')"
	echo "BENCH $m $rate"
}

# udp <metric> <iperf3 args>: datagrams the receiver got per second.
udp() {
	local m=$1 out pps
	shift
	out=$(domu_run -t $((T * 3 + 60)) "iperf3 -c 169.254.1.1 -p 5201 -t $T -u -l 64 -b 0 $*") ||
		fail "iperf3 udp $*: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	pps=$(printf '%s\n' "$out" | grep receiver | tail -n 1 | awk '{
		split($3, iv, "-"); secs = iv[2] - iv[1]
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, lt, "/"); got = lt[2] - lt[1] }
		if (secs > 0 && got != "") printf "%d\n", got / secs }')
	[ -n "$pps" ] || fail "no receiver count in iperf3 udp $*: $(echo "$out" | tail -n 4 | tr '\n' ' ')"
	echo "BENCH $m $pps"
}

for r in $(seq 1 "$REPS"); do
	tcp net.tcp_u2d_p1_mbit -P 1
	tcp net.tcp_u2d_p4_mbit -P 4
	tcp net.tcp_d2u_p1_mbit -P 1 -R
	tcp net.tcp_d2u_p4_mbit -P 4 -R
	udp net.udp64_u2d_pps
	udp net.udp64_d2u_pps -R
	out=$(ping -n -c "$PC" -i 0.01 -W 1 169.254.2.2)
	n=$(printf '%s\n' "$out" | grep -c 'time=')
	[ "$n" -ge $((PC / 2)) ] || fail "ping: only $n of $PC replies"
	[ "$n" = "$PC" ] || echo "BENCHINFO net.ping_lost $((PC - n))"
	printf '%s\n' "$out" | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -n |
		awk '{ v[NR] = $1 } END { printf "BENCH net.ping_p50_us %d\n", v[int((NR + 1) / 2)] * 1000 }'
done
