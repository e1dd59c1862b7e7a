# SPDX-License-Identifier: GPL-2.0-only
# Host-side helpers shared by tests/ktest/run, setup and the image builder.

KTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOP_DIR=$(cd "$KTEST_DIR/../.." && pwd)
XENPV_CACHE=${XENPV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenpv}

say()  { printf '[ktest] %s\n' "$*" >&2; }
die()  { printf '[ktest] error: %s\n' "$*" >&2; exit 2; }

# Debian architecture and tool names per board architecture.
board_vars() {
	case "$1" in
	armhf)
		DEB_ARCH=armhf
		KFLAVOUR=armmp-lpae
		XEN_ARCH=armhf
		KARCH=arm
		CROSS=arm-linux-gnueabihf-
		TRIPLET=arm-linux-gnueabihf
		BOARD_NIC="virtio_mmio virtio_net"
		;;
	x86_64)
		DEB_ARCH=amd64
		KFLAVOUR=amd64
		XEN_ARCH=amd64
		KARCH=x86
		CROSS=
		TRIPLET=x86_64-linux-gnu
		BOARD_NIC=e1000
		;;
	arm64)
		DEB_ARCH=arm64
		KFLAVOUR=arm64
		XEN_ARCH=arm64
		KARCH=arm64
		CROSS=aarch64-linux-gnu-
		TRIPLET=aarch64-linux-gnu
		BOARD_NIC="virtio_mmio virtio_net"
		;;
	*) die "unknown --arch '$1' (armhf, x86_64 or arm64)" ;;
	esac
}

dist_vars() {
	case "$1" in
	bookworm) XEN_VER=4.17 ;;
	trixie)   XEN_VER=4.20 ;;
	*) die "unknown --dist '$1' (bookworm or trixie)" ;;
	esac
}

# Print the Debian archive URIs this machine's apt is configured with:
# "main <uri>" and "security <uri>".  Nothing is hard-coded: the board is
# built from whatever mirror the host already uses.
host_apt_uris() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
		function flush() {
			if (uris != "" && types ~ /(^| )deb( |$)/ && comps ~ /main/) {
				n = split(uris, u, " ")
				kind = (suites ~ /-security/) ? "security" : "main"
				for (i = 1; i <= n; i++) print kind, u[i]
			}
			uris = ""; suites = ""; types = ""; comps = ""
		}
		/^[ \t]*$/ { flush(); next }
		/^#/ { next }
		tolower($1) == "uris:"       { $1 = ""; uris = $0 }
		tolower($1) == "suites:"     { $1 = ""; suites = $0 }
		tolower($1) == "types:"      { $1 = ""; types = $0 }
		tolower($1) == "components:" { $1 = ""; comps = $0 }
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" && / main/ {
			u = $2; if (u ~ /^\[/) u = $3
			print (($0 ~ /-security/) ? "security" : "main"), u }' "$f"
	done
}

# sources.list line for suite $1: the point release only.  The -updates
# and -security suites are left out on purpose: their indexes, foreign
# architectures' above all, are often caught mid-sync (apt then fails the
# whole run), and a test board wants a reproducible point release more
# than the newest fixes.
board_sources() {
	local dist=$1 uri
	uri=$(host_apt_uris | awk '$1 == "main" { print $2; exit }')
	[ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list*"
	printf 'deb %s %s main\n' "$uri" "$dist"
}

# Run "$@" up to $1 times (transient mirror faults).
retry() {
	local n=$1 i
	shift
	for i in $(seq 1 "$n"); do
		"$@" && return 0
		[ "$i" -lt "$n" ] && { say "retrying ($i/$n): $1"; sleep 5; }
	done
	return 1
}
