# diag: tools/xenpv-diag on a healthy domU reports every device connected
# (exit 0); on a domU whose vbd hotplug script never writes
# physical-device it names that cause (exit 1).
diag=/job/tools/xenpv-diag
[ -x $diag ] || fail "no $diag in the job"
domu_up
out=$($diag "$DOMU" 2>&1)
rc=$?
echo "$out" | grep -v '^  \[' | head -n 60
[ $rc = 0 ] || fail "xenpv-diag says the healthy domU is not connected (exit $rc)"
[ "$(echo "$out" | grep -c '=> connected')" -ge 2 ] || fail "expected vbd and vif connected: $(echo "$out" | grep '=>')"
domu_down

# A broken handshake: a block script that does nothing.
script=/etc/xen/scripts/xenpv-diag-nowrite
printf '#!/bin/sh\nexit 0\n' >$script
chmod +x $script
cat >/run/diag.cfg <<CFG
name = "diag"
type = "$( [ "$ARCH" = x86_64 ] && echo pv || echo pvh )"
kernel = "/boot/vmlinuz-$KVER"
ramdisk = "/var/lib/xenpv/domu-initrd.gz"
extra = "console=hvc0 loglevel=4 rdinit=/init"
memory = 128
# target= must come last: xl takes the rest of the spec as the path.
disk = [ "format=raw, vdev=xvda, access=rw, script=$script, target=$DISK_IMG" ]
CFG
xl create /run/diag.cfg || fail "xl create of the broken domU failed"
# Let both drivers settle where they get stuck.
sleep 10
out=$($diag diag 2>&1)
rc=$?
xl destroy diag
rm -f $script
echo "$out" | grep -v '^  \[' | head -n 40
[ $rc = 1 ] || fail "xenpv-diag exit $rc on a stuck vbd, expected 1"
echo "$out" | grep -q '=> the block hotplug script never wrote physical-device' ||
	fail "xenpv-diag did not name the missing physical-device: $(echo "$out" | grep '=>')"
