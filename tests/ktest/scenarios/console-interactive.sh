# console-interactive: a command typed through the console's pty (the one
# "xl console" opens) runs in the domU and its output comes back; then a
# command line of 6 KiB, six times the 1 KiB input ring, so that input
# has to wait for ring space.
domu_up
tty=$(xenstore-read "/local/domain/$(domid_of)/console/tty") || fail "no console/tty in xenstore"
[ -c "$tty" ] || fail "console pty $tty missing"
m=typed-$$-$RANDOM
id=$$$RANDOM
cmd=$(printf 'echo %s; uname -r\n' "$m" | base64 -w0)
line="@@CMD $id $cmd 30"
exec {fd}<>"$tty"
stty -F "$tty" raw -echo 2>/dev/null
# Typed: one byte at a time.
for ((i = 0; i < ${#line}; i++)); do
	printf '%s' "${line:i:1}" >&"$fd"
	sleep 0.02
done
printf '\n' >&"$fd"
out=""
end=$((SECONDS + 60))
while [ $SECONDS -lt $end ]; do
	IFS= read -r -t "$((end - SECONDS))" l <&"$fd" || break
	l=${l%$'\r'}
	case "$l" in
	"@@OUT $id "*) out=$(printf '%s' "${l#"@@OUT $id "}" | base64 -d) ;;
	"@@RC $id "*) break ;;
	esac
done
exec {fd}>&-
echo "typed command output: $out"
printf '%s\n' "$out" | grep -qx "$m" || fail "the typed command's output did not come back"
printf '%s\n' "$out" | grep -qx "$DOMU_KVER" || fail "uname -r in the domU is not $DOMU_KVER"
pad=$(head -c 6144 /dev/zero | tr '\0' x)
r=$(domu_run -t 60 ": $pad; echo long-ok-$m") || fail "the 6 KiB command failed"
assert_eq "$r" "long-ok-$m" "output of the 6 KiB command"
