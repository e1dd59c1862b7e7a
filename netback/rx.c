// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest receive (dom0 -> guest): one kernel thread per queue.
 *
 * ndo_start_xmit queues skbs on the queue's rx_queue, bounded by
 * NB_RX_QUEUE_BYTES of truesize (the net_device queue is stopped above
 * it).  The thread copies them into the buffers the guest posts on its
 * RX ring, by grant copy, packing each skb into whole 4 KiB slots: data
 * slot 0, the GSO extra-info slot if any, then the other data slots.
 *
 * A guest that stops posting buffers stalls the queue: after
 * rx_stall_timeout_msecs without progress the carrier goes off (the
 * bridge stops forwarding, the qdisc is flushed) and what is queued is
 * dropped; skbs older than rx_drain_timeout_msecs are dropped at any
 * time.  When the guest posts buffers again, the carrier comes back.
 */
#include <linux/kthread.h>
#include <linux/netdevice.h>
#include <xen/page.h>

#include "common.h"

/* Per-skb state while queued for the guest. */
struct nb_rx_cb {
	unsigned long enq;	/* jiffies when queued */
};

#define NB_RX_CB(skb)	((struct nb_rx_cb *)(skb)->cb)

/* One skb of an RX batch. */
struct nb_rx_pkt {
	struct sk_buff *skb;
	unsigned int first_op;
	unsigned int nr_ops;
	RING_IDX first_rsp;
};

static bool nb_rx_gso(const struct nb_vif *vif, const struct sk_buff *skb)
{
	return skb_is_gso(skb) &&
	       (skb_shinfo(skb)->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6));
}

/**
 * nb_rx_slots() - ring slots an skb takes in the guest's RX ring.
 * @vif: the vif.
 * @skb: the skb.
 *
 * Return: data slots plus one for a GSO extra.
 */
unsigned int nb_rx_slots(const struct nb_vif *vif, const struct sk_buff *skb)
{
	return DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE) +
	       (nb_rx_gso(vif, skb) ? 1 : 0);
}

/* Upper bound of the grant copies for @skb: source pieces + slots. */
static unsigned int nb_rx_ops(const struct sk_buff *skb)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int n, i;

	n = DIV_ROUND_UP(xen_offset_in_page(skb->data) + skb_headlen(skb),
			 XEN_PAGE_SIZE);
	for (i = 0; i < sh->nr_frags; i++) {
		const skb_frag_t *f = &sh->frags[i];

		n += DIV_ROUND_UP((skb_frag_off(f) & ~XEN_PAGE_MASK) +
				  skb_frag_size(f), XEN_PAGE_SIZE);
	}
	return n + DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE);
}

/* Context: the queue's RX thread, or the disconnect once it stopped. */
static void nb_rx_drop(struct nb_queue *q, struct sk_buff *skb)
{
	nb_rx_count(q, &q->rxs.dropped, 1);
	kfree_skb(skb);
}

/**
 * nb_start_xmit() - queue an skb for the guest.
 * @skb: the skb.
 * @dev: the vif.
 *
 * Return: NETDEV_TX_OK (the skb is queued or dropped).
 */
netdev_tx_t nb_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nb_vif *vif = netdev_priv(dev);
	unsigned int idx = skb_get_queue_mapping(skb), nr, max;
	struct nb_queue *q;

	/* vif->connected is set after nr_queues (release/acquire). */
	if (!smp_load_acquire(&vif->connected))
		goto out_drop;
	nr = READ_ONCE(vif->nr_queues);
	if (idx >= nr)
		idx %= nr;
	q = &vif->queues[idx];
	if (READ_ONCE(q->stalled) || READ_ONCE(q->broken))
		goto out_drop;
	if (skb->len < ETH_HLEN ||
	    (skb_has_frag_list(skb) && skb_linearize(skb)))
		goto out_drop;
	if (skb_is_gso(skb) && !nb_rx_gso(vif, skb))
		goto out_drop;
	max = (vif->can_sg ? NB_RX_DATA_SLOTS_MAX : 1) + 1;
	if (nb_rx_slots(vif, skb) > max || nb_rx_ops(skb) > NB_RX_COPY_OPS)
		goto out_drop;

	NB_RX_CB(skb)->enq = jiffies;
	spin_lock(&q->rx_queue.lock);
	__skb_queue_tail(&q->rx_queue, skb);
	q->rx_bytes += skb->truesize;
	if (q->rx_bytes >= NB_RX_QUEUE_BYTES)
		netif_tx_stop_queue(netdev_get_tx_queue(dev, idx));
	spin_unlock(&q->rx_queue.lock);
	wake_up(&q->rx_wq);
	return NETDEV_TX_OK;

out_drop:
	atomic_long_inc(&vif->xmit_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Dequeue the head skb; caller holds rx_queue.lock. */
static struct sk_buff *nb_rx_dequeue_locked(struct nb_queue *q)
{
	struct sk_buff *skb = __skb_dequeue(&q->rx_queue);
	struct netdev_queue *txq;

	if (!skb)
		return NULL;
	q->rx_bytes -= skb->truesize;
	txq = netdev_get_tx_queue(q->vif->dev, q->id);
	if (q->rx_bytes < NB_RX_QUEUE_BYTES / 2 && netif_tx_queue_stopped(txq))
		netif_tx_wake_queue(txq);
	return skb;
}

/**
 * nb_rx_purge() - drop everything queued for the guest.
 * @q: the queue.
 */
void nb_rx_purge(struct nb_queue *q)
{
	struct sk_buff *skb;

	for (;;) {
		spin_lock_bh(&q->rx_queue.lock);
		skb = nb_rx_dequeue_locked(q);
		spin_unlock_bh(&q->rx_queue.lock);
		if (!skb)
			break;
		nb_rx_drop(q, skb);
	}
}

/* Free RX requests, or -1 after reporting a producer overflow. */
static int nb_rx_avail(struct nb_queue *q)
{
	RING_IDX prod = READ_ONCE(q->rx.sring->req_prod);
	int n;

	virt_rmb();	/* requests after the index */
	n = xenpv_ring_req_check(prod, q->rx.req_cons, q->rx.rsp_prod_pvt,
				 RING_SIZE(&q->rx));
	if (n < 0) {
		nb_queue_fatal(q, "rx producer overflow");
		return -1;
	}
	return n;
}

/**
 * nb_rx_kick() - the guest signalled on the RX side: wake the thread.
 * @q: the queue.
 *
 * Return: true if the guest posted buffers since the last kick.
 */
bool nb_rx_kick(struct nb_queue *q)
{
	RING_IDX prod = READ_ONCE(q->rx.sring->req_prod);
	bool fresh = prod != q->rx_last_prod;

	q->rx_last_prod = prod;
	if (fresh)
		wake_up(&q->rx_wq);
	return fresh;
}

/* Take the next request and start its response (same ring index). */
static struct xen_netif_rx_response *nb_rx_slot(struct nb_queue *q,
						grant_ref_t *gref)
{
	struct xen_netif_rx_request req;
	struct xen_netif_rx_response *rsp;

	RING_COPY_REQUEST(&q->rx, q->rx.req_cons, &req);
	q->rx.req_cons++;
	rsp = RING_GET_RESPONSE(&q->rx, q->rx.rsp_prod_pvt);
	q->rx.rsp_prod_pvt++;
	rsp->id = req.id;
	rsp->offset = 0;
	rsp->flags = 0;
	rsp->status = 0;
	*gref = req.gref;
	return rsp;
}

/* Builder state for one skb. */
struct nb_rx_fill {
	struct nb_queue *q;
	struct xen_netif_rx_response *rsp;	/* current data slot */
	grant_ref_t gref;
	unsigned int used;			/* bytes in that slot */
	unsigned int data_slots;
	const struct sk_buff *skb;
	unsigned int *nops;
};

static void nb_rx_next_slot(struct nb_rx_fill *f)
{
	struct nb_queue *q = f->q;

	if (f->rsp)
		f->rsp->flags |= XEN_NETRXF_more_data;
	f->rsp = nb_rx_slot(q, &f->gref);
	f->used = 0;
	if (f->data_slots++ == 0) {
		const struct sk_buff *skb = f->skb;

		if (skb->ip_summed == CHECKSUM_PARTIAL)
			f->rsp->flags |= XEN_NETRXF_csum_blank |
					 XEN_NETRXF_data_validated;
		else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
			f->rsp->flags |= XEN_NETRXF_data_validated;
	}
}

/* Copy @len bytes at (@gfn, @off), all within one Xen page. */
static void nb_rx_piece(struct nb_rx_fill *f, unsigned long gfn,
			unsigned int off, unsigned int len)
{
	struct nb_queue *q = f->q;

	while (len) {
		struct gnttab_copy *op;
		unsigned int n;

		if (!f->rsp || f->used == XEN_PAGE_SIZE)
			nb_rx_next_slot(f);
		n = min_t(unsigned int, len, XEN_PAGE_SIZE - f->used);
		op = &q->rx_copy[(*f->nops)++];
		op->source.u.gmfn = gfn;
		op->source.domid = DOMID_SELF;
		op->source.offset = off;
		op->dest.u.ref = f->gref;
		op->dest.domid = q->vif->domid;
		op->dest.offset = f->used;
		op->len = n;
		op->flags = GNTCOPY_dest_gref;
		f->used += n;
		f->rsp->status = f->used;
		off += n;
		len -= n;
	}
}

/* The GSO extra-info slot, right after data slot 0. */
static void nb_rx_gso_slot(struct nb_queue *q, struct xen_netif_rx_response *first,
			   const struct sk_buff *skb)
{
	struct xen_netif_extra_info *ex;
	grant_ref_t unused;

	first->flags |= XEN_NETRXF_extra_info;
	ex = (struct xen_netif_extra_info *)nb_rx_slot(q, &unused);
	memset(ex, 0, sizeof(*ex));
	ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
	ex->u.gso.size = skb_shinfo(skb)->gso_size;
	ex->u.gso.type = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6 ?
			 XEN_NETIF_GSO_TYPE_TCPV6 : XEN_NETIF_GSO_TYPE_TCPV4;
}

/* Queue the copies of one skb and write its responses. */
static void nb_rx_build(struct nb_queue *q, const struct sk_buff *skb,
			unsigned int *nops)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);
	struct nb_rx_fill f = {
		.q = q, .skb = skb, .nops = nops,
	};
	struct xen_netif_rx_response *first;
	const u8 *data = skb->data;
	unsigned int len = skb_headlen(skb), i;
	bool gso = nb_rx_gso(q->vif, skb);

	/* Data slot 0 first, so that the GSO slot can follow it. */
	nb_rx_next_slot(&f);
	first = f.rsp;
	if (gso)
		nb_rx_gso_slot(q, first, skb);

	while (len) {
		unsigned int off = xen_offset_in_page(data);
		unsigned int n = min_t(unsigned int, len, XEN_PAGE_SIZE - off);

		nb_rx_piece(&f, virt_to_gfn(data), off, n);
		data += n;
		len -= n;
	}
	for (i = 0; i < sh->nr_frags; i++) {
		const skb_frag_t *frag = &sh->frags[i];
		unsigned int foff = skb_frag_off(frag);
		unsigned int flen = skb_frag_size(frag);
		struct page *page = skb_frag_page(frag);

		while (flen) {
			struct page *pg = nth_page(page, foff >> PAGE_SHIFT);
			unsigned int po = foff & ~PAGE_MASK;
			unsigned int off = po & ~XEN_PAGE_MASK;
			unsigned int n = min_t(unsigned int, flen,
					       XEN_PAGE_SIZE - off);

			nb_rx_piece(&f, pfn_to_gfn(page_to_xen_pfn(pg) +
						   (po >> XEN_PAGE_SHIFT)),
				    off, n);
			foff += n;
			flen -= n;
		}
	}
}

/*
 * Send what the guest has buffers for, in batches of one hypercall.
 * Return: false if the queue is broken.
 */
static bool nb_rx_action(struct nb_queue *q)
{
	struct nb_rx_pkt pkts[NB_RX_BATCH];
	unsigned int npkts, nops, i, j, sent;
	unsigned long bytes, flags;
	struct sk_buff *skb;
	int avail, need, notify;

	for (;;) {
		npkts = 0;
		nops = 0;
		avail = nb_rx_avail(q);
		if (avail < 0)
			return false;
		while (npkts < NB_RX_BATCH) {
			spin_lock_bh(&q->rx_queue.lock);
			skb = skb_peek(&q->rx_queue);
			if (!skb) {
				spin_unlock_bh(&q->rx_queue.lock);
				break;
			}
			need = nb_rx_slots(q->vif, skb);
			if (need > avail) {
				WRITE_ONCE(q->rx_need, need);
				spin_unlock_bh(&q->rx_queue.lock);
				/* Ask for an event when enough is posted. */
				q->rx.sring->req_event = q->rx.req_cons + need;
				mb();	/* event pointer before the re-check */
				avail = nb_rx_avail(q);
				if (avail < 0)
					return false;
				if (need > avail)
					break;
				continue;
			}
			if (nops + nb_rx_ops(skb) > NB_RX_COPY_OPS) {
				spin_unlock_bh(&q->rx_queue.lock);
				break;
			}
			nb_rx_dequeue_locked(q);
			spin_unlock_bh(&q->rx_queue.lock);

			pkts[npkts].skb = skb;
			pkts[npkts].first_op = nops;
			pkts[npkts].first_rsp = q->rx.rsp_prod_pvt;
			nb_rx_build(q, skb, &nops);
			pkts[npkts].nr_ops = nops - pkts[npkts].first_op;
			avail -= need;
			npkts++;
		}
		if (!npkts)
			return true;

		gnttab_batch_copy(q->rx_copy, nops);
		sent = 0;
		bytes = 0;
		for (i = 0; i < npkts; i++) {
			struct nb_rx_pkt *p = &pkts[i];
			s16 status = XEN_NETIF_RSP_OKAY;

			for (j = 0; j < p->nr_ops; j++)
				if (q->rx_copy[p->first_op + j].status !=
				    GNTST_okay)
					status = XEN_NETIF_RSP_ERROR;
			if (status != XEN_NETIF_RSP_OKAY) {
				RING_GET_RESPONSE(&q->rx, p->first_rsp)->status =
					status;
				nb_rx_count(q, &q->rxs.copy_errors, 1);
				nb_rx_drop(q, p->skb);
				continue;
			}
			sent++;
			bytes += p->skb->len;
			consume_skb(p->skb);
		}
		flags = u64_stats_update_begin_irqsave(&q->rxs.syncp);
		u64_stats_add(&q->rxs.packets, sent);
		u64_stats_add(&q->rxs.bytes, bytes);
		u64_stats_update_end_irqrestore(&q->rxs.syncp, flags);
		WRITE_ONCE(q->rx_progress, jiffies);
		WRITE_ONCE(q->rx_need, 1);
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify);
		if (notify)
			xenpv_evtchn_notify(q->split ? &q->rx_ch : &q->tx_ch);
	}
}

static unsigned int nb_rx_stall_ms(const struct nb_vif *vif)
{
	return vif->rx_notify ? READ_ONCE(nb_rx_stall_timeout_msecs) : 0;
}

static unsigned int nb_rx_drain_ms(const struct nb_vif *vif)
{
	return vif->rx_notify ? READ_ONCE(nb_rx_drain_timeout_msecs) :
				NB_RX_POLL_MSECS;
}

/* Stall detection, recovery, and dropping of expired skbs. */
static void nb_rx_housekeeping(struct nb_queue *q)
{
	unsigned long stall = msecs_to_jiffies(nb_rx_stall_ms(q->vif));
	unsigned long drain = msecs_to_jiffies(nb_rx_drain_ms(q->vif));
	unsigned long now = jiffies;
	bool drop_all = false;
	struct sk_buff *skb;
	int avail;

	avail = nb_rx_avail(q);
	if (avail < 0)
		return;
	if (READ_ONCE(q->stalled)) {
		if (avail >= min_t(int, NB_RX_UNSTALL_SLOTS,
				   RING_SIZE(&q->rx))) {
			WRITE_ONCE(q->rx_progress, now);
			nb_queue_stall(q, false);
		}
	} else if (stall && avail < READ_ONCE(q->rx_need) &&
		   time_after(now, READ_ONCE(q->rx_progress) + stall)) {
		/*
		 * The guest has had no room for what we have to give it since
		 * our last copy to it, stall ms ago.  Not the head skb's age,
		 * nor the time since the queue filled: the drain empties the
		 * queue every drain ms under a flood, so both stay young
		 * while the guest takes nothing (seen on the board).
		 */
		nb_queue_stall(q, true);
	}
	/* A stalled queue keeps nothing. */
	if (READ_ONCE(q->stalled))
		drop_all = true;
	else if (!drain)
		return;

	for (;;) {
		spin_lock_bh(&q->rx_queue.lock);
		skb = skb_peek(&q->rx_queue);
		if (skb && (drop_all ||
			    time_after(now, NB_RX_CB(skb)->enq + drain)))
			nb_rx_dequeue_locked(q);
		else
			skb = NULL;
		spin_unlock_bh(&q->rx_queue.lock);
		if (!skb)
			break;
		nb_rx_count(q, &q->rxs.drained, 1);
		nb_rx_drop(q, skb);
	}
}

/*
 * The thread's wake-up condition.  @idle: it sleeps without a timeout
 * (nothing queued), so the first skb must wake it whatever the ring
 * holds: otherwise an skb queued while the guest has no buffers left
 * the thread asleep for good, and neither the drain nor the stall
 * detection ever ran (seen on the board in net-rx-stall).
 */
static bool nb_rx_ready(struct nb_queue *q, bool idle)
{
	u32 posted = READ_ONCE(q->rx.sring->req_prod) - q->rx.req_cons;

	if (READ_ONCE(q->broken))
		return false;
	if (idle)
		return !skb_queue_empty_lockless(&q->rx_queue);
	if (READ_ONCE(q->stalled))
		return posted >= NB_RX_UNSTALL_SLOTS;
	return !skb_queue_empty_lockless(&q->rx_queue) &&
	       posted >= READ_ONCE(q->rx_need);
}

/**
 * nb_rx_thread() - the RX thread of one queue.
 * @arg: the queue.
 *
 * Return: 0 when stopped.
 */
int nb_rx_thread(void *arg)
{
	struct nb_queue *q = arg;
	long timeout;
	bool idle;

	while (!kthread_should_stop()) {
		idle = false;
		if (READ_ONCE(q->broken)) {
			nb_rx_purge(q);
			timeout = MAX_SCHEDULE_TIMEOUT;
		} else if (skb_queue_empty_lockless(&q->rx_queue) &&
			   !READ_ONCE(q->stalled)) {
			idle = true;
			timeout = MAX_SCHEDULE_TIMEOUT;
		} else {
			timeout = msecs_to_jiffies(q->vif->rx_notify ? 100 :
						   NB_RX_POLL_MSECS);
		}
		wait_event_interruptible_timeout(q->rx_wq,
						 kthread_should_stop() ||
						 nb_rx_ready(q, idle), timeout);
		if (kthread_should_stop())
			break;
		if (READ_ONCE(q->broken))
			continue;
		if (nb_rx_action(q))
			nb_rx_housekeeping(q);
		cond_resched();
	}
	return 0;
}
