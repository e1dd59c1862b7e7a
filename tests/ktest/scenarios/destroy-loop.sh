# destroy-loop: the domU destroyed mid-I/O DESTROY_LOOPS times (default 50;
# the rounds are blk-destroy-midio's), with dom0's slab and kernel memory
# (dom0_mem, after dropping caches) before and after compared: growth
# within LEAK_KIB (default 2048 KiB) for each.
# timeout: 14400
tol=${LEAK_KIB:-2048}
domu_up
domu_down
read -r slab0 kern0 free0 files0 anon0 <<<"$(dom0_mem)"
DESTROY_N=${DESTROY_LOOPS:-50}
(. /job/scenarios/blk-destroy-midio.sh) || fail "$(cat "$SCEN_CTX/why" 2>/dev/null || echo "the destroy rounds failed")"
domu_down
read -r slab1 kern1 free1 files1 anon1 <<<"$(dom0_mem)"
echo "$DESTROY_N destroys: slab ${slab0} -> ${slab1} KiB, kernel ${kern0} -> ${kern1} KiB, free ${free0} -> ${free1} KiB (files ${files0} -> ${files1}, processes ${anon0} -> ${anon1}; /var/log/xen $(du -sk /var/log/xen | cut -f1) KiB)"
[ $((slab1 - slab0)) -le "$tol" ] || fail "dom0 slab grew $((slab1 - slab0)) KiB over $DESTROY_N destroys (tolerance $tol KiB)"
[ $((kern1 - kern0)) -le "$tol" ] || fail "dom0 kernel memory grew $((kern1 - kern0)) KiB over $DESTROY_N destroys (free fell $((free0 - free1)) KiB, files grew $((files1 - files0)), processes $((anon1 - anon0)); tolerance $tol KiB)"
