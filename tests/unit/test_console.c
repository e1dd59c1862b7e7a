// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for include/xenpv/console.h. */
#include <xenpv/console.h>
#include "check.h"

static void check_sizes(void)
{
	CHECK_EQ(XENPV_CONS_IN_SIZE, 1024);
	CHECK_EQ(XENPV_CONS_OUT_SIZE, 2048);
	CHECK_EQ(offsetof(struct xencons_interface, in_cons), 3072);
	CHECK_EQ(offsetof(struct xencons_interface, out_prod), 3084);
}

static void check_fill(void)
{
	CHECK_EQ(xenpv_cons_readable(0, 0, 1024), 0);
	CHECK_EQ(xenpv_cons_readable(10, 0, 1024), 10);
	CHECK_EQ(xenpv_cons_readable(1024, 0, 1024), 1024);
	CHECK_EQ(xenpv_cons_readable(1025, 0, 1024), -EOVERFLOW);
	/* Producer behind the consumer. */
	CHECK_EQ(xenpv_cons_readable(5, 6, 1024), -EOVERFLOW);
	CHECK_EQ(xenpv_cons_readable(0, 0xffffffffu, 1024), 1);
	/* Across the 2^32 wrap. */
	CHECK_EQ(xenpv_cons_readable(0x10, 0xfffffff0u, 1024), 0x20);
	CHECK_EQ(xenpv_cons_readable(0x400, 0xfffffc00u, 1024), -EOVERFLOW);
	CHECK_EQ(xenpv_cons_readable(0x3f0, 0xfffffff0u, 1024), 1024);
	CHECK_EQ(xenpv_cons_readable(0x80000000u, 0, 1024), -EOVERFLOW);
	/* Bad sizes are refused, never divided by. */
	CHECK_EQ(xenpv_cons_readable(0, 0, 0), -EINVAL);
	CHECK_EQ(xenpv_cons_readable(0, 0, 1000), -EINVAL);
	CHECK_EQ(xenpv_cons_readable(0, 0, 0x20000), -EINVAL);
}

static void check_room(void)
{
	CHECK_EQ(xenpv_cons_writable(0, 0, 2048), 2048);
	CHECK_EQ(xenpv_cons_writable(2048, 0, 2048), 0);
	CHECK_EQ(xenpv_cons_writable(100, 40, 2048), 1988);
	/* Consumer ahead of our producer, or a ring behind it. */
	CHECK_EQ(xenpv_cons_writable(100, 101, 2048), -EOVERFLOW);
	CHECK_EQ(xenpv_cons_writable(2049, 0, 2048), -EOVERFLOW);
	CHECK_EQ(xenpv_cons_writable(5, 0xfffffffbu, 2048), 2038);
	CHECK_EQ(xenpv_cons_writable(5, 0x7ffffffbu, 2048), -EOVERFLOW);
}

static void check_copies(void)
{
	char ring[16], out[32], msg[] = "abcdefghijklmnopqrstuvwxyz";
	u32 prod = 0xfffffff8u, cons = prod, n;
	int room, avail;

	memset(ring, '.', sizeof(ring));
	room = xenpv_cons_writable(prod, cons, sizeof(ring));
	CHECK_EQ(room, 16);
	/* 20 bytes offered, 16 fit, wrapping inside the ring and at 2^32. */
	n = xenpv_cons_copy_in(ring, sizeof(ring), prod, room, msg, 20);
	CHECK_EQ(n, 16);
	prod += n;
	CHECK_EQ(prod, 8);
	CHECK(!memcmp(ring + 8, "abcdefgh", 8));
	CHECK(!memcmp(ring, "ijklmnop", 8));
	CHECK_EQ(xenpv_cons_writable(prod, cons, sizeof(ring)), 0);

	avail = xenpv_cons_readable(prod, cons, sizeof(ring));
	CHECK_EQ(avail, 16);
	n = xenpv_cons_copy_out(ring, sizeof(ring), cons, avail, out, 5);
	CHECK_EQ(n, 5);
	CHECK(!memcmp(out, "abcde", 5));
	cons += n;
	avail = xenpv_cons_readable(prod, cons, sizeof(ring));
	CHECK_EQ(avail, 11);
	n = xenpv_cons_copy_out(ring, sizeof(ring), cons, avail, out,
				sizeof(out));
	CHECK_EQ(n, 11);
	CHECK(!memcmp(out, "fghijklmnop", 11));
	cons += n;
	CHECK_EQ(cons, prod);
	CHECK_EQ(xenpv_cons_copy_out(ring, sizeof(ring), cons, 0, out, 4), 0);
}

int main(void)
{
	check_sizes();
	check_fill();
	check_room();
	check_copies();
	return check_done();
}
