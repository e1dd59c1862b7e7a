// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenpv_dev lifecycle, our state writes, the peer's state changes, the
 * state history and the last-error / feature bookkeeping.
 *
 * Our own side may only take the steps of the table in
 * <xenpv/state.h>.  The peer is checked against the same table (for its
 * role), but we only see its state through a watch: several quick writes
 * can reach us as one change, so a peer step is legal when the table
 * reaches it without passing through Closed.  Jumping over Closed (e.g.
 * Connected -> Initialising) or into a state the peer's role never
 * writes is reported to the driver as illegal.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/string.h>

#include "core.h"

/* The role whose table the peer follows. */
static enum xenpv_role xenpv_peer_role(const struct xenpv_dev *xd)
{
	return xd->role == XENPV_FRONTEND ? XENPV_BACKEND : XENPV_FRONTEND;
}

/**
 * xenpv_hist_record() - append one entry to a state history ring.
 * @hist: the ring; the caller serialises (xenpv_dev.lock).
 * @when: time of the change.
 * @from: previous state.
 * @to: new state.
 * @side: XENPV_SIDE_OURS or XENPV_SIDE_PEER.
 * @illegal: the change was refused (ours) or broke the table (peer).
 * @cause: short reason, truncated to XENPV_CAUSE_LEN - 1 bytes; may be NULL.
 *
 * The oldest entry is overwritten once XENPV_HIST_LEN are recorded.
 */
void xenpv_hist_record(struct xenpv_hist *hist, ktime_t when, int from,
		       int to, enum xenpv_side side, bool illegal,
		       const char *cause)
{
	struct xenpv_hist_entry *e = &hist->ent[hist->next % XENPV_HIST_LEN];

	e->when = when;
	e->from = from;
	e->to = to;
	e->side = side;
	e->illegal = illegal;
	strscpy(e->cause, cause ? cause : "", sizeof(e->cause));
	hist->next++;
}

static void xenpv_record(struct xenpv_dev *xd, int from, int to,
			 enum xenpv_side side, bool illegal, const char *cause)
{
	unsigned long flags;

	spin_lock_irqsave(&xd->lock, flags);
	xenpv_hist_record(&xd->hist, ktime_get_boottime(), from, to, side,
			  illegal, cause);
	spin_unlock_irqrestore(&xd->lock, flags);
}

/**
 * xenpv_note_error() - remember the last error for debugfs.
 * @xd: the device.
 * @err: negative errno.
 * @msg: what failed.
 */
void xenpv_note_error(struct xenpv_dev *xd, int err, const char *msg)
{
	unsigned long flags;

	spin_lock_irqsave(&xd->lock, flags);
	strscpy(xd->err.msg, msg, sizeof(xd->err.msg));
	xd->err.code = err;
	xd->err.when = ktime_get_boottime();
	spin_unlock_irqrestore(&xd->lock, flags);
}

/**
 * xenpv_dev_init() - set up the core part of a driver's device.
 * @xd: embedded in the driver's per-device struct (zeroed or not).
 * @xbdev: the xenbus device being probed.
 * @role: XENPV_FRONTEND or XENPV_BACKEND.
 * @ops: driver hooks (may be NULL); must outlive the device.
 *
 * Sets the xenbus device's driver data to @xd, so that the driver finds
 * its own struct with container_of(xenpv_dev_from_xbdev(xbdev), ...), and
 * records the peer's current state as the first history entry.  Creates
 * the debugfs directory when debugfs is available.
 *
 * Return: 0, or -EINVAL for a bad @role.
 */
int xenpv_dev_init(struct xenpv_dev *xd, struct xenbus_device *xbdev,
		   enum xenpv_role role, const struct xenpv_dev_ops *ops)
{
	int peer;

	if (role != XENPV_FRONTEND && role != XENPV_BACKEND)
		return -EINVAL;

	memset(xd, 0, sizeof(*xd));
	xd->xbdev = xbdev;
	xd->role = role;
	xd->ops = ops;
	mutex_init(&xd->state_lock);
	spin_lock_init(&xd->lock);
	INIT_LIST_HEAD(&xd->rings);
	INIT_LIST_HEAD(&xd->chans);
	atomic_set(&xd->grants_deferred, 0);
	xd->peer_state = XenbusStateUnknown;
	dev_set_drvdata(&xbdev->dev, xd);

	peer = xbdev->otherend ?
	       xenpv_read_driver_state(xbdev, xbdev->otherend) :
	       XenbusStateUnknown;
	xd->peer_state = peer;
	xenpv_record(xd, XenbusStateUnknown, peer, XENPV_SIDE_PEER, false,
		     "seen at probe");

	xenpv_debugfs_add(xd);
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_dev_init);

/**
 * xenpv_dev_destroy() - undo xenpv_dev_init().
 * @xd: the device; its rings and event channels must already be released.
 *
 * Removes the debugfs directory (waiting for readers) and clears the
 * driver data.  Does not change the xenstore state.
 */
void xenpv_dev_destroy(struct xenpv_dev *xd)
{
	xenpv_debugfs_remove(xd);
	WARN_ON_ONCE(!list_empty(&xd->rings));
	WARN_ON_ONCE(!list_empty(&xd->chans));
	dev_set_drvdata(&xd->xbdev->dev, NULL);
	mutex_destroy(&xd->state_lock);
}
EXPORT_SYMBOL_GPL(xenpv_dev_destroy);

/**
 * xenpv_dev_from_xbdev() - the xenpv_dev of a xenbus device.
 * @xbdev: a device set up with xenpv_dev_init().
 *
 * Return: the xenpv_dev, or NULL before init / after destroy.
 */
struct xenpv_dev *xenpv_dev_from_xbdev(struct xenbus_device *xbdev)
{
	return dev_get_drvdata(&xbdev->dev);
}
EXPORT_SYMBOL_GPL(xenpv_dev_from_xbdev);

/**
 * xenpv_our_state() - the state we last wrote.
 * @xd: the device.
 *
 * Return: our xenbus state.
 */
enum xenbus_state xenpv_our_state(struct xenpv_dev *xd)
{
	return READ_ONCE(xd->xbdev->state);
}
EXPORT_SYMBOL_GPL(xenpv_our_state);

/**
 * xenpv_peer_state() - the peer's state as last seen.
 * @xd: the device.
 *
 * Return: the peer's state from xenpv_peer_changed(); a value outside
 * enum xenbus_state if the peer wrote garbage.
 */
enum xenbus_state xenpv_peer_state(struct xenpv_dev *xd)
{
	return READ_ONCE(xd->peer_state);
}
EXPORT_SYMBOL_GPL(xenpv_peer_state);

/**
 * xenpv_set_state() - write our own state, if the state table allows it.
 * @xd: the device.
 * @state: the new state.
 * @cause: why (kept in the history), e.g. "rings mapped".
 *
 * Re-writing the current state is a no-op.  A step the table forbids
 * for our role is not written: it is logged (ratelimited), recorded in
 * the history and as last error, and refused.
 *
 * Context: process context, may sleep.
 * Return: 0 on success, -EINVAL for a forbidden step, -EIO if xenstore
 * could not be written (xenbus has then already reported the error).
 */
int xenpv_set_state(struct xenpv_dev *xd, enum xenbus_state state,
		    const char *cause)
{
	struct xenbus_device *xbdev = xd->xbdev;
	enum xenbus_state from;
	int err = 0;

	mutex_lock(&xd->state_lock);
	from = xbdev->state;
	if (from == state)
		goto out_unlock;

	if (!xenpv_state_transition_ok(xd->role, from, state)) {
		dev_warn_ratelimited(&xbdev->dev,
				     "refusing state %s -> %s (%s)\n",
				     xenpv_state_name(from),
				     xenpv_state_name(state), cause);
		xenpv_record(xd, from, state, XENPV_SIDE_OURS, true, cause);
		xenpv_note_error(xd, -EINVAL, "refused own state change");
		err = -EINVAL;
		goto out_unlock;
	}

	xenbus_switch_state(xbdev, state);
	if (xbdev->state != state) {
		xenpv_record(xd, from, state, XENPV_SIDE_OURS, true,
			     "state write failed");
		xenpv_note_error(xd, -EIO, "writing own state failed");
		err = -EIO;
		goto out_unlock;
	}
	xenpv_record(xd, from, state, XENPV_SIDE_OURS, false, cause);

out_unlock:
	mutex_unlock(&xd->state_lock);
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_set_state);

/**
 * xenpv_frontend_closed() - frontend: write Closed and wake a waiting remove.
 * @xd: a frontend device.
 * @cause: why, for the history.
 *
 * Like xenpv_set_state(@xd, XenbusStateClosed, @cause) but through
 * xenbus_frontend_closed(), which also completes the device's "down"
 * completion that the xenbus core waits on when it removes a frontend.
 * A refused step or a failed write is logged, recorded in the history
 * and kept as last error, as there.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL if not a frontend or Closed is not allowed now,
 * -EIO if xenstore could not be written.
 */
int xenpv_frontend_closed(struct xenpv_dev *xd, const char *cause)
{
	struct xenbus_device *xbdev = xd->xbdev;
	enum xenbus_state from;
	int err = 0;

	if (xd->role != XENPV_FRONTEND)
		return -EINVAL;

	mutex_lock(&xd->state_lock);
	from = xbdev->state;
	if (!xenpv_state_transition_ok(xd->role, from, XenbusStateClosed)) {
		dev_warn_ratelimited(&xbdev->dev,
				     "refusing state %s -> Closed (%s)\n",
				     xenpv_state_name(from), cause);
		xenpv_record(xd, from, XenbusStateClosed, XENPV_SIDE_OURS,
			     true, cause);
		xenpv_note_error(xd, -EINVAL, "refused own state change");
		err = -EINVAL;
		goto out_unlock;
	}
	xenbus_frontend_closed(xbdev);
	if (xbdev->state != XenbusStateClosed) {
		xenpv_record(xd, from, XenbusStateClosed, XENPV_SIDE_OURS, true,
			     "state write failed");
		xenpv_note_error(xd, -EIO, "writing own state failed");
		err = -EIO;
	} else if (from != XenbusStateClosed) {
		xenpv_record(xd, from, XenbusStateClosed, XENPV_SIDE_OURS,
			     false, cause);
	}
out_unlock:
	mutex_unlock(&xd->state_lock);
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_frontend_closed);

/**
 * xenpv_peer_transition_ok() - is a peer's observed state change plausible?
 * @peer_role: the peer's role (the opposite of ours).
 * @from: the peer state we saw before (may be out of range).
 * @to: the peer state we see now (may be out of range).
 *
 * Pure.  Observed changes may hide intermediate writes, so @to only has
 * to be reachable from @from through the table of @peer_role, without
 * passing through Closed.  Unknown (node absent) on either side is
 * accepted: a first sighting, or the toolstack removing the device.
 *
 * Return: true if legal.
 */
bool xenpv_peer_transition_ok(enum xenpv_role peer_role, int from, int to)
{
	unsigned int reach, done = 0;
	int s, t;

	if (to < 0 || to >= XENPV_NR_STATES)
		return false;
	if (from == to || to == XenbusStateUnknown)
		return true;
	if (from <= XenbusStateUnknown || from >= XENPV_NR_STATES)
		return true;

	reach = BIT(from);
	while (reach & ~done) {
		s = __ffs(reach & ~done);
		done |= BIT(s);
		if (s == XenbusStateClosed && s != from)
			continue;
		for (t = 0; t < XENPV_NR_STATES; t++)
			if (xenpv_state_transition_ok(peer_role, s, t))
				reach |= BIT(t);
	}
	return reach & BIT(to);
}
EXPORT_SYMBOL_GPL(xenpv_peer_transition_ok);

/**
 * xenpv_peer_changed() - record and check a peer state change.
 * @xd: the device.
 * @state: the peer's state as read from xenstore (any int).
 *
 * For drivers with their own otherend_changed hook; the generic
 * xenpv_otherend_changed() calls it.  Repeats of the same state are not
 * recorded.
 *
 * Return: 0 if the change is legal, -EPROTO if not (then it is logged,
 * counted and kept as last error; the driver should disconnect).
 */
int xenpv_peer_changed(struct xenpv_dev *xd, int state)
{
	unsigned long flags;
	bool legal;
	int from;

	spin_lock_irqsave(&xd->lock, flags);
	from = xd->peer_state;
	if (from == state) {
		spin_unlock_irqrestore(&xd->lock, flags);
		return 0;
	}
	legal = xenpv_peer_transition_ok(xenpv_peer_role(xd), from, state);
	xenpv_hist_record(&xd->hist, ktime_get_boottime(), from, state,
			  XENPV_SIDE_PEER, !legal,
			  legal ? "watch" : "illegal peer step");
	xd->peer_state = state;
	if (!legal)
		xd->peer_illegal++;
	spin_unlock_irqrestore(&xd->lock, flags);

	if (legal)
		return 0;
	dev_warn_ratelimited(&xd->xbdev->dev,
			     "peer made an illegal state change %s -> %s (%d)\n",
			     xenpv_state_name(from), xenpv_state_name(state),
			     state);
	xenpv_note_error(xd, -EPROTO, "illegal peer state change");
	return -EPROTO;
}
EXPORT_SYMBOL_GPL(xenpv_peer_changed);

/**
 * xenpv_otherend_changed() - generic xenbus_driver.otherend_changed hook.
 * @xbdev: the device (set up with xenpv_dev_init()).
 * @state: the peer's new state.
 *
 * Records and checks the change with xenpv_peer_changed(), then calls
 * the driver's ops->peer_changed with the verdict.
 */
void xenpv_otherend_changed(struct xenbus_device *xbdev,
			    enum xenbus_state state)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(xbdev);
	int err;

	if (!xd)
		return;
	err = xenpv_peer_changed(xd, state);
	if (xd->ops && xd->ops->peer_changed)
		xd->ops->peer_changed(xd, state, err == 0);
}
EXPORT_SYMBOL_GPL(xenpv_otherend_changed);

/**
 * xenpv_dev_error() - report a non-fatal error.
 * @xd: the device.
 * @err: negative errno.
 * @fmt: printf format of the message.
 *
 * Logs, keeps the message as last error (debugfs) and writes it to the
 * device's error node in xenstore via xenbus_dev_error().
 */
void xenpv_dev_error(struct xenpv_dev *xd, int err, const char *fmt, ...)
{
	char msg[XENPV_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	xenpv_note_error(xd, err, msg);
	xenbus_dev_error(xd->xbdev, err, "%s", msg);
}
EXPORT_SYMBOL_GPL(xenpv_dev_error);

/**
 * xenpv_dev_fatal() - report an error that ends the connection.
 * @xd: the device.
 * @err: negative errno.
 * @fmt: printf format of the message.
 *
 * As xenpv_dev_error(), then xenbus_dev_fatal() switches us to Closing;
 * that state change is recorded in the history.
 *
 * Context: process context, may sleep.
 */
void xenpv_dev_fatal(struct xenpv_dev *xd, int err, const char *fmt, ...)
{
	struct xenbus_device *xbdev = xd->xbdev;
	char msg[XENPV_ERR_LEN];
	enum xenbus_state from;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	xenpv_note_error(xd, err, msg);
	mutex_lock(&xd->state_lock);
	from = xbdev->state;
	xenbus_dev_fatal(xbdev, err, "%s", msg);
	if (xbdev->state != from)
		xenpv_record(xd, from, xbdev->state, XENPV_SIDE_OURS, false,
			     "fatal error");
	mutex_unlock(&xd->state_lock);
}
EXPORT_SYMBOL_GPL(xenpv_dev_fatal);

/**
 * xenpv_feature_note() - show a negotiated feature in debugfs.
 * @xd: the device.
 * @name: feature name, e.g. "feature-persistent" (truncated to 39 bytes).
 * @fmt: printf format of the value (truncated to 23 bytes).
 *
 * A second note with the same @name replaces the first.
 *
 * Return: 0, or -ENOSPC when XENPV_FEAT_MAX names are noted already.
 */
int xenpv_feature_note(struct xenpv_dev *xd, const char *name,
		       const char *fmt, ...)
{
	char val[XENPV_FEAT_VAL_LEN];
	unsigned long flags;
	unsigned int i;
	va_list ap;
	int err = 0;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);

	spin_lock_irqsave(&xd->lock, flags);
	for (i = 0; i < xd->nr_feat; i++)
		if (!strncmp(xd->feat[i].name, name, XENPV_FEAT_NAME_LEN - 1))
			break;
	if (i == xd->nr_feat) {
		if (i == XENPV_FEAT_MAX) {
			err = -ENOSPC;
			goto out_unlock;
		}
		strscpy(xd->feat[i].name, name, sizeof(xd->feat[i].name));
		xd->nr_feat++;
	}
	strscpy(xd->feat[i].val, val, sizeof(xd->feat[i].val));
out_unlock:
	spin_unlock_irqrestore(&xd->lock, flags);
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_feature_note);
