// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront transmit.
 *
 * A packet goes on the tx ring as a chain of slots, each granting the
 * backend read access to one piece of data within a 4 KiB frame: the
 * first slot's size is the whole packet, a GSO packet has an extra-info
 * slot right after the first one.  Each data slot has its own id and
 * holds a reference on the skb until the backend answers it.
 *
 * Untrusted backend (bounce): the packet is copied to private pages,
 * whose unused tail is zeroed, so that nothing else in the skb's pages
 * is shared.  The same path takes packets whose first piece is shorter
 * than an Ethernet header (netback drops those).
 *
 * Every tx response is copied off the ring and checked: the producer
 * may not pass our requests, the id must be outstanding.  A backend
 * that breaks this gets the device marked broken.
 */
#include "common.h"

#include <linux/highmem.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <xen/page.h>

/* One piece of packet data within a frame. */
struct netfront_txp {
	struct page *page;
	unsigned int off;
	unsigned int len;
};

/* Split [@off, @off + @len) of @page (maybe compound) into frames. */
static int netfront_tx_add(struct netfront_txp *p, unsigned int n,
			   struct page *page, unsigned int off,
			   unsigned int len)
{
	unsigned int chunk;

	page = nth_page(page, off >> PAGE_SHIFT);
	off &= ~PAGE_MASK;
	while (len) {
		if (n >= NETFRONT_TX_MAX_SLOTS)
			return -E2BIG;
		chunk = min_t(unsigned int, len, PAGE_SIZE - off);
		p[n].page = page;
		p[n].off = off;
		p[n].len = chunk;
		n++;
		page = nth_page(page, 1);
		off = 0;
		len -= chunk;
	}
	return n;
}

/* The skb's own pages as frame pieces; -E2BIG if too many. */
static int netfront_tx_pieces(struct sk_buff *skb, struct netfront_txp *p)
{
	unsigned int i, done = 0, head = skb_headlen(skb), chunk, off;
	int n = 0;

	/* The linear part: virt_to_page() for every frame it spans. */
	while (done < head) {
		off = offset_in_page(skb->data + done);
		chunk = min_t(unsigned int, head - done, PAGE_SIZE - off);
		if (n >= NETFRONT_TX_MAX_SLOTS)
			return -E2BIG;
		p[n].page = virt_to_page(skb->data + done);
		p[n].off = off;
		p[n].len = chunk;
		n++;
		done += chunk;
	}
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		n = netfront_tx_add(p, n, skb_frag_page(f), skb_frag_off(f),
				    skb_frag_size(f));
		if (n < 0)
			return n;
	}
	return n;
}

/* Copy the packet to fresh pages; tails zeroed.  Pages in @p. */
static int netfront_tx_bounce(struct sk_buff *skb, struct netfront_txp *p)
{
	unsigned int off = 0, chunk;
	int n = 0;

	while (off < skb->len) {
		if (n >= NETFRONT_TX_MAX_SLOTS)
			goto out_free;
		chunk = min_t(unsigned int, skb->len - off, PAGE_SIZE);
		p[n].page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!p[n].page)
			goto out_free;
		p[n].off = 0;
		p[n].len = chunk;
		n++;
		if (skb_copy_bits(skb, off, page_address(p[n - 1].page), chunk))
			goto out_free;
		if (chunk < PAGE_SIZE)
			memset(page_address(p[n - 1].page) + chunk, 0,
			       PAGE_SIZE - chunk);
		off += chunk;
	}
	return n;

out_free:
	while (n--)
		__free_page(p[n].page);
	return -ENOMEM;
}

/* Give back what slot @id holds; the caller holds tx_lock. */
static void netfront_tx_put_slot(struct netfront_queue *q, unsigned int id,
				 bool *kept)
{
	struct netfront_tx_slot *s = &q->tx_slot[id];
	struct xenpv_dev *xd = &q->info->xd;

	if (s->bounce) {
		/* On failure the page belongs to the deferred list. */
		if (xenpv_grant_revoke(xd, s->ref, s->bounce))
			__free_page(s->bounce);
		else
			*kept = true;
	} else {
		/*
		 * A reference of our own on the granted page: if the backend
		 * still maps it, the grant core keeps the page until the
		 * backend lets go, so it is not reused under its eyes when
		 * the skb is freed.
		 */
		get_page(s->page);
		if (xenpv_grant_revoke(xd, s->ref, s->page))
			put_page(s->page);
		else
			*kept = true;
		dev_consume_skb_any(s->skb);
	}
	s->skb = NULL;
	s->bounce = NULL;
	s->page = NULL;
	s->ref = INVALID_GRANT_REF;
	q->tx_pending[id] = 0;
	q->tx_free[q->tx_nr_free++] = id;
}

/**
 * netfront_tx_gc() - consume tx responses, release their slots.
 * @q: the queue; the caller holds @q->tx_lock.
 *
 * Return: true if any response was consumed.
 */
bool netfront_tx_gc(struct netfront_queue *q)
{
	struct xen_netif_tx_response rsp;
	bool kept = false, work = false;
	RING_IDX prod, i;
	int n, err, more;

	if (!q->up || READ_ONCE(q->info->broken))
		return false;
	do {
		prod = READ_ONCE(q->tx.sring->rsp_prod);
		virt_rmb();	/* responses only after the producer */
		n = xenpv_ring_rsp_check(prod, q->tx.rsp_cons,
					 q->tx.req_prod_pvt,
					 NETFRONT_TX_RING_SIZE);
		if (n < 0) {
			netfront_mark_broken(q, "tx response producer out of range",
					     prod, q->tx.rsp_cons);
			return true;
		}
		for (i = q->tx.rsp_cons; i != prod; i++) {
			RING_COPY_RESPONSE(&q->tx, i, &rsp);
			q->tx.rsp_cons = i + 1;
			work = true;
			err = xenpv_netif_tx_rsp_validate(&rsp,
							  NETFRONT_TX_RING_SIZE,
							  q->tx_pending);
			if (err == XENPV_NETIF_RSP_SKIP)
				continue;
			if (err) {
				netfront_mark_broken(q, "bad tx response id/status",
						     rsp.id, rsp.status);
				return true;
			}
			if (rsp.status != XEN_NETIF_RSP_OKAY)
				netfront_stat_add(&q->tx_stats,
						  &q->tx_stats.errors, 1);
			netfront_tx_put_slot(q, rsp.id, &kept);
		}
		if (kept) {
			netfront_mark_broken(q, "tx grant still mapped after response",
					     prod, 0);
			return true;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&q->tx, more);
	} while (more);

	if (work && netfront_tx_free_slots(q) >= NETFRONT_TX_WAKE &&
	    __netif_subqueue_stopped(q->info->netdev, q->id) &&
	    netif_carrier_ok(q->info->netdev))
		netif_wake_subqueue(q->info->netdev, q->id);
	return work;
}

/**
 * netfront_tx_release_all() - release every outstanding tx slot.
 * @q: a queue whose channels are unbound.
 *
 * Grants the backend still maps go to the deferred list.
 */
void netfront_tx_release_all(struct netfront_queue *q)
{
	unsigned long flags;
	unsigned int id;
	bool kept = false;

	spin_lock_irqsave(&q->tx_lock, flags);
	for (id = 0; id < NETFRONT_TX_RING_SIZE; id++)
		if (q->tx_pending[id])
			netfront_tx_put_slot(q, id, &kept);
	spin_unlock_irqrestore(&q->tx_lock, flags);
}

/**
 * netfront_tx_init() - reset the tx ids of a queue.
 * @q: a queue being set up (nothing outstanding).
 */
void netfront_tx_init(struct netfront_queue *q)
{
	unsigned int id;

	for (id = 0; id < NETFRONT_TX_RING_SIZE; id++) {
		q->tx_slot[id].skb = NULL;
		q->tx_slot[id].bounce = NULL;
		q->tx_slot[id].page = NULL;
		q->tx_slot[id].ref = INVALID_GRANT_REF;
		q->tx_pending[id] = 0;
		q->tx_free[id] = NETFRONT_TX_RING_SIZE - 1 - id;
	}
	q->tx_nr_free = NETFRONT_TX_RING_SIZE;
	q->tx_last_prod = 0;
}

/* GSO extra for @skb; false if the GSO type is not one we offload. */
static bool netfront_tx_gso(struct sk_buff *skb,
			    struct xen_netif_extra_info *gso)
{
	unsigned int type = skb_shinfo(skb)->gso_type;

	memset(gso, 0, sizeof(*gso));
	gso->type = XEN_NETIF_EXTRA_TYPE_GSO;
	gso->u.gso.size = skb_shinfo(skb)->gso_size;
	if (type & SKB_GSO_TCPV6)
		gso->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;
	else if (type & SKB_GSO_TCPV4)
		gso->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	else
		return false;
	return gso->u.gso.size != 0;
}

/**
 * netfront_start_xmit() - ndo_start_xmit.
 * @skb: the packet.
 * @dev: the device.
 *
 * Return: NETDEV_TX_OK (sent or dropped), NETDEV_TX_BUSY if the ring is
 * full (the queue is stopped then).
 */
netdev_tx_t netfront_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct netfront_info *info = netdev_priv(dev);
	struct netfront_txp p[NETFRONT_TX_MAX_SLOTS];
	struct xen_netif_extra_info gso;
	grant_ref_t refs[NETFRONT_TX_MAX_SLOTS];
	struct xen_netif_extra_info *extra;
	struct xen_netif_tx_request *req;
	struct netfront_tx_slot *slot;
	unsigned int qid = skb_get_queue_mapping(skb);
	struct netfront_queue *q;
	unsigned long flags;
	bool bounce, is_gso;
	unsigned int len = skb->len, i, id;
	int n, notify, err;
	u16 txflags = 0;

	if (unlikely(qid >= READ_ONCE(info->nr_queues)))
		qid = 0;
	q = &info->queues[qid];

	if (unlikely(len < ETH_HLEN || len > XEN_NETIF_MAX_TX_SIZE))
		goto out_drop;
	is_gso = skb_is_gso(skb);
	if (is_gso && !netfront_tx_gso(skb, &gso))
		goto out_drop;
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		txflags |= XEN_NETTXF_csum_blank | XEN_NETTXF_data_validated;
	else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		txflags |= XEN_NETTXF_data_validated;

	spin_lock_irqsave(&q->tx_lock, flags);
	if (unlikely(!q->up || READ_ONCE(info->broken)))
		goto out_unlock_drop;
	netfront_tx_gc(q);
	if (unlikely(netfront_tx_free_slots(q) < NETFRONT_TX_WAKE ||
		     q->tx_nr_free < NETFRONT_TX_MAX_SLOTS)) {
		netif_stop_subqueue(dev, qid);
		spin_unlock_irqrestore(&q->tx_lock, flags);
		return NETDEV_TX_BUSY;
	}

	bounce = info->bounce;
	n = 0;
	if (!bounce) {
		n = netfront_tx_pieces(skb, p);
		if (n == -E2BIG) {
			/* Too many frames: one linear buffer takes fewer. */
			if (!skb_linearize(skb))
				n = netfront_tx_pieces(skb, p);
		}
		if (n <= 0 || p[0].len < ETH_HLEN)
			bounce = true;
	}
	if (bounce) {
		n = netfront_tx_bounce(skb, p);
		if (n <= 0)
			goto out_unlock_drop;
		netfront_stat_add(&q->tx_stats, &q->tx_stats.extra, 1);
	}

	/* Grant everything first: a failure leaves the ring untouched. */
	for (i = 0; i < n; i++) {
		err = xenpv_grant_access(&info->xd,
					 xen_page_to_gfn(p[i].page), true,
					 &refs[i]);
		if (err)
			goto out_revoke;
	}
	for (i = 0; i < n; i++) {
		id = q->tx_free[--q->tx_nr_free];
		slot = &q->tx_slot[id];
		slot->ref = refs[i];
		slot->bounce = bounce ? p[i].page : NULL;
		slot->page = bounce ? NULL : p[i].page;
		slot->skb = bounce ? NULL : i ? skb_get(skb) : skb;
		q->tx_pending[id] = 1;

		req = RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt + i +
				       (i && is_gso));
		req->id = id;
		req->gref = refs[i];
		req->offset = p[i].off;
		req->size = i ? p[i].len : len;
		req->flags = i + 1 < n ? XEN_NETTXF_more_data : 0;
		if (i == 0 && is_gso) {
			req->flags |= txflags | XEN_NETTXF_extra_info;
			extra = (struct xen_netif_extra_info *)
				RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt + 1);
			*extra = gso;
		} else if (i == 0) {
			req->flags |= txflags;
		}
	}
	q->tx.req_prod_pvt += n + is_gso;

	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_inc(&q->tx_stats.packets);
	u64_stats_add(&q->tx_stats.bytes, len);
	u64_stats_update_end(&q->tx_stats.syncp);

	skb_tx_timestamp(skb);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
	if (netfront_tx_free_slots(q) < NETFRONT_TX_WAKE)
		netif_stop_subqueue(dev, qid);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	if (notify)
		xenpv_evtchn_notify(&q->tx_ch);
	if (bounce)
		dev_consume_skb_any(skb);
	return NETDEV_TX_OK;

out_revoke:
	/* Never on the ring: the grants end at once. */
	while (i--)
		xenpv_grant_revoke(&info->xd, refs[i], NULL);
	if (bounce)
		for (i = 0; i < n; i++)
			__free_page(p[i].page);
out_unlock_drop:
	/* tx counters are written under tx_lock only (one writer). */
	netfront_stat_add(&q->tx_stats, &q->tx_stats.dropped, 1);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;

out_drop:
	spin_lock_irqsave(&q->tx_lock, flags);
	goto out_unlock_drop;
}

/**
 * netfront_tx_interrupt() - the tx event channel (split channels).
 * @irq: the IRQ.
 * @dev_id: the queue.
 *
 * Return: IRQ_HANDLED.
 */
irqreturn_t netfront_tx_interrupt(int irq, void *dev_id)
{
	struct netfront_queue *q = dev_id;
	unsigned long flags;
	bool work;

	spin_lock_irqsave(&q->tx_lock, flags);
	work = q->up && READ_ONCE(q->tx.sring->rsp_prod) != q->tx_last_prod;
	if (work)
		q->tx_last_prod = READ_ONCE(q->tx.sring->rsp_prod);
	netfront_tx_gc(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	xenpv_evtchn_eoi(&q->tx_ch, work ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}
