/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-netback on the xenpv core: shared definitions.
 *
 * One struct nb_vif per xenbus "vif" device, embedded in the private
 * area of its net_device vif<domid>.<handle>; one struct nb_queue per
 * negotiated queue.  Directions are named from the guest's view, as in
 * the protocol: "tx" is the guest's transmit ring (guest -> dom0,
 * handled by NAPI), "rx" the guest's receive ring (dom0 -> guest,
 * handled by one kernel thread per queue).  All packet data moves by
 * grant copy; no guest page is ever mapped.
 */
#ifndef _XEN_NETBACK_COMMON_H
#define _XEN_NETBACK_COMMON_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/grant_table.h>
#include <xen/interface/io/netif.h>
#include <xen/page.h>
#include <xenpv/netif.h>

#include "../xenbus/xenpv_bus.h"

/* Module parameters (xenbus.c); read when used, so changes apply live. */
extern unsigned int nb_max_queues;
extern bool nb_separate_tx_rx_irq;
extern unsigned int nb_rx_drain_timeout_msecs;
extern unsigned int nb_rx_stall_timeout_msecs;
extern unsigned int nb_fatal_skb_slots;

/* Ring sizes of the one-page rings. */
#define NB_TX_RING_SIZE		__CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define NB_RX_RING_SIZE		__CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)

/* Most queues a vif offers, whatever max_queues says. */
#define NB_MAX_QUEUES		64
/* Slot limit we ever accept per packet, whatever fatal_skb_slots says. */
#define NB_TX_SLOTS_MAX		64
/* Extra-info slots per packet: each type at most once. */
#define NB_TX_EXTRAS_MAX	(XEN_NETIF_EXTRA_TYPE_MAX - 1)
/* Grant-copy operations per TX batch, and packets per batch. */
#define NB_TX_COPY_OPS		(2 * NB_TX_RING_SIZE)
#define NB_TX_BATCH		64
/* Worst case operations of one TX packet: slots plus dest boundaries. */
#define NB_TX_PKT_OPS		(NB_TX_SLOTS_MAX + 2 + MAX_SKB_FRAGS)

/* RX (dom0 -> guest). */
#define NB_RX_COPY_OPS		(2 * NB_RX_RING_SIZE)
#define NB_RX_BATCH		32
/* Data slots of the largest skb we pass to a guest (64 KiB + headers). */
#define NB_RX_DATA_SLOTS_MAX	(XEN_NETIF_NR_SLOTS_MIN - 1)
/* Slots a stalled queue needs free before it counts as running again. */
#define NB_RX_UNSTALL_SLOTS	(NB_RX_DATA_SLOTS_MAX + 1)
/* Internal queue per RX queue, in skb truesize bytes (memory bound). */
#define NB_RX_QUEUE_BYTES	(NB_RX_RING_SIZE / 2 * PAGE_SIZE)
/* Poll interval for a frontend without feature-rx-notify. */
#define NB_RX_POLL_MSECS	30

/* Frontend GSO capabilities (nb_vif.gso_mask). */
#define NB_GSO_TCPV4		BIT(0)
#define NB_GSO_TCPV6		BIT(1)

struct nb_vif;
struct nb_tx_pkt;

/*
 * Per-queue counters, 64-bit everywhere.  Each group has one writer (guest
 * tx: the queue's NAPI poll; guest rx: the queue's RX thread, or the
 * disconnect once that thread stopped) and readers go through the group's
 * u64_stats_sync: a 32-bit reader never sees a torn value.
 */
struct nb_tx_stats {
	struct u64_stats_sync syncp;
	u64_stats_t packets;		/* received from the guest */
	u64_stats_t bytes;
	u64_stats_t errors;		/* guest packets dropped */
	u64_stats_t gso_checksum_fixup;	/* GSO without a partial csum */
	u64_stats_t frag_overflow;	/* too many frags for one skb */
	u64_stats_t bad_requests;	/* refused with RSP_ERROR */
	u64_stats_t copy_errors;	/* their copy failed */
};

struct nb_rx_stats {
	struct u64_stats_sync syncp;
	u64_stats_t packets;		/* copied to the guest */
	u64_stats_t bytes;
	u64_stats_t dropped;		/* queued for the guest, dropped */
	u64_stats_t drained;		/* dropped after the drain timeout */
	u64_stats_t stalls;		/* times the queue stalled */
	u64_stats_t copy_errors;	/* their copy to the guest failed */
};

/* A consistent copy of one queue's counters (nb_queue_stats()). */
struct nb_stats {
	/* ethtool -S: the in-tree xen-netback's names, then ours */
	u64 rx_gso_checksum_fixup;
	u64 tx_zerocopy_sent;		/* always 0: we always copy */
	u64 tx_zerocopy_success;
	u64 tx_zerocopy_fail;
	u64 tx_frag_overflow;
	u64 tx_bad_requests;
	u64 tx_copy_errors;
	u64 rx_drained;
	u64 rx_stalls;
	u64 rx_copy_errors;
	/* net_device statistics and debugfs (guest's view of tx/rx) */
	u64 tx_packets, tx_bytes, tx_errors;
	u64 rx_packets, rx_bytes, rx_dropped;
};

/**
 * struct nb_queue - one queue: a TX and an RX ring with their channels.
 * @vif: owner.
 * @id: queue index.
 * @name: "vif<domid>.<handle>-q<id>", for IRQs and the thread.
 * @tx_map: the mapped TX ring.
 * @tx: back ring over @tx_map.
 * @tx_ch: TX (or the only) event channel.
 * @rx_ch: RX event channel with split channels.
 * @split: two channels.
 * @napi: TX processing.
 * @tx_eoi_pending: the TX channel's EOI waits for NAPI to finish.
 * @tx_copy: grant-copy operations of one TX batch.
 * @tx_pkts: packets of one TX batch.
 * @tx_slots: the data slots of the packet being read.
 * @tx_stuck: the ring ends in an incomplete packet, at @tx_stuck_prod;
 *	wait for the frontend to push more before polling again.
 * @credit_timer: re-polls when the rate limit allows more.
 * @credit_left: bytes the guest may still send in this window.
 * @credit_until: jiffies at which the window ends.
 * @rx_map: the mapped RX ring.
 * @rx: back ring over @rx_map.
 * @rx_task: the RX thread.
 * @rx_wq: the thread waits here.
 * @rx_queue: skbs waiting for guest buffers (its lock guards @rx_bytes).
 * @rx_bytes: truesize of @rx_queue.
 * @rx_need: slots the head skb needs (the thread's wake-up condition).
 * @rx_last_prod: RX req_prod seen by the last event (spurious check).
 * @rx_progress: jiffies of our last copy to the guest (or of connect,
 *	unstall): the stall timeout counts from here.
 * @rx_copy: grant-copy operations of one RX batch.
 * @stalled: the guest stopped giving buffers; carrier is off.
 * @broken: the frontend misbehaved; the queue does nothing more.
 * @txs: guest tx counters (NAPI writes).
 * @rxs: guest rx counters (the RX thread writes).
 * @dbg: debugfs file.
 */
struct nb_queue {
	struct nb_vif *vif;
	unsigned int id;
	char name[IFNAMSIZ + 8];

	struct xenpv_ring tx_map;
	struct xen_netif_tx_back_ring tx;
	struct xenpv_evtchn tx_ch;
	struct xenpv_evtchn rx_ch;
	bool split;
	struct napi_struct napi;
	unsigned long tx_eoi_pending;
	struct gnttab_copy *tx_copy;
	struct nb_tx_pkt *tx_pkts;
	struct xen_netif_tx_request tx_slots[NB_TX_SLOTS_MAX];
	bool tx_stuck;
	RING_IDX tx_stuck_prod;
	struct timer_list credit_timer;
	unsigned long credit_left;
	unsigned long credit_until;

	struct xenpv_ring rx_map;
	struct xen_netif_rx_back_ring rx;
	struct task_struct *rx_task;
	wait_queue_head_t rx_wq;
	struct sk_buff_head rx_queue;
	unsigned int rx_bytes;
	RING_IDX rx_last_prod;
	unsigned int rx_need;
	unsigned long rx_progress;
	struct gnttab_copy *rx_copy;
	bool stalled;

	bool broken;
	struct nb_tx_stats txs;
	struct nb_rx_stats rxs;
	struct dentry *dbg;
};

/**
 * struct nb_vif - one vif: the backend device and its net_device.
 * @xd: core device (embedded; xbdev driver data points here).
 * @dev: vif<domid>.<handle>.
 * @domid: the frontend's domain.
 * @handle: the vif's handle.
 * @lock: serialises connect, disconnect and the watches.
 * @queues: @nr_queues queues while @connected.
 * @nr_queues: negotiated queue count.
 * @connected: the data path is up (rings mapped, threads running).
 * @hotplug_ok: vif-bridge wrote hotplug-status = connected.
 * @hotplug_watch: watch on our hotplug-status.
 * @rate_watch: watch on our rate.
 * @fe_mac: the guest's MAC address (from "mac").
 * @can_sg, @ip_csum, @ipv6_csum, @rx_notify, @gso_mask: frontend features.
 * @credit_bytes: rate limit: bytes per @credit_usec (ULONG_MAX: none).
 * @credit_usec: rate limit window.
 * @stall_lock: guards @stalled_queues.
 * @stalled_queues: queues stalled; carrier is off while non-zero.
 * @fatal_work: disconnects a misbehaving frontend from process context.
 * @xmit_dropped: skbs for the guest dropped at transmit.
 * @fatal_msg: why, for the fatal report.
 * @dbg: debugfs directory.
 */
struct nb_vif {
	struct xenpv_dev xd;
	struct net_device *dev;
	domid_t domid;
	u32 handle;
	struct mutex lock;	/* connect/disconnect/watches */

	struct nb_queue *queues;
	unsigned int nr_queues;
	bool connected;
	bool hotplug_ok;
	struct xenbus_watch hotplug_watch;
	struct xenbus_watch rate_watch;
	u8 fe_mac[ETH_ALEN];

	bool can_sg;
	bool ip_csum;
	bool ipv6_csum;
	bool rx_notify;
	u8 gso_mask;

	unsigned long credit_bytes;
	unsigned long credit_usec;

	spinlock_t stall_lock;	/* stalled_queues */
	unsigned int stalled_queues;

	struct work_struct fatal_work;
	atomic_t fatal;
	atomic_long_t xmit_dropped;
	char fatal_msg[64];
	struct dentry *dbg;
};

/* interface.c */
struct nb_vif *nb_vif_alloc(struct xenbus_device *xbdev, domid_t domid,
			    u32 handle);
void nb_vif_free(struct nb_vif *vif);
int nb_queue_connect(struct nb_queue *q, const char *dir, bool split);
void nb_queue_disconnect(struct nb_queue *q);
void nb_vif_carrier(struct nb_vif *vif);
void nb_queue_fatal(struct nb_queue *q, const char *why);
void nb_queue_stall(struct nb_queue *q, bool stalled);
void nb_vif_disconnect(struct nb_vif *vif);
void nb_queue_stats(const struct nb_queue *q, struct nb_stats *st);
void nb_debugfs_vif_add(struct nb_vif *vif);
void nb_debugfs_vif_remove(struct nb_vif *vif);
int nb_debugfs_init(void);
void nb_debugfs_exit(void);

/* tx.c: guest -> dom0 */
int nb_tx_poll(struct napi_struct *napi, int budget);
void nb_tx_credit_timer(struct timer_list *t);
bool nb_tx_pending(struct nb_queue *q);
size_t nb_tx_pkt_size(void);

/* rx.c: dom0 -> guest */
netdev_tx_t nb_start_xmit(struct sk_buff *skb, struct net_device *dev);
int nb_rx_thread(void *arg);
unsigned int nb_rx_slots(const struct nb_vif *vif, const struct sk_buff *skb);
void nb_rx_purge(struct nb_queue *q);
bool nb_rx_kick(struct nb_queue *q);

/* Count @n in a guest tx counter of @q.  Context: @q's NAPI poll. */
static inline void nb_tx_count(struct nb_queue *q, u64_stats_t *ctr,
			       unsigned long n)
{
	u64_stats_update_begin(&q->txs.syncp);
	u64_stats_add(ctr, n);
	u64_stats_update_end(&q->txs.syncp);
}

/*
 * Count @n in a guest rx counter of @q.  Context: @q's RX thread (or
 * with it stopped); preemptible, hence the irqsave variant (32-bit).
 */
static inline void nb_rx_count(struct nb_queue *q, u64_stats_t *ctr,
			       unsigned long n)
{
	unsigned long flags = u64_stats_update_begin_irqsave(&q->rxs.syncp);

	u64_stats_add(ctr, n);
	u64_stats_update_end_irqrestore(&q->rxs.syncp, flags);
}

static inline struct nb_vif *nb_vif_of(struct xenpv_dev *xd)
{
	return container_of(xd, struct nb_vif, xd);
}

#endif /* _XEN_NETBACK_COMMON_H */
