# SPDX-License-Identifier: GPL-2.0-only
# Scenario helpers, sourced in dom0 by the runner and by every scenario.
# A scenario is a bash script; it passes by returning 0, fails with
# "fail why" (or any non-zero exit), skips with "skip why" (exit 77).

# shellcheck source=/dev/null
. /job/config
DOMU=${DOMU:-domu}
DISK_IMG=/var/lib/xenpv/disk.img

mark() { echo "@@XENPV $*" >/dev/console; }

# A scenario's time limit: its "# timeout: <seconds>" line, else 600 s
# (the host side, lib/board.sh, reads the same line).
scenario_timeout() {
	local t
	t=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$1" | head -n 1)
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
