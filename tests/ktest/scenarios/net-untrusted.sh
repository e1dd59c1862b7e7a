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

# domU -> dom0 (sent bounced), then dom0 -> domU (into zeroed rx
# buffers), 4 MiB each, compared by sha256.
tcp_transfer_check 4 5021 untrusted

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
