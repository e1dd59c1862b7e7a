# blk-features: the backend publishes the keys Linux's blkback does, with
# values that match the loop device, and the frontend uses them: indirect
# requests (large direct I/O, data verified), multiple queues when both
# sides offer them, the ring order it was allowed.  Checked with the
# frontend's default parameters, then with the frontend module loaded
# again with "max_ring_page_order=4 max_queues=2", with
# "max_ring_page_order=2 max_queues=1 max_indirect_segments=256
# feature_persistent=0 trusted=0" (bounce pages) and with
# "feature_persistent=0" (the backend gets the request's own pages);
# each time: xenstore keys, sysfs queue limits and hardware queues, the
# frontend's connect line in the domU's log (indirect descriptors,
# persistent grants, bounce buffer), 4 MiB of direct I/O compared by
# sha256 in the domU and in the backing file.  Last the defaults are
# loaded again for the scenarios that follow.
# timeout: 900
big_domu=0
if [ "$FRONT" != xenpv ] && [ -z "${DOMU_MEM:-}" ]; then
	# Linux's blkfront keeps a page per segment of every ring slot when
	# it uses persistent grants or bounce pages: ring order 4 with two
	# queues (512 slots x 33 pages x 2) or 256 indirect segments with
	# order 2 take about 130 MiB each, and a 160 MiB domU panics
	# ("System is deadlocked on memory", seen 2026-12-05).  Give it room.
	DOMU_MEM=384
	mem=$(xl list "$DOMU" 2>/dev/null | awk 'NR == 2 { print $3 }')
	[ -n "$mem" ] && [ "$mem" -lt "$DOMU_MEM" ] && domu_down
	big_domu=1
fi
domu_up
id=$(domid_of)
be=/local/domain/0/backend/vbd/$id/51712
fe=/local/domain/$id/device/vbd/51712
xenstore-ls "$be" | grep -v '^ *\(params\|frontend\|script\) ' || true
key() { xenstore-read "$be/$1" 2>/dev/null; }
for k in sectors info sector-size physical-sector-size feature-flush-cache feature-barrier \
	 feature-persistent feature-max-indirect-segments max-ring-page-order multi-queue-max-queues; do
	[ -n "$(key "$k")" ] || fail "backend did not publish $k"
done
size=$(stat -c %s "$DISK_IMG")
assert_eq "$(key sectors)" "$((size / 512))" "sectors vs the backing file"
assert_eq "$(key sector-size)" 512 "sector-size of a loop device"
be_ind=$(key feature-max-indirect-segments)
be_mq=$(key multi-queue-max-queues)
be_order=$(key max-ring-page-order)
be_pers=$(key feature-persistent)
[ "$be_ind" -ge 32 ] || fail "feature-max-indirect-segments $be_ind"
cpus=$(domu_run -t 30 'grep -c ^processor /proc/cpuinfo') || fail "cannot count the domU's CPUs"
log "backend: indirect $be_ind, queues $be_mq, ring order $be_order; domU CPUs $cpus"

min() { local m=$1 v; for v in "$@"; do [ "$v" -lt "$m" ] && m=$v; done; echo "$m"; }

# check LABEL ORDER QUEUES INDIRECT PERSISTENT TRUSTED OFFSET_MIB: the
# frontend's parameters (as it was loaded) and where the 4 MiB of test
# data go.
check() {
	local label=$1 p_order=$2 p_queues=$3 p_ind=$4 p_pers=$5 p_trusted=$6 off=$7 out
	local w_order w_nq w_segs w_pers w_bounce order nq segs hw line w r
	w_order=$(min "$p_order" "$be_order")
	w_nq=$(min "$p_queues" "$be_mq" "$cpus")
	w_segs=11
	[ "$be_ind" -gt 11 ] && [ "$p_ind" -gt 11 ] && w_segs=$(min "$be_ind" "$p_ind")
	w_pers=disabled
	[ "$p_pers" = 1 ] && [ "$be_pers" = 1 ] && w_pers=enabled
	w_bounce=enabled
	[ "$p_trusted" = 1 ] && w_bounce=disabled
	# Linux's frontend copies through its own pages whenever persistent
	# grants are in use, and its connect line then says "bounce buffer:
	# enabled" (ours names that path "persistent grants" alone).
	[ "$FRONT" = intree ] && [ "$w_pers" = enabled ] && w_bounce=enabled
	order=$(xenstore-read "$fe/ring-page-order" 2>/dev/null || echo 0)
	nq=$(xenstore-read "$fe/multi-queue-num-queues" 2>/dev/null || echo 1)
	echo "[$label] frontend keys: ring-page-order=$order multi-queue-num-queues=$nq persistent=$(xenstore-read "$fe/feature-persistent" 2>/dev/null)"
	assert_eq "$order" "$w_order" "[$label] ring-page-order"
	assert_eq "$nq" "$w_nq" "[$label] multi-queue-num-queues"
	assert_eq "$(xenstore-read "$fe/feature-persistent" 2>/dev/null)" "$p_pers" "[$label] frontend feature-persistent"
	if [ "$nq" -gt 1 ]; then
		for q in $(seq 0 $((nq - 1))); do
			xenstore-read "$fe/queue-$q/event-channel" >/dev/null 2>&1 ||
				fail "[$label] no queue-$q/event-channel"
		done
	fi
	out=$(domu_run -t 180 "set -e
[ -b /dev/xvda ] || { echo 'ERR no /dev/xvda'; exit 1; }
echo \"max_segments \$(cat /sys/block/xvda/queue/max_segments)\"
echo \"max_hw_sectors_kb \$(cat /sys/block/xvda/queue/max_hw_sectors_kb)\"
echo \"hw_queues \$(ls -d /sys/block/xvda/mq/* | wc -l)\"
echo \"line \$(dmesg | grep 'xvda: .*indirect descriptors:' | tail -n 1)\"
dd if=/dev/urandom of=/tmp/big bs=1M count=4 2>/dev/null
echo \"W \$(sha256sum </tmp/big | cut -c1-64)\"
dd if=/tmp/big of=/dev/xvda bs=1M seek=$off oflag=direct conv=notrunc 2>/dev/null
rm -f /tmp/big
echo \"R \$(dd if=/dev/xvda bs=1M skip=$off count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64)\"") ||
		fail "[$label] I/O in the domU failed: $out"
	echo "$out"
	segs=$(echo "$out" | sed -n 's/^max_segments //p')
	hw=$(echo "$out" | sed -n 's/^hw_queues //p')
	line=$(echo "$out" | sed -n 's/^line //p')
	assert_eq "$segs" "$w_segs" "[$label] max_segments (indirect segments negotiated)"
	assert_eq "$(echo "$out" | sed -n 's/^max_hw_sectors_kb //p')" "$((w_segs * 4))" "[$label] max_hw_sectors_kb"
	assert_eq "$hw" "$w_nq" "[$label] blk-mq hardware queues"
	[ -n "$line" ] || fail "[$label] no connect line with the features in the domU's log"
	if [ "$w_segs" -gt 11 ]; then
		echo "$line" | grep -q "indirect descriptors: enabled" || fail "[$label] connect line: $line"
	else
		echo "$line" | grep -q "indirect descriptors: disabled" || fail "[$label] connect line: $line"
	fi
	echo "$line" | grep -q "persistent grants: $w_pers" || fail "[$label] connect line, want persistent grants: $w_pers: $line"
	echo "$line" | grep -q "bounce buffer: $w_bounce" || fail "[$label] connect line, want bounce buffer: $w_bounce: $line"
	if [ "$FRONT" = xenpv ]; then
		# Ours also names the numbers.
		if [ "$w_segs" -gt 11 ]; then
			echo "$line" | grep -q "indirect descriptors: enabled ($w_segs segments)" ||
				fail "[$label] connect line: $line"
		fi
		echo "$line" | grep -q "queues: $w_nq; ring order: $w_order;" || fail "[$label] connect line: $line"
		echo "$line" | grep -q "flush diskcache: enabled" || fail "[$label] connect line: $line"
	fi
	w=$(echo "$out" | sed -n 's/^W //p')
	r=$(echo "$out" | sed -n 's/^R //p')
	[ "${#w}" = 64 ] || fail "[$label] no checksum of the written data: $out"
	assert_eq "$r" "$w" "[$label] data of 1 MiB direct I/O (indirect requests)"
	assert_eq "$(dd if="$DISK_IMG" bs=1M skip="$off" count=4 2>/dev/null | sha256sum | cut -c1-64)" "$w" \
		"[$label] backing file"
}

# reload PARAMS: take the vbd from the frontend, unload the frontend
# module, load it again with these parameters and wait for the disk.
# Ours is unbound and bound again (it starts a new connection on the
# same xenstore device).  Linux's blkfront cannot do that with any
# backend: unbinding writes Closed, and when bound again it finds both
# ends Closed and never starts over (seen with Debian's blkfront on
# Debian's blkback and on ours).  With it the vbd is detached with xl
# before the unload and attached again after the load (the module
# loaded first, so udev's autoload cannot beat the parameters): a new
# device.
reload() {
	local out
	if [ "$FRONT" = xenpv ]; then
		# xenbus holds a reference on the driver's module while a
		# device is bound: unbind first (the frontend closes).
		out=$(domu_run -t 120 "d=/sys/bus/xen/devices/vbd-51712
[ -e \$d/driver ] && { echo vbd-51712 >\$d/driver/unbind || exit 1; }
for i in \$(seq 1 40); do [ -b /dev/xvda ] || break; sleep 0.5; done
[ -b /dev/xvda ] && { echo 'ERR xvda still there after unbind'; exit 1; }
rmmod xen_blkfront || exit 1
exit 0") || fail "unloading the frontend failed: $out"
	else
		xl block-detach "$DOMU" xvda || fail "xl block-detach before the reload failed"
		wait_for 30 sh -c "! xenstore-read $be/state >/dev/null 2>&1" ||
			fail "backend node still in xenstore after the detach"
		out=$(domu_run -t 120 "for i in \$(seq 1 40); do [ -b /dev/xvda ] || break; sleep 0.5; done
[ -b /dev/xvda ] && { echo 'ERR xvda still there after detach'; exit 1; }
rmmod xen_blkfront || exit 1
exit 0") || fail "unloading the frontend failed: $out"
	fi
	out=$(domu_run -t 120 "modprobe xen-blkfront $1" 2>&1) || fail "loading the frontend with '$1' failed: $out"
	[ "$FRONT" = xenpv ] ||
		xl block-attach "$DOMU" "format=raw, vdev=xvda, access=rw, target=$DISK_IMG" ||
		fail "xl block-attach after the reload failed"
	out=$(domu_run -t 120 "for i in \$(seq 1 120); do [ -b /dev/xvda ] && exit 0; sleep 0.5; done
echo 'ERR no xvda after modprobe'; exit 1") || fail "no disk with the frontend loaded with '$1': $out"
	wait_for 30 sh -c "[ \"\$(xenstore-read $be/state)\" = 4 ]" || fail "backend not Connected after the reload"
}

check default 0 4 32 1 1 40

if ! domu_run -t 20 '[ -e /sys/module/xen_blkfront/refcnt ]' >/dev/null; then
	[ "$FRONT" = xenpv ] && fail "our xen-blkfront is not a loadable module in the domU"
	log "the domU's xen-blkfront is built in: parameter variants left out"
	exit 0
fi
reload "max_ring_page_order=4 max_queues=2"
check "max_ring_page_order=4 max_queues=2" 4 2 32 1 1 44
p="max_ring_page_order=2 max_queues=1 max_indirect_segments=256 feature_persistent=0 trusted=0"
reload "$p"
check "$p" 2 1 256 0 0 48
reload "feature_persistent=0"
check "feature_persistent=0" 0 4 32 0 1 52
reload ""
log "defaults loaded again"
if [ "$big_domu" = 1 ]; then
	log "the $DOMU_MEM MiB domU goes: the next scenario starts a default one"
	domu_down
fi
