// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels, always bound with late EOI (XSA-332/XSA-391): the
 * event core does not unmask the channel until the driver calls
 * xenpv_evtchn_eoi(), and an EOI flagged spurious (the event found no
 * work) lets the core delay the next one, which throttles a peer that
 * floods us with events.
 *
 * Frontend: allocate an unbound port for the backend, bind it, publish
 * it.  Backend: read the frontend's port and bind to it interdomain.
 * Unbinding closes the port in both cases.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>

#include "core.h"

static void xenpv_evtchn_init(struct xenpv_evtchn *ch, const char *name,
			      irq_handler_t handler, void *dev_id)
{
	memset(ch, 0, sizeof(*ch));
	INIT_LIST_HEAD(&ch->node);
	strscpy(ch->name, name, sizeof(ch->name));
	ch->handler = handler;
	ch->dev_id = dev_id;
	atomic_long_set(&ch->events, 0);
	atomic_long_set(&ch->spurious, 0);
}

static void xenpv_evtchn_track(struct xenpv_dev *xd, struct xenpv_evtchn *ch)
{
	unsigned long flags;

	spin_lock_irqsave(&xd->lock, flags);
	list_add_tail(&ch->node, &xd->chans);
	spin_unlock_irqrestore(&xd->lock, flags);
}

/*
 * Every channel's IRQ runs this first.  Xen may deliver an event while
 * the port is being bound (a backend's bind_interdomain marks the port
 * pending; a frontend's peer may already be sending), so the driver's
 * handler can run before the binder has stored the IRQ number.  Storing
 * it here, from the IRQ the event came on, means xenpv_evtchn_eoi(ch)
 * reaches the right IRQ from the very first event; an EOI to a stale
 * number would leave the lateeoi channel masked for good.
 */
static irqreturn_t xenpv_evtchn_interrupt(int irq, void *data)
{
	struct xenpv_evtchn *ch = data;

	if (unlikely(READ_ONCE(ch->irq) != irq))
		WRITE_ONCE(ch->irq, irq);
	return ch->handler(irq, ch->dev_id);
}

/*
 * A failed bind may or may not have closed the port already (the event
 * core closes it when request_irq() fails, not when it runs out of
 * IRQs).  Close it only if it is still our unbound port for the peer,
 * so that a port number reused in between is never closed under
 * somebody else.
 */
static void xenpv_evtchn_close_unbound(struct xenpv_dev *xd,
				       evtchn_port_t port)
{
	struct evtchn_status status = {
		.dom = DOMID_SELF,
		.port = port,
	};

	if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &status))
		return;
	if (status.status == EVTCHNSTAT_unbound &&
	    status.u.unbound.dom == xd->xbdev->otherend_id)
		xenbus_free_evtchn(xd->xbdev, port);
}

/**
 * xenpv_evtchn_alloc() - frontend: allocate a port for the backend and bind it.
 * @xd: a frontend device.
 * @ch: the channel to set up (its old contents are ignored).
 * @name: IRQ name, e.g. "blkif-q0" (truncated to XENPV_NAME_LEN - 1).
 * @handler: the interrupt handler; it must end every event with
 *	xenpv_evtchn_eoi().
 * @dev_id: passed to @handler.
 *
 * Failures are reported fatal; no port stays allocated.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int xenpv_evtchn_alloc(struct xenpv_dev *xd, struct xenpv_evtchn *ch,
		       const char *name, irq_handler_t handler, void *dev_id)
{
	evtchn_port_t port;
	int irq, err;

	xenpv_evtchn_init(ch, name, handler, dev_id);

	/* On failure xenbus has already reported it fatal. */
	err = xenbus_alloc_evtchn(xd->xbdev, &port);
	if (err) {
		xenpv_note_error(xd, err, "allocating event channel failed");
		return err;
	}

	irq = bind_evtchn_to_irqhandler_lateeoi(port, xenpv_evtchn_interrupt, 0,
						ch->name, ch);
	if (irq < 0) {
		xenpv_evtchn_close_unbound(xd, port);
		xenpv_dev_fatal(xd, irq, "binding event channel %u", port);
		return irq;
	}

	ch->port = port;
	WRITE_ONCE(ch->irq, irq);
	ch->bound = true;
	xenpv_evtchn_track(xd, ch);
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_evtchn_alloc);

/**
 * xenpv_evtchn_read_port() - backend: read the port the frontend published.
 * @xd: a backend device.
 * @dir: directory (the peer's device directory or a "queue-N" one), or
 *	NULL for the peer's.
 * @key: e.g. "event-channel", "event-channel-tx", "port" (console).
 * @port: result.
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOENT if absent, -EINVAL if malformed (kept as last
 * error), or another -errno from xenstore.
 */
int xenpv_evtchn_read_port(struct xenpv_dev *xd, const char *dir,
			   const char *key, evtchn_port_t *port)
{
	char *str;
	u32 v;
	int err;

	if (!dir)
		dir = xd->xbdev->otherend;
	str = xenbus_read(XBT_NIL, dir, key, NULL);
	if (IS_ERR(str))
		return PTR_ERR(str);
	err = kstrtou32(str, 10, &v);
	kfree(str);
	if (err) {
		xenpv_note_error(xd, -EINVAL, "malformed event channel port");
		return -EINVAL;
	}
	*port = v;
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_evtchn_read_port);

/**
 * xenpv_evtchn_bind() - backend: bind to the frontend's port.
 * @xd: a backend device.
 * @ch: the channel to set up (its old contents are ignored).
 * @name: IRQ name (truncated to XENPV_NAME_LEN - 1).
 * @remote_port: the frontend's port, from xenpv_evtchn_read_port().
 * @handler: the interrupt handler; it must end every event with
 *	xenpv_evtchn_eoi().
 * @dev_id: passed to @handler.
 *
 * Failures are reported fatal.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int xenpv_evtchn_bind(struct xenpv_dev *xd, struct xenpv_evtchn *ch,
		      const char *name, evtchn_port_t remote_port,
		      irq_handler_t handler, void *dev_id)
{
	int irq;

	xenpv_evtchn_init(ch, name, handler, dev_id);
	irq = xenpv_bind_interdomain_lateeoi(xd->xbdev, remote_port,
					     xenpv_evtchn_interrupt, 0,
					     ch->name, ch);
	if (irq < 0) {
		xenpv_dev_fatal(xd, irq, "binding to peer event channel %u",
				remote_port);
		return irq;
	}
	ch->port = remote_port;
	WRITE_ONCE(ch->irq, irq);
	ch->bound = true;
	xenpv_evtchn_track(xd, ch);
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_evtchn_bind);

/**
 * xenpv_evtchn_publish() - frontend: write a channel's port.
 * @xd: a frontend device.
 * @xbt: the transaction (from xenpv_publish()'s @extra callback).
 * @dir: directory (ours or a "queue-N" one), or NULL for ours.
 * @key: e.g. "event-channel", "port" (console).
 * @ch: a channel from xenpv_evtchn_alloc().
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno from xenstore (not reported, see
 * xenpv_ring_publish()).
 */
int xenpv_evtchn_publish(struct xenpv_dev *xd, struct xenbus_transaction xbt,
			 const char *dir, const char *key,
			 const struct xenpv_evtchn *ch)
{
	if (!ch->bound)
		return -EINVAL;
	if (!dir)
		dir = xd->xbdev->nodename;
	return xenbus_printf(xbt, dir, key, "%u", ch->port);
}
EXPORT_SYMBOL_GPL(xenpv_evtchn_publish);

/**
 * xenpv_evtchn_eoi() - end an event, counting spurious ones.
 * @ch: a bound channel.
 * @eoi_flags: 0 when the event found work, XEN_EOI_FLAG_SPURIOUS when it
 *	found none (the event core then delays the next one).
 *
 * Call exactly once per event the handler took (or once after a batch
 * of work the handler deferred to a thread or NAPI).
 *
 * Context: any.
 */
void xenpv_evtchn_eoi(struct xenpv_evtchn *ch, unsigned int eoi_flags)
{
	atomic_long_inc(&ch->events);
	if (eoi_flags & XEN_EOI_FLAG_SPURIOUS)
		atomic_long_inc(&ch->spurious);
	xen_irq_lateeoi(READ_ONCE(ch->irq), eoi_flags);
}
EXPORT_SYMBOL_GPL(xenpv_evtchn_eoi);

/**
 * xenpv_evtchn_notify() - send an event to the peer.
 * @ch: a bound channel; an unbound one is ignored.
 *
 * Context: any.
 */
void xenpv_evtchn_notify(struct xenpv_evtchn *ch)
{
	if (ch->bound)
		notify_remote_via_irq(ch->irq);
}
EXPORT_SYMBOL_GPL(xenpv_evtchn_notify);

/**
 * xenpv_evtchn_unbind() - unbind the handler and close the port.
 * @xd: the device.
 * @ch: the channel; one never bound (zeroed) or already unbound is
 *	ignored.
 *
 * Waits for a running handler to finish.
 *
 * Context: process context, may sleep.
 */
void xenpv_evtchn_unbind(struct xenpv_dev *xd, struct xenpv_evtchn *ch)
{
	unsigned long flags;

	if (!ch->bound)
		return;
	spin_lock_irqsave(&xd->lock, flags);
	list_del_init(&ch->node);
	spin_unlock_irqrestore(&xd->lock, flags);
	unbind_from_irqhandler(ch->irq, ch);
	ch->bound = false;
	ch->port = 0;
	ch->irq = 0;
}
EXPORT_SYMBOL_GPL(xenpv_evtchn_unbind);
