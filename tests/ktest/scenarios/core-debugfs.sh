# core-debugfs: with a domU connected, the core's debugfs file of every
# xenpv device (dom0 backends, domU frontends) shows Connected, the state
# history and the negotiated features.
# Which sides run drivers built on the core (xen-evtchn is not one).
dom0_core=0
if [ "$BACK" = xenpv ] && { [ -e /job/modules/dom0/xen-blkback.ko ] || [ -e /job/modules/dom0/xen-netback.ko ]; }; then
	dom0_core=1
fi
[ "$FRONT" = xenpv ] || [ $dom0_core = 1 ] || skip "no driver built on xenpv-bus in use (--front/--back xenpv)"
domu_up
show='grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug
n=0
for f in /sys/kernel/debug/xenpv/*/status; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	echo "== $f"
	cat "$f"
done
echo "files: $n"'
check() {
	local side=$1 out=$2 n
	n=$(echo "$out" | sed -n 's/^files: //p')
	[ "${n:-0}" -gt 0 ] || fail "$side: no /sys/kernel/debug/xenpv/*/status file"
	echo "$out" | awk -v side="$side" '
		/^== / { if (f) check(); f = $2; st = hist = feat = nfeat = 0; next }
		/^state: +ours Connected/ { st = 1 }
		/^history \(/ { hist = 1 }
		/^features:/ { feat = 1; next }
		feat && /^  [^ ].* = / { nfeat++ }
		feat && /^$/ { feat = 0 }
		function check() {
			if (!st) { print side ": " f ": not Connected"; bad = 1 }
			if (!hist) { print side ": " f ": no history"; bad = 1 }
			if (!nfeat) { print side ": " f ": no negotiated features"; bad = 1 }
		}
		END { if (f) check(); exit bad }' || fail "$side: debugfs status incomplete (see the log)"
}
if [ $dom0_core = 1 ]; then
	out=$(bash -c "$show")
	echo "$out"
	check dom0 "$out"
fi
if [ "$FRONT" = xenpv ]; then
	out=$(domu_run "$show") || fail "cannot read the domU's debugfs"
	echo "$out"
	check domU "$out"
fi
