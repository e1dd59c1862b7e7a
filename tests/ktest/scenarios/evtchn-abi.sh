# evtchn-abi: the user ABI of the loaded /dev/xen/evtchn driver against
# the output recorded from Debian's xen-evtchn (tests/progs/evtchn-abi.expected).
#
# The two modules cannot be swapped in one boot: xenstored and xenconsoled
# hold /dev/xen/evtchn for their lifetime (so rmmod fails) and xenstored
# cannot be restarted.  So the scenario runs with whichever module dom0
# loaded, and both --back intree and --back xenpv must match the recording.
# Re-record (Debian's module): tests/ktest/run --back intree evtchn-abi, then
#   sed -n '/^--- evtchn-abi output$/,/^--- end$/{//!p}' \
#	<results>/results/evtchn-abi.log >tests/progs/evtchn-abi.$ARCH.expected
prog=/job/bin/evtchn-abi
[ -x "$prog" ] || skip "no $prog (tests/progs not built into the job)"

taint=$(cat /sys/module/xen_evtchn/taint 2>/dev/null)
case "$taint" in *O*) module=xenpv ;; *) module=debian ;; esac
log "xen_evtchn: $module (back=$BACK, taint '$taint')"
if [ "$BACK" = xenpv ] && [ -e /job/modules/dom0/xen-evtchn.ko ] && [ $module != xenpv ]; then
	fail "--back xenpv but Debian's xen-evtchn is loaded"
fi

out=$SCEN_CTX/evtchn-abi.out
# Pinned to CPU 0: on the emulated Xen-on-ARM board a wakeup of a task
# sleeping on the other vCPU was seen to lag by more than 10 s, which made
# the event-delivery cases timing-dependent (with either module).
taskset -c 0 "$prog" >"$out" 2>&1
rc=$?
echo "--- evtchn-abi output"
cat "$out"
echo "--- end"
[ $rc -eq 0 ] || fail "evtchn-abi exited $rc ($module module)"

exp=/job/bin/evtchn-abi.$ARCH.expected
[ -e "$exp" ] || exp=/job/bin/evtchn-abi.expected
[ -e "$exp" ] || skip "no recorded output to compare with ($module module ran)"
diff -u "$exp" "$out" || fail "output of the $module module differs from $(basename "$exp")"
