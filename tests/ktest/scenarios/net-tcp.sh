# net-tcp: 16 MiB each way over TCP, compared by sha256.
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"

# domU -> dom0
rm -f /tmp/rx
busybox nc -l -p 5001 >/tmp/rx &
lpid=$!
out=$(domu_run -t 300 '
dd if=/dev/urandom of=/tmp/tx bs=1M count=16 2>/dev/null
sha256sum </tmp/tx | cut -d" " -f1
for i in 1 2 3 4 5 6 7 8 9 10; do cat /tmp/tx >/dev/tcp/169.254.1.1/5001 2>/dev/null && exit 0; sleep 1; done
exit 1') || { kill $lpid 2>/dev/null; fail "domU could not send: $out"; }
wait_for 60 sh -c "! kill -0 $lpid 2>/dev/null" || { kill $lpid; fail "dom0 receiver did not finish"; }
w=$(echo "$out" | head -n1)
r=$(sha256sum </tmp/rx | cut -d' ' -f1)
echo "domU->dom0 sent $w received $r ($(stat -c %s /tmp/rx) bytes)"
assert_eq "$r" "$w" "domU -> dom0 data"

# dom0 -> domU
dd if=/dev/urandom of=/tmp/tx bs=1M count=16 2>/dev/null
w=$(sha256sum </tmp/tx | cut -d' ' -f1)
domu_run -t 30 'rm -f /tmp/rx; setsid busybox nc -l -p 5002 >/tmp/rx 2>/dev/null </dev/null & echo $! >/tmp/nc.pid' ||
	fail "cannot start the domU receiver"
ok=0
for i in $(seq 1 10); do
	cat /tmp/tx >/dev/tcp/169.254.2.2/5002 2>/dev/null && { ok=1; break; }
	sleep 1
done
[ $ok = 1 ] || fail "dom0 could not connect to the domU"
r=$(domu_run -t 120 'p=$(cat /tmp/nc.pid); for i in $(seq 1 60); do kill -0 $p 2>/dev/null || break; sleep 1; done; sha256sum </tmp/rx | cut -d" " -f1')
echo "dom0->domU sent $w received $r"
assert_eq "$r" "$w" "dom0 -> domU data"
