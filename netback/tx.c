// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest transmit (guest -> dom0), run by NAPI.
 *
 * Every slot is copied off the shared ring (RING_COPY_REQUEST) before it
 * is looked at, and checked by the shared validators of
 * <xenpv/netif.h>.  A packet's data is grant-copied into a fresh skb:
 * the first XENPV_NETIF_TX_HDR_LEN bytes of the packet (all of it when small) go
 * to the linear area whatever the slot layout, so headers are never
 * split between the linear area and a fragment, and the rest is packed
 * into whole pages, so no fragment is ever empty.  Responses go out
 * once the batch's copies are done; nothing of the guest stays mapped
 * or pending after a poll.
 */
#include <linux/etherdevice.h>
#include <linux/tcp.h>
#include <xen/page.h>

#include "common.h"

/**
 * struct nb_tx_pkt - one guest packet in a batch.
 * @skb: the packet, or NULL when it is answered with an error.
 * @first_op: its first grant-copy operation.
 * @nr_ops: number of operations.
 * @nr_slots: slots consumed (data and extra-info), @ids in ring order.
 * @nr_extras: @ids[1..@nr_extras] are extra-info slots.
 * @status: XEN_NETIF_RSP_OKAY or XEN_NETIF_RSP_ERROR.
 * @flags: the first slot's flags.
 * @gso: the GSO extra, when @has_gso.
 * @has_gso: a GSO extra came with the packet.
 * @ids: request ids.
 */
struct nb_tx_pkt {
	struct sk_buff *skb;
	unsigned int first_op;
	unsigned int nr_ops;
	unsigned int nr_slots;
	unsigned int nr_extras;
	s16 status;
	u16 flags;
	struct xen_netif_extra_info gso;
	bool has_gso;
	u16 ids[NB_TX_SLOTS_MAX + NB_TX_EXTRAS_MAX];
};

size_t nb_tx_pkt_size(void)
{
	return sizeof(struct nb_tx_pkt);
}

/* Result of reading one packet off the ring. */
enum nb_tx_read {
	NB_TX_OK,		/* complete and valid */
	NB_TX_DROP,		/* complete, malformed: answer with errors */
	NB_TX_INCOMPLETE,	/* the frontend has not pushed all of it */
	NB_TX_FATAL,		/* hostile: disconnect */
};

static unsigned int nb_tx_max_slots(void)
{
	return clamp_t(unsigned int, READ_ONCE(nb_fatal_skb_slots),
		       XENPV_NETIF_LEGACY_SLOTS_MAX, NB_TX_SLOTS_MAX);
}

/**
 * nb_tx_pending() - does the TX ring hold requests worth a poll?
 * @q: a connected queue.
 *
 * A ring that ends in the same incomplete packet as last time is not.
 *
 * Return: true if there is work.
 */
bool nb_tx_pending(struct nb_queue *q)
{
	RING_IDX prod = READ_ONCE(q->tx.sring->req_prod);

	if (prod == q->tx.req_cons)
		return false;
	return !(READ_ONCE(q->tx_stuck) && prod == q->tx_stuck_prod);
}

/*
 * Read the packet at req_cons (without consuming it) into @p and
 * q->tx_slots[]; @end is the producer as checked.  On return *@next is
 * the index after the packet (NB_TX_OK, NB_TX_DROP).
 */
static enum nb_tx_read nb_tx_read(struct nb_queue *q, RING_IDX end,
				  struct nb_tx_pkt *p, unsigned int *nr_data,
				  RING_IDX *next, const char **why)
{
	unsigned int max_slots = nb_tx_max_slots();
	struct xenpv_netif_tx_pkt pkt = {};
	struct xen_netif_tx_request req;
	RING_IDX idx = q->tx.req_cons;
	bool bad = false;
	u16 last_flags;
	int err;

	memset(p, 0, offsetof(struct nb_tx_pkt, ids));
	RING_COPY_REQUEST(&q->tx, idx++, &req);
	err = xenpv_netif_tx_req_validate(&req, true, &pkt, max_slots);
	if (err == -EPROTO) {
		*why = "slot data crosses a page";
		return NB_TX_FATAL;
	}
	if (err) {
		bad = true;
		pkt.slots = 1;
	}
	p->ids[p->nr_slots++] = req.id;
	p->flags = req.flags;
	q->tx_slots[0] = req;
	*nr_data = 1;
	last_flags = req.flags;

	if (req.flags & XEN_NETTXF_extra_info) {
		struct xen_netif_extra_info extra;
		u32 seen = 0;

		do {
			if (idx == end)
				return NB_TX_INCOMPLETE;
			RING_COPY_REQUEST(&q->tx, idx++, &extra);
			if (p->nr_extras == NB_TX_EXTRAS_MAX ||
			    xenpv_netif_extra_validate(&extra, &seen)) {
				*why = "bad extra-info slot";
				return NB_TX_FATAL;
			}
			p->ids[p->nr_slots++] = 0;
			p->nr_extras++;
			if (extra.type == XEN_NETIF_EXTRA_TYPE_GSO) {
				p->gso = extra;
				p->has_gso = true;
			}
		} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	}

	while (last_flags & XEN_NETTXF_more_data) {
		if (idx == end)
			return NB_TX_INCOMPLETE;
		RING_COPY_REQUEST(&q->tx, idx++, &req);
		if (bad) {
			/* Only bound the chain of a packet already refused. */
			if (pkt.slots >= max_slots) {
				*why = "too many slots";
				return NB_TX_FATAL;
			}
			pkt.slots++;
			err = 0;
		} else {
			err = xenpv_netif_tx_req_validate(&req, false, &pkt,
							  max_slots);
		}
		if (err == -E2BIG) {
			*why = "too many slots (fatal_skb_slots)";
			return NB_TX_FATAL;
		}
		if (err == -EPROTO) {
			*why = "slot data crosses a page";
			return NB_TX_FATAL;
		}
		if (err)
			bad = true;
		p->ids[p->nr_slots++] = req.id;
		q->tx_slots[(*nr_data)++] = req;
		last_flags = req.flags;
	}
	*next = idx;
	return bad ? NB_TX_DROP : NB_TX_OK;
}

/* Credit-based rate limit; arms the timer and says no when out of credit. */
static bool nb_tx_credit(struct nb_queue *q, unsigned int size)
{
	unsigned long bytes = READ_ONCE(q->vif->credit_bytes);
	unsigned long usec = READ_ONCE(q->vif->credit_usec);
	unsigned long now = jiffies;

	if (bytes == ULONG_MAX || !usec)
		return true;
	if (time_after_eq(now, q->credit_until)) {
		/* Allow at least one largest packet per window. */
		unsigned long cap = max(bytes, 131072UL);

		/* No wrap: on 32-bit dom0s bytes may be near ULONG_MAX. */
		q->credit_left = q->credit_left >= cap - bytes ?
				 cap : q->credit_left + bytes;
		q->credit_until = now + max(usecs_to_jiffies(usec), 1UL);
	}
	if (size <= q->credit_left) {
		q->credit_left -= size;
		return true;
	}
	mod_timer(&q->credit_timer, q->credit_until);
	return false;
}

void nb_tx_credit_timer(struct timer_list *t)
{
	struct nb_queue *q = from_timer(q, t, credit_timer);

	napi_schedule(&q->napi);
}

/* Where packet byte @pos goes: gfn, offset and room in that Xen page. */
static void nb_tx_dest(struct sk_buff *skb, unsigned int lin,
		       unsigned int pos, unsigned long *gfn,
		       unsigned int *off, unsigned int *room)
{
	if (pos < lin) {
		void *va = skb->data + pos;

		*gfn = virt_to_gfn(va);
		*off = xen_offset_in_page(va);
		*room = min_t(unsigned int, lin - pos, XEN_PAGE_SIZE - *off);
	} else {
		unsigned int f = (pos - lin) / PAGE_SIZE;
		unsigned int foff = (pos - lin) % PAGE_SIZE;
		struct page *page = skb_frag_page(&skb_shinfo(skb)->frags[f]);

		*gfn = pfn_to_gfn(page_to_xen_pfn(page) +
				  (foff >> XEN_PAGE_SHIFT));
		*off = foff & ~XEN_PAGE_MASK;
		*room = XEN_PAGE_SIZE - *off;
	}
}

/* Allocate the skb of a valid packet and queue its grant copies. */
static int nb_tx_build(struct nb_queue *q, struct nb_tx_pkt *p,
		       unsigned int nr_data, unsigned int *nops)
{
	const struct xen_netif_tx_request *s = q->tx_slots;
	unsigned int total = s[0].size, nfrags, i, pos = 0;
	unsigned int lin = xenpv_netif_tx_linear(total, PAGE_SIZE, &nfrags);
	unsigned int rest = total - lin;
	struct sk_buff *skb;

	if (unlikely(!lin || nfrags > MAX_SKB_FRAGS)) {
		nb_tx_count(q, &q->txs.frag_overflow, 1);
		return -EMSGSIZE;
	}
	skb = napi_alloc_skb(&q->napi, lin);
	if (!skb)
		return -ENOMEM;
	skb_put(skb, lin);
	for (i = 0; rest; i++) {
		unsigned int n = min_t(unsigned int, rest, PAGE_SIZE);
		struct page *page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);

		if (!page) {
			kfree_skb(skb);
			return -ENOMEM;
		}
		skb_add_rx_frag(skb, i, page, 0, n, PAGE_SIZE);
		rest -= n;
	}

	p->first_op = *nops;
	for (i = 0; i < nr_data; i++) {
		/* The first slot holds what the fragments leave over. */
		unsigned int len = s[i].size, soff = s[i].offset;

		if (i == 0) {
			unsigned int frags = 0, j;

			for (j = 1; j < nr_data; j++)
				frags += s[j].size;
			len = total - frags;
		}
		while (len) {
			struct gnttab_copy *op = &q->tx_copy[(*nops)++];
			unsigned int off, room, n;
			unsigned long gfn;

			nb_tx_dest(skb, lin, pos, &gfn, &off, &room);
			n = min(len, room);
			op->source.u.ref = s[i].gref;
			op->source.domid = q->vif->domid;
			op->source.offset = soff;
			op->dest.u.gmfn = gfn;
			op->dest.domid = DOMID_SELF;
			op->dest.offset = off;
			op->len = n;
			op->flags = GNTCOPY_source_gref;
			soff += n;
			pos += n;
			len -= n;
		}
	}
	p->nr_ops = *nops - p->first_op;
	p->skb = skb;
	return 0;
}

/* Checksum and GSO state of a copied packet; see the in-tree semantics. */
static int nb_tx_offload(struct nb_queue *q, struct nb_tx_pkt *p,
			 struct sk_buff *skb)
{
	bool recalc = false;
	int err;

	if (p->has_gso) {
		skb_shinfo(skb)->gso_size = p->gso.u.gso.size;
		skb_shinfo(skb)->gso_type =
			(p->gso.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4 ?
			 SKB_GSO_TCPV4 : SKB_GSO_TCPV6) | SKB_GSO_DODGY;
		skb_shinfo(skb)->gso_segs = 0;
	}
	if (p->flags & XEN_NETTXF_csum_blank)
		skb->ip_summed = CHECKSUM_PARTIAL;
	else if (p->flags & XEN_NETTXF_data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	if (skb->ip_summed != CHECKSUM_PARTIAL && skb_is_gso(skb)) {
		nb_tx_count(q, &q->txs.gso_checksum_fixup, 1);
		skb->ip_summed = CHECKSUM_PARTIAL;
		recalc = true;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		err = skb_checksum_setup(skb, recalc);
		if (err)
			return err;
	}
	skb_probe_transport_header(skb);
	if (skb_is_gso(skb)) {
		unsigned int hdr;

		if (!skb_transport_header_was_set(skb))
			return -EPROTO;
		hdr = skb_transport_offset(skb) + tcp_hdrlen(skb);
		if (skb->len <= hdr)
			return -EPROTO;
		skb_shinfo(skb)->gso_segs =
			DIV_ROUND_UP(skb->len - hdr,
				     skb_shinfo(skb)->gso_size);
	}
	return 0;
}

/* Answer one packet's slots, in ring order. */
static void nb_tx_respond(struct nb_queue *q, const struct nb_tx_pkt *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_slots; i++) {
		struct xen_netif_tx_response *rsp =
			RING_GET_RESPONSE(&q->tx, q->tx.rsp_prod_pvt);

		q->tx.rsp_prod_pvt++;
		if (i >= 1 && i <= p->nr_extras) {
			rsp->status = XEN_NETIF_RSP_NULL;
			continue;
		}
		rsp->id = p->ids[i];
		rsp->status = p->status;
	}
}

/* Hand a finished packet to the stack. */
static void nb_tx_deliver(struct nb_queue *q, struct nb_tx_pkt *p)
{
	struct sk_buff *skb = p->skb;
	unsigned int len = skb->len;

	skb->protocol = eth_type_trans(skb, q->vif->dev);
	skb_reset_network_header(skb);
	if (nb_tx_offload(q, p, skb)) {
		if (net_ratelimit())
			netdev_dbg(q->vif->dev, "%s: bad offload request\n",
				   q->name);
		nb_tx_count(q, &q->txs.errors, 1);
		kfree_skb(skb);
		return;
	}
	skb_record_rx_queue(skb, q->id);
	u64_stats_update_begin(&q->txs.syncp);
	u64_stats_inc(&q->txs.packets);
	u64_stats_add(&q->txs.bytes, len);
	u64_stats_update_end(&q->txs.syncp);
	napi_gro_receive(&q->napi, skb);
}

/*
 * One batch: read packets, copy them all in one hypercall, answer them,
 * deliver them.  Return: packets consumed, or -1 when the queue must
 * stop (broken, or out of credit).
 */
static int nb_tx_batch(struct nb_queue *q, int budget, bool *stop)
{
	unsigned int npkts = 0, nops = 0, i, nr_data;
	struct nb_tx_pkt *p;
	const char *why = NULL;
	RING_IDX prod, end, next;
	enum nb_tx_read r;
	int avail, notify;

	prod = READ_ONCE(q->tx.sring->req_prod);
	virt_rmb();	/* slots after the index */
	avail = xenpv_ring_req_check(prod, q->tx.req_cons, q->tx.rsp_prod_pvt,
				     RING_SIZE(&q->tx));
	if (avail < 0) {
		nb_queue_fatal(q, "tx producer overflow");
		*stop = true;
		return 0;
	}
	end = q->tx.req_cons + avail;
	WRITE_ONCE(q->tx_stuck, false);

	while (npkts < min_t(int, budget, NB_TX_BATCH) &&
	       q->tx.req_cons != end &&
	       nops + NB_TX_PKT_OPS <= NB_TX_COPY_OPS) {
		p = &q->tx_pkts[npkts];
		r = nb_tx_read(q, end, p, &nr_data, &next, &why);
		if (r == NB_TX_INCOMPLETE) {
			WRITE_ONCE(q->tx_stuck, true);
			q->tx_stuck_prod = prod;
			*stop = true;
			break;
		}
		if (r == NB_TX_FATAL) {
			nb_queue_fatal(q, why);
			*stop = true;
			break;
		}
		if (r == NB_TX_OK && !nb_tx_credit(q, q->tx_slots[0].size)) {
			*stop = true;
			break;
		}
		q->tx.req_cons = next;
		p->status = XEN_NETIF_RSP_OKAY;
		if (r == NB_TX_DROP) {
			nb_tx_count(q, &q->txs.bad_requests, 1);
			nb_tx_count(q, &q->txs.errors, 1);
			p->status = XEN_NETIF_RSP_ERROR;
		} else if (nb_tx_build(q, p, nr_data, &nops)) {
			nb_tx_count(q, &q->txs.errors, 1);
			p->status = XEN_NETIF_RSP_ERROR;
		}
		npkts++;
	}

	if (nops)
		gnttab_batch_copy(q->tx_copy, nops);

	for (i = 0; i < npkts; i++) {
		unsigned int j;

		p = &q->tx_pkts[i];
		for (j = 0; p->skb && j < p->nr_ops; j++) {
			if (q->tx_copy[p->first_op + j].status == GNTST_okay)
				continue;
			if (net_ratelimit())
				netdev_dbg(q->vif->dev,
					   "%s: copy from guest failed: %d\n",
					   q->name,
					   q->tx_copy[p->first_op + j].status);
			nb_tx_count(q, &q->txs.copy_errors, 1);
			nb_tx_count(q, &q->txs.errors, 1);
			kfree_skb(p->skb);
			p->skb = NULL;
			p->status = XEN_NETIF_RSP_ERROR;
		}
		nb_tx_respond(q, p);
	}
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify)
		xenpv_evtchn_notify(&q->tx_ch);

	for (i = 0; i < npkts; i++) {
		p = &q->tx_pkts[i];
		if (p->skb)
			nb_tx_deliver(q, p);
		p->skb = NULL;
	}
	return npkts;
}

/* After NAPI completes: anything left (and ask for an event if not)? */
static bool nb_tx_more(struct nb_queue *q)
{
	RING_IDX prod;

	if (READ_ONCE(q->broken) || timer_pending(&q->credit_timer))
		return false;
	if (nb_tx_pending(q))
		return true;
	prod = READ_ONCE(q->tx.sring->req_prod);
	q->tx.sring->req_event = prod + 1;
	mb();	/* event pointer before the re-check */
	return nb_tx_pending(q);
}

/**
 * nb_tx_poll() - NAPI poll: process the guest's TX ring.
 * @napi: the queue's NAPI.
 * @budget: packets we may deliver.
 *
 * Return: packets processed.
 */
int nb_tx_poll(struct napi_struct *napi, int budget)
{
	struct nb_queue *q = container_of(napi, struct nb_queue, napi);
	bool stop = false;
	int done = 0, n;

	while (done < budget && !stop && !READ_ONCE(q->broken)) {
		n = nb_tx_batch(q, budget - done, &stop);
		if (n <= 0)
			break;
		done += n;
	}
	if (done >= budget)
		return budget;
	if (napi_complete_done(napi, done)) {
		if (test_and_clear_bit(0, &q->tx_eoi_pending))
			xenpv_evtchn_eoi(&q->tx_ch,
					 done ? 0 : XEN_EOI_FLAG_SPURIOUS);
		if (nb_tx_more(q))
			napi_schedule(napi);
	}
	return done;
}
