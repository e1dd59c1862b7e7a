# hostile-back: a hostile block frontend (tests/ktest/hostile/vbd.c, in the
# domU) speaks blkif wrong to dom0's blkback, case after case; every case
# must get the answer it expects (error response, disconnect, refused
# handshake) with dom0 up and no kernel warning, and afterwards a normal
# frontend must work on the same backend driver (data compared by sha256).
# Results per case: $HOSTILE_OUT (also printed) as "case expect got alive verdict".
#
# HOSTILE_CASES (environment, optional) limits the run to those cases.
# timeout: 2400
domu_up
id=$(domid_of)
img=/var/lib/xenpv/hostile.img
vdev=51728
be=/local/domain/0/backend/vbd/$id/$vdev
out=/var/log/xen/hostile-back.txt
: >"$out"

RING_CASES="ok-read ok-write write-ro-gref seg-same-gref seg-max dup-ids ring-full event-storm
watch-flood seg0-read seg0-write first-gt-last last-past-page first-past-page sect-255 past-end
straddle-end sector-wrap bad-gref bad-gref-write revoked-gref ro-gref-read mixed-grefs unknown-op
flush-segs ind-ok ind-seg0 ind-nested ind-unknown-op ind-garbage ind-bad-gref ind-first-gt-last
ind-past-end discard-past-end discard-wrap seg12 seg255 ind-too-many ind-over-max prod-jump
prod-huge after-closing"
HS_CASES="hs-normal hs-bad-ring-ref hs-ring-ref-text hs-order-huge hs-order-missing-ref
hs-order-dup-ref hs-queues-huge hs-queues-zero hs-queues-flat hs-bad-evtchn hs-no-evtchn
hs-bad-protocol hs-connected-bare hs-state-flap hs-state-garbage"
RO_CASES="ro-write"
HOSTILE_CASES=${HOSTILE_CASES:-}
HOSTILE_CASES=${HOSTILE_CASES//,/ }
if [ -n "$HOSTILE_CASES" ]; then
	pick() { local c; for c in $1; do case " $HOSTILE_CASES " in *" $c "*) echo "$c" ;; esac; done; }
	RING_CASES=$(pick "$RING_CASES") HS_CASES=$(pick "$HS_CASES") RO_CASES=$(pick "$RO_CASES")
fi

dom0_bad() { dmesg | grep -E 'BUG|WARNING|Oops|general protection|hung task|Unable to handle' ; }
dom0_bad_before=$(dom0_bad | wc -l)

# The normal frontend out of the way: xvda detached, the module removed
# and kept from autoloading, so only the hostile driver binds new vbds.
sum_before=$(domu_run -t 60 'dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64') ||
	fail "no /dev/xvda to start from"
xl block-detach "$DOMU" xvda || fail "xl block-detach xvda failed"
domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] || break; sleep 0.5; done
mkdir -p /etc/modprobe.d; echo "blacklist xen-blkfront" >/etc/modprobe.d/hostile.conf
echo "install xen-blkfront /bin/false" >>/etc/modprobe.d/hostile.conf
rmmod xen_blkfront 2>/dev/null; ! grep -q "^xen_blkfront " /proc/modules' ||
	fail "cannot take xen-blkfront out of the domU (it must be a module there)"
truncate -s 64M "$img"

total=0 passed=0 failed=0
record() { # case expect got alive verdict
	echo "$*" >>"$out"
	total=$((total + 1))
	if [ "$5" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# attach_run <access> <comma list>: one hostile vbd, the cases in order;
# prints the domU's "case" and "skipped" lines.
attach_run() {
	local access=$1 list=$2 n tmo lines
	n=$(echo "$list" | tr ',' '\n' | wc -l)
	tmo=$((60 + n * 30))
	# A handshake case waits 45 s for a connection that should not come.
	local cms=120000
	case "$list" in hs-*) cms=45000 ;; esac
	tmo=$((tmo + cms / 1000))
	domu_run -t 30 "echo hostile-mark-$total >/dev/kmsg; insmod /hostile/xenpv-hostile-vbd.ko cases=$list connect_ms=$cms" >/dev/null ||
		{ echo "insmod failed"; return 1; }
	if ! xl block-attach "$DOMU" "format=raw, vdev=xvdb, access=$access, target=$img" >/tmp/attach.err 2>&1; then
		echo "block-attach failed: $(tail -n 3 /tmp/attach.err | tr '\n' ' ')"
		tail -n 20 /var/log/xen/xen-hotplug.log 2>/dev/null | sed 's/^/    hotplug: /'
	fi
	lines=$(domu_run -t "$tmo" "for i in \$(seq 1 $((tmo - 5))); do
		dmesg | sed -n '/hostile-mark-$total\$/,\$p' | grep -q 'vbd device/vbd/$vdev done' && break; sleep 1; done
		dmesg | sed -n '/hostile-mark-$total\$/,\$p' | grep 'xenpv-hostile: vbd'")
	printf '%s\n' "$lines" | sed 's/^\[[^]]*\] //'
	if ! timeout 60 xl block-detach "$DOMU" xvdb >/dev/null 2>&1; then
		echo "detach-failed"
		xenstore-rm "$be" 2>/dev/null
		xenstore-rm "/local/domain/$id/device/vbd/$vdev" 2>/dev/null
	fi
	wait_for 30 sh -c "! xenstore-read $be/state >/dev/null 2>&1" || echo "backend-node-left"
	# The module stays in use while a vbd is bound to it.
	domu_run -t 60 'for i in $(seq 1 60); do rmmod xenpv_hostile_vbd 2>/dev/null && exit 0; sleep 0.5; done; exit 1' >/dev/null ||
		hostile_stuck=1
	return 0
}
hostile_stuck=0

# run_queue <access> <cases...>: runs them, re-attaching after a case that
# disconnected the device until every case has its line.
run_queue() {
	local access=$1 queue res c line bad
	shift
	queue="$*"
	while [ -n "$queue" ]; do
		[ "$hostile_stuck" = 0 ] || fail "xenpv-hostile-vbd could not be unloaded from the domU (a vbd still bound to it?): the remaining cases cannot run"
		res=$(attach_run "$access" "$(echo $queue | tr ' ' ',')")
		domu_run -t 10 'grep -q "^xenpv_hostile_vbd " /proc/modules' && hostile_stuck=1
		echo "$res" | grep -v ' case .* skipped' | sed 's/^/  /'
		bad=$(dom0_bad | wc -l)
		if [ "$bad" -gt "$dom0_bad_before" ]; then
			dom0_bad | tail -n +"$((dom0_bad_before + 1))"
			dom0_bad_before=$bad
			record "$(echo $queue | cut -d' ' -f1)" - - - FAIL-dom0-warning
		fi
		# A failed attach is judged by the case lines (a backend that
		# refuses a bad handshake early can make the hotplug fail).
		for w in detach-failed backend-node-left insmod; do
			echo "$res" | grep -q "^$w" && record "$(echo $queue | cut -d' ' -f1)" - "$w" - FAIL
		done
		local next=""
		for c in $queue; do
			line=$(echo "$res" | grep -E "xenpv-hostile: vbd device/vbd/$vdev case $c (expect|skipped)" | head -1)
			case "$line" in
			*" skipped"*) next="$next $c" ;;
			*" expect "*)
				set -- $(echo "$line" | sed 's/.* case //; s/ (.*)$//')
				# name expect E got G alive [badid] VERDICT
				record "$1" "$3" "$5" "$6" "${!#}"
				;;
			*)
				# No line: the case (or the whole attach) produced nothing.
				record "$c" - none - FAIL
				;;
			esac
		done
		# A queue whose first case was skipped would loop: stop it there.
		[ "$(echo $next)" = "$(echo $queue)" ] && { for c in $next; do record "$c" - no-run - FAIL; done; break; }
		queue=$(echo $next)
	done
}

log "ring cases"
[ -n "$RING_CASES" ] && run_queue rw $RING_CASES
log "handshake cases"
for c in $HS_CASES; do
	run_queue rw "$c"
done
log "read-only vbd cases"
[ -n "$RO_CASES" ] && run_queue ro $RO_CASES

# A well-behaved frontend on the same backend driver afterwards.
domu_run -t 30 'rmmod xenpv_hostile_vbd 2>/dev/null; ! grep -q "^xenpv_hostile_vbd " /proc/modules' >/dev/null ||
	fail "xenpv-hostile-vbd is still loaded in the domU: xvda would bind to it"
domu_run -t 30 'rm -f /etc/modprobe.d/hostile.conf; modprobe xen-blkfront' >/dev/null ||
	fail "xen-blkfront does not load again in the domU"
xl block-attach "$DOMU" "format=raw, vdev=xvda, access=rw, target=$DISK_IMG" || fail "xl block-attach xvda failed"
sum_after=$(domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] && break; sleep 0.5; done
dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64')
rm -f "$img"

echo "hostile-back ($BACK blkback): $passed of $total cases passed"
column -t "$out" 2>/dev/null || cat "$out"
assert_eq "$sum_after" "$sum_before" "data on xvda after the hostile cases"
[ "$failed" = 0 ] || fail "$failed of $total hostile cases failed: $(grep -v ' PASS$' "$out" | cut -d' ' -f1 | tr '\n' ' ')"
