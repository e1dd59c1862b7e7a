// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenpv-hostile-vif: a network frontend that speaks netif wrong on purpose.
 *
 * Test-only (tests/ktest/hostile/, never installed).  Loaded in a domU
 * whose normal network frontend is out of the way, it binds to the vif
 * attached next (one queue, one event channel, rx-copy) and runs the
 * cases named by the "cases" parameter, one after the other, against
 * whatever backend dom0 runs (ours or Linux's in-tree netback):
 *
 *	insmod xenpv-hostile-vif.ko cases=ok-small,zero-len,slots-fatal
 *
 * Each case prints one line to the kernel log,
 *
 *	xenpv-hostile: vif <node> case <name> expect <a|b> got <outcome> <alive> PASS|FAIL
 *
 * where <outcome> is what the backend did with the case's TX requests:
 *	ok	every request answered XEN_NETIF_RSP_OKAY (or NULL for an
 *		extra-info slot)
 *	err	answered, at least one with ERROR or DROPPED
 *	none	no answer within the case's time
 *	disc	the backend left Connected (device disconnected)
 * and <alive> whether a well-formed frame sent right after the case was
 * still answered OKAY ("alive"), not ("dead"), or could not be sent
 * because the device is disconnected ("-").  A case passes when its
 * outcome is one it expects and the device is alive or disconnected (a
 * backend that silently stops serving a connected vif fails the case,
 * and the cases after it are skipped so that they run on a fresh vif).
 * Responses with ids never sent, or a response producer past the
 * requests, are counted ("badid") and fail the case.  Kernel crashes and
 * warnings in dom0 are the scenario's to see.
 *
 * The frames are Ethernet broadcasts of a local experimental ethertype
 * (0x88b5) from a locally administered MAC: they stay on the board's
 * bridge and nothing there answers them.
 */
#define pr_fmt(fmt) "xenpv-hostile: " fmt

#include <linux/delay.h>
#include <linux/if_ether.h>
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
#include <xen/interface/io/netif.h>
#include <xenpv/compat.h>

static char *cases = "ok-small";
module_param(cases, charp, 0644);
MODULE_PARM_DESC(cases, "Comma-separated cases to run on the next vif");

static unsigned int connect_ms = 120000;
module_param(connect_ms, uint, 0644);
MODULE_PARM_DESC(connect_ms, "How long to wait for the backend to connect (ms)");

static unsigned int case_ms = 4000;
module_param(case_ms, uint, 0644);
MODULE_PARM_DESC(case_ms, "How long a case waits for the backend (ms)");

#define HF_RX_BUFS	16		/* rx buffers kept posted */
#define HF_BAD_GREF	0x7ffffff0U
#define HF_ID_BASE	0x100U		/* tx ids we send: HF_ID_BASE + seq % 256 */
#define HF_FRAME	60		/* a minimal Ethernet frame */
#define HF_TX_RING	__CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)

struct hf;

/**
 * struct hcase - one hostile case.
 * @name: as given in the "cases" parameter.
 * @expect: the outcomes that are correct, '|'-separated.
 * @run: pushes the case's requests.
 * @nr: responses a well-behaved backend sends for the case's data slots
 *	(extra-info slots are answered NULL, not counted); 0 for a case
 *	that sends no request (it waits its whole time, or for a disconnect).
 */
struct hcase {
	const char *name;
	const char *expect;
	void (*run)(struct hf *hf);
	unsigned int nr;
};

struct hf {
	struct xenbus_device *dev;
	struct xen_netif_tx_front_ring tx;
	struct xen_netif_rx_front_ring rx;
	grant_ref_t tx_ref, rx_ref;
	evtchn_port_t port;
	int irq;
	struct page *data;			/* the frames, read-only to dom0 */
	grant_ref_t data_ref;
	struct page *rxbuf[HF_RX_BUFS];		/* writable to dom0 */
	grant_ref_t rxbuf_ref[HF_RX_BUFS];
	u16 seq;

	spinlock_t lock;		/* the rings' consumer side and counters */
	bool connected;
	bool gone;
	bool removing;
	unsigned int nr_rsp;
	unsigned int nr_err;
	unsigned int nr_bad;
	unsigned int nr_rx;
	wait_queue_head_t wq;

	struct work_struct work;
	char list[1024];
};

/* Requests. */

static struct xen_netif_tx_request *hf_slot(struct hf *hf, u16 size,
					    u16 offset, u16 flags)
{
	struct xen_netif_tx_request *req;

	req = RING_GET_REQUEST(&hf->tx, hf->tx.req_prod_pvt);
	memset(req, 0, sizeof(*req));
	req->gref = hf->data_ref;
	req->offset = offset;
	req->flags = flags;
	req->id = HF_ID_BASE + (hf->seq++ & 0xff);
	req->size = size;
	hf->tx.req_prod_pvt++;
	return req;
}

static struct xen_netif_extra_info *hf_extra(struct hf *hf, u8 type, u8 flags)
{
	struct xen_netif_extra_info *x;

	x = (struct xen_netif_extra_info *)RING_GET_REQUEST(&hf->tx, hf->tx.req_prod_pvt);
	memset(x, 0, sizeof(*x));
	x->type = type;
	x->flags = flags;
	hf->tx.req_prod_pvt++;
	return x;
}

static void hf_push(struct hf *hf)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&hf->tx, notify);
	notify_remote_via_irq(hf->irq);
}

/*
 * A frame of @total bytes in @n slots: the first slot carries @first
 * bytes (its size field is the whole frame), the others share the rest
 * evenly.  Offsets walk through the data page.
 */
static void hf_frame(struct hf *hf, unsigned int total, unsigned int first,
		     unsigned int n)
{
	unsigned int rest = total - first, each, off = first, i;

	hf_slot(hf, total, 0, n > 1 ? XEN_NETTXF_more_data : 0);
	for (i = 1; i < n; i++) {
		each = i == n - 1 ? rest : rest / (n - 1);
		hf_slot(hf, each, off % (XEN_PAGE_SIZE - each),
			i < n - 1 ? XEN_NETTXF_more_data : 0);
		rest -= each;
		off += each;
	}
}

/* Cases. */

static void c_ok_small(struct hf *hf)
{
	hf_frame(hf, HF_FRAME, HF_FRAME, 1);
	hf_push(hf);
}

static void c_ok_frags(struct hf *hf)
{
	hf_frame(hf, 1400, 200, 3);
	hf_push(hf);
}

/* XEN_NETIF_NR_SLOTS_MIN: a backend must take 18 slots. */
static void c_slots_18(struct hf *hf)
{
	hf_frame(hf, 18 * 80, 80, 18);
	hf_push(hf);
}

static void c_slots_19(struct hf *hf)
{
	hf_frame(hf, 19 * 80, 80, 19);
	hf_push(hf);
}

/* Past the default fatal_skb_slots (20). */
static void c_slots_fatal(struct hf *hf)
{
	hf_frame(hf, 24 * 60, 60, 24);
	hf_push(hf);
}

static void c_zero_len(struct hf *hf)
{
	hf_slot(hf, 0, 0, 0);
	hf_push(hf);
}

/* XSA-448 class: a zero-length fragment in the middle of a packet. */
static void c_zero_frag(struct hf *hf)
{
	hf_slot(hf, 200, 0, XEN_NETTXF_more_data);
	hf_slot(hf, 0, 256, XEN_NETTXF_more_data);
	hf_slot(hf, 100, 512, 0);
	hf_push(hf);
}

/* The first slot says the frame is smaller than its fragments. */
static void c_first_small(struct hf *hf)
{
	hf_slot(hf, 100, 0, XEN_NETTXF_more_data);
	hf_slot(hf, 300, 256, 0);
	hf_push(hf);
}

/* Slot data past the end of the granted page. */
static void c_offset_past_page(struct hf *hf)
{
	hf_slot(hf, 200, XEN_PAGE_SIZE - 100, 0);
	hf_push(hf);
}

/* The first slot smaller than an Ethernet header. */
static void c_runt(struct hf *hf)
{
	hf_slot(hf, 8, 0, 0);
	hf_push(hf);
}

/*
 * The first slot shorter than an Ethernet header, the rest of the frame
 * in tiny fragments: refused by both Linux's netback and ours ("Bad
 * packet size": the first slot must hold ETH_HLEN bytes).
 */
static void c_first_runt(struct hf *hf)
{
	unsigned int i;

	hf_slot(hf, 8 + 12 * 4, 0, XEN_NETTXF_more_data);
	for (i = 0; i < 12; i++)
		hf_slot(hf, 4, 8 + i * 4, i < 11 ? XEN_NETTXF_more_data : 0);
	hf_push(hf);
}

/*
 * XSA-423/432 class: the Ethernet header in the first slot, everything
 * after it in 4-byte fragments.
 */
static void c_header_split(struct hf *hf)
{
	unsigned int i;

	hf_slot(hf, ETH_HLEN + 12 * 4, 0, XEN_NETTXF_more_data);
	for (i = 0; i < 12; i++)
		hf_slot(hf, 4, ETH_HLEN + i * 4, i < 11 ? XEN_NETTXF_more_data : 0);
	hf_push(hf);
}

static void c_bad_gref(struct hf *hf)
{
	struct xen_netif_tx_request *req = hf_slot(hf, HF_FRAME, 0, 0);

	req->gref = HF_BAD_GREF;
	hf_push(hf);
}

static void c_bad_gref_frag(struct hf *hf)
{
	struct xen_netif_tx_request *req;

	hf_slot(hf, 400, 0, XEN_NETTXF_more_data);
	req = hf_slot(hf, 200, 256, 0);
	req->gref = HF_BAD_GREF;
	hf_push(hf);
}

/* The longest frame the size field can say, in one slot. */
static void c_size_max(struct hf *hf)
{
	hf_slot(hf, 0xffff, 0, 0);
	hf_push(hf);
}

static void c_gso(struct hf *hf, u16 size, u8 type, u8 xflags)
{
	struct xen_netif_extra_info *x;

	hf_slot(hf, HF_FRAME, 0, XEN_NETTXF_extra_info | XEN_NETTXF_csum_blank);
	x = hf_extra(hf, XEN_NETIF_EXTRA_TYPE_GSO, xflags);
	x->u.gso.size = size;
	x->u.gso.type = type;
	hf_push(hf);
}

static void c_gso_size0(struct hf *hf)
{
	c_gso(hf, 0, XEN_NETIF_GSO_TYPE_TCPV4, 0);
}

static void c_gso_type_bad(struct hf *hf)
{
	c_gso(hf, 1400, 99, 0);
}

/* An extra-info chain that never ends: every slot says "more". */
static void c_extra_chain(struct hf *hf)
{
	unsigned int i;

	hf_slot(hf, HF_FRAME, 0, XEN_NETTXF_extra_info);
	for (i = 0; i < 8; i++)
		hf_extra(hf, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, XEN_NETIF_EXTRA_FLAG_MORE);
	hf_extra(hf, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0);
	hf_push(hf);
}

static void c_extra_unknown(struct hf *hf)
{
	hf_slot(hf, HF_FRAME, 0, XEN_NETTXF_extra_info);
	hf_extra(hf, 0x77, 0);
	hf_push(hf);
}

/* Two frames with the same request id. */
static void c_dup_ids(struct hf *hf)
{
	struct xen_netif_tx_request *a, *b;

	a = hf_slot(hf, HF_FRAME, 0, 0);
	b = hf_slot(hf, HF_FRAME, 0, 0);
	b->id = a->id;
	hf_push(hf);
}

static void c_ring_full(struct hf *hf)
{
	unsigned int i;

	for (i = 0; i < RING_SIZE(&hf->tx); i++)
		hf_slot(hf, HF_FRAME, 0, 0);
	hf_push(hf);
}

static void c_event_storm(struct hf *hf)
{
	unsigned int i;

	for (i = 0; i < 20000; i++)
		notify_remote_via_irq(hf->irq);
}

/* Request producer far past what the ring holds (XSA-155 class). */
static void c_prod_jump(struct hf *hf)
{
	hf_slot(hf, HF_FRAME, 0, 0);
	hf->tx.req_prod_pvt += RING_SIZE(&hf->tx) + 7;
	hf_push(hf);
}

static void c_rx_prod_jump(struct hf *hf)
{
	spin_lock_irq(&hf->lock);
	hf->rx.req_prod_pvt += RING_SIZE(&hf->rx) + 7;
	virt_wmb(); /* as RING_PUSH_REQUESTS: nothing new to publish but the index */
	WRITE_ONCE(hf->rx.sring->req_prod, hf->rx.req_prod_pvt);
	spin_unlock_irq(&hf->lock);
	/*
	 * The backend reads the rx ring when it has a frame for us: the
	 * scenario keeps dom0 broadcasting while the cases run, and the
	 * case waits its whole time for the disconnect.
	 */
	notify_remote_via_irq(hf->irq);
}

#define OK(n, f, nr)	{ n, "ok", f, nr }
#define ERR(n, f, nr)	{ n, "err|disc", f, nr }

static const struct hcase hcases[] = {
	OK("ok-small", c_ok_small, 1),
	OK("ok-frags", c_ok_frags, 3),
	OK("slots-18", c_slots_18, 18),
	{ "slots-19", "ok|err|disc", c_slots_19, 19 },
	ERR("slots-fatal", c_slots_fatal, 24),
	ERR("zero-len", c_zero_len, 1),
	{ "zero-frag", "ok|err|disc", c_zero_frag, 3 },
	ERR("first-small", c_first_small, 2),
	ERR("offset-past-page", c_offset_past_page, 1),
	{ "runt", "ok|err|disc", c_runt, 1 },
	{ "header-split", "ok|err", c_header_split, 13 },
	ERR("first-runt", c_first_runt, 13),
	ERR("bad-gref", c_bad_gref, 1),
	ERR("bad-gref-frag", c_bad_gref_frag, 2),
	ERR("size-max", c_size_max, 1),
	ERR("gso-size0", c_gso_size0, 1),
	ERR("gso-type-bad", c_gso_type_bad, 1),
	{ "extra-chain", "ok|err|disc", c_extra_chain, 1 },
	{ "extra-unknown", "err|disc", c_extra_unknown, 1 },
	OK("dup-ids", c_dup_ids, 2),
	OK("ring-full", c_ring_full, HF_TX_RING),
	{ "event-storm", "none", c_event_storm, 0 },
	{ "prod-jump", "disc", c_prod_jump, 1 },
	{ "rx-prod-jump", "disc", c_rx_prod_jump, 0 },
};

static const struct hcase *hcase_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hcases); i++)
		if (!strcmp(hcases[i].name, name))
			return &hcases[i];
	return NULL;
}

/* Responses. */

static void hf_rx_post(struct hf *hf, u16 id)
{
	struct xen_netif_rx_request *req;

	req = RING_GET_REQUEST(&hf->rx, hf->rx.req_prod_pvt);
	req->id = id;
	req->gref = hf->rxbuf_ref[id];
	hf->rx.req_prod_pvt++;
}

/* Under hf->lock: consume rx responses, repost their buffers. */
static void hf_rx_poll(struct hf *hf)
{
	struct xen_netif_rx_response rsp;
	RING_IDX prod, cons;
	int notify;

	prod = READ_ONCE(hf->rx.sring->rsp_prod);
	virt_rmb(); /* rsp_prod before the responses it covers */
	if (prod - hf->rx.rsp_cons > hf->rx.req_prod_pvt - hf->rx.rsp_cons) {
		hf->nr_bad++;
		hf->rx.rsp_cons = prod;
		return;
	}
	for (cons = hf->rx.rsp_cons; cons != prod; cons++) {
		RING_COPY_RESPONSE(&hf->rx, cons, &rsp);
		hf->nr_rx++;
		if (rsp.id < HF_RX_BUFS && !(rsp.flags & XEN_NETRXF_extra_info))
			hf_rx_post(hf, rsp.id);
	}
	hf->rx.rsp_cons = prod;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&hf->rx, notify);
	if (notify)
		notify_remote_via_irq(hf->irq);
}

static irqreturn_t hf_interrupt(int irq, void *dev_id)
{
	struct hf *hf = dev_id;
	struct xen_netif_tx_response rsp;
	unsigned long flags;
	RING_IDX prod, cons;
	int more;

	spin_lock_irqsave(&hf->lock, flags);
	do {
		prod = READ_ONCE(hf->tx.sring->rsp_prod);
		virt_rmb(); /* rsp_prod before the responses it covers */
		if (prod - hf->tx.rsp_cons > hf->tx.req_prod_pvt - hf->tx.rsp_cons) {
			hf->nr_bad++;
			hf->tx.rsp_cons = prod;
			break;
		}
		for (cons = hf->tx.rsp_cons; cons != prod; cons++) {
			RING_COPY_RESPONSE(&hf->tx, cons, &rsp);
			if (rsp.status == XEN_NETIF_RSP_NULL)
				continue;
			if (rsp.id < HF_ID_BASE || rsp.id > HF_ID_BASE + 0xff) {
				hf->nr_bad++;
				continue;
			}
			hf->nr_rsp++;
			if (rsp.status != XEN_NETIF_RSP_OKAY)
				hf->nr_err++;
		}
		hf->tx.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&hf->tx, more);
	} while (more);
	if (hf->connected)
		hf_rx_poll(hf);
	spin_unlock_irqrestore(&hf->lock, flags);
	wake_up(&hf->wq);
	return IRQ_HANDLED;
}

static void hf_reset(struct hf *hf)
{
	spin_lock_irq(&hf->lock);
	hf->nr_rsp = 0;
	hf->nr_err = 0;
	hf->nr_bad = 0;
	spin_unlock_irq(&hf->lock);
}

static bool hf_got(struct hf *hf, unsigned int nr)
{
	bool r;

	spin_lock_irq(&hf->lock);
	r = hf->gone || hf->removing || (nr && hf->nr_rsp + hf->nr_bad >= nr);
	spin_unlock_irq(&hf->lock);
	return r;
}

/* Wait for the responses of @nr data slots, then a little longer for more. */
static void hf_wait(struct hf *hf, unsigned int nr)
{
	wait_event_timeout(hf->wq, hf_got(hf, nr), msecs_to_jiffies(case_ms));
	msleep(200);
}

static bool hf_expects(const struct hcase *c, const char *outcome)
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

/* A well-formed frame after the case: "alive", "dead" or "-" (gone). */
static const char *hf_alive(struct hf *hf)
{
	if (READ_ONCE(hf->gone))
		return "-";
	hf_reset(hf);
	c_ok_small(hf);
	hf_wait(hf, 1);
	if (READ_ONCE(hf->gone))
		return "-";
	return hf->nr_rsp == 1 && !hf->nr_err && !hf->nr_bad ? "alive" : "dead";
}

static const char *hf_outcome(struct hf *hf)
{
	if (READ_ONCE(hf->gone))
		return "disc";
	if (!hf->nr_rsp)
		return "none";
	return hf->nr_err ? "err" : "ok";
}

static void hf_work(struct work_struct *work)
{
	struct hf *hf = container_of(work, struct hf, work);
	unsigned int rsp, err, bad, ms;
	const struct hcase *c;
	const char *outcome, *alive;
	unsigned long start;
	char *p, *name;
	bool pass, dead = false;

	wait_event_timeout(hf->wq, READ_ONCE(hf->connected) || READ_ONCE(hf->gone) ||
			   READ_ONCE(hf->removing), msecs_to_jiffies(connect_ms));
	if (!READ_ONCE(hf->connected)) {
		pr_info("vif %s handshake: the backend did not connect\n", hf->dev->nodename);
		goto done;
	}
	p = hf->list;
	while ((name = strsep(&p, ",")) && *name) {
		if (READ_ONCE(hf->gone) || READ_ONCE(hf->removing) || dead) {
			pr_info("vif %s case %s skipped: %s\n", hf->dev->nodename, name,
				dead ? "the device no longer answers" : "disconnected");
			continue;
		}
		c = hcase_find(name);
		if (!c) {
			pr_info("vif %s case %s: no such case\n", hf->dev->nodename, name);
			continue;
		}
		hf_reset(hf);
		start = jiffies;
		c->run(hf);
		hf_wait(hf, c->nr);
		outcome = hf_outcome(hf);
		rsp = hf->nr_rsp;
		err = hf->nr_err;
		bad = hf->nr_bad;
		ms = jiffies_to_msecs(jiffies - start);
		alive = hf_alive(hf);
		bad += hf->nr_bad;
		pass = hf_expects(c, outcome) && !bad &&
		       (!strcmp(alive, "alive") || !strcmp(alive, "-"));
		pr_info("vif %s case %s expect %s got %s %s%s %s (%u ms, rsp %u err %u rx %u)\n",
			hf->dev->nodename, c->name, c->expect, outcome, alive,
			bad ? " badid" : "", pass ? "PASS" : "FAIL", ms, rsp, err,
			READ_ONCE(hf->nr_rx));
		/* The next cases get a fresh vif (the scenario re-attaches). */
		dead = !strcmp(alive, "dead");
	}
done:
	pr_info("vif %s done\n", hf->dev->nodename);
}

/* Setup and teardown. */

static int hf_grant(struct hf *hf, struct page *page, bool ro, grant_ref_t *ref)
{
	int r = gnttab_grant_foreign_access(hf->dev->otherend_id,
					    xen_page_to_gfn(page), ro);

	if (r < 0)
		return r;
	*ref = r;
	return 0;
}

static void hf_free(struct hf *hf)
{
	unsigned int i;

	if (hf->irq > 0)
		unbind_from_irqhandler(hf->irq, hf);
	else if (hf->port)
		xenbus_free_evtchn(hf->dev, hf->port);
	if (hf->tx.sring)
		xenbus_teardown_ring((void **)&hf->tx.sring, 1, &hf->tx_ref);
	if (hf->rx.sring)
		xenbus_teardown_ring((void **)&hf->rx.sring, 1, &hf->rx_ref);
	if (hf->data)
		gnttab_end_foreign_access(hf->data_ref, hf->data);
	for (i = 0; i < HF_RX_BUFS; i++)
		if (hf->rxbuf[i])
			gnttab_end_foreign_access(hf->rxbuf_ref[i], hf->rxbuf[i]);
	kfree(hf);
}

/* The frame every case sends: a broadcast of ethertype 0x88b5. */
static void hf_fill(u8 *p)
{
	static const u8 hdr[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0x16, 0x3e, 0x5a, 0x5a, 0x01,
		0x88, 0xb5,
	};

	memset(p, 0x5a, XEN_PAGE_SIZE);
	memcpy(p, hdr, sizeof(hdr));
}

static int hf_setup(struct hf *hf)
{
	struct xen_netif_tx_sring *txs;
	struct xen_netif_rx_sring *rxs;
	struct page *pg;
	unsigned int i;
	int err;

	err = xenbus_setup_ring(hf->dev, GFP_KERNEL, (void **)&txs, 1, &hf->tx_ref);
	if (err)
		return err;
	SHARED_RING_INIT(txs);
	FRONT_RING_INIT(&hf->tx, txs, XEN_PAGE_SIZE);
	err = xenbus_setup_ring(hf->dev, GFP_KERNEL, (void **)&rxs, 1, &hf->rx_ref);
	if (err)
		return err;
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&hf->rx, rxs, XEN_PAGE_SIZE);
	err = xenbus_alloc_evtchn(hf->dev, &hf->port);
	if (err)
		return err;
	err = bind_evtchn_to_irqhandler(hf->port, hf_interrupt, 0, "xenpv-hostile-vif", hf);
	if (err < 0)
		return err;
	hf->irq = err;

	pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pg)
		return -ENOMEM;
	hf_fill(page_address(pg));
	err = hf_grant(hf, pg, true, &hf->data_ref);
	if (err) {
		__free_page(pg);
		return err;
	}
	hf->data = pg;
	for (i = 0; i < HF_RX_BUFS; i++) {
		pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pg)
			return -ENOMEM;
		err = hf_grant(hf, pg, false, &hf->rxbuf_ref[i]);
		if (err) {
			__free_page(pg);
			return err;
		}
		hf->rxbuf[i] = pg;
		hf_rx_post(hf, i);
	}
	/* Posted before the backend connects: it reads req_prod then. */
	virt_wmb();
	WRITE_ONCE(hf->rx.sring->req_prod, hf->rx.req_prod_pvt);
	return 0;
}

/* The keys of a plain one-queue, rx-copy, SG-capable frontend. */
static int hf_publish(struct hf *hf)
{
	struct xenbus_device *dev = hf->dev;
	struct xenbus_transaction xbt;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err)
		return err;
	err = xenbus_printf(xbt, dev->nodename, "tx-ring-ref", "%u", hf->tx_ref);
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, "rx-ring-ref", "%u", hf->rx_ref);
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, "event-channel", "%u", hf->port);
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, "request-rx-copy", "1");
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, "feature-rx-notify", "1");
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, "feature-sg", "1");
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, "feature-gso-tcpv4", "1");
	if (err) {
		xenbus_transaction_end(xbt, 1);
		return err;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	return err;
}

static int hf_probe(struct xenbus_device *dev, const struct xenbus_device_id *id)
{
	struct hf *hf;
	int err;

	hf = kzalloc(sizeof(*hf), GFP_KERNEL);
	if (!hf)
		return -ENOMEM;
	hf->dev = dev;
	spin_lock_init(&hf->lock);
	init_waitqueue_head(&hf->wq);
	INIT_WORK(&hf->work, hf_work);
	strscpy(hf->list, cases, sizeof(hf->list));
	dev_set_drvdata(&dev->dev, hf);
	err = hf_setup(hf);
	if (err) {
		xenbus_dev_fatal(dev, err, "hostile vif setup");
		dev_set_drvdata(&dev->dev, NULL);
		hf_free(hf);
		return err;
	}
	pr_info("vif %s: cases %s\n", dev->nodename, hf->list);
	return 0;
}

static void hf_backend_changed(struct xenbus_device *dev, enum xenbus_state state)
{
	struct hf *hf = dev_get_drvdata(&dev->dev);
	int err;

	if (!hf)
		return;
	switch (state) {
	case XenbusStateInitWait:
		if (dev->state != XenbusStateInitialising)
			break;
		err = hf_publish(hf);
		if (err) {
			xenbus_dev_fatal(dev, err, "writing the hostile vif's keys");
			break;
		}
		xenbus_switch_state(dev, XenbusStateConnected);
		schedule_work(&hf->work);
		break;
	case XenbusStateConnected:
		if (hf->connected || hf->gone)
			break;
		spin_lock_irq(&hf->lock);
		WRITE_ONCE(hf->connected, true);
		spin_unlock_irq(&hf->lock);
		wake_up(&hf->wq);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
		WRITE_ONCE(hf->gone, true);
		wake_up(&hf->wq);
		if (dev->state != XenbusStateClosed)
			xenbus_frontend_closed(dev);
		break;
	default:
		break;
	}
}

static void hf_remove(struct xenbus_device *dev)
{
	struct hf *hf = dev_get_drvdata(&dev->dev);

	if (!hf)
		return;
	WRITE_ONCE(hf->removing, true);
	wake_up(&hf->wq);
	cancel_work_sync(&hf->work);
	dev_set_drvdata(&dev->dev, NULL);
	hf_free(hf);
}

XENPV_DEFINE_REMOVE(hf_remove)

static const struct xenbus_device_id hf_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver hf_driver = {
	.name = "xenpv-hostile-vif",
	.ids = hf_ids,
	.probe = hf_probe,
	.remove = hf_remove_cb,
	.otherend_changed = hf_backend_changed,
};

static int __init hf_init(void)
{
	if (!xen_domain() || xen_initial_domain())
		return -ENODEV;
	return xenbus_register_frontend(&hf_driver);
}
module_init(hf_init);

static void __exit hf_exit(void)
{
	xenbus_unregister_driver(&hf_driver);
}
module_exit(hf_exit);

MODULE_DESCRIPTION("xenpv test only: a network frontend that breaks netif on purpose");
MODULE_LICENSE("GPL");
