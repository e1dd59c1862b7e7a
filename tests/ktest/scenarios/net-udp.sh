# net-udp: UDP at a modest rate (UDP_RATE, default 2M) with 3000-byte
# datagrams (each one three IP fragments), both ways; no datagram may be
# lost (iperf3's count), and every datagram the sender's IP fragmented
# must be reassembled by the receiver's (the IP MIBs: all fragments
# arrived, including those iperf3 no longer counts at the end of its
# test).  On a loss the counters that moved on both sides say where the
# datagrams went (netback's queue: the vif's tx_dropped in dom0; the
# frontend: eth0's rx_dropped/rx_errors; reassembly: Ip ReasmFails; the
# socket: Udp RcvbufErrors).  domU -> dom0, a datagram missing in dom0's
# reassembly although every packet the domU sent reached the vif (none
# dropped) was lost in dom0's own stack under load, after the PV link:
# logged, not failed (seen once: 3 of 421, Ip:ReasmFails +3, while two
# boards and a build shared the 2 cores).
#
# The sockets get UDP_BUF (default 2M) of buffer: each 1514-byte
# fragment arrives in its own 4 KiB page (as with Linux's netfront), so a
# 3000-byte datagram holds about 15 KB of receive buffer until it is
# read, and the default 208 KiB overflow while the emulated domU does not
# run the reader for a few hundred milliseconds (seen: 55 of 283 and
# 71 of 347 lost, all counted as Udp RcvbufErrors, no drop in either
# driver, reassembly complete;
# 2M: none lost).  UDP_PROBE=1 first runs the dom0 -> domU direction
# once with the default buffers and only reports what it lost, and where.
rate=${UDP_RATE:-2M}
buf=${UDP_BUF:-2M}
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
# dom0 also: packets its CPUs' input backlogs dropped (softnet_stat).
dom0_counters() {
	D=vif$id.0 bash -c "$counters"
	local s=0 d
	while read -r _ d _; do s=$((s + 0x$d)); done </proc/net/softnet_stat
	echo "softnet:dropped $s"
}
# delta <before> <after>: the counters that moved.
delta() {
	awk 'NR == FNR { a[$1] = $2; next } ($1 in a) && $2 != a[$1] { printf "%s +%d\n", $1, $2 - a[$1] }' \
		<(echo "$1") <(echo "$2") | tr '\n' ' '
}

irqs='awk '\''/eth0/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print "irq:eth0 " s + 0 }'\'' /proc/interrupts'
# val <counters> <name>: one counter's value.
val() { echo "$1" | awk -v n="$2" '$1 == n { print $2 + 0 }'; }
# run <dir> [iperf3 options]: one 5 s run, <dir> "" (domU -> dom0) or -R;
# prints the receiver line and the counters that moved; sets $line, and
# $sent/$reasm: datagrams the sender's IP fragmented / the receiver's
# reassembled (only this test's datagrams are fragmented; the receiver
# is given up to 20 s to drain what the emulated board still queues).
run() {
	local dir=$1 d1 d2 b1 b2 out i
	shift
	d1=$(domu_counters; domu_run -t 30 "$irqs")
	b1=$(dom0_counters)
	out=$(domu_run -t 90 "iperf3 -c 169.254.1.1 -p 5202 -u -b $rate -l 3000 -t 5 $* $dir") ||
		fail "iperf3 -u $* $dir failed: $(echo "$out" | tail -n 5)"
	for i in $(seq 1 10); do
		d2=$(domu_counters; domu_run -t 30 "$irqs")
		b2=$(dom0_counters)
		if [ -z "$dir" ]; then
			sent=$(( $(val "$d2" Ip:FragOKs) - $(val "$d1" Ip:FragOKs) ))
			reasm=$(( $(val "$b2" Ip:ReasmOKs) - $(val "$b1" Ip:ReasmOKs) ))
		else
			sent=$(( $(val "$b2" Ip:FragOKs) - $(val "$b1" Ip:FragOKs) ))
			reasm=$(( $(val "$d2" Ip:ReasmOKs) - $(val "$d1" Ip:ReasmOKs) ))
		fi
		[ "$reasm" -ge "$sent" ] && break
		sleep 1
	done
	line=$(echo "$out" | grep 'receiver' | tail -n 1)
	echo "${dir:-(domU -> dom0)} $*: $line"
	echo "  datagrams fragmented by the sender $sent, reassembled by the receiver $reasm"
	echo "  domU moved: $(delta "$d1" "$d2")"
	echo "  dom0 vif$id.0 moved: $(delta "$b1" "$b2")"
}
if [ "${UDP_PROBE:-0}" = 1 ]; then
	echo "probe, default socket buffers (not judged):"
	run -R
fi
domu_run -t 30 "echo 8388608 >/proc/sys/net/core/rmem_max && echo 8388608 >/proc/sys/net/core/wmem_max" ||
	fail "cannot raise the domU's socket buffer limits"
sysctl -qw net.core.rmem_max=8388608 net.core.wmem_max=8388608
for dir in "" -R; do
	run "$dir" -w "$buf"
	lost=$(echo "$line" | sed -n 's|.* \([0-9]*\)/\([0-9]*\) (.*|\1|p')
	total=$(echo "$line" | sed -n 's|.* \([0-9]*\)/\([0-9]*\) (.*|\2|p')
	[ -n "$total" ] && [ "$total" -gt 100 ] || fail "too few datagrams ${dir}: ${total:-none}"
	assert_eq "$lost" 0 "datagrams lost ${dir:-domU->dom0}"
	[ "$sent" -gt 100 ] || fail "too few fragmented datagrams ${dir:-domU->dom0}: $sent"
	if [ -z "$dir" ] && [ "$reasm" -lt "$sent" ]; then
		# domU -> dom0: the PV link ends where dom0's vif hands the
		# packets to dom0's stack.  Every packet the domU's eth0 sent
		# reached the vif, none dropped: a datagram missing in dom0's
		# reassembly was lost inside dom0's own stack (its backlog or
		# bridge, under the emulator's load), not by either driver.
		utx=$(( $(val "$d2" dev:tx_packets) - $(val "$d1" dev:tx_packets) ))
		vrx=$(( $(val "$b2" dev:rx_packets) - $(val "$b1" dev:rx_packets) ))
		vdrop=$(( $(val "$b2" dev:tx_dropped) - $(val "$b1" dev:tx_dropped) ))
		uerr=$(( $(val "$d2" dev:tx_errors) - $(val "$d1" dev:tx_errors) + $(val "$d2" dev:tx_dropped) - $(val "$d1" dev:tx_dropped) ))
		if [ "$utx" -gt 0 ] && [ "$vrx" -eq "$utx" ] && [ "$vdrop" -eq 0 ] && [ "$uerr" -eq 0 ]; then
			log "domU->dom0: $((sent - reasm)) of $sent fragmented datagrams not reassembled in dom0, but all $utx packets the domU sent reached vif$id.0 (none dropped): lost in dom0's stack (softnet dropped +$(( $(val "$b2" softnet:dropped) - $(val "$b1" softnet:dropped) )), Ip:ReasmFails +$(( $(val "$b2" Ip:ReasmFails) - $(val "$b1" Ip:ReasmFails) ))), not on the PV link"
			continue
		fi
	fi
	assert_eq "$reasm" "$sent" "fragmented datagrams reassembled ${dir:-domU->dom0}"
done
