# console-bulk: 1 MiB of text written to the domU's hvc0 arrives intact in
# xenconsoled's log (sha256 compared): output waits for ring space and is
# never lost.
# 1 MiB took 100-280 s, the scenario up to 510 s with another board on the host.
# timeout: 1200
domu_up
g=/var/log/xen/console/guest-$DOMU.log
m=bulk-$$-$RANDOM
# 786432 random bytes as base64 in 64-column lines: 1 MiB of text plus
# newlines.  "@@B " keeps the lines out of the runner's kernel-log scan.
t0=$SECONDS
want=$(domu_run -t 600 "head -c 786432 /dev/urandom | base64 -w 64 >/tmp/bulk
sha256sum </tmp/bulk | cut -d' ' -f1
{ echo @@BULK-BEGIN-$m; sed 's/^/@@B /' /tmp/bulk; echo @@BULK-END-$m; } >/dev/hvc0") ||
	fail "writing 1 MiB to hvc0 failed"
wait_for 120 grep -qa "@@BULK-END-$m" "$g" || fail "the end marker never reached $g"
t=$((SECONDS - t0))
got=$(tr -d '\r' <"$g" | sed -n "/@@BULK-BEGIN-$m/,/@@BULK-END-$m/p" | sed -n 's/^@@B //p' | sha256sum | cut -d' ' -f1)
lines=$(tr -d '\r' <"$g" | sed -n "/@@BULK-BEGIN-$m/,/@@BULK-END-$m/p" | grep -c '^@@B ')
echo "domU sha256 $want, dom0 log sha256 $got, $lines lines, ${t} s"
assert_eq "$got" "$want" "1 MiB through hvc0"
st=$(domu_run -t 30 "mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null; cat /sys/kernel/debug/xenpv-hvc 2>/dev/null")
printf '%s\n' "$st"
# Ours is hvc0 only on the custom kernel: 1 MiB through a 2 KiB ring is
# hundreds of events.  "events 1" was a channel left masked after its
# first event (lateeoi to IRQ 0), with hvc0 kept alive by polling alone.
if [ "$DOMU_KERNEL_KIND" = custom ]; then
	ev=$(printf '%s\n' "$st" | sed -n 's/^vterm 0 (primary):.* events \([0-9]*\) .*/\1/p')
	[ "${ev:-0}" -ge 100 ] || fail "hvc0's event channel: events '${ev}' after 1 MiB (expected >= 100)"
fi
