// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for include/xenpv/netif.h. */
#include <string.h>
#include <xenpv/netif.h>
#include "check.h"

#define MORE	XEN_NETTXF_more_data
#define PAGE	((u32)XEN_PAGE_SIZE)

static struct netif_tx_request tx(u16 offset, u16 size, u16 flags)
{
	struct netif_tx_request r = {
		.gref = 1, .offset = offset, .flags = flags, .id = 0,
		.size = size,
	};

	return r;
}

/* Validate a packet of @n slots; the index of the first error or -1. */
static int packet(const struct netif_tx_request *slots, unsigned int n,
		  unsigned int max_slots, int *err,
		  struct xenpv_netif_tx_pkt *pkt)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		*err = xenpv_netif_tx_req_validate(&slots[i], i == 0, pkt,
						   max_slots);
		if (*err)
			return i;
	}
	return -1;
}

static void check_first_slot(void)
{
	struct xenpv_netif_tx_pkt pkt;
	struct netif_tx_request r;
	unsigned int f;

	r = tx(0, 60, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), 0);
	CHECK_EQ(pkt.total, 60);
	CHECK_EQ(pkt.slots, 1);
	/* Zero-length and runt packets (XSA-448 class). */
	r = tx(0, 0, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), -EINVAL);
	r = tx(0, 0, MORE);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), -EINVAL);
	r = tx(0, XENPV_NETIF_MIN_PKT_SIZE - 1, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), -EINVAL);
	r = tx(0, XENPV_NETIF_MIN_PKT_SIZE, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), 0);
	/* Within the page. */
	r = tx(PAGE - 60, 60, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), 0);
	r = tx(PAGE - 59, 60, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), -EPROTO);
	r = tx(0, PAGE, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), 0);
	r = tx(0, PAGE + 1, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), -EPROTO);
	r = tx(0xffff, 0xffff, 0);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), -EPROTO);
	/* A multi-slot packet may claim up to 64 KiB in total. */
	r = tx(0, 0xffff, MORE);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), 0);
	CHECK_EQ(XENPV_NETIF_MAX_PKT_SIZE, 0xffff);
	/* Flags: all known ones are fine, any other bit is refused. */
	r = tx(0, 60, XEN_NETTXF_csum_blank | XEN_NETTXF_data_validated |
		      XEN_NETTXF_extra_info);
	CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0), 0);
	for (f = 4; f < 16; f++) {
		r = tx(0, 60, 1U << f);
		CHECK_EQ(xenpv_netif_tx_req_validate(&r, true, &pkt, 0),
			 -EINVAL);
	}
}

static void check_multi_slot(void)
{
	struct netif_tx_request s[XENPV_NETIF_LEGACY_SLOTS_MAX + 4];
	struct xenpv_netif_tx_pkt pkt;
	unsigned int i;
	int err;

	/* 100 bytes: 60 in the first slot, 30 + 10 in two fragments. */
	s[0] = tx(100, 100, MORE);
	s[1] = tx(0, 30, MORE);
	s[2] = tx(PAGE - 10, 10, 0);
	CHECK_EQ(packet(s, 3, 0, &err, &pkt), -1);
	CHECK_EQ(pkt.first_left, 60);
	CHECK_EQ(pkt.slots, 3);
	/* A zero-size fragment is legal (and carries no data). */
	s[1] = tx(0, 0, MORE);
	s[2] = tx(0, 40, 0);
	CHECK_EQ(packet(s, 3, 0, &err, &pkt), -1);
	/* Fragment crossing the page. */
	s[1] = tx(PAGE - 29, 30, MORE);
	CHECK_EQ(packet(s, 3, 0, &err, &pkt), 1);
	CHECK_EQ(err, -EPROTO);
	/* Fragment bigger than what is left of the packet. */
	s[1] = tx(0, 87, MORE);
	CHECK_EQ(packet(s, 3, 0, &err, &pkt), 2);
	CHECK_EQ(err, -EINVAL);
	s[1] = tx(0, 101, 0);
	CHECK_EQ(packet(s, 2, 0, &err, &pkt), 1);
	CHECK_EQ(err, -EINVAL);
	/* Fragments leave less than a header for the first slot. */
	s[1] = tx(0, 87, 0);
	CHECK_EQ(packet(s, 2, 0, &err, &pkt), 1);
	CHECK_EQ(err, -EINVAL);
	s[1] = tx(0, 86, 0);
	CHECK_EQ(packet(s, 2, 0, &err, &pkt), -1);
	/* First slot's own data crossing its page, seen at the last slot. */
	s[0] = tx(PAGE - 50, 100, MORE);
	s[1] = tx(0, 49, 0);
	CHECK_EQ(packet(s, 2, 0, &err, &pkt), 1);
	CHECK_EQ(err, -EPROTO);
	s[1] = tx(0, 50, 0);
	CHECK_EQ(packet(s, 2, 0, &err, &pkt), -1);
	/* 64 KiB GSO packet over 17 slots. */
	s[0] = tx(0, 0xffff, MORE);
	for (i = 1; i < 17; i++)
		s[i] = tx(0, 0xffff / 17, i == 16 ? 0 : MORE);
	CHECK_EQ(packet(s, 17, 0, &err, &pkt), -1);
	CHECK_EQ(pkt.first_left, 0xffff - 16 * (0xffff / 17));
	/* Extra info is only flagged on the first slot. */
	s[0] = tx(0, 100, MORE | XEN_NETTXF_extra_info);
	s[1] = tx(0, 40, XEN_NETTXF_extra_info);
	CHECK_EQ(packet(s, 2, 0, &err, &pkt), 1);
	CHECK_EQ(err, -EINVAL);
	s[1] = tx(0, 40, XEN_NETTXF_csum_blank);
	CHECK_EQ(packet(s, 2, 0, &err, &pkt), -1);
	s[1] = tx(0, 40, 0x100);
	CHECK_EQ(packet(s, 2, 0, &err, &pkt), 1);
	CHECK_EQ(err, -EINVAL);
}

static void check_slot_limit(void)
{
	struct netif_tx_request s[32];
	struct xenpv_netif_tx_pkt pkt;
	unsigned int i, n;
	int err;

	for (n = 18; n <= 21; n++) {
		s[0] = tx(0, 1000, MORE);
		for (i = 1; i < n; i++)
			s[i] = tx(0, 1, i == n - 1 ? 0 : MORE);
		/* Limits below the legacy 18 slots are raised to 18. */
		CHECK_EQ(packet(s, n, 0, &err, &pkt), n <= 18 ? -1 : 18);
		CHECK_EQ(packet(s, n, 18, &err, &pkt), n <= 18 ? -1 : 18);
		CHECK_EQ(packet(s, n, 20, &err, &pkt), n <= 20 ? -1 : 20);
		if (n > 20)
			CHECK_EQ(err, -E2BIG);
	}
	CHECK_EQ(XENPV_NETIF_LEGACY_SLOTS_MAX, 18);
}

static void check_extra(void)
{
	struct netif_extra_info e;
	u32 seen = 0;

	memset(&e, 0, sizeof(e));
	e.type = XEN_NETIF_EXTRA_TYPE_GSO;
	e.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	e.u.gso.size = 1448;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), 0);
	CHECK_EQ(seen, 1U << XEN_NETIF_EXTRA_TYPE_GSO);
	/* The same type twice in one packet. */
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	seen = 0;
	e.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;
	e.flags = XEN_NETIF_EXTRA_FLAG_MORE;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), 0);
	seen = 0;
	e.flags = 0x02;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	e.flags = 0;
	e.u.gso.type = XEN_NETIF_GSO_TYPE_NONE;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	e.u.gso.type = 3;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	e.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	e.u.gso.size = 0;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	e.u.gso.size = XENPV_NETIF_MAX_PKT_SIZE;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), 0);
	seen = 0;
	e.u.gso.features = 1;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	CHECK_EQ(seen, 0);
	/* Types. */
	e.type = XEN_NETIF_EXTRA_TYPE_NONE;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	e.type = XEN_NETIF_EXTRA_TYPE_MAX;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	e.type = 0xff;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), -EINVAL);
	e.type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), 0);
	e.type = XEN_NETIF_EXTRA_TYPE_MCAST_DEL;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), 0);
	e.type = XEN_NETIF_EXTRA_TYPE_HASH;
	CHECK_EQ(xenpv_netif_extra_validate(&e, &seen), 0);
	CHECK_EQ(seen, (1U << XEN_NETIF_EXTRA_TYPE_MCAST_ADD) |
		       (1U << XEN_NETIF_EXTRA_TYPE_MCAST_DEL) |
		       (1U << XEN_NETIF_EXTRA_TYPE_HASH));
}

static void check_rx_rsp(void)
{
	struct netif_rx_response r = { .id = 0, .offset = 0, .status = 1500 };

	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), 0);
	r.status = 0;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), 0);
	r.status = PAGE;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), 0);
	r.status = PAGE + 1;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), -EINVAL);
	r.status = 0x7fff;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), -EINVAL);
	r.offset = 96;
	r.status = PAGE - 96;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), 0);
	r.status = PAGE - 95;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), -EINVAL);
	r.offset = 0xffff;
	r.status = 1;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), -EINVAL);
	/* Errors are reported whatever the offset. */
	r.status = NETIF_RSP_ERROR;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), 0);
	r.status = NETIF_RSP_DROPPED;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), 0);
	r.status = -32768;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), 0);
	/* Ids. */
	r.status = 0;
	r.offset = 0;
	r.id = 255;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), 0);
	r.id = 256;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), -ERANGE);
	r.id = 0xffff;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 256), -ERANGE);
	r.id = 0;
	CHECK_EQ(xenpv_netif_rx_rsp_validate(&r, 0), -ERANGE);
}

static void check_tx_linear(void)
{
	unsigned int nf, nf_max = 0;
	u32 total, lin, bad = 0;

	CHECK_EQ(xenpv_netif_tx_linear(0, PAGE, &nf), 0);
	CHECK_EQ(nf, 0);
	CHECK_EQ(xenpv_netif_tx_linear(13, PAGE, &nf), 0);
	CHECK_EQ(xenpv_netif_tx_linear(0x10000, PAGE, &nf), 0);
	CHECK_EQ(xenpv_netif_tx_linear(60, 0, &nf), 0);
	CHECK_EQ(xenpv_netif_tx_linear(14, PAGE, &nf), 14);
	CHECK_EQ(nf, 0);
	CHECK_EQ(xenpv_netif_tx_linear(256, PAGE, &nf), 256);
	CHECK_EQ(nf, 0);
	CHECK_EQ(xenpv_netif_tx_linear(257, PAGE, &nf), 128);
	CHECK_EQ(nf, 1);
	CHECK_EQ(xenpv_netif_tx_linear(128 + PAGE, PAGE, &nf), 128);
	CHECK_EQ(nf, 1);
	CHECK_EQ(xenpv_netif_tx_linear(129 + PAGE, PAGE, &nf), 128);
	CHECK_EQ(nf, 2);
	for (total = 14; total <= 0xffff; total++) {
		lin = xenpv_netif_tx_linear(total, PAGE, &nf);
		/* The header is linear; every fragment carries data. */
		if (lin < (total < 128 ? total : 128) || lin > total ||
		    (u64)nf * PAGE < total - lin ||
		    (nf && (u64)(nf - 1) * PAGE >= total - lin))
			bad = total;
		if (nf > nf_max)
			nf_max = nf;
	}
	CHECK_EQ(bad, 0);
	/* A 64 KiB packet fits the 17 fragments of every Linux skb. */
	CHECK_EQ(nf_max, 16);
}

static void check_tx_rsp(void)
{
	u8 pending[256] = { 0 };
	struct netif_tx_response r = { .id = 3, .status = NETIF_RSP_OKAY };

	/* Not outstanding. */
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), -EINVAL);
	pending[3] = 1;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), 0);
	r.status = NETIF_RSP_ERROR;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), 0);
	r.status = NETIF_RSP_DROPPED;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), 0);
	/* Unknown status values. */
	r.status = 2;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), -EINVAL);
	r.status = -3;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), -EINVAL);
	r.status = -32768;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), -EINVAL);
	/* NULL (extra-info slot) is skipped whatever its id says. */
	r.status = NETIF_RSP_NULL;
	r.id = 0xffff;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending),
		 XENPV_NETIF_RSP_SKIP);
	/* Ids out of range. */
	r.status = NETIF_RSP_OKAY;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), -ERANGE);
	r.id = 256;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), -ERANGE);
	r.id = 255;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), -EINVAL);
	pending[255] = 1;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 256, pending), 0);
	r.id = 0;
	CHECK_EQ(xenpv_netif_tx_rsp_validate(&r, 0, pending), -ERANGE);
}

static void check_rx_slot(void)
{
	u8 posted[256];
	struct netif_rx_response r = { .id = 5, .offset = 0, .status = 100 };

	memset(posted, 1, sizeof(posted));
	/* The id posted at index i is i & 255, also across the wrap. */
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 5, 256, posted), 0);
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 256 + 5, 256, posted), 0);
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 0xffffff05u, 256, posted), 0);
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 6, 256, posted), -EINVAL);
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 4, 256, posted), -EINVAL);
	/* Not posted. */
	posted[5] = 0;
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 5, 256, posted), -EINVAL);
	posted[5] = 1;
	/* Errors still need the right id. */
	r.status = NETIF_RSP_ERROR;
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 5, 256, posted), 0);
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 7, 256, posted), -EINVAL);
	/* Data past the page. */
	r.status = 4000;
	r.offset = 97;
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 5, 256, posted), -EINVAL);
	r.offset = 96;
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 5, 256, posted), 0);
	/* Ids out of range and bad ring sizes. */
	r.id = 300;
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 300, 256, posted), -ERANGE);
	r.id = 5;
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 5, 0, posted), -ERANGE);
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 5, 255, posted), -ERANGE);
	CHECK_EQ(xenpv_netif_rx_slot_validate(&r, 5, 8, posted), 0);
}

int main(void)
{
	check_first_slot();
	check_multi_slot();
	check_slot_limit();
	check_extra();
	check_rx_rsp();
	check_tx_linear();
	check_tx_rsp();
	check_rx_slot();
	return check_done();
}
