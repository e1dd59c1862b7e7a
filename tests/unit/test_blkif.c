// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for include/xenpv/blkif.h. */
#include <stdio.h>
#include <string.h>
#include <xenpv/blkif.h>
#include "check.h"

/* The public headers' per-operation layouts of one ring request. */
union req {
	struct blkif_request rw;
	struct blkif_request_discard discard;
	struct blkif_request_indirect ind;
};

static const struct xenpv_blk_limits lim = {
	.capacity = 1000,
	.flush = true,
	.barrier = true,
	.discard = true,
	.max_indirect_segments = 32,
};

/* A request of @nseg full 4 KiB segments (8 sectors each). */
static union req rw(u8 op, u64 sector, unsigned int nseg)
{
	union req r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.rw.operation = op;
	r.rw.nr_segments = nseg;
	r.rw.sector_number = sector;
	for (i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
		r.rw.seg[i].gref = i + 1;
		r.rw.seg[i].first_sect = 0;
		r.rw.seg[i].last_sect = 7;
	}
	return r;
}

static union req discard(u64 sector, u64 nr, u8 flag)
{
	union req r;

	memset(&r, 0, sizeof(r));
	r.discard.operation = BLKIF_OP_DISCARD;
	r.discard.flag = flag;
	r.discard.sector_number = sector;
	r.discard.nr_sectors = nr;
	return r;
}

static union req indirect(u8 op, u64 sector, unsigned int nseg)
{
	union req r;

	memset(&r, 0, sizeof(r));
	r.ind.operation = BLKIF_OP_INDIRECT;
	r.ind.indirect_op = op;
	r.ind.nr_segments = nseg;
	r.ind.sector_number = sector;
	return r;
}

static int validate(union req r, const struct xenpv_blk_limits *l)
{
	return xenpv_blkif_req_validate(&r.rw, l);
}

static void check_layout(void)
{
	/* The kernel's union layout puts these fields at the same offsets. */
	CHECK_EQ(offsetof(struct blkif_request, nr_segments), 1);
	CHECK_EQ(offsetof(struct blkif_request, id), 8);
	CHECK_EQ(offsetof(struct blkif_request, seg), 24);
	CHECK_EQ(sizeof(struct blkif_request), 112);
	CHECK_EQ(offsetof(struct blkif_request_discard, nr_sectors), 24);
	CHECK_EQ(offsetof(struct blkif_request_indirect, nr_segments), 2);
	CHECK_EQ(offsetof(struct blkif_request_indirect, indirect_grefs), 28);
	CHECK_EQ(XENPV_BLK_SEGS_PER_INDIRECT_PAGE, 512);
	CHECK(XENPV_BLK_MAX_INDIRECT_SEGMENTS <= XENPV_BLK_INDIRECT_SEGS_LIMIT);
	CHECK_EQ(XENPV_BLK_INDIRECT_SEGS_LIMIT, 4096);
	CHECK_EQ(xenpv_blkif_indirect_pages(1), 1);
	CHECK_EQ(xenpv_blkif_indirect_pages(512), 1);
	CHECK_EQ(xenpv_blkif_indirect_pages(513), 2);
	CHECK_EQ(xenpv_blkif_indirect_pages(4096), 8);

	/* x86_32-abi: 64-bit fields 4-byte aligned (i386 psABI). */
	CHECK_EQ(sizeof(struct xenpv_blkif_x86_32_request), 108);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.rw.nr_segments), 1);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.rw.handle), 2);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.rw.id), 4);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.rw.sector_number), 12);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.rw.seg), 20);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.discard.id), 4);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.discard.nr_sectors), 20);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.other.id), 4);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.indirect.nr_segments), 2);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.indirect.sector_number), 12);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_request, u.indirect.indirect_grefs), 24);
	CHECK_EQ(sizeof(struct xenpv_blkif_x86_32_response), 12);
	CHECK_EQ(offsetof(struct xenpv_blkif_x86_32_response, status), 10);
	CHECK_EQ(sizeof(union xenpv_blkif_x86_32_sring_entry), 108);
	/* One page holds 32 requests in either layout. */
	CHECK_EQ((4096 - 64) / sizeof(union xenpv_blkif_x86_32_sring_entry), 37);
}

static void check_segments(void)
{
	struct blkif_request_segment s = { .gref = 1 };
	unsigned int f, l, bad = 0;
	int want;

	/* All 65536 combinations, counted as one check. */
	for (f = 0; f < 256; f++) {
		for (l = 0; l < 256; l++) {
			s.first_sect = f;
			s.last_sect = l;
			want = (f <= l && l <= 7) ? (int)(l - f + 1) : -EINVAL;
			if (xenpv_blkif_seg_validate(&s) != want) {
				printf("  seg %u..%u\n", f, l);
				bad++;
			}
		}
	}
	CHECK_EQ(bad, 0);
	s.first_sect = 0;
	s.last_sect = 7;
	CHECK_EQ(xenpv_blkif_seg_validate(&s), 8);
	s.first_sect = 3;
	s.last_sect = 3;
	CHECK_EQ(xenpv_blkif_seg_validate(&s), 1);
	s.first_sect = 4;
	s.last_sect = 3;
	CHECK_EQ(xenpv_blkif_seg_validate(&s), -EINVAL);
	s.first_sect = 0;
	s.last_sect = 8;
	CHECK_EQ(xenpv_blkif_seg_validate(&s), -EINVAL);
}

static void check_range(void)
{
	CHECK(xenpv_blkif_range_ok(0, 0, 0));
	CHECK(xenpv_blkif_range_ok(0, 1000, 1000));
	CHECK(xenpv_blkif_range_ok(1000, 0, 1000));
	CHECK(!xenpv_blkif_range_ok(1001, 0, 1000));
	CHECK(!xenpv_blkif_range_ok(1, 1000, 1000));
	CHECK(!xenpv_blkif_range_ok(~0ULL, 2, ~0ULL));
	CHECK(!xenpv_blkif_range_ok(2, ~0ULL, ~0ULL));
	CHECK(xenpv_blkif_range_ok(1, ~0ULL - 1, ~0ULL));
}

static void check_rw(void)
{
	struct xenpv_blk_limits ro = lim;
	union req r;
	unsigned int n;

	ro.readonly = true;
	for (n = 1; n <= BLKIF_MAX_SEGMENTS_PER_REQUEST; n++) {
		CHECK_EQ(validate(rw(BLKIF_OP_READ, 0, n), &lim), 0);
		CHECK_EQ(validate(rw(BLKIF_OP_WRITE, 0, n), &lim), 0);
	}
	CHECK_EQ(validate(rw(BLKIF_OP_READ, 0, 0), &lim), -EINVAL);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE, 0, 0), &lim), -EINVAL);
	CHECK_EQ(validate(rw(BLKIF_OP_READ, 0, 12), &lim), -EINVAL);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE, 0, 255), &lim), -EINVAL);

	/* Bad segment anywhere in the request. */
	r = rw(BLKIF_OP_READ, 0, 11);
	r.rw.seg[10].first_sect = 5;
	r.rw.seg[10].last_sect = 4;
	CHECK_EQ(validate(r, &lim), -EINVAL);
	r = rw(BLKIF_OP_WRITE, 0, 2);
	r.rw.seg[1].last_sect = 8;
	CHECK_EQ(validate(r, &lim), -EINVAL);
	/* ... but segments past nr_segments are not looked at. */
	r = rw(BLKIF_OP_READ, 0, 1);
	r.rw.seg[1].last_sect = 200;
	CHECK_EQ(validate(r, &lim), 0);

	/* Capacity: 11 full segments = 88 sectors. */
	CHECK_EQ(validate(rw(BLKIF_OP_READ, 912, 11), &lim), 0);
	CHECK_EQ(validate(rw(BLKIF_OP_READ, 913, 11), &lim), -ERANGE);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE, 992, 1), &lim), 0);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE, 993, 1), &lim), -ERANGE);
	CHECK_EQ(validate(rw(BLKIF_OP_READ, 1000, 1), &lim), -ERANGE);
	CHECK_EQ(validate(rw(BLKIF_OP_READ, ~0ULL - 3, 1), &lim), -ERANGE);
	CHECK_EQ(validate(rw(BLKIF_OP_READ, ~0ULL, 11), &lim), -ERANGE);
	/* Partial segments count only their sectors. */
	r = rw(BLKIF_OP_READ, 999, 1);
	r.rw.seg[0].first_sect = 7;
	CHECK_EQ(validate(r, &lim), 0);
	r.rw.seg[0].first_sect = 6;
	CHECK_EQ(validate(r, &lim), -ERANGE);

	/* Read-only vbd. */
	CHECK_EQ(validate(rw(BLKIF_OP_READ, 0, 1), &ro), 0);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE, 0, 1), &ro), -EROFS);
}

static void check_flush(void)
{
	struct xenpv_blk_limits l = lim;
	unsigned int n;

	for (n = 0; n <= BLKIF_MAX_SEGMENTS_PER_REQUEST; n++) {
		CHECK_EQ(validate(rw(BLKIF_OP_FLUSH_DISKCACHE, 0, n), &lim), 0);
		CHECK_EQ(validate(rw(BLKIF_OP_WRITE_BARRIER, 0, n), &lim), 0);
	}
	CHECK_EQ(validate(rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 12), &lim), -EINVAL);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE_BARRIER, 0, 12), &lim), -EINVAL);
	/* Without data the sector number is not used. */
	CHECK_EQ(validate(rw(BLKIF_OP_FLUSH_DISKCACHE, ~0ULL, 0), &lim), 0);
	CHECK_EQ(validate(rw(BLKIF_OP_FLUSH_DISKCACHE, 993, 1), &lim), -ERANGE);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE_BARRIER, 993, 1), &lim), -ERANGE);
	/* Only when advertised. */
	l.flush = false;
	CHECK_EQ(validate(rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0), &l), -EOPNOTSUPP);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE_BARRIER, 0, 0), &l), 0);
	l = lim;
	l.barrier = false;
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE_BARRIER, 0, 0), &l), -EOPNOTSUPP);
	CHECK_EQ(validate(rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0), &l), 0);
	l = lim;
	l.readonly = true;
	CHECK_EQ(validate(rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0), &l), -EROFS);
	CHECK_EQ(validate(rw(BLKIF_OP_WRITE_BARRIER, 0, 1), &l), -EROFS);
}

static void check_discard(void)
{
	struct xenpv_blk_limits l = lim;

	CHECK_EQ(validate(discard(0, 1000, 0), &lim), 0);
	CHECK_EQ(validate(discard(999, 1, BLKIF_DISCARD_SECURE), &lim), 0);
	CHECK_EQ(validate(discard(1000, 0, 0), &lim), 0);
	CHECK_EQ(validate(discard(999, 2, 0), &lim), -ERANGE);
	CHECK_EQ(validate(discard(1001, 0, 0), &lim), -ERANGE);
	CHECK_EQ(validate(discard(1, ~0ULL, 0), &lim), -ERANGE);
	CHECK_EQ(validate(discard(~0ULL, 1, 0), &lim), -ERANGE);
	CHECK_EQ(validate(discard(0, 1, 0x02), &lim), -EINVAL);
	CHECK_EQ(validate(discard(0, 1, 0x80), &lim), -EINVAL);
	l.discard = false;
	CHECK_EQ(validate(discard(0, 1, 0), &l), -EOPNOTSUPP);
	l = lim;
	l.readonly = true;
	CHECK_EQ(validate(discard(0, 1, 0), &l), -EROFS);
}

static void check_indirect(void)
{
	struct xenpv_blk_limits l = lim;

	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 1), &lim), 0);
	CHECK_EQ(validate(indirect(BLKIF_OP_WRITE, 0, 32), &lim), 0);
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 0), &lim), -EINVAL);
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 33), &lim), -EINVAL);
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 0xffff), &lim), -EINVAL);
	CHECK_EQ(validate(indirect(BLKIF_OP_FLUSH_DISKCACHE, 0, 1), &lim),
		 -EINVAL);
	CHECK_EQ(validate(indirect(BLKIF_OP_DISCARD, 0, 1), &lim), -EINVAL);
	CHECK_EQ(validate(indirect(BLKIF_OP_INDIRECT, 0, 1), &lim), -EINVAL);
	/* At least one sector per segment must fit. */
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 968, 32), &lim), 0);
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 969, 32), &lim), -ERANGE);
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, ~0ULL, 1), &lim), -ERANGE);
	/* Pages: the advertised maximum is capped by the 8-page layout. */
	l.max_indirect_segments = 100000;
	l.capacity = ~0ULL;
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 4096), &l), 0);
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 4097), &l), -EINVAL);
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 0xffff), &l), -EINVAL);
	l.max_indirect_segments = XENPV_BLK_MAX_INDIRECT_SEGMENTS;
	CHECK_EQ(validate(indirect(BLKIF_OP_WRITE, 0, 256), &l), 0);
	CHECK_EQ(validate(indirect(BLKIF_OP_WRITE, 0, 257), &l), -EINVAL);
	/* Not advertised, read-only. */
	l = lim;
	l.max_indirect_segments = 0;
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 1), &l), -EOPNOTSUPP);
	l = lim;
	l.readonly = true;
	CHECK_EQ(validate(indirect(BLKIF_OP_READ, 0, 1), &l), 0);
	CHECK_EQ(validate(indirect(BLKIF_OP_WRITE, 0, 1), &l), -EROFS);
}

/* Segment lists (inline or copied out of indirect pages). */
static void check_seg_list(void)
{
	struct blkif_request_segment seg[4] = {
		{ .gref = 1, .first_sect = 0, .last_sect = 7 },
		{ .gref = 2, .first_sect = 0, .last_sect = 7 },
		{ .gref = 3, .first_sect = 2, .last_sect = 5 },
		{ .gref = 4, .first_sect = 7, .last_sect = 7 },
	};
	struct xenpv_blk_limits l = lim;
	union req r;

	CHECK_EQ(xenpv_blkif_segs_validate(seg, 4, 0, &l), 21);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 1, 0, &l), 8);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 0, 0, &l), -EINVAL);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 4097, 0, &l), -EINVAL);
	/* Range: the sum of all segments, without overflow. */
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 4, 979, &l), 21);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 4, 980, &l), -ERANGE);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 4, ~0ULL - 3, &l), -ERANGE);
	/* One bad segment anywhere spoils the list. */
	seg[3].last_sect = 8;
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 4, 0, &l), -EINVAL);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 3, 0, &l), 20);
	seg[3].last_sect = 7;
	seg[1].first_sect = 6;
	seg[1].last_sect = 5;
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 4, 0, &l), -EINVAL);
	seg[1].first_sect = 0;
	seg[1].last_sect = 7;

	/* 4 KiB logical blocks: whole pages at 8-sector boundaries only. */
	l.sector_size = 4096;
	l.capacity = 4096;
	CHECK_EQ(xenpv_blkif_lbs_mask(&l), 7);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 2, 0, &l), 16);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 2, 8, &l), 16);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 2, 4, &l), -EINVAL);
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 3, 0, &l), -EINVAL);
	CHECK_EQ(xenpv_blkif_segs_validate(&seg[3], 1, 0, &l), -EINVAL);
	/* 1 KiB blocks: even sector boundaries. */
	l.sector_size = 1024;
	CHECK_EQ(xenpv_blkif_lbs_mask(&l), 1);
	seg[2].first_sect = 2;
	seg[2].last_sect = 5;
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 3, 2, &l), 20);
	seg[2].last_sect = 4;
	CHECK_EQ(xenpv_blkif_segs_validate(seg, 3, 2, &l), -EINVAL);
	/* Unusable sizes count as 512: no alignment. */
	l.sector_size = 0;
	CHECK_EQ(xenpv_blkif_lbs_mask(&l), 0);
	l.sector_size = 3000;
	CHECK_EQ(xenpv_blkif_lbs_mask(&l), 0);
	l.sector_size = 8192;
	CHECK_EQ(xenpv_blkif_lbs_mask(&l), 0);

	/* The inline path applies the same alignment rule. */
	l.sector_size = 4096;
	CHECK_EQ(validate(rw(BLKIF_OP_READ, 8, 2), &l), 0);
	CHECK_EQ(validate(rw(BLKIF_OP_READ, 9, 2), &l), -EINVAL);
	r = rw(BLKIF_OP_WRITE, 0, 1);
	r.rw.seg[0].last_sect = 3;
	CHECK_EQ(validate(r, &l), -EINVAL);
	CHECK_EQ(validate(r, &lim), 0);
	/* A flush without data has no sectors to align. */
	CHECK_EQ(validate(rw(BLKIF_OP_FLUSH_DISKCACHE, 3, 0), &l), 0);
}

static void check_ops(void)
{
	unsigned int op, bad = 0;

	CHECK_EQ(validate(rw(BLKIF_OP_RESERVED_1, 0, 1), &lim), -EOPNOTSUPP);
	for (op = 7; op < 256; op++) {
		if (validate(rw(op, 0, 1), &lim) != -EOPNOTSUPP) {
			printf("  operation %u accepted\n", op);
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(validate(rw(255, 0, 1), &lim), -EOPNOTSUPP);
}

static void check_rsp(void)
{
	/* Id 1 is an indirect write: the frontend records the inner op. */
	u8 pending[4] = { BLKIF_OP_READ, BLKIF_OP_WRITE, XENPV_BLKIF_OP_NONE,
			  BLKIF_OP_FLUSH_DISKCACHE };
	struct blkif_response rsp = { .id = 0, .operation = BLKIF_OP_READ };

	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), 0);
	rsp.status = BLKIF_RSP_ERROR;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), 0);
	rsp.status = BLKIF_RSP_EOPNOTSUPP;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), 0);
	rsp.status = -3;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -EINVAL);
	rsp.status = 1;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -EINVAL);
	rsp.status = 0x7fff;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -EINVAL);
	rsp.status = BLKIF_RSP_OKAY;
	/* Operation must echo the request's. */
	rsp.operation = BLKIF_OP_WRITE;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -EINVAL);
	/*
	 * An indirect request is answered with its inner op (Linux's
	 * blkback and ours); echoing BLKIF_OP_INDIRECT is refused, as by
	 * Linux's blkfront.
	 */
	rsp.id = 1;
	rsp.operation = BLKIF_OP_WRITE;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), 0);
	rsp.operation = BLKIF_OP_INDIRECT;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -EINVAL);
	rsp.operation = BLKIF_OP_READ;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -EINVAL);
	/* Id not outstanding, even with an operation of 0xff. */
	rsp.id = 2;
	rsp.operation = BLKIF_OP_READ;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -EINVAL);
	rsp.operation = XENPV_BLKIF_OP_NONE;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -EINVAL);
	rsp.id = 3;
	rsp.operation = BLKIF_OP_FLUSH_DISKCACHE;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), 0);
	/* Id out of range. */
	rsp.id = 4;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -ERANGE);
	rsp.id = ~0ULL;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -ERANGE);
	rsp.id = 1ULL << 32;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 4, pending), -ERANGE);
	rsp.id = 0;
	CHECK_EQ(xenpv_blkif_rsp_validate(&rsp, 0, pending), -ERANGE);
}

/* Translate @vdev and check where it lands and the name it gets. */
static void vdev_is(u32 vdev, const char *name, unsigned int first_minor,
		    unsigned int nr_minors, bool emulated)
{
	struct xenpv_vdev v;
	char buf[32];

	memset(&v, 0xa5, sizeof(v));
	CHECK_EQ(xenpv_vdev_translate(vdev, &v), 0);
	CHECK_EQ(v.first_minor, first_minor);
	CHECK_EQ(v.nr_minors, nr_minors);
	CHECK_EQ(v.emulated, emulated);
	CHECK_EQ(xenpv_vdev_name(&v, buf, sizeof(buf)), strlen(name));
	if (strcmp(buf, name))
		printf("vdev %#x: got %s, want %s\n", vdev, buf, name);
	CHECK(!strcmp(buf, name));
}

static void check_vdev(void)
{
	struct xenpv_vdev v = { .disk = 0 };
	char buf[8];

	/* xvd: 202 << 8 | disk << 4 | part (xl: vdev=xvda is 51712). */
	vdev_is(51712, "xvda", 0, 16, false);
	vdev_is(202 << 8 | 1 << 4, "xvdb", 16, 16, false);
	vdev_is(202 << 8 | 3, "xvda3", 3, 1, false);
	vdev_is(202 << 8 | 15 << 4 | 15, "xvdp15", 255, 1, false);
	/* Extended: xl writes disks from xvdq (16) on in this form. */
	vdev_is(XENPV_VDEV_EXT | 16 << 8, "xvdq", 16 << 8, 256, false);
	vdev_is(XENPV_VDEV_EXT | 26 << 8, "xvdaa", 26 << 8, 256, false);
	vdev_is(XENPV_VDEV_EXT | 26 << 8 | 17, "xvdaa17", (26 << 8) + 17, 1,
		false);
	vdev_is(XENPV_VDEV_EXT | 701 << 8, "xvdzz", 701 << 8, 256, false);
	vdev_is(XENPV_VDEV_EXT | 702 << 8, "xvdaaa", 702 << 8, 256, false);
	vdev_is(XENPV_VDEV_EXT | 0, "xvda", 0, 256, false);
	vdev_is(XENPV_VDEV_EXT | 4095 << 8 | 255, "xvdfan255", 0xfffff, 1,
		false);
	/* hd: 3 << 8 | disk << 6 | part, 22 << 8 for hdc/hdd. */
	vdev_is(3 << 8, "xvda", 0, 16, true);			/* hda */
	vdev_is(3 << 8 | 64, "xvdb", 16, 16, true);		/* hdb */
	vdev_is(22 << 8, "xvdc", 32, 16, true);			/* hdc */
	vdev_is(22 << 8 | 64, "xvdd", 48, 16, true);		/* hdd */
	/* Linux drops an IDE partition: hda1 and hdc5 are whole disks. */
	vdev_is(3 << 8 | 1, "xvda", 0, 16, true);
	vdev_is(22 << 8 | 5, "xvdc", 32, 16, true);
	/* sd: 8 << 8 | disk << 4 | part, partitions kept. */
	vdev_is(8 << 8, "xvda", 0, 16, true);			/* sda */
	vdev_is(8 << 8 | 16, "xvdb", 16, 16, true);		/* sdb */
	vdev_is(8 << 8 | 17, "xvdb1", 17, 1, true);		/* sdb1 */
	vdev_is(8 << 8 | 15 << 4, "xvdp", 240, 16, true);	/* sdp */
	/* Linux's further SCSI majors: 65 is sdq.., 128 is sddy... */
	vdev_is(65 << 8, "xvdq", 256, 16, true);
	vdev_is(71 << 8 | 15 << 4, "xvddx", (7 << 8) + 240, 16, true);
	vdev_is(128 << 8, "xvddy", 8 << 8, 16, true);
	vdev_is(135 << 8 | 15 << 4 | 2, "xvdiv2", (15 << 8) + 242, 1, true);

	/* Not xvd, hd or sd: other majors, and majors past 8 bits. */
	memset(&v, 0, sizeof(v));
	CHECK_EQ(xenpv_vdev_translate(4 << 8, &v), -ENODEV);
	CHECK_EQ(xenpv_vdev_translate(64 << 8, &v), -ENODEV);
	CHECK_EQ(xenpv_vdev_translate(72 << 8, &v), -ENODEV);
	CHECK_EQ(xenpv_vdev_translate(127 << 8, &v), -ENODEV);
	CHECK_EQ(xenpv_vdev_translate(136 << 8, &v), -ENODEV);
	CHECK_EQ(xenpv_vdev_translate(203 << 8, &v), -ENODEV);
	CHECK_EQ(xenpv_vdev_translate(0, &v), -ENODEV);
	CHECK_EQ(xenpv_vdev_translate(3, &v), -ENODEV);
	CHECK_EQ(xenpv_vdev_translate((202 << 8) + (1 << 16), &v), -ENODEV);
	/* Out of range: reserved (2 << 28 on), minor past 20 bits. */
	CHECK_EQ(xenpv_vdev_translate(2U << 28, &v), -ERANGE);
	CHECK_EQ(xenpv_vdev_translate(~0U, &v), -ERANGE);
	CHECK_EQ(xenpv_vdev_translate(XENPV_VDEV_EXT | 1 << 20, &v), -ERANGE);
	CHECK_EQ(xenpv_vdev_translate(XENPV_VDEV_EXT | 4096 << 8, &v),
		 -ERANGE);
	/* A refused number leaves the result alone. */
	CHECK_EQ(v.nr_minors, 0);

	/* The name must fit, with its NUL. */
	v.disk = 26;
	v.part = 0;
	CHECK_EQ(xenpv_vdev_name(&v, buf, 6), 5);
	CHECK(!strcmp(buf, "xvdaa"));
	CHECK_EQ(xenpv_vdev_name(&v, buf, 5), -ENOSPC);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(xenpv_vdev_name(&v, buf, 0), -ENOSPC);
}

/* What a frontend takes from the backend's keys and its own parameters. */
static void check_front_negotiation(void)
{
	struct xenpv_blk_discard d;

	/* Indirect: only above 11 on both sides, capped by 8 pages. */
	CHECK_EQ(xenpv_blkif_front_segs(0, 32), BLKIF_MAX_SEGMENTS_PER_REQUEST);
	CHECK_EQ(xenpv_blkif_front_segs(256, 0), BLKIF_MAX_SEGMENTS_PER_REQUEST);
	CHECK_EQ(xenpv_blkif_front_segs(256, 11), BLKIF_MAX_SEGMENTS_PER_REQUEST);
	CHECK_EQ(xenpv_blkif_front_segs(11, 256), BLKIF_MAX_SEGMENTS_PER_REQUEST);
	CHECK_EQ(xenpv_blkif_front_segs(8, 32), BLKIF_MAX_SEGMENTS_PER_REQUEST);
	CHECK_EQ(xenpv_blkif_front_segs(12, 32), 12);
	CHECK_EQ(xenpv_blkif_front_segs(256, 32), 32);
	CHECK_EQ(xenpv_blkif_front_segs(32, 256), 32);
	CHECK_EQ(xenpv_blkif_front_segs(256, 256), 256);
	CHECK_EQ(xenpv_blkif_front_segs(0xffffffff, 0xffffffff),
		 XENPV_BLK_INDIRECT_SEGS_LIMIT);
	CHECK_EQ(XENPV_BLK_INDIRECT_SEGS_LIMIT, 4096);
	CHECK_EQ(xenpv_blkif_indirect_pages(xenpv_blkif_front_segs(256, 4096)), 1);
	CHECK_EQ(xenpv_blkif_indirect_pages(xenpv_blkif_front_segs(~0u, ~0u)),
		 BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);

	/* Queues: min of the three, never 0. */
	CHECK_EQ(xenpv_blkif_front_queues(0, 4, 2), 1);
	CHECK_EQ(xenpv_blkif_front_queues(1, 4, 2), 1);
	CHECK_EQ(xenpv_blkif_front_queues(8, 4, 2), 2);
	CHECK_EQ(xenpv_blkif_front_queues(8, 4, 16), 4);
	CHECK_EQ(xenpv_blkif_front_queues(3, 4, 16), 3);
	CHECK_EQ(xenpv_blkif_front_queues(8, 0, 16), 1);
	CHECK_EQ(xenpv_blkif_front_queues(8, 2, 0), 1);
	CHECK_EQ(xenpv_blkif_front_queues(0xffffffff, 0xffffffff, 4), 4);

	/* Discard: absent granularity is the block size. */
	CHECK_EQ(xenpv_blkif_discard_limits(0, 0, false, 512, &d), 0);
	CHECK_EQ(d.granularity, 512);
	CHECK_EQ(d.alignment, 0);
	CHECK_EQ(d.secure, 0);
	CHECK_EQ(xenpv_blkif_discard_limits(4096, 512, true, 512, &d), 0);
	CHECK_EQ(d.granularity, 4096);
	CHECK_EQ(d.alignment, 512);
	CHECK_EQ(d.secure, 1);
	CHECK_EQ(xenpv_blkif_discard_limits(0, 0, false, 4096, &d), 0);
	CHECK_EQ(d.granularity, 4096);
	CHECK_EQ(xenpv_blkif_discard_limits(1U << 30, 0, false, 512, &d), 0);
	/* Hostile values: refused, the output untouched. */
	d.granularity = 7;
	CHECK_EQ(xenpv_blkif_discard_limits(1000, 0, false, 512, &d), -EINVAL);
	CHECK_EQ(xenpv_blkif_discard_limits(512, 0, false, 4096, &d), -EINVAL);
	CHECK_EQ(xenpv_blkif_discard_limits((1U << 30) + 512, 0, false, 512, &d),
		 -EINVAL);
	CHECK_EQ(xenpv_blkif_discard_limits(0x80000000u, 0, false, 512, &d),
		 -EINVAL);
	CHECK_EQ(xenpv_blkif_discard_limits(4096, 4096, false, 512, &d), -EINVAL);
	CHECK_EQ(xenpv_blkif_discard_limits(4096, 100, false, 512, &d), -EINVAL);
	CHECK_EQ(xenpv_blkif_discard_limits(4096, 0, false, 0, &d), -EINVAL);
	CHECK_EQ(xenpv_blkif_discard_limits(4096, 0, false, 1000, &d), -EINVAL);
	CHECK_EQ(xenpv_blkif_discard_limits(4096, 0, false, 256, &d), -EINVAL);
	CHECK_EQ(d.granularity, 7);
}

int main(void)
{
	check_layout();
	check_segments();
	check_range();
	check_rw();
	check_flush();
	check_discard();
	check_indirect();
	check_seg_list();
	check_ops();
	check_rsp();
	check_vdev();
	check_front_negotiation();
	return check_done();
}
