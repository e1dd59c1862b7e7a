# install: "make install" in dom0 from the built tree puts our modules in
# /lib/modules/<ver>/updates/xenpv with depmod, so modinfo and modprobe pick
# ours over Debian's by name; each backend we built is reloaded by modprobe
# (its dependency on xenpv-bus resolved by depmod) and a domU does I/O
# through it; "make uninstall" hands the names back to Debian's modules.
[ "$BACK" = xenpv ] || skip "needs our dom0 modules (--back xenpv)"
tree=/job/tree
[ -f $tree/Makefile ] || fail "no built tree in the job ($tree)"
command -v make >/dev/null || fail "make is not in the dom0 image"
kver=$(uname -r)
dir=/lib/modules/$kver/updates/xenpv
out=$(make -C $tree install 2>&1) || fail "make install failed: $out"
echo "$out" | tail -n 3
n=$(ls $dir/*.ko 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || fail "make install put no module in $dir"
for ko in /job/modules/dom0/*.ko; do
	m=$(basename "$ko" .ko)
	p=$(modinfo -n "$m" 2>/dev/null)
	assert_eq "$p" "$dir/$m.ko" "modinfo -n $m"
done
# Reload the backends we built through modprobe: dependencies come from
# depmod's index, not from insmod by hand.
reloaded=""
domu_down
for m in xen-blkback xen-netback; do
	[ -e "/job/modules/dom0/$m.ko" ] || continue
	sysm=/sys/module/${m//-/_}
	if [ -d "$sysm" ]; then
		rmmod "$m" || fail "rmmod $m (no domU running)"
	fi
	modprobe "$m" || fail "modprobe $m"
	want=$(modinfo -F srcversion "$dir/$m.ko")
	got=$(cat "$sysm/srcversion" 2>/dev/null)
	assert_eq "$got" "$want" "srcversion of the loaded $m vs the installed one"
	reloaded="$reloaded $m"
done
if [ -n "$reloaded" ]; then
	log "reloaded by modprobe:$reloaded"
	domu_up
	domu_run -t 120 '[ -b /dev/xvda ] && dd if=/dev/xvda of=/dev/null bs=1M count=8 iflag=direct 2>&1 | tail -n 1' ||
		fail "domU I/O after the modprobe reload failed"
else
	log "no xenpv backend built yet: only the install paths and modinfo were checked"
fi
out=$(make -C $tree uninstall 2>&1) || fail "make uninstall failed: $out"
[ ! -e "$dir" ] || fail "$dir still exists after make uninstall"
p=$(modinfo -n xen-evtchn 2>/dev/null)
case "$p" in
"$dir"/*) fail "after uninstall modinfo still finds ours: $p" ;;
esac
log "after uninstall: xen-evtchn -> ${p:-not found}"
# Leave the names as the next scenarios expect them (ours, loaded).
make -C $tree install >/dev/null 2>&1 || fail "re-install failed"
