# blk-fio-verify: fio in the domU on /dev/xvda: 4 KiB random writes at
# queue depth 32 (libaio, O_DIRECT) over FIO_SIZE of the disk, each block
# carrying a crc32c verify header and read back and checked once written
# (do_verify), then, after dropping the caches, a second fio run that
# only reads and verifies what the first one wrote (verify_only).  Fails
# on any fio error, verify mismatch, or a run that did less I/O than it
# should.  The static fio comes from tests/ktest/lib/fio.sh (built on the
# host, cached, put in the domU's initramfs); without it: skip.
# Settings: FIO_SIZE (128M), FIO_BS (4k), FIO_QD (32), FIO_ENGINE (libaio).
# needs: fio
# timeout: 1200
sz=${FIO_SIZE:-128M}
bs=${FIO_BS:-4k}
qd=${FIO_QD:-32}
engine=${FIO_ENGINE:-libaio}
fio=/usr/local/bin/fio
domu_up
domu_run -t 30 "[ -x $fio ]" ||
	skip "no $fio in the domU (tests/ktest/lib/fio.sh could not build it; see the run's output)"
domu_run -t 30 '[ -b /dev/xvda ]' || fail "/dev/xvda is not a block device in the domU"
ver=$(domu_run -t 30 "$fio --version")
log "domU: $ver, $engine QD$qd $bs randwrite over $sz"

# Same job for both runs (the verify pass regenerates the same offsets
# and patterns from the same seed).
job="--name=fioverify --filename=/dev/xvda --rw=randwrite --bs=$bs --iodepth=$qd
--ioengine=$engine --direct=1 --size=$sz --verify=crc32c --verify_fatal=1
--verify_dump=0 --randseed=4242 --exitall_on_error=1"
job=$(echo "$job" | tr '\n' ' ')

t=$SECONDS
out=$(domu_run -t 1000 "$fio $job --do_verify=1; echo \"FIO-RC \$?\"")
rc=$?
echo "$out"
log "write + verify: $((SECONDS - t)) s"
[ $rc = 0 ] || fail "the domU agent did not answer (rc $rc): $(echo "$out" | tail -n 3 | tr '\n' ' ')"
check_fio() {
	local what=$1 out=$2
	echo "$out" | grep -q '^FIO-RC 0$' ||
		fail "$what: fio failed: $(echo "$out" | grep -aiE 'error|verify|bad|fio:' | head -n 3 | tr '\n' ' ')"
	if echo "$out" | grep -aE 'err= *[1-9]|verify: bad|bad magic|crc32c: verify failed|mismatch' >/dev/null; then
		fail "$what: $(echo "$out" | grep -aE 'err= *[1-9]|verify: bad|bad magic|crc32c: verify failed|mismatch' | head -n 3 | tr '\n' ' ')"
	fi
	echo "$out" | grep -qE 'err= *0' || fail "$what: no fio job summary"
}
check_fio "write + verify" "$out"
# Every block written once: "issued rwts: total=R,W,..." (the reads
# of the verify are logged, not checked: fio's accounting of them is
# not part of its documented output).
blocks=$(( $(numfmt --from=iec "${sz^^}") / $(numfmt --from=iec "${bs^^}") ))
issued=$(echo "$out" | sed -n 's/.*issued rwts: total=\([0-9]*\),\([0-9]*\),.*/\1 \2/p' | head -n 1)
log "blocks $blocks, issued (reads writes): $issued"
assert_eq "${issued#* }" "$blocks" "blocks written"

t=$SECONDS
out=$(domu_run -t 1000 "sync; echo 3 >/proc/sys/vm/drop_caches; $fio $job --verify_only; echo \"FIO-RC \$?\"") ||
	fail "the domU agent did not answer the verify pass"
echo "$out"
log "verify pass: $((SECONDS - t)) s"
check_fio "verify pass" "$out"
