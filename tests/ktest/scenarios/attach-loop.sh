# attach-loop: ATTACH_LOOPS (default 200) xl block-attach/detach cycles of a
# second vbd and as many network-attach/detach cycles of a second vif,
# with dom0's slab and kernel memory (dom0_mem, after dropping caches)
# compared with a baseline taken after two warm-up cycles: growth must
# stay within LEAK_KIB (default 1024 KiB) for each.  The domU's grant entries mapped
# by dom0 (Xen's grant-table dump) must not be more than at the baseline
# (fewer is allowed: blkback lets idle persistent grants go): the second
# device's rings and data pages all unmapped.
# Prints the per-cycle figures.
# timeout: 14400
n=${ATTACH_LOOPS:-200}
tol=${LEAK_KIB:-1024}
domu_up
id=$(domid_of)
img=/var/lib/xenpv/loop.img
truncate -s 16M "$img"
blk_cycle() {
	xl block-attach "$DOMU" "format=raw, vdev=xvdb, access=rw, target=$img" >/dev/null || return 1
	domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvdb ] && exit 0; sleep 0.5; done; exit 1' >/dev/null || return 2
	xl block-detach "$DOMU" xvdb >/dev/null || return 3
	wait_for 30 sh -c "! xenstore-read /local/domain/0/backend/vbd/$id/51728/state >/dev/null 2>&1" || return 4
}
net_cycle() {
	xl network-attach "$DOMU" mac=00:16:3e:00:00:03,bridge=xenbr0,devid=1 >/dev/null || return 1
	wait_for 60 ip link show "vif$id.1" >/dev/null 2>&1 || return 2
	xl network-detach "$DOMU" 1 >/dev/null || return 3
	wait_for 30 sh -c "! ip link show vif$id.1 >/dev/null 2>&1" || return 4
}
for kind in blk net; do
	for i in 1 2; do
		${kind}_cycle || fail "$kind warm-up cycle $i failed (step $?)"
	done
	read -r slab0 kern0 free0 files0 anon0 <<<"$(dom0_mem)"
	pins0=$(grant_pins "$id") || fail "$kind: no grant-table dump for domain $id (xl debug-keys g)"
	start=$SECONDS
	for i in $(seq 1 "$n"); do
		${kind}_cycle || fail "$kind cycle $i of $n failed (step $?: 1 attach, 2 device, 3 detach, 4 cleanup)"
	done
	read -r slab1 kern1 free1 files1 anon1 <<<"$(dom0_mem)"
	pins1=$(grant_pins "$id") || fail "$kind: no grant-table dump for domain $id after the cycles"
	loops=$(losetup -j "$img" | wc -l)
	echo "$kind: $n cycles in $((SECONDS - start)) s; slab ${slab0} -> ${slab1} KiB ($(( (slab1 - slab0) * 1024 / n )) B/cycle), kernel ${kern0} -> ${kern1} KiB ($(( (kern1 - kern0) * 1024 / n )) B/cycle), free ${free0} -> ${free1} KiB (files ${files0} -> ${files1}, processes ${anon0} -> ${anon1}), loop devices left $loops, domain $id's grants mapped ${pins0} -> ${pins1}"
	[ "$pins1" -le "$pins0" ] || fail "$kind: domain $id's mapped grants went from $pins0 to $pins1 over $n cycles"
	[ "$loops" = 0 ] || fail "$kind: $loops loop devices left on $img"
	[ $((slab1 - slab0)) -le "$tol" ] || fail "$kind: dom0 slab grew $((slab1 - slab0)) KiB over $n cycles (tolerance $tol KiB)"
	[ $((kern1 - kern0)) -le "$tol" ] || fail "$kind: dom0 kernel memory grew $((kern1 - kern0)) KiB over $n cycles (free fell $((free0 - free1)) KiB, files grew $((files1 - files0)), processes $((anon1 - anon0)); tolerance $tol KiB)"
done
rm -f "$img"
out=$(domu_run -t 60 'dd if=/dev/xvda of=/dev/null bs=1M count=4 iflag=direct 2>&1 | tail -n1') ||
	fail "xvda no longer readable after the cycles: $out"
ping -c 2 -W 2 169.254.2.2 >/dev/null || fail "eth0 no longer answers after the cycles"
