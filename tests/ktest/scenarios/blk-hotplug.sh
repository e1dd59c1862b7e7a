# blk-hotplug: xl block-detach / block-attach of the running domU's vbd,
# BLK_HOTPLUG_ROUNDS times (default 1; issue #4's acceptance is 10).
# Each round: the disk goes from both sides (domU block device, backend
# node, loop device), comes back, and reads the same data as before.
# timeout: 1800
rounds=${BLK_HOTPLUG_ROUNDS:-1}
domu_up
id=$(domid_of)
be=/local/domain/0/backend/vbd/$id/51712
before=$(domu_run -t 60 '[ -b /dev/xvda ] && dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64') ||
	fail "no /dev/xvda before detach"
for r in $(seq 1 "$rounds"); do
	t0=$SECONDS
	xl block-detach "$DOMU" xvda || fail "round $r: xl block-detach failed"
	domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] || exit 0; sleep 0.5; done; exit 1' ||
		fail "round $r: /dev/xvda still present in the domU after detach"
	wait_for 30 sh -c "! xenstore-read $be/state >/dev/null 2>&1" ||
		fail "round $r: backend node still in xenstore after detach"
	wait_for 15 sh -c "[ -z \"\$(losetup -j $DISK_IMG)\" ]" ||
		fail "round $r: loop device still attached after detach: $(losetup -j "$DISK_IMG")"
	xl block-attach "$DOMU" "format=raw, vdev=xvda, access=rw, target=$DISK_IMG" ||
		fail "round $r: xl block-attach failed"
	domu_run -t 60 'for i in $(seq 1 60); do [ -b /dev/xvda ] && exit 0; sleep 0.5; done; exit 1' ||
		fail "round $r: /dev/xvda did not come back after attach"
	after=$(domu_run -t 60 'dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64')
	assert_eq "$after" "$before" "round $r: data on the re-attached vbd"
	log "round $r: detach + attach + data in $((SECONDS - t0)) s"
done
