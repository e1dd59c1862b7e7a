// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenpv-hostile-vbd: a block frontend that speaks blkif wrong on purpose.
 *
 * Test-only (tests/ktest/hostile/, never installed).  Loaded in a domU
 * whose normal block frontend is out of the way, it binds to the vbds
 * attached next and runs the cases named by the "cases" parameter
 * against whatever backend dom0 runs (ours or Linux's in-tree one):
 *
 *	insmod xenpv-hostile-vbd.ko cases=seg0-read,seg12,past-end
 *
 * A case whose name starts with "hs-" replaces the handshake and must
 * come first; the others run one after the other on the connected ring.
 * Each case prints one line to the kernel log,
 *
 *	xenpv-hostile: vbd case <name> expect <a|b> got <outcome> <alive> PASS|FAIL
 *
 * where <outcome> is what the backend did with the case's requests:
 *	ok	every request answered BLKIF_RSP_OKAY
 *	err	answered, at least one with an error status
 *	none	no answer within the case's time
 *	disc	the backend left Connected (device disconnected)
 *	noconn	(handshake cases) the backend never connected
 *	conn	(handshake cases) the backend connected
 * and <alive> tells whether a well-formed read right after the case was
 * still answered ("alive"), not ("dead"), or could not be sent because
 * the device is disconnected ("-").  A case passes when the outcome is
 * one of those it expects and, unless it disconnected, the device is
 * still alive.  Responses with ids never sent are counted ("badid") and
 * fail the case.  Kernel crashes and warnings are the scenario's to see.
 */
#define pr_fmt(fmt) "xenpv-hostile: " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/protocols.h>
#include <xenpv/compat.h>

static char *cases = "ok-read";
module_param(cases, charp, 0644);
MODULE_PARM_DESC(cases, "Comma-separated cases to run on the next vbd");

static unsigned int connect_ms = 120000;
module_param(connect_ms, uint, 0644);
MODULE_PARM_DESC(connect_ms, "How long to wait for the backend to connect (ms)");

static unsigned int case_ms = 4000;
module_param(case_ms, uint, 0644);
MODULE_PARM_DESC(case_ms, "How long a case waits for the backend (ms)");

#define HV_ID_TAG	0x5a5aU		/* ids we send: tag << 16 | seq */
#define HV_DATA_PAGES	2
#define HV_BAD_GREF	0x7ffffff0U

struct hv;

/**
 * struct hcase - one hostile case.
 * @name: as given in the "cases" parameter.
 * @expect: the outcomes that are correct, '|'-separated.
 * @hs: handshake replacement (ring-ref etc. and the state switch); NULL:
 *	the normal handshake.
 * @run: pushes the case's requests on the connected ring; NULL for
 *	handshake-only cases.
 * @nr: responses a well-behaved backend sends for @run's requests.
 */
struct hcase {
	const char *name;
	const char *expect;
	void (*hs)(struct hv *hv);
	void (*run)(struct hv *hv);
	unsigned int nr;
};

struct hv {
	struct xenbus_device *dev;
	struct blkif_front_ring ring;
	grant_ref_t ring_ref;
	evtchn_port_t port;
	int irq;
	struct page *data[HV_DATA_PAGES];	/* granted writable */
	grant_ref_t data_ref[HV_DATA_PAGES];
	struct page *ro;			/* granted read-only */
	grant_ref_t ro_ref;
	struct page *ind;			/* indirect segments, read-only */
	grant_ref_t ind_ref;
	u64 sectors;
	unsigned int max_indirect;
	bool readonly;
	bool discard;
	u16 seq;

	spinlock_t lock;		/* the counters below */
	bool connected;			/* the backend reached Connected */
	bool gone;			/* and left it, or refused */
	bool removing;
	unsigned int nr_rsp;
	unsigned int nr_err;
	unsigned int nr_bad;
	wait_queue_head_t wq;

	struct work_struct work;
	char list[1024];
	const struct hcase *hs_case;
};

/* Requests. */

static u64 hv_id(struct hv *hv)
{
	return ((u64)HV_ID_TAG << 16) | hv->seq++;
}

static struct blkif_request *hv_next(struct hv *hv)
{
	struct blkif_request *req;

	req = RING_GET_REQUEST(&hv->ring, hv->ring.req_prod_pvt);
	memset(req, 0, sizeof(*req));
	hv->ring.req_prod_pvt++;
	return req;
}

static void hv_push(struct hv *hv)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&hv->ring, notify);
	notify_remote_via_irq(hv->irq);
}

/* A read or write of @nseg segments, all on @gref with @first..@last. */
static void hv_rw(struct hv *hv, u8 op, unsigned int nseg, u64 sector,
		  grant_ref_t gref, u8 first, u8 last)
{
	struct blkif_request *req = hv_next(hv);
	unsigned int i;

	req->operation = op;
	req->u.rw.nr_segments = nseg;
	req->u.rw.id = hv_id(hv);
	req->u.rw.sector_number = sector;
	for (i = 0; i < min_t(unsigned int, nseg, BLKIF_MAX_SEGMENTS_PER_REQUEST); i++) {
		req->u.rw.seg[i].gref = gref;
		req->u.rw.seg[i].first_sect = first;
		req->u.rw.seg[i].last_sect = last;
	}
}

static void hv_read_ok(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 1, 0, hv->data_ref[0], 0, 7);
}

/* An indirect request; the segments are what the indirect page holds. */
static void hv_indirect(struct hv *hv, u8 op, unsigned int nseg, u64 sector,
			grant_ref_t ind_gref)
{
	struct blkif_request *req = hv_next(hv);

	req->operation = BLKIF_OP_INDIRECT;
	req->u.indirect.indirect_op = op;
	req->u.indirect.nr_segments = nseg;
	req->u.indirect.id = hv_id(hv);
	req->u.indirect.sector_number = sector;
	req->u.indirect.indirect_grefs[0] = ind_gref;
}

/* Fill the indirect page with @n good read segments on data page 0. */
static void hv_ind_fill(struct hv *hv, unsigned int n)
{
	struct blkif_request_segment *seg = page_address(hv->ind);
	unsigned int i;

	for (i = 0; i < n && i < XEN_PAGE_SIZE / sizeof(*seg); i++) {
		seg[i].gref = hv->data_ref[i % HV_DATA_PAGES];
		seg[i].first_sect = 0;
		seg[i].last_sect = 7;
	}
}

static void hv_discard(struct hv *hv, u64 sector, u64 nr)
{
	struct blkif_request *req = hv_next(hv);

	req->operation = BLKIF_OP_DISCARD;
	req->u.discard.id = hv_id(hv);
	req->u.discard.sector_number = sector;
	req->u.discard.nr_sectors = nr;
}

/* Cases on the connected ring. */

static void c_ok_read(struct hv *hv)
{
	hv_read_ok(hv);
	hv_push(hv);
}

static void c_ok_write(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_WRITE, 1, 8, hv->data_ref[1], 0, 7);
	hv_push(hv);
}

static void c_write_ro_gref(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_WRITE, 1, 16, hv->ro_ref, 0, 7);
	hv_push(hv);
}

static void c_seg_same_gref(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 2, 0, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_seg_max(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, BLKIF_MAX_SEGMENTS_PER_REQUEST, 0, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_dup_ids(struct hv *hv)
{
	struct blkif_request *req;

	hv_read_ok(hv);
	hv_read_ok(hv);
	req = RING_GET_REQUEST(&hv->ring, hv->ring.req_prod_pvt - 1);
	req->u.rw.id = RING_GET_REQUEST(&hv->ring, hv->ring.req_prod_pvt - 2)->u.rw.id;
	hv_push(hv);
}

static void c_ring_full(struct hv *hv)
{
	unsigned int i;

	for (i = 0; i < RING_SIZE(&hv->ring); i++)
		hv_read_ok(hv);
	hv_push(hv);
}

static void c_seg0_read(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 0, 0, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_seg0_write(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_WRITE, 0, 0, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_seg12(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, BLKIF_MAX_SEGMENTS_PER_REQUEST + 1, 0, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_seg255(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 255, 0, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_first_gt_last(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 1, 0, hv->data_ref[0], 5, 2);
	hv_push(hv);
}

static void c_last_past_page(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 1, 0, hv->data_ref[0], 0, 8);
	hv_push(hv);
}

static void c_first_past_page(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 1, 0, hv->data_ref[0], 8, 8);
	hv_push(hv);
}

static void c_sect_255(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_WRITE, 1, 0, hv->data_ref[0], 0, 255);
	hv_push(hv);
}

static void c_past_end(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 1, hv->sectors, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_straddle_end(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_WRITE, 1, hv->sectors - 4, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_sector_wrap(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_WRITE, 2, ~0ULL - 3, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_bad_gref(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 1, 0, HV_BAD_GREF, 0, 7);
	hv_push(hv);
}

static void c_bad_gref_write(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_WRITE, 1, 24, HV_BAD_GREF, 0, 7);
	hv_push(hv);
}

/* A grant that existed and was revoked before the request. */
static void c_revoked_gref(struct hv *hv)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	int ref;

	if (!page)
		return;
	ref = gnttab_grant_foreign_access(hv->dev->otherend_id,
					  xen_page_to_gfn(page), 0);
	if (ref < 0) {
		__free_page(page);
		return;
	}
	gnttab_end_foreign_access(ref, page);
	hv_rw(hv, BLKIF_OP_READ, 1, 0, ref, 0, 7);
	hv_push(hv);
}

/* A read needs the backend to write into a page granted read-only. */
static void c_ro_gref_read(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_READ, 1, 0, hv->ro_ref, 0, 7);
	hv_push(hv);
}

/* Half good, half bad: the request as a whole fails, the good map undone. */
static void c_mixed_grefs(struct hv *hv)
{
	struct blkif_request *req;

	hv_rw(hv, BLKIF_OP_READ, 4, 0, hv->data_ref[0], 0, 7);
	req = RING_GET_REQUEST(&hv->ring, hv->ring.req_prod_pvt - 1);
	req->u.rw.seg[2].gref = HV_BAD_GREF;
	hv_push(hv);
}

static void c_unknown_op(struct hv *hv)
{
	hv_rw(hv, 77, 1, 0, hv->data_ref[0], 0, 7);
	hv_push(hv);
}

static void c_flush_segs(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_FLUSH_DISKCACHE, 3, 0, HV_BAD_GREF, 0, 7);
	hv_push(hv);
}

static void c_ind_ok(struct hv *hv)
{
	hv_ind_fill(hv, 16);
	hv_indirect(hv, BLKIF_OP_READ, 16, 0, hv->ind_ref);
	hv_push(hv);
}

static void c_ind_seg0(struct hv *hv)
{
	hv_ind_fill(hv, 16);
	hv_indirect(hv, BLKIF_OP_READ, 0, 0, hv->ind_ref);
	hv_push(hv);
}

static void c_ind_too_many(struct hv *hv)
{
	hv_ind_fill(hv, 512);
	hv_indirect(hv, BLKIF_OP_READ, 0xffff, 0, hv->ind_ref);
	hv_push(hv);
}

static void c_ind_over_max(struct hv *hv)
{
	unsigned int n = hv->max_indirect ? hv->max_indirect + 1 : 257;

	hv_ind_fill(hv, 512);
	hv_indirect(hv, BLKIF_OP_READ, n, 0, hv->ind_ref);
	hv_push(hv);
}

static void c_ind_nested(struct hv *hv)
{
	hv_ind_fill(hv, 16);
	hv_indirect(hv, BLKIF_OP_INDIRECT, 16, 0, hv->ind_ref);
	hv_push(hv);
}

static void c_ind_unknown_op(struct hv *hv)
{
	hv_ind_fill(hv, 16);
	hv_indirect(hv, 77, 16, 0, hv->ind_ref);
	hv_push(hv);
}

static void c_ind_garbage(struct hv *hv)
{
	memset(page_address(hv->ind), 0xa5, PAGE_SIZE);
	hv_indirect(hv, BLKIF_OP_READ, 32, 0, hv->ind_ref);
	hv_push(hv);
}

static void c_ind_bad_gref(struct hv *hv)
{
	hv_ind_fill(hv, 16);
	hv_indirect(hv, BLKIF_OP_READ, 16, 0, HV_BAD_GREF);
	hv_push(hv);
}

/* The indirect page granted writable where read-only is enough: fine. */
static void c_ind_first_gt_last(struct hv *hv)
{
	struct blkif_request_segment *seg = page_address(hv->ind);

	hv_ind_fill(hv, 16);
	seg[7].first_sect = 6;
	seg[7].last_sect = 1;
	hv_indirect(hv, BLKIF_OP_READ, 16, 0, hv->ind_ref);
	hv_push(hv);
}

static void c_ind_past_end(struct hv *hv)
{
	hv_ind_fill(hv, 16);
	hv_indirect(hv, BLKIF_OP_READ, 16, hv->sectors - 8, hv->ind_ref);
	hv_push(hv);
}

static void c_discard_past_end(struct hv *hv)
{
	hv_discard(hv, hv->sectors, 8);
	hv_push(hv);
}

static void c_discard_wrap(struct hv *hv)
{
	hv_discard(hv, 8, ~0ULL - 4);
	hv_push(hv);
}

static void c_event_storm(struct hv *hv)
{
	unsigned int i;

	for (i = 0; i < 20000; i++) {
		notify_remote_via_irq(hv->irq);
		if (!(i % 1000))
			cond_resched();
	}
	hv_read_ok(hv);
	hv_push(hv);
}

/* Our keys rewritten over and over while connected. */
static void c_watch_flood(struct hv *hv)
{
	unsigned int i;

	for (i = 0; i < 200; i++) {
		xenbus_printf(XBT_NIL, hv->dev->nodename, "feature-persistent", "%u", i & 1);
		xenbus_printf(XBT_NIL, hv->dev->nodename, "ring-ref", "%u",
			      i & 1 ? HV_BAD_GREF : hv->ring_ref);
	}
	xenbus_printf(XBT_NIL, hv->dev->nodename, "ring-ref", "%u", hv->ring_ref);
	hv_read_ok(hv);
	hv_push(hv);
}

/* Producer moved past what the ring can hold. */
static void c_prod_jump(struct hv *hv)
{
	hv_read_ok(hv);
	hv->ring.req_prod_pvt += RING_SIZE(&hv->ring) + 1;
	hv_push(hv);
}

static void c_prod_huge(struct hv *hv)
{
	virt_wmb(); /* the requests before the producer, as the ring macros do */
	WRITE_ONCE(hv->ring.sring->req_prod, hv->ring.req_prod_pvt + 0x80000000U);
	notify_remote_via_irq(hv->irq);
}

/*
 * Requests after we said Closing.  The backend learns of Closing from a
 * xenstore watch, so requests that beat the watch may be answered; what
 * the case wants is the disconnect, so it waits for that (nr 3: more
 * responses than it asks for), not for the answers.
 */
static void c_after_closing(struct hv *hv)
{
	xenbus_switch_state(hv->dev, XenbusStateClosing);
	hv_read_ok(hv);
	hv_rw(hv, BLKIF_OP_WRITE, 1, 8, hv->data_ref[1], 0, 7);
	hv_push(hv);
}

static void c_ro_write(struct hv *hv)
{
	hv_rw(hv, BLKIF_OP_WRITE, 1, 8, hv->data_ref[1], 0, 7);
	hv_push(hv);
}

/* Handshakes. */

static void hs_write(struct hv *hv, const char *key, const char *fmt, u32 v)
{
	xenbus_printf(XBT_NIL, hv->dev->nodename, key, fmt, v);
}

static void hs_proto(struct hv *hv, const char *proto)
{
	xenbus_printf(XBT_NIL, hv->dev->nodename, "protocol", "%s", proto);
}

static void hs_normal(struct hv *hv)
{
	hs_write(hv, "ring-ref", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_bad_ring_ref(struct hv *hv)
{
	hs_write(hv, "ring-ref", "%u", HV_BAD_GREF);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_ring_ref_text(struct hv *hv)
{
	xenbus_printf(XBT_NIL, hv->dev->nodename, "ring-ref", "%s", "twelve");
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_order_huge(struct hv *hv)
{
	hs_write(hv, "ring-page-order", "%u", 9);
	hs_write(hv, "ring-ref0", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_order_missing_ref(struct hv *hv)
{
	hs_write(hv, "ring-page-order", "%u", 1);
	hs_write(hv, "ring-ref0", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_order_dup_ref(struct hv *hv)
{
	hs_write(hv, "ring-page-order", "%u", 1);
	hs_write(hv, "ring-ref0", "%u", hv->ring_ref);
	hs_write(hv, "ring-ref1", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_queues(struct hv *hv, u32 n)
{
	hs_write(hv, "multi-queue-num-queues", "%u", n);
	hs_write(hv, "ring-ref", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_queues_huge(struct hv *hv)
{
	hs_queues(hv, 1000);
}

static void hs_queues_zero(struct hv *hv)
{
	hs_queues(hv, 0);
}

/* Two queues announced, the keys of a single ring written. */
static void hs_queues_flat(struct hv *hv)
{
	hs_queues(hv, 2);
}

static void hs_bad_evtchn(struct hv *hv)
{
	hs_write(hv, "ring-ref", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", 65000);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_no_evtchn(struct hv *hv)
{
	hs_write(hv, "ring-ref", "%u", hv->ring_ref);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_bad_protocol(struct hv *hv)
{
	hs_write(hv, "ring-ref", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, "x86_99-abi");
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_connected_bare(struct hv *hv)
{
	xenbus_switch_state(hv->dev, XenbusStateConnected);
}

static void hs_state_flap(struct hv *hv)
{
	unsigned int i;

	hs_write(hv, "ring-ref", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	for (i = 0; i < 25; i++) {
		xenbus_printf(XBT_NIL, hv->dev->nodename, "state", "%d", XenbusStateInitialised);
		xenbus_printf(XBT_NIL, hv->dev->nodename, "state", "%d", XenbusStateInitialising);
	}
	xenbus_switch_state(hv->dev, XenbusStateInitialising);
	xenbus_switch_state(hv->dev, XenbusStateInitialised);
}

static void hs_state_garbage(struct hv *hv)
{
	hs_write(hv, "ring-ref", "%u", hv->ring_ref);
	hs_write(hv, "event-channel", "%u", hv->port);
	hs_proto(hv, XEN_IO_PROTO_ABI_NATIVE);
	xenbus_printf(XBT_NIL, hv->dev->nodename, "state", "%d", 77);
	msleep(500);
	xenbus_printf(XBT_NIL, hv->dev->nodename, "state", "%s", "x");
}

#define OK(n, fn)	{ n, "ok", NULL, fn, 1 }
#define ERR(n, fn)	{ n, "err", NULL, fn, 1 }
#define HS(n, fn, e)	{ n, e, fn, NULL, 0 }

static const struct hcase hcases[] = {
	/* Well-formed requests: the controls. */
	OK("ok-read", c_ok_read),
	OK("ok-write", c_ok_write),
	OK("write-ro-gref", c_write_ro_gref),
	OK("seg-same-gref", c_seg_same_gref),
	OK("seg-max", c_seg_max),
	{ "dup-ids", "ok", NULL, c_dup_ids, 2 },
	{ "ring-full", "ok", NULL, c_ring_full, 32 },
	OK("event-storm", c_event_storm),
	OK("watch-flood", c_watch_flood),
	/* Malformed requests: an error response, the device still usable. */
	ERR("seg0-read", c_seg0_read),
	ERR("seg0-write", c_seg0_write),
	{ "seg12", "err|disc", NULL, c_seg12, 1 },
	{ "seg255", "err|disc", NULL, c_seg255, 1 },
	ERR("first-gt-last", c_first_gt_last),
	ERR("last-past-page", c_last_past_page),
	ERR("first-past-page", c_first_past_page),
	ERR("sect-255", c_sect_255),
	ERR("past-end", c_past_end),
	ERR("straddle-end", c_straddle_end),
	ERR("sector-wrap", c_sector_wrap),
	ERR("bad-gref", c_bad_gref),
	ERR("bad-gref-write", c_bad_gref_write),
	ERR("revoked-gref", c_revoked_gref),
	ERR("ro-gref-read", c_ro_gref_read),
	ERR("mixed-grefs", c_mixed_grefs),
	ERR("unknown-op", c_unknown_op),
	{ "flush-segs", "ok|err", NULL, c_flush_segs, 1 },
	OK("ind-ok", c_ind_ok),
	ERR("ind-seg0", c_ind_seg0),
	{ "ind-too-many", "err|disc", NULL, c_ind_too_many, 1 },
	{ "ind-over-max", "err|disc", NULL, c_ind_over_max, 1 },
	ERR("ind-nested", c_ind_nested),
	ERR("ind-unknown-op", c_ind_unknown_op),
	ERR("ind-garbage", c_ind_garbage),
	ERR("ind-bad-gref", c_ind_bad_gref),
	ERR("ind-first-gt-last", c_ind_first_gt_last),
	ERR("ind-past-end", c_ind_past_end),
	ERR("discard-past-end", c_discard_past_end),
	ERR("discard-wrap", c_discard_wrap),
	ERR("ro-write", c_ro_write),
	/* Ring abuse: the device disconnected. */
	{ "prod-jump", "disc", NULL, c_prod_jump, 1 },
	{ "prod-huge", "disc", NULL, c_prod_huge, 1 },
	{ "after-closing", "disc", NULL, c_after_closing, 3 },
	/* Handshakes a backend must refuse (or survive). */
	HS("hs-normal", hs_normal, "conn"),
	HS("hs-bad-ring-ref", hs_bad_ring_ref, "noconn"),
	HS("hs-ring-ref-text", hs_ring_ref_text, "noconn"),
	HS("hs-order-huge", hs_order_huge, "noconn"),
	HS("hs-order-missing-ref", hs_order_missing_ref, "noconn"),
	HS("hs-order-dup-ref", hs_order_dup_ref, "conn|noconn"),
	HS("hs-queues-huge", hs_queues_huge, "noconn"),
	HS("hs-queues-zero", hs_queues_zero, "noconn"),
	HS("hs-queues-flat", hs_queues_flat, "noconn"),
	HS("hs-bad-evtchn", hs_bad_evtchn, "noconn"),
	HS("hs-no-evtchn", hs_no_evtchn, "noconn"),
	HS("hs-bad-protocol", hs_bad_protocol, "noconn"),
	HS("hs-connected-bare", hs_connected_bare, "noconn"),
	HS("hs-state-flap", hs_state_flap, "conn|noconn"),
	HS("hs-state-garbage", hs_state_garbage, "conn|noconn"),
};

static const struct hcase *hcase_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hcases); i++)
		if (strlen(hcases[i].name) == len && !strncmp(hcases[i].name, name, len))
			return &hcases[i];
	return NULL;
}

/* Responses. */

static irqreturn_t hv_interrupt(int irq, void *dev_id)
{
	struct hv *hv = dev_id;
	struct blkif_response rsp;
	unsigned long flags;
	RING_IDX prod, cons;
	int more;

	spin_lock_irqsave(&hv->lock, flags);
	do {
		prod = READ_ONCE(hv->ring.sring->rsp_prod);
		virt_rmb(); /* rsp_prod before the responses it covers */
		if (prod - hv->ring.rsp_cons > RING_SIZE(&hv->ring)) {
			hv->nr_bad++;
			hv->ring.rsp_cons = prod;
			break;
		}
		for (cons = hv->ring.rsp_cons; cons != prod; cons++) {
			RING_COPY_RESPONSE(&hv->ring, cons, &rsp);
			if ((rsp.id >> 16) != HV_ID_TAG) {
				hv->nr_bad++;
				continue;
			}
			hv->nr_rsp++;
			if (rsp.status != BLKIF_RSP_OKAY)
				hv->nr_err++;
		}
		hv->ring.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&hv->ring, more);
	} while (more);
	spin_unlock_irqrestore(&hv->lock, flags);
	wake_up(&hv->wq);
	return IRQ_HANDLED;
}

static void hv_reset(struct hv *hv)
{
	spin_lock_irq(&hv->lock);
	hv->nr_rsp = 0;
	hv->nr_err = 0;
	hv->nr_bad = 0;
	spin_unlock_irq(&hv->lock);
}

static bool hv_got(struct hv *hv, unsigned int nr)
{
	bool r;

	spin_lock_irq(&hv->lock);
	r = hv->gone || hv->removing || hv->nr_rsp + hv->nr_bad >= nr;
	spin_unlock_irq(&hv->lock);
	return r;
}

/* Wait for @nr responses, then a little longer for any extra ones. */
static void hv_wait(struct hv *hv, unsigned int nr)
{
	wait_event_timeout(hv->wq, hv_got(hv, nr), msecs_to_jiffies(case_ms));
	msleep(100);
}

static bool hv_expects(const struct hcase *c, const char *outcome)
{
	const char *p = c->expect;
	size_t n = strlen(outcome);

	while (p && *p) {
		if (!strncmp(p, outcome, n) && (p[n] == '|' || !p[n]))
			return true;
		p = strchr(p, '|');
		if (p)
			p++;
	}
	return false;
}

/* A well-formed read after the case: "alive", "dead" or "-" (gone). */
static const char *hv_alive(struct hv *hv)
{
	if (READ_ONCE(hv->gone))
		return "-";
	hv_reset(hv);
	hv_read_ok(hv);
	hv_push(hv);
	hv_wait(hv, 1);
	if (READ_ONCE(hv->gone))
		return "-";
	return hv->nr_rsp == 1 && !hv->nr_err && !hv->nr_bad ? "alive" : "dead";
}

static void hv_report(struct hv *hv, const struct hcase *c, const char *outcome,
		      unsigned long start)
{
	unsigned int bad = hv->nr_bad, rsp = hv->nr_rsp, err = hv->nr_err;
	unsigned int ms = jiffies_to_msecs(jiffies - start);
	const char *alive = hv_alive(hv);
	bool pass;

	bad += hv->nr_bad;
	pass = hv_expects(c, outcome) && !bad &&
	       (!strcmp(alive, "alive") || !strcmp(alive, "-"));
	pr_info("vbd %s case %s expect %s got %s %s%s %s (%u ms, rsp %u err %u)\n",
		hv->dev->nodename, c->name, c->expect, outcome, alive,
		bad ? " badid" : "", pass ? "PASS" : "FAIL", ms, rsp, err);
}

static const char *hv_outcome(struct hv *hv)
{
	if (READ_ONCE(hv->gone))
		return "disc";
	if (!hv->nr_rsp)
		return "none";
	return hv->nr_err ? "err" : "ok";
}

static void hv_work(struct work_struct *work)
{
	struct hv *hv = container_of(work, struct hv, work);
	const struct hcase *c;
	unsigned long start;
	char *p, *name;

	wait_event_timeout(hv->wq, READ_ONCE(hv->connected) || READ_ONCE(hv->gone) ||
			   READ_ONCE(hv->removing), msecs_to_jiffies(connect_ms));
	p = hv->list;
	if (hv->hs_case) {
		const char *got = hv->connected ? "conn" : "noconn";
		const char *alive = hv->connected ? hv_alive(hv) : "-";

		pr_info("vbd %s case %s expect %s got %s %s %s\n", hv->dev->nodename,
			hv->hs_case->name, hv->hs_case->expect, got, alive,
			hv_expects(hv->hs_case, got) && strcmp(alive, "dead") ? "PASS" : "FAIL");
		strsep(&p, ",");
	} else if (!hv->connected) {
		pr_info("vbd %s handshake: the backend did not connect\n", hv->dev->nodename);
		goto done;
	}
	while ((name = strsep(&p, ",")) && *name) {
		if (READ_ONCE(hv->gone) || READ_ONCE(hv->removing)) {
			pr_info("vbd %s case %s skipped: disconnected\n", hv->dev->nodename, name);
			continue;
		}
		c = hcase_find(name, strlen(name));
		if (!c || !c->run) {
			pr_info("vbd %s case %s: no such ring case\n", hv->dev->nodename, name);
			continue;
		}
		if (!hv->discard && !strncmp(c->name, "discard", 7))
			pr_info("vbd %s case %s: the backend has no feature-discard\n",
				hv->dev->nodename, name);
		hv_reset(hv);
		start = jiffies;
		c->run(hv);
		hv_wait(hv, c->nr);
		hv_report(hv, c, hv_outcome(hv), start);
	}
done:
	pr_info("vbd %s done\n", hv->dev->nodename);
}

/* Setup and teardown. */

static int hv_grant(struct hv *hv, struct page *page, bool ro, grant_ref_t *ref)
{
	int r = gnttab_grant_foreign_access(hv->dev->otherend_id,
					    xen_page_to_gfn(page), ro);

	if (r < 0)
		return r;
	*ref = r;
	return 0;
}

static void hv_free(struct hv *hv)
{
	unsigned int i;

	if (hv->irq > 0)
		unbind_from_irqhandler(hv->irq, hv);
	else if (hv->port)
		xenbus_free_evtchn(hv->dev, hv->port);
	if (hv->ring.sring)
		xenbus_teardown_ring((void **)&hv->ring.sring, 1, &hv->ring_ref);
	for (i = 0; i < HV_DATA_PAGES; i++)
		if (hv->data[i])
			gnttab_end_foreign_access(hv->data_ref[i], hv->data[i]);
	if (hv->ro)
		gnttab_end_foreign_access(hv->ro_ref, hv->ro);
	if (hv->ind)
		gnttab_end_foreign_access(hv->ind_ref, hv->ind);
	kfree(hv);
}

static struct page *hv_page(void)
{
	return alloc_page(GFP_KERNEL | __GFP_ZERO);
}

static int hv_setup(struct hv *hv)
{
	struct blkif_sring *sring;
	struct page *pg[HV_DATA_PAGES + 2] = { };
	unsigned int i;
	int err;

	err = xenbus_setup_ring(hv->dev, GFP_KERNEL, (void **)&sring, 1, &hv->ring_ref);
	if (err)
		return err;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&hv->ring, sring, XEN_PAGE_SIZE);
	err = xenbus_alloc_evtchn(hv->dev, &hv->port);
	if (err)
		return err;
	err = bind_evtchn_to_irqhandler(hv->port, hv_interrupt, 0, "xenpv-hostile-vbd", hv);
	if (err < 0)
		return err;
	hv->irq = err;
	for (i = 0; i < ARRAY_SIZE(pg); i++) {
		pg[i] = hv_page();
		if (!pg[i])
			goto free_pages;
	}
	for (i = 0; i < HV_DATA_PAGES; i++) {
		err = hv_grant(hv, pg[i], false, &hv->data_ref[i]);
		if (err)
			goto free_pages;
		hv->data[i] = pg[i];
		pg[i] = NULL;
	}
	memset(page_address(pg[i]), 0x5a, PAGE_SIZE);
	err = hv_grant(hv, pg[i], true, &hv->ro_ref);
	if (err)
		goto free_pages;
	hv->ro = pg[i];
	pg[i++] = NULL;
	err = hv_grant(hv, pg[i], true, &hv->ind_ref);
	if (err)
		goto free_pages;
	hv->ind = pg[i];
	pg[i] = NULL;
	return 0;

free_pages:
	for (i = 0; i < ARRAY_SIZE(pg); i++)
		if (pg[i])
			__free_page(pg[i]);
	return err ? err : -ENOMEM;
}

static int hv_probe(struct xenbus_device *dev, const struct xenbus_device_id *id)
{
	struct hv *hv;
	size_t len;
	int err;

	hv = kzalloc(sizeof(*hv), GFP_KERNEL);
	if (!hv)
		return -ENOMEM;
	hv->dev = dev;
	spin_lock_init(&hv->lock);
	init_waitqueue_head(&hv->wq);
	INIT_WORK(&hv->work, hv_work);
	strscpy(hv->list, cases, sizeof(hv->list));
	len = strcspn(hv->list, ",");
	if (!strncmp(hv->list, "hs-", 3)) {
		hv->hs_case = hcase_find(hv->list, len);
		if (!hv->hs_case) {
			pr_info("vbd %s: no such handshake case %.*s\n", dev->nodename,
				(int)len, hv->list);
			kfree(hv);
			return -EINVAL;
		}
	}
	dev_set_drvdata(&dev->dev, hv);
	err = hv_setup(hv);
	if (err) {
		xenbus_dev_fatal(dev, err, "hostile vbd setup");
		dev_set_drvdata(&dev->dev, NULL);
		hv_free(hv);
		return err;
	}
	pr_info("vbd %s: cases %s\n", dev->nodename, hv->list);
	return 0;
}

static void hv_backend_changed(struct xenbus_device *dev, enum xenbus_state state)
{
	struct hv *hv = dev_get_drvdata(&dev->dev);

	if (!hv)
		return;
	switch (state) {
	case XenbusStateInitWait:
		if (dev->state != XenbusStateInitialising)
			break;
		if (hv->hs_case)
			hv->hs_case->hs(hv);
		else
			hs_normal(hv);
		schedule_work(&hv->work);
		break;
	case XenbusStateConnected:
		if (hv->connected || hv->gone)
			break;
		hv->sectors = xenbus_read_unsigned(dev->otherend, "sectors", 0);
		hv->max_indirect = xenbus_read_unsigned(dev->otherend,
							"feature-max-indirect-segments", 0);
		hv->discard = xenbus_read_unsigned(dev->otherend, "feature-discard", 0);
		hv->readonly = xenbus_read_unsigned(dev->otherend, "info", 0) & VDISK_READONLY;
		if (dev->state != XenbusStateConnected)
			xenbus_switch_state(dev, XenbusStateConnected);
		WRITE_ONCE(hv->connected, true);
		wake_up(&hv->wq);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
		WRITE_ONCE(hv->gone, true);
		wake_up(&hv->wq);
		if (dev->state != XenbusStateClosed)
			xenbus_frontend_closed(dev);
		break;
	default:
		break;
	}
}

static void hv_remove(struct xenbus_device *dev)
{
	struct hv *hv = dev_get_drvdata(&dev->dev);

	if (!hv)
		return;
	WRITE_ONCE(hv->removing, true);
	wake_up(&hv->wq);
	cancel_work_sync(&hv->work);
	dev_set_drvdata(&dev->dev, NULL);
	hv_free(hv);
}

XENPV_DEFINE_REMOVE(hv_remove)

static const struct xenbus_device_id hv_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver hv_driver = {
	.name = "xenpv-hostile-vbd",
	.ids = hv_ids,
	.probe = hv_probe,
	.remove = hv_remove_cb,
	.otherend_changed = hv_backend_changed,
};

static int __init hv_init(void)
{
	if (!xen_domain() || xen_initial_domain())
		return -ENODEV;
	return xenbus_register_frontend(&hv_driver);
}
module_init(hv_init);

static void __exit hv_exit(void)
{
	xenbus_unregister_driver(&hv_driver);
}
module_exit(hv_exit);

MODULE_DESCRIPTION("xenpv test only: a block frontend that breaks blkif on purpose");
MODULE_LICENSE("GPL");
