# unload-busy: rmmod of each backend (and of xen-evtchn) while a domU is
# connected is refused and the devices keep working; once the domU is
# gone the modules unload and load again cleanly, and a new domU works.
domu_up
id=$(domid_of)
mods=""
for m in xen_blkback xen_netback xen_evtchn; do
	grep -q "^$m " /proc/modules && mods="$mods $m"
done
[ -n "$mods" ] || skip "no backend module loaded (built in?)"
for m in $mods; do
	if rmmod "$m" 2>/tmp/rmmod.err; then
		fail "rmmod $m succeeded while domain $id is connected"
	fi
	log "rmmod $m refused: $(cat /tmp/rmmod.err)"
done
out=$(domu_run -t 60 'dd if=/dev/xvda of=/dev/null bs=1M count=4 iflag=direct 2>&1 | tail -n1') ||
	fail "the vbd stopped working after the refused rmmods: $out"
ping -c 3 -W 2 169.254.2.2 >/dev/null || fail "the vif stopped working after the refused rmmods"

# Unloaded for real once nothing is connected, then loaded again.
domu_down
wait_for 30 sh -c "! xenstore-ls /local/domain/0/backend/vbd/$id >/dev/null 2>&1" ||
	fail "backend nodes stayed after the domU went"
# load <module>: as dom0-init does (ours when the backends are xenpv).
load() {
	local ko=/job/modules/dom0/$1.ko
	if [ "$BACK" = xenpv ] && [ -e "$ko" ]; then insmod "$ko"; else modprobe "$1"; fi
}
for m in xen_blkback xen_netback; do
	case " $mods " in *" $m "*) ;; *) continue ;; esac
	rmmod "$m" || fail "rmmod $m failed with no domU"
	load "${m//_/-}" || fail "loading ${m//_/-} again failed"
done
domu_up
out=$(domu_run -t 60 'dd if=/dev/xvda of=/dev/null bs=1M count=4 iflag=direct 2>&1 | tail -n1') ||
	fail "the new domU cannot read its vbd: $out"
wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "the new domU does not answer ping"
