/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netif request and response validation over copied ring entries.
 *
 * A transmitted packet is a chain of tx requests ("slots") linked by
 * XEN_NETTXF_more_data.  The first slot's size is the size of the whole
 * packet; each following slot carries its own fragment size, and what
 * the fragments leave over is the data in the first slot.
 */
#ifndef _XENPV_NETIF_H
#define _XENPV_NETIF_H

#include <xenpv/platform.h>

/* Largest packet on the tx ring: a 64 KiB GSO packet including headers. */
#define XENPV_NETIF_MAX_PKT_SIZE	XEN_NETIF_MAX_TX_SIZE
/* Smallest packet: an Ethernet header. */
#define XENPV_NETIF_MIN_PKT_SIZE	14
/* Slots every backend must accept per packet (netback's legacy limit). */
#define XENPV_NETIF_LEGACY_SLOTS_MAX	XEN_NETIF_NR_SLOTS_MIN

#define XENPV_NETTXF_KNOWN	(XEN_NETTXF_csum_blank |		\
				 XEN_NETTXF_data_validated |		\
				 XEN_NETTXF_more_data |			\
				 XEN_NETTXF_extra_info)

/**
 * struct xenpv_netif_tx_pkt - progress through one packet's tx slots.
 * @total: packet size, from the first slot.
 * @first_left: bytes not yet claimed by fragments: the first slot's data.
 * @first_offset: offset of the first slot's data in its page.
 * @slots: slots seen so far (extra-info slots not counted).
 *
 * Initialised by xenpv_netif_tx_req_validate() on the first slot.
 */
struct xenpv_netif_tx_pkt {
	u32 total;
	u32 first_left;
	u16 first_offset;
	unsigned int slots;
};

/**
 * xenpv_netif_tx_req_validate() - backend check of one copied tx slot.
 * @req: the slot, already copied off the shared ring.
 * @first_slot: true for the first slot of a packet.
 * @pkt: the packet's running state (written on the first slot).
 * @max_slots: slot limit per packet (fatal_skb_slots); raised to
 *	XENPV_NETIF_LEGACY_SLOTS_MAX if lower.
 *
 * Checks known flags, a first slot of XENPV_NETIF_MIN_PKT_SIZE ..
 * XENPV_NETIF_MAX_PKT_SIZE bytes (a zero-length packet is refused, the
 * XSA-448 class), offset + size within the 4 KiB page for every slot,
 * fragments no bigger than what is left of the packet, and the slot
 * count.  The first slot's own extent is known, and checked, only at the
 * last slot.  A following slot may have size 0: it carries no data and
 * its grant must not be mapped or copied.
 *
 * Return: 0 if the slot is acceptable; -EINVAL or -EMSGSIZE for a
 * malformed packet (drop it and answer XEN_NETIF_RSP_ERROR); -E2BIG for
 * too many slots and -EPROTO for data crossing a page (treat the
 * frontend as hostile and disconnect it).
 */
static inline int xenpv_netif_tx_req_validate(const struct xen_netif_tx_request *req,
					      bool first_slot,
					      struct xenpv_netif_tx_pkt *pkt,
					      unsigned int max_slots)
{
	u32 end = (u32)req->offset + req->size;

	if (unlikely(req->flags & ~XENPV_NETTXF_KNOWN))
		return -EINVAL;
	if (first_slot) {
		if (unlikely(req->size < XENPV_NETIF_MIN_PKT_SIZE))
			return -EINVAL;
		if (unlikely(req->size > XENPV_NETIF_MAX_PKT_SIZE))
			return -EMSGSIZE;
		pkt->total = req->size;
		pkt->first_left = req->size;
		pkt->first_offset = req->offset;
		pkt->slots = 1;
	} else {
		if (max_slots < XENPV_NETIF_LEGACY_SLOTS_MAX)
			max_slots = XENPV_NETIF_LEGACY_SLOTS_MAX;
		if (unlikely(req->flags & XEN_NETTXF_extra_info))
			return -EINVAL;
		if (unlikely(pkt->slots >= max_slots))
			return -E2BIG;
		pkt->slots++;
		if (unlikely(end > XEN_PAGE_SIZE))
			return -EPROTO;
		if (unlikely(req->size > pkt->first_left))
			return -EINVAL;
		pkt->first_left -= req->size;
	}
	if (req->flags & XEN_NETTXF_more_data)
		return 0;
	/* Last slot: the first slot's own data is now known. */
	if (unlikely(pkt->first_left < XENPV_NETIF_MIN_PKT_SIZE))
		return -EINVAL;
	if (unlikely((u32)pkt->first_offset + pkt->first_left > XEN_PAGE_SIZE))
		return -EPROTO;
	return 0;
}

/* Guest packet bytes a backend always copies into the skb's linear area. */
#define XENPV_NETIF_TX_HDR_LEN		128
/* Guest packets up to this size are copied into the linear area whole. */
#define XENPV_NETIF_TX_LINEAR_MAX	256

/**
 * xenpv_netif_tx_linear() - layout of a validated guest packet in an skb.
 * @total: the packet size (the first slot's size, validated).
 * @chunk: size of each fragment page the backend allocates (PAGE_SIZE).
 * @nr_frags: result: fragments after the linear part.
 *
 * The packet's first bytes go to the linear area whatever the slot
 * layout, so no header is ever split between the linear area and a
 * fragment (XSA-423/432 class), and the rest is packed into full
 * fragments, the last one partial but never empty (XSA-448 class).
 *
 * Return: bytes of the linear area: @total up to
 * XENPV_NETIF_TX_LINEAR_MAX, else XENPV_NETIF_TX_HDR_LEN; 0 (and no
 * fragments) for an unusable @total or @chunk.
 */
static inline u32 xenpv_netif_tx_linear(u32 total, u32 chunk,
					unsigned int *nr_frags)
{
	u32 lin;

	*nr_frags = 0;
	if (unlikely(total < XENPV_NETIF_MIN_PKT_SIZE ||
		     total > XENPV_NETIF_MAX_PKT_SIZE || chunk == 0))
		return 0;
	lin = total <= XENPV_NETIF_TX_LINEAR_MAX ? total :
						   XENPV_NETIF_TX_HDR_LEN;
	*nr_frags = (total - lin + chunk - 1) / chunk;
	return lin;
}

/**
 * xenpv_netif_extra_validate() - check one copied extra-info slot.
 * @extra: the extra-info slot, already copied off the shared ring.
 * @seen: bit mask of the extra types seen so far for this packet;
 *	start at 0, updated on success.
 *
 * Each type may appear once per packet, so a packet has fewer than
 * XEN_NETIF_EXTRA_TYPE_MAX extra slots.  A GSO extra needs a TCPv4 or
 * TCPv6 type, no feature bits and a segment size of 1 ..
 * XENPV_NETIF_MAX_PKT_SIZE.
 *
 * Return: 0 if acceptable; -EINVAL for an unknown or repeated type,
 * unknown flags or bad GSO parameters.
 */
static inline int xenpv_netif_extra_validate(const struct xen_netif_extra_info *extra,
					     u32 *seen)
{
	if (unlikely(extra->type == XEN_NETIF_EXTRA_TYPE_NONE ||
		     extra->type >= XEN_NETIF_EXTRA_TYPE_MAX ||
		     (*seen & (1U << extra->type))))
		return -EINVAL;
	if (unlikely(extra->flags & ~XEN_NETIF_EXTRA_FLAG_MORE))
		return -EINVAL;
	if (extra->type == XEN_NETIF_EXTRA_TYPE_GSO) {
		if (unlikely(extra->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
			     extra->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6))
			return -EINVAL;
		if (unlikely(extra->u.gso.size == 0 ||
			     extra->u.gso.size > XENPV_NETIF_MAX_PKT_SIZE ||
			     extra->u.gso.features))
			return -EINVAL;
	}
	*seen |= 1U << extra->type;
	return 0;
}

/**
 * xenpv_netif_rx_rsp_validate() - frontend check of a copied rx response.
 * @rsp: the response, already copied off the shared ring.
 * @nr_ids: number of rx request ids in use (ids are 0..@nr_ids-1).
 *
 * A negative status is an error report for that buffer and is accepted
 * (the caller drops the packet); otherwise status is the byte count,
 * which with the offset must stay inside the 4 KiB page.
 *
 * Return: 0 if acceptable; -ERANGE for an id out of range; -EINVAL if
 * offset + status runs past the page.
 */
static inline int xenpv_netif_rx_rsp_validate(const struct xen_netif_rx_response *rsp,
					      unsigned int nr_ids)
{
	if (unlikely(rsp->id >= nr_ids))
		return -ERANGE;
	if (rsp->status < 0)
		return 0;
	if (unlikely((u32)rsp->offset + (u32)rsp->status > XEN_PAGE_SIZE))
		return -EINVAL;
	return 0;
}

/* xenpv_netif_tx_rsp_validate(): the response answers an extra-info slot. */
#define XENPV_NETIF_RSP_SKIP	1

/**
 * xenpv_netif_tx_rsp_validate() - frontend check of a copied tx response.
 * @rsp: the response, already copied off the shared ring.
 * @nr_ids: number of tx request ids in use (ids are 0..@nr_ids-1).
 * @pending: @nr_ids entries, nonzero where the slot sent under that id
 *	is still outstanding.
 *
 * The response to an extra-info slot has status XEN_NETIF_RSP_NULL and
 * names no id; it is skipped.  Any other response must carry a known
 * status and name an outstanding id.
 *
 * Return: 0 if the response completes slot @rsp->id;
 * XENPV_NETIF_RSP_SKIP for a NULL response; -ERANGE for an id out of
 * range; -EINVAL for an id not outstanding or an unknown status.
 */
static inline int xenpv_netif_tx_rsp_validate(const struct xen_netif_tx_response *rsp,
					      unsigned int nr_ids,
					      const u8 *pending)
{
	switch (rsp->status) {
	case XEN_NETIF_RSP_NULL:
		return XENPV_NETIF_RSP_SKIP;
	case XEN_NETIF_RSP_OKAY:
	case XEN_NETIF_RSP_ERROR:
	case XEN_NETIF_RSP_DROPPED:
		break;
	default:
		return -EINVAL;
	}
	if (unlikely(rsp->id >= nr_ids))
		return -ERANGE;
	if (unlikely(!pending[rsp->id]))
		return -EINVAL;
	return 0;
}

/**
 * xenpv_netif_rx_slot_validate() - frontend check of an rx data response
 *	read at a known ring index.
 * @rsp: the response, already copied off the shared ring.
 * @idx: the ring index it was read at.
 * @ring_size: entries of the rx ring, a power of two; the request
 *	posted at index i carries id i & (@ring_size - 1).
 * @posted: @ring_size entries, nonzero where a buffer is posted.
 *
 * A backend answers the request at the same ring index and echoes its
 * id, so the id must be the one posted at @idx, and that buffer must be
 * posted; then xenpv_netif_rx_rsp_validate() applies.
 *
 * Return: 0 if acceptable; -ERANGE for an id out of range (or a bad
 * @ring_size); -EINVAL for a wrong or unposted id or data past the page.
 */
static inline int xenpv_netif_rx_slot_validate(const struct xen_netif_rx_response *rsp,
					       RING_IDX idx,
					       unsigned int ring_size,
					       const u8 *posted)
{
	int err;

	if (unlikely(!ring_size || (ring_size & (ring_size - 1))))
		return -ERANGE;
	err = xenpv_netif_rx_rsp_validate(rsp, ring_size);
	if (err)
		return err;
	if (unlikely(rsp->id != (idx & (ring_size - 1)) || !posted[rsp->id]))
		return -EINVAL;
	return 0;
}

#endif /* _XENPV_NETIF_H */
