// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront receive (request-rx-copy).
 *
 * Every rx ring index i carries one buffer page, posted under id
 * i & (ring size - 1); the backend copies packet data into it and
 * answers at the same index.  A packet is a chain of responses linked by
 * XEN_NETRXF_more_data; a GSO packet's first response is followed by
 * extra-info slots, whose buffers the backend did not use.  A buffer
 * that was not handed to the stack (extra slot, error, empty slot,
 * dropped packet, small packet copied out) stays granted and is posted
 * again under the same id when its index comes round.
 *
 * Each response is copied off the ring and checked before its buffer
 * is touched: producer within the requests made, id the one posted at
 * that index, data within the page, slot count bounded.  A backend that
 * breaks these rules gets the device marked broken.  A packet whose
 * last slot is not visible yet is left on the ring until it is.
 *
 * Buffers come from the queue's page_pool.  A page is granted to the
 * backend while it is posted and stays ours (our one reference) until
 * the backend has answered and its grant has ended; only then does it go
 * into an skb (marked for recycling, so the pool gets it back when the
 * stack frees the skb) or back to the pool.  A grant that cannot be
 * ended (the backend maps the page, which a copying backend never
 * should) is handed to the grant table's deferred list with the page
 * looked up and referenced by the grant core itself
 * (gnttab_end_foreign_access(ref, NULL)); our reference then goes back
 * to the pool, which sees the second reference and releases the page
 * from the pool instead of recycling it.  The deferred list frees it
 * once the backend unmaps: such a page never returns to the pool.
 *
 * Untrusted backend: every buffer is zeroed before it is granted (a
 * recycled page may hold what the stack wrote into an earlier packet),
 * so the backend never reads stale memory through it.
 */
#include "common.h"

#include <linux/skbuff.h>
#include <net/ip.h>
#include <xen/page.h>

/* A packet's responses, gathered before any buffer is touched. */
struct netfront_rx_pkt {
	struct xen_netif_rx_response rsp[NETFRONT_RX_MAX_SLOTS];
	unsigned int nr;
	struct xen_netif_extra_info gso;
	bool has_gso;
	bool error;
};

/**
 * netfront_rx_refill() - post buffers on every free rx ring slot.
 * @q: a set-up queue, from its NAPI context or before it runs.
 * @gfp: allocation flags for new pages.
 */
void netfront_rx_refill(struct netfront_queue *q, gfp_t gfp)
{
	struct netfront_info *info = q->info;
	struct xen_netif_rx_request *req;
	struct netfront_rx_buf *b;
	RING_IDX idx;
	struct page *page;
	unsigned int id;
	bool posted = false;
	int notify;

	while (q->rx.req_prod_pvt - q->rx.rsp_cons < NETFRONT_RX_RING_SIZE) {
		idx = q->rx.req_prod_pvt;
		id = idx & (NETFRONT_RX_RING_SIZE - 1);
		b = &q->rx_buf[id];
		if (!b->page) {
			page = xenpv_page_pool_alloc(q->pool, gfp);
			if (!page)
				break;
			if (info->bounce)
				clear_page(page_address(page));
			if (xenpv_grant_access(&info->xd, xen_page_to_gfn(page),
					       false, &b->ref)) {
				xenpv_page_pool_put(q->pool, page, false);
				break;
			}
			b->page = page;
		}
		req = RING_GET_REQUEST(&q->rx, idx);
		req->id = id;
		req->gref = b->ref;
		q->rx_posted[id] = 1;
		q->rx.req_prod_pvt++;
		posted = true;
	}
	if (posted) {
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
		if (notify)
			xenpv_evtchn_notify(info->split ? &q->rx_ch : &q->tx_ch);
	}
	/* Nothing for the backend to fill: try again a bit later. */
	if (q->rx.req_prod_pvt == q->rx.rsp_cons)
		mod_timer(&q->refill_timer, jiffies + HZ / 10);
}

void netfront_refill_timeout(struct timer_list *t)
{
	struct netfront_queue *q = from_timer(q, t, refill_timer);

	napi_schedule(&q->napi);
}

/*
 * End the grant of rx buffer @b and give the page back to the pool: it
 * is recycled if the grant ended, else released from the pool to the
 * deferred list (see the top of this file).
 */
static void netfront_rx_buf_put(struct netfront_queue *q,
				struct netfront_rx_buf *b, bool napi)
{
	xenpv_grant_revoke(&q->info->xd, b->ref, NULL);
	xenpv_page_pool_put(q->pool, b->page, napi);
	b->page = NULL;
	b->ref = INVALID_GRANT_REF;
}

/**
 * netfront_rx_release_all() - revoke every rx buffer, pages to the pool.
 * @q: a queue whose channels are unbound and whose NAPI is not running.
 */
void netfront_rx_release_all(struct netfront_queue *q)
{
	struct netfront_rx_buf *b;
	unsigned int id;

	for (id = 0; id < NETFRONT_RX_RING_SIZE; id++) {
		b = &q->rx_buf[id];
		q->rx_posted[id] = 0;
		if (b->page)
			netfront_rx_buf_put(q, b, false);
	}
}

/*
 * Gather the responses of the packet at rsp_cons without consuming
 * them.  Return: slots the packet spans, -EAGAIN if its last slot is
 * not visible yet, -EPROTO if the backend broke the protocol.
 */
static int netfront_rx_gather(struct netfront_queue *q, RING_IDX prod,
			      struct netfront_rx_pkt *pkt)
{
	struct xen_netif_rx_response *rsp;
	struct xen_netif_extra_info extra;
	RING_IDX i = q->rx.rsp_cons;
	u32 seen = 0;
	bool more;

	pkt->nr = 0;
	pkt->has_gso = false;
	pkt->error = false;
	do {
		if (i == prod)
			return -EAGAIN;
		if (pkt->nr >= NETFRONT_RX_MAX_SLOTS) {
			netfront_mark_broken(q, "rx packet spans too many slots",
					     pkt->nr, i);
			return -EPROTO;
		}
		rsp = &pkt->rsp[pkt->nr];
		RING_COPY_RESPONSE(&q->rx, i, rsp);
		if (xenpv_netif_rx_slot_validate(rsp, i, NETFRONT_RX_RING_SIZE,
						 q->rx_posted)) {
			netfront_mark_broken(q, "bad rx response id/offset",
					     rsp->id, i);
			return -EPROTO;
		}
		if (rsp->status < 0)
			pkt->error = true;
		i++;
		pkt->nr++;
		more = rsp->flags & XEN_NETRXF_more_data;

		if (pkt->nr > 1 || !(rsp->flags & XEN_NETRXF_extra_info))
			continue;
		/* Extra-info slots follow the first response. */
		do {
			if (i == prod)
				return -EAGAIN;
			if (i - q->rx.rsp_cons >= NETFRONT_RX_MAX_SLOTS) {
				netfront_mark_broken(q, "rx extras span too many slots",
						     pkt->nr, i);
				return -EPROTO;
			}
			memcpy(&extra, RING_GET_RESPONSE(&q->rx, i),
			       sizeof(extra));
			i++;
			if (xenpv_netif_extra_validate(&extra, &seen)) {
				pkt->error = true;
			} else if (extra.type == XEN_NETIF_EXTRA_TYPE_GSO) {
				pkt->gso = extra;
				pkt->has_gso = true;
			}
		} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	} while (more);
	return i - q->rx.rsp_cons;
}

/* Set the checksum state; false if the packet cannot be used. */
static bool netfront_rx_csum(struct netfront_queue *q, struct sk_buff *skb,
			     u16 flags)
{
	bool recalc = false;

	if (flags & XEN_NETRXF_csum_blank) {
		skb->ip_summed = CHECKSUM_PARTIAL;
	} else if (skb_is_gso(skb)) {
		/* GSO without a blank checksum: recompute the pseudo-header. */
		netfront_stat_add(&q->rx_stats, &q->rx_stats.extra, 1);
		skb->ip_summed = CHECKSUM_PARTIAL;
		recalc = true;
	} else {
		if (flags & XEN_NETRXF_data_validated)
			skb->ip_summed = CHECKSUM_UNNECESSARY;
		return true;
	}
	return !skb_checksum_setup(skb, recalc);
}

/*
 * Hand the packet's buffers to @skb as fragments (their grants end) and
 * pull the headers into the linear part.  Return: false to drop.
 */
static bool netfront_rx_add_frags(struct netfront_queue *q,
				  struct netfront_rx_pkt *pkt,
				  struct sk_buff *skb)
{
	struct xen_netif_rx_response *rsp;
	struct netfront_rx_buf *b;
	bool kept = false;
	unsigned int i;

	for (i = 0; i < pkt->nr; i++) {
		rsp = &pkt->rsp[i];
		if (!rsp->status)
			continue;	/* the buffer is posted again */
		b = &q->rx_buf[rsp->id];
		if (skb_shinfo(skb)->nr_frags == MAX_SKB_FRAGS &&
		    !__pskb_pull_tail(skb,
				      skb_frag_size(&skb_shinfo(skb)->frags[0])))
			return false;
		/* The backend copies, it never maps: the grant ends now. */
		if (!xenpv_grant_revoke(&q->info->xd, b->ref, NULL)) {
			/* The deferred list holds the page: out of the pool. */
			xenpv_page_pool_put(q->pool, b->page, true);
			kept = true;
		} else {
			skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, b->page,
					rsp->offset, rsp->status, PAGE_SIZE);
		}
		b->page = NULL;
		b->ref = INVALID_GRANT_REF;
	}
	if (kept) {
		netfront_mark_broken(q, "rx grant still mapped after response",
				     pkt->nr, 0);
		return false;
	}
	return __pskb_pull_tail(skb, min_t(unsigned int, skb->len,
					   NETFRONT_RX_HDR));
}

/* Build the skb of a gathered packet; NULL if dropped. */
static struct sk_buff *netfront_rx_build(struct netfront_queue *q,
					 struct netfront_rx_pkt *pkt)
{
	struct xen_netif_rx_response *rsp = &pkt->rsp[0];
	struct sk_buff *skb;
	unsigned int i, len = 0;

	for (i = 0; i < pkt->nr; i++)
		len += pkt->rsp[i].status;
	if (len < ETH_HLEN || len > XEN_NETIF_MAX_TX_SIZE + ETH_HLEN) {
		netfront_stat_add(&q->rx_stats, &q->rx_stats.errors, 1);
		return NULL;
	}
	skb = napi_alloc_skb(&q->napi, NETFRONT_RX_HDR);
	if (!skb) {
		netfront_stat_add(&q->rx_stats, &q->rx_stats.dropped, 1);
		return NULL;
	}
	/* Its fragments are pool pages whose grants have ended. */
	xenpv_skb_mark_for_recycle(skb);
	if (pkt->nr == 1 && len <= NETFRONT_RX_HDR) {
		/* Small: copied out, the page stays granted for reuse. */
		skb_put_data(skb, page_address(q->rx_buf[rsp->id].page) +
			     rsp->offset, len);
	} else if (!netfront_rx_add_frags(q, pkt, skb)) {
		goto out_drop;
	}

	if (pkt->has_gso) {
		skb_shinfo(skb)->gso_size = pkt->gso.u.gso.size;
		skb_shinfo(skb)->gso_type =
			(pkt->gso.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV6 ?
			 SKB_GSO_TCPV6 : SKB_GSO_TCPV4) | SKB_GSO_DODGY;
		skb_shinfo(skb)->gso_segs = 0;
	}
	skb->protocol = eth_type_trans(skb, q->info->netdev);
	skb_reset_network_header(skb);
	if (!netfront_rx_csum(q, skb, rsp->flags)) {
		netfront_stat_add(&q->rx_stats, &q->rx_stats.errors, 1);
		goto out_free;
	}
	return skb;

out_drop:
	netfront_stat_add(&q->rx_stats, &q->rx_stats.dropped, 1);
out_free:
	kfree_skb(skb);
	return NULL;
}

/* Deliver up to @budget packets.  Return: packets handled. */
static int netfront_rx_consume(struct netfront_queue *q, int budget)
{
	struct netfront_rx_pkt pkt;
	struct sk_buff *skb;
	RING_IDX prod, i;
	int done = 0, n;

	q->rx_partial = false;
	prod = READ_ONCE(q->rx.sring->rsp_prod);
	virt_rmb();	/* responses only after the producer */
	if (xenpv_ring_rsp_check(prod, q->rx.rsp_cons, q->rx.req_prod_pvt,
				 NETFRONT_RX_RING_SIZE) < 0) {
		netfront_mark_broken(q, "rx response producer out of range",
				     prod, q->rx.rsp_cons);
		return 0;
	}
	while (done < budget && q->rx.rsp_cons != prod) {
		n = netfront_rx_gather(q, prod, &pkt);
		if (n == -EAGAIN) {
			q->rx_partial = true;
			break;
		}
		if (n < 0)
			break;
		/* The slots are ours now; their buffers are not posted. */
		for (i = q->rx.rsp_cons; i != q->rx.rsp_cons + n; i++)
			q->rx_posted[i & (NETFRONT_RX_RING_SIZE - 1)] = 0;
		q->rx.rsp_cons += n;
		done++;
		if (pkt.error) {
			netfront_stat_add(&q->rx_stats, &q->rx_stats.errors, 1);
			continue;
		}
		skb = netfront_rx_build(q, &pkt);
		if (READ_ONCE(q->info->broken)) {
			kfree_skb(skb);
			break;
		}
		if (!skb)
			continue;
		u64_stats_update_begin(&q->rx_stats.syncp);
		u64_stats_inc(&q->rx_stats.packets);
		u64_stats_add(&q->rx_stats.bytes, skb->len + ETH_HLEN);
		u64_stats_update_end(&q->rx_stats.syncp);
		napi_gro_receive(&q->napi, skb);
	}
	return done;
}

/**
 * netfront_poll() - NAPI poll: receive, refill.
 * @napi: the queue's NAPI context.
 * @budget: packets we may deliver.
 *
 * Return: packets handled.
 */
int netfront_poll(struct napi_struct *napi, int budget)
{
	struct netfront_queue *q = container_of(napi, struct netfront_queue,
						napi);
	RING_IDX prod;
	int done = 0, more;

	if (!READ_ONCE(q->up) || READ_ONCE(q->info->broken)) {
		napi_complete_done(napi, 0);
		return 0;
	}
	done = netfront_rx_consume(q, budget);
	if (!READ_ONCE(q->info->broken))
		netfront_rx_refill(q, GFP_ATOMIC);
	if (done >= budget)
		return budget;

	if (napi_complete_done(napi, done) && !READ_ONCE(q->info->broken)) {
		if (q->rx_partial) {
			/* Wake up on the next response, not on rsp_cons + 1. */
			prod = READ_ONCE(q->rx.sring->rsp_prod);
			q->rx.sring->rsp_event = prod + 1;
			virt_mb();	/* rsp_event before re-reading rsp_prod */
			more = READ_ONCE(q->rx.sring->rsp_prod) != prod;
		} else {
			RING_FINAL_CHECK_FOR_RESPONSES(&q->rx, more);
		}
		if (more)
			napi_schedule(napi);
	}
	return done;
}

/**
 * netfront_rx_kick() - an rx event: schedule NAPI if there is news.
 * @q: the queue.
 *
 * Return: true if the response producer moved since the last event.
 */
bool netfront_rx_kick(struct netfront_queue *q)
{
	RING_IDX prod;

	if (!READ_ONCE(q->up) || READ_ONCE(q->info->broken))
		return false;
	prod = READ_ONCE(q->rx.sring->rsp_prod);
	if (prod == READ_ONCE(q->rx_last_prod))
		return false;
	WRITE_ONCE(q->rx_last_prod, prod);
	napi_schedule(&q->napi);
	return true;
}

/**
 * netfront_rx_interrupt() - the rx event channel (split channels).
 * @irq: the IRQ.
 * @dev_id: the queue.
 *
 * Return: IRQ_HANDLED.
 */
irqreturn_t netfront_rx_interrupt(int irq, void *dev_id)
{
	struct netfront_queue *q = dev_id;
	bool work = netfront_rx_kick(q);

	xenpv_evtchn_eoi(&q->rx_ch, work ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

/**
 * netfront_interrupt() - the one event channel of a queue (not split).
 * @irq: the IRQ.
 * @dev_id: the queue.
 *
 * Return: IRQ_HANDLED.
 */
irqreturn_t netfront_interrupt(int irq, void *dev_id)
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
	if (netfront_rx_kick(q))
		work = true;
	xenpv_evtchn_eoi(&q->tx_ch, work ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}
