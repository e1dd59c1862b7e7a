// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host microbenchmark of the ring and validator code in include/xenpv/:
 * "bench_validators CASE N" runs one case N times inside run_case(),
 * which "make bench" counts under valgrind --tool=callgrind
 * (--toggle-collect=run_case): instructions per request.
 * "bench_validators list" prints the cases.
 *
 * Each iteration is one request (or packet, or response) as a backend or
 * frontend sees it: the ring index check for the batch amortised over
 * the ring, then the validator of the copied entry.  Every entry is read
 * through a compiler barrier, so the checks cannot be hoisted out of the
 * loop (the drivers validate a fresh copy each time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenpv/ring.h>
#include <xenpv/blkif.h>
#include <xenpv/netif.h>

#define BARRIER(p)	__asm__ volatile("" : : "r"(p) : "memory")

static const struct xenpv_blk_limits lim = {
	.capacity = 1 << 21,
	.flush = true,
	.discard = true,
	.max_indirect_segments = 256,
};

static volatile long sink;

/* A read or write of @nseg full 4 KiB segments. */
static void blk_rw(struct blkif_request *r, u8 op, unsigned int nseg)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->operation = op;
	r->nr_segments = nseg;
	r->sector_number = 4096;
	for (i = 0; i < nseg; i++) {
		r->seg[i].gref = 100 + i;
		r->seg[i].first_sect = 0;
		r->seg[i].last_sect = 7;
	}
}

/* Backend: ring check per 32-request batch, then each request. */
static long blk_requests(long n, u8 op, unsigned int nseg)
{
	struct blkif_request r;
	RING_IDX cons = 0, rsp = 0;
	long i, acc = 0;
	int fresh;

	blk_rw(&r, op, nseg);
	for (i = 0; i < n; i++) {
		if (!(i & 31)) {
			fresh = xenpv_ring_req_check(cons + 32, cons, rsp, 32);
			acc += fresh;
		}
		BARRIER(&r);
		acc += xenpv_blkif_req_validate(&r, &lim);
		cons++;
		rsp++;
	}
	return acc;
}

/* Backend: an indirect read of 32 segments (one indirect page). */
static long blk_indirect(long n)
{
	union {
		struct blkif_request rw;
		struct blkif_request_indirect ind;
	} r;
	struct blkif_request_segment seg[32];
	long i, acc = 0;
	unsigned int s;

	memset(&r, 0, sizeof(r));
	r.ind.operation = BLKIF_OP_INDIRECT;
	r.ind.indirect_op = BLKIF_OP_READ;
	r.ind.nr_segments = 32;
	r.ind.sector_number = 8192;
	r.ind.indirect_grefs[0] = 7;
	for (s = 0; s < 32; s++) {
		seg[s].gref = 200 + s;
		seg[s].first_sect = 0;
		seg[s].last_sect = 7;
	}
	for (i = 0; i < n; i++) {
		BARRIER(&r);
		BARRIER(seg);
		acc += xenpv_blkif_req_validate(&r.rw, &lim);
		acc += xenpv_blkif_segs_validate(seg, 32, 8192, &lim);
	}
	return acc;
}

/* Frontend: a block response. */
static long blk_responses(long n)
{
	struct blkif_response rsp = { .id = 5, .operation = BLKIF_OP_READ,
				      .status = BLKIF_RSP_OKAY };
	static u8 pending[32];
	long i, acc = 0;

	memset(pending, BLKIF_OP_READ, sizeof(pending));

	for (i = 0; i < n; i++) {
		if (!(i & 31))
			acc += xenpv_ring_rsp_check(i + 32, i, i + 32, 32);
		BARRIER(&rsp);
		BARRIER(pending);
		acc += xenpv_blkif_rsp_validate(&rsp, 32, pending);
	}
	return acc;
}

/* Backend: a guest packet of @slots tx slots (1514 bytes in one, or a
 * 9000-byte packet over 3 slots). */
static long net_tx(long n, unsigned int slots)
{
	struct xen_netif_tx_request req[3];
	struct xenpv_netif_tx_pkt pkt = { 0 };
	long i, acc = 0;
	unsigned int s;

	memset(req, 0, sizeof(req));
	if (slots == 1) {
		req[0].size = 1514;
		req[0].offset = 64;
	} else {
		req[0].size = 9000;
		req[0].flags = XEN_NETTXF_more_data;
		req[1].size = 4096;
		req[1].flags = XEN_NETTXF_more_data;
		req[2].size = 9000 - 4096 - 4096;
		req[2].offset = 0;
		req[0].offset = 0;
		/* first slot carries 4096 bytes of its own */
	}
	for (i = 0; i < n; i++) {
		if (!(i & 255))
			acc += xenpv_ring_req_check(i + 256, i, i, 256);
		for (s = 0; s < slots; s++) {
			BARRIER(&req[s]);
			acc += xenpv_netif_tx_req_validate(&req[s], s == 0, &pkt, 18);
		}
	}
	return acc;
}

/* Frontend: an rx response, and a tx response. */
static long net_rx_rsp(long n)
{
	struct xen_netif_rx_response rsp = { .id = 17, .offset = 0, .status = 1514 };
	long i, acc = 0;

	for (i = 0; i < n; i++) {
		if (!(i & 255))
			acc += xenpv_ring_rsp_check(i + 256, i, i + 256, 256);
		BARRIER(&rsp);
		acc += xenpv_netif_rx_rsp_validate(&rsp, 256);
	}
	return acc;
}

static long net_tx_rsp(long n)
{
	struct xen_netif_tx_response rsp = { .id = 17, .status = XEN_NETIF_RSP_OKAY };
	static u8 pending[256];
	long i, acc = 0;

	memset(pending, 1, sizeof(pending));
	for (i = 0; i < n; i++) {
		BARRIER(&rsp);
		BARRIER(pending);
		acc += xenpv_netif_tx_rsp_validate(&rsp, 256, pending);
	}
	return acc;
}

static const struct {
	const char *name;
	const char *what;
} cases[] = {
	{ "blk-read-1seg", "blkback: 4 KiB read request (ring check + validate)" },
	{ "blk-read-11seg", "blkback: 44 KiB read request, 11 segments" },
	{ "blk-write-11seg", "blkback: 44 KiB write request, 11 segments" },
	{ "blk-indirect-32seg", "blkback: indirect read, 32 segments" },
	{ "blk-rsp", "blkfront: response (ring check + validate)" },
	{ "net-tx-1slot", "netback: 1514-byte packet, 1 tx slot" },
	{ "net-tx-3slot", "netback: 9000-byte packet, 3 tx slots" },
	{ "net-rx-rsp", "netfront: rx response" },
	{ "net-tx-rsp", "netfront: tx response" },
};

__attribute__((noinline)) long run_case(const char *c, long n)
{
	if (!strcmp(c, "blk-read-1seg"))
		return blk_requests(n, BLKIF_OP_READ, 1);
	if (!strcmp(c, "blk-read-11seg"))
		return blk_requests(n, BLKIF_OP_READ, 11);
	if (!strcmp(c, "blk-write-11seg"))
		return blk_requests(n, BLKIF_OP_WRITE, 11);
	if (!strcmp(c, "blk-indirect-32seg"))
		return blk_indirect(n);
	if (!strcmp(c, "blk-rsp"))
		return blk_responses(n);
	if (!strcmp(c, "net-tx-1slot"))
		return net_tx(n, 1);
	if (!strcmp(c, "net-tx-3slot"))
		return net_tx(n, 3);
	if (!strcmp(c, "net-rx-rsp"))
		return net_rx_rsp(n);
	if (!strcmp(c, "net-tx-rsp"))
		return net_tx_rsp(n);
	return -1;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			printf("%s\t%s\n", cases[i].name, cases[i].what);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: bench_validators list | CASE N\n");
		return 2;
	}
	sink = run_case(argv[1], atol(argv[2]));
	if (sink == -1) {
		fprintf(stderr, "unknown case %s\n", argv[1]);
		return 2;
	}
	printf("%s %ld -> %ld\n", argv[1], atol(argv[2]), (long)sink);
	return 0;
}
