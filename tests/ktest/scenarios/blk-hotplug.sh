# blk-hotplug: xl block-detach / block-attach of the running domU's vbd.
domu_up
id=$(domid_of)
before=$(domu_run -t 60 '[ -b /dev/xvda ] && dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64') ||
	fail "no /dev/xvda before detach"
xl block-detach "$DOMU" xvda || fail "xl block-detach failed"
domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] || exit 0; sleep 0.5; done; exit 1' ||
	fail "/dev/xvda still present in the domU after detach"
wait_for 30 sh -c "! xenstore-read /local/domain/0/backend/vbd/$id/51712/state >/dev/null 2>&1" ||
	fail "backend node still in xenstore after detach"
xl block-attach "$DOMU" "format=raw, vdev=xvda, access=rw, target=$DISK_IMG" || fail "xl block-attach failed"
domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] && exit 0; sleep 0.5; done; exit 1' ||
	fail "/dev/xvda did not come back after attach"
after=$(domu_run -t 60 'dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64')
assert_eq "$after" "$before" "data on the re-attached vbd"
