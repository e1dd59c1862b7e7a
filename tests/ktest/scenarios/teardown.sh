# teardown: after the domU shuts down no backend node remains in xenstore,
# no vif remains and the loop device is detached.
domu_up
id=$(domid_of)
domu_down
domu_alive && fail "domU still exists after shutdown"
sleep 2
for t in vbd vif; do
	l=$(xenstore-list "/local/domain/0/backend/$t/$id" 2>/dev/null)
	[ -z "$l" ] || fail "backend/$t/$id still in xenstore: $l"
done
ip link show "vif$id.0" >/dev/null 2>&1 && fail "vif$id.0 still present"
losetup -a
losetup -a | grep -q "$DISK_IMG" && fail "loop device still attached to $DISK_IMG"
exit 0
