# smoke: dom0 is up under Xen and the toolstack answers.
xl list >"$SCEN_CTX/xl-list" 2>&1 || fail "xl list failed: $(cat "$SCEN_CTX/xl-list")"
cat "$SCEN_CTX/xl-list"
grep -q '^Domain-0 ' "$SCEN_CTX/xl-list" || fail "no Domain-0 in xl list"
assert "xenstored answers" xenstore-read /local/domain/0/name
[ -c /dev/xen/evtchn ] || fail "/dev/xen/evtchn missing"
xl info | grep -E '^(xen_version|nr_cpus|total_memory)' || fail "xl info failed"
for m in xen_blkback xen_netback; do
	grep -q "^$m " /proc/modules || fail "backend module $m not loaded (back=$BACK)"
done
ip link show xenbr0 >/dev/null || fail "no xenbr0 bridge"
