# hostile-front: a hostile block backend (tests/ktest/hostile/vbdback.c, in
# dom0 in place of xen-blkback) answers the domU's block frontend wrong,
# one case per attached vbd.  Per case the frontend must end as expected
# (marked broken and closed, I/O errors, refused, or unaffected), I/O on
# the disk must never hang past a detach, detaching must work, and neither
# kernel may log a warning; afterwards the same frontend must work with
# the real backend (data compared by sha256).
# Results per case: /var/log/xen/hostile-front.txt ("case expect got read write verdict").
#
# HOSTILE_CASES (environment, optional) limits the run to those cases.
# rsp-never runs last: a backend that never answers while the disk is
# being added leaves blkfront's partition scan waiting in the xenbus
# watch thread, so nothing after it on this domU can attach (see
# docs/hostile.md).
# A case that failed or left I/O hanging may poison the next ones on
# the same domU (a frontend still waiting on its earlier disk), so the
# next case gets a fresh domU, created without the xvda disk the
# hostile backend would otherwise serve (HOSTILE_FRESH=0: keep the domU).
# timeout: 5400
domu_up
id=$(domid_of)
img=/var/lib/xenpv/hostile.img
vdev=51728
fe=/local/domain/$id/device/vbd/$vdev
be=/local/domain/0/backend/vbd/$id/$vdev
out=/var/log/xen/hostile-front.txt
param=/sys/module/xenpv_hostile_vbdback/parameters/mode
: >"$out"

# case:expected outcomes ('|'-separated).  closed: the frontend left
# Connected; nodev: no disk appeared; eio: I/O failed, the frontend still
# connected; ok: I/O worked; hang: I/O blocked until the detach ended it.
CASES="normal:ok
rsp-unknown-id:closed|eio
rsp-repeat:closed|eio
rsp-wrong-op:closed|eio
rsp-status-garbage:closed|eio
rsp-status-eio:eio
rsp-eopnotsupp:closed|eio
rsp-prod-past:closed|eio
rsp-prod-back:closed|eio
rsp-unsolicited:closed|eio
closing-mid-io:closed|nodev
rsp-after-closed:closed|nodev
flush-unsupported:ok
event-storm:ok
state-flap:ok|closed|eio
state-garbage:ok|closed|eio
resize-flood:ok
sectors-zero:ok|nodev|closed|eio
sectors-huge:ok|nodev|closed|eio
sectors-missing:closed|nodev
sectors-text:closed|nodev
sector-size-513:closed|nodev
sector-size-huge:closed|nodev
sector-size-zero:closed|nodev
physical-sector-size-odd:ok|closed|nodev
info-garbage:ok|closed|nodev|eio
indirect-huge:ok
discard-bad:ok
persistent-flap:ok
rsp-never:hang|nodev"
HOSTILE_CASES=${HOSTILE_CASES:-}
HOSTILE_CASES=${HOSTILE_CASES//,/ }
if [ -n "$HOSTILE_CASES" ]; then
	CASES=$(echo "$CASES" | while IFS=: read -r c e; do
		case " $HOSTILE_CASES " in *" $c "*) echo "$c:$e" ;; esac
	done)
fi

dom0_bad() { dmesg | grep -E 'BUG|WARNING|Oops|general protection|hung task|Unable to handle'; }
dom0_bad_before=$(dom0_bad | wc -l)

sum_before=$(domu_run -t 60 'dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64') ||
	fail "no /dev/xvda to start from"
xl block-detach "$DOMU" xvda || fail "xl block-detach xvda failed"
wait_for 30 sh -c "! xenstore-read /local/domain/0/backend/vbd/$id/51712/state >/dev/null 2>&1" ||
	fail "xvda's backend node stayed"
rmmod xen_blkback || fail "cannot unload xen-blkback (still serving a vbd?)"
insmod /job/modules/hostile/xenpv-hostile-vbdback.ko || fail "insmod xenpv-hostile-vbdback failed"
truncate -s 64M "$img"

# fresh_domu: destroy the domU and start it again with no disk.
# The old domain's backends must be gone from xenstore first: while
# dom0 still tears them down, the new vif may not reach InitWait within
# libxl's 10 s and xl create fails; it is then tried once more.
# The old domU's kernel log is scanned first (the runner only sees the
# last domU's): a BUG, WARNING or Oops there fails the scenario at its end.
fresh_domu() {
	local old=$id try bad
	bad=$(domu_dmesg_new | grep -aE "$BADLOG" | head -n 3 | tr '\n' ' ')
	if [ -n "$bad" ]; then
		echo "    domain $old's kernel log: $bad"
		old_bad="$old_bad domain $old: $bad;"
	fi
	xl destroy "$DOMU" || return 1
	wait_for 30 sh -c "! xl domid $DOMU >/dev/null 2>&1" || return 1
	wait_for 60 sh -c "! xenstore-ls /local/domain/0/backend/vif/$old >/dev/null 2>&1 &&
		! xenstore-ls /local/domain/0/backend/vbd/$old >/dev/null 2>&1" ||
		echo "    domain $old's backends are still in xenstore after 60 s"
	domu_config | sed '/^disk = /d' >/run/domu-nodisk.cfg
	for try in 1 2; do
		xl create /run/domu-nodisk.cfg >/dev/null && break
		[ "$try" = 2 ] && return 1
		echo "    xl create failed; once more in 10 s"
		xl destroy "$DOMU" >/dev/null 2>&1
		sleep 10
	done
	domu_wait_agent 240 || return 1
	domu_run "ip link set eth0 up; ip addr replace 169.254.2.2/16 dev eth0" >/dev/null
	id=$(domid_of)
	fe=/local/domain/$id/device/vbd/$vdev
	be=/local/domain/0/backend/vbd/$id/$vdev
}

total=0 passed=0 fresh=0 old_bad=
for spec in $CASES; do
	c=${spec%%:*} expect=${spec#*:}
	total=$((total + 1))
	echo "$c" >"$param"
	t0=$SECONDS
	domu_run -t 30 "echo hostile-front-mark-$total >/dev/kmsg" >/dev/null
	note=""
	if ! timeout 120 xl block-attach "$DOMU" "format=raw, vdev=xvdb, access=rw, target=$img" >/dev/null 2>/tmp/hf-attach.err; then
		note="$note attach-failed"
		echo "    xl block-attach: $(tail -n 2 /tmp/hf-attach.err | tr '\n' ' ')"
	fi
	# In the domU: wait for the disk, then a read and a write in the
	# background, each judged after 20 s without waiting on a stuck one.
	res=$(domu_run -t 90 '
for i in $(seq 1 30); do [ -b /dev/xvdb ] && break; sleep 0.5; done
if [ ! -b /dev/xvdb ]; then echo "read nodev"; echo "write nodev"; exit 0; fi
rm -f /tmp/h.*
(dd if=/dev/xvdb of=/dev/null bs=4k count=1 iflag=direct 2>/tmp/h.rerr; echo $? >/tmp/h.rrc) &
echo $! >/tmp/h.rpid
for i in $(seq 1 40); do [ -e /tmp/h.rrc ] && break; sleep 0.5; done
(dd if=/dev/zero of=/dev/xvdb bs=4k count=1 seek=4 oflag=direct conv=notrunc 2>/tmp/h.werr; echo $? >/tmp/h.wrc) &
echo $! >/tmp/h.wpid
for i in $(seq 1 40); do [ -e /tmp/h.wrc ] && break; sleep 0.5; done
for k in r w; do
	n=read; [ $k = w ] && n=write
	if [ ! -e /tmp/h.${k}rc ]; then echo "$n hang"
	elif [ "$(cat /tmp/h.${k}rc)" = 0 ]; then echo "$n ok"
	else echo "$n eio $(tr "\n" " " </tmp/h.${k}err | cut -c1-60)"; fi
done')
	t1=$SECONDS
	rd=$(echo "$res" | sed -n 's/^read \([a-z]*\).*/\1/p')
	wr=$(echo "$res" | sed -n 's/^write \([a-z]*\).*/\1/p')
	fstate=$(xenstore-read "$fe/state" 2>/dev/null)
	case "$fstate" in
	5|6) got=closed ;;
	*)
		case "$rd" in
		nodev) got=nodev ;;
		hang) got=hang ;;
		ok) [ "$wr" = ok ] && got=ok || got=${wr:-none} ;;
		*) got=${rd:-none} ;;
		esac
		;;
	esac
	[ "$got" = closed ] && [ "$rd" = hang ] && note="$note read-hangs-after-close"
	# libxl gives the backend 10 s to reach Closed; a frontend waits up
	# to 10 s for answers to what is in flight before it closes (ours;
	# rsp-never answers nothing), so a detach may time out.  What an
	# administrator does then: wait, and xl block-detach --force (it
	# does not wait for the guest).  Only an expected "hang" may need
	# the force; anything left after it is a failure.
	if ! timeout 90 xl block-detach "$DOMU" xvdb >/dev/null 2>/tmp/hf-detach.err; then
		echo "    xl block-detach: $(tail -n 2 /tmp/hf-detach.err | tr '\n' ' ')"
		sleep 15
		if xl block-list "$DOMU" | grep -q "^$vdev "; then
			case "|$expect|" in *"|hang|"*) ;; *) note="$note detach-failed" ;; esac
			timeout 90 xl block-detach -f "$DOMU" xvdb >/dev/null 2>&1 || note="$note force-detach-failed"
		fi
	fi
	if xl block-list "$DOMU" | grep -q "^$vdev "; then
		note="$note vbd-still-listed"
		xenstore-rm "$be" 2>/dev/null
		xenstore-rm "$fe" 2>/dev/null
		xenstore-rm "/libxl/$id/device/vbd/$vdev" 2>/dev/null
	fi
	wait_for 30 sh -c "! xenstore-read $be/state >/dev/null 2>&1" || note="$note backend-node-left"
	t2=$SECONDS
	# After the detach nothing may still wait on the disk.
	left=$(domu_run -t 60 'for i in $(seq 1 60); do
		[ -b /dev/xvdb ] || { p=""; for f in /tmp/h.rpid /tmp/h.wpid; do
			[ -e $f ] && kill -0 "$(cat $f)" 2>/dev/null && p="$p $(cat $f)"; done
			[ -z "$p" ] && exit 0; }
		sleep 0.5; done
	[ -b /dev/xvdb ] && echo "disk-stays" || echo "io-stuck"') || note="$note ${left:-domu-no-answer}"
	kmsg=$(domu_run -t 30 "dmesg | sed -n '/hostile-front-mark-$total\$/,\$p'")
	if echo "$kmsg" | grep -qE 'BUG|WARNING|Oops|Unable to handle|hung task'; then
		note="$note domu-warning"
		echo "$kmsg" | grep -E -A5 'BUG|WARNING|Oops|Unable to handle|hung task' | head -20
	fi
	bad=$(dom0_bad | wc -l)
	if [ "$bad" -gt "$dom0_bad_before" ]; then
		note="$note dom0-warning"
		dom0_bad | tail -n +"$((dom0_bad_before + 1))"
		dom0_bad_before=$bad
	fi
	verdict=FAIL
	case "|$expect|" in *"|$got|"*) [ -z "$note" ] && verdict=PASS ;; esac
	[ "$verdict" = PASS ] && passed=$((passed + 1))
	echo "$c $expect $got read=$rd write=$wr${note:+ [$note ]} $verdict" | tee -a "$out"
	echo "    time: attach+io $((t1 - t0)) s, detach $((t2 - t1)) s, checks $((SECONDS - t2)) s"
	# Progress on the board console (the scenario log comes at the end).
	echo "hostile-front: case $total $c: $got $verdict in $((SECONDS - t0)) s" >/dev/kmsg
	echo "$kmsg" | grep -iE 'xen|blkfront|xvdb' | grep -v hostile-front-mark | sed 's/^/    domU: /' | head -6
	domu_alive || fail "the domU died in case $c"
	if [ "${HOSTILE_FRESH:-1}" = 1 ] && { [ "$verdict" = FAIL ] || [ "$rd" = hang ] || [ "$wr" = hang ]; }; then
		echo "    a fresh domU for the next case"
		fresh_domu || fail "cannot start a fresh domU after case $c"
		fresh=$((fresh + 1))
	fi
done

# The real backend again, and the same frontend on it.
rmmod xenpv_hostile_vbdback || fail "cannot unload xenpv-hostile-vbdback"
if [ "$BACK" = xenpv ] && [ -e /job/modules/dom0/xen-blkback.ko ]; then
	insmod /job/modules/dom0/xen-blkback.ko || fail "insmod xen-blkback failed"
else
	modprobe xen-blkback || fail "modprobe xen-blkback failed"
fi
rm -f "$img"
xl block-attach "$DOMU" "format=raw, vdev=xvda, access=rw, target=$DISK_IMG" || fail "xl block-attach xvda failed"
sum_after=$(domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] && break; sleep 0.5; done
dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64')

echo "hostile-front ($FRONT blkfront): $passed of $total cases passed ($fresh fresh domUs)"
assert_eq "$sum_after" "$sum_before" "data on xvda after the hostile cases"
[ -z "$old_bad" ] || fail "kernel log of a replaced domU:$old_bad"
[ "$passed" = "$total" ] || fail "$((total - passed)) of $total hostile cases failed: $(grep -v ' PASS$' "$out" | cut -d' ' -f1 | tr '\n' ' ')"
