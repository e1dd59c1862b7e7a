# SPDX-License-Identifier: GPL-2.0-only
# Image builder for the emulated board: Debian packages of the board's own
# architecture and suite, fetched with apt, extracted (never run on the host),
# turned into a dom0 root disk, a dom0 initramfs, a domU initramfs and a
# kernel build tree for our modules.  Everything lands in
# $XENPV_CACHE/<dist>-<arch>/<key>/ where <key> hashes the package versions
# and this builder, so a new Debian point release or a builder change
# rebuilds and an unchanged input never does.

# Packages of the board userland (dom0 root; the domU takes a subset).
board_packages() {
	# Debian's Essential set first (the stock scripts assume it), then
	# what the board needs.
	echo base-files base-passwd bash bsdutils coreutils dash debianutils \
	     diffutils findutils grep gzip hostname libc-bin login ncurses-base \
	     ncurses-bin perl-base sed sysvinit-utils tar util-linux \
	     gawk mount procps iproute2 kmod udev e2fsprogs iperf3 \
	     busybox-static netbase iputils-ping libgcc-s1 make dmsetup \
	     xenstore-utils xen-utils-common "xen-utils-$XEN_VER" \
	     "xen-hypervisor-$XEN_VER-$XEN_ARCH" "linux-image-$KFLAVOUR"
}

# A private apt instance for <dist>/<arch>: used to learn candidate versions
# (the cache key) and to download single packages without dependencies.
apt_private_init() {
	local dist=$1 arch=$2
	APT_DIR=$XENPV_CACHE/apt/$dist-$arch
	mkdir -p "$APT_DIR"/{lists/partial,archives/partial,etc}
	board_sources "$dist" >"$APT_DIR/etc/sources.list"
	# Only the board's architecture: Debian's per-arch indexes carry the
	# Architecture: all packages too (No-Support-for-Architecture-all), and
	# a separate binary-all index is one more file a mirror in the middle
	# of a sync can serve inconsistent with its Release.
	cat >"$APT_DIR/etc/apt.conf" <<CONF
Dir::State "$APT_DIR";
Dir::State::Lists "$APT_DIR/lists";
Dir::State::status "/dev/null";
Dir::Cache "$APT_DIR";
Dir::Cache::archives "$APT_DIR/archives";
Dir::Etc::SourceList "$APT_DIR/etc/sources.list";
Dir::Etc::SourceParts "/nonexistent";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Get::AllowUnauthenticated "false";
Acquire::Languages "none";
APT::Sandbox::User "root";
CONF
	# Refresh the indexes at most every 6 hours.
	if [ -z "$(find "$APT_DIR/lists" -maxdepth 1 -name '*Packages*' -mmin -360 2>/dev/null | head -n1)" ]; then
		retry 3 env APT_CONFIG="$APT_DIR/etc/apt.conf" apt-get -q update >"$APT_DIR/update.log" 2>&1 ||
			{ tail -5 "$APT_DIR/update.log" >&2; die "apt-get update for $dist/$arch failed"; }
	fi
}

apt_p() { APT_CONFIG="$APT_DIR/etc/apt.conf" "$@"; }

# Candidate version of a package ("" when unknown).
apt_version() {
	apt_p apt-cache show --no-all-versions "$1" 2>/dev/null | awk '/^Version:/ { print $2; exit }'
}

# The versioned kernel package a flavour metapackage points to.
kernel_package() {
	apt_p apt-cache show --no-all-versions "linux-image-$KFLAVOUR" 2>/dev/null |
		awk -F'[ ,]+' '/^Depends:/ { for (i = 2; i <= NF; i++) if ($i ~ /^linux-image-[0-9]/) { print $i; exit } }'
}

# Download one package (no dependencies) and extract it into $2.
apt_extract() {
	local pkg=$1 dest=$2 deb
	(cd "$APT_DIR/archives" && retry 3 env APT_CONFIG="$APT_DIR/etc/apt.conf" apt-get -q download "$pkg" >/dev/null) ||
		die "cannot download $pkg"
	deb=$(ls -t "$APT_DIR"/archives/"${pkg%%:*}"_*.deb | head -n1)
	dpkg-deb -x "$deb" "$dest"
}

# Compute BOARD_KEY and BOARD_DIR for the current $ARCH/$DIST.
board_key() {
	local p list
	apt_private_init "$DIST" "$DEB_ARCH"
	KPKG=$(kernel_package)
	[ -n "$KPKG" ] || die "no kernel for linux-image-$KFLAVOUR in $DIST/$DEB_ARCH"
	KVER=${KPKG#linux-image-}
	# One apt-cache call for all (each call parses every index).
	list=$(apt_p apt-cache show --no-all-versions $(board_packages) "$KPKG" 2>/dev/null |
		awk '/^Package:/ { p = $2 } /^Version:/ { printf " %s=%s", p, $2 }')
	for p in $(board_packages) "$KPKG"; do
		case "$list " in *" $p="*) ;; *) die "package $p not found in $DIST/$DEB_ARCH" ;; esac
	done
	BOARD_PKGS=$list
	BOARD_KEY=$( { echo "$list"; cat "$KTEST_DIR/lib/image.sh"; } | sha256sum | cut -c1-16)
	BOARD_DIR=$XENPV_CACHE/$DIST-$ARCH/$BOARD_KEY
}

# Modules needed by $@ (names), dependencies first, as paths relative to
# /lib/modules/$KVER, read from the tree's modules.dep.
module_closure() {
	local mdir=$1
	shift
	awk -v want="$*" '
	BEGIN { n = split(want, w, " ") }
	{
		mod = $1; sub(/:$/, "", mod)
		name = mod; sub(/.*\//, "", name); sub(/\.ko.*$/, "", name); gsub(/-/, "_", name)
		path[name] = mod
		deps[name] = ""
		for (i = 2; i <= NF; i++) {
			d = $i; sub(/.*\//, "", d); sub(/\.ko.*$/, "", d); gsub(/-/, "_", d)
			deps[name] = deps[name] " " d
		}
	}
	function visit(m,   k, a, c) {
		if (m in seen) return
		seen[m] = 1
		c = split(deps[m], a, " ")
		for (k = c; k >= 1; k--) visit(a[k])
		if (m in path) print path[m]
	}
	END { for (i = 1; i <= n; i++) { m = w[i]; gsub(/-/, "_", m); visit(m) } }' "$mdir/modules.dep"
}

# Copy an ELF binary and every library it needs from the userland tree
# $1 into $2 (paths kept).  readelf reads any architecture.
copy_with_libs() {
	local src=$1 dst=$2 f lib p
	shift 2
	local queue=("$@") done_list=" "
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		case "$done_list" in *" $f "*) continue ;; esac
		done_list="$done_list$f "
		[ -e "$src$f" ] || die "missing $f in board userland"
		mkdir -p "$dst$(dirname "$f")"
		cp -a "$src$f" "$dst$f"
		if [ -L "$src$f" ]; then
			p=$(readlink "$src$f")
			case "$p" in /*) ;; *) p=$(dirname "$f")/$p ;; esac
			queue+=("$(realpath -m -s "$p")")
			continue
		fi
		for lib in $(readelf -d "$src$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p') \
			   $(readelf -l "$src$f" 2>/dev/null | sed -n 's/.*interpreter: \(.*\)\]/\1/p'); do
			case "$lib" in
			/*) queue+=("$lib"); continue ;;
			esac
			for p in /lib/"$TRIPLET" /usr/lib/"$TRIPLET" /lib /usr/lib /lib64 /usr/lib64; do
				if [ -e "$src$p/$lib" ]; then
					queue+=("$p/$lib")
					break
				fi
			done
		done
	done
}

# mmdebstrap_once <root> [package...]: extract the userland with the given
# packages (default: board_packages) into <root>, log in <root>.log.
mmdebstrap_once() {
	local root=$1 pkgs
	shift
	pkgs=${*:-$(board_packages)}
	rm -rf "$root"
	mmdebstrap --quiet --variant=extract --arch="$DEB_ARCH" \
		--include="$(echo $pkgs | tr ' ' ',')" "$DIST" "$root" - \
		<"$APT_DIR/etc/sources.list" >"$root.log" 2>&1
}

build_userland() {
	local root=$1
	say "extracting the $DIST/$DEB_ARCH userland (mmdebstrap --variant=extract)"
	rm -rf "$root"
	retry 3 mmdebstrap_once "$root" ||
		{ tail -15 "$root.log" >&2; die "mmdebstrap failed (log: $root.log)"; }
	# What maintainer scripts would have done.
	cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
	cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
	echo 'root::0:0:99999:7:::' >"$root/etc/shadow"
	# update-alternatives links the scripts rely on.
	ln -sf gawk "$root/usr/bin/awk"
	depmod -b "$root" "$KVER"
}

build_kbuild_tree() {
	local out=$1 tmp
	say "preparing the $KVER module build tree"
	tmp=$(mktemp -d "$BOARD_DIR/kb.XXXX")
	apt_extract "linux-headers-$KVER" "$tmp"
	apt_extract "$(apt_p apt-cache show --no-all-versions "linux-headers-$KVER" |
		awk -F'[ ,]+' '/^Depends:/ { for (i = 2; i <= NF; i++) if ($i ~ /^linux-headers-.*-common/) { print $i; exit } }')" "$tmp"
	# The kbuild helpers (fixdep, modpost...) must run on the build host,
	# so they come from the host's architecture, same suite and version.
	local kb
	kb=$(ls -d "$tmp"/usr/lib/linux-kbuild-* 2>/dev/null | head -n1)
	if [ "$DEB_ARCH" != "$(dpkg --print-architecture)" ] || [ -z "$kb" ]; then
		kb=$(readlink "$tmp/usr/src/linux-headers-$KVER/scripts" | sed 's|.*/\(linux-kbuild-[^/]*\)/.*|\1|')
		local save_dir=$APT_DIR
		apt_private_init "$DIST" "$(dpkg --print-architecture)"
		rm -rf "$tmp/usr/lib/$kb"
		apt_extract "$kb" "$tmp"
		APT_DIR=$save_dir
	fi
	rm -rf "$out"
	mv "$tmp" "$out"
	# Debian's headers name their common half by absolute path.
	sed -i "s|/usr/src/|$out/usr/src/|g" "$out/usr/src/linux-headers-$KVER/Makefile"
}

# The module build tree of this board (prepared once, also on its own for
# "make" on a build host).
kbuild_tree() {
	local lock
	[ -d "$BOARD_DIR/kbuild" ] && return 0
	board_lock lock
	if [ ! -d "$BOARD_DIR/kbuild" ]; then
		mkdir -p "$BOARD_DIR"
		build_kbuild_tree "$BOARD_DIR/kbuild" >&2
	fi
	exec {lock}>&-
}

# checkpatch.pl and its data files, from the suite's linux-source.
checkpatch_tree() {
	local out=$XENPV_CACHE/checkpatch-$DIST tmp src
	[ -x "$out/scripts/checkpatch.pl" ] && return 0
	apt_private_init "$DIST" "$(dpkg --print-architecture)"
	src=$(apt_p apt-cache show --no-all-versions linux-source 2>/dev/null |
		awk -F'[ ,]+' '/^Depends:/ { for (i = 2; i <= NF; i++) if ($i ~ /^linux-source-/) { print $i; exit } }')
	[ -n "$src" ] || die "no linux-source in $DIST"
	tmp=$(mktemp -d)
	apt_extract "$src" "$tmp" >&2
	mkdir -p "$out"
	tar -xf "$tmp"/usr/src/linux-source-*.tar.* -C "$out" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	rm -rf "$tmp"
}

# dom0's root file system, as an initramfs: the userland without docs,
# locales, python and all modules but what dom0 loads.  It lives in RAM
# (dom0 has no disk): virtio block I/O from a Xen-on-ARM dom0 under TCG
# was seen to lose completions, and nothing under test needs a disk there.
build_dom0_initrd() {
	local root=$1 out=$2 dir m
	dir=$(mktemp -d "$BOARD_DIR/i0.XXXX")
	(cd "$root" && tar --exclude=./lib/modules --exclude=./usr/share/doc --exclude=./usr/share/man \
		--exclude=./usr/share/info --exclude=./usr/share/locale --exclude=./usr/share/i18n \
		--exclude=./usr/share/zoneinfo --exclude=./usr/share/perl --exclude='./usr/lib/python3*' \
		--exclude='./usr/lib/linux-image-*' --exclude='./usr/lib/*/perl' --exclude='./usr/lib/*/gconv' \
		--exclude='./boot/xen*' --exclude='./boot/System.map*' --exclude=./var/cache \
		-cf - .) | (cd "$dir" && tar -xf -)
	mkdir -p "$dir/lib/modules/$KVER"
	# shellcheck disable=SC2046 # a list of names
	for m in $(module_closure "$root/lib/modules/$KVER" $(sed 's/#.*//' "$KTEST_DIR/board/dom0-modules")); do
		mkdir -p "$dir/lib/modules/$KVER/$(dirname "$m")"
		cp "$root/lib/modules/$KVER/$m" "$dir/lib/modules/$KVER/$m"
	done
	cp "$root/lib/modules/$KVER"/modules.{builtin,builtin.modinfo,order} "$dir/lib/modules/$KVER/"
	depmod -b "$dir" "$KVER"
	install -m 755 "$KTEST_DIR/board/xenpv-init" "$dir/init"
	echo dom0 >"$dir/etc/hostname"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
	rm -rf "$dir"
}

# domU initramfs: busybox (mdev), a real bash/coreutils/kmod/iproute2/
# e2fsprogs/iperf3 with their libraries, the in-tree frontend modules and
# what an ext4 on xvda needs.  Our modules are appended per run as a second
# cpio (the kernel unpacks concatenated archives).
build_domu_initrd() {
	local root=$1 out=$2 dir m b bins=()
	dir=$(mktemp -d "$BOARD_DIR/iu.XXXX")
	mkdir -p "$dir"/{bin,sbin,dev,proc,sys,tmp,run,mnt,etc,root}
	cp "$root/bin/busybox" "$dir/bin/busybox"
	for b in /bin/bash /usr/bin/sha256sum /usr/bin/md5sum /bin/dd /usr/bin/cmp /usr/bin/stat \
		 /usr/bin/seq /usr/bin/head /usr/bin/tail /bin/sleep /bin/cat /bin/ls /usr/bin/timeout \
		 /sbin/mke2fs /sbin/e2fsck /bin/mount /bin/umount /sbin/blockdev /sbin/losetup \
		 /bin/ip /bin/kmod /usr/bin/iperf3 /bin/ping /bin/sync /usr/bin/base64; do
		[ -e "$root$b" ] || b=/usr$b
		bins+=("$b")
	done
	copy_with_libs "$root" "$dir" "${bins[@]}"
	for b in modprobe insmod rmmod lsmod depmod modinfo; do
		ln -sf /bin/kmod "$dir/sbin/$b"
	done
	ln -sf mke2fs "$dir/sbin/mkfs.ext4"
	ln -sf e2fsck "$dir/sbin/fsck.ext4"
	mkdir -p "$dir/lib/modules/$KVER"
	for m in $(module_closure "$root/lib/modules/$KVER" xen-blkfront xen-netfront ext4 crc32c_generic); do
		mkdir -p "$dir/lib/modules/$KVER/$(dirname "$m")"
		cp "$root/lib/modules/$KVER/$m" "$dir/lib/modules/$KVER/$m"
	done
	cp "$root/lib/modules/$KVER"/modules.{builtin,builtin.modinfo,order} "$dir/lib/modules/$KVER/" 2>/dev/null || true
	# The module indexes are made here: modprobe needs the .bin ones.
	depmod -b "$dir" "$KVER"
	cp "$KTEST_DIR/board/domu-init" "$dir/init"
	chmod 755 "$dir/init"
	echo 'root:x:0:0:root:/root:/bin/bash' >"$dir/etc/passwd"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
	rm -rf "$dir"
}

# derived <name> <fn> <input files...>: the artifact <name> built by
# "<fn> <userland> <out>", kept per content key of its inputs in
# $BOARD_DIR/derived/<key>/<name> (so runs from different checkouts with
# different board scripts each get their own), reused while the inputs are
# unchanged.  Prints the artifact's path.  Called with the board lock held.
derived() {
	local name=$1 fn=$2 key dir
	shift 2
	key=$(cat "$@" | sha256sum | cut -c1-16)
	dir=$BOARD_DIR/derived/$key
	if [ ! -e "$dir/$name" ]; then
		mkdir -p "$dir"
		"$fn" "$BOARD_DIR/root" "$dir/$name.tmp" >&2 || die "building $name failed"
		mv "$dir/$name.tmp" "$dir/$name"
	fi
	touch "$dir"
	echo "$dir/$name"
}

# board_lock <var>: one builder at a time per board (parallel runs on one
# machine share the cache); the lock fd is stored in <var>, released by
# closing it.
board_lock() {
	local -n fd=$1
	mkdir -p "$XENPV_CACHE"
	exec {fd}>"$XENPV_CACHE/$DIST-$ARCH.lock"
	flock "$fd"
}

# Build (or reuse) everything the board needs; sets BOARD_DIR and KVER.
board_build() {
	local lock
	board_lock lock
	board_key
	if [ ! -f "$BOARD_DIR/complete" ]; then
		say "building the $DIST $ARCH board in $BOARD_DIR (first run only)"
		mkdir -p "$BOARD_DIR"
		build_userland "$BOARD_DIR/root"
		cp "$BOARD_DIR/root/boot/vmlinuz-$KVER" "$BOARD_DIR/vmlinuz"
		echo "$BOARD_PKGS" | tr ' ' '\n' | sed '/^$/d' >"$BOARD_DIR/packages"
		echo "$KVER" >"$BOARD_DIR/kver"
		touch "$BOARD_DIR/complete"
	fi
	# Builds of this board (and derived initramfs) unused for two days
	# are stale; recent ones may belong to a run from another checkout.
	touch "$BOARD_DIR"
	find "$XENPV_CACHE/$DIST-$ARCH" -mindepth 1 -maxdepth 1 -type d \
		! -name "$BOARD_KEY" -mmin +2880 -exec rm -rf {} +
	find "$BOARD_DIR/derived" -mindepth 1 -maxdepth 1 -type d -mmin +2880 \
		-exec rm -rf {} + 2>/dev/null
	BASE_DOM0_INITRD=$(derived dom0-initrd.gz build_dom0_initrd "$KTEST_DIR/board/xenpv-init" \
		"$KTEST_DIR/board/dom0-modules") || exit 1
	BASE_DOMU_INITRD=$(derived domu-initrd.gz build_domu_initrd "$KTEST_DIR/board/domu-init") || exit 1
	XEN_IMAGE=$(ls "$BOARD_DIR"/root/boot/xen-"$XEN_VER"-"$XEN_ARCH"{,.gz} 2>/dev/null | head -n1)
	[ -n "$XEN_IMAGE" ] || die "no Xen image in the board userland"
	case "$XEN_IMAGE" in
	*.gz)	# QEMU's multiboot loader takes the uncompressed ELF.
		[ -s "$BOARD_DIR/xen.elf" ] || zcat "$XEN_IMAGE" >"$BOARD_DIR/xen.elf"
		XEN_IMAGE=$BOARD_DIR/xen.elf
		;;
	esac
	exec {lock}>&-
}
