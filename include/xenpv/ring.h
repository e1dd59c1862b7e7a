/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared-ring index checks on free-running 32-bit indices.
 *
 * Ring indices (RING_IDX) only ever grow and wrap at 2^32; the slot is
 * index & (size - 1).  All distances below are computed as unsigned
 * differences, which stay correct across the wrap as long as the real
 * distance is below 2^31; a peer that moves its producer backwards or
 * far ahead shows up as a distance larger than the ring, and is refused.
 */
#ifndef _XENPV_RING_H
#define _XENPV_RING_H

#include <xenpv/platform.h>

/* Bytes before the entry array of a shared ring (indices and padding). */
#define XENPV_RING_HDR_SIZE	64
/* Largest ring we map: 2^4 grant pages, the Linux xenbus limit. */
#define XENPV_RING_MAX_ORDER	4
/* Upper bound on ring sizes, so that entry counts fit in an int. */
#define XENPV_RING_MAX_SIZE	BIT(30)

/**
 * xenpv_ring_entries() - number of entries in a shared ring.
 * @order: the ring spans 2^@order grant pages of XEN_PAGE_SIZE bytes.
 * @entry_size: size of one ring entry (the request/response union).
 *
 * Same rule as the __CONST_RING_SIZE macro of Xen's io/ring.h: the space
 * after the header, divided by the entry size, rounded down to a power
 * of two.
 *
 * Return: the entry count, or 0 if @order or @entry_size is unusable.
 */
static inline unsigned int xenpv_ring_entries(unsigned int order,
					      size_t entry_size)
{
	size_t n;
	unsigned int p = 1;

	if (order > XENPV_RING_MAX_ORDER || entry_size == 0)
		return 0;
	n = ((XEN_PAGE_SIZE << order) - XENPV_RING_HDR_SIZE) / entry_size;
	if (n == 0)
		return 0;
	while ((size_t)p * 2 <= n)
		p *= 2;
	return p;
}

/**
 * xenpv_ring_size_ok() - is @ring_size a usable ring entry count?
 * @ring_size: number of entries.
 *
 * Return: true for a power of two in 1..XENPV_RING_MAX_SIZE.
 */
static inline bool xenpv_ring_size_ok(unsigned int ring_size)
{
	return ring_size && ring_size <= XENPV_RING_MAX_SIZE &&
	       !(ring_size & (ring_size - 1));
}

/**
 * xenpv_ring_req_check() - backend check of the frontend's request producer.
 * @req_prod: sring->req_prod as read (once) from the shared page.
 * @req_cons: the backend's private request consumer.
 * @rsp_prod_pvt: the backend's private response producer.
 * @ring_size: number of entries (a power of two).
 *
 * The frontend may have at most @ring_size requests that the backend has
 * not answered yet; a producer further ahead (or behind the consumer) is
 * the "producer overflow" of a malicious or broken frontend.
 *
 * Return: number of new requests to consume (0..@ring_size), -EOVERFLOW
 * if @req_prod is out of range, or -EINVAL if the backend's own indices
 * or @ring_size are inconsistent.
 */
static inline int xenpv_ring_req_check(RING_IDX req_prod, RING_IDX req_cons,
				       RING_IDX rsp_prod_pvt,
				       unsigned int ring_size)
{
	u32 in_flight = req_cons - rsp_prod_pvt;
	u32 fresh = req_prod - req_cons;

	if (!xenpv_ring_size_ok(ring_size) || in_flight > ring_size)
		return -EINVAL;
	if (unlikely(fresh > ring_size - in_flight))
		return -EOVERFLOW;
	return fresh;
}

/**
 * xenpv_ring_rsp_check() - frontend check of the backend's response producer.
 * @rsp_prod: sring->rsp_prod as read (once) from the shared page.
 * @rsp_cons: the frontend's private response consumer.
 * @req_prod_pvt: the frontend's private request producer.
 * @ring_size: number of entries (a power of two).
 *
 * The backend may only answer requests that were made: a response
 * producer past @req_prod_pvt (or behind the consumer) is refused.
 *
 * Return: number of new responses to consume (0..@ring_size),
 * -EOVERFLOW if @rsp_prod is out of range, or -EINVAL if the frontend's
 * own indices or @ring_size are inconsistent.
 */
static inline int xenpv_ring_rsp_check(RING_IDX rsp_prod, RING_IDX rsp_cons,
				       RING_IDX req_prod_pvt,
				       unsigned int ring_size)
{
	u32 outstanding = req_prod_pvt - rsp_cons;
	u32 fresh = rsp_prod - rsp_cons;

	if (!xenpv_ring_size_ok(ring_size) || outstanding > ring_size)
		return -EINVAL;
	if (unlikely(fresh > outstanding))
		return -EOVERFLOW;
	return fresh;
}

#endif /* _XENPV_RING_H */
