# SPDX-License-Identifier: GPL-2.0-only
# Test programs for the domU, asked for by a scenario's header line
# "# needs: NAME...": built (or taken from the cache) on the host and put
# in the domU's initramfs as /usr/local/bin/NAME
# ($MODSTAGE/domu-bin.cpio.gz, appended by board/dom0-init).
#   fio        the static fio of lib/fio.sh (fio_static)
#   <prog>     tests/progs/<prog>.c, e.g. blkioctl (progs_static)
# A program that cannot be had is left out and said so: the scenarios
# that need it check for it and skip.  Sourced after lib/common.sh and
# lib/fio.sh, with $ARCH and $CROSS set (board_vars).

# progs_static NAME: print the path of tests/progs/NAME built static for
# $ARCH with ${CROSS}gcc, building it on first use; cached in
# $XENPV_CACHE/progs-static/<arch>-<NAME>-<hash of its source and the
# Makefile>/.  Non-zero (having said why) when it cannot be built.
progs_static() {
	local name=$1 src=$TOP_DIR/tests/progs hash out tmp
	[ -f "$src/$name.c" ] || { say "progs_static: no tests/progs/$name.c"; return 1; }
	command -v "${CROSS}gcc" >/dev/null || { say "progs_static: no ${CROSS}gcc"; return 1; }
	hash=$(cat "$src/$name.c" "$src/Makefile" | sha256sum | cut -c1-16)
	out=$XENPV_CACHE/progs-static/$ARCH-$name-$hash
	if [ ! -x "$out/$name" ]; then
		tmp=$(mktemp -d)
		make -s -C "$src" O="$tmp" CROSS_COMPILE="$CROSS" PROGS="$name" EXPECTED= \
			>"$tmp/build.log" 2>&1 ||
			{ tail -5 "$tmp/build.log" >&2; say "tests/progs/$name.c: static $ARCH build failed"; rm -rf "$tmp"; return 1; }
		mkdir -p "$out"
		mv "$tmp/$name" "$out/$name"
		rm -rf "$tmp"
	fi
	echo "$out/$name"
}

# domu_bin: the programs the scenarios of this run need, in the domU's
# initramfs (see above).  Nothing needed: no archive.
domu_bin() {
	local s name bin dir names
	local -A need=()
	for s in "${SCENARIOS[@]}"; do
		while read -r -a names; do
			for name in "${names[@]}"; do
				need[$name]=1
			done
		done < <(sed -n 's/^# needs: //p' "$KTEST_DIR/scenarios/$s.sh")
	done
	rm -f "$MODSTAGE/domu-bin.cpio.gz"
	[ ${#need[@]} -gt 0 ] || return 0
	dir=$RESULTS/domu-bin
	rm -rf "$dir"
	mkdir -p "$dir/usr/local/bin"
	for name in "${!need[@]}"; do
		case "$name" in
		fio) bin=$(fio_static "$ARCH") ;;
		*) bin=$(progs_static "$name") ;;
		esac || { say "no static $name for $ARCH: scenarios that need it will skip"; continue; }
		cp "$bin" "$dir/usr/local/bin/$name"
	done
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$MODSTAGE/domu-bin.cpio.gz"
	rm -rf "$dir"
}
