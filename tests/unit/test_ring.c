// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for include/xenpv/ring.h. */
#include <xenpv/ring.h>
#include "check.h"

static void check_entries(void)
{
	/* Same answers as the public headers' own macro. */
	CHECK_EQ(offsetof(struct blkif_sring, ring), XENPV_RING_HDR_SIZE);
	CHECK_EQ(offsetof(struct netif_tx_sring, ring), XENPV_RING_HDR_SIZE);
	CHECK_EQ(xenpv_ring_entries(0, sizeof(union blkif_sring_entry)),
		 __CONST_RING_SIZE(blkif, 4096));
	CHECK_EQ(xenpv_ring_entries(0, sizeof(union blkif_sring_entry)), 32);
	CHECK_EQ(xenpv_ring_entries(0, sizeof(union netif_tx_sring_entry)),
		 __CONST_RING_SIZE(netif_tx, 4096));
	CHECK_EQ(xenpv_ring_entries(0, sizeof(union netif_rx_sring_entry)),
		 __CONST_RING_SIZE(netif_rx, 4096));
	CHECK_EQ(xenpv_ring_entries(1, sizeof(union blkif_sring_entry)),
		 __CONST_RING_SIZE(blkif, 8192));
	CHECK_EQ(xenpv_ring_entries(4, sizeof(union blkif_sring_entry)),
		 __CONST_RING_SIZE(blkif, 4096 << 4));
	CHECK_EQ(xenpv_ring_entries(4, sizeof(union blkif_sring_entry)), 512);
	/* Rounded down to a power of two: (4096 - 64) / 100 = 40 -> 32. */
	CHECK_EQ(xenpv_ring_entries(0, 100), 32);
	CHECK_EQ(xenpv_ring_entries(0, 1), 2048);
	CHECK_EQ(xenpv_ring_entries(0, 4032), 1);
	CHECK_EQ(xenpv_ring_entries(0, 4033), 0);
	CHECK_EQ(xenpv_ring_entries(0, 0), 0);
	CHECK_EQ(xenpv_ring_entries(XENPV_RING_MAX_ORDER + 1, 112), 0);
	CHECK_EQ(xenpv_ring_entries(~0U, 112), 0);
}

static void check_req(void)
{
	/* Plain cases on a 32-entry ring. */
	CHECK_EQ(xenpv_ring_req_check(0, 0, 0, 32), 0);
	CHECK_EQ(xenpv_ring_req_check(5, 0, 0, 32), 5);
	CHECK_EQ(xenpv_ring_req_check(32, 0, 0, 32), 32);
	CHECK_EQ(xenpv_ring_req_check(33, 0, 0, 32), -EOVERFLOW);
	/* 10 consumed, 4 of them answered: 26 slots are the frontend's. */
	CHECK_EQ(xenpv_ring_req_check(36, 10, 4, 32), 26);
	CHECK_EQ(xenpv_ring_req_check(37, 10, 4, 32), -EOVERFLOW);
	/* Producer moved backwards past the consumer. */
	CHECK_EQ(xenpv_ring_req_check(9, 10, 4, 32), -EOVERFLOW);
	CHECK_EQ(xenpv_ring_req_check(0xffffffff, 10, 4, 32), -EOVERFLOW);
	/* Wrap-around of the free-running indices at 2^32. */
	CHECK_EQ(xenpv_ring_req_check(0xffffffff, 0xfffffff0, 0xfffffff0, 32),
		 15);
	CHECK_EQ(xenpv_ring_req_check(0x00000000, 0xffffffff, 0xffffffff, 32),
		 1);
	CHECK_EQ(xenpv_ring_req_check(0x00000010, 0xfffffff8, 0xfffffff0, 32),
		 24);
	CHECK_EQ(xenpv_ring_req_check(0x00000011, 0xfffffff8, 0xfffffff0, 32),
		 -EOVERFLOW);
	CHECK_EQ(xenpv_ring_req_check(0x0000001f, 0xffffffff, 0xffffffff, 32),
		 32);
	CHECK_EQ(xenpv_ring_req_check(0x00000020, 0xffffffff, 0xffffffff, 32),
		 -EOVERFLOW);
	CHECK_EQ(xenpv_ring_req_check(0xfffffff0, 0x00000004, 0x00000000, 32),
		 -EOVERFLOW);
	/* The backend's own indices or ring size are inconsistent. */
	CHECK_EQ(xenpv_ring_req_check(40, 40, 0, 32), -EINVAL);
	CHECK_EQ(xenpv_ring_req_check(0, 0, 1, 32), -EINVAL);
	CHECK_EQ(xenpv_ring_req_check(0, 0, 0, 0), -EINVAL);
	CHECK_EQ(xenpv_ring_req_check(0, 0, 0, 48), -EINVAL);
	CHECK_EQ(xenpv_ring_req_check(0, 0, 0, 1U << 31), -EINVAL);
	CHECK_EQ(xenpv_ring_req_check(1U << 30, 0, 0, 1U << 30), 1 << 30);
	CHECK_EQ(xenpv_ring_req_check(1, 0, 0, 1), 1);
	CHECK_EQ(xenpv_ring_req_check(2, 0, 0, 1), -EOVERFLOW);
}

static void check_rsp(void)
{
	/* 8 requests outstanding from rsp_cons 0. */
	CHECK_EQ(xenpv_ring_rsp_check(0, 0, 8, 32), 0);
	CHECK_EQ(xenpv_ring_rsp_check(8, 0, 8, 32), 8);
	CHECK_EQ(xenpv_ring_rsp_check(9, 0, 8, 32), -EOVERFLOW);
	CHECK_EQ(xenpv_ring_rsp_check(6, 3, 8, 32), 3);
	/* Response producer going backwards. */
	CHECK_EQ(xenpv_ring_rsp_check(2, 3, 8, 32), -EOVERFLOW);
	/* Full ring. */
	CHECK_EQ(xenpv_ring_rsp_check(32, 0, 32, 32), 32);
	/* Wrap-around. */
	CHECK_EQ(xenpv_ring_rsp_check(0x00000004, 0xfffffffc, 0x00000008, 32),
		 8);
	CHECK_EQ(xenpv_ring_rsp_check(0x00000009, 0xfffffffc, 0x00000008, 32),
		 -EOVERFLOW);
	CHECK_EQ(xenpv_ring_rsp_check(0xffffffff, 0xfffffffc, 0x00000008, 32),
		 3);
	CHECK_EQ(xenpv_ring_rsp_check(0xfffffffb, 0xfffffffc, 0x00000008, 32),
		 -EOVERFLOW);
	/* Inconsistent frontend indices or ring size. */
	CHECK_EQ(xenpv_ring_rsp_check(0, 0, 33, 32), -EINVAL);
	CHECK_EQ(xenpv_ring_rsp_check(0, 1, 0, 32), -EINVAL);
	CHECK_EQ(xenpv_ring_rsp_check(0, 0, 0, 3), -EINVAL);
	CHECK_EQ(xenpv_ring_rsp_check(0, 0, 0, 0), -EINVAL);
}

int main(void)
{
	check_entries();
	check_req();
	check_rsp();
	return check_done();
}
