/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Index checks and copies for the Xen console ring (struct
 * xencons_interface: a 1 KiB input ring written by the backend and a
 * 2 KiB output ring written by the frontend, each with free-running
 * 32-bit producer and consumer byte counters).
 *
 * The peer's index is read once (READ_ONCE in the kernel) and handed to
 * these helpers with our own private copy of the other one; a distance
 * that does not fit the ring means the peer wrote nonsense, and the
 * caller disconnects instead of copying (XSA-391 class).  Pure functions
 * of their arguments, shared by the kernel module and the host tests.
 */
#ifndef _XENPV_CONSOLE_H
#define _XENPV_CONSOLE_H

#include <xenpv/platform.h>

#ifdef __KERNEL__
#include <linux/string.h>
#include <xen/interface/io/console.h>
#else
#include <string.h>
#include <xen/io/console.h>
#endif

/* Sizes of the two rings of struct xencons_interface. */
#define XENPV_CONS_IN_SIZE \
	((u32)sizeof(((struct xencons_interface *)0)->in))
#define XENPV_CONS_OUT_SIZE \
	((u32)sizeof(((struct xencons_interface *)0)->out))

/**
 * xenpv_cons_fill() - bytes between a consumer and a producer.
 * @prod: producer index.
 * @cons: consumer index.
 * @size: ring size in bytes, a power of two.
 *
 * Return: @prod - @cons (0..@size), or -EOVERFLOW when that distance
 * cannot be right: the producer is behind the consumer, or more than a
 * ring ahead of it.
 */
static inline int xenpv_cons_fill(u32 prod, u32 cons, u32 size)
{
	u32 fill = prod - cons;

	if (!size || (size & (size - 1)) || size > 0x10000)
		return -EINVAL;
	if (fill > size)
		return -EOVERFLOW;
	return (int)fill;
}

/**
 * xenpv_cons_readable() - input the frontend may consume.
 * @in_prod: the backend's input producer, as read once.
 * @in_cons: the frontend's input consumer (its private copy).
 * @size: XENPV_CONS_IN_SIZE.
 *
 * Return: bytes to read, or a negative errno (see xenpv_cons_fill()).
 */
static inline int xenpv_cons_readable(u32 in_prod, u32 in_cons, u32 size)
{
	return xenpv_cons_fill(in_prod, in_cons, size);
}

/**
 * xenpv_cons_writable() - room for output.
 * @out_prod: the frontend's output producer (its private copy).
 * @out_cons: the backend's output consumer, as read once.
 * @size: XENPV_CONS_OUT_SIZE.
 *
 * A consumer ahead of the producer, or more than a ring behind it, is
 * the backend's nonsense.
 *
 * Return: free bytes (0..@size), or a negative errno.
 */
static inline int xenpv_cons_writable(u32 out_prod, u32 out_cons, u32 size)
{
	int fill = xenpv_cons_fill(out_prod, out_cons, size);

	return fill < 0 ? fill : (int)size - fill;
}

/**
 * xenpv_cons_copy_out() - copy up to @len bytes from a ring.
 * @ring: the ring's bytes.
 * @size: ring size, a power of two.
 * @cons: index of the first byte to copy.
 * @avail: bytes readable at @cons (from xenpv_cons_readable()).
 * @dst: destination.
 * @len: room at @dst.
 *
 * Return: bytes copied, min(@avail, @len); the caller advances its
 * consumer by that much.
 */
static inline u32 xenpv_cons_copy_out(const char *ring, u32 size, u32 cons,
				      u32 avail, char *dst, u32 len)
{
	u32 n = avail < len ? avail : len;
	u32 off = cons & (size - 1);
	u32 first = size - off < n ? size - off : n;

	memcpy(dst, ring + off, first);
	memcpy(dst + first, ring, n - first);
	return n;
}

/**
 * xenpv_cons_copy_in() - copy up to @len bytes into a ring.
 * @ring: the ring's bytes.
 * @size: ring size, a power of two.
 * @prod: index of the first free byte.
 * @room: free bytes at @prod (from xenpv_cons_writable()).
 * @src: data.
 * @len: bytes at @src.
 *
 * Return: bytes copied, min(@room, @len); the caller publishes its
 * producer advanced by that much (after a write barrier).
 */
static inline u32 xenpv_cons_copy_in(char *ring, u32 size, u32 prod,
				     u32 room, const char *src, u32 len)
{
	u32 n = room < len ? room : len;
	u32 off = prod & (size - 1);
	u32 first = size - off < n ? size - off : n;

	memcpy(ring + off, src, first);
	memcpy(ring, src + first, n - first);
	return n;
}

#endif /* _XENPV_CONSOLE_H */
