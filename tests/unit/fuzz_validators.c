// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: arbitrary bytes as copied ring entries, limits and
 * ring indices, fed to every validator and ring check.  Besides the
 * sanitizers, each accepted input is re-checked against the invariants
 * the validator promises, computed independently here.
 */
#include <stdlib.h>
#include <string.h>
#include <xenpv/state.h>
#include <xenpv/ring.h>
#include <xenpv/console.h>
#include <xenpv/blkif.h>
#include <xenpv/netif.h>

#define REQUIRE(cond)	do { if (!(cond)) abort(); } while (0)

struct input {
	const u8 *data;
	size_t left;
};

/* Fill @buf from the input, zero-padding once the input runs out. */
static void take(struct input *in, void *buf, size_t len)
{
	size_t n = len < in->left ? len : in->left;

	memset(buf, 0, len);
	memcpy(buf, in->data, n);
	in->data += n;
	in->left -= n;
}

static u32 take32(struct input *in)
{
	u32 v;

	take(in, &v, sizeof(v));
	return v;
}

static void fuzz_state(struct input *in)
{
	u32 role = take32(in), from = take32(in), to = take32(in);

	REQUIRE(xenpv_state_name(from) && xenpv_state_name(to));
	if (xenpv_state_transition_ok(role % 3, from % 12, to % 12)) {
		REQUIRE(role % 3 <= XENPV_BACKEND);
		REQUIRE(from % 12 < XENPV_NR_STATES && to % 12 < XENPV_NR_STATES);
		REQUIRE(to % 12 != XenbusStateUnknown);
	}
	REQUIRE(!xenpv_state_transition_ok(role, from, to) ||
		(from < XENPV_NR_STATES && to < XENPV_NR_STATES));
}

static void fuzz_ring(struct input *in)
{
	u32 a = take32(in), b = take32(in), c = take32(in), sz = take32(in);
	u32 size = (sz & 0x80) ? sz : 1U << (sz % 32);
	int n;

	n = xenpv_ring_req_check(a, b, c, size);
	if (n >= 0) {
		REQUIRE((u32)n == a - b && (u32)n <= size);
		REQUIRE(a - c <= size && b - c <= size);
	}
	n = xenpv_ring_rsp_check(a, b, c, size);
	if (n >= 0) {
		REQUIRE((u32)n == a - b && (u32)n <= size);
		REQUIRE(c - a <= size && c - b <= size);
	}
	n = xenpv_ring_entries(sz & 0xff, sz >> 8);
	REQUIRE(n == 0 || (n & (n - 1)) == 0);
	if (n)
		REQUIRE((u64)n * (sz >> 8) + XENPV_RING_HDR_SIZE <=
			(u64)XEN_PAGE_SIZE << (sz & 0xff));
}

/* Console ring: any index pair either validates or is refused, and an
 * accepted one never copies outside the ring or the buffer. */
static void fuzz_console(struct input *in)
{
	static char ring[2048];
	char buf[4096];
	u32 a = take32(in), b = take32(in), len = take32(in) % sizeof(buf);
	u32 size = (len & 1) ? XENPV_CONS_IN_SIZE : XENPV_CONS_OUT_SIZE;
	int n;

	n = xenpv_cons_readable(a, b, size);
	if (n >= 0) {
		REQUIRE((u32)n == a - b && (u32)n <= size);
		REQUIRE(xenpv_cons_copy_out(ring, size, b, n, buf, len) <=
			(u32)n);
	} else {
		REQUIRE(a - b > size);
	}
	n = xenpv_cons_writable(a, b, size);
	if (n >= 0) {
		REQUIRE((u32)n == size - (a - b));
		REQUIRE(xenpv_cons_copy_in(ring, size, a, n, buf, len) <=
			(u32)n);
	} else {
		REQUIRE(a - b > size);
	}
}

static void fuzz_blk_req(struct input *in)
{
	union {
		struct blkif_request rw;
		struct blkif_request_discard discard;
		struct blkif_request_indirect ind;
	} r;
	struct xenpv_blk_limits lim;
	u8 flags;
	unsigned __int128 end;
	unsigned int i, max;
	int ret;

	take(in, &lim.capacity, sizeof(lim.capacity));
	take(in, &flags, 1);
	lim.readonly = flags & 1;
	lim.flush = flags & 2;
	lim.barrier = flags & 4;
	lim.discard = flags & 8;
	lim.max_indirect_segments = take32(in) % 8192;
	/* Mostly powers of two from 512 to 4096, sometimes garbage. */
	lim.sector_size = take32(in);
	if (lim.sector_size & 0x80000000)
		lim.sector_size = 512U << (lim.sector_size % 4);
	take(in, &r, sizeof(r));

	ret = xenpv_blkif_req_validate(&r.rw, &lim);
	REQUIRE(ret == 0 || ret == -EINVAL || ret == -ERANGE ||
		ret == -EROFS || ret == -EOPNOTSUPP);
	if (ret)
		return;
	switch (r.rw.operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
	case BLKIF_OP_WRITE_BARRIER:
	case BLKIF_OP_FLUSH_DISKCACHE:
		REQUIRE(r.rw.nr_segments <= BLKIF_MAX_SEGMENTS_PER_REQUEST);
		REQUIRE(r.rw.nr_segments ||
			r.rw.operation == BLKIF_OP_WRITE_BARRIER ||
			r.rw.operation == BLKIF_OP_FLUSH_DISKCACHE);
		REQUIRE(!lim.readonly || r.rw.operation == BLKIF_OP_READ);
		REQUIRE(r.rw.operation != BLKIF_OP_FLUSH_DISKCACHE || lim.flush);
		REQUIRE(r.rw.operation != BLKIF_OP_WRITE_BARRIER || lim.barrier);
		end = r.rw.sector_number;
		for (i = 0; i < r.rw.nr_segments; i++) {
			REQUIRE(r.rw.seg[i].first_sect <= r.rw.seg[i].last_sect);
			REQUIRE(r.rw.seg[i].last_sect < 8);
			end += r.rw.seg[i].last_sect - r.rw.seg[i].first_sect + 1;
		}
		REQUIRE(!r.rw.nr_segments || end <= lim.capacity);
		if (r.rw.nr_segments && xenpv_blkif_lbs_mask(&lim)) {
			REQUIRE(!(r.rw.sector_number & xenpv_blkif_lbs_mask(&lim)));
			REQUIRE(!(end & xenpv_blkif_lbs_mask(&lim)));
		}
		break;
	case BLKIF_OP_DISCARD:
		REQUIRE(lim.discard && !lim.readonly);
		REQUIRE(!(r.discard.flag & ~BLKIF_DISCARD_SECURE));
		end = (unsigned __int128)r.discard.sector_number +
		      r.discard.nr_sectors;
		REQUIRE(end <= lim.capacity);
		break;
	case BLKIF_OP_INDIRECT:
		max = lim.max_indirect_segments;
		REQUIRE(r.ind.indirect_op == BLKIF_OP_READ ||
			(r.ind.indirect_op == BLKIF_OP_WRITE && !lim.readonly));
		REQUIRE(r.ind.nr_segments >= 1 && r.ind.nr_segments <= max);
		REQUIRE(r.ind.nr_segments <= XENPV_BLK_INDIRECT_SEGS_LIMIT);
		REQUIRE(xenpv_blkif_indirect_pages(r.ind.nr_segments) <=
			BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
		end = (unsigned __int128)r.ind.sector_number +
		      r.ind.nr_segments;
		REQUIRE(end <= lim.capacity);
		break;
	default:
		REQUIRE(0);
	}
}

/* Segments as read from an indirect page, checked as a backend does. */
static void fuzz_blk_segs(struct input *in)
{
	struct blkif_request_segment seg[16];
	struct xenpv_blk_limits lim = { 0 };
	unsigned __int128 end;
	u64 sector, mask;
	unsigned int i, nseg;
	int n, total = 0;

	take(in, &sector, sizeof(sector));
	take(in, &lim.capacity, sizeof(lim.capacity));
	lim.sector_size = 512U << (take32(in) % 4);
	nseg = take32(in) % 17;
	take(in, seg, sizeof(seg));
	mask = xenpv_blkif_lbs_mask(&lim);
	REQUIRE(mask == lim.sector_size / 512 - 1);

	n = xenpv_blkif_segs_validate(seg, nseg, sector, &lim);
	if (n < 0) {
		REQUIRE(n == -EINVAL || n == -ERANGE);
		return;
	}
	REQUIRE(nseg >= 1);
	REQUIRE(!(sector & mask));
	for (i = 0; i < nseg; i++) {
		REQUIRE(xenpv_blkif_seg_validate(&seg[i]) > 0);
		REQUIRE(!(seg[i].first_sect & mask));
		REQUIRE(!((seg[i].last_sect + 1) & mask));
		total += xenpv_blkif_seg_validate(&seg[i]);
	}
	REQUIRE(n == total);
	end = (unsigned __int128)sector + total;
	REQUIRE(end <= lim.capacity);
}

static void fuzz_blk_rsp(struct input *in)
{
	struct blkif_response rsp;
	u8 pending[32];
	u64 nr_ids;
	int ret;

	take(in, &rsp, sizeof(rsp));
	take(in, pending, sizeof(pending));
	nr_ids = take32(in) % (sizeof(pending) + 1);
	ret = xenpv_blkif_rsp_validate(&rsp, nr_ids, pending);
	if (ret == 0) {
		REQUIRE(rsp.id < nr_ids);
		REQUIRE(pending[rsp.id] != XENPV_BLKIF_OP_NONE);
		REQUIRE(pending[rsp.id] == rsp.operation);
		REQUIRE(rsp.status == BLKIF_RSP_OKAY ||
			rsp.status == BLKIF_RSP_ERROR ||
			rsp.status == BLKIF_RSP_EOPNOTSUPP);
	} else {
		REQUIRE(ret == -EINVAL || ret == -ERANGE);
	}
}

/* A backend's skb layout of an accepted packet: header linear, no empty frag. */
static void fuzz_net_tx_layout(u32 total)
{
	unsigned int nf;
	u32 lin = xenpv_netif_tx_linear(total, XEN_PAGE_SIZE, &nf);

	REQUIRE(lin >= (total < XENPV_NETIF_TX_HDR_LEN ? total :
			XENPV_NETIF_TX_HDR_LEN));
	REQUIRE(lin <= total);
	REQUIRE((u64)nf * XEN_PAGE_SIZE >= total - lin);
	REQUIRE(nf == 0 || (u64)(nf - 1) * XEN_PAGE_SIZE < total - lin);
	REQUIRE(nf <= 16);
}

static void fuzz_net_tx(struct input *in)
{
	struct netif_tx_request req;
	struct xenpv_netif_tx_pkt pkt;
	unsigned int max_slots = take32(in) % 64, limit, i;
	u32 frags = 0;
	int ret;

	limit = max_slots < XENPV_NETIF_LEGACY_SLOTS_MAX ?
		XENPV_NETIF_LEGACY_SLOTS_MAX : max_slots;
	for (i = 0; i < 80; i++) {
		take(in, &req, sizeof(req));
		ret = xenpv_netif_tx_req_validate(&req, i == 0, &pkt,
						  max_slots);
		if (ret) {
			REQUIRE(ret == -EINVAL || ret == -EMSGSIZE ||
				ret == -E2BIG || ret == -EPROTO);
			return;
		}
		REQUIRE(!(req.flags & ~XENPV_NETTXF_KNOWN));
		REQUIRE(pkt.slots == i + 1 && pkt.slots <= limit);
		if (i) {
			REQUIRE((u32)req.offset + req.size <= XEN_PAGE_SIZE);
			frags += req.size;
		}
		if (!(req.flags & XEN_NETTXF_more_data)) {
			/* A whole packet was accepted. */
			REQUIRE(pkt.total >= XENPV_NETIF_MIN_PKT_SIZE);
			REQUIRE(pkt.total <= XENPV_NETIF_MAX_PKT_SIZE);
			REQUIRE(frags + pkt.first_left == pkt.total);
			REQUIRE(pkt.first_left >= XENPV_NETIF_MIN_PKT_SIZE);
			REQUIRE((u32)pkt.first_offset + pkt.first_left <=
				XEN_PAGE_SIZE);
			fuzz_net_tx_layout(pkt.total);
			return;
		}
	}
}

static void fuzz_net_extra(struct input *in)
{
	struct netif_extra_info extra;
	unsigned int i, accepted = 0;
	u32 seen = 0, before;

	for (i = 0; i < 8; i++) {
		take(in, &extra, sizeof(extra));
		before = seen;
		if (xenpv_netif_extra_validate(&extra, &seen)) {
			REQUIRE(seen == before);
			continue;
		}
		accepted++;
		REQUIRE(extra.type > XEN_NETIF_EXTRA_TYPE_NONE &&
			extra.type < XEN_NETIF_EXTRA_TYPE_MAX);
		REQUIRE(!(before & (1U << extra.type)));
		REQUIRE(extra.type != XEN_NETIF_EXTRA_TYPE_GSO ||
			(extra.u.gso.size && (extra.u.gso.type == 1 ||
					      extra.u.gso.type == 2)));
	}
	REQUIRE(accepted < XEN_NETIF_EXTRA_TYPE_MAX);
}

static void fuzz_net_rx(struct input *in)
{
	struct netif_rx_response rsp;
	unsigned int nr_ids = take32(in) % 1024;

	take(in, &rsp, sizeof(rsp));
	if (xenpv_netif_rx_rsp_validate(&rsp, nr_ids) == 0) {
		REQUIRE(rsp.id < nr_ids);
		REQUIRE(rsp.status < 0 ||
			(u32)rsp.offset + (u32)rsp.status <= XEN_PAGE_SIZE);
	}
}

static void fuzz_net_tx_rsp(struct input *in)
{
	struct netif_tx_response rsp;
	u8 pending[256];
	unsigned int nr_ids = take32(in) % 257;
	int ret;

	take(in, pending, sizeof(pending));
	take(in, &rsp, sizeof(rsp));
	ret = xenpv_netif_tx_rsp_validate(&rsp, nr_ids, pending);
	if (ret == XENPV_NETIF_RSP_SKIP)
		REQUIRE(rsp.status == NETIF_RSP_NULL);
	if (ret == 0) {
		REQUIRE(rsp.id < nr_ids && pending[rsp.id]);
		REQUIRE(rsp.status == NETIF_RSP_OKAY ||
			rsp.status == NETIF_RSP_ERROR ||
			rsp.status == NETIF_RSP_DROPPED);
	}
}

static void fuzz_net_rx_slot(struct input *in)
{
	struct netif_rx_response rsp;
	u8 posted[256];
	unsigned int size = 1U << (take32(in) % 10);
	RING_IDX idx = take32(in);

	if (size > sizeof(posted))
		size = 0;
	take(in, posted, sizeof(posted));
	take(in, &rsp, sizeof(rsp));
	if (xenpv_netif_rx_slot_validate(&rsp, idx, size, posted) == 0) {
		REQUIRE(size && rsp.id == (idx & (size - 1)) && posted[rsp.id]);
		REQUIRE(rsp.status < 0 ||
			(u32)rsp.offset + (u32)rsp.status <= XEN_PAGE_SIZE);
	}
}

static void fuzz_vdev(struct input *in)
{
	u32 vdev = take32(in);
	struct xenpv_vdev v;
	unsigned int shift;
	char name[32];	/* the kernel's DISK_NAME_LEN */
	int n;

	if (xenpv_vdev_translate(vdev, &v))
		return;
	shift = (vdev & XENPV_VDEV_EXT) ? XENPV_VDEV_EXT_PARTS_SHIFT :
					  XENPV_VDEV_PARTS_SHIFT;
	REQUIRE(v.emulated == (!(vdev & XENPV_VDEV_EXT) &&
			       vdev >> 8 != XENPV_VDEV_XVD_MAJOR));
	REQUIRE(v.nr_minors == (v.part ? 1U : 1U << shift));
	REQUIRE(v.part < 1U << shift);
	REQUIRE(v.disk == v.first_minor >> shift);
	REQUIRE((v.first_minor & ((1U << shift) - 1)) == v.part);
	REQUIRE(v.first_minor + v.nr_minors <= 1U << XENPV_VDEV_MINORBITS);
	n = xenpv_vdev_name(&v, name, sizeof(name));
	REQUIRE(n > 3 && (size_t)n == strlen(name) && !memcmp(name, "xvd", 3));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static void (* const targets[])(struct input *) = {
		fuzz_state, fuzz_ring, fuzz_blk_req, fuzz_blk_segs,
		fuzz_blk_rsp, fuzz_net_tx, fuzz_net_extra, fuzz_net_rx,
		fuzz_net_tx_rsp, fuzz_net_rx_slot,
		fuzz_console, fuzz_vdev,
	};
	struct input in = { data, size };
	u8 which;

	if (!size)
		return 0;
	take(&in, &which, 1);
	targets[which % (sizeof(targets) / sizeof(targets[0]))](&in);
	return 0;
}
