# hostile-vif: a hostile network frontend (tests/ktest/hostile/vif.c, in
# the domU) speaks netif wrong to dom0's netback, case after case: zero-
# length and runt frames, too many slots, headers split over tiny
# fragments, bad grants, slots past the page, bad GSO and extra-info
# slots, duplicate ids, a full ring, an event storm, request producers
# jumped past the ring.  Every case must get an answer it expects (error
# responses, or the vif disconnected) with dom0 up and no kernel warning;
# a vif that stays connected must still carry a well-formed frame.
# Afterwards a normal frontend must work on the same backend (ping).
# Results per case: /var/log/xen/hostile-vif.txt ("case expect got alive verdict").
#
# HOSTILE_CASES (environment, optional) limits the run to those cases.
# timeout: 1800
domu_up
id=$(domid_of)
out=/var/log/xen/hostile-vif.txt
mac=00:16:3e:00:00:5a
: >"$out"

CASES="ok-small ok-frags slots-18 slots-19 dup-ids ring-full event-storm header-split first-runt runt
zero-frag extra-chain zero-len first-small offset-past-page bad-gref bad-gref-frag size-max
gso-size0 gso-type-bad extra-unknown slots-fatal prod-jump rx-prod-jump"
HOSTILE_CASES=${HOSTILE_CASES:-}
HOSTILE_CASES=${HOSTILE_CASES//,/ }
if [ -n "$HOSTILE_CASES" ]; then
	CASES=$(for c in $CASES; do case " $HOSTILE_CASES " in *" $c "*) echo "$c" ;; esac; done)
fi

dom0_bad() { dmesg | grep -E 'BUG|WARNING|Oops|general protection|hung task|Unable to handle' ; }
dom0_bad_before=$(dom0_bad | wc -l)

wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable before the cases"
# The normal frontend out of the way: vif 0 detached, the module removed
# and kept from autoloading, so only the hostile driver binds new vifs.
timeout 90 xl network-detach "$DOMU" 0 || fail "xl network-detach 0 failed"
wait_for 30 sh -c "! ip link show vif$id.0 >/dev/null 2>&1" || fail "vif$id.0 still present after detach"
domu_run -t 60 'mkdir -p /etc/modprobe.d; echo "blacklist xen-netfront" >/etc/modprobe.d/hostile-vif.conf
echo "install xen-netfront /bin/false" >>/etc/modprobe.d/hostile-vif.conf
for i in $(seq 1 20); do rmmod xen_netfront 2>/dev/null; grep -q "^xen_netfront " /proc/modules || exit 0; sleep 0.5; done; exit 1' ||
	fail "cannot take xen-netfront out of the domU (it must be a module there)"

total=0 passed=0 failed=0
record() { # case expect got alive verdict
	echo "$*" >>"$out"
	total=$((total + 1))
	if [ "$5" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# attach_run <comma list>: one hostile vif, the cases in order; prints
# the domU's "vif ... case" lines.
attach_run() {
	local list=$1 n tmo lines devid
	n=$(echo "$list" | tr ',' '\n' | wc -l)
	tmo=$((150 + n * 15))
	domu_run -t 30 "echo hostile-vif-mark-$total >/dev/kmsg; insmod /hostile/xenpv-hostile-vif.ko cases=$list" >/dev/null ||
		{ echo "insmod failed"; return 1; }
	if ! timeout 120 xl network-attach "$DOMU" "mac=$mac,bridge=xenbr0" >/tmp/attach.err 2>&1; then
		echo "network-attach failed: $(tail -n 3 /tmp/attach.err | tr '\n' ' ')"
	fi
	lines=$(domu_run -t "$tmo" "for i in \$(seq 1 $((tmo - 5))); do
		dmesg | sed -n '/hostile-vif-mark-$total\$/,\$p' | grep -qE 'vif device/vif/[0-9]+ done' && break; sleep 1; done
		dmesg | sed -n '/hostile-vif-mark-$total\$/,\$p' | grep 'xenpv-hostile: vif'")
	printf '%s\n' "$lines" | sed 's/^\[[^]]*\] //'
	devid=$(xl network-list "$DOMU" 2>/dev/null | awk -v m="$mac" '$3 == m { print $1 }' | head -n1)
	if [ -n "$devid" ] && ! timeout 90 xl network-detach "$DOMU" "$devid" >/dev/null 2>&1; then
		echo "detach-failed"
		xenstore-rm "/local/domain/0/backend/vif/$id/$devid" 2>/dev/null
		xenstore-rm "/local/domain/$id/device/vif/$devid" 2>/dev/null
	fi
	# The module stays in use while a vif is bound to it.
	domu_run -t 60 'for i in $(seq 1 60); do rmmod xenpv_hostile_vif 2>/dev/null && exit 0; sleep 0.5; done; exit 1' >/dev/null ||
		echo "unload-failed"
	return 0
}

# dom0 broadcasts while the cases run, so that the backend has frames for
# the hostile vif's rx ring (rx-prod-jump is found only when it reads it).
ping -b -i 0.2 169.254.255.255 >/dev/null 2>&1 &
bcast=$!
trap 'kill $bcast 2>/dev/null' EXIT

# Re-attaching after a case that disconnected the vif, until every case
# has its line.
queue=$(echo $CASES)
while [ -n "$queue" ]; do
	res=$(attach_run "$(echo $queue | tr ' ' ',')")
	echo "$res" | grep -v ' case .* skipped' | sed 's/^/  /'
	bad=$(dom0_bad | wc -l)
	if [ "$bad" -gt "$dom0_bad_before" ]; then
		dom0_bad | tail -n +"$((dom0_bad_before + 1))"
		dom0_bad_before=$bad
		record "$(echo $queue | cut -d' ' -f1)" - - - FAIL-dom0-warning
	fi
	for w in detach-failed unload-failed insmod; do
		echo "$res" | grep -q "^$w" && record "$(echo $queue | cut -d' ' -f1)" - "$w" - FAIL
	done
	echo "$res" | grep -q '^unload-failed' && fail "xenpv-hostile-vif could not be unloaded from the domU: the remaining cases cannot run"
	next=""
	for c in $queue; do
		line=$(echo "$res" | grep -E "xenpv-hostile: vif device/vif/[0-9]+ case $c (expect|skipped)" | head -1)
		case "$line" in
		*" skipped"*) next="$next $c" ;;
		*" expect "*)
			set -- $(echo "$line" | sed 's/.* case //; s/ (.*)$//')
			# name expect E got G alive [badid] VERDICT
			record "$1" "$3" "$5" "$6" "${!#}"
			;;
		*) record "$c" - none - FAIL ;;
		esac
	done
	[ "$(echo $next)" = "$queue" ] && { for c in $next; do record "$c" - no-run - FAIL; done; break; }
	queue=$(echo $next)
done

kill $bcast 2>/dev/null
# A well-behaved frontend on the same backend driver afterwards.
domu_run -t 30 'rm -f /etc/modprobe.d/hostile-vif.conf; modprobe xen-netfront' >/dev/null ||
	fail "xen-netfront does not load again in the domU"
xl network-attach "$DOMU" mac=00:16:3e:00:00:02,bridge=xenbr0 || fail "xl network-attach failed"
dev=$(domu_run -t 60 'for i in $(seq 1 60); do for d in /sys/class/net/eth*; do [ -e "$d" ] && { basename $d; exit 0; }; done; sleep 0.5; done; exit 1') ||
	fail "no ethernet device in the domU after the hostile cases"
domu_run -t 30 "ip link set $dev up; ip addr add 169.254.2.2/16 dev $dev" || fail "cannot configure $dev"
wait_for 60 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "no ping through a normal frontend after the hostile cases"

echo "hostile-vif ($BACK netback): $passed of $total cases passed"
column -t "$out" 2>/dev/null || cat "$out"
[ "$total" -gt 0 ] || fail "no case ran"
[ "$failed" = 0 ] || fail "$failed of $total hostile cases failed: $(grep -v ' PASS$' "$out" | cut -d' ' -f1 | tr '\n' ' ')"
