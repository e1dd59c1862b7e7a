#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tools/xenpv-diag against fake xenstore trees: each case builds the
# xenstore nodes and sysfs links of one situation, runs the tool with mock
# xenstore-read/-list/pidof first in PATH, and checks the cause it names
# and its exit status.  Prints PASS/FAIL per case and "N passed, N failed".
set -u
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
diag=$here/../../../tools/xenpv-diag
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

mkdir -p "$work/bin"
cat >"$work/bin/xenstore-read" <<'MOCK'
#!/bin/bash
p=$1; case $p in /*) ;; *) p=/local/domain/$(cat "$XS/.self")/$p ;; esac
[ -f "$XS$p/.v" ] && cat "$XS$p/.v"
MOCK
cat >"$work/bin/xenstore-list" <<'MOCK'
#!/bin/bash
self=$(cat "$XS/.self")
p=$1; case $p in /*) ;; *) p=/local/domain/$self/$p ;; esac
# A domU may not list another domain's directories.
case $p in /local/domain/$self|/local/domain/$self/*) ;; *) [ "$self" = 0 ] || exit 1 ;; esac
[ -d "$XS$p" ] && ls "$XS$p"
MOCK
cat >"$work/bin/pidof" <<'MOCK'
#!/bin/bash
[ -e "$XS/.running-$1" ] && echo 42
MOCK
chmod +x "$work/bin/"*

# w <path> <value>: write a node.
w() { mkdir -p "$XS$1"; printf '%s' "$2" >"$XS$1/.v"; }
# A domU (domid 1) with one vbd and one vif; $1.. override the defaults.
world() {
	XS=$work/xs-$1 SYSR=$work/sys-$1
	rm -rf "$XS" "$SYSR"
	mkdir -p "$XS" "$SYSR/sys/module/xen_blkback" "$SYSR/sys/bus/xen-backend/drivers/vbd" \
		"$SYSR/sys/bus/xen-backend/drivers/vif" "$SYSR/sys/bus/xen-backend/devices"
	echo 0 >"$XS/.self"
	touch "$XS/.running-xenconsoled"
	w /local/domain/0/domid 0
	w /local/domain/1/name domu
	local be=/local/domain/0/backend/vbd/1/51712 fe=/local/domain/1/device/vbd/51712
	w $be/frontend $fe; w $be/state 4; w $be/params /img; w $be/physical-device 7:0
	w $be/hotplug-status connected; w $fe/state 4; w $fe/backend $be
	ln -s ../../drivers/vbd "$SYSR/sys/bus/xen-backend/devices/vbd-1-51712"
	be=/local/domain/0/backend/vif/1/0 fe=/local/domain/1/device/vif/0
	w $be/frontend $fe; w $be/state 4; w $be/bridge xenbr0; w $be/hotplug-status connected
	w $fe/state 4; w $fe/backend $be
	ln -s ../../drivers/vif "$SYSR/sys/bus/xen-backend/devices/vif-1-0"
	be=/local/domain/0/backend/console/1/0
	w $be/frontend /local/domain/1/console; w $be/state 1; w /local/domain/1/console/tty /dev/pts/3
}

# case <name> <want exit> <want text|-> : run the tool on the current world.
check() {
	local name=$1 want_rc=$2 want=$3 out rc
	out=$(XS=$XS XENPV_DIAG_SYSROOT=$SYSR PATH="$work/bin:$PATH" "$diag" ${ARGS:-} 2>&1)
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL diag-$name: exit $rc, want $want_rc: $(echo "$out" | grep '=>' | tr '\n' ';')"
		fail=$((fail + 1))
	elif [ "$want" != - ] && ! echo "$out" | grep -qF -- "$want"; then
		echo "FAIL diag-$name: no '$want' in: $(echo "$out" | grep '=>' | tr '\n' ';')"
		fail=$((fail + 1))
	else
		echo "PASS diag-$name"
		pass=$((pass + 1))
	fi
}

world healthy
check healthy 0 "=> primary console on /dev/pts/3"
[ "$(XS=$XS XENPV_DIAG_SYSROOT=$SYSR PATH="$work/bin:$PATH" "$diag" -q | grep -c '=> connected')" = 2 ] &&
	{ echo "PASS diag-healthy-both-connected"; pass=$((pass + 1)); } ||
	{ echo "FAIL diag-healthy-both-connected"; fail=$((fail + 1)); }

world nophys
rm -rf "$XS/local/domain/0/backend/vbd/1/51712/physical-device" "$XS/local/domain/0/backend/vbd/1/51712/hotplug-status"
w /local/domain/0/backend/vbd/1/51712/state 2; w /local/domain/1/device/vbd/51712/state 3
check no-physical-device 1 "never wrote physical-device"

world hotplug-error
w /local/domain/0/backend/vif/1/0/hotplug-status error
w /local/domain/0/backend/vif/1/0/hotplug-error "bridge xenbr9 does not exist"
w /local/domain/0/backend/vif/1/0/state 2
check hotplug-error 1 "hotplug script failed: bridge xenbr9 does not exist"

world nodriver
rm "$SYSR/sys/bus/xen-backend/devices/vbd-1-51712"
w /local/domain/0/backend/vbd/1/51712/state 1; w /local/domain/1/device/vbd/51712/state 1
check no-backend-driver 1 "no backend driver bound: is xen-blkback loaded?"

world nofront
w /local/domain/0/backend/vif/1/0/state 2; w /local/domain/1/device/vif/0/state 1
check frontend-stuck 1 "frontend never left Initialising: guest driver not loaded (xen-netfront"

world notconnecting
w /local/domain/0/backend/vbd/1/51712/state 2; w /local/domain/1/device/vbd/51712/state 3
check backend-not-connecting 1 "frontend published its rings but the backend did not connect"

world noconsoled
rm "$XS/.running-xenconsoled"
check no-xenconsoled 1 "xenconsoled is not running"

world onedomain
ARGS=7 check unknown-domain 0 "no vbd/vif/console backends for domain 7"

world domu
# In a domU (domid 1): its own nodes, and its backends' nodes readable but
# dom0's backend directory not listable (as xenstored's permissions do).
echo 1 >"$XS/.self"
w /local/domain/1/domid 1
mkdir -p "$SYSR/sys/bus/xen/drivers/vbd" "$SYSR/sys/bus/xen/devices"
ln -s ../drivers/vbd "$SYSR/sys/bus/xen/devices/vbd-51712"
w /local/domain/1/device/vif/0/state 1
w /local/domain/0/backend/vif/1/0/state 2
check domu-side 1 "no frontend driver bound: load xen-netfront"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
