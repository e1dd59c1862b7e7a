# net-domu-domu: two domUs on xenbr0 exchange 16 MiB by TCP, compared by
# sha256 (board: 1 GiB, dom0 512 MiB, two domUs of 160 MiB).  Both vifs'
# traffic crosses dom0's backend twice (guest TX, then guest RX).
DOMU2=domu2
IMG2=/var/lib/xenpv/disk2.img
domu_up
cleanup() { xl destroy "$DOMU2" >/dev/null 2>&1; rm -f "$IMG2"; }
trap cleanup EXIT
# What the backend saw, when the transfer fails.
counters() {
	local f
	ip -s link show master xenbr0
	grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	for f in /sys/kernel/debug/xen-netback/*/io_ring_q*; do
		[ -e "$f" ] && { echo "== $f"; cat "$f"; }
	done
}
xl destroy "$DOMU2" >/dev/null 2>&1
truncate -s 64M "$IMG2"
domu_config | sed -e "s/^name = .*/name = \"$DOMU2\"/" \
	-e 's/00:16:3e:00:00:02/00:16:3e:00:00:03/' \
	-e "s#target=$DISK_IMG#target=$IMG2#" >/run/domu2.cfg
xl create /run/domu2.cfg || fail "xl create $DOMU2 failed"
DOMU=$DOMU2 domu_wait_agent 240 || fail "$DOMU2 agent did not answer"
DOMU=$DOMU2 domu_run "ip link set eth0 up; ip addr add 169.254.2.3/16 dev eth0" >/dev/null
wait_for 30 ping -c 1 -W 2 169.254.2.3 >/dev/null || fail "$DOMU2 not reachable from dom0"
domu_run -t 60 'for i in $(seq 1 30); do ping -c 1 -W 2 169.254.2.3 >/dev/null 2>&1 && exit 0; done; exit 1' >/dev/null ||
	fail "$DOMU2 not reachable from $DOMU"

DOMU=$DOMU2 domu_run -t 30 'rm -f /tmp/sum; setsid sh -c "busybox nc -l -p 5004 | sha256sum | cut -d\" \" -f1 >/tmp/sum" >/dev/null 2>&1 </dev/null & echo started' >/dev/null ||
	fail "cannot start the receiver in $DOMU2"
sent=$(domu_run -t 240 '
dd if=/dev/urandom of=/tmp/tx bs=1M count=16 2>/dev/null
sha256sum </tmp/tx | cut -d" " -f1
s=$SECONDS
for i in $(seq 1 10); do
	cat /tmp/tx >/dev/tcp/169.254.2.3/5004 2>/dev/null && { echo "sent in $((SECONDS - s)) s" >&2; exit 0; }
	sleep 1
done
exit 1' 2>&1) || { counters; fail "$DOMU could not send: $sent"; }
echo "$sent"
sent=$(echo "$sent" | head -n 1)
got=$(DOMU=$DOMU2 domu_run -t 120 'for i in $(seq 1 100); do [ -s /tmp/sum ] && break; sleep 1; done; cat /tmp/sum')
echo "domU->domU sent $sent received $got"
[ -n "$sent" ] || fail "no checksum from the sender"
[ "$got" = "$sent" ] || counters
assert_eq "$got" "$sent" "domU -> domU data"
