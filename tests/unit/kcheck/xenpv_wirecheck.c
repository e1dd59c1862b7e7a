// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile-only check: the shared wire headers build inside the kernel,
 * and the layouts they assume match the kernel's Xen interface headers.
 * Built by "make -C tests/unit kcheck", never installed or loaded.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/build_bug.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <xenpv/state.h>
#include <xenpv/ring.h>
#include <xenpv/blkif.h>
#include <xenpv/netif.h>
#include <xenpv/console.h>

/* Referenced so that every helper is instantiated and type-checked. */
int xenpv_wirecheck(const struct blkif_request *req,
		    const struct blkif_response *rsp,
		    const struct xen_netif_tx_request *tx,
		    const struct xen_netif_extra_info *extra,
		    const struct xen_netif_rx_response *rx);
int xenpv_wirecheck(const struct blkif_request *req,
		    const struct blkif_response *rsp,
		    const struct xen_netif_tx_request *tx,
		    const struct xen_netif_extra_info *extra,
		    const struct xen_netif_rx_response *rx)
{
	static const struct xenpv_blk_limits lim = { .capacity = 8 };
	static const u8 pending[1] = { BLKIF_OP_READ };
	static const struct xen_netif_tx_response txrsp;
	struct xenpv_netif_tx_pkt pkt;
	struct xenpv_vdev vdev = {};
	char name[DISK_NAME_LEN];
	u32 seen = 0;

	BUILD_BUG_ON(offsetof(struct blkif_sring, ring) != XENPV_RING_HDR_SIZE);
	BUILD_BUG_ON(offsetof(struct xen_netif_tx_sring, ring) !=
		     XENPV_RING_HDR_SIZE);
	BUILD_BUG_ON(sizeof(struct blkif_request_segment) != 8);
	BUILD_BUG_ON(XENPV_BLK_SEGS_PER_INDIRECT_PAGE != 512);
	/*
	 * The kernel's packed interface structs give the layout the host
	 * ABI probe (tests/unit/abi) records for x86_64-abi and arm-abi.
	 */
	BUILD_BUG_ON(sizeof(struct blkif_request) != 112);
	BUILD_BUG_ON(offsetof(struct blkif_request, u.rw.id) != 8);
	BUILD_BUG_ON(offsetof(struct blkif_request, u.rw.sector_number) != 16);
	BUILD_BUG_ON(offsetof(struct blkif_request, u.rw.seg) != 24);
	BUILD_BUG_ON(offsetof(struct blkif_request, u.discard.nr_sectors) != 24);
	BUILD_BUG_ON(offsetof(struct blkif_request, u.indirect.indirect_grefs) !=
		     28);
	BUILD_BUG_ON(sizeof(struct blkif_response) != 16);
	BUILD_BUG_ON(offsetof(struct blkif_response, status) != 10);
	BUILD_BUG_ON(sizeof(struct xen_netif_tx_request) != 12);
	BUILD_BUG_ON(sizeof(struct xen_netif_rx_response) != 8);
	BUILD_BUG_ON(sizeof(struct xen_netif_extra_info) != 8);
	BUILD_BUG_ON(XENPV_CONS_IN_SIZE != 1024 || XENPV_CONS_OUT_SIZE != 2048);
	BUILD_BUG_ON(offsetof(struct xencons_interface, out_prod) != 3084);
	BUILD_BUG_ON(XENPV_BLK_MAX_INDIRECT_SEGMENTS >
		     XENPV_BLK_INDIRECT_SEGS_LIMIT);
	BUILD_BUG_ON(XENPV_VDEV_MINORBITS != MINORBITS);
	BUILD_BUG_ON(XENPV_VDEV_IDE0_MAJOR != IDE0_MAJOR ||
		     XENPV_VDEV_IDE1_MAJOR != IDE1_MAJOR ||
		     XENPV_VDEV_SD0_MAJOR != SCSI_DISK0_MAJOR ||
		     XENPV_VDEV_SD1_MAJOR != SCSI_DISK1_MAJOR ||
		     XENPV_VDEV_SD1_MAJOR + 6 != SCSI_DISK7_MAJOR ||
		     XENPV_VDEV_SD8_MAJOR != SCSI_DISK8_MAJOR ||
		     XENPV_VDEV_SD8_MAJOR + 7 != SCSI_DISK15_MAJOR);

	return xenpv_state_transition_ok(XENPV_BACKEND, XenbusStateInitWait,
					 XenbusStateConnected) +
	       !!xenpv_state_name(XenbusStateClosed) +
	       xenpv_ring_entries(0, sizeof(union blkif_sring_entry)) +
	       xenpv_ring_req_check(1, 0, 0, 32) +
	       xenpv_ring_rsp_check(1, 0, 1, 32) +
	       xenpv_blkif_req_validate(req, &lim) +
	       xenpv_blkif_rsp_validate(rsp, 1, pending) +
	       xenpv_netif_tx_req_validate(tx, true, &pkt, 0) +
	       xenpv_netif_extra_validate(extra, &seen) +
	       xenpv_netif_rx_rsp_validate(rx, 256) +
	       xenpv_netif_tx_rsp_validate(&txrsp, 1, pending) +
	       xenpv_netif_rx_slot_validate(rx, 0, 1, pending) +
	       xenpv_cons_readable(1, 0, XENPV_CONS_IN_SIZE) +
	       xenpv_cons_writable(1, 0, XENPV_CONS_OUT_SIZE) +
	       xenpv_vdev_translate(req->operation, &vdev) +
	       xenpv_vdev_name(&vdev, name, sizeof(name));
}
EXPORT_SYMBOL_GPL(xenpv_wirecheck);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xenpv: compile-only check of the shared wire headers");
