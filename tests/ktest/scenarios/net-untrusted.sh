# net-untrusted: our netfront with trusted=0 (the module parameter, read
# at probe): the vif is re-attached so that it is probed untrusted; the
# device reports bounce 1 (debugfs), every transmitted packet is copied
# to a private page (tx_queue_<n>_bounced follows tx_queue_<n>_packets),
# and 4 MiB each way over TCP arrive intact (sha256).  The parameter is
# set back to Y at the end, and the vif re-attached trusted.
[ "$FRONT" = xenpv ] || skip "needs --front xenpv (our netfront's trusted parameter and counters)"
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
mac=00:16:3e:00:00:02
et='ET=ethtool; command -v ethtool >/dev/null || ET=xenpv-ethtool'

# reattach <Y|N>: detach the vif, set trusted, attach it again, configure.
reattach() {
	local devid dev
	devid=$(xl network-list "$DOMU" | awk 'NR > 1 { print $1; exit }')
	xl network-detach "$DOMU" "$devid" || fail "xl network-detach failed"
	domu_run -t 60 'for i in $(seq 1 60); do ls /sys/class/net | grep -q "^eth" || exit 0; sleep 0.5; done; exit 1' ||
		fail "eth device still present after detach"
	domu_run -t 30 "echo $1 >/sys/module/xen_netfront/parameters/trusted" || fail "cannot set trusted=$1"
	xl network-attach "$DOMU" mac=$mac,bridge=xenbr0 || fail "xl network-attach failed"
	dev=$(domu_run -t 60 'for i in $(seq 1 60); do for d in /sys/class/net/eth*; do [ -e "$d" ] && { basename $d; exit 0; }; done; sleep 0.5; done; exit 1') ||
		fail "no ethernet device after attach"
	domu_run -t 30 "ip link set $dev up; ip addr replace 169.254.2.2/16 dev $dev" || fail "cannot configure $dev"
	wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "no ping after re-attach (trusted=$1)"
}
trap 'domu_run -t 30 "echo Y >/sys/module/xen_netfront/parameters/trusted" >/dev/null' EXIT
reattach N
st=$(domu_run -t 30 'mount -t debugfs none /sys/kernel/debug 2>/dev/null; cat /sys/kernel/debug/xenpv/device-vif-*/status')
echo "$st" | grep -E '^netdev:|bounce'
echo "$st" | grep -q '^netdev: .* bounce 1 ' || fail "the device does not bounce with trusted=0"

sum() { echo "$1" | awk -v re="$2" '$1 ~ re { s += $2 } END { print s + 0 }'; }
s1=$(domu_run -t 30 "$et; \$ET -S eth0") || fail "ethtool -S: $s1"

# domU -> dom0, then dom0 -> domU, 4 MiB each, compared by sha256.
rm -f /tmp/rx
busybox nc -l -p 5021 >/tmp/rx &
lpid=$!
w=$(domu_run -t 300 '
dd if=/dev/urandom of=/tmp/tx bs=1M count=4 2>/dev/null
sha256sum </tmp/tx | cut -d" " -f1
for i in 1 2 3 4 5 6 7 8 9 10; do cat /tmp/tx >/dev/tcp/169.254.1.1/5021 2>/dev/null && exit 0; sleep 1; done
exit 1') || { kill $lpid 2>/dev/null; fail "domU could not send: $w"; }
wait_for 60 sh -c "! kill -0 $lpid 2>/dev/null" || { kill $lpid; fail "dom0 receiver did not finish"; }
r=$(sha256sum </tmp/rx | cut -d' ' -f1)
echo "domU->dom0 sent $(echo "$w" | head -n 1) received $r"
assert_eq "$r" "$(echo "$w" | head -n 1)" "domU -> dom0 data (bounced)"

dd if=/dev/urandom of=/tmp/tx bs=1M count=4 2>/dev/null
w=$(sha256sum </tmp/tx | cut -d' ' -f1)
domu_run -t 30 'rm -f /tmp/rx; setsid busybox nc -l -p 5022 >/tmp/rx 2>/dev/null </dev/null & echo $! >/tmp/nc.pid' ||
	fail "cannot start the domU receiver"
ok=0
for i in $(seq 1 10); do
	cat /tmp/tx >/dev/tcp/169.254.2.2/5022 2>/dev/null && { ok=1; break; }
	sleep 1
done
[ $ok = 1 ] || fail "dom0 could not connect to the domU"
r=$(domu_run -t 120 'p=$(cat /tmp/nc.pid); for i in $(seq 1 60); do kill -0 $p 2>/dev/null || break; sleep 1; done; sha256sum </tmp/rx | cut -d" " -f1')
echo "dom0->domU sent $w received $r"
assert_eq "$r" "$w" "dom0 -> domU data (zeroed rx buffers)"

s2=$(domu_run -t 30 "$et; \$ET -S eth0") || fail "ethtool -S: $s2"
tx=$(( $(sum "$s2" '^tx_queue_[0-9]+_packets:') - $(sum "$s1" '^tx_queue_[0-9]+_packets:') ))
bn=$(( $(sum "$s2" '^tx_queue_[0-9]+_bounced:') - $(sum "$s1" '^tx_queue_[0-9]+_bounced:') ))
echo "during the transfers: tx $tx packets, $bn bounced"
[ "$tx" -gt 100 ] || fail "too few packets sent ($tx)"
[ "$bn" -ge "$tx" ] || fail "only $bn of $tx sent packets were bounced"

reattach Y
st=$(domu_run -t 30 'cat /sys/kernel/debug/xenpv/device-vif-*/status')
echo "$st" | grep -q '^netdev: .* bounce 0 ' || fail "the device still bounces after trusted=Y"
trap - EXIT
