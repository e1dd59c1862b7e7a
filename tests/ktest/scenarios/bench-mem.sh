# bench-mem: kernel memory per connected vbd and per connected vif, in dom0
# and in the domU, at idle, for tests/ktest/bench.  Per repetition:
# MEM_DEVS extra vbds (16 MiB files on loop devices, xvdb...) are
# attached, then MEM_DEVS extra vifs (in xenbr0, brought up in the domU
# so that their receive rings are filled), then all are detached.
# Before and after each attach both sides drop their caches and read
# /proc/meminfo: the fall of MemFree (all pages: slab, rings, buffers,
# loop devices, hotplug leftovers) and the growth of Slab, divided by
# MEM_DEVS, are the figures (KiB per device).
# Prints "BENCH <metric> <value>" lines (one per repetition).
# Settings: BENCH_REPS (3), MEM_DEVS (1, at most 4).
# host: whole
# timeout: 1800
REPS=${BENCH_REPS:-3}
N=${MEM_DEVS:-1}
[ "$N" -ge 1 ] && [ "$N" -le 4 ] || fail "MEM_DEVS must be 1..4"
domu_up
id=$(domid_of)
letters=(b c d e)

mem0() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^MemFree:/ { f = $2 } /^Slab:/ { s = $2 } END { print f, s }' /proc/meminfo
}
memu() {
	domu_run -t 60 "sync; echo 3 >/proc/sys/vm/drop_caches; sleep 1
awk '/^MemFree:/ { f = \$2 } /^Slab:/ { s = \$2 } END { print f, s }' /proc/meminfo"
}

# report <kind> <before dom0> <after dom0> <before domU> <after domU>
report() {
	local k=$1
	read -r f0 s0 <<<"$2"
	read -r f1 s1 <<<"$3"
	read -r g0 t0 <<<"$4"
	read -r g1 t1 <<<"$5"
	echo "# $k x$N: dom0 MemFree $f0 -> $f1, Slab $s0 -> $s1; domU MemFree $g0 -> $g1, Slab $t0 -> $t1 (KiB)"
	awk -v k="$k" -v n="$N" -v f0="$f0" -v f1="$f1" -v s0="$s0" -v s1="$s1" \
		-v g0="$g0" -v g1="$g1" -v t0="$t0" -v t1="$t1" 'BEGIN {
		printf "BENCH mem.dom0.%s_kib %d\n", k, (f0 - f1) / n
		printf "BENCH mem.dom0.%s_slab_kib %d\n", k, (s1 - s0) / n
		printf "BENCH mem.domu.%s_kib %d\n", k, (g0 - g1) / n
		printf "BENCH mem.domu.%s_slab_kib %d\n", k, (t1 - t0) / n
	}'
}

vbd_state() { xenstore-read "/local/domain/0/backend/vbd/$id/$1/state" 2>/dev/null; }
vif_state() { xenstore-read "/local/domain/0/backend/vif/$id/$1/state" 2>/dev/null; }

for i in $(seq 0 $((N - 1))); do
	truncate -s 16M "/var/lib/xenpv/bench-mem$i.img"
done
for r in $(seq 1 "$REPS"); do
	m0=$(mem0)
	u0=$(memu)
	# vbds
	for i in $(seq 0 $((N - 1))); do
		xl block-attach "$DOMU" "format=raw, vdev=xvd${letters[$i]}, access=rw, target=/var/lib/xenpv/bench-mem$i.img" ||
			fail "xl block-attach xvd${letters[$i]} failed"
	done
	for i in $(seq 0 $((N - 1))); do
		vd=$((51728 + 16 * i))
		wait_for 60 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vbd/$id/$vd/state 2>/dev/null)\" = 4 ]" ||
			fail "vbd $vd not connected (state $(vbd_state $vd))"
	done
	domu_run -t 60 "for i in \$(seq 1 60); do [ -b /dev/xvd${letters[$((N - 1))]} ] && exit 0; sleep 0.5; done; exit 1" >/dev/null ||
		fail "no /dev/xvd${letters[$((N - 1))]} in the domU"
	m1=$(mem0)
	u1=$(memu)
	report vbd "$m0" "$m1" "$u0" "$u1"
	# vifs, on top of the vbds
	for i in $(seq 1 "$N"); do
		xl network-attach "$DOMU" "mac=00:16:3e:00:01:0$i,bridge=xenbr0,devid=$i" ||
			fail "xl network-attach devid $i failed"
	done
	for i in $(seq 1 "$N"); do
		wait_for 60 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vif/$id/$i/state 2>/dev/null)\" = 4 ]" ||
			fail "vif $i not connected (state $(vif_state "$i"))"
	done
	domu_run -t 60 "for i in \$(seq 1 60); do [ -e /sys/class/net/eth$N ] && break; sleep 0.5; done
for i in \$(seq 1 $N); do ip link set eth\$i up || exit 1; done" >/dev/null ||
		fail "the domU's eth1..eth$N did not come up"
	m2=$(mem0)
	u2=$(memu)
	report vif "$m1" "$m2" "$u1" "$u2"
	# everything back off
	for i in $(seq 0 $((N - 1))); do
		xl block-detach "$DOMU" "xvd${letters[$i]}" || fail "xl block-detach xvd${letters[$i]} failed"
	done
	for i in $(seq 1 "$N"); do
		xl network-detach "$DOMU" "$i" || fail "xl network-detach $i failed"
	done
	for i in $(seq 0 $((N - 1))); do
		vd=$((51728 + 16 * i))
		wait_for 60 sh -c "! xenstore-read /local/domain/0/backend/vbd/$id/$vd/state >/dev/null 2>&1" ||
			fail "vbd $vd still in xenstore after detach"
	done
	for i in $(seq 1 "$N"); do
		wait_for 60 sh -c "! xenstore-read /local/domain/0/backend/vif/$id/$i/state >/dev/null 2>&1" ||
			fail "vif $i still in xenstore after detach"
	done
done
rm -f /var/lib/xenpv/bench-mem*.img
