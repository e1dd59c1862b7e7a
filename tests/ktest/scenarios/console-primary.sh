# console-primary: on the custom domU kernel (no built-in Xen console)
# hvc0 is served by xenpv-hvc, loaded from the initramfs; kernel messages
# printed after it loads reach xenconsoled's log in dom0.
[ "$DOMU_KERNEL_KIND" = custom ] || skip "needs --domu-kernel custom (stock kernels serve hvc0 themselves)"
domu_up
g=/var/log/xen/console/guest-$DOMU.log
grep -qa 'xenpv domU up' "$g" || fail "the domU's boot banner is not in $g"
domu_run -t 30 "grep '^xenpv_hvc ' /proc/modules" || fail "xenpv_hvc is not loaded in the domU"
domu_run -t 30 "cat /proc/consoles" >"$SCEN_CTX/consoles"
cat "$SCEN_CTX/consoles"
grep -q '^hvc0 ' "$SCEN_CTX/consoles" || fail "hvc0 is not a kernel console"
domu_run -t 30 "dmesg | grep -i 'xenpv_hvc\|xenpv-hvc'" || fail "no xenpv-hvc line in the domU's dmesg"
# A kernel message (KERN_ERR passes loglevel=4) must come out on hvc0.
m=console-primary-$$-$RANDOM
domu_run -t 30 "echo '<3>xenpv console check $m' >/dev/kmsg" || fail "cannot write /dev/kmsg"
wait_for 20 grep -qa "xenpv console check $m" "$g" || fail "a kernel message never reached $g"
echo "found: $(grep -a "$m" "$g" | tail -n1)"
domu_run -t 30 "mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null; cat /sys/kernel/debug/xenpv-hvc"
