// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs: /sys/kernel/debug/xenpv/<nodename, '/' -> '-'>/status
 *
 * One file per device answering "why is this device stuck?": both
 * states and a hint, the last error, the state history, the negotiated
 * features, rings, event channels and whatever the driver prints about
 * its ring indices and pending requests.  Without debugfs every call
 * here is a no-op and the module works the same.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

static struct dentry *xenpv_debugfs_root;

/**
 * xenpv_stuck_hint() - a one-line guess at what a device is waiting for.
 * @role: our role.
 * @ours: our state.
 * @peer: the peer's state (may be out of range).
 *
 * Return: a static string.
 */
const char *xenpv_stuck_hint(enum xenpv_role role, int ours, int peer)
{
	bool front = role == XENPV_FRONTEND;

	if (peer < 0 || peer >= XENPV_NR_STATES)
		return "peer wrote an invalid state: disconnect";
	if (ours == XenbusStateConnected && peer == XenbusStateConnected)
		return "connected: if I/O hangs, see the driver section";
	if (ours == XenbusStateClosed)
		return "closed";
	if (ours == XenbusStateClosing)
		return "we are closing: waiting for the peer to close";
	if (peer == XenbusStateClosing || peer == XenbusStateClosed)
		return "peer is closing: we must tear down and write Closed";
	if (peer == XenbusStateUnknown)
		return front ? "no backend state: backend not created by toolstack?" :
			       "no frontend state: guest driver not loaded?";

	if (front) {
		if (ours == XenbusStateInitialising &&
		    peer == XenbusStateInitialising)
			return "waiting for backend InitWait (backend driver loaded?)";
		if (ours == XenbusStateInitialising)
			return "backend ready, we have not published rings: negotiation failed?";
		if (ours == XenbusStateInitialised &&
		    peer != XenbusStateConnected)
			return "rings published, backend not connected: see backend error node";
		if (peer == XenbusStateConnected)
			return "backend connected, we have not finished connecting";
	} else {
		if (ours == XenbusStateInitialising)
			return "features not advertised: waiting for hotplug (physical-device)?";
		if (ours == XenbusStateInitWait &&
		    (peer == XenbusStateInitialising ||
		     peer == XenbusStateInitWait))
			return "waiting for the frontend to publish its rings";
		if (ours == XenbusStateInitWait || ours == XenbusStateInitialised)
			return "frontend ready, we have not connected: mapping or hotplug-status?";
		if (ours == XenbusStateConnected)
			return "we are connected, frontend is not yet";
	}
	if (ours == XenbusStateReconfiguring || peer == XenbusStateReconfiguring)
		return "reconfiguration in progress";
	return "no known reason: read the history below";
}

static void xenpv_show_time(struct seq_file *m, ktime_t t)
{
	struct timespec64 ts = ktime_to_timespec64(t);

	seq_printf(m, "%lld.%06ld", (long long)ts.tv_sec,
		   ts.tv_nsec / NSEC_PER_USEC);
}

static void xenpv_show_locked(struct seq_file *m, struct xenpv_dev *xd)
{
	const struct xenpv_hist *h = &xd->hist;
	struct xenpv_evtchn *ch;
	struct xenpv_ring *ring;
	unsigned int i, first;

	seq_printf(m, "last error:  %d \"%s\"", xd->err.code, xd->err.msg);
	if (xd->err.code) {
		seq_puts(m, " at ");
		xenpv_show_time(m, xd->err.when);
	}
	seq_printf(m, "\nillegal peer state changes: %u\n", xd->peer_illegal);

	first = h->next > XENPV_HIST_LEN ? h->next - XENPV_HIST_LEN : 0;
	seq_printf(m, "\nhistory (%u changes, oldest shown first):\n", h->next);
	for (i = first; i < h->next; i++) {
		const struct xenpv_hist_entry *e = &h->ent[i % XENPV_HIST_LEN];

		seq_puts(m, "  [");
		xenpv_show_time(m, e->when);
		seq_printf(m, "] %s %s -> %s%s  %s\n",
			   e->side == XENPV_SIDE_OURS ? "ours" : "peer",
			   xenpv_state_name(e->from), xenpv_state_name(e->to),
			   e->illegal ? (e->side == XENPV_SIDE_OURS ?
					 " REFUSED" : " ILLEGAL") : "",
			   e->cause);
	}

	seq_puts(m, "\nfeatures:\n");
	for (i = 0; i < xd->nr_feat; i++)
		seq_printf(m, "  %s = %s\n", xd->feat[i].name, xd->feat[i].val);

	seq_puts(m, "\nrings:\n");
	list_for_each_entry(ring, &xd->rings, node) {
		seq_printf(m, "  %s: order %u, %s, refs", ring->name,
			   ring->order, ring->mapped ? "mapped" : "granted");
		for (i = 0; i < BIT(ring->order); i++)
			seq_printf(m, " %u", ring->refs[i]);
		seq_putc(m, '\n');
	}

	seq_puts(m, "\nevent channels:\n");
	list_for_each_entry(ch, &xd->chans, node)
		seq_printf(m, "  %s: port %u, irq %d, events %ld, spurious %ld\n",
			   ch->name, ch->port, ch->irq,
			   atomic_long_read(&ch->events),
			   atomic_long_read(&ch->spurious));
}

static int xenpv_status_show(struct seq_file *m, void *unused)
{
	struct xenpv_dev *xd = m->private;
	struct xenbus_device *xbdev = xd->xbdev;
	int ours = READ_ONCE(xbdev->state);
	int peer = READ_ONCE(xd->peer_state);
	unsigned long flags;

	seq_printf(m, "device:      %s (%s)\n", xbdev->nodename,
		   xd->role == XENPV_FRONTEND ? "frontend" : "backend");
	seq_printf(m, "peer:        %s (domain %d)\n",
		   xbdev->otherend ? xbdev->otherend : "-", xbdev->otherend_id);
	seq_printf(m, "state:       ours %s, peer %s (%d)\n",
		   xenpv_state_name(ours), xenpv_state_name(peer), peer);
	seq_printf(m, "stuck?:      %s\n",
		   xenpv_stuck_hint(xd->role, ours, peer));
	seq_printf(m, "grants still mapped by peer at revoke: %d\n",
		   atomic_read(&xd->grants_deferred));
	seq_printf(m, "xenbus lateeoi: events %d, spurious %d, eoi delayed %d jiffies\n",
		   atomic_read(&xbdev->events),
		   atomic_read(&xbdev->spurious_events),
		   atomic_read(&xbdev->jiffies_eoi_delayed));
	seq_puts(m, "now:         ");
	xenpv_show_time(m, ktime_get_boottime());
	seq_putc(m, '\n');

	spin_lock_irqsave(&xd->lock, flags);
	xenpv_show_locked(m, xd);
	spin_unlock_irqrestore(&xd->lock, flags);

	seq_puts(m, "\ndriver:\n");
	if (xd->ops && xd->ops->show)
		xd->ops->show(xd, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xenpv_status);

/**
 * xenpv_debugfs_add() - create a device's debugfs directory.
 * @xd: the device.
 */
void xenpv_debugfs_add(struct xenpv_dev *xd)
{
	char *name;

	xd->debugfs = NULL;
	if (IS_ERR_OR_NULL(xenpv_debugfs_root))
		return;
	name = kstrdup(xd->xbdev->nodename, GFP_KERNEL);
	if (!name)
		return;
	strreplace(name, '/', '-');
	xd->debugfs = debugfs_create_dir(name, xenpv_debugfs_root);
	kfree(name);
	debugfs_create_file("status", 0400, xd->debugfs, xd,
			    &xenpv_status_fops);
}

/**
 * xenpv_debugfs_remove() - remove a device's debugfs directory.
 * @xd: the device.
 *
 * Returns once no reader is inside xenpv_status_show() any more.
 */
void xenpv_debugfs_remove(struct xenpv_dev *xd)
{
	debugfs_remove_recursive(xd->debugfs);
	xd->debugfs = NULL;
}

/**
 * xenpv_debugfs_init() - create /sys/kernel/debug/xenpv.
 */
void xenpv_debugfs_init(void)
{
	xenpv_debugfs_root = debugfs_create_dir("xenpv", NULL);
}

/**
 * xenpv_debugfs_exit() - remove /sys/kernel/debug/xenpv.
 */
void xenpv_debugfs_exit(void)
{
	debugfs_remove_recursive(xenpv_debugfs_root);
	xenpv_debugfs_root = NULL;
}
