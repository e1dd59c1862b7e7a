# bench-blk: fio on the domU's loop-backed vbd (/dev/xvda) and on the same
# loop device from dom0 directly, for tests/ktest/bench.  Per repetition:
# sequential read and write 1 MiB QD8 (MB/s), random read and write 4 KiB
# QD32 (IOPS), random read 4 KiB QD1 completion latency p50/p99 (us); all
# O_DIRECT through io_uring, over the first BLK_SIZE of the device.
# Prints "BENCH <metric> <value>" lines (one per repetition).
# Settings: BENCH_REPS (3), BLK_RUNTIME seconds per job (3), BLK_SIZE (64M),
# BLK_ENGINE (io_uring).  Needs /job/bin/fio (the static fio that
# tests/ktest/bench builds and hands to the run with XENPV_JOB_BIN).
# host: whole
# timeout: 1500
REPS=${BENCH_REPS:-3}
RT=${BLK_RUNTIME:-3}
SZ=${BLK_SIZE:-64M}
ENGINE=${BLK_ENGINE:-io_uring}
fio=/job/bin/fio
[ -x $fio ] || skip "no $fio (run through tests/ktest/bench, which builds it)"
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
loopdev=$(losetup -j "$DISK_IMG" | cut -d: -f1 | head -n 1)
[ -b "$loopdev" ] || fail "no loop device for $DISK_IMG (losetup -j: '$(losetup -j "$DISK_IMG")')"
log "vbd backed by $loopdev"
id=$(domid_of)
be=/local/domain/0/backend/vbd/$id/51712
for k in feature-persistent feature-max-indirect-segments max-ring-page-order multi-queue-max-queues; do
	echo "BENCHINFO blk.backend.$k $(xenstore-read "$be/$k" 2>/dev/null || echo -)"
done
fe=$(xenstore-read "$be/frontend")
for k in ring-page-order multi-queue-num-queues feature-persistent; do
	echo "BENCHINFO blk.frontend.$k $(xenstore-read "$fe/$k" 2>/dev/null || echo -)"
done

# The same fio binary in the domU, over the emulated network (busybox
# httpd in dom0, busybox wget in the domU).
hpid=
trap '[ -n "$hpid" ] && kill $hpid 2>/dev/null' EXIT
busybox httpd -f -p 169.254.1.1:8089 -h /job/bin &
hpid=$!
sleep 1
out=$(domu_run -t 120 'wget -q -O /tmp/fio http://169.254.1.1:8089/fio && chmod 755 /tmp/fio && /tmp/fio --version') ||
	fail "cannot fetch fio into the domU: $out"
log "domU: $out"
kill $hpid 2>/dev/null
hpid=

# job <name> <rw> <bs> <iodepth>: fio's terse (v3) line on stdout.
job() {
	echo "--name=$1 --rw=$2 --bs=$3 --iodepth=$4 --direct=1 --ioengine=$ENGINE --size=$SZ" \
		"--runtime=$RT --time_based --ramp_time=1 --percentile_list=50:99 --minimal" \
		"--randrepeat=0 --norandommap"
}

# parse <metric prefix> <job> <terse line>: the job's figure(s).
parse() {
	printf '%s\n' "$3" | grep ';' | tail -n 1 | awk -F';' -v p="$1" -v j="$2" '
	function pct(lo, hi, want,   i, v) {
		for (i = lo; i <= hi; i++) if (index($i, want "%=") == 1) { v = $i; sub(/^[^=]*=/, "", v); return v }
		return ""
	}
	{
		if (j == "seqread") printf "BENCH %s.seqread_mbs %.1f\n", p, $7 * 1.024 / 1000
		else if (j == "seqwrite") printf "BENCH %s.seqwrite_mbs %.1f\n", p, $48 * 1.024 / 1000
		else if (j == "randread") printf "BENCH %s.randread_iops %d\n", p, $8
		else if (j == "randwrite") printf "BENCH %s.randwrite_iops %d\n", p, $49
		else if (j == "lat") {
			printf "BENCH %s.lat_p50_us %s\n", p, pct(18, 37, "50.000000")
			printf "BENCH %s.lat_p99_us %s\n", p, pct(18, 37, "99.000000")
		}
	}'
}

# A job that fails (on a loaded host the domU was seen starved for
# minutes: RCU stalls, the agent not answering in time) loses only its
# own figure; the scenario fails at the end, naming it.
failed=""
specs="seqread:read:1M:8 seqwrite:write:1M:8 randread:randread:4k:32 randwrite:randwrite:4k:32 lat:randread:4k:1"
for r in $(seq 1 "$REPS"); do
	for s in $specs; do
		IFS=: read -r name rw bs qd <<<"$s"
		args=$(job "$name" "$rw" "$bs" "$qd")
		# shellcheck disable=SC2086
		o=$($fio $args --filename="$loopdev" 2>&1)
		if [ "$(printf '%s\n' "$o" | grep -c ';')" -ge 1 ]; then
			parse blk.dom0 "$name" "$o"
		else
			echo "BENCHFAIL blk.dom0.$name rep $r: $(printf '%s' "$o" | tail -n 2 | tr '\n' ' ')"
			failed="$failed dom0:$name/$r"
		fi
		o=$(domu_run -t $((RT * 10 + 120)) "/tmp/fio $args --filename=/dev/xvda 2>&1")
		if [ "$(printf '%s\n' "$o" | grep -c ';')" -ge 1 ]; then
			parse blk.domu "$name" "$o"
		else
			echo "BENCHFAIL blk.domu.$name rep $r: $(printf '%s' "${o:-no answer from the domU agent}" | tail -n 2 | tr '\n' ' ')"
			failed="$failed domU:$name/$r"
			domu_wait_agent 120 || fail "the domU agent stopped answering after fio $name (rep $r)"
		fi
	done
done
[ -z "$failed" ] || fail "fio jobs without a result:$failed"
