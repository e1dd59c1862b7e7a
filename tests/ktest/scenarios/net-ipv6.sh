# net-ipv6: IPv6 link-local between dom0 (xenbr0) and the domU (eth0):
# ping6 both ways (also fragmented), TCP both ways (IPV6_TCP_BYTES each,
# default 4M: the emulated board moves well under 1 MB/s per direction
# while another board shares the host).
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
sysctl -qw net.ipv6.conf.xenbr0.disable_ipv6=0 2>/dev/null
# ll <addr output>: the first non-tentative link-local address.
ll() { awk '/inet6 fe80/ && !/tentative/ { sub(/\/.*/, "", $2); print $2; exit }'; }
wait_for 20 sh -c 'ip -6 addr show dev xenbr0 scope link | grep -v tentative | grep -q inet6' ||
	fail "dom0 has no IPv6 link-local address on xenbr0"
a0=$(ip -6 addr show dev xenbr0 scope link | ll)
a1=$(domu_run -t 30 'for i in $(seq 1 40); do ip -6 addr show dev eth0 scope link | grep -v tentative | grep -q inet6 && break; sleep 0.5; done; ip -6 addr show dev eth0 scope link' | ll)
echo "dom0 $a0, domU $a1"
[ -n "$a0" ] && [ -n "$a1" ] || fail "no link-local address (dom0 '$a0', domU '$a1')"
ping -6 -c 3 -i 0.3 -W 2 "$a1%xenbr0" || fail "dom0 -> domU ping6 failed"
ping -6 -c 3 -i 0.3 -W 2 -s 4000 "$a1%xenbr0" || fail "dom0 -> domU fragmented ping6 failed"
out=$(domu_run -t 60 "ping -6 -c 3 -i 0.3 -W 2 $a0%eth0 && ping -6 -c 3 -i 0.3 -W 2 -s 4000 $a0%eth0") ||
	fail "domU -> dom0 ping6: $out"
echo "$out" | tail -n 2
rm -f /tmp/iperf3v6.pid
iperf3 -s -D -p 5203 -I /tmp/iperf3v6.pid || fail "cannot start iperf3 server"
trap 'kill $(cat /tmp/iperf3v6.pid 2>/dev/null) 2>/dev/null' EXIT
sleep 1
for dir in "" -R; do
	out=$(domu_run -t 300 "iperf3 -6 -c $a0%eth0 -p 5203 -n ${IPV6_TCP_BYTES:-4M} -f m $dir") ||
		fail "TCP over IPv6 ${dir:-domU->dom0} failed: $(echo "$out" | tail -n 5)"
	echo "${dir:-(domU -> dom0)}: $(echo "$out" | grep receiver | tail -n 1)"
	rx=$(echo "$out" | awk '/receiver/ { v = $5; u = $6 } END { print v, u }')
	case "$rx" in
	"0.00 "*|" "|"") fail "TCP over IPv6 ${dir:-domU->dom0}: nothing received ($rx)" ;;
	esac
done
