# console: the domU's console output (kernel and user space) reaches
# xenconsoled's log in dom0.
domu_up
g=/var/log/xen/console/guest-$DOMU.log
[ -f "$g" ] || fail "no console log $g"
# The domU's init announces itself on hvc0 at boot (kernel messages are
# kept off the console by loglevel=4: the console also carries the agent).
grep -qa 'xenpv domU up' "$g" || fail "the domU's boot banner is not in $g"
m=console-check-$$-$RANDOM
domu_run -t 30 "echo $m >/dev/hvc0" || fail "cannot write to the domU's hvc0"
wait_for 20 grep -qa "$m" "$g" || fail "marker written on the domU's hvc0 never reached $g"
echo "found: $(grep -a "$m" "$g")"
