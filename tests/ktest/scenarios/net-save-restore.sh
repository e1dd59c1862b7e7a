# net-save-restore: xl save + xl restore of the domU while two TCP
# transfers run through its vif, one each way (SR_MIB MiB each, default
# 8, sent in 128 KiB pieces with a pause after each so that both are
# still running when the save starts).  Both transfers must complete
# after the restore and their sha256 match; the frontend must have gone
# through its resume hook (a restored domU that still passes traffic on
# the old rings would be a lie).  x86_64 board only: Xen on ARM has no
# save/restore.
#
# The domU of this scenario has no vbd (the frontend under test is the
# network one; blkfront's resume is its own issue), so it is destroyed
# at the end and the next scenario starts a fresh one; its kernel log is
# therefore shown and scanned here (the runner would find no domU).
# timeout: 1800
[ "$ARCH" = x86_64 ] || skip "save/restore needs the x86_64 board (Xen on ARM has none)"
mib=${SR_MIB:-8}
pieces=$((mib * 8))
img=/var/lib/xenpv/domu.save

eval "orig_$(declare -f domu_config)"
domu_config() { orig_domu_config "$@" | sed '/^disk = /d'; }
domu_alive && xl destroy "$DOMU"
badlog='BUG|WARNING|Oops|general protection|hung task|soft lockup|Call trace|Kernel panic'
# The domU's kernel log: shown (the lines about devices and the save),
# scanned; then the domU goes.
finish() {
	local dm
	kill $(jobs -p) 2>/dev/null
	rm -f "$img"
	if domu_alive; then
		dm=$(domu_run -t 60 dmesg)
		echo "domU kernel log (vif, xenbus, suspend):"
		echo "$dm" | grep -aiE 'vif|xenbus|netfront|suspend|resum|freez|restor' | tail -n 30
		echo "$dm" | grep -aE "$badlog" | head -n 20 >/tmp/sr-bad
	fi
	xl destroy "$DOMU" 2>/dev/null
}
trap finish EXIT
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"

# domU -> dom0: the sender in the domU, the receiver here.
rm -f /tmp/sr-rx
busybox nc -l -p 5011 >/tmp/sr-rx &
lpid=$!
w1=$(domu_run -t 120 "dd if=/dev/urandom of=/tmp/sr-tx bs=1M count=$mib 2>/dev/null; sha256sum </tmp/sr-tx | cut -d' ' -f1") ||
	fail "cannot make the domU's file"
# dom0 -> domU: the receiver in the domU, the sender here.
dd if=/dev/urandom of=/tmp/sr-tx bs=1M count="$mib" 2>/dev/null
w2=$(sha256sum </tmp/sr-tx | cut -d' ' -f1)
domu_run -t 30 'rm -f /tmp/sr-rx /tmp/sr-sent; setsid busybox nc -l -p 5012 >/tmp/sr-rx 2>/dev/null </dev/null & echo $! >/tmp/sr-nc.pid' ||
	fail "cannot start the domU's receiver"
sleep 1

# The sender loop: one 128 KiB piece, then a pause.
# shellcheck disable=SC2016
send='exec 3>/dev/tcp/$H/$P || exit 1
for i in $(seq 0 $((N - 1))); do dd if=/tmp/sr-tx bs=131072 skip=$i count=1 2>/dev/null >&3 || exit 1; sleep 0.3; done
exec 3>&-'
domu_run -t 30 "H=169.254.1.1 P=5011 N=$pieces; export H P N; setsid bash -c '$send; echo \$? >/tmp/sr-sent' </dev/null >/dev/null 2>&1 &" ||
	fail "cannot start the domU's sender"
H=169.254.2.2 P=5012 N=$pieces bash -c "$send" &
spid=$!
# Wait until the domU -> dom0 transfer has delivered something.
wait_for 60 sh -c "[ \$(stat -c %s /tmp/sr-rx) -gt 0 ]"
sleep 2
kill -0 $spid 2>/dev/null || fail "dom0's sender ended before the save (wait $spid: rc $(wait $spid; echo $?))"
kill -0 $lpid 2>/dev/null || fail "the domU's transfer ended before the save"
got1=$(stat -c %s /tmp/sr-rx)
echo "before the save: dom0 has received $got1 of $((mib << 20)) bytes"
[ "$got1" -gt 0 ] && [ "$got1" -lt $((mib << 20)) ] || fail "the domU -> dom0 transfer is not under way ($got1 bytes)"
got2=$(domu_run -t 30 'stat -c %s /tmp/sr-rx')
echo "before the save: the domU has received $got2 of $((mib << 20)) bytes"
[ "${got2:-0}" -lt $((mib << 20)) ] || fail "the dom0 -> domU transfer ended before the save"

rm -f /tmp/sr-bad
domu_save_restore "$img"
t=$SECONDS

# Both transfers complete.
wait_for 600 sh -c "! kill -0 $lpid 2>/dev/null" || fail "domU -> dom0 did not finish after the restore ($(stat -c %s /tmp/sr-rx) bytes)"
wait $spid || fail "dom0's sender failed after the restore"
echo "domU -> dom0 done, dom0's sender done: $((SECONDS - t)) s after the restore"
r1=$(sha256sum </tmp/sr-rx | cut -d' ' -f1)
echo "domU->dom0 sent $w1 received $r1 ($(stat -c %s /tmp/sr-rx) bytes)"
assert_eq "$r1" "$w1" "domU -> dom0 data across save/restore"
r2=$(domu_run -t 300 'p=$(cat /tmp/sr-nc.pid); for i in $(seq 1 240); do kill -0 $p 2>/dev/null || break; sleep 1; done; cat /tmp/sr-sent; sha256sum </tmp/sr-rx | cut -d" " -f1')
echo "dom0->domU sent $w2 received $(echo "$r2" | tail -n 1); domU sender exit: $(echo "$r2" | head -n 1)"
assert_eq "$(echo "$r2" | tail -n 1)" "$w2" "dom0 -> domU data across save/restore"
assert_eq "$(echo "$r2" | head -n 1)" 0 "the domU's sender exit status"

# Our frontend went through .resume and reconnected (debugfs), and the
# vif still carries traffic.
if [ "$FRONT" = xenpv ]; then
	st=$(domu_run -t 30 'mount -t debugfs none /sys/kernel/debug 2>/dev/null; cat /sys/kernel/debug/xenpv/device-vif-*/status')
	echo "$st" | grep '^netdev:'
	echo "$st" | grep -q '^netdev: .*carrier 1 connected 1 broken 0 .* resumed [1-9]' ||
		fail "netfront did not resume and reconnect: $(echo "$st" | grep '^netdev:')"
fi
ping -c 5 -i 0.2 -W 2 169.254.2.2 >/dev/null || fail "pings after the restore lost packets"
finish
trap - EXIT
[ -s /tmp/sr-bad ] && fail "domU kernel log: $(head -n 3 /tmp/sr-bad | tr '\n' ' ')"
rm -f /tmp/sr-bad
true
