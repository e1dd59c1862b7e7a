# docs-xl: the xl configuration and commands of docs/xl.md, run as the
# page writes them.  Each block used is the fenced block after a
# "<!-- docs-xl: NAME -->" line in docs/xl.md (docs/xenbus.md for
# "debugfs"), read from the copy in /job/docs, so page and test cannot
# drift.  A fresh domU from the documented board config, with the
# documented two-disk list (the second one read-only) and vif: both
# disks appear with the right data, the vif is in xenbr0 with the
# documented MAC and answers pings; the bridge is as the page sets it
# up; the page's checks in the domU (modinfo, /proc/modules, debugfs)
# and xenstore-ls listings; its block and network hotplug blocks, each
# followed by a data or ping check; vdev=sdc, hdd and xvdq give the xvd
# disk and the virtual-device number the page states.  The domU is
# destroyed at the end (the next scenario starts the usual one).
# timeout: 900
# Commands for the domU are single-quoted on purpose:
# shellcheck disable=SC2016
docs=/job/docs
[ -f $docs/xl.md ] || fail "no $docs/xl.md in the job"
img2=/srv/images/data.img

# doc_block FILE NAME: the fenced block after "<!-- docs-xl: NAME -->"
# (status 1 when there is none).
doc_block() {
	local out
	out=$(awk -v m="<!-- docs-xl: $2 -->" '
		$0 == m { f = 1; next }
		f == 1 && /^```/ { f = 2; next }
		f == 2 && /^```/ { exit }
		f == 2 { print }' "$1")
	[ -n "$out" ] || return 1
	printf '%s\n' "$out"
}
# Every block this scenario runs, checked here: a doc_block in a pipe or
# $(...) cannot end the scenario itself.
for b in xl.md:domu-cfg xl.md:disk2 xl.md:blk-hotplug xl.md:bridge xl.md:vif xl.md:net-hotplug \
	xl.md:domu-check xl.md:xenstore-ls xenbus.md:debugfs; do
	doc_block "$docs/${b%%:*}" "${b#*:}" >/dev/null || fail "no block '${b#*:}' in ${b%%:*}"
done
# The config lines as xl reads them: no comments, no trailing blanks.
cfg_norm() { sed -e 's/[[:space:]]*#.*$//' -e 's/[[:space:]]*$//' -e '/^$/d'; }

cleanup() {
	domu_down
	domu_config >/run/domu.cfg
	rm -f "$img2"
}
trap cleanup EXIT

# The documented board config must be what domu_config writes (the
# placeholders and the per-board values filled in as the page says).
mem=${DOMU_MEM:-$(domu_mem_default)}
kernel=/boot/vmlinuz-$KVER
[ "$DOMU_KERNEL_KIND" = custom ] && kernel=/job/domu-kernel
cfg=$(doc_block $docs/xl.md domu-cfg | sed \
	-e "s|^kernel = .*|kernel = \"$kernel\"|" \
	-e "s|^memory = .*|memory = $mem|" | cfg_norm)
[ "$ARCH" = x86_64 ] && cfg=$(printf '%s\n' "$cfg" | sed 's|^type = .*|type = "pv"|')
want=$(domu_config | cfg_norm)
if [ "$cfg" != "$want" ]; then
	diff <(printf '%s\n' "$want") <(printf '%s\n' "$cfg")
	fail "docs/xl.md's board domU config differs from domu_config (lib.sh)"
fi
assert_eq "$(doc_block $docs/xl.md vif | cfg_norm)" "$(printf '%s\n' "$cfg" | grep '^vif = ')" \
	"the vif line of the Network section vs the board config"

# That config with the page's two-disk list, from a fresh domU.
domu_down
mkdir -p /var/lib/xenpv /srv/images
[ -e "$DISK_IMG" ] || truncate -s 256M /var/lib/xenpv/disk.img
dd if=/dev/urandom of="$img2" bs=1M count=8 2>/dev/null
sum2=$(sha256sum <"$img2" | cut -c1-64)
sum1=$(dd if="$DISK_IMG" bs=1M count=4 2>/dev/null | sha256sum | cut -c1-64)
{
	printf '%s\n' "$cfg" | grep -v '^disk = '
	doc_block $docs/xl.md disk2
} >/run/domu.cfg
cat /run/domu.cfg
if ! xl create /run/domu.cfg; then
	tail -n 40 /var/log/xen/xen-hotplug.log 2>/dev/null
	fail "xl create of the documented config failed"
fi
domu_wait_agent 240 || fail "domU agent did not answer"
id=$(domid_of)
for d in 51712 51728; do
	wait_for 30 sh -c "[ \"\$(xenstore-read /local/domain/$id/device/vbd/$d/state 2>/dev/null)\" = 4 ]" ||
		fail "vbd $d not connected (frontend state $(xenstore-read "/local/domain/$id/device/vbd/$d/state" 2>/dev/null))"
done
if [ -z "$(losetup -j "$DISK_IMG")" ] || [ -z "$(losetup -j "$img2")" ]; then
	fail "the block script did not put both files on loop devices: $(losetup -a)"
fi
out=$(domu_run -t 120 '
for d in xvda xvdb; do [ -b /dev/$d ] || { echo "ERR no /dev/$d"; exit 1; }; done
echo "ro $(blockdev --getro /dev/xvdb)"
echo "a $(dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64)"
echo "b $(dd if=/dev/xvdb bs=1M count=8 iflag=direct 2>/dev/null | sha256sum | cut -c1-64)"
echo "mac $(cat /sys/class/net/eth0/address)"') || fail "domU disks: $out"
echo "$out"
echo "$out" | grep -qx "ro 1" || fail "xvdb (access=ro) is not read-only in the domU"
echo "$out" | grep -qx "a $sum1" || fail "xvda's data differs from disk.img"
echo "$out" | grep -qx "b $sum2" || fail "xvdb's data differs from $img2"
echo "$out" | grep -qx "mac 00:16:3e:00:00:02" || fail "eth0's MAC is not the documented mac="

# The bridge as the page's dom0 block sets it up (dom0-init ran it).
doc_block $docs/xl.md bridge | grep -q '^ip link add xenbr0 type bridge stp_state 0 forward_delay 0$' ||
	fail "the page's bridge block changed: check this scenario and dom0-init"
ip -d link show xenbr0 | grep -q 'forward_delay 0 .*stp_state 0\|stp_state 0 .*forward_delay 0' ||
	fail "xenbr0: not stp_state 0 / forward_delay 0: $(ip -d link show xenbr0 | tr '\n' ' ')"
ip addr show xenbr0 | grep -q 'inet 169.254.1.1/16' || fail "xenbr0 lacks 169.254.1.1/16"
wait_for 30 sh -c "ip link show master xenbr0 | grep -q ' vif$id.0[:@]'" || fail "vif$id.0 not in xenbr0"
ip link show master xenbr0 | grep -q ' eth0[:@]' || fail "eth0 not in xenbr0"
domu_run -t 30 "ip link set eth0 up; ip addr replace 169.254.2.2/16 dev eth0" >/dev/null
wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "dom0 cannot ping the domU over the documented vif"
domu_run -t 60 'ping -c 3 -i 0.3 -W 2 169.254.1.1' >/dev/null || fail "the domU cannot ping dom0"

# The page's checks: debugfs (xenbus.md's loop, which mounts it), then
# "Check in the domU".
dbg=$(doc_block $docs/xenbus.md debugfs)
chk=$(doc_block $docs/xl.md domu-check)
out=$(domu_run -t 60 "$dbg
echo @@CHECK
$chk")
rc=$?
echo "$out" | sed -n '/^@@CHECK/,$p'
if [ "$FRONT" = xenpv ]; then
	# (With Debian's frontends there is no xenpv debugfs directory: the
	# last line, ls, fails there.)
	[ $rc = 0 ] || fail "the page's checks in the domU failed (exit $rc)"
	echo "$out" | grep -q '^/lib/modules/.*/updates/xenpv/xen-blkfront.ko$' ||
		fail "modinfo -n xen-blkfront in the domU is not ours under updates/xenpv"
	echo "$out" | grep -q '^xen_blkfront ' || fail "xen_blkfront not in the domU's /proc/modules"
	echo "$out" | grep -Eq '^device: +device/vbd/51712 \(frontend\)' || fail "no debugfs status of device/vbd/51712"
	echo "$out" | grep -Eq '^state: +ours Connected, peer Connected' || fail "debugfs: no Connected device"
fi
if [ "$BACK" = xenpv ]; then
	out=$(bash -c "$dbg") || fail "the debugfs loop failed in dom0"
	echo "$out" | grep -Eq "^device: +backend/vbd/$id/51712 \\(backend\\)" ||
		fail "no debugfs status of backend/vbd/$id/51712 in dom0"
fi
out=$(doc_block $docs/xl.md xenstore-ls | sed "s/<id>/$id/g" | bash) || fail "the page's xenstore-ls lines failed"
echo "$out" | grep -q "^/local/domain/0/backend/vbd/$id/51712/physical-device = " ||
	fail "xenstore-ls: no physical-device of vbd 51712"
echo "$out" | grep -q "^/local/domain/$id/device/vbd/51712/state = \"4\"" ||
	fail "xenstore-ls: the frontend of vbd 51712 is not Connected"

# The page's block hotplug lines, as written, then the same data.
doc_block $docs/xl.md blk-hotplug
doc_block $docs/xl.md blk-hotplug | bash -e || fail "the page's block-detach/attach lines failed"
out=$(domu_run -t 90 'for i in $(seq 1 120); do [ -b /dev/xvda ] && break; sleep 0.5; done
dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64')
assert_eq "$out" "$sum1" "xvda's data after the page's detach + attach"

# The page's network hotplug lines, as written, then pings.
doc_block $docs/xl.md net-hotplug
doc_block $docs/xl.md net-hotplug | bash -e || fail "the page's network-detach/attach lines failed"
dev=$(domu_run -t 60 'for i in $(seq 1 120); do for d in /sys/class/net/eth*; do [ -e "$d" ] && { basename $d; exit 0; }; done; sleep 0.5; done; exit 1') ||
	fail "no ethernet device in the domU after the page's network-attach"
mac=$(domu_run -t 30 "cat /sys/class/net/$dev/address")
assert_eq "$mac" 00:16:3e:00:00:02 "$dev's MAC after network-attach"
domu_run -t 30 "ip link set $dev up; ip addr replace 169.254.2.2/16 dev $dev" >/dev/null
wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "no ping after the page's network-attach"

# vdev names: hd*/sd* give the xvd disk of the same number, xvdq on the
# extended number (the Disks section), with the same data.
xl block-detach "$DOMU" xvdb || fail "xl block-detach xvdb failed"
domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvdb ] || exit 0; sleep 0.5; done; exit 1' >/dev/null ||
	fail "/dev/xvdb still present after detach"
for v in sdc:2080:xvdc hdd:5696:xvdd xvdq:268439552:xvdq; do
	IFS=: read -r vdev num disk <<<"$v"
	xl block-attach "$DOMU" "format=raw, vdev=$vdev, access=ro, target=$img2" || fail "xl block-attach vdev=$vdev failed"
	wait_for 30 sh -c "[ \"\$(xenstore-read /local/domain/$id/device/vbd/$num/state 2>/dev/null)\" = 4 ]" ||
		fail "vdev=$vdev: device/vbd/$num not connected ($(xenstore-ls "/local/domain/$id/device/vbd" 2>/dev/null | grep -c state) vbds)"
	out=$(domu_run -t 60 "for i in \$(seq 1 60); do [ -b /dev/$disk ] && break; sleep 0.5; done
dd if=/dev/$disk bs=1M count=8 iflag=direct 2>/dev/null | sha256sum | cut -c1-64")
	assert_eq "$out" "$sum2" "vdev=$vdev: data on /dev/$disk"
	log "vdev=$vdev: device/vbd/$num, /dev/$disk"
	xl block-detach "$DOMU" "$vdev" || fail "xl block-detach $vdev failed"
	domu_run -t 60 "for i in \$(seq 1 60); do [ -b /dev/$disk ] || exit 0; sleep 0.5; done; exit 1" >/dev/null ||
		fail "/dev/$disk still present after detach"
done
