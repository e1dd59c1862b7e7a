// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenpv-hvc: Xen PV consoles on the hvc layer.
 *
 * The primary console (hvc0) is the ring page the toolstack set up at
 * domain build: start_info on x86 PV, the HVM parameters on ARM and PVH.
 * It is ours only where the kernel has no built-in Xen console.  Every
 * further console is a xenbus device of type "console" (ring-ref + port
 * published by us) and becomes hvc1, hvc2...
 *
 * Both kinds share one data path.  The peer's ring indices are read once
 * and checked (include/xenpv/console.h); nonsense gets the console
 * disconnected.  Output that does not fit the ring waits: put_chars
 * answers -EAGAIN, which the tty path keeps buffered and the kernel
 * console path retries through flush(); only a backend that consumes
 * nothing for stall_ms makes kernel console output be dropped, counted.
 * Event channels use late EOI; events that find no work are counted as
 * spurious.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <xen/xen.h>
#include <xen/events.h>
#include <xen/hvm.h>
#include <xen/page.h>
#include <xen/interface/hvm/params.h>
#include <xenpv/console.h>
#include "../xenbus/xenpv_bus.h"

#define XENCONS_MAX		16	/* vterms: hvc's MAX_NR_HVC_CONSOLES */
#define XENCONS_OUTBUF		256	/* hvc's own output buffer */
#define XENCONS_SPIN_US		10	/* kernel console wait step */

static unsigned int stall_ms = 2000;
module_param(stall_ms, uint, 0644);
MODULE_PARM_DESC(stall_ms,
		 "ms the kernel console waits for a backend that consumes nothing before dropping (counted)");

/**
 * struct xencons - one console.
 * @vtermno: our hvc vterm number and index in xencons_table (0: primary).
 * @intf: the shared ring page.
 * @hvc: the hvc instance, NULL until allocated.
 * @out_lock: serialises output (tty and kernel console paths).
 * @in_lock: serialises input.
 * @out_prod: our output producer (the shared one is only written).
 * @in_cons: our input consumer.
 * @seen_out_cons: backend output consumer at the last event.
 * @stall_us: time the kernel console has waited on a full ring.
 * @dropping: the backend stalled for stall_ms: output is dropped.
 * @dropped: bytes dropped so.
 * @broken: the backend broke the ring; it is not touched any more.
 * @broken_what: which ring ("input", "output"), for the report.
 * @broken_prod: the producer index seen then.
 * @broken_cons: the consumer index seen then.
 * @broken_work: reports a broken ring and disconnects (process context).
 * @primary: the domain's own console (no xenbus device).
 * @irq: primary: our lateeoi IRQ.
 * @evtchn: primary: its port.
 * @events: primary: EOIs sent.
 * @spurious: primary: events that found no work.
 * @mutex: secondary: serialises connect and disconnect.
 * @xd: secondary: the core's device.
 * @ring: secondary: the granted page.
 * @ch: secondary: the event channel.
 */
struct xencons {
	u32 vtermno;
	struct xencons_interface *intf;
	struct hvc_struct *hvc;
	spinlock_t out_lock;	/* output ring and its accounting */
	spinlock_t in_lock;	/* input ring */
	u32 out_prod;
	u32 in_cons;
	u32 seen_out_cons;
	unsigned int stall_us;
	bool dropping;
	u64 dropped;
	bool broken;
	const char *broken_what;
	u32 broken_prod;
	u32 broken_cons;
	struct work_struct broken_work;
	bool primary;
	int irq;
	evtchn_port_t evtchn;
	atomic_long_t events;
	atomic_long_t spurious;
	struct mutex mutex;	/* secondary: connect/disconnect */
	struct xenpv_dev xd;
	struct xenpv_ring ring;
	struct xenpv_evtchn ch;
};

/* vterm -> console; readers under RCU, writers under xencons_table_lock. */
static struct xencons __rcu *xencons_table[XENCONS_MAX];
static DEFINE_MUTEX(xencons_table_lock);
static struct xencons *xencons_primary;
static struct dentry *xencons_debugfs;

static void xencons_notify(struct xencons *c)
{
	if (c->primary)
		notify_remote_via_evtchn(c->evtchn);
	else
		xenpv_evtchn_notify(&c->ch);
}

/*
 * The backend wrote nonsense: stop using the ring.  Any context, also
 * under our ring locks, so nothing is printed here (printk could come
 * back into put_chars): the work item reports it.
 */
static void xencons_break(struct xencons *c, const char *what, u32 prod,
			  u32 cons)
{
	if (c->broken)
		return;
	c->broken_what = what;
	c->broken_prod = prod;
	c->broken_cons = cons;
	WRITE_ONCE(c->broken, true);
	schedule_work(&c->broken_work);
}

static void xencons_report_broken(struct xencons *c)
{
	pr_err("hvc vterm %u: backend broke the %s ring (prod %u cons %u): disconnecting\n",
	       c->vtermno, c->broken_what, c->broken_prod, c->broken_cons);
}

static xenpv_hvc_ret_t xencons_put_chars(u32 vtermno,
					 const xenpv_hvc_char_t *buf,
					 xenpv_hvc_len_t count)
{
	struct xencons *c;
	unsigned long flags;
	u32 cons, n;
	int room;
	xenpv_hvc_ret_t ret;

	if (vtermno >= XENCONS_MAX)
		return -ENODEV;
	rcu_read_lock();
	c = rcu_dereference(xencons_table[vtermno]);
	if (!c) {
		rcu_read_unlock();
		return -ENODEV;
	}
	spin_lock_irqsave(&c->out_lock, flags);
	if (c->broken) {
		ret = -EIO;
		goto out_unlock;
	}
	cons = READ_ONCE(c->intf->out_cons);
	room = xenpv_cons_writable(c->out_prod, cons, XENPV_CONS_OUT_SIZE);
	if (room < 0) {
		xencons_break(c, "output", c->out_prod, cons);
		ret = -EIO;
		goto out_unlock;
	}
	if (room == 0) {
		if (c->dropping) {
			c->dropped += count;
			ret = count;
		} else {
			xencons_notify(c);
			ret = -EAGAIN;
		}
		goto out_unlock;
	}
	c->stall_us = 0;
	c->dropping = false;
	/*
	 * The consumer index before our stores into the bytes it freed:
	 * on ARM a later store may otherwise pass the load, and the
	 * backend could read bytes we overwrite (the in-tree driver's
	 * mb() after reading the indices).
	 */
	virt_mb();
	n = xenpv_cons_copy_in(c->intf->out, XENPV_CONS_OUT_SIZE, c->out_prod,
			       room, (const char *)buf, count);
	/* The bytes before the index that publishes them. */
	virt_wmb();
	c->out_prod += n;
	WRITE_ONCE(c->intf->out_prod, c->out_prod);
	xencons_notify(c);
	ret = n;
out_unlock:
	spin_unlock_irqrestore(&c->out_lock, flags);
	rcu_read_unlock();
	return ret;
}

/*
 * Called with wait=false by the kernel console path after -EAGAIN, and
 * after every message: wait a little for the backend while the ring is
 * full, and give up waiting (drop, counted) after stall_ms without
 * progress, so that a dead backend cannot hang printk.  The tty path
 * (wait=true) never drops: its data stays in hvc's buffer.
 */
static int xencons_flush(u32 vtermno, bool wait)
{
	struct xencons *c;
	unsigned long flags;
	bool report = false;
	int room;

	if (wait || vtermno >= XENCONS_MAX)
		return 0;
	rcu_read_lock();
	c = rcu_dereference(xencons_table[vtermno]);
	if (!c || c->broken)
		goto out;
	room = xenpv_cons_writable(c->out_prod,
				   READ_ONCE(c->intf->out_cons),
				   XENPV_CONS_OUT_SIZE);
	if (room != 0)
		goto out;
	udelay(XENCONS_SPIN_US);
	spin_lock_irqsave(&c->out_lock, flags);
	c->stall_us += XENCONS_SPIN_US;
	if (!c->dropping && c->stall_us / 1000 >= READ_ONCE(stall_ms)) {
		c->dropping = true;
		report = true;
	}
	spin_unlock_irqrestore(&c->out_lock, flags);
	/* Unlocked: this message goes through put_chars too (dropped). */
	if (report)
		pr_warn_ratelimited("hvc vterm %u: backend consumed nothing for %u ms: dropping kernel console output\n",
				    vtermno, stall_ms);
out:
	rcu_read_unlock();
	return 0;
}

static xenpv_hvc_ret_t xencons_get_chars(u32 vtermno, xenpv_hvc_char_t *buf,
					 xenpv_hvc_len_t count)
{
	struct xencons *c;
	unsigned long flags;
	u32 prod, n;
	int avail;
	xenpv_hvc_ret_t ret;

	if (vtermno >= XENCONS_MAX)
		return -ENODEV;
	rcu_read_lock();
	c = rcu_dereference(xencons_table[vtermno]);
	if (!c) {
		rcu_read_unlock();
		return -EPIPE;
	}
	spin_lock_irqsave(&c->in_lock, flags);
	if (c->broken) {
		ret = -EPIPE;
		goto out_unlock;
	}
	prod = READ_ONCE(c->intf->in_prod);
	avail = xenpv_cons_readable(prod, c->in_cons, XENPV_CONS_IN_SIZE);
	if (avail < 0) {
		xencons_break(c, "input", prod, c->in_cons);
		ret = -EPIPE;
		goto out_unlock;
	}
	/* The index before the bytes it covers. */
	virt_rmb();
	n = xenpv_cons_copy_out(c->intf->in, XENPV_CONS_IN_SIZE, c->in_cons,
				avail, (char *)buf, count);
	if (n) {
		/* Done reading the bytes before handing them back. */
		virt_mb();
		c->in_cons += n;
		WRITE_ONCE(c->intf->in_cons, c->in_cons);
		xencons_notify(c);
	}
	ret = n;
out_unlock:
	spin_unlock_irqrestore(&c->in_lock, flags);
	rcu_read_unlock();
	return ret;
}

static const struct hv_ops xencons_ops = {
	.get_chars	= xencons_get_chars,
	.put_chars	= xencons_put_chars,
	.flush		= xencons_flush,
};

/* Did the backend give us anything to do since the last event? */
static bool xencons_has_work(struct xencons *c)
{
	u32 out_cons;
	bool work;

	if (READ_ONCE(c->broken))
		return false;
	out_cons = READ_ONCE(c->intf->out_cons);
	work = READ_ONCE(c->intf->in_prod) != READ_ONCE(c->in_cons) ||
	       out_cons != READ_ONCE(c->seen_out_cons);
	WRITE_ONCE(c->seen_out_cons, out_cons);
	return work;
}

static irqreturn_t xencons_interrupt(int irq, void *dev_id)
{
	struct xencons *c = dev_id;
	bool work = xencons_has_work(c);
	unsigned int flags = work ? 0 : XEN_EOI_FLAG_SPURIOUS;

	if (work && c->hvc) {
		hvc_poll(c->hvc);
		/* khvcd pushes what still waits in hvc's buffer. */
		hvc_kick();
	}
	if (c->primary) {
		atomic_long_inc(&c->events);
		if (!work)
			atomic_long_inc(&c->spurious);
		/*
		 * @irq, not c->irq: an event already pending when the
		 * channel is bound (input typed before the module loaded)
		 * runs this handler inside the bind, before c->irq is set,
		 * and an EOI to IRQ 0 would leave the channel masked.
		 */
		xen_irq_lateeoi(irq, flags);
	} else {
		xenpv_evtchn_eoi(&c->ch, flags);
	}
	return IRQ_HANDLED;
}

static struct xencons *xencons_new(bool primary)
{
	struct xencons *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->primary = primary;
	spin_lock_init(&c->out_lock);
	spin_lock_init(&c->in_lock);
	mutex_init(&c->mutex);
	atomic_long_set(&c->events, 0);
	atomic_long_set(&c->spurious, 0);
	return c;
}

/* Take a vterm number (@want, or the first free one from 1) for @c. */
static int xencons_slot_get(struct xencons *c, int want)
{
	int i, lo = want >= 0 ? want : 1, hi = want >= 0 ? want + 1 : XENCONS_MAX;

	mutex_lock(&xencons_table_lock);
	for (i = lo; i < hi; i++) {
		if (!rcu_access_pointer(xencons_table[i])) {
			c->vtermno = i;
			rcu_assign_pointer(xencons_table[i], c);
			mutex_unlock(&xencons_table_lock);
			return 0;
		}
	}
	mutex_unlock(&xencons_table_lock);
	return -EBUSY;
}

/* Ends all hv_ops callbacks on @c: they find no console afterwards. */
static void xencons_slot_put(struct xencons *c)
{
	mutex_lock(&xencons_table_lock);
	RCU_INIT_POINTER(xencons_table[c->vtermno], NULL);
	mutex_unlock(&xencons_table_lock);
	synchronize_rcu();
}

static void xencons_show(struct seq_file *m, struct xencons *c)
{
	struct xencons_interface *intf = c->intf;

	seq_printf(m, "vterm %u (%s): in prod %u cons %u, out prod %u cons %u",
		   c->vtermno, c->primary ? "primary" : "xenbus",
		   READ_ONCE(intf->in_prod), READ_ONCE(intf->in_cons),
		   READ_ONCE(intf->out_prod), READ_ONCE(intf->out_cons));
	if (c->primary)
		seq_printf(m, ", events %ld spurious %ld",
			   atomic_long_read(&c->events),
			   atomic_long_read(&c->spurious));
	else
		seq_printf(m, ", events %ld spurious %ld",
			   atomic_long_read(&c->ch.events),
			   atomic_long_read(&c->ch.spurious));
	seq_printf(m, ", dropped %llu%s%s\n", c->dropped,
		   c->dropping ? " (dropping)" : "",
		   READ_ONCE(c->broken) ? " BROKEN" : "");
}

static int xencons_debugfs_show(struct seq_file *m, void *unused)
{
	struct xencons *c;
	int i;

	/* The table lock keeps every listed console alive. */
	mutex_lock(&xencons_table_lock);
	for (i = 0; i < XENCONS_MAX; i++) {
		c = rcu_dereference_protected(xencons_table[i],
					      lockdep_is_held(&xencons_table_lock));
		if (c && c->intf)
			xencons_show(m, c);
	}
	mutex_unlock(&xencons_table_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xencons_debugfs);

/* ---- the primary console ---- */

static void xencons_primary_broken_work(struct work_struct *work)
{
	struct xencons *c = container_of(work, struct xencons, broken_work);

	xencons_report_broken(c);
	/* No xenbus device to close: the ring is just left alone. */
	pr_err("primary console disconnected (events %ld, spurious %ld)\n",
	       atomic_long_read(&c->events), atomic_long_read(&c->spurious));
}

static int xencons_primary_locate(u64 *gfn, evtchn_port_t *port)
{
	u64 v;
	int err;

	if (xen_pv_domain()) {
		if (!xen_start_info->console.domU.evtchn)
			return -ENODEV;
		*gfn = xen_start_info->console.domU.mfn;
		*port = xen_start_info->console.domU.evtchn;
		return 0;
	}
	err = hvm_get_parameter(HVM_PARAM_CONSOLE_EVTCHN, &v);
	if (err < 0 || !v)
		return -ENODEV;
	*port = v;
	err = hvm_get_parameter(HVM_PARAM_CONSOLE_PFN, &v);
	if (err < 0 || !v)
		return -ENODEV;
	*gfn = v;
	return 0;
}

static void *xencons_primary_map(u64 gfn)
{
#ifdef CONFIG_X86
	/* PV: the page is ours, in the direct map. */
	if (xen_pv_domain())
		return gfn_to_virt(gfn);
#endif
	return memremap((phys_addr_t)gfn << XEN_PAGE_SHIFT, XEN_PAGE_SIZE,
			MEMREMAP_WB);
}

static void xencons_primary_unmap(void *va)
{
	if (!xen_pv_domain())
		memunmap(va);
}

static int xencons_primary_init(void)
{
	struct xencons *c;
	u64 gfn;
	evtchn_port_t port;
	struct hvc_struct *hp;
	int err;

	if (IS_ENABLED(CONFIG_HVC_XEN)) {
		pr_info("the kernel's built-in Xen console owns hvc0: secondary consoles only\n");
		return 0;
	}
	if (!xen_domain() || xen_initial_domain())
		return 0;
	err = xencons_primary_locate(&gfn, &port);
	if (err) {
		pr_info("no primary console page: secondary consoles only\n");
		return 0;
	}

	c = xencons_new(true);
	if (!c)
		return -ENOMEM;
	INIT_WORK(&c->broken_work, xencons_primary_broken_work);
	c->evtchn = port;
	c->intf = xencons_primary_map(gfn);
	if (!c->intf) {
		err = -ENOMEM;
		goto out_free;
	}
	/* Carry on where the toolstack (or an earlier load) left the ring. */
	c->out_prod = READ_ONCE(c->intf->out_prod);
	c->in_cons = READ_ONCE(c->intf->in_cons);
	c->seen_out_cons = READ_ONCE(c->intf->out_cons);

	err = xencons_slot_get(c, 0);
	if (err)
		goto out_unmap;
	c->irq = bind_evtchn_to_irqhandler_lateeoi(port, xencons_interrupt, 0,
						   "xenpv-hvc0", c);
	if (c->irq < 0) {
		err = c->irq;
		goto out_slot_put;
	}
	/* The kernel console first (console=hvc0), then the tty. */
	hvc_instantiate(c->vtermno, 0, &xencons_ops);
	hp = hvc_alloc(c->vtermno, 0, &xencons_ops, XENCONS_OUTBUF);
	if (IS_ERR(hp)) {
		err = PTR_ERR(hp);
		goto out_unbind;
	}
	WRITE_ONCE(c->hvc, hp);
	xencons_primary = c;
	pr_info("primary console hvc0: gfn %#llx, event channel %u\n", gfn,
		port);
	return 0;

out_unbind:
	unbind_from_irqhandler(c->irq, c);
out_slot_put:
	xencons_slot_put(c);
out_unmap:
	xencons_primary_unmap(c->intf);
out_free:
	kfree(c);
	return err;
}

static void xencons_primary_exit(void)
{
	struct xencons *c = xencons_primary;

	if (!c)
		return;
	unbind_from_irqhandler(c->irq, c);
	cancel_work_sync(&c->broken_work);
	xencons_slot_put(c);
	hvc_remove(c->hvc);
	xencons_primary_unmap(c->intf);
	kfree(c);
	xencons_primary = NULL;
}

/* ---- secondary consoles: xenbus "console" devices ---- */

static struct xencons *xencons_from_xd(struct xenpv_dev *xd)
{
	return container_of(xd, struct xencons, xd);
}

static int xencons_publish_refs(struct xenpv_dev *xd,
				struct xenbus_transaction xbt, void *arg)
{
	struct xencons *c = arg;
	int err;

	err = xenpv_ring_publish(xd, xbt, NULL, "ring-ref", &c->ring);
	if (err)
		return err;
	return xenpv_evtchn_publish(xd, xbt, NULL, "port", &c->ch);
}

/* Grant the ring, bind the channel, publish, add hvcN.  Under c->mutex. */
static int xencons_connect(struct xencons *c)
{
	struct xenpv_dev *xd = &c->xd;
	struct hvc_struct *hp;
	int err;

	err = xenpv_ring_alloc(xd, &c->ring, "cons", 0);
	if (err)
		return err;
	c->intf = c->ring.va;
	c->out_prod = 0;
	c->in_cons = 0;
	c->seen_out_cons = 0;
	c->stall_us = 0;
	c->dropping = false;
	WRITE_ONCE(c->broken, false);
	err = xenpv_evtchn_alloc(xd, &c->ch, "xenpv-hvc", xencons_interrupt, c);
	if (err)
		goto out_ring_free;
	err = xencons_slot_get(c, -1);
	if (err) {
		xenpv_dev_fatal(xd, err, "no free hvc vterm");
		goto out_evtchn_unbind;
	}
	err = xenpv_publish(xd, NULL, NULL, 0, xencons_publish_refs, c);
	if (err)
		goto out_slot_put;
	hp = hvc_alloc(c->vtermno, 0, &xencons_ops, XENCONS_OUTBUF);
	if (IS_ERR(hp)) {
		err = PTR_ERR(hp);
		xenpv_dev_fatal(xd, err, "hvc_alloc");
		goto out_slot_put;
	}
	WRITE_ONCE(c->hvc, hp);
	xenpv_feature_note(xd, "vterm", "%u", c->vtermno);
	xenpv_set_state(xd, XenbusStateInitialised, "ring published");
	return 0;

out_slot_put:
	xencons_slot_put(c);
out_evtchn_unbind:
	xenpv_evtchn_unbind(xd, &c->ch);
out_ring_free:
	xenpv_ring_free(xd, &c->ring);
	c->intf = NULL;
	return err;
}

/* Undo xencons_connect().  Under c->mutex. */
static void xencons_disconnect(struct xencons *c)
{
	struct hvc_struct *hp = c->hvc;

	if (!c->intf)
		return;
	/* No handler, then no hv_ops callback, may run past this. */
	xenpv_evtchn_unbind(&c->xd, &c->ch);
	xencons_slot_put(c);
	WRITE_ONCE(c->hvc, NULL);
	if (hp)
		hvc_remove(hp);
	xenpv_ring_free(&c->xd, &c->ring);
	c->intf = NULL;
}

static void xencons_peer_changed(struct xenpv_dev *xd,
				 enum xenbus_state state, bool legal)
{
	struct xencons *c = xencons_from_xd(xd);

	mutex_lock(&c->mutex);
	if (!legal) {
		xencons_disconnect(c);
		xenpv_set_state(xd, XenbusStateClosing, "illegal peer state");
		goto out_unlock;
	}
	switch (state) {
	case XenbusStateInitialising:
	case XenbusStateInitWait:
		/* A backend that (re)starts: connect once we are Closed. */
		if (xenpv_our_state(xd) == XenbusStateClosed) {
			xenpv_set_state(xd, XenbusStateInitialising, "peer back");
			xencons_connect(c);
		}
		break;
	case XenbusStateConnected:
		if (c->intf && xenpv_our_state(xd) == XenbusStateInitialised)
			xenpv_set_state(xd, XenbusStateConnected, "peer connected");
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		if (xenpv_our_state(xd) == XenbusStateClosed ||
		    xenpv_our_state(xd) == XenbusStateInitialising)
			break;
		xencons_disconnect(c);
		xenpv_frontend_closed(xd, state == XenbusStateClosing ?
				      "peer Closing" : "peer Closed");
		break;
	default:
		break;
	}
out_unlock:
	mutex_unlock(&c->mutex);
}

static void xencons_xd_show(struct xenpv_dev *xd, struct seq_file *m)
{
	struct xencons *c = xencons_from_xd(xd);

	mutex_lock(&c->mutex);
	if (c->intf)
		xencons_show(m, c);
	else
		seq_puts(m, "disconnected\n");
	mutex_unlock(&c->mutex);
}

static const struct xenpv_dev_ops xencons_xd_ops = {
	.peer_changed	= xencons_peer_changed,
	.show		= xencons_xd_show,
};

static void xencons_secondary_broken_work(struct work_struct *work)
{
	struct xencons *c = container_of(work, struct xencons, broken_work);

	xencons_report_broken(c);
	xenpv_dev_error(&c->xd, -EPROTO, "backend broke the console ring");
	mutex_lock(&c->mutex);
	xencons_disconnect(c);
	mutex_unlock(&c->mutex);
	xenpv_set_state(&c->xd, XenbusStateClosing, "backend broke ring");
}

static int xencons_probe(struct xenbus_device *xbdev,
			 const struct xenbus_device_id *id)
{
	struct xencons *c;
	unsigned int devid;
	int err;

	/* device/console/0 would be the primary console: not a xenbus one. */
	if (kstrtouint(strrchr(xbdev->nodename, '/') + 1, 10, &devid) ||
	    devid == 0)
		return -ENODEV;
	c = xencons_new(false);
	if (!c)
		return -ENOMEM;
	INIT_WORK(&c->broken_work, xencons_secondary_broken_work);
	err = xenpv_dev_init(&c->xd, xbdev, XENPV_FRONTEND, &xencons_xd_ops);
	if (err)
		goto out_free;
	/* Re-bound after a remove: our node still says Closed. */
	if (xenpv_our_state(&c->xd) == XenbusStateClosed)
		xenpv_set_state(&c->xd, XenbusStateInitialising,
				"probed again");
	mutex_lock(&c->mutex);
	err = xencons_connect(c);
	mutex_unlock(&c->mutex);
	if (err)
		goto out_destroy_xd;
	return 0;

out_destroy_xd:
	xenpv_dev_destroy(&c->xd);
out_free:
	kfree(c);
	return err;
}

static void xencons_remove(struct xenbus_device *xbdev)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(xbdev);
	struct xencons *c;

	if (!xd)
		return;
	c = xencons_from_xd(xd);
	cancel_work_sync(&c->broken_work);
	mutex_lock(&c->mutex);
	xencons_disconnect(c);
	mutex_unlock(&c->mutex);
	if (xenpv_our_state(xd) != XenbusStateClosed)
		xenpv_frontend_closed(xd, "removed");
	xenpv_dev_destroy(xd);
	kfree(c);
}

XENPV_DEFINE_REMOVE(xencons_remove)

static const struct xenbus_device_id xencons_ids[] = {
	{ "console" },
	{ "" }
};

static struct xenbus_driver xencons_driver = {
	.name			= "xenpv-console",
	.ids			= xencons_ids,
	.probe			= xencons_probe,
	.remove			= xencons_remove_cb,
	.otherend_changed	= xenpv_otherend_changed,
	.not_essential		= true,
};

static int __init xencons_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	err = xencons_primary_init();
	if (err)
		return err;
	err = xenbus_register_frontend(&xencons_driver);
	if (err)
		goto out_primary_exit;
	xencons_debugfs = debugfs_create_file("xenpv-hvc", 0400, NULL, NULL,
					      &xencons_debugfs_fops);
	return 0;

out_primary_exit:
	xencons_primary_exit();
	return err;
}
module_init(xencons_init);

static void __exit xencons_exit(void)
{
	debugfs_remove(xencons_debugfs);
	xenbus_unregister_driver(&xencons_driver);
	xencons_primary_exit();
}
module_exit(xencons_exit);

MODULE_DESCRIPTION("Xen PV consoles on hvc (xenpv)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:console");
