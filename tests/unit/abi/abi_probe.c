// SPDX-License-Identifier: GPL-2.0-only
/*
 * Layout probe of every wire structure the xenpv drivers share with a
 * peer (the Xen public io/ headers, as included by include/xenpv/).  It
 * is only compiled to assembly, once per target (x86_64, i386, armhf,
 * arm64), never linked or run: each "@@ABI" line carries a compile-time
 * constant, and check.sh compares the targets with each other and with
 * the recorded layout in expected.txt.
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/event_channel.h>
#include <xen/io/ring.h>
#include <xen/io/xenbus.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>

#define EMIT(tag, val) \
	asm volatile("\n.ascii \"@@ABI " tag " %c0\\n\"" : : "i" ((long)(val)))

/* Names are stringified here, before any macro in them is expanded. */
#define STRUCT(t) do {							\
	EMIT("size " #t, sizeof(t));					\
	EMIT("align " #t, __alignof__(t));				\
} while (0)
#define OFF(t, f)	EMIT("offset " #t "." #f, offsetof(t, f))
#define FIELD(t, f) do {						\
	EMIT("offset " #t "." #f, offsetof(t, f));			\
	EMIT("fsize " #t "." #f, sizeof(((t *)0)->f));			\
} while (0)

void abi_probe(void);
void abi_probe(void)
{
	/* Scalar types the structures are built from. */
	STRUCT(grant_ref_t);
	STRUCT(blkif_vdev_t);
	STRUCT(blkif_sector_t);
	STRUCT(evtchn_port_t);
	STRUCT(domid_t);
	STRUCT(xen_pfn_t);
	STRUCT(RING_IDX);

	/* Grant table v1 entry. */
	STRUCT(struct grant_entry_v1);
	FIELD(struct grant_entry_v1, flags);
	FIELD(struct grant_entry_v1, domid);
	FIELD(struct grant_entry_v1, frame);

	/* blkif */
	STRUCT(struct blkif_request_segment);
	FIELD(struct blkif_request_segment, gref);
	FIELD(struct blkif_request_segment, first_sect);
	FIELD(struct blkif_request_segment, last_sect);
	STRUCT(struct blkif_request);
	FIELD(struct blkif_request, operation);
	FIELD(struct blkif_request, nr_segments);
	FIELD(struct blkif_request, handle);
	FIELD(struct blkif_request, id);
	FIELD(struct blkif_request, sector_number);
	FIELD(struct blkif_request, seg);
	STRUCT(struct blkif_request_discard);
	FIELD(struct blkif_request_discard, operation);
	FIELD(struct blkif_request_discard, flag);
	FIELD(struct blkif_request_discard, handle);
	FIELD(struct blkif_request_discard, id);
	FIELD(struct blkif_request_discard, sector_number);
	FIELD(struct blkif_request_discard, nr_sectors);
	STRUCT(struct blkif_request_indirect);
	FIELD(struct blkif_request_indirect, operation);
	FIELD(struct blkif_request_indirect, indirect_op);
	FIELD(struct blkif_request_indirect, nr_segments);
	FIELD(struct blkif_request_indirect, id);
	FIELD(struct blkif_request_indirect, sector_number);
	FIELD(struct blkif_request_indirect, handle);
	FIELD(struct blkif_request_indirect, indirect_grefs);
	STRUCT(struct blkif_response);
	FIELD(struct blkif_response, id);
	FIELD(struct blkif_response, operation);
	FIELD(struct blkif_response, status);
	STRUCT(union blkif_sring_entry);
	FIELD(struct blkif_sring, req_prod);
	FIELD(struct blkif_sring, req_event);
	FIELD(struct blkif_sring, rsp_prod);
	FIELD(struct blkif_sring, rsp_event);
	OFF(struct blkif_sring, ring);
	EMIT("ring blkif 4096", __CONST_RING_SIZE(blkif, 4096));
	EMIT("ring blkif 65536", __CONST_RING_SIZE(blkif, 65536));
	EMIT("const BLKIF_MAX_SEGMENTS_PER_REQUEST",
	     BLKIF_MAX_SEGMENTS_PER_REQUEST);
	EMIT("const BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST",
	     BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);

	/* netif */
	STRUCT(struct netif_tx_request);
	FIELD(struct netif_tx_request, gref);
	FIELD(struct netif_tx_request, offset);
	FIELD(struct netif_tx_request, flags);
	FIELD(struct netif_tx_request, id);
	FIELD(struct netif_tx_request, size);
	STRUCT(struct netif_tx_response);
	FIELD(struct netif_tx_response, id);
	FIELD(struct netif_tx_response, status);
	STRUCT(struct netif_rx_request);
	FIELD(struct netif_rx_request, id);
	FIELD(struct netif_rx_request, gref);
	STRUCT(struct netif_rx_response);
	FIELD(struct netif_rx_response, id);
	FIELD(struct netif_rx_response, offset);
	FIELD(struct netif_rx_response, flags);
	FIELD(struct netif_rx_response, status);
	STRUCT(struct netif_extra_info);
	FIELD(struct netif_extra_info, type);
	FIELD(struct netif_extra_info, flags);
	FIELD(struct netif_extra_info, u.gso.size);
	FIELD(struct netif_extra_info, u.gso.type);
	FIELD(struct netif_extra_info, u.gso.pad);
	FIELD(struct netif_extra_info, u.gso.features);
	FIELD(struct netif_extra_info, u.mcast.addr);
	FIELD(struct netif_extra_info, u.hash.type);
	FIELD(struct netif_extra_info, u.hash.algorithm);
	FIELD(struct netif_extra_info, u.hash.value);
	STRUCT(struct xen_netif_ctrl_request);
	FIELD(struct xen_netif_ctrl_request, id);
	FIELD(struct xen_netif_ctrl_request, type);
	FIELD(struct xen_netif_ctrl_request, data);
	STRUCT(struct xen_netif_ctrl_response);
	FIELD(struct xen_netif_ctrl_response, id);
	FIELD(struct xen_netif_ctrl_response, type);
	FIELD(struct xen_netif_ctrl_response, status);
	FIELD(struct xen_netif_ctrl_response, data);
	STRUCT(union netif_tx_sring_entry);
	STRUCT(union netif_rx_sring_entry);
	OFF(struct netif_tx_sring, ring);
	OFF(struct netif_rx_sring, ring);
	EMIT("ring netif_tx 4096", __CONST_RING_SIZE(netif_tx, 4096));
	EMIT("ring netif_rx 4096", __CONST_RING_SIZE(netif_rx, 4096));
	EMIT("ring xen_netif_ctrl 4096", __CONST_RING_SIZE(xen_netif_ctrl, 4096));

	/* console */
	STRUCT(struct xencons_interface);
	FIELD(struct xencons_interface, in);
	FIELD(struct xencons_interface, out);
	FIELD(struct xencons_interface, in_cons);
	FIELD(struct xencons_interface, in_prod);
	FIELD(struct xencons_interface, out_cons);
	FIELD(struct xencons_interface, out_prod);
}
