# console-secondary: a second PV console (xenbus device console/1, served
# in dom0 by /job/bin/console-back: the board has no QEMU for xl's
# channel= consoles) carries data both ways through xenpv-hvc.  On a stock
# kernel the built-in frontend takes the device first and is replaced by
# ours through sysfs unbind/bind, as the README describes.  Then a backend
# that writes a nonsense input index must get the console disconnected.
# It took 650 s on the custom domU kernel with another board on the host
# (114 s on the stock kernel).
# timeout: 1200
domu_up
id=$(domid_of)
fe=/local/domain/$id/device/console/1
be=/local/domain/0/backend/console/$id/1
cb=/job/bin/console-back
[ -x "$cb" ] || fail "no $cb"
domu_run -t 30 "grep -q '^xenpv_hvc ' /proc/modules || modprobe xenpv-hvc" ||
	fail "xenpv-hvc does not load in the domU"

# add_console: the toolstack's part of a new console device.  The domU
# probes when the frontend's "state" appears, so that comes last, after
# the permissions (new nodes inherit their directory's).
add_console() {
	xenstore-rm "$fe" 2>/dev/null
	xenstore-rm "$be" 2>/dev/null
	xenstore-write "$be" ""
	xenstore-chmod "$be" n0 r"$id"
	xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$id" "$be/online" 1 \
		"$be/state" 1 "$be/protocol" vt100
	xenstore-write "$fe" ""
	xenstore-chmod "$fe" n"$id" r0
	xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 "$fe/limit" 1048576 \
		"$fe/type" xenconsoled "$fe/output" pty "$fe/name" xenpv-test
	xenstore-write "$fe/state" 1
	xenstore-write "$be/state" 2
}

del_console() {
	xenstore-write "$be/state" 5
	wait_for 20 sh -c "[ \"\$(xenstore-read $fe/state)\" = 6 ]" || log "frontend did not close: $(xenstore-read "$fe/state")"
	xenstore-write "$be/state" 6
	xenstore-rm "$fe" "$be"
}

# take_console: wait for the frontend; on a stock kernel move the device
# from the built-in driver to xenpv-console.
take_console() {
	local drv
	wait_for 30 sh -c "[ \"\$(xenstore-read $fe/state 2>/dev/null)\" = 3 ]" ||
		fail "console/1 frontend never reached Initialised (state $(xenstore-read "$fe/state" 2>/dev/null))"
	drv=$(domu_run -t 30 "basename \$(readlink /sys/bus/xen/devices/console-1/driver) 2>/dev/null")
	log "console-1 bound to: ${drv:-nothing}"
	[ "$drv" = xenpv-console ] && return 0
	if [ -n "$drv" ] && [ "$drv" != driver ]; then
		domu_run -t 30 "echo console-1 >/sys/bus/xen/drivers/$drv/unbind" ||
			fail "unbind from $drv failed"
	fi
	domu_run -t 30 "echo console-1 >/sys/bus/xen/drivers/xenpv-console/bind" ||
		fail "bind to xenpv-console failed"
	drv=$(domu_run -t 30 "basename \$(readlink /sys/bus/xen/devices/console-1/driver)")
	assert_eq "$drv" xenpv-console "console-1's driver after bind"
	wait_for 30 sh -c "[ \"\$(xenstore-read $fe/state 2>/dev/null)\" = 3 ]" ||
		fail "console-1 not Initialised after bind"
}

add_console
take_console
ref=$(xenstore-read "$fe/ring-ref") && port=$(xenstore-read "$fe/port") ||
	fail "no ring-ref/port in $fe"
log "ring-ref $ref port $port"

m=sec-$$-$RANDOM
out=$SCEN_CTX/back.out
"$cb" "$id" "$ref" "$port" "ping-$m" 90 >"$out" 2>"$SCEN_CTX/back.err" &
bpid=$!
wait_for 20 grep -q '^@@MAPPED' "$out" || fail "console-back did not map the ring: $(cat "$SCEN_CTX/back.err")"
xenstore-write "$be/state" 4
wait_for 20 sh -c "[ \"\$(xenstore-read $fe/state)\" = 4 ]" || fail "frontend did not connect"
# Which hvc is console-1: the newest one.
# hvc's tty nodes all exist; only allocated ones open.
find_hvc() {
	domu_run -t 30 "for t in /dev/hvc[1-7]; do (exec 3<>\$t) 2>/dev/null && { echo \${t#/dev/}; break; }; done"
}
hvc=$(find_hvc)
log "domU tty: /dev/$hvc"
[ "$hvc" != hvc0 ] && [ -n "$hvc" ] || fail "no secondary hvc tty in the domU"
r=$(domu_run -t 60 "exec 3<>/dev/$hvc; stty -F /dev/$hvc raw -echo
head -c 49152 /dev/urandom | base64 -w 64 >/tmp/sec
printf '@@READY\n' >&3
IFS= read -r -t 30 l <&3
cat /tmp/sec >&3
printf 'got:%s\n@@END\n' \"\$l\" >&3
echo \"\$l\"; sha256sum </tmp/sec | cut -d' ' -f1")
wait "$bpid"
rc=$?
echo "domU side: $r"
tail -c 300 "$out"
[ $rc = 0 ] || fail "console-back: exit $rc ($(cat "$SCEN_CTX/back.err"))"
assert_eq "$(printf '%s\n' "$r" | head -n1 | tr -d '\r')" "ping-$m" "input dom0 -> domU"
grep -q "got:ping-$m" "$out" || fail "the domU's answer never reached dom0"
want=$(printf '%s\n' "$r" | tail -n1)
got=$(tr -d '\r' <"$out" | sed -n '/@@READY/,/got:/p' | grep -v '@@READY\|got:' | sha256sum | cut -d' ' -f1)
assert_eq "$got" "$want" "48 KiB domU -> dom0 on the secondary console"
del_console

# A broken backend: the frontend must disconnect, not read past the ring.
add_console
take_console
ref=$(xenstore-read "$fe/ring-ref") && port=$(xenstore-read "$fe/port") || fail "no ring-ref/port"
hvc=$(find_hvc)
[ -n "$hvc" ] || fail "no secondary hvc tty after re-adding console-1"
domu_run -t 30 "stty -F /dev/$hvc raw -echo; (cat /dev/$hvc >/dev/null 2>&1 &)" >/dev/null
"$cb" "$id" "$ref" "$port" --evil 0 || fail "console-back --evil failed"
xenstore-write "$be/state" 4
wait_for 30 sh -c "[ \"\$(xenstore-read $fe/state)\" = 5 ] || [ \"\$(xenstore-read $fe/state)\" = 6 ]" ||
	fail "the frontend did not disconnect from a broken ring (state $(xenstore-read "$fe/state"))"
domu_run -t 30 "dmesg | grep 'broke the'" || fail "no 'broke the ... ring' message in the domU"
del_console
