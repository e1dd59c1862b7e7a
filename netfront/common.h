/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-netfront: types and cross-file prototypes.
 *
 * The driver is split so:
 *	tx.c	  transmit: slots, grants or bounce pages, tx responses
 *	rx.c	  receive: rx buffers, responses to skbs, NAPI poll, IRQs
 *	netdev.c  net_device and ethtool glue, per-queue setup/teardown
 *	xenbus.c  probe/remove, negotiation and the state machine
 * All xenstore, state, ring, grant and event-channel work goes through
 * the xenpv-bus core (../xenbus/xenpv_bus.h).
 *
 * Locking: connecting and disconnecting the queues happens under
 * info->mutex and then rtnl (in that order), so it never runs against
 * ndo_open/ndo_stop.  A queue's tx ring is under its tx_lock; its rx
 * ring belongs to its NAPI context.
 */
#ifndef _XENPV_NETFRONT_COMMON_H
#define _XENPV_NETFRONT_COMMON_H

#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <xenpv/netif.h>
#include <xenpv/ring.h>

#include "../xenbus/xenpv_bus.h"

#define NETFRONT_TX_RING_SIZE	__CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define NETFRONT_RX_RING_SIZE	__CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)
/* Data slots of one tx packet: what every backend accepts. */
#define NETFRONT_TX_MAX_SLOTS	XEN_NETIF_NR_SLOTS_MIN
/* Ring slots one packet may need: data, a GSO extra, one spare. */
#define NETFRONT_TX_WAKE	(NETFRONT_TX_MAX_SLOTS + 2)
/* Data slots of one rx packet we accept (64 KiB + headers). */
#define NETFRONT_RX_MAX_SLOTS	(XEN_NETIF_NR_SLOTS_MIN + 1)
/* Bytes of a received packet pulled into the skb's linear part. */
#define NETFRONT_RX_HDR		256
#define NETFRONT_MAX_QUEUES_DEFAULT 8
#define NETFRONT_NAME_LEN	24

extern unsigned int netfront_max_queues;
extern bool netfront_trusted;

/**
 * struct netfront_tx_slot - one tx request id.
 * @skb: the packet whose data the slot grants (one reference per slot),
 *	or NULL for a bounce slot.
 * @bounce: the private page the data was copied to, or NULL.
 * @page: the skb's page the slot grants (not a bounce slot).
 * @ref: the grant of the slot's frame.
 */
struct netfront_tx_slot {
	struct sk_buff *skb;
	struct page *bounce;
	struct page *page;
	grant_ref_t ref;
};

/**
 * struct netfront_rx_buf - the receive buffer of one rx id.
 * @page: a page of the queue's pool granted writable to the backend, or
 *	NULL.  Ours (one reference) until its grant has ended; only then
 *	does it go to an skb or back to the pool.
 * @ref: its grant.
 */
struct netfront_rx_buf {
	struct page *page;
	grant_ref_t ref;
};

/**
 * struct netfront_qstats - per-queue counters (also for ethtool -S).
 * @syncp: 64-bit counter consistency on 32-bit hosts.
 * @packets: packets sent or delivered.
 * @bytes: their bytes.
 * @errors: tx: backend error responses; rx: error or malformed packets.
 * @dropped: tx: packets dropped before the ring; rx: no memory.
 * @extra: tx: packets bounced; rx: GSO checksum fixups.
 */
struct netfront_qstats {
	struct u64_stats_sync syncp;
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t errors;
	u64_stats_t dropped;
	u64_stats_t extra;
};

struct netfront_info;

/**
 * struct netfront_queue - one tx/rx ring pair and its event channel(s).
 * @info: the device.
 * @id: queue index.
 * @up: rings set up; responses may be consumed.
 * @napi: receive (and rx refill) context.
 * @tx_lock: protects the tx ring and everything tx_ below.
 * @tx: our view of the tx ring.
 * @tx_slot: per tx id: what the slot holds.
 * @tx_pending: per tx id: nonzero while the slot is on the ring.
 * @tx_free: stack of free tx ids, @tx_nr_free of them.
 * @tx_nr_free: free ids.
 * @tx_last_prod: response producer seen by the last tx event.
 * @rx: our view of the rx ring (NAPI).
 * @pool: where rx buffer pages come from and go back to (page_pool;
 *	NULL on a kernel without one: plain pages).
 * @rx_buf: per rx id: the buffer.
 * @rx_posted: per rx id: nonzero while the buffer is on the ring.
 * @rx_last_prod: response producer seen by the last rx event.
 * @rx_wait_prod: a packet's slots were incomplete at this producer.
 * @rx_partial: the last poll stopped at an incomplete packet.
 * @refill_timer: retries the rx refill after allocation failures.
 * @tx_ring: tx ring pages (core).
 * @rx_ring: rx ring pages (core).
 * @tx_ch: the tx event channel (also rx when not split).
 * @rx_ch: the rx event channel, bound only when split.
 * @tx_stats: tx counters.
 * @rx_stats: rx counters.
 * @name: base name of the IRQs.
 */
struct netfront_queue {
	struct netfront_info *info;
	unsigned int id;
	bool up;
	struct napi_struct napi;

	spinlock_t tx_lock;		/* tx ring and ids */
	struct xen_netif_tx_front_ring tx;
	struct netfront_tx_slot tx_slot[NETFRONT_TX_RING_SIZE];
	u8 tx_pending[NETFRONT_TX_RING_SIZE];
	u16 tx_free[NETFRONT_TX_RING_SIZE];
	unsigned int tx_nr_free;
	RING_IDX tx_last_prod;

	struct xen_netif_rx_front_ring rx;
	struct page_pool *pool;
	struct netfront_rx_buf rx_buf[NETFRONT_RX_RING_SIZE];
	u8 rx_posted[NETFRONT_RX_RING_SIZE];
	RING_IDX rx_last_prod;
	bool rx_partial;
	struct timer_list refill_timer;

	struct xenpv_ring tx_ring;
	struct xenpv_ring rx_ring;
	struct xenpv_evtchn tx_ch;
	struct xenpv_evtchn rx_ch;

	struct netfront_qstats tx_stats;
	struct netfront_qstats rx_stats;
	char name[NETFRONT_NAME_LEN];
};

/**
 * struct netfront_info - one virtual network interface.
 * @xd: the core's part; the driver data of the xenbus device.
 * @netdev: the net_device (this struct is its private area).
 * @mutex: serialises connecting and tearing down (xenwatch, remove).
 * @queues: @max_queues queues, @nr_queues of them in use.
 * @max_queues: queues allocated (the net_device's tx/rx queue count).
 * @nr_queues: queues negotiated, valid while @connected.
 * @connected: the rings are set up and published.
 * @removing: remove() runs; no more connecting.
 * @broken: the backend broke the protocol; nothing more is accepted.
 * @bounce: copy tx data to private pages, zero rx buffers (untrusted
 *	backend).
 * @split: separate tx and rx event channels.
 * @be_mq: the backend offers multi-queue (multi-queue-max-queues).
 * @be_sg: the backend takes multi-slot packets (feature-sg).
 * @be_tso4: feature-gso-tcpv4.
 * @be_tso6: feature-gso-tcpv6.
 * @be_csum6: feature-ipv6-csum-offload.
 * @broken_work: switches to Closing after the backend broke the ring.
 * @resumed: restores (.resume calls) seen, for debugfs.
 */
struct netfront_info {
	struct xenpv_dev xd;
	struct net_device *netdev;
	struct mutex mutex;		/* connect / teardown */
	struct netfront_queue *queues;
	unsigned int max_queues;
	unsigned int nr_queues;
	bool connected;
	bool removing;
	bool broken;
	bool bounce;
	bool split;
	bool be_mq;
	bool be_sg;
	bool be_tso4;
	bool be_tso6;
	bool be_csum6;
	struct work_struct broken_work;
	unsigned int resumed;
};

static inline struct netfront_info *netfront_from_xd(struct xenpv_dev *xd)
{
	return container_of(xd, struct netfront_info, xd);
}

static inline unsigned int netfront_tx_free_slots(struct netfront_queue *q)
{
	return NETFRONT_TX_RING_SIZE - (q->tx.req_prod_pvt - q->tx.rsp_cons);
}

static inline void netfront_stat_add(struct netfront_qstats *s,
				     u64_stats_t *ctr, u64 n)
{
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(ctr, n);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
}

/* tx.c */
netdev_tx_t netfront_start_xmit(struct sk_buff *skb, struct net_device *dev);
void netfront_tx_init(struct netfront_queue *q);
bool netfront_tx_gc(struct netfront_queue *q);
void netfront_tx_release_all(struct netfront_queue *q);
irqreturn_t netfront_tx_interrupt(int irq, void *dev_id);

/* rx.c */
int netfront_poll(struct napi_struct *napi, int budget);
void netfront_rx_refill(struct netfront_queue *q, gfp_t gfp);
void netfront_rx_release_all(struct netfront_queue *q);
void netfront_refill_timeout(struct timer_list *t);
irqreturn_t netfront_rx_interrupt(int irq, void *dev_id);
irqreturn_t netfront_interrupt(int irq, void *dev_id);
bool netfront_rx_kick(struct netfront_queue *q);

/* netdev.c */
struct net_device *netfront_netdev_alloc(struct xenbus_device *xbdev,
					 unsigned int max_queues);
void netfront_netdev_free(struct net_device *dev);
int netfront_queues_setup(struct netfront_info *info, unsigned int nr);
void netfront_queues_teardown(struct netfront_info *info);
void netfront_queues_start(struct netfront_info *info);
void netfront_mark_broken(struct netfront_queue *q, const char *why,
			  long long a, long long b);
void netfront_show(struct xenpv_dev *xd, struct seq_file *m);

#endif /* _XENPV_NETFRONT_COMMON_H */
