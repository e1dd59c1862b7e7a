# bench-evtchn: event-channel notify round trip through dom0's
# /dev/xen/evtchn (whichever xen-evtchn dom0 loaded: Debian's with --back
# intree, ours with --back xenpv), for tests/ktest/bench.
# /job/bin/evtchn-rtt binds a loopback channel inside dom0 and times
# notify -> read -> unmask both ways, EVT_ITERS round trips per
# repetition, pinned to CPU 0.  Prints "BENCH <metric> <value>" (us).
# Settings: BENCH_REPS (3), EVT_ITERS (1000).
# host: whole
# timeout: 600
REPS=${BENCH_REPS:-3}
N=${EVT_ITERS:-1000}
prog=/job/bin/evtchn-rtt
[ -x $prog ] || skip "no $prog (tests/progs not built into the job)"
taint=$(cat /sys/module/xen_evtchn/taint 2>/dev/null)
case "$taint" in *O*) module=xenpv ;; *) module=debian ;; esac
echo "BENCHINFO evt.module $module"
if [ "$BACK" = xenpv ] && [ -e /job/modules/dom0/xen-evtchn.ko ] && [ $module != xenpv ]; then
	fail "--back xenpv but Debian's xen-evtchn is loaded"
fi
for r in $(seq 1 "$REPS"); do
	out=$(taskset -c 0 $prog "$N" 200 2>&1) || fail "evtchn-rtt: $out"
	printf '%s\n' "$out" | sed 's/^/# /'
	printf '%s\n' "$out" | awk '
		$1 == "rtt_ns_p50" { printf "BENCH evt.rtt_p50_us %.1f\n", $2 / 1000 }
		$1 == "rtt_ns_p99" { printf "BENCH evt.rtt_p99_us %.1f\n", $2 / 1000 }'
done
