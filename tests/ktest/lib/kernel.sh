# SPDX-License-Identifier: GPL-2.0-only
# The board's custom domU kernel (tests/ktest/run --domu-kernel custom):
# Debian's linux-source of the suite (the dom0 kernel's version), configured
# from allnoconfig plus tests/ktest/kernel/{common,<arch>}.config: no
# built-in Xen console, no in-tree Xen frontends, modules on.  Built once per
# source version and config into
#   $XENPV_CACHE/domu-kernel/<dist>-<arch>/<key>/
#     image       zImage (armhf) or bzImage (x86_64)
#     build/      the O= build tree (KDIR for our modules)
#     modroot/    modules_install output (lib/modules/<kver>/...)
#     kver        the kernel release
#     build-time  seconds the build took
# <key> hashes the source package version, the config fragments and this
# file; nothing else triggers a rebuild.

# Sets DOMU_SRC_PKG and DOMU_SRC_VER (the suite's linux-source-X.Y).
domu_kernel_source_pkg() {
	local save=${APT_DIR:-}
	apt_private_init "$DIST" "$(dpkg --print-architecture)"
	DOMU_SRC_PKG=$(apt_p apt-cache show --no-all-versions linux-source 2>/dev/null |
		awk -F'[ ,]+' '/^Depends:/ { for (i = 2; i <= NF; i++) if ($i ~ /^linux-source-/) { print $i; exit } }')
	[ -n "$DOMU_SRC_PKG" ] || die "no linux-source in $DIST"
	DOMU_SRC_VER=$(apt_version "$DOMU_SRC_PKG")
	[ -n "$save" ] && APT_DIR=$save
	return 0
}

# The extracted source tree of $DOMU_SRC_PKG $DOMU_SRC_VER, shared by all
# architectures (extracted once, under a lock).
domu_kernel_source_tree() {
	local top=$XENPV_CACHE/linux-source/$DOMU_SRC_VER tmp save=${APT_DIR:-}
	DOMU_SRC=$top/linux
	[ -f "$top/complete" ] && return 0
	mkdir -p "$top"
	exec {lockfd}>"$top.lock"
	flock "$lockfd"
	if [ ! -f "$top/complete" ]; then
		say "extracting $DOMU_SRC_PKG $DOMU_SRC_VER (once)"
		apt_private_init "$DIST" "$(dpkg --print-architecture)"
		rm -rf "$top/deb" "$DOMU_SRC"
		mkdir -p "$top/deb" "$DOMU_SRC"
		apt_extract "$DOMU_SRC_PKG" "$top/deb" >&2
		tmp=$(ls "$top"/deb/usr/src/linux-source-*.tar.* | head -n1)
		[ -n "$tmp" ] || die "no source tarball in $DOMU_SRC_PKG"
		tar -xf "$tmp" -C "$DOMU_SRC" --strip-components=1 || die "cannot extract $tmp"
		rm -rf "$top/deb"
		touch "$top/complete"
	fi
	exec {lockfd}>&-
	[ -n "$save" ] && APT_DIR=$save
	return 0
}

# Build (or reuse) the custom domU kernel of $ARCH/$DIST; sets DOMU_KDIR,
# DOMU_IMAGE, DOMU_KVER, DOMU_MODROOT.
domu_kernel_build() {
	local frags key dir out target img t0 lockfd line opt
	frags=("$KTEST_DIR/kernel/common.config" "$KTEST_DIR/kernel/$ARCH.config")
	domu_kernel_source_pkg
	key=$( { echo "$DOMU_SRC_PKG=$DOMU_SRC_VER"; cat "${frags[@]}" "$KTEST_DIR/lib/kernel.sh"; } |
		sha256sum | cut -c1-16)
	dir=$XENPV_CACHE/domu-kernel/$DIST-$ARCH/$key
	out=$dir/build
	DOMU_KDIR=$out DOMU_IMAGE=$dir/image DOMU_MODROOT=$dir/modroot
	mkdir -p "$dir"
	exec {lockfd}>"$dir.lock"
	flock "$lockfd"
	if [ ! -f "$dir/complete" ]; then
		domu_kernel_source_tree
		case "$ARCH" in
		armhf) target=zImage img=arch/arm/boot/zImage ;;
		x86_64) target=bzImage img=arch/x86/boot/bzImage ;;
		esac
		say "building the custom domU kernel ($DOMU_SRC_PKG $DOMU_SRC_VER, $ARCH) in $dir (first run only; nice 19)"
		rm -rf "$out" "$DOMU_MODROOT"
		mkdir -p "$out"
		cat "${frags[@]}" >"$dir/fragment.config"
		t0=$SECONDS
		local mk=(make -C "$DOMU_SRC" O="$out" ARCH="$KARCH" CROSS_COMPILE="$CROSS")
		"${mk[@]}" KCONFIG_ALLCONFIG="$dir/fragment.config" allnoconfig >"$dir/build.log" 2>&1 ||
			{ tail -20 "$dir/build.log" >&2; die "custom domU kernel: allnoconfig failed (log: $dir/build.log)"; }
		# Every option the fragments ask for must have survived
		# allnoconfig's dependency resolution (checked before the
		# long part).
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=n) opt=${line%=n}
				grep -q "^$opt=" "$out/.config" && die "custom kernel: $opt is set, the fragment says n" ;;
			CONFIG_*=*) grep -qxF "$line" "$out/.config" ||
				die "custom kernel: '$line' did not survive allnoconfig (dependencies?)" ;;
			esac
		done <"$dir/fragment.config"
		{
			nice -n 19 "${mk[@]}" -j"$(nproc)" "$target" modules &&
			nice -n 19 "${mk[@]}" INSTALL_MOD_PATH="$DOMU_MODROOT" INSTALL_MOD_STRIP=1 \
				DEPMOD=/bin/true modules_install
		} >>"$dir/build.log" 2>&1 ||
			{ tail -20 "$dir/build.log" >&2; die "custom domU kernel build failed (log: $dir/build.log)"; }
		cp "$out/$img" "$DOMU_IMAGE"
		cat "$out/include/config/kernel.release" >"$dir/kver"
		echo $((SECONDS - t0)) >"$dir/build-time"
		say "custom domU kernel $(cat "$dir/kver") built in $(cat "$dir/build-time") s"
		touch "$dir/complete"
		# Older builds for this board are stale now.
		find "$XENPV_CACHE/domu-kernel/$DIST-$ARCH" -mindepth 1 -maxdepth 1 \
			! -name "$key" ! -name "$key.lock" -exec rm -rf {} +
	fi
	exec {lockfd}>&-
	DOMU_KVER=$(cat "$dir/kver")
}
