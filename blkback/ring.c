// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkback ring: the per-queue worker.
 *
 * One kernel thread per queue owns everything on its ring: it copies
 * requests off the shared page (RING_COPY_REQUEST), validates the copy
 * (<xenpv/blkif.h>), maps the frontend's pages with one batched
 * gnttab_map_refs() per request, hands the bios to blk.c, and - when the
 * bios have completed - unmaps the pages and writes the response.  Bio
 * completions only queue the request on @done and wake the thread, so
 * the ring and the grant bookkeeping need no lock.
 *
 * The event channel is bound with late EOI: the interrupt handler only
 * wakes the thread, which EOIs after it looked at the ring, flagging
 * the event spurious when no request was taken since the previous EOI.
 * (Not "this pass found none": a pass woken by a completion often takes
 * the requests whose event is still on its way, and the event's own
 * pass then finds the ring empty.  Flagging that spurious made the
 * event core hold the channel masked for 1, 2, 4 ... up to HZ jiffies
 * under a steady load.)
 *
 * Persistent grants (feature-persistent) stay mapped after the request
 * that brought them, up to max_persistent_grants per queue; the least
 * recently used unused ones are unmapped when the cache is full, and
 * any unused for persistent_grant_unused_seconds.
 */
#include "common.h"

#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <xen/page.h>

/* The worker wakes at least this often (idle grants, resize, stats). */
#define BLKBACK_TICK		HZ
#define BLKBACK_STATS_INTERVAL	(10 * HZ)
/* Share of the persistent grants dropped when the cache is full. */
#define BLKBACK_PG_PURGE_PCT	5

static unsigned long blkback_vaddr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

/* The frontend broke the ring protocol: stop reading it, disconnect. */
static void blkback_mark_broken(struct blkback_queue *q, const char *why,
				long long a, long long b)
{
	if (q->broken)
		return;
	q->broken = true;
	dev_err_ratelimited(&q->be->xd.xbdev->dev,
			    "queue %u: frontend broke the ring protocol: %s (%lld, %lld); disconnecting\n",
			    q->idx, why, a, b);
	schedule_work(&q->be->broken_work);
}

/* Queue one response; the padding of the slot is zeroed (XSA-216). */
static void blkback_respond(struct blkback_queue *q, u64 id, u8 op,
			    int status)
{
	RING_IDX i = q->back.rsp_prod_pvt;
	struct xenpv_blkif_x86_32_response rsp32;
	struct blkif_response rsp;

	if (q->abi == BLKBACK_ABI_X86_32) {
		memset(&rsp32, 0, sizeof(rsp32));
		rsp32.id = id;
		rsp32.operation = op;
		rsp32.status = status;
		memcpy(RING_GET_RESPONSE(&q->back32, i), &rsp32, sizeof(rsp32));
	} else {
		memset(&rsp, 0, sizeof(rsp));
		rsp.id = id;
		rsp.operation = op;
		rsp.status = status;
		memcpy(RING_GET_RESPONSE(&q->back, i), &rsp, sizeof(rsp));
	}
	q->back.rsp_prod_pvt = i + 1;
}

/*
 * Convert a (copied) x86_32-layout request to the native layout.  Only
 * as many segments / indirect references as the native request holds
 * are copied; the counts themselves are validated afterwards.
 */
static void blkback_from_x86_32(struct blkif_request *dst,
				const struct xenpv_blkif_x86_32_request *src)
{
	unsigned int i, n;

	memset(dst, 0, sizeof(*dst));
	dst->operation = src->operation;
	switch (src->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
	case BLKIF_OP_WRITE_BARRIER:
	case BLKIF_OP_FLUSH_DISKCACHE:
		dst->u.rw.nr_segments = src->u.rw.nr_segments;
		dst->u.rw.handle = src->u.rw.handle;
		dst->u.rw.id = src->u.rw.id;
		dst->u.rw.sector_number = src->u.rw.sector_number;
		n = min_t(unsigned int, src->u.rw.nr_segments,
			  BLKIF_MAX_SEGMENTS_PER_REQUEST);
		for (i = 0; i < n; i++)
			dst->u.rw.seg[i] = src->u.rw.seg[i];
		break;
	case BLKIF_OP_DISCARD:
		dst->u.discard.flag = src->u.discard.flag;
		dst->u.discard.id = src->u.discard.id;
		dst->u.discard.sector_number = src->u.discard.sector_number;
		dst->u.discard.nr_sectors = src->u.discard.nr_sectors;
		break;
	case BLKIF_OP_INDIRECT:
		dst->u.indirect.indirect_op = src->u.indirect.indirect_op;
		dst->u.indirect.nr_segments = src->u.indirect.nr_segments;
		dst->u.indirect.id = src->u.indirect.id;
		dst->u.indirect.sector_number = src->u.indirect.sector_number;
		dst->u.indirect.handle = src->u.indirect.handle;
		n = min_t(unsigned int,
			  xenpv_blkif_indirect_pages(src->u.indirect.nr_segments),
			  BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
		for (i = 0; i < n; i++)
			dst->u.indirect.indirect_grefs[i] =
				src->u.indirect.indirect_grefs[i];
		break;
	default:
		dst->u.other.id = src->u.other.id;
		break;
	}
}

/* Copy request @i off the ring (once) into @req, in the native layout. */
static void blkback_copy_request(struct blkback_queue *q, RING_IDX i,
				 struct blkif_request *req)
{
	struct xenpv_blkif_x86_32_request r32;

	if (q->abi == BLKBACK_ABI_X86_32) {
		memcpy(&r32, RING_GET_REQUEST(&q->back32, i), sizeof(r32));
		barrier();	/* convert our copy, never the shared slot */
		blkback_from_x86_32(req, &r32);
	} else {
		RING_COPY_REQUEST(&q->back, i, req);
	}
}

static void blkback_push(struct blkback_queue *q)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->back, notify);
	if (notify)
		xenpv_evtchn_notify(&q->evtchn);
}

/* Answer @req and give it back to the pool. */
static void blkback_finish(struct blkback_queue *q, struct blkback_req *req,
			   int status)
{
	blkback_respond(q, req->id, req->op, status);
	req->nr_segs = 0;
	list_add(&req->node, &q->free);
	q->inflight--;
}

/* --- persistent grants ------------------------------------------------ */

static struct blkback_pgrant *blkback_pg_get(struct blkback_queue *q,
					     grant_ref_t gref)
{
	struct blkback_pgrant *pg = xa_load(&q->pgrants, gref);

	if (!pg)
		return NULL;
	pg->users++;
	pg->last_used = jiffies;
	list_move_tail(&pg->lru, &q->pg_lru);
	return pg;
}

static void blkback_pg_put(struct blkback_pgrant *pg)
{
	pg->users--;
	pg->last_used = jiffies;
}

/*
 * Unmap the persistent grants on @victims (already out of the xarray)
 * and free them.  A batch that fails to unmap keeps its pages: they may
 * still be mapped, so they never go back to the page pool.
 */
static void blkback_pg_unmap(struct blkback_queue *q,
			     struct list_head *victims)
{
	struct gntab_unmap_queue_data unmap = {};
	struct blkback_pgrant *pg, *tmp;
	unsigned int n;
	int err;

	while (!list_empty(victims)) {
		LIST_HEAD(batch);

		n = 0;
		list_for_each_entry_safe(pg, tmp, victims, lru) {
			if (n == BLKBACK_MAX_SEGS)
				break;
			gnttab_set_unmap_op(&q->unmap_ops[n],
					    blkback_vaddr(pg->page),
					    GNTMAP_host_map, pg->handle);
			q->map_pages[n++] = pg->page;
			list_move_tail(&pg->lru, &batch);
		}
		unmap.unmap_ops = q->unmap_ops;
		unmap.pages = q->map_pages;
		unmap.count = n;
		err = gnttab_unmap_refs_sync(&unmap);
		if (err)
			dev_warn_ratelimited(&q->be->xd.xbdev->dev,
					     "queue %u: unmapping %u persistent grants failed (%d); pages leaked\n",
					     q->idx, n, err);
		else
			gnttab_page_cache_put(&q->pages, q->map_pages, n);
		list_for_each_entry_safe(pg, tmp, &batch, lru) {
			list_del(&pg->lru);
			kfree(pg);
		}
	}
}

/*
 * Unmap unused persistent grants: all of them (@all), or the least
 * recently used @want, and those idle for longer than the timeout.
 */
static void blkback_pg_purge(struct blkback_queue *q, bool all,
			     unsigned int want)
{
	unsigned long idle = (unsigned long)blkback_pgrant_timeout * HZ;
	struct blkback_pgrant *pg, *tmp;
	LIST_HEAD(victims);

	list_for_each_entry_safe(pg, tmp, &q->pg_lru, lru) {
		if (pg->users)
			continue;
		if (!all && !want &&
		    (!idle || time_before(jiffies, pg->last_used + idle)))
			continue;
		if (want)
			want--;
		xa_erase(&q->pgrants, pg->gref);
		q->nr_pgrants--;
		list_move_tail(&pg->lru, &victims);
	}
	if (!list_empty(&victims))
		blkback_pg_unmap(q, &victims);
}

/* Keep a freshly mapped segment as a persistent grant, if there is room. */
static void blkback_pg_adopt(struct blkback_queue *q, struct blkback_seg *seg)
{
	struct blkback_pgrant *pg;

	if (q->nr_pgrants >= blkback_max_pgrants)
		return;
	pg = kzalloc(sizeof(*pg), GFP_NOIO);
	if (!pg)
		return;
	pg->gref = seg->gref;
	pg->page = seg->page;
	pg->handle = seg->handle;
	pg->users = 1;
	pg->last_used = jiffies;
	/* -EBUSY: the same gref twice in one request; stays transient. */
	if (xa_insert(&q->pgrants, pg->gref, pg, GFP_NOIO)) {
		kfree(pg);
		return;
	}
	list_add_tail(&pg->lru, &q->pg_lru);
	q->nr_pgrants++;
	seg->pgnt = pg;
	seg->handle = BLKBACK_NO_HANDLE;
}

/* --- grant mapping ---------------------------------------------------- */

/*
 * Release the pages of @segs: transient mappings are unmapped in one
 * batch, persistent grants lose a user.  Handles are invalidated.
 */
static void blkback_unmap(struct blkback_queue *q, struct blkback_seg *segs,
			  unsigned int nseg)
{
	struct gntab_unmap_queue_data unmap = {};
	unsigned int i, n = 0;
	int err;

	for (i = 0; i < nseg; i++) {
		struct blkback_seg *seg = &segs[i];

		if (seg->pgnt) {
			blkback_pg_put(seg->pgnt);
			seg->pgnt = NULL;
			seg->page = NULL;
			continue;
		}
		if (seg->handle == BLKBACK_NO_HANDLE)
			continue;
		gnttab_set_unmap_op(&q->unmap_ops[n], blkback_vaddr(seg->page),
				    GNTMAP_host_map, seg->handle);
		q->map_pages[n++] = seg->page;
		seg->handle = BLKBACK_NO_HANDLE;
		seg->page = NULL;
	}
	if (!n)
		return;
	unmap.unmap_ops = q->unmap_ops;
	unmap.pages = q->map_pages;
	unmap.count = n;
	err = gnttab_unmap_refs_sync(&unmap);
	if (err) {
		dev_warn_ratelimited(&q->be->xd.xbdev->dev,
				     "queue %u: unmapping %u grants failed (%d); pages leaked\n",
				     q->idx, n, err);
		return;
	}
	gnttab_page_cache_put(&q->pages, q->map_pages, n);
}

/*
 * Map the frontend pages of @segs (their @gref set) with one batched
 * gnttab_map_refs().  @readonly: we only read them (a write request).
 * @persistent: look up and keep persistent grants.  On failure every
 * page that did get mapped is unmapped again and -errno returned: -EAGAIN
 * when there was no page to map a grant at (the page pool is empty and
 * no ballooned page could be had; the caller retries the request later),
 * else the failed map's error.  A failed map (XSA-362/365) is never
 * fatal for us.
 */
static int blkback_map(struct blkback_queue *q, struct blkback_seg *segs,
		       unsigned int nseg, bool readonly, bool persistent)
{
	domid_t domid = q->be->xd.xbdev->otherend_id;
	u32 flags = GNTMAP_host_map;
	unsigned int i, n = 0;
	int err = 0, ret;

	/* Persistent grants serve reads and writes: map them writable. */
	if (readonly && !persistent)
		flags |= GNTMAP_readonly;

	for (i = 0; i < nseg; i++)
		segs[i].handle = BLKBACK_NO_HANDLE;

	for (i = 0; i < nseg; i++) {
		struct blkback_seg *seg = &segs[i];

		seg->pgnt = persistent ? blkback_pg_get(q, seg->gref) : NULL;
		if (seg->pgnt) {
			seg->page = seg->pgnt->page;
			continue;
		}
		if (gnttab_page_cache_get(&q->pages, &seg->page)) {
			seg->page = NULL;
			err = -EAGAIN;
			break;
		}
		gnttab_set_map_op(&q->map_ops[n], blkback_vaddr(seg->page),
				  flags, seg->gref, domid);
		q->map_pages[n] = seg->page;
		q->map_idx[n++] = i;
	}
	/* Segments after a failure hold nothing. */
	for (; i < nseg; i++) {
		segs[i].page = NULL;
		segs[i].pgnt = NULL;
	}

	ret = n ? gnttab_map_refs(q->map_ops, NULL, q->map_pages, n) : 0;
	for (i = 0; i < n; i++) {
		struct blkback_seg *seg = &segs[q->map_idx[i]];

		if (q->map_ops[i].status == GNTST_okay) {
			seg->handle = q->map_ops[i].handle;
			continue;
		}
		dev_dbg_ratelimited(&q->be->xd.xbdev->dev,
				    "queue %u: mapping grant %u failed (%d)\n",
				    q->idx, seg->gref, q->map_ops[i].status);
		gnttab_page_cache_put(&q->pages, &seg->page, 1);
		seg->page = NULL;
		if (!err)
			err = -EFAULT;
	}
	/* -EAGAIN means "no page" to our callers; a hypercall's is -EIO. */
	if (ret && !err)
		err = ret == -EAGAIN ? -EIO : ret;
	if (err) {
		blkback_unmap(q, segs, nseg);
		return err;
	}

	if (persistent)
		for (i = 0; i < n; i++)
			blkback_pg_adopt(q, &segs[q->map_idx[i]]);
	return 0;
}

/*
 * Copy the segment descriptors of an indirect request out of its
 * indirect pages into q->indirect.  The pages are mapped read-only and
 * unmapped again before anything is checked.  Return: 0, or -errno as
 * for blkback_map().
 */
static int blkback_read_indirect(struct blkback_queue *q,
				 const struct blkif_request *req,
				 unsigned int nseg)
{
	struct blkback_seg ind[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	unsigned int i, npages = xenpv_blkif_indirect_pages(nseg);
	unsigned int done = 0, n;
	void *va;
	int err;

	for (i = 0; i < npages; i++)
		ind[i].gref = req->u.indirect.indirect_grefs[i];
	err = blkback_map(q, ind, npages, true, false);
	if (err)
		return err;
	for (i = 0; i < npages; i++) {
		n = min_t(unsigned int, nseg - done,
			  XENPV_BLK_SEGS_PER_INDIRECT_PAGE);
		va = kmap_local_page(ind[i].page);
		memcpy(&q->indirect[done], va, n * sizeof(q->indirect[0]));
		kunmap_local(va);
		done += n;
	}
	blkback_unmap(q, ind, npages);
	return 0;
}

/* --- requests --------------------------------------------------------- */

static void blkback_count(struct blkback_dev *be, u8 op, unsigned int sects)
{
	switch (op) {
	case BLKIF_OP_READ:
		atomic64_inc(&be->stats.rd_req);
		atomic64_add(sects, &be->stats.rd_sect);
		break;
	case BLKIF_OP_WRITE:
		atomic64_inc(&be->stats.wr_req);
		atomic64_add(sects, &be->stats.wr_sect);
		break;
	case BLKIF_OP_WRITE_BARRIER:
	case BLKIF_OP_FLUSH_DISKCACHE:
		atomic64_inc(&be->stats.f_req);
		atomic64_add(sects, &be->stats.wr_sect);
		break;
	case BLKIF_OP_DISCARD:
		atomic64_inc(&be->stats.ds_req);
		break;
	}
}

static int blkback_errno_to_status(int err)
{
	if (!err)
		return BLKIF_RSP_OKAY;
	return err == -EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
}

static bool blkback_has_done(struct blkback_queue *q)
{
	bool ret;

	spin_lock_irq(&q->done_lock);
	ret = !list_empty(&q->done);
	spin_unlock_irq(&q->done_lock);
	return ret;
}

/* Answer every request whose bios have completed. */
static unsigned int blkback_reap(struct blkback_queue *q)
{
	struct blkback_req *req, *tmp;
	unsigned int n = 0;
	LIST_HEAD(done);

	spin_lock_irq(&q->done_lock);
	list_splice_init(&q->done, &done);
	spin_unlock_irq(&q->done_lock);

	list_for_each_entry_safe(req, tmp, &done, node) {
		list_del(&req->node);
		blkback_unmap(q, req->segs, req->nr_segs);
		blkback_finish(q, req, READ_ONCE(req->status));
		n++;
	}
	return n;
}

/* A barrier waits until everything before it has completed. */
static void blkback_drain(struct blkback_queue *q)
{
	while (q->inflight > 1) {
		wait_event(q->wq, blkback_has_done(q));
		blkback_reap(q);
		blkback_push(q);
	}
}

/**
 * blkback_bio_done() - the bios of a request completed (any context).
 * @req: the request.
 * @status: the bio status (BLK_STS_OK, or the error).
 *
 * Called once per bio and once more by the submitter; the last call
 * hands the request to the worker.
 */
void blkback_bio_done(struct blkback_req *req, blk_status_t status)
{
	struct blkback_queue *q = req->q;
	unsigned long flags;

	if (status) {
		bool flush = req->data_op == BLKIF_OP_FLUSH_DISKCACHE ||
			     req->data_op == BLKIF_OP_WRITE_BARRIER;

		WRITE_ONCE(req->status,
			   status == BLK_STS_NOTSUPP && flush ?
			   BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR);
	}
	if (!atomic_dec_and_test(&req->pending))
		return;
	/*
	 * Wake under the lock: once it is dropped the worker may answer
	 * the request, finish and have the queue freed.
	 */
	spin_lock_irqsave(&q->done_lock, flags);
	list_add_tail(&req->node, &q->done);
	wake_up(&q->wq);
	spin_unlock_irqrestore(&q->done_lock, flags);
}

/* Log a request the frontend should never have sent. */
static void blkback_bad_request(struct blkback_queue *q,
				const struct blkif_request *r, int err)
{
	dev_warn_ratelimited(&q->be->xd.xbdev->dev,
			     "queue %u: refusing request op %u id %llu (%d)\n",
			     q->idx, r->operation, r->u.other.id, err);
}

/*
 * Act on one copied request.  Return: -EAGAIN when there were no pages
 * to map its grants at; then nothing was answered, counted or left
 * mapped, and the caller puts the request back on the ring to retry it.
 * Otherwise 0, and the request ends in exactly one response: now
 * (refused, discard, mapping failed) or when its bios complete.
 */
static int blkback_dispatch(struct blkback_queue *q, struct blkback_req *req,
			    const struct blkif_request *r)
{
	struct blkback_dev *be = q->be;
	struct xenpv_blk_limits lim = be->lim;
	const struct blkif_request_segment *src;
	unsigned int i, nseg;
	int err, n;

	req->id = r->u.other.id;
	/* Like Linux: an indirect request is answered with its inner op. */
	req->op = r->operation == BLKIF_OP_INDIRECT ?
		  r->u.indirect.indirect_op : r->operation;
	req->status = BLKIF_RSP_OKAY;
	req->nr_segs = 0;
	lim.capacity = blkback_bdev_sectors(be);

	err = xenpv_blkif_req_validate(r, &lim);
	if (err) {
		if (err != -EOPNOTSUPP)
			blkback_bad_request(q, r, err);
		goto out_respond;
	}

	switch (r->operation) {
	case BLKIF_OP_DISCARD:
		blkback_count(be, BLKIF_OP_DISCARD, 0);
		err = blkback_discard(be, r);
		goto out_respond;
	case BLKIF_OP_INDIRECT:
		req->data_op = r->u.indirect.indirect_op;
		req->sector = r->u.indirect.sector_number;
		nseg = r->u.indirect.nr_segments;
		err = blkback_read_indirect(q, r, nseg);
		if (err == -EAGAIN)
			return err;
		if (err)
			goto out_respond;
		src = q->indirect;
		break;
	default:
		req->data_op = r->operation;
		req->sector = r->u.rw.sector_number;
		nseg = r->u.rw.nr_segments;
		src = r->u.rw.seg;
		break;
	}

	/* Inline segments were checked above; this covers indirect ones. */
	n = nseg ? xenpv_blkif_segs_validate(src, nseg, req->sector, &lim) : 0;
	if (n < 0) {
		err = n;
		blkback_bad_request(q, r, err);
		goto out_respond;
	}
	for (i = 0; i < nseg; i++) {
		req->segs[i].gref = src[i].gref;
		req->segs[i].first_sect = src[i].first_sect;
		req->segs[i].last_sect = src[i].last_sect;
	}
	req->nr_sects = n;

	if (req->data_op == BLKIF_OP_WRITE_BARRIER)
		blkback_drain(q);

	if (nseg) {
		err = blkback_map(q, req->segs, nseg,
				  req->data_op != BLKIF_OP_READ,
				  be->persistent);
		if (err == -EAGAIN)
			return err;
	}
	blkback_count(be, req->data_op, n);
	if (err)
		goto out_respond;
	req->nr_segs = nseg;
	err = blkback_submit(req);
	if (!err)
		return 0;
	blkback_unmap(q, req->segs, req->nr_segs);

out_respond:
	blkback_finish(q, req, blkback_errno_to_status(err));
	return 0;
}

/*
 * A request found no pages to map its grants at: it goes back to the
 * ring and the queue stops taking requests until the worker runs again
 * (a completion gives pages back; at the latest after BLKBACK_TICK).
 * This is the wait that Linux's blkback counts as oo_req when it has no
 * free request; our request pool is as deep as the ring, so running out
 * of pages is the one thing a request here can wait for.  Unused
 * persistent grants give their pages back first.
 */
static void blkback_stall(struct blkback_queue *q, struct blkback_req *req)
{
	list_add(&req->node, &q->free);
	q->inflight--;
	q->back.req_cons--;
	q->stalled = true;
	atomic64_inc(&q->be->stats.oo_req);
	dev_warn_ratelimited(&q->be->xd.xbdev->dev,
			     "queue %u: no pages to map grants at; waiting\n",
			     q->idx);
	blkback_pg_purge(q, false, BLKBACK_MAX_SEGS);
}

/*
 * Take the new requests off the ring.  Return: the number taken, or
 * -errno when the frontend broke the ring.  A request that has to wait
 * for pages (blkback_stall()) ends the pass with q->stalled set.
 */
static int blkback_consume(struct blkback_queue *q)
{
	struct blkif_back_ring *br = &q->back;
	struct blkif_request copy;
	struct blkback_req *req;
	RING_IDX prod;
	int n, taken = 0, more;

	q->stalled = false;
	do {
		prod = READ_ONCE(br->sring->req_prod);
		virt_rmb();	/* read the requests only after the producer */
		n = xenpv_ring_req_check(prod, br->req_cons, br->rsp_prod_pvt,
					 q->ring_size);
		if (n < 0) {
			blkback_mark_broken(q, "request producer out of range",
					    prod, br->req_cons);
			return n;
		}
		while (br->req_cons != prod) {
			if (unlikely(list_empty(&q->free))) {
				/*
				 * Cannot happen: the pool is as deep as the
				 * ring and the check bounds in-flight.
				 */
				blkback_mark_broken(q, "no free request",
						    prod, br->req_cons);
				return -EOVERFLOW;
			}
			req = list_first_entry(&q->free, struct blkback_req,
					       node);
			list_del(&req->node);
			q->inflight++;
			blkback_copy_request(q, br->req_cons, &copy);
			br->req_cons++;
			if (blkback_dispatch(q, req, &copy) == -EAGAIN) {
				blkback_stall(q, req);
				return taken;
			}
			taken++;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(br, more);
	} while (more && !kthread_should_stop());
	return taken;
}

static void blkback_print_stats(struct blkback_queue *q)
{
	struct blkback_stats *st = &q->be->stats;

	if (!blkback_log_stats || time_before(jiffies, q->next_stats))
		return;
	q->next_stats = jiffies + BLKBACK_STATS_INTERVAL;
	dev_info(&q->be->xd.xbdev->dev,
		 "queue %u: oo %lld rd %lld wr %lld f %lld ds %lld rd_sect %lld wr_sect %lld pgrants %u\n",
		 q->idx, atomic64_read(&st->oo_req), atomic64_read(&st->rd_req),
		 atomic64_read(&st->wr_req), atomic64_read(&st->f_req),
		 atomic64_read(&st->ds_req), atomic64_read(&st->rd_sect),
		 atomic64_read(&st->wr_sect), q->nr_pgrants);
}

/* Between batches: trim caches, notice a resize, log statistics. */
static void blkback_housekeeping(struct blkback_queue *q)
{
	struct blkback_dev *be = q->be;
	unsigned int max = blkback_max_pgrants;

	if (q->nr_pgrants >= max && max)
		blkback_pg_purge(q, false,
				 max_t(unsigned int, 1,
				       max * BLKBACK_PG_PURGE_PCT / 100));
	if (time_after_eq(jiffies, q->next_purge)) {
		q->next_purge = jiffies + BLKBACK_TICK;
		blkback_pg_purge(q, false, 0);
		if (q->idx == 0 &&
		    blkback_bdev_sectors(be) != READ_ONCE(be->sectors))
			schedule_work(&be->resize_work);
	}
	gnttab_page_cache_shrink(&q->pages, blkback_max_buffer_pages);
	blkback_print_stats(q);
}

static bool blkback_worker_wake(struct blkback_queue *q)
{
	if (blkback_has_done(q))
		return true;
	if (kthread_should_stop())
		return !q->inflight;
	return atomic_read(&q->irq_pending);
}

static int blkback_worker(void *arg)
{
	struct blkback_queue *q = arg;
	unsigned int eoi;
	int work;

	while (!kthread_should_stop() || q->inflight) {
		wait_event_interruptible_timeout(q->wq, blkback_worker_wake(q),
						 BLKBACK_TICK);
		eoi = atomic_xchg(&q->irq_pending, 0);
		blkback_reap(q);
		work = 0;
		if (!q->broken && !kthread_should_stop())
			work = blkback_consume(q);
		blkback_push(q);
		/* A stalled queue saw a request: not spurious. */
		if (work > 0 || q->stalled)
			q->eoi_work = true;
		if (eoi) {
			xenpv_evtchn_eoi(&q->evtchn, q->eoi_work ?
					 0 : XEN_EOI_FLAG_SPURIOUS);
			q->eoi_work = false;
		}
		blkback_housekeeping(q);
	}
	return 0;
}

static irqreturn_t blkback_interrupt(int irq, void *dev_id)
{
	struct blkback_queue *q = dev_id;

	atomic_set(&q->irq_pending, 1);
	wake_up(&q->wq);
	return IRQ_HANDLED;
}

/**
 * blkback_queue_setup() - map one queue's ring and bind its channel.
 * @q: the queue, zeroed, with @q->be and @q->idx set.
 * @order: the ring spans 2^@order pages (the frontend's ring-page-order).
 * @dir: the frontend directory holding ring-ref and event-channel.
 *
 * The worker is not started yet (blkback_queue_start()).  Failures are
 * reported fatal; blkback_queue_teardown() releases what was set up.
 *
 * Context: process context, under the device mutex.
 * Return: 0 or -errno.
 */
int blkback_queue_setup(struct blkback_queue *q, unsigned int order,
			const char *dir)
{
	struct xenpv_dev *xd = &q->be->xd;
	struct blkif_sring *sring;
	char name[XENPV_NAME_LEN];
	evtchn_port_t port;
	unsigned int i;
	int err;

	init_waitqueue_head(&q->wq);
	spin_lock_init(&q->done_lock);
	INIT_LIST_HEAD(&q->done);
	INIT_LIST_HEAD(&q->free);
	INIT_LIST_HEAD(&q->pg_lru);
	xa_init(&q->pgrants);
	gnttab_page_cache_init(&q->pages);
	atomic_set(&q->irq_pending, 0);
	q->next_purge = jiffies + BLKBACK_TICK;
	q->next_stats = jiffies + BLKBACK_STATS_INTERVAL;

	snprintf(name, sizeof(name), "ring-q%u", q->idx);
	err = xenpv_ring_map(xd, &q->ring, name, dir, "ring-ref", order);
	if (err)
		return err;
	sring = q->ring.va;
	q->abi = q->be->abi;
	BACK_RING_INIT(&q->back, sring, xenpv_ring_bytes(&q->ring));
	BACK_RING_INIT(&q->back32,
		       (struct xenpv_blkif_x86_32_sring *)sring,
		       xenpv_ring_bytes(&q->ring));
	/* The indices are shared; the entry count follows the layout. */
	if (q->abi == BLKBACK_ABI_X86_32)
		q->back.nr_ents = q->back32.nr_ents;
	q->ring_size = RING_SIZE(&q->back);

	q->reqs = kvcalloc(q->ring_size, sizeof(*q->reqs), GFP_KERNEL);
	q->segs = kvcalloc(array_size(q->ring_size, BLKBACK_MAX_SEGS),
			   sizeof(*q->segs), GFP_KERNEL);
	q->map_ops = kvcalloc(BLKBACK_MAX_SEGS, sizeof(*q->map_ops),
			      GFP_KERNEL);
	q->unmap_ops = kvcalloc(BLKBACK_MAX_SEGS, sizeof(*q->unmap_ops),
				GFP_KERNEL);
	q->map_pages = kvcalloc(BLKBACK_MAX_SEGS, sizeof(*q->map_pages),
				GFP_KERNEL);
	q->map_idx = kvcalloc(BLKBACK_MAX_SEGS, sizeof(*q->map_idx),
			      GFP_KERNEL);
	q->indirect = kvcalloc(BLKBACK_MAX_SEGS, sizeof(*q->indirect),
			       GFP_KERNEL);
	if (!q->reqs || !q->segs || !q->map_ops || !q->unmap_ops ||
	    !q->map_pages || !q->map_idx || !q->indirect) {
		xenpv_dev_fatal(xd, -ENOMEM, "allocating queue %u", q->idx);
		return -ENOMEM;
	}
	for (i = 0; i < q->ring_size; i++) {
		q->reqs[i].q = q;
		q->reqs[i].segs = &q->segs[i * BLKBACK_MAX_SEGS];
		list_add_tail(&q->reqs[i].node, &q->free);
	}

	err = xenpv_evtchn_read_port(xd, dir, "event-channel", &port);
	if (err) {
		xenpv_dev_fatal(xd, err, "reading %s/event-channel", dir);
		return err;
	}
	snprintf(name, sizeof(name), "blkbk%u.%s-q%u", xd->xbdev->otherend_id,
		 strrchr(xd->xbdev->nodename, '/') + 1, q->idx);
	return xenpv_evtchn_bind(xd, &q->evtchn, name, port,
				 blkback_interrupt, q);
}

/**
 * blkback_queue_start() - start a queue's worker.
 * @q: a queue set up with blkback_queue_setup().
 *
 * Context: process context, under the device mutex.
 * Return: 0 or -errno (reported fatal).
 */
int blkback_queue_start(struct blkback_queue *q)
{
	struct xenbus_device *xbdev = q->be->xd.xbdev;
	struct task_struct *task;

	task = kthread_run(blkback_worker, q, "blkbk.%u.%s-%u",
			   xbdev->otherend_id,
			   strrchr(xbdev->nodename, '/') + 1, q->idx);
	if (IS_ERR(task)) {
		xenpv_dev_fatal(&q->be->xd, PTR_ERR(task),
				"starting worker of queue %u", q->idx);
		return PTR_ERR(task);
	}
	q->task = task;
	return 0;
}

/**
 * blkback_queue_teardown() - stop a queue and release everything it holds.
 * @q: the queue; partly set up or already torn down is fine.
 *
 * The worker answers the requests in flight (waiting for their bios)
 * before it stops; then the channel is unbound, every persistent grant
 * and cached page released and the ring unmapped.
 *
 * Context: process context, under the device mutex.
 */
void blkback_queue_teardown(struct blkback_queue *q)
{
	struct xenpv_dev *xd = &q->be->xd;

	if (q->task) {
		kthread_stop(q->task);
		q->task = NULL;
	}
	xenpv_evtchn_unbind(xd, &q->evtchn);
	if (q->unmap_ops && q->map_pages)
		blkback_pg_purge(q, true, 0);
	xa_destroy(&q->pgrants);
	gnttab_page_cache_shrink(&q->pages, 0);
	xenpv_ring_unmap(xd, &q->ring);
	kvfree(q->indirect);
	kvfree(q->map_idx);
	kvfree(q->map_pages);
	kvfree(q->unmap_ops);
	kvfree(q->map_ops);
	kvfree(q->segs);
	kvfree(q->reqs);
	q->indirect = NULL;
	q->map_idx = NULL;
	q->map_pages = NULL;
	q->unmap_ops = NULL;
	q->map_ops = NULL;
	q->segs = NULL;
	q->reqs = NULL;
}

/**
 * blkback_show() - debugfs: the device, its queues and rings.
 * @xd: the device.
 * @m: the seq_file.
 */
void blkback_show(struct xenpv_dev *xd, struct seq_file *m)
{
	struct blkback_dev *be = blkback_from_xd(xd);
	struct blkback_queue *q;
	unsigned int i;

	mutex_lock(&be->mutex);
	seq_printf(m, "vbd: %s %x:%x mode %s sectors %llu flush %d discard %d\n",
		   be->bdev ? "open" : "waiting for physical-device",
		   be->major, be->minor, be->mode ? be->mode : "-",
		   be->sectors, be->flush, be->discard);
	seq_printf(m, "queues: %u persistent %d\n", be->nr_queues,
		   be->persistent);
	for (i = 0; i < be->nr_queues; i++) {
		q = &be->queues[i];
		if (!q->ring.va)
			continue;
		seq_printf(m, "q%u: req_prod %u req_cons %u rsp_prod_pvt %u size %u inflight %u broken %d stalled %d pgrants %u\n",
			   i, READ_ONCE(q->back.sring->req_prod),
			   q->back.req_cons, q->back.rsp_prod_pvt,
			   q->ring_size, READ_ONCE(q->inflight), q->broken,
			   READ_ONCE(q->stalled), READ_ONCE(q->nr_pgrants));
	}
	mutex_unlock(&be->mutex);
}
