# SPDX-License-Identifier: GPL-2.0-only
# Scenario helpers, sourced in dom0 by the runner and by every scenario.
# A scenario is a bash script; it passes by returning 0, fails with
# "fail why" (or any non-zero exit), skips with "skip why" (exit 77).

# shellcheck source=/dev/null
. /job/config
DOMU=${DOMU:-domu}
DISK_IMG=/var/lib/xenpv/disk.img

mark() { echo "@@XENPV $*" >/dev/console; }

# Kernel log lines that fail a scenario: the runner scans dom0's and the
# domU's logs after each one; a scenario that takes its domU down scans
# the domU's dmesg itself first.
# shellcheck disable=SC2034 # used by the runner and the scenarios
BADLOG='BUG|WARNING|Oops|general protection|hung task|soft lockup|Call trace|Kernel panic'

# A scenario's time limit: its "# timeout: <seconds>" line, else 600 s
# (the host side, lib/board.sh, reads the same lines).  A scenario whose
# length is a setting also has "# timeout-from: <NAME> <default minutes>
# <extra seconds>": then the limit is NAME minutes (a number, from
# --env, else the default) plus the extra seconds.
scenario_timeout() {
	local t v def extra m
	t=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$1" | head -n 1)
	read -r v def extra < <(sed -n 's/^# timeout-from: \([A-Z_][A-Z0-9_]*\) \([0-9][0-9]*\) \([0-9][0-9]*\)$/\1 \2 \3/p' "$1" | head -n 1)
	if [ -n "$v" ]; then
		m=${!v:-$def}
		[[ "$m" =~ ^[0-9]+$ ]] || m=$def
		t=$((m * 60 + extra))
	fi
	echo "${t:-${SCEN_TIMEOUT:-600}}"
}
log()  { echo "# $*"; }

fail() {
	echo "FAIL: $*"
	[ -n "$SCEN_CTX" ] && echo "$*" >"$SCEN_CTX/why"
	exit 1
}

skip() {
	echo "SKIP: $*"
	[ -n "$SCEN_CTX" ] && echo "$*" >"$SCEN_CTX/why"
	exit 77
}

# assert <description> <command...>: the command must succeed.
assert() {
	local what=$1
	shift
	"$@" || fail "$what (command: $*)"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-values differ}: '$1' != '$2'"
}

# Retry a command every 0.5 s for up to $1 seconds.
wait_for() {
	local t=$1 end
	shift
	end=$((SECONDS + t))
	while [ $SECONDS -lt $end ]; do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}

domid_of() { xl domid "${1:-$DOMU}" 2>/dev/null; }

# dom0_mem: dom0's memory in KiB after dropping caches, as
# "<slab> <kernel> <free> <files> <processes>".  kernel is what the kernel
# holds outside the page cache and process memory (MemTotal - MemFree -
# Buffers - Cached - AnonPages: slab, page tables, pages drivers
# allocated); files is what stays cached after the drop (dom0's root and
# /var/log/xen live in RAM, and the logs grow with every domain);
# processes is AnonPages (xenstored, xenconsoled grow with domains too).
# A leak in a backend shows in slab or kernel; MemFree alone also falls
# with the logs.
dom0_mem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '{ v[$1] = $2 }
		END { print v["Slab:"], v["MemTotal:"] - v["MemFree:"] - v["Buffers:"] - v["Cached:"] - v["AnonPages:"],
			v["MemFree:"], v["Buffers:"] + v["Cached:"], v["AnonPages:"] }' /proc/meminfo
}

# grant_pins <domid>: how many of the domain's grant entries other domains
# have mapped (pinned) now, from Xen's grant-table dump (debug key 'g',
# read back with xl dmesg, which is cleared first; the board's Xen has
# conring_size=1M so that a dump of some thousand entries is whole).
# Fails when the dump or the domain's table is missing, or when the dump
# lost its start (its column header).
grant_pins() {
	xl dmesg -c >/dev/null 2>&1 || return 1
	xl debug-keys g >/dev/null 2>&1 || return 1
	sleep 1
	xl dmesg | sed -E 's/^\(XEN\) *//; s/^\[ *[0-9]+\.[0-9]+\] *//' | awk -v d="d$1" '
		/^\[ref\] / { head = 1 }
		/^grant-table for remote / { cur = ($4 == d); seen += cur; next }
		cur && /^\[[0-9a-fx ]+\] +[0-9]+ +0x/ { n++ }
		END { if (!head || !seen) exit 1; print n + 0 }'
}

domu_alive() { [ -n "$(domid_of)" ]; }

# Run a shell command in the domU through its console agent; prints the
# command's output (last 64 KiB), returns its exit status (255: no answer).
domu_run() {
	local tmo=300 id tty fd line out="" rc=255 end
	if [ "$1" = -t ]; then
		tmo=$2
		shift 2
	fi
	id=$$$RANDOM$RANDOM
	tty=$(xenstore-read "/local/domain/$(domid_of)/console/tty" 2>/dev/null) || return 255
	[ -c "$tty" ] || return 255
	exec {fd}<>"$tty"
	stty -F "$tty" raw -echo 2>/dev/null
	printf '@@CMD %s %s %s\n' "$id" "$(printf '%s\n' "$*" | base64 -w0)" "$tmo" >&"$fd"
	end=$((SECONDS + tmo + 15))
	while [ $SECONDS -lt $end ]; do
		IFS= read -r -t "$((end - SECONDS))" line <&"$fd" || break
		line=${line%$'\r'}
		case "$line" in
		"@@OUT $id "*) out=${line#"@@OUT $id "} ;;
		"@@RC $id "*)
			rc=${line#"@@RC $id "}
			break
			;;
		esac
	done
	exec {fd}>&-
	[ -n "$out" ] && printf '%s' "$out" | base64 -di 2>/dev/null
	return "$rc"
}

domu_wait_agent() {
	local end=$((SECONDS + ${1:-180}))
	while [ $SECONDS -lt $end ]; do
		domu_alive || return 1
		[ "$(domu_run -t 5 echo agent-ok 2>/dev/null)" = agent-ok ] && return 0
		sleep 1
	done
	return 1
}

# The domU's dmesg lines not seen before (for the runner's log scan).
domu_dmesg_new() {
	local id n cur
	id=$(domid_of) || return 0
	[ -n "$id" ] || return 0
	cur=$(domu_run -t 30 dmesg) || return 0
	n=0
	[ "$(cat /run/domu-dmesg.id 2>/dev/null)" = "$id" ] && n=$(cat /run/domu-dmesg.seen 2>/dev/null || echo 0)
	printf '%s\n' "$cur" | tail -n +"$((n + 1))"
	printf '%s\n' "$cur" | wc -l >/run/domu-dmesg.seen
	echo "$id" >/run/domu-dmesg.id
}

# domU memory (MiB) unless DOMU_MEM says: 160, and 256 on arm64, whose
# Debian kernel is a 32 MiB Image and reserves 64 MiB of CMA: in 160 MiB
# its initramfs did not unpack ("Initramfs unpacking failed: write
# error", no modules, no /dev/xvda).
domu_mem_default() {
	if [ "$ARCH" = arm64 ]; then
		echo 256
	else
		echo 160
	fi
}

# domu_config [extra xl lines...]: the test domU, a PV guest with a
# loop-backed vbd (the stock block script sets the loop device up) and a
# vif in xenbr0 (the stock vif-bridge script).
domu_config() {
	cat <<CFG
name = "$DOMU"
type = "$( [ "$ARCH" = x86_64 ] && echo pv || echo pvh )"
kernel = "$( [ "$DOMU_KERNEL_KIND" = custom ] && echo /job/domu-kernel || echo "/boot/vmlinuz-$KVER")"
ramdisk = "/var/lib/xenpv/domu-initrd.gz"
extra = "console=hvc0 loglevel=4 log_buf_len=1M rdinit=/init"
memory = ${DOMU_MEM:-$(domu_mem_default)}
vcpus = 2
disk = [ "format=raw, vdev=xvda, access=rw, target=$DISK_IMG" ]
vif = [ "mac=00:16:3e:00:00:02, bridge=xenbr0" ]
on_crash = "preserve"
CFG
	for l in "$@"; do
		echo "$l"
	done
}

# Start the test domU (or reuse the running one) and wait for its agent.
domu_up() {
	if domu_alive && domu_wait_agent 20; then
		# A domU whose first setup timed out may lack its address.
		domu_run "ip link set eth0 up; ip addr replace 169.254.2.2/16 dev eth0" >/dev/null
		return 0
	fi
	domu_alive && xl destroy "$DOMU"
	mkdir -p "$(dirname "$DISK_IMG")"
	[ -e "$DISK_IMG" ] || truncate -s "${DISK_SIZE:-256M}" "$DISK_IMG"
	domu_config "$@" >/run/domu.cfg
	log "xl create (front=$FRONT back=$BACK)"
	if ! xl create /run/domu.cfg; then
		tail -n 40 /var/log/xen/xen-hotplug.log 2>/dev/null
		fail "xl create failed"
	fi
	domu_wait_agent 240 || fail "domU agent did not answer (console log: $(tail -c 300 /var/log/xen/console/guest-$DOMU.log 2>/dev/null | tr '\n' ' '))"
	domu_run "ip link set eth0 up; ip addr replace 169.254.2.2/16 dev eth0" >/dev/null
}

domu_down() {
	domu_alive || return 0
	xl shutdown -w -F "$DOMU" >/dev/null 2>&1 &
	local pid=$!
	wait_for 60 sh -c "! xl domid $DOMU >/dev/null 2>&1" || xl destroy "$DOMU"
	wait "$pid" 2>/dev/null
	return 0
}

# domu_save_restore <image>: xl save the domU to <image> (it must be gone
# after), xl restore it and wait for its agent; prints the timings and
# the new domid.  The image is removed once restored.
domu_save_restore() {
	local img=$1 id0 t
	id0=$(domid_of)
	t=$SECONDS
	xl save "$DOMU" "$img" || fail "xl save failed"
	echo "xl save: $((SECONDS - t)) s, $(($(stat -c %s "$img") >> 20)) MiB"
	domu_alive && fail "the domU still runs after xl save"
	t=$SECONDS
	xl restore "$img" || fail "xl restore failed"
	rm -f "$img"
	echo "xl restore: $((SECONDS - t)) s"
	domu_wait_agent 240 || fail "the restored domU's agent does not answer"
	echo "domU $id0 restored as $(domid_of)"
}

# tcp_transfer_check <MiB> <port> [label]: <MiB> MiB of random data
# domU -> dom0 (dom0 listens on <port>), then dom0 -> domU (the domU
# listens on <port>+1), over TCP between 169.254.2.2 and 169.254.1.1;
# each compared by sha256.
tcp_transfer_check() {
	local mib=$1 p1=$2 p2=$(($2 + 1)) what=${3:+ ($3)} lpid out w r ok _
	rm -f /tmp/rx
	busybox nc -l -p "$p1" >/tmp/rx &
	lpid=$!
	out=$(domu_run -t 300 "
dd if=/dev/urandom of=/tmp/tx bs=1M count=$mib 2>/dev/null
sha256sum </tmp/tx | cut -d' ' -f1
for i in 1 2 3 4 5 6 7 8 9 10; do cat /tmp/tx >/dev/tcp/169.254.1.1/$p1 2>/dev/null && exit 0; sleep 1; done
exit 1") || { kill $lpid 2>/dev/null; fail "domU could not send$what: $out"; }
	wait_for 60 sh -c "! kill -0 $lpid 2>/dev/null" || { kill $lpid; fail "dom0 receiver did not finish$what"; }
	w=$(echo "$out" | head -n 1)
	r=$(sha256sum </tmp/rx | cut -d' ' -f1)
	echo "domU->dom0 sent $w received $r ($(stat -c %s /tmp/rx) bytes)"
	assert_eq "$r" "$w" "domU -> dom0 data$what"

	dd if=/dev/urandom of=/tmp/tx bs=1M count="$mib" 2>/dev/null
	w=$(sha256sum </tmp/tx | cut -d' ' -f1)
	domu_run -t 30 "rm -f /tmp/rx; setsid busybox nc -l -p $p2 >/tmp/rx 2>/dev/null </dev/null & echo \$! >/tmp/nc.pid" ||
		fail "cannot start the domU receiver$what"
	ok=0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		cat /tmp/tx >"/dev/tcp/169.254.2.2/$p2" 2>/dev/null && { ok=1; break; }
		sleep 1
	done
	[ $ok = 1 ] || fail "dom0 could not connect to the domU$what"
	# shellcheck disable=SC2016 # expanded in the domU
	r=$(domu_run -t 120 'p=$(cat /tmp/nc.pid); for i in $(seq 1 60); do kill -0 $p 2>/dev/null || break; sleep 1; done; sha256sum </tmp/rx | cut -d" " -f1')
	echo "dom0->domU sent $w received $r"
	assert_eq "$r" "$w" "dom0 -> domU data$what"
}

# sr_fio_start <fio> <name> <seed> <engine> <size> <iops> <statistics dir>:
# start, detached in the domU, fio's 4 KiB random writes to /dev/xvda at
# queue depth 32 (O_DIRECT, crc32c verify headers, verified at the end;
# output and exit status in /tmp/sr-fio.out and /tmp/sr-fio.rc), capped
# at <iops> writes a second, then wait until the vbd backend's wr_req
# (in <statistics dir>) has grown by a fifth of the job, with fio still
# running.  Sets SR_JOB (the job's options, for sr_fio_finish's verify
# pass) and SR_BLOCKS (the blocks the job writes).
sr_fio_start() {
	local fio=$1 name=$2 seed=$3 engine=$4 size=$5 iops=$6 st=$7 w0 done_before
	SR_JOB="--name=$name --filename=/dev/xvda --rw=randwrite --bs=4k --iodepth=32"
	SR_JOB="$SR_JOB --ioengine=$engine --direct=1 --size=$size --verify=crc32c --verify_fatal=1"
	SR_JOB="$SR_JOB --verify_dump=0 --randseed=$seed --exitall_on_error=1"
	SR_BLOCKS=$(( $(numfmt --from=iec "${size^^}") / 4096 ))
	domu_run -t 30 "rm -f /tmp/sr-fio.out /tmp/sr-fio.rc
setsid sh -c '$fio $SR_JOB --do_verify=1 --rate_iops=,$iops >/tmp/sr-fio.out 2>&1; echo \$? >/tmp/sr-fio.rc' </dev/null >/dev/null 2>&1 &
echo started" >/dev/null || fail "could not start fio in the domU"
	w0=$(cat "$st/wr_req" 2>/dev/null || echo 0)
	wait_for 120 sh -c "[ \$(cat $st/wr_req 2>/dev/null || echo 0) -gt $((w0 + SR_BLOCKS / 5)) ]" ||
		fail "fio's writes did not reach the backend (wr_req $(cat "$st/wr_req" 2>/dev/null))"
	done_before=$(domu_run -t 30 'cat /tmp/sr-fio.rc 2>/dev/null')
	[ -z "$done_before" ] || fail "fio ended too early (exit $done_before): $(domu_run -t 30 'tail -n 5 /tmp/sr-fio.out' | tr '\n' ' ')"
	log "fio under way: the backend has seen $(cat "$st/wr_req") writes ($SR_BLOCKS to do)"
}

# sr_fio_finish <fio> <job> <blocks>: after a restore, the fio job a
# save/restore scenario started in the domU (randwrite with verify,
# /tmp/sr-fio.out and /tmp/sr-fio.rc) must end with exit status 0, no
# error or mismatch and <blocks> blocks written; then a verify-only pass
# of <job> over the disk, read from the new backend after dropping the
# caches, must pass.
sr_fio_finish() {
	local fio=$1 job=$2 blocks=$3 t rc out issued
	local bad='err= *[1-9]|verify: bad|bad magic|verify failed|mismatch|[Ii]nput/output error'
	t=$SECONDS
	# shellcheck disable=SC2016 # expanded in the domU
	rc=$(domu_run -t 1200 'for i in $(seq 1 1100); do [ -s /tmp/sr-fio.rc ] && break; sleep 1; done; cat /tmp/sr-fio.rc 2>/dev/null')
	out=$(domu_run -t 60 'cat /tmp/sr-fio.out')
	echo "$out"
	log "fio ended $((SECONDS - t)) s after the restore, exit status '${rc:-none}'"
	echo "$out" | grep -aE "$bad" >/dev/null &&
		fail "fio across the save/restore: $(echo "$out" | grep -aE "$bad" | head -n 3 | tr '\n' ' ')"
	[ "$rc" = 0 ] || fail "fio across the save/restore: exit status '${rc:-none}': $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	echo "$out" | grep -qE 'err= *0' || fail "fio across the save/restore: no job summary"
	issued=$(echo "$out" | sed -n 's/.*issued rwts: total=\([0-9]*\),\([0-9]*\),.*/\2/p' | head -n 1)
	assert_eq "$issued" "$blocks" "blocks written across the save/restore"

	out=$(domu_run -t 1000 "sync; echo 3 >/proc/sys/vm/drop_caches; $fio $job --verify_only; echo \"FIO-RC \$?\"") ||
		fail "the domU agent did not answer the verify pass"
	echo "$out"
	echo "$out" | grep -aE "$bad" >/dev/null &&
		fail "verify pass: $(echo "$out" | grep -aE "$bad" | head -n 3 | tr '\n' ' ')"
	echo "$out" | grep -q '^FIO-RC 0$' || fail "verify pass: fio failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
}

# sr_blkfront_resumed: with our blkfront, its debugfs shows at least one
# resume and a connected, running device.
sr_blkfront_resumed() {
	local s
	[ "$FRONT" = xenpv ] || return 0
	s=$(domu_run -t 30 'mount -t debugfs none /sys/kernel/debug 2>/dev/null; cat /sys/kernel/debug/xenpv/device-vbd-51712/status')
	echo "$s" | grep -E '^(running|resumed|q[0-9]+):'
	echo "$s" | grep -q '^resumed: [1-9][0-9]* quiesced: 0' || fail "blkfront did not resume: $(echo "$s" | grep '^resumed:')"
	echo "$s" | grep -q '^running: 1 broken: 0' || fail "blkfront not running after the restore: $(echo "$s" | grep '^running:')"
}
