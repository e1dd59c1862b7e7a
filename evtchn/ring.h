/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-file ring of pending ports of xen-evtchn.
 *
 * One producer at a time (the event handler, under the file's ring_lock
 * with interrupts off) and one consumer at a time (read(), under the
 * file's read_lock).  Resizing and resetting take both.  The indices run
 * freely; the slot of index i is i & (size - 1).
 */
#ifndef XENPV_EVTCHN_RING_H
#define XENPV_EVTCHN_RING_H

#include <linux/types.h>
#include <xen/interface/event_channel.h>

struct xenpv_evtchn_ring {
	evtchn_port_t *slots;	/* NULL until the first port is bound */
	unsigned int size;	/* 0 or a power of two */
	unsigned int prod;	/* next index to fill */
	unsigned int cons;	/* next index to read */
	bool overflow;		/* an event was dropped: read fails until reset */
};

/* Size the ring starts at when the first port is bound. */
#define XENPV_EVTCHN_RING_MIN	64U

unsigned int xenpv_evtchn_ring_size_for(unsigned int nr_ports,
					unsigned int cur);
void xenpv_evtchn_ring_move(struct xenpv_evtchn_ring *ring,
			    evtchn_port_t *slots, unsigned int size);
bool xenpv_evtchn_ring_push(struct xenpv_evtchn_ring *ring,
			    evtchn_port_t port, bool *was_empty);
bool xenpv_evtchn_ring_empty(const struct xenpv_evtchn_ring *ring);
unsigned int xenpv_evtchn_ring_peek(const struct xenpv_evtchn_ring *ring,
				    unsigned int max, unsigned int *first);
void xenpv_evtchn_ring_consume(struct xenpv_evtchn_ring *ring,
			       unsigned int n);
void xenpv_evtchn_ring_reset(struct xenpv_evtchn_ring *ring);

#endif /* XENPV_EVTCHN_RING_H */
