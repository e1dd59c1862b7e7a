// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-evtchn: the ring of pending ports, without locks or allocation
 * (the callers in dev.c own both).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <asm/barrier.h>

#include "ring.h"

/**
 * xenpv_evtchn_ring_size_for() - ring size needed for a number of ports
 * @nr_ports: ports bound to the file
 * @cur: current ring size (0 or a power of two)
 *
 * A bound port is masked from the moment its event is queued until
 * userspace re-enables it, so one slot per port is enough for a well
 * behaved reader: the ring never shrinks and doubles while it is smaller.
 *
 * Return: the size the ring must have, @cur when it is big enough.
 */
unsigned int xenpv_evtchn_ring_size_for(unsigned int nr_ports,
					unsigned int cur)
{
	unsigned int size = cur ? cur : XENPV_EVTCHN_RING_MIN;

	while (size < nr_ports)
		size *= 2;
	return size;
}

/**
 * xenpv_evtchn_ring_move() - switch the ring to a bigger slot array
 * @ring: the ring, with both its producer and consumer side locked
 * @slots: the new slot array, @size entries
 * @size: new size, a power of two not smaller than the current one
 *
 * The pending entries keep their indices, so a reader and the handler see
 * no difference.  The caller frees the old array (the one in @ring on
 * entry) once both locks are dropped.
 */
void xenpv_evtchn_ring_move(struct xenpv_evtchn_ring *ring,
			    evtchn_port_t *slots, unsigned int size)
{
	unsigned int i;

	for (i = ring->cons; i != ring->prod; i++)
		slots[i & (size - 1)] = ring->slots[i & (ring->size - 1)];
	ring->slots = slots;
	ring->size = size;
}

/**
 * xenpv_evtchn_ring_push() - queue a port, producer side
 * @ring: the ring, producer side locked
 * @port: the port that fired
 * @was_empty: set to whether the ring was empty before (readers to wake)
 *
 * Return: false when the ring is full: the port is dropped and the ring
 * marked overflowed.
 */
bool xenpv_evtchn_ring_push(struct xenpv_evtchn_ring *ring,
			    evtchn_port_t port, bool *was_empty)
{
	/* Pairs with the release in xenpv_evtchn_ring_consume(). */
	unsigned int cons = smp_load_acquire(&ring->cons);
	unsigned int prod = ring->prod;

	*was_empty = cons == prod;
	if (prod - cons >= ring->size) {
		WRITE_ONCE(ring->overflow, true);
		return false;
	}
	ring->slots[prod & (ring->size - 1)] = port;
	/* The slot before the index that publishes it. */
	smp_store_release(&ring->prod, prod + 1);
	return true;
}

/**
 * xenpv_evtchn_ring_empty() - whether no port is pending
 * @ring: the ring, lockless (poll and wait conditions)
 *
 * Return: true when the ring holds no port.
 */
bool xenpv_evtchn_ring_empty(const struct xenpv_evtchn_ring *ring)
{
	return READ_ONCE(ring->cons) == READ_ONCE(ring->prod);
}

/**
 * xenpv_evtchn_ring_peek() - the pending ports, consumer side
 * @ring: the ring, consumer side locked
 * @max: most ports the caller takes
 * @first: set to the slot of the oldest pending port
 *
 * The ports are @ring->slots[@first...] up to the end of the array, then
 * from slot 0 on.
 *
 * Return: how many ports (at most @max) can be read.
 */
unsigned int xenpv_evtchn_ring_peek(const struct xenpv_evtchn_ring *ring,
				    unsigned int max, unsigned int *first)
{
	/* Pairs with the release in xenpv_evtchn_ring_push(). */
	unsigned int prod = smp_load_acquire(&ring->prod);
	unsigned int n = prod - ring->cons;

	*first = ring->cons & (ring->size - 1);
	return n < max ? n : max;
}

/**
 * xenpv_evtchn_ring_consume() - drop ports that were read
 * @ring: the ring, consumer side locked
 * @n: how many, as returned by xenpv_evtchn_ring_peek() at most
 */
void xenpv_evtchn_ring_consume(struct xenpv_evtchn_ring *ring,
			       unsigned int n)
{
	/* The slots are copied out before the producer may reuse them. */
	smp_store_release(&ring->cons, ring->cons + n);
}

/**
 * xenpv_evtchn_ring_reset() - empty the ring and clear its overflow
 * @ring: the ring, both sides locked
 */
void xenpv_evtchn_ring_reset(struct xenpv_evtchn_ring *ring)
{
	WRITE_ONCE(ring->cons, 0);
	WRITE_ONCE(ring->prod, 0);
	WRITE_ONCE(ring->overflow, false);
}
