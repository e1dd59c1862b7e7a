# bench-console: bytes per second the domU writes through hvc0 into
# xenconsoled's log in dom0, for tests/ktest/bench.  Per repetition the
# domU writes CON_BYTES of base64 text (64-column lines, "@@B "-prefixed,
# so the runner's log scan skips them) to /dev/hvc0 and times the write
# (a write returns once the data is in the 2 KiB ring or hvc's small
# buffer, so the time covers all but the last ~2 KiB); dom0 checks that
# the end marker and every line arrived in the log.
# On the stock domU kernel hvc0 is the built-in hvc_xen in both driver
# sets (xenpv-hvc serves hvc0 only on --domu-kernel custom): the line
# "BENCHINFO con.hvc0_driver" says which one was measured.
# Prints "BENCH con.hvc0_bps <value>" (one per repetition).
# Settings: BENCH_REPS (3), CON_BYTES (16384).
# host: whole
# timeout: 900
REPS=${BENCH_REPS:-3}
B=${CON_BYTES:-16384}
domu_up
if [ "$DOMU_KERNEL_KIND" = custom ]; then
	echo "BENCHINFO con.hvc0_driver xenpv-hvc"
else
	echo "BENCHINFO con.hvc0_driver builtin-hvc_xen"
fi
g=/var/log/xen/console/guest-$DOMU.log
[ -e "$g" ] || fail "no console log $g"
for r in $(seq 1 "$REPS"); do
	m=cb-$$-$r-$RANDOM
	out=$(domu_run -t 600 "head -c $((B * 3 / 4)) /dev/urandom | base64 -w 60 | sed 's/^/@@B /' >/tmp/cb
n=\$(stat -c %s /tmp/cb); l=\$(wc -l </tmp/cb)
echo @@CB-BEGIN-$m >/dev/hvc0
s=\$EPOCHREALTIME
cat /tmp/cb >/dev/hvc0
e=\$EPOCHREALTIME
echo @@CB-END-$m >/dev/hvc0
echo \"\$n \$l \$s \$e\"") || fail "writing to hvc0 failed: $out"
	read -r n l s e <<<"$(printf '%s\n' "$out" | tail -n 1)"
	wait_for 120 grep -qa "@@CB-END-$m" "$g" || fail "the end marker never reached $g"
	got=$(tr -d '\r' <"$g" | sed -n "/@@CB-BEGIN-$m/,/@@CB-END-$m/p" | grep -c '^@@B ')
	[ "$got" = "$l" ] || fail "$l lines written, $got arrived in $g"
	awk -v n="$n" -v s="$s" -v e="$e" 'BEGIN { printf "BENCH con.hvc0_bps %d\n", n / (e - s) }'
done
