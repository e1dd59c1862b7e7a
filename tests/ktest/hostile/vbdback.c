// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenpv-hostile-vbdback: a block backend that answers blkif wrong.
 *
 * Test-only (tests/ktest/hostile/, never installed).  Loaded in dom0 in
 * place of xen-blkback, it serves the vbds attached next with one case,
 * named by the "mode" parameter, against the domU's block frontend (ours
 * or Linux's in-tree one):
 *
 *	insmod xenpv-hostile-vbdback.ko mode=rsp-unknown-id
 *
 * It connects with a single ring of one page, serves no data (reads
 * return whatever the frontend's pages held) and misbehaves as the case
 * says: in its responses, in the ring indices, in the xenstore keys the
 * frontend reads, or in its state.  The scenario (hostile-front) judges
 * the frontend from outside: its state, what I/O on the disk returns,
 * that detaching works and that the domU logs no warning.  This module
 * prints one line per device when it goes away:
 *
 *	xenpv-hostile: vbdback <nodename> mode <m> requests <n> responses <n>
 */
#define pr_fmt(fmt) "xenpv-hostile: " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/protocols.h>
#include <xenpv/compat.h>

static char *mode = "normal";
module_param(mode, charp, 0644);
MODULE_PARM_DESC(mode, "The case the next vbds are served with");

#define HB_SECTORS	131072ULL	/* 64 MiB, the scenario's image */
#define HB_HELD		64

struct hb;

/**
 * struct bcase - one way of answering wrong.
 * @name: as given in the "mode" parameter.
 * @keys: writes the keys the frontend reads at Connected (after the
 *	normal ones, so it can override them); NULL: the normal ones only.
 * @respond: answers one request; NULL: BLKIF_RSP_OKAY.
 * @connected: runs in a work item once we are Connected.
 */
struct bcase {
	const char *name;
	void (*keys)(struct hb *hb, const char *dir);
	void (*respond)(struct hb *hb, const struct blkif_request *req);
	void (*connected)(struct hb *hb);
};

struct hb {
	struct xenbus_device *dev;
	const struct bcase *c;
	struct blkif_back_ring ring;
	void *ring_va;
	int irq;
	bool connected;
	bool halted;			/* producer overflow seen: no more work */
	struct mutex lock;		/* connect/disconnect vs the work items */
	struct work_struct ring_work;
	struct work_struct after_work;
	struct xenbus_watch pdev_watch;	/* the hotplug script's physical-device */
	bool watching;
	unsigned int nr_req;
	unsigned int nr_rsp;
	unsigned int nr_held;
	struct { u64 id; u8 op; } held[HB_HELD];
};

static void hb_push(struct hb *hb, u64 id, u8 op, s16 status)
{
	struct blkif_response *rsp;
	int notify;

	rsp = RING_GET_RESPONSE(&hb->ring, hb->ring.rsp_prod_pvt);
	memset(rsp, 0, sizeof(*rsp));
	rsp->id = id;
	rsp->operation = op;
	rsp->status = status;
	hb->ring.rsp_prod_pvt++;
	hb->nr_rsp++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&hb->ring, notify);
	notify_remote_via_irq(hb->irq);
}

static u64 hb_id(const struct blkif_request *req)
{
	return req->operation == BLKIF_OP_INDIRECT ? req->u.indirect.id : req->u.rw.id;
}

static void hb_hold(struct hb *hb, const struct blkif_request *req)
{
	if (hb->nr_held < HB_HELD) {
		hb->held[hb->nr_held].id = hb_id(req);
		hb->held[hb->nr_held].op = req->operation;
		hb->nr_held++;
	}
}

static void hb_release(struct hb *hb)
{
	unsigned int i;

	for (i = 0; i < hb->nr_held; i++)
		hb_push(hb, hb->held[i].id, hb->held[i].op, BLKIF_RSP_OKAY);
	hb->nr_held = 0;
}

/* Responses. */

static void r_unknown_id(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req) ^ 0x5a5a5a5aULL, req->operation, BLKIF_RSP_OKAY);
}

static void r_repeat(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req), req->operation, BLKIF_RSP_OKAY);
	hb_push(hb, hb_id(req), req->operation, BLKIF_RSP_OKAY);
}

static void r_wrong_op(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req), req->operation == BLKIF_OP_READ ?
		BLKIF_OP_WRITE : BLKIF_OP_READ, BLKIF_RSP_OKAY);
}

static void r_status_garbage(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req), req->operation, 0x1234);
}

static void r_status_eio(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req), req->operation, BLKIF_RSP_ERROR);
}

static void r_eopnotsupp(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req), req->operation, BLKIF_RSP_EOPNOTSUPP);
}

static void r_prod_past(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req), req->operation, BLKIF_RSP_OKAY);
	virt_wmb(); /* the response before the bogus producer */
	WRITE_ONCE(hb->ring.sring->rsp_prod,
		   hb->ring.rsp_prod_pvt + RING_SIZE(&hb->ring) + 3);
	notify_remote_via_irq(hb->irq);
}

static void r_prod_back(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req), req->operation, BLKIF_RSP_OKAY);
	virt_wmb(); /* the response before the bogus producer */
	WRITE_ONCE(hb->ring.sring->rsp_prod, hb->ring.rsp_prod_pvt - 5);
	notify_remote_via_irq(hb->irq);
}

static void r_never(struct hb *hb, const struct blkif_request *req)
{
}

/* The first request is left unanswered and we go Closing. */
static void r_closing_mid_io(struct hb *hb, const struct blkif_request *req)
{
	hb_hold(hb, req);
	if (hb->nr_held == 1)
		xenbus_switch_state(hb->dev, XenbusStateClosing);
}

/* Unsupported flush: the frontend must stop sending it. */
static void r_flush_unsupported(struct hb *hb, const struct blkif_request *req)
{
	hb_push(hb, hb_id(req), req->operation,
		req->operation == BLKIF_OP_FLUSH_DISKCACHE ||
		req->operation == BLKIF_OP_WRITE_BARRIER ?
		BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_OKAY);
}

/* Keys. */

static void k_sectors(const char *dir, unsigned long long n)
{
	xenbus_printf(XBT_NIL, dir, "sectors", "%llu", n);
}

static void k_sectors_zero(struct hb *hb, const char *dir)
{
	k_sectors(dir, 0);
}

static void k_sectors_huge(struct hb *hb, const char *dir)
{
	k_sectors(dir, ~0ULL);
}

static void k_sectors_missing(struct hb *hb, const char *dir)
{
	xenbus_rm(XBT_NIL, dir, "sectors");
}

static void k_sectors_text(struct hb *hb, const char *dir)
{
	xenbus_printf(XBT_NIL, dir, "sectors", "%s", "lots");
}

static void k_sector_size(const char *dir, unsigned int n)
{
	xenbus_printf(XBT_NIL, dir, "sector-size", "%u", n);
}

static void k_ss_513(struct hb *hb, const char *dir)
{
	k_sector_size(dir, 513);
}

static void k_ss_huge(struct hb *hb, const char *dir)
{
	k_sector_size(dir, 1U << 30);
}

static void k_ss_zero(struct hb *hb, const char *dir)
{
	k_sector_size(dir, 0);
}

static void k_pss_odd(struct hb *hb, const char *dir)
{
	xenbus_printf(XBT_NIL, dir, "physical-sector-size", "%u", 1000);
}

static void k_info_garbage(struct hb *hb, const char *dir)
{
	xenbus_printf(XBT_NIL, dir, "info", "%u", 0xffffffffU);
}

static void k_indirect_huge(struct hb *hb, const char *dir)
{
	xenbus_printf(XBT_NIL, dir, "feature-max-indirect-segments", "%u", 0xffffffffU);
}

static void k_discard_bad(struct hb *hb, const char *dir)
{
	xenbus_printf(XBT_NIL, dir, "feature-discard", "%u", 1);
	xenbus_printf(XBT_NIL, dir, "discard-granularity", "%u", 3);
	xenbus_printf(XBT_NIL, dir, "discard-alignment", "%u", 12345);
	xenbus_printf(XBT_NIL, dir, "discard-secure", "%u", 7);
}

static void k_flush_barrier(struct hb *hb, const char *dir)
{
	xenbus_printf(XBT_NIL, dir, "feature-flush-cache", "%u", 1);
	xenbus_printf(XBT_NIL, dir, "feature-barrier", "%u", 1);
}

static void k_persistent_on(struct hb *hb, const char *dir)
{
	xenbus_printf(XBT_NIL, dir, "feature-persistent", "%u", 1);
}

/* After Connected. */

static void a_unsolicited(struct hb *hb)
{
	hb_push(hb, 0, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	hb_push(hb, 1, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
}

static void a_event_storm(struct hb *hb)
{
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		notify_remote_via_irq(hb->irq);
		if (!(i % 1000))
			cond_resched();
	}
}

static void a_state_flap(struct hb *hb)
{
	unsigned int i;

	for (i = 0; i < 20; i++) {
		xenbus_printf(XBT_NIL, hb->dev->nodename, "state", "%d", XenbusStateInitWait);
		xenbus_printf(XBT_NIL, hb->dev->nodename, "state", "%d", XenbusStateConnected);
	}
}

static void a_state_garbage(struct hb *hb)
{
	xenbus_printf(XBT_NIL, hb->dev->nodename, "state", "%d", 77);
	msleep(1000);
	xenbus_printf(XBT_NIL, hb->dev->nodename, "state", "%d", XenbusStateConnected);
}

static void a_resize_flood(struct hb *hb)
{
	unsigned int i;

	for (i = 0; i < 300; i++)
		k_sectors(hb->dev->nodename, i & 1 ? HB_SECTORS / 2 : HB_SECTORS * 2);
	k_sectors(hb->dev->nodename, HB_SECTORS);
}

static void a_persistent_off(struct hb *hb)
{
	xenbus_printf(XBT_NIL, hb->dev->nodename, "feature-persistent", "%u", 0);
	xenbus_printf(XBT_NIL, hb->dev->nodename, "feature-max-indirect-segments", "%u", 0);
}

static const struct bcase bcases[] = {
	{ "normal" },
	{ "rsp-unknown-id", .respond = r_unknown_id },
	{ "rsp-repeat", .respond = r_repeat },
	{ "rsp-wrong-op", .respond = r_wrong_op },
	{ "rsp-status-garbage", .respond = r_status_garbage },
	{ "rsp-status-eio", .respond = r_status_eio },
	{ "rsp-eopnotsupp", .respond = r_eopnotsupp },
	{ "rsp-prod-past", .respond = r_prod_past },
	{ "rsp-prod-back", .respond = r_prod_back },
	{ "rsp-never", .respond = r_never },
	{ "rsp-unsolicited", .connected = a_unsolicited },
	{ "closing-mid-io", .respond = r_closing_mid_io },
	{ "rsp-after-closed", .respond = r_closing_mid_io },
	{ "flush-unsupported", .keys = k_flush_barrier, .respond = r_flush_unsupported },
	{ "event-storm", .connected = a_event_storm },
	{ "state-flap", .connected = a_state_flap },
	{ "state-garbage", .connected = a_state_garbage },
	{ "resize-flood", .connected = a_resize_flood },
	{ "sectors-zero", .keys = k_sectors_zero },
	{ "sectors-huge", .keys = k_sectors_huge },
	{ "sectors-missing", .keys = k_sectors_missing },
	{ "sectors-text", .keys = k_sectors_text },
	{ "sector-size-513", .keys = k_ss_513 },
	{ "sector-size-huge", .keys = k_ss_huge },
	{ "sector-size-zero", .keys = k_ss_zero },
	{ "physical-sector-size-odd", .keys = k_pss_odd },
	{ "info-garbage", .keys = k_info_garbage },
	{ "indirect-huge", .keys = k_indirect_huge },
	{ "discard-bad", .keys = k_discard_bad },
	{ "persistent-flap", .keys = k_persistent_on, .connected = a_persistent_off },
};

/* The ring. */

static void hb_ring_work(struct work_struct *work)
{
	struct hb *hb = container_of(work, struct hb, ring_work);
	struct blkif_request req;
	RING_IDX rc, rp;
	int more;

	mutex_lock(&hb->lock);
	if (!hb->connected || hb->halted)
		goto out_unlock;
	do {
		rp = READ_ONCE(hb->ring.sring->req_prod);
		virt_rmb(); /* req_prod before the requests it covers */
		if (rp - hb->ring.rsp_prod_pvt > RING_SIZE(&hb->ring)) {
			pr_info("vbdback %s: frontend producer overflow (%u - %u), halted\n",
				hb->dev->nodename, rp, hb->ring.rsp_prod_pvt);
			hb->halted = true;
			goto out_unlock;
		}
		for (rc = hb->ring.req_cons; rc != rp; rc++) {
			RING_COPY_REQUEST(&hb->ring, rc, &req);
			hb->ring.req_cons = rc + 1;
			hb->nr_req++;
			if (hb->c->respond)
				hb->c->respond(hb, &req);
			else
				hb_push(hb, hb_id(&req), req.operation, BLKIF_RSP_OKAY);
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&hb->ring, more);
	} while (more);
out_unlock:
	if (hb->irq > 0)
		xen_irq_lateeoi(hb->irq, 0);
	mutex_unlock(&hb->lock);
}

static irqreturn_t hb_interrupt(int irq, void *dev_id)
{
	struct hb *hb = dev_id;

	schedule_work(&hb->ring_work);
	return IRQ_HANDLED;
}

static void hb_after_work(struct work_struct *work)
{
	struct hb *hb = container_of(work, struct hb, after_work);

	if (hb->c->connected)
		hb->c->connected(hb);
}

/* Called with hb->lock held. */
static void hb_disconnect(struct hb *hb)
{
	if (hb->irq > 0) {
		unbind_from_irqhandler(hb->irq, hb);
		hb->irq = 0;
	}
	if (hb->ring_va) {
		xenbus_unmap_ring_vfree(hb->dev, hb->ring_va);
		hb->ring_va = NULL;
	}
	hb->connected = false;
}

static int hb_connect(struct hb *hb)
{
	struct xenbus_device *dev = hb->dev;
	const char *fe = dev->otherend;
	grant_ref_t ref;
	unsigned int port;
	int err;

	if (xenbus_read_unsigned(fe, "multi-queue-num-queues", 1) != 1 ||
	    xenbus_read_unsigned(fe, "ring-page-order", 0) != 0) {
		xenbus_dev_fatal(dev, -EINVAL, "hostile vbdback serves one ring of one page");
		return -EINVAL;
	}
	err = xenbus_scanf(XBT_NIL, fe, "ring-ref", "%u", &ref);
	if (err != 1)
		return -EINVAL;
	err = xenbus_scanf(XBT_NIL, fe, "event-channel", "%u", &port);
	if (err != 1)
		return -EINVAL;
	err = xenbus_map_ring_valloc(dev, &ref, 1, &hb->ring_va);
	if (err)
		return err;
	BACK_RING_INIT(&hb->ring, (struct blkif_sring *)hb->ring_va, XEN_PAGE_SIZE);
	err = bind_interdomain_evtchn_to_irqhandler_lateeoi(dev, port, hb_interrupt,
							    0, "hostile-vbdback", hb);
	if (err < 0)
		return err;
	hb->irq = err;

	k_sectors(dev->nodename, HB_SECTORS);
	xenbus_printf(XBT_NIL, dev->nodename, "info", "%u", 0);
	k_sector_size(dev->nodename, 512);
	xenbus_printf(XBT_NIL, dev->nodename, "physical-sector-size", "%u", 512);
	if (hb->c->keys)
		hb->c->keys(hb, dev->nodename);
	hb->connected = true;
	xenbus_switch_state(dev, XenbusStateConnected);
	schedule_work(&hb->after_work);
	schedule_work(&hb->ring_work);
	return 0;
}

/*
 * Connect once the frontend has published its ring and the toolstack's
 * hotplug script has written physical-device, as xen-blkback does: libxl
 * waits for the backend in InitWait before it runs the script, and a
 * backend already Connected by then fails xl block-attach.
 */
static void hb_try_connect(struct hb *hb)
{
	struct xenbus_device *dev = hb->dev;
	enum xenbus_state fe_state;
	char *pdev;

	mutex_lock(&hb->lock);
	fe_state = xenbus_read_driver_state(dev->otherend);
	if (hb->connected || dev->state != XenbusStateInitWait ||
	    (fe_state != XenbusStateInitialised && fe_state != XenbusStateConnected))
		goto out_unlock;
	pdev = xenbus_read(XBT_NIL, dev->nodename, "physical-device", NULL);
	if (IS_ERR(pdev))
		goto out_unlock;
	kfree(pdev);
	if (hb_connect(hb)) {
		hb_disconnect(hb);
		xenbus_switch_state(dev, XenbusStateClosing);
	}
out_unlock:
	mutex_unlock(&hb->lock);
}

static void hb_pdev_changed(struct xenbus_watch *watch, const char *path,
			    const char *token)
{
	hb_try_connect(container_of(watch, struct hb, pdev_watch));
}

static void hb_frontend_changed(struct xenbus_device *dev, enum xenbus_state state)
{
	struct hb *hb = dev_get_drvdata(&dev->dev);

	if (!hb)
		return;
	switch (state) {
	case XenbusStateInitialised:
	case XenbusStateConnected:
		hb_try_connect(hb);
		break;
	case XenbusStateClosing:
		mutex_lock(&hb->lock);
		hb_disconnect(hb);
		mutex_unlock(&hb->lock);
		xenbus_switch_state(dev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		mutex_lock(&hb->lock);
		/* rsp-after-closed: answer into a ring the frontend has let go. */
		if (hb->ring_va && !strcmp(hb->c->name, "rsp-after-closed"))
			hb_release(hb);
		hb_disconnect(hb);
		mutex_unlock(&hb->lock);
		xenbus_switch_state(dev, XenbusStateClosed);
		if (xenbus_dev_is_online(dev))
			break;
		fallthrough;
	case XenbusStateUnknown:
		device_unregister(&dev->dev);
		break;
	default:
		break;
	}
}

static int hb_probe(struct xenbus_device *dev, const struct xenbus_device_id *id)
{
	const struct bcase *c = NULL;
	struct hb *hb;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bcases); i++)
		if (sysfs_streq(bcases[i].name, mode))	/* "echo" adds a newline */
			c = &bcases[i];
	if (!c) {
		pr_info("vbdback %s: no such mode %s\n", dev->nodename, mode);
		return -EINVAL;
	}
	hb = kzalloc(sizeof(*hb), GFP_KERNEL);
	if (!hb)
		return -ENOMEM;
	hb->dev = dev;
	hb->c = c;
	mutex_init(&hb->lock);
	INIT_WORK(&hb->ring_work, hb_ring_work);
	INIT_WORK(&hb->after_work, hb_after_work);
	dev_set_drvdata(&dev->dev, hb);
	pr_info("vbdback %s: mode %s\n", dev->nodename, c->name);
	xenbus_switch_state(dev, XenbusStateInitWait);
	if (!xenbus_watch_pathfmt(dev, &hb->pdev_watch, NULL, hb_pdev_changed,
				  "%s/physical-device", dev->nodename))
		hb->watching = true;
	return 0;
}

static void hb_remove(struct xenbus_device *dev)
{
	struct hb *hb = dev_get_drvdata(&dev->dev);

	if (!hb)
		return;
	if (hb->watching) {
		unregister_xenbus_watch(&hb->pdev_watch);
		kfree(hb->pdev_watch.node);
	}
	cancel_work_sync(&hb->after_work);
	mutex_lock(&hb->lock);
	hb_disconnect(hb);
	mutex_unlock(&hb->lock);
	cancel_work_sync(&hb->ring_work);
	pr_info("vbdback %s mode %s requests %u responses %u\n", dev->nodename,
		hb->c->name, hb->nr_req, hb->nr_rsp);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(hb);
}

XENPV_DEFINE_REMOVE(hb_remove)

static const struct xenbus_device_id hb_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver hb_driver = {
	.name = "xenpv-hostile-vbdback",
	.ids = hb_ids,
	.probe = hb_probe,
	.remove = hb_remove_cb,
	.otherend_changed = hb_frontend_changed,
};

static int __init hb_init(void)
{
	if (!xen_initial_domain())
		return -ENODEV;
	return xenbus_register_backend(&hb_driver);
}
module_init(hb_init);

static void __exit hb_exit(void)
{
	xenbus_unregister_driver(&hb_driver);
}
module_exit(hb_exit);

MODULE_DESCRIPTION("xenpv test only: a block backend that answers blkif wrong");
MODULE_LICENSE("GPL");
