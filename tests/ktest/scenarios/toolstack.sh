# toolstack: our xen-evtchn carries dom0's toolstack: xenstored and
# xenconsoled hold /dev/xen/evtchn, xl creates and destroys a domU.
[ "$BACK" = xenpv ] || skip "dom0 runs Debian's xen-evtchn (needs --back xenpv)"
ours=/job/modules/dom0/xen-evtchn.ko
[ -e "$ours" ] || skip "no xen-evtchn.ko in the build output"

# Ours, not Debian's: an out-of-tree module taints 'O'; the srcversion
# (where the kernel records one) must be the one of our file.
grep -q '^xen_evtchn ' /proc/modules || fail "xen_evtchn is not loaded"
taint=$(cat /sys/module/xen_evtchn/taint 2>/dev/null)
log "xen_evtchn taint='$taint' filename(modinfo)=$(modinfo -F filename xen-evtchn 2>/dev/null)"
case "$taint" in *O*) ;; *) fail "loaded xen_evtchn is not out-of-tree (taint '$taint'): Debian's?" ;; esac
if [ -r /sys/module/xen_evtchn/srcversion ]; then
	assert_eq "$(cat /sys/module/xen_evtchn/srcversion)" "$(modinfo -F srcversion "$ours")" \
		"srcversion of the loaded xen_evtchn"
fi

# The daemons hold the device (an fd on the misc node).
holds() {
	local pid fd
	pid=$(cat "/run/$1.pid" 2>/dev/null) || return 1
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd")" = /dev/xen/evtchn ] && return 0
	done
	return 1
}
assert "xenstored holds /dev/xen/evtchn" holds xenstored
assert "xenstored answers" xenstore-read /local/domain/0/name

# A domU: xenstored, xenconsoled (the agent talks over the console) and
# the backends' hotplug all go through event channels.
domu_up
assert_eq "$(domu_run echo hello)" hello "domU console agent"
# xenconsoled opens its event channel handle once it has a guest.
assert "xenconsoled holds /dev/xen/evtchn" holds xenconsoled
id=$(domid_of)
[ -s "/var/log/xen/console/guest-$DOMU.log" ] || fail "xenconsoled logged nothing for $DOMU"
xl destroy "$DOMU" || fail "xl destroy failed"
wait_for 30 sh -c "! xl domid $DOMU >/dev/null 2>&1" || fail "$DOMU still listed after destroy"
wait_for 30 sh -c "! xenstore-exists /local/domain/$id" ||
	fail "/local/domain/$id left in xenstore after destroy"
assert "xenstored answers after destroy" xenstore-read /local/domain/0/name
assert "xenconsoled still running" kill -0 "$(cat /run/xenconsoled.pid)"
