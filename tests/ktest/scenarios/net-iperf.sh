# net-iperf: iperf3 with 4 streams each way (twice); more than one queue is
# negotiated and each direction spreads over more than one queue (seen
# from the domU's ethtool -S with our frontend, from dom0's per-queue
# debugfs counters with our backend).
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
nq=$(domu_run -t 30 'ls -d /sys/class/net/eth0/queues/tx-* | wc -l')
echo "domU eth0 tx queues: $nq"
[ "${nq:-0}" -gt 1 ] || fail "only ${nq:-0} queue negotiated"
rm -f /tmp/iperf3.pid
iperf3 -s -D -p 5201 -I /tmp/iperf3.pid || fail "cannot start iperf3 server"
trap 'kill $(cat /tmp/iperf3.pid 2>/dev/null) 2>/dev/null' EXIT
sleep 1
et='ET=ethtool; command -v ethtool >/dev/null || ET=xenpv-ethtool; command -v $ET >/dev/null || exit 0'
s1=$(domu_run -t 30 "$et; \$ET -S eth0")
# Our backend: "<queue> <guest tx packets> <guest rx packets>" per queue.
bq() {
	[ "$BACK" = xenpv ] || return 0
	local f
	grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug
	for f in /sys/kernel/debug/xen-netback/vif$(domid_of).0/io_ring_q*; do
		[ -e "$f" ] || continue
		awk -v q="${f##*_}" '/^guest tx:/ { print q, $3, $11 }' "$f"
	done
}
b1=$(bq)
# Two runs per direction: 8 flows make all of them hashing to one queue
# unlikely (1 in 128 with 2 queues).
for dir in "" "" -R -R; do
	out=$(domu_run -t 90 "iperf3 -c 169.254.1.1 -p 5201 -t 5 -P 4 -f m $dir") ||
		fail "iperf3 ${dir:-domU->dom0} failed: $(echo "$out" | tail -n 5)"
	echo "$out" | grep -E 'SUM|receiver|sender' | tail -n 4
	rate=$(echo "$out" | awk '/SUM.*receiver/ { print $6 }')
	echo "iperf3 ${dir:-(domU -> dom0)}: ${rate:-?} Mbit/s"
	awk -v r="${rate:-0}" 'BEGIN { exit !(r > 0) }' || fail "no throughput ${dir}"
done
s2=$(domu_run -t 30 "$et; \$ET -S eth0")
b2=$(bq)
if [ "$BACK" = xenpv ]; then
	[ -n "$b1" ] && [ -n "$b2" ] || fail "dom0: no per-queue counters in /sys/kernel/debug/xen-netback/"
	echo "dom0 per-queue counters (queue, guest tx, guest rx packets), before:"
	echo "$b1"
	echo "after:"
	echo "$b2"
	# Queues whose counter (column $1) moved by at least 100.
	bused() {
		printf '%s\n%s\n' "$b1" "$b2" | awk -v c="$1" '
			NF == 3 { if ($1 in a) { if ($c - a[$1] >= 100) n++ } else a[$1] = $c }
			END { print n + 0 }'
	}
	echo "dom0 queues used: guest tx $(bused 2), guest rx $(bused 3)"
	[ "$(bused 2)" -gt 1 ] || fail "dom0: guest transmit used only $(bused 2) queue"
	[ "$(bused 3)" -gt 1 ] || fail "dom0: guest receive used only $(bused 3) queue"
fi
if [ -n "$s2" ]; then
	# Queues whose packet counters moved by at least 100, per direction.
	used() {
		printf '%s\n%s\n' "$s1" "$s2" | awk -v d="$1" '
			$1 ~ "^" d "_queue_[0-9]+_packets:" { if ($1 in a) { if ($2 - a[$1] >= 100) n++ } else a[$1] = $2 }
			END { print n + 0 }'
	}
	echo "queues used: tx $(used tx), rx $(used rx)"
	[ "$(used tx)" -gt 1 ] || fail "transmit used only $(used tx) queue"
	[ "$(used rx)" -gt 1 ] || fail "receive used only $(used rx) queue"
fi
