# SPDX-License-Identifier: GPL-2.0-only
# A static fio for the board (dom0 and the domU), built on the host from
# Debian bookworm's source packages of fio and libaio, once per version
# and architecture, cached in $XENPV_CACHE/fio-static/<fio ver>-<arch>/.
# Debian's binary package pulls in ceph, gluster and ICU (some 70 MB),
# too much for the board's RAM-only dom0 and 160 MiB domU, so fio is
# built without the optional engines but with libaio (a static libaio.a
# from its own source package) and io_uring.  Needs dpkg-dev (apt-get
# source) and the board's C compiler (tests/ktest/setup installs both).
# Sourced after lib/common.sh.

# fio_apt_conf: a private apt configuration with bookworm's deb-src
# index (the host's own apt state is left alone).  Prints its path.
fio_apt_conf() {
	local src=$XENPV_CACHE/apt/src-bookworm uri conf
	uri=$(host_apt_uris | awk '$1 == "main" { print $2; exit }')
	[ -n "$uri" ] || { say "no Debian mirror in /etc/apt/sources.list*"; return 1; }
	mkdir -p "$src"/{lists/partial,archives/partial}
	printf 'deb-src %s bookworm main\n' "$uri" >"$src/sources.list"
	conf=$src/apt.conf
	cat >"$conf" <<CONF
Dir::State "$src";
Dir::State::Lists "$src/lists";
Dir::State::status "/dev/null";
Dir::Cache "$src";
Dir::Etc::SourceList "$src/sources.list";
Dir::Etc::SourceParts "/nonexistent";
Acquire::Languages "none";
APT::Sandbox::User "root";
CONF
	if [ -z "$(find "$src/lists" -maxdepth 1 -name '*Sources*' -mmin -360 2>/dev/null | head -n1)" ]; then
		retry 3 env APT_CONFIG="$conf" apt-get -q update >"$src/update.log" 2>&1 ||
			{ tail -5 "$src/update.log" >&2; say "apt-get update (sources) failed"; return 1; }
	fi
	echo "$conf"
}

# fio_static [armhf|x86_64|arm64]: print the path of the static fio for
# that board architecture (default armhf), building it on first use.
# Returns non-zero (having said why) when it cannot be had: the callers
# then run without it, and the scenarios that need it skip.
fio_static() {
	local arch=${1:-armhf} conf fver aver out tmp cc strip triplet
	case "$arch" in
	armhf) triplet=arm-linux-gnueabihf ;;
	x86_64) triplet=x86_64-linux-gnu ;;
	arm64) triplet=aarch64-linux-gnu ;;
	*) say "fio_static: unknown architecture $arch"; return 1 ;;
	esac
	cc=$triplet-gcc
	strip=$triplet-strip
	command -v "$cc" >/dev/null || { say "fio_static: no $cc"; return 1; }
	command -v dpkg-source >/dev/null || { say "fio_static: no dpkg-source (dpkg-dev)"; return 1; }
	conf=$(fio_apt_conf) || return 1
	fver=$(APT_CONFIG=$conf apt-cache showsrc fio 2>/dev/null | awk '/^Version:/ { print $2; exit }')
	aver=$(APT_CONFIG=$conf apt-cache showsrc libaio 2>/dev/null | awk '/^Version:/ { print $2; exit }')
	[ -n "$fver" ] && [ -n "$aver" ] || { say "no fio or libaio source package in bookworm"; return 1; }
	out=$XENPV_CACHE/fio-static/$fver-aio$aver-$arch
	if [ ! -x "$out/fio" ]; then
		say "building a static $arch fio $fver with libaio $aver (first run only)"
		tmp=$(mktemp -d)
		(cd "$tmp" && retry 3 env APT_CONFIG="$conf" apt-get -q source "fio=$fver" "libaio=$aver" \
			>"$tmp/source.log" 2>&1) ||
			{ tail -5 "$tmp/source.log" >&2; say "apt-get source fio libaio failed"; rm -rf "$tmp"; return 1; }
		# libaio.a only (raw system calls, no dependencies).
		(cd "$tmp"/libaio-*/src && nice make CC="$cc" AR="$triplet-ar" RANLIB="$triplet-ranlib" libaio.a) \
			>"$tmp/aio.log" 2>&1 ||
			{ tail -15 "$tmp/aio.log" >&2; say "libaio build failed"; rm -rf "$tmp"; return 1; }
		aio=$(echo "$tmp"/libaio-*/src)
		(cd "$tmp"/fio-*/ &&
			./configure --cc="$cc" --build-static --disable-native \
				--extra-cflags="-I$aio -L$aio" \
				--disable-numa --disable-rdma --disable-rados --disable-rbd --disable-http \
				--disable-gfapi --disable-libnfs --disable-lex --disable-pmem --disable-xnvme \
				--disable-libzbc --disable-tcmalloc --disable-dfs &&
			grep -q '^CONFIG_LIBAIO=y' config-host.mak &&
			echo "LDFLAGS+=-L$aio" >>config-host.mak &&
			nice make -j"$(nproc)" fio) >"$tmp/build.log" 2>&1 ||
			{ tail -15 "$tmp/build.log" >&2; say "fio build failed (log: $tmp/build.log)"; return 1; }
		mkdir -p "$out"
		"$strip" -o "$out/fio" "$tmp"/fio-*/fio
		rm -rf "$tmp"
	fi
	echo "$out/fio"
}
