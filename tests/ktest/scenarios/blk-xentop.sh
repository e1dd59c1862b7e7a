# blk-xentop: after reads and writes in the domU, the backend's sysfs
# statistics (as Linux's blkback has them) count them, and `xentop -b -i 2`
# in dom0 shows non-zero VBD_RD and VBD_WR for the domU.
domu_up
id=$(domid_of)
dev=/sys/bus/xen-backend/devices/vbd-$id-51712
for f in physical_device mode statistics/oo_req statistics/rd_req statistics/wr_req \
	 statistics/f_req statistics/ds_req statistics/rd_sect statistics/wr_sect; do
	[ -r "$dev/$f" ] || fail "no $dev/$f"
done
echo "physical_device $(cat "$dev/physical_device") mode $(cat "$dev/mode")"
pd=$(xenstore-read "/local/domain/0/backend/vbd/$id/51712/physical-device")
[ "$(cat "$dev/physical_device")" = "$pd" ] || fail "sysfs physical_device $(cat "$dev/physical_device") != xenstore $pd"
rd0=$(cat "$dev/statistics/rd_req") wr0=$(cat "$dev/statistics/wr_req")
domu_run -t 120 'set -e
dd if=/dev/urandom of=/tmp/blk bs=64k count=16 2>/dev/null
dd if=/tmp/blk of=/dev/xvda bs=64k seek=100 oflag=direct conv=notrunc 2>/dev/null
dd if=/dev/xvda of=/dev/null bs=64k skip=100 count=16 iflag=direct 2>/dev/null
rm -f /tmp/blk' || fail "I/O in the domU failed"
rd1=$(cat "$dev/statistics/rd_req") wr1=$(cat "$dev/statistics/wr_req")
echo "rd_req $rd0 -> $rd1, wr_req $wr0 -> $wr1, rd_sect $(cat "$dev/statistics/rd_sect"), wr_sect $(cat "$dev/statistics/wr_sect")"
[ "$rd1" -gt "$rd0" ] || fail "statistics/rd_req did not grow ($rd0 -> $rd1)"
[ "$wr1" -gt "$wr0" ] || fail "statistics/wr_req did not grow ($wr0 -> $wr1)"
[ "$(cat "$dev/statistics/wr_sect")" -ge 2048 ] || fail "statistics/wr_sect below the 1 MiB written"

out=$(xentop -b -i 2 -d 1 2>&1) || fail "xentop failed: $out"
echo "$out"
# The domU's line of the last iteration, columns found by the header.
vals=$(echo "$out" | awk -v dom="$DOMU" '
	$1 == "NAME" { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$1 == dom && col["VBD_RD"] { rd = $col["VBD_RD"]; wr = $col["VBD_WR"]; vbds = $col["VBDS"] }
	END { print rd + 0, wr + 0, vbds + 0 }')
read -r rd wr vbds <<<"$vals"
echo "xentop: VBDS $vbds VBD_RD $rd VBD_WR $wr"
[ "$vbds" -ge 1 ] || fail "xentop shows no vbd for $DOMU"
[ "$rd" -gt 0 ] || fail "xentop VBD_RD is 0"
[ "$wr" -gt 0 ] || fail "xentop VBD_WR is 0"
