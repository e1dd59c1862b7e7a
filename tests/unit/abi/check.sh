#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Wire-structure layouts on every target the drivers run on: abi_probe.c
# compiled to assembly for x86_64, i386, armhf and arm64 (Debian's cross
# compilers), each "@@ABI <what> <value>" line collected, then checked:
#   - every target matches the recorded table expected.txt;
#   - armhf == arm64 (one "arm-abi" string for both: identical layouts);
#   - arm-abi == x86_64-abi (the layout both sides of a ring agree on);
#   - i386 is the x86_32-abi the protocol describes (blkif id at 4,
#     request 108 bytes, response 12) and differs from x86_64 only there.
# Prints PASS/FAIL per check and "N passed, N failed".
#   check.sh [--record]   (--record rewrites expected.txt)
set -u
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
out=${ABI_BUILD:-$here/../build/abi}
XEN_INC=${XEN_INC:-/usr/include}
mkdir -p "$out"
pass=0 fail=0
ok()  { echo "PASS abi: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL abi: $*"; fail=$((fail + 1)); }

# Only Xen's headers and the compiler's freestanding ones: no target libc.
mkdir -p "$out/inc"
ln -sfn "$XEN_INC/xen" "$out/inc/xen"
targets="x86_64 i386 armhf arm64"
cc_of() {
	case $1 in
	x86_64) echo "gcc -m64" ;;
	i386) echo "gcc -m32" ;;
	armhf) echo "arm-linux-gnueabihf-gcc" ;;
	arm64) echo "aarch64-linux-gnu-gcc" ;;
	esac
}
for t in $targets; do
	cc=$(cc_of "$t")
	# shellcheck disable=SC2086
	if $cc -ffreestanding -nostdinc -isystem "$($cc -print-file-name=include)" \
		-I"$out/inc" -O2 -S -o "$out/$t.s" "$here/abi_probe.c" 2>"$out/$t.err"; then
		grep -a '@@ABI ' "$out/$t.s" | sed 's/^.*@@ABI //; s/\\n"$//; s/"$//' >"$out/$t.txt"
	else
		bad "$t: $cc cannot compile the probe: $(head -n 3 "$out/$t.err" | tr '\n' ' ')"
		: >"$out/$t.txt"
	fi
done

# One table: what x86_64 i386 armhf arm64.
table=$out/table.txt
awk '
	{ v = $NF; k = $0; sub(/ [-0-9]+$/, "", k) }
	FNR == 1 { f++ }
	{ if (!(k in seen)) { seen[k] = 1; order[++n] = k } val[k, f] = v }
	END { for (i = 1; i <= n; i++) {
		k = order[i]; line = k
		for (j = 1; j <= 4; j++) line = line "\t" ((k, j) in val ? val[k, j] : "?")
		print line } }' \
	"$out/x86_64.txt" "$out/i386.txt" "$out/armhf.txt" "$out/arm64.txt" >"$table"

if [ "${1:-}" = --record ]; then
	{ echo "# what	x86_64	i386	armhf	arm64 (tests/unit/abi/check.sh --record)"; cat "$table"; } \
		>"$here/expected.txt"
	echo "recorded $(wc -l <"$table") values per target in $here/expected.txt"
fi

n=$(wc -l <"$table")
[ "$n" -ge 150 ] && ok "$n layout values probed per target" ||
	bad "only $n layout values probed (expected >= 150)"

col() { awk -F'\t' -v c="$1" '{ print $1 "\t" $c }' "$table"; }
for i in 2 3 4 5; do
	t=$(echo $targets | cut -d' ' -f$((i - 1)))
	d=$(diff <(grep -v '^#' "$here/expected.txt" | awk -F'\t' -v c="$i" '{ print $1 "\t" $c }') \
		<(col "$i") | grep '^[<>]' | head -n 6)
	[ -z "$d" ] && ok "$t layout matches expected.txt" ||
		bad "$t layout differs from expected.txt: $(echo "$d" | tr '\n\t' '; ')"
done

d=$(awk -F'\t' '$4 != $5 { print $1 ": armhf " $4 ", arm64 " $5 }' "$table" | head -n 5)
[ -z "$d" ] && ok "arm-abi: armhf and arm64 layouts identical" ||
	bad "arm-abi: armhf and arm64 differ: $(echo "$d" | tr '\n' ';')"
d=$(awk -F'\t' '$2 != $4 { print $1 ": x86_64 " $2 ", armhf " $4 }' "$table" | head -n 5)
[ -z "$d" ] && ok "arm-abi layout == x86_64-abi layout" ||
	bad "arm-abi and x86_64-abi differ: $(echo "$d" | tr '\n' ';')"

# x86_32-abi: the protocol's facts, and no difference outside 8-byte
# alignment (blkif structs and xen_pfn_t).
want() { # <what> <i386 value>
	local got
	got=$(awk -F'\t' -v k="$1" '$1 == k { print $3 }' "$table")
	[ "$got" = "$2" ] || echo "$1 = ${got:-missing}, want $2"
}
d=$(want "size struct blkif_request" 108
   want "offset struct blkif_request.id" 4
   want "offset struct blkif_request.seg" 20
   want "size struct blkif_response" 12
   want "size struct blkif_request_discard" 28
   want "offset struct blkif_request_indirect.indirect_grefs" 24
   want "ring blkif 4096" 32)
[ -z "$d" ] && ok "x86_32-abi blkif layout as the protocol says (request 108, id at 4, response 12)" ||
	bad "x86_32-abi: $(echo "$d" | tr '\n' ';')"
d=$(awk -F'\t' '$2 != $3 && $1 !~ /blkif|xen_pfn_t/ { print $1 }' "$table" | head -n 5)
[ -z "$d" ] && ok "x86_32-abi differs from x86_64-abi only in blkif and xen_pfn_t" ||
	bad "x86_32-abi differs elsewhere too: $(echo "$d" | tr '\n' ';')"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
