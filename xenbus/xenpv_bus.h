/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenpv-bus: the driver-facing API of the xenpv core module.
 *
 * Every xenpv driver embeds a struct xenpv_dev in its per-device struct
 * and does all of its xenstore, state, ring, grant and event-channel work
 * through the functions below; no driver writes a xenstore path itself.
 *
 * Drivers include this header from ../xenbus/ (a path relative to their
 * own directory, so no extra -I is needed).  A backend connects so:
 *
 *	probe:	xenpv_dev_init(&be->xd, xbdev, XENPV_BACKEND, &be_ops);
 *		xenpv_kv_set(&kv[0], "max-ring-page-order", "%u", max_order);
 *		xenpv_publish(&be->xd, NULL, kv, 1, NULL, NULL);
 *		xenpv_set_state(&be->xd, XenbusStateInitWait, "probed");
 *	.otherend_changed = xenpv_otherend_changed, then in
 *	be_ops.peer_changed, on Initialised/Connected and legal:
 *		xenpv_ring_peer_order(xd, max_order, &order);
 *		xenpv_ring_map(xd, &be->ring, "ring", NULL, "ring-ref", order);
 *		xenpv_evtchn_read_port(xd, NULL, "event-channel", &port);
 *		xenpv_evtchn_bind(xd, &be->ch, "be-q0", port, be_irq, be);
 *		xenpv_set_state(xd, XenbusStateConnected, "rings mapped");
 *	on !legal or peer Closing: unbind, unmap, set Closing/Closed.
 *
 * Locking: the state and publish helpers sleep (xenstore); call them from
 * probe/remove/otherend_changed or a work item.  xenpv_evtchn_eoi(),
 * xenpv_evtchn_notify() and xenpv_grant_*() may be called from any
 * context.  Per-device bookkeeping (history, features, error, rings and
 * channels lists) is protected by xenpv_dev.lock, a spinlock.
 */
#ifndef _XENPV_BUS_H
#define _XENPV_BUS_H

#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xenpv/compat.h>
#include <xenpv/ring.h>
#include <xenpv/state.h>

#define XENPV_HIST_LEN		16	/* state changes kept per device */
#define XENPV_CAUSE_LEN		32	/* bytes of a history cause string */
#define XENPV_FEAT_MAX		24	/* feature notes per device */
#define XENPV_FEAT_NAME_LEN	40
#define XENPV_FEAT_VAL_LEN	24
#define XENPV_ERR_LEN		96	/* bytes of the last error message */
#define XENPV_KV_VAL_LEN	40	/* bytes of a published value */
#define XENPV_NAME_LEN		24	/* ring / channel label */

struct xenpv_dev;

/* Who changed the state recorded in a history entry. */
enum xenpv_side {
	XENPV_SIDE_OURS,
	XENPV_SIDE_PEER,
};

/**
 * struct xenpv_hist_entry - one recorded state change.
 * @when: ktime_get_boottime() at the change.
 * @from: previous state of that side.
 * @to: new state (for the peer: as read, possibly out of range).
 * @side: enum xenpv_side.
 * @illegal: the change broke the state table (peer) or was refused (ours).
 * @cause: why, as given by the caller ("connect", "peer Closing", ...).
 */
struct xenpv_hist_entry {
	ktime_t when;
	int from;
	int to;
	u8 side;
	u8 illegal;
	char cause[XENPV_CAUSE_LEN];
};

/**
 * struct xenpv_hist - ring of the last XENPV_HIST_LEN state changes.
 * @ent: the entries; @ent[(@next - 1) % XENPV_HIST_LEN] is the newest.
 * @next: total number of entries ever recorded.
 */
struct xenpv_hist {
	struct xenpv_hist_entry ent[XENPV_HIST_LEN];
	unsigned int next;
};

/**
 * struct xenpv_dev_ops - driver hooks called by the core.
 * @peer_changed: the peer's state changed (from xenpv_otherend_changed());
 *	@legal is false when the change broke the state table, and the
 *	driver should then disconnect.  Called in xenwatch context.
 * @show: print ring indices, pending requests and anything else that
 *	helps to see why the device is stuck, into the debugfs status file.
 *	May run at any time between xenpv_dev_init() and the return of
 *	xenpv_dev_destroy(), also while the driver is disconnected.
 */
struct xenpv_dev_ops {
	void (*peer_changed)(struct xenpv_dev *xd, enum xenbus_state state,
			     bool legal);
	void (*show)(struct xenpv_dev *xd, struct seq_file *m);
};

/**
 * struct xenpv_dev - per-device core state, embedded in the driver's struct.
 * @xbdev: the xenbus device.
 * @role: XENPV_FRONTEND or XENPV_BACKEND (which state table applies).
 * @ops: driver hooks, may be NULL.
 * @state_lock: serialises our own state writes.
 * @lock: protects everything below.
 * @peer_state: last peer state we saw (XenbusStateUnknown before any).
 * @peer_illegal: number of illegal peer transitions seen.
 * @hist: state history, ours and the peer's.
 * @nr_feat: used entries of @feat.
 * @feat: negotiated features, as noted by the driver.
 * @err: last error: @err.msg, @err.code (negative errno), @err.when.
 * @rings: registered struct xenpv_ring (for debugfs).
 * @chans: registered struct xenpv_evtchn (for debugfs).
 * @grants_deferred: grants whose revocation had to wait for the peer.
 * @debugfs: this device's debugfs directory, or NULL/ERR_PTR.
 */
struct xenpv_dev {
	struct xenbus_device *xbdev;
	enum xenpv_role role;
	const struct xenpv_dev_ops *ops;
	struct mutex state_lock;	/* our state writes */
	spinlock_t lock;		/* bookkeeping below */
	int peer_state;
	unsigned int peer_illegal;
	struct xenpv_hist hist;
	unsigned int nr_feat;
	struct {
		char name[XENPV_FEAT_NAME_LEN];
		char val[XENPV_FEAT_VAL_LEN];
	} feat[XENPV_FEAT_MAX];
	struct {
		char msg[XENPV_ERR_LEN];
		int code;
		ktime_t when;
	} err;
	struct list_head rings;
	struct list_head chans;
	atomic_t grants_deferred;
	struct dentry *debugfs;
};

/* Lifecycle (dev.c) */
int xenpv_dev_init(struct xenpv_dev *xd, struct xenbus_device *xbdev,
		   enum xenpv_role role, const struct xenpv_dev_ops *ops);
void xenpv_dev_destroy(struct xenpv_dev *xd);
struct xenpv_dev *xenpv_dev_from_xbdev(struct xenbus_device *xbdev);

/* State machine (dev.c) */
int xenpv_set_state(struct xenpv_dev *xd, enum xenbus_state state,
		    const char *cause);
int xenpv_frontend_closed(struct xenpv_dev *xd, const char *cause);
enum xenbus_state xenpv_our_state(struct xenpv_dev *xd);
enum xenbus_state xenpv_peer_state(struct xenpv_dev *xd);
bool xenpv_peer_transition_ok(enum xenpv_role peer_role, int from, int to);
int xenpv_peer_changed(struct xenpv_dev *xd, int state);
void xenpv_otherend_changed(struct xenbus_device *xbdev,
			    enum xenbus_state state);

/* Errors (dev.c): recorded for debugfs and written to xenstore. */
__printf(3, 4)
void xenpv_dev_error(struct xenpv_dev *xd, int err, const char *fmt, ...);
__printf(3, 4)
void xenpv_dev_fatal(struct xenpv_dev *xd, int err, const char *fmt, ...);

/* Feature notes for debugfs (dev.c) */
__printf(3, 4)
int xenpv_feature_note(struct xenpv_dev *xd, const char *name,
		       const char *fmt, ...);

/* Negotiation (negotiate.c) */

/**
 * struct xenpv_kv - one key to publish with xenpv_publish().
 * @key: node name, relative to the publish directory (may contain '/').
 * @val: the value, formatted by xenpv_kv_set().
 */
struct xenpv_kv {
	const char *key;
	char val[XENPV_KV_VAL_LEN];
};

__printf(3, 4)
int xenpv_kv_set(struct xenpv_kv *kv, const char *key, const char *fmt, ...);
int xenpv_parse_u32(const char *str, u32 def, u32 min, u32 max, u32 *val);
int xenpv_read_u32(struct xenpv_dev *xd, const char *dir, const char *key,
		   u32 def, u32 min, u32 max, u32 *val);
int xenpv_read_u64(struct xenpv_dev *xd, const char *dir, const char *key,
		   u64 def, u64 min, u64 max, u64 *val);
bool xenpv_read_bool(struct xenpv_dev *xd, const char *dir, const char *key,
		     bool def);
int xenpv_publish(struct xenpv_dev *xd, const char *dir,
		  const struct xenpv_kv *kv, unsigned int nr,
		  int (*extra)(struct xenpv_dev *xd,
			       struct xenbus_transaction xbt, void *arg),
		  void *arg);
int xenpv_read_num_queues(struct xenpv_dev *xd, unsigned int max,
			  unsigned int *nr);
char *xenpv_queue_dir(struct xenpv_dev *xd, bool peer, unsigned int queue,
		      unsigned int nr_queues, gfp_t gfp);
int xenpv_publish_queues(struct xenpv_dev *xd, struct xenbus_transaction xbt,
			 unsigned int nr, bool write_num,
			 const char *const *keys,
			 int (*queue)(struct xenpv_dev *xd,
				      struct xenbus_transaction xbt,
				      const char *dir, unsigned int i,
				      void *arg),
			 void *arg);

/* Shared rings of 2^order grant pages (ring.c) */

/**
 * struct xenpv_ring - a shared ring, granted (frontend) or mapped (backend).
 * @node: on xenpv_dev.rings while set up.
 * @name: label for debugfs.
 * @va: the ring's first byte (our pages, or the mapping of the peer's).
 * @order: the ring spans 2^@order grant pages.
 * @mapped: backend: @va is a mapping from xenbus_map_ring_valloc().
 * @refs: the grant references, XENBUS_MAX_RING_GRANTS at most.
 */
struct xenpv_ring {
	struct list_head node;
	char name[XENPV_NAME_LEN];
	void *va;
	unsigned int order;
	bool mapped;
	grant_ref_t refs[XENBUS_MAX_RING_GRANTS];
};

int xenpv_ring_alloc(struct xenpv_dev *xd, struct xenpv_ring *ring,
		     const char *name, unsigned int order);
int xenpv_ring_publish(struct xenpv_dev *xd, struct xenbus_transaction xbt,
		       const char *dir, const char *key,
		       const struct xenpv_ring *ring);
void xenpv_ring_free(struct xenpv_dev *xd, struct xenpv_ring *ring);
int xenpv_ring_peer_order(struct xenpv_dev *xd, unsigned int max_order,
			  unsigned int *order);
int xenpv_ring_map(struct xenpv_dev *xd, struct xenpv_ring *ring,
		   const char *name, const char *dir, const char *key,
		   unsigned int order);
void xenpv_ring_unmap(struct xenpv_dev *xd, struct xenpv_ring *ring);

/**
 * xenpv_ring_bytes() - size of a ring in bytes.
 * @ring: a set-up ring.
 *
 * Return: XEN_PAGE_SIZE << order, the size to pass to the ring macros.
 */
static inline size_t xenpv_ring_bytes(const struct xenpv_ring *ring)
{
	return (size_t)XEN_PAGE_SIZE << ring->order;
}

/* Event channels with late EOI (event.c) */

/**
 * struct xenpv_evtchn - an event channel bound to a lateeoi IRQ.
 * @node: on xenpv_dev.chans while bound.
 * @name: IRQ name (shown in /proc/interrupts) and debugfs label.
 * @port: the port named in xenstore: the frontend's own port, which is
 *	the remote port for the backend.
 * @irq: the bound IRQ, valid while @bound, and inside the handler
 *	from the first event on (the core stores it before calling
 *	@handler, even for an event that comes during the bind).
 * @bound: @port is bound to @irq with our handler.
 * @handler: the driver's handler, called by the core's.
 * @dev_id: the cookie passed to @handler.
 * @events: EOIs the driver sent (one per event handled).
 * @spurious: of those, events that found no work.
 */
struct xenpv_evtchn {
	struct list_head node;
	char name[XENPV_NAME_LEN];
	evtchn_port_t port;
	int irq;
	bool bound;
	irq_handler_t handler;
	void *dev_id;
	atomic_long_t events;
	atomic_long_t spurious;
};

int xenpv_evtchn_alloc(struct xenpv_dev *xd, struct xenpv_evtchn *ch,
		       const char *name, irq_handler_t handler, void *dev_id);
int xenpv_evtchn_read_port(struct xenpv_dev *xd, const char *dir,
			   const char *key, evtchn_port_t *port);
int xenpv_evtchn_bind(struct xenpv_dev *xd, struct xenpv_evtchn *ch,
		      const char *name, evtchn_port_t remote_port,
		      irq_handler_t handler, void *dev_id);
int xenpv_evtchn_publish(struct xenpv_dev *xd, struct xenbus_transaction xbt,
			 const char *dir, const char *key,
			 const struct xenpv_evtchn *ch);
void xenpv_evtchn_eoi(struct xenpv_evtchn *ch, unsigned int eoi_flags);
void xenpv_evtchn_notify(struct xenpv_evtchn *ch);
void xenpv_evtchn_unbind(struct xenpv_dev *xd, struct xenpv_evtchn *ch);

/* Grants (grant.c) */
int xenpv_grant_refs_alloc(unsigned int count, grant_ref_t *head);
void xenpv_grant_refs_free(grant_ref_t head);
int xenpv_grant_claim(grant_ref_t *head, grant_ref_t *ref);
void xenpv_grant_page(struct xenpv_dev *xd, grant_ref_t ref,
		      unsigned long gfn, bool readonly);
int xenpv_grant_access(struct xenpv_dev *xd, unsigned long gfn, bool readonly,
		       grant_ref_t *ref);
bool xenpv_grant_revoke(struct xenpv_dev *xd, grant_ref_t ref,
			struct page *page);

#endif /* _XENPV_BUS_H */
