# net-rx-stall: xl pause the domU while dom0 floods it.  dom0's memory
# stays bounded (the backend queues at most 512 KiB per queue, the qdisc
# its txqueuelen; we allow 24 MiB of MemAvailable for everything), the
# vif's carrier goes off after rx_stall_timeout_msecs (shortened to 5 s
# when the parameter is writable, as ours is), and traffic resumes after
# xl unpause.
domu_up
id=$(domid_of)
vif=vif$id.0
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
assert_eq "$(cat /sys/class/net/$vif/carrier)" 1 "carrier before the pause"

P=/sys/module/xen_netback/parameters
stall_ms=$(cat $P/rx_stall_timeout_msecs 2>/dev/null || echo 60000)
old_stall=$stall_ms old_drain=$(cat $P/rx_drain_timeout_msecs 2>/dev/null)
if [ -w $P/rx_stall_timeout_msecs ]; then
	echo 5000 >$P/rx_stall_timeout_msecs
	echo 2000 >$P/rx_drain_timeout_msecs
	stall_ms=5000
fi
restore() {
	[ -w $P/rx_stall_timeout_msecs ] && echo "$old_stall" >$P/rx_stall_timeout_msecs
	[ -w $P/rx_drain_timeout_msecs ] && echo "$old_drain" >$P/rx_drain_timeout_msecs
	ip neigh del 169.254.2.2 dev xenbr0 2>/dev/null
	kill "$flood" 2>/dev/null
	xl unpause "$DOMU" 2>/dev/null
}
trap restore EXIT
# Keep dom0 sending while the domU cannot answer ARP.
ip neigh replace 169.254.2.2 lladdr 00:16:3e:00:00:02 dev xenbr0 nud permanent

avail() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
before=$(avail)
xl pause "$DOMU" || fail "xl pause failed"
(
	end=$((SECONDS + 120))
	while [ $SECONDS -lt $end ]; do
		dd if=/dev/zero bs=1400 count=5000 2>/dev/null >/dev/udp/169.254.2.2/9
	done
) &
flood=$!

min=$before off_after=
start=$SECONDS
end=$((SECONDS + stall_ms / 1000 + 20))
while [ $SECONDS -lt $end ]; do
	a=$(avail)
	[ "$a" -lt "$min" ] && min=$a
	if [ -z "$off_after" ] && [ "$(cat /sys/class/net/$vif/carrier)" = 0 ]; then
		off_after=$((SECONDS - start))
		end=$((SECONDS + 5))	# keep flooding a carrier-off vif
	fi
	sleep 0.5
done
kill "$flood" 2>/dev/null
wait "$flood" 2>/dev/null
used=$(((before - min) / 1024))
log "MemAvailable before ${before} kB, lowest ${min} kB: ${used} MiB used while flooding"
ethtool -S "$vif" 2>/dev/null | grep -E 'xenpv_rx_(drained|stalls)'
grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
cat /sys/kernel/debug/xen-netback/$vif/io_ring_q* 2>/dev/null
[ -n "$off_after" ] || fail "carrier still on $((stall_ms / 1000 + 20)) s into the stall"
log "carrier off after ${off_after} s (stall timeout ${stall_ms} ms)"
[ "$used" -le 24 ] || fail "dom0 used ${used} MiB while the domU was paused"

xl unpause "$DOMU" || fail "xl unpause failed"
ip neigh del 169.254.2.2 dev xenbr0 2>/dev/null
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "no ping after unpause"
wait_for 30 sh -c "[ \$(cat /sys/class/net/$vif/carrier) = 1 ]" || fail "carrier did not come back"
ping -c 3 -W 2 169.254.2.2 || fail "ping after unpause lost packets"
