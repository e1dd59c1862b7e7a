# destroy-loop: the domU destroyed mid-I/O DESTROY_LOOPS times (default 50;
# the rounds are blk-destroy-midio's), with dom0's slab and free memory
# (after dropping caches) before and after compared: growth within
# LEAK_KIB (default 2048 KiB) for each.
# timeout: 14400
tol=${LEAK_KIB:-2048}
mem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^Slab:/ { s = $2 } /^MemFree:/ { f = $2 } END { print s, f }' /proc/meminfo
}
domu_up
domu_down
read -r slab0 free0 <<<"$(mem)"
DESTROY_N=${DESTROY_LOOPS:-50}
(. /job/scenarios/blk-destroy-midio.sh) || fail "$(cat "$SCEN_CTX/why" 2>/dev/null || echo "the destroy rounds failed")"
domu_down
read -r slab1 free1 <<<"$(mem)"
echo "$DESTROY_N destroys: slab ${slab0} -> ${slab1} KiB, free ${free0} -> ${free1} KiB"
[ $((slab1 - slab0)) -le "$tol" ] || fail "dom0 slab grew $((slab1 - slab0)) KiB over $DESTROY_N destroys (tolerance $tol KiB)"
[ $((free0 - free1)) -le "$tol" ] || fail "dom0 free memory fell $((free0 - free1)) KiB over $DESTROY_N destroys (tolerance $tol KiB)"
