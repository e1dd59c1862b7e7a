// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront ring: building blkif requests and consuming responses.
 *
 * One ring and event channel per blk-mq hardware queue.  Request ids
 * are blk-mq tags of that hardware queue; the tag set is as deep as a
 * ring, so an id is never reused while its request is outstanding.  For
 * each id the operation sent is kept in the queue's @pending_op, which
 * is what a response is checked against before anything it names is
 * touched.
 *
 * Locks: a queue's lock protects its ring and ids; info->lock protects
 * running, broken, gd, adding and disk_added, and may be taken inside a
 * queue's lock, never the other way round.  info->mutex serialises
 * connecting and tearing down; nothing here takes it.
 *
 * The backend is not trusted: each response is copied off the shared
 * ring before it is looked at, the response producer is bounded by the
 * requests we made, and a backend that breaks either rule gets the
 * device marked broken (all I/O failed, new requests failed at once,
 * state Closing) instead of a crash.  Marking a device broken never
 * stops or quiesces its queue and never waits for info->mutex: a
 * disconnect holds the mutex while it waits for the add work, whose
 * partition scan waits on I/O of this disk, and only a failure ends
 * that I/O.
 *
 * A request may be in blkfront_submit() while the rings are torn down
 * (the add work's partition scan, or any reader): it finds no ring and
 * fails, and its copy-mode pages go back to a pool that was already
 * freed; blkfront_pools_free() frees them once the disk is gone.
 */
#include "common.h"

#include <linux/highmem.h>
#include <linux/slab.h>
#include <xen/page.h>

/* A free copy-mode page of @q, or a new zeroed one; NULL: no memory. */
static struct blkfront_pgnt *blkfront_pgnt_get(struct blkfront_queue *q)
{
	struct blkfront_pgnt *pg;
	unsigned long flags;

	spin_lock_irqsave(&q->pool_lock, flags);
	pg = list_first_entry_or_null(&q->pool, struct blkfront_pgnt, node);
	if (pg)
		list_del_init(&pg->node);
	spin_unlock_irqrestore(&q->pool_lock, flags);
	if (pg)
		return pg;

	pg = kzalloc(sizeof(*pg), GFP_ATOMIC);
	if (!pg)
		return NULL;
	pg->page = alloc_page(GFP_ATOMIC | __GFP_ZERO);
	if (!pg->page) {
		kfree(pg);
		return NULL;
	}
	INIT_LIST_HEAD(&pg->node);
	spin_lock_irqsave(&q->pool_lock, flags);
	q->nr_pgnts++;
	spin_unlock_irqrestore(&q->pool_lock, flags);
	return pg;
}

/*
 * Grant @pg if it is not granted yet: read-write for persistent grants
 * (the backend maps them read-write once and keeps them), else
 * read-only when the backend only reads it.
 */
static int blkfront_pgnt_grant(struct blkfront_queue *q,
			       struct blkfront_pgnt *pg, bool ro)
{
	int err;

	if (pg->granted)
		return 0;
	err = xenpv_grant_access(&q->info->xd, xen_page_to_gfn(pg->page),
				 ro && !q->info->persistent, &pg->gref);
	if (err)
		return err;
	pg->granted = true;
	return 0;
}

/*
 * Give @pg back to @q's pool.  Without persistent grants its grant is
 * ended first; a page the backend still maps goes to the kernel's
 * deferred list instead (false).
 */
static bool blkfront_pgnt_put(struct blkfront_queue *q,
			      struct blkfront_pgnt *pg)
{
	unsigned long flags;
	bool ok = true;

	if (pg->granted && !q->info->persistent) {
		pg->granted = false;
		if (!xenpv_grant_revoke(&q->info->xd, pg->gref, pg->page)) {
			pg->page = NULL;
			ok = false;
		}
	}
	spin_lock_irqsave(&q->pool_lock, flags);
	if (pg->page) {
		list_add(&pg->node, &q->pool);
	} else {
		q->nr_pgnts--;
		kfree(pg);
	}
	spin_unlock_irqrestore(&q->pool_lock, flags);
	return ok;
}

/*
 * Free @q's copy-mode pages, ending their grants (pages the backend
 * still maps go to the deferred list).  Every request is done.
 */
static void blkfront_pool_free(struct blkfront_queue *q)
{
	struct blkfront_pgnt *pg, *tmp;
	LIST_HEAD(list);
	unsigned long flags;

	spin_lock_irqsave(&q->pool_lock, flags);
	list_splice_init(&q->pool, &list);
	q->nr_pgnts = 0;
	spin_unlock_irqrestore(&q->pool_lock, flags);

	list_for_each_entry_safe(pg, tmp, &list, node) {
		list_del(&pg->node);
		if (!pg->granted ||
		    xenpv_grant_revoke(&q->info->xd, pg->gref, pg->page))
			__free_page(pg->page);
		kfree(pg);
	}
}

/*
 * Give back the pages and grants of one request; with @copy_back (a
 * read that succeeded, copy mode) the data is first copied from our
 * pages into the request's.  Return: false if the backend kept a grant
 * it had to give back.  An indirect page the backend still maps goes
 * to the kernel's deferred list with its grant (it must never be
 * written again); the request then gets a fresh page when it next
 * needs one.
 */
static bool blkfront_release(struct blkfront_queue *q,
			     struct blkfront_cmd *cmd, bool copy_back)
{
	struct blkfront_info *info = q->info;
	struct scatterlist *sg;
	bool all = true;
	unsigned int i;

	for (i = 0; i < cmd->nr_grefs; i++)
		if (!xenpv_grant_revoke(&info->xd, cmd->gref[i], NULL))
			all = false;
	cmd->nr_grefs = 0;
	for (i = 0; i < cmd->nr_pg; i++) {
		sg = &cmd->sg[i];
		if (copy_back)
			memcpy_to_page(sg_page(sg), sg->offset,
				       page_address(cmd->pg[i]->page) +
				       sg->offset, sg->length);
		if (!blkfront_pgnt_put(q, cmd->pg[i]))
			all = false;
	}
	cmd->nr_pg = 0;
	for (i = 0; i < cmd->nr_ind_pg; i++)
		if (!blkfront_pgnt_put(q, cmd->ind_pg[i]))
			all = false;
	cmd->nr_ind_pg = 0;
	for (i = 0; i < cmd->nr_indirect; i++) {
		if (!xenpv_grant_revoke(&info->xd, cmd->indirect_gref[i],
					cmd->indirect[i])) {
			cmd->indirect[i] = NULL;
			all = false;
		}
	}
	cmd->nr_indirect = 0;
	return all;
}

/**
 * blkfront_cmd_init() - allocate the per-request arrays and pages.
 * @info: the device, whose @max_segs and @indirect_pages are negotiated.
 * @cmd: the PDU of a request of the tag set being allocated.
 *
 * blk-mq hands over a zeroed PDU, and does not call exit_request for a
 * request whose init_request failed: a failure frees what was taken.
 *
 * Context: process context (blk-mq's init_request).
 * Return: 0 or -ENOMEM.
 */
int blkfront_cmd_init(struct blkfront_info *info, struct blkfront_cmd *cmd)
{
	unsigned int i;

	cmd->sg = kcalloc(info->max_segs, sizeof(*cmd->sg), GFP_KERNEL);
	cmd->gref = kcalloc(info->max_segs, sizeof(*cmd->gref), GFP_KERNEL);
	cmd->pg = kcalloc(info->max_segs, sizeof(*cmd->pg), GFP_KERNEL);
	if (!cmd->sg || !cmd->gref || !cmd->pg)
		goto out_free_cmd;
	for (i = 0; i < info->indirect_pages; i++) {
		cmd->indirect[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!cmd->indirect[i])
			goto out_free_cmd;
	}
	return 0;

out_free_cmd:
	blkfront_cmd_exit(cmd);
	return -ENOMEM;
}

/**
 * blkfront_cmd_exit() - free what blkfront_cmd_init() allocated.
 * @cmd: the PDU of a request that is not in flight.
 */
void blkfront_cmd_exit(struct blkfront_cmd *cmd)
{
	unsigned int i;

	for (i = 0; i < BLKFRONT_INDIRECT_PAGES; i++) {
		if (cmd->indirect[i])
			__free_page(cmd->indirect[i]);
		cmd->indirect[i] = NULL;
	}
	kfree(cmd->pg);
	kfree(cmd->gref);
	kfree(cmd->sg);
	cmd->pg = NULL;
	cmd->gref = NULL;
	cmd->sg = NULL;
}

/* Take the request off id @id; the caller holds q->lock. */
static struct request *blkfront_take(struct blkfront_queue *q,
				     unsigned int id)
{
	struct request *rq = q->rqs[id];

	q->rqs[id] = NULL;
	q->pending_op[id] = XENPV_BLKIF_OP_NONE;
	q->inflight--;
	return rq;
}

/**
 * blkfront_fail_all() - complete every outstanding request of a queue
 *	with an error.
 * @q: the queue; the caller holds @q->lock.
 *
 * Used when the backend is gone or broken.  Grants the backend still maps
 * go to the kernel's deferred list (see xenpv_grant_revoke()).
 */
void blkfront_fail_all(struct blkfront_queue *q)
{
	struct blkfront_cmd *cmd;
	struct request *rq;
	unsigned int id;

	if (!q->pending_op)
		return;
	for (id = 0; id < q->ring_size; id++) {
		if (q->pending_op[id] == XENPV_BLKIF_OP_NONE)
			continue;
		rq = blkfront_take(q, id);
		cmd = blk_mq_rq_to_pdu(rq);
		blkfront_release(q, cmd, false);
		cmd->status = BLK_STS_IOERR;
		blk_mq_complete_request(rq);
	}
	wake_up(&q->info->drained);
}

/*
 * The backend broke the protocol on @q; the caller holds q->lock.  The
 * other queues are failed by the work item (their locks are not taken
 * here: two queues breaking at once must not wait for each other).
 */
static void blkfront_mark_broken(struct blkfront_queue *q, const char *why,
				 long long a, long long b)
{
	struct blkfront_info *info = q->info;

	spin_lock(&info->lock);
	if (info->broken) {
		spin_unlock(&info->lock);
		blkfront_fail_all(q);
		return;
	}
	info->broken = true;
	info->running = false;
	spin_unlock(&info->lock);
	dev_err_ratelimited(&info->xd.xbdev->dev,
			    "%s: backend broke the ring protocol on queue %u: %s (%lld, %lld); failing I/O\n",
			    info->name, q->index, why, a, b);
	blkfront_fail_all(q);
	schedule_work(&info->broken_work);
}

/* Map the backend's status to a block status; the caller holds the lock. */
static blk_status_t blkfront_status(struct blkfront_info *info,
				    const struct blkif_response *rsp, u8 op)
{
	switch (rsp->status) {
	case BLKIF_RSP_OKAY:
		return BLK_STS_OK;
	case BLKIF_RSP_EOPNOTSUPP:
		if ((op == BLKIF_OP_FLUSH_DISKCACHE ||
		     op == BLKIF_OP_WRITE_BARRIER) && info->flush_op) {
			dev_warn(&info->xd.xbdev->dev,
				 "%s: backend refused %s, disabling flushes\n",
				 info->name,
				 op == BLKIF_OP_WRITE_BARRIER ?
				 "barriers" : "cache flushes");
			WRITE_ONCE(info->flush_op, 0);
			WRITE_ONCE(info->fua, false);
			schedule_work(&info->limits_work);
		}
		if (op == BLKIF_OP_DISCARD && info->discard) {
			dev_warn(&info->xd.xbdev->dev,
				 "%s: backend refused a discard, disabling discards\n",
				 info->name);
			WRITE_ONCE(info->discard, false);
			schedule_work(&info->limits_work);
		}
		return BLK_STS_NOTSUPP;
	default:
		dev_dbg_ratelimited(&info->xd.xbdev->dev,
				    "%s: backend error on op %u\n",
				    info->name, op);
		return BLK_STS_IOERR;
	}
}

/*
 * Consume the responses the backend produced on @q; the caller holds
 * q->lock.  Return: number consumed, or -errno when the device broke.
 */
static int blkfront_consume(struct blkfront_queue *q)
{
	struct blkfront_info *info = q->info;
	struct blkif_front_ring *fr = &q->front;
	struct blkif_response rsp;
	struct blkfront_cmd *cmd;
	struct request *rq;
	RING_IDX prod, i;
	bool kept = false;
	int n, err;
	u8 op;

	prod = READ_ONCE(fr->sring->rsp_prod);
	virt_rmb();	/* read the responses only after the producer */
	n = xenpv_ring_rsp_check(prod, fr->rsp_cons, fr->req_prod_pvt,
				 q->ring_size);
	if (n < 0) {
		blkfront_mark_broken(q, "response producer out of range",
				     prod, fr->rsp_cons);
		return n;
	}

	for (i = fr->rsp_cons; i != prod; i++) {
		RING_COPY_RESPONSE(fr, i, &rsp);
		fr->rsp_cons = i + 1;
		err = xenpv_blkif_rsp_validate(&rsp, q->ring_size,
					       q->pending_op);
		if (err) {
			blkfront_mark_broken(q, "bad response id/op",
					     rsp.id, rsp.operation);
			return err;
		}
		op = q->pending_op[rsp.id];
		rq = blkfront_take(q, rsp.id);
		cmd = blk_mq_rq_to_pdu(rq);
		cmd->status = blkfront_status(info, &rsp, op);
		if (!blkfront_release(q, cmd, info->copy && op == BLKIF_OP_READ &&
				      cmd->status == BLK_STS_OK)) {
			cmd->status = BLK_STS_IOERR;
			kept = true;
		}
		blk_mq_complete_request(rq);
	}
	if (kept) {
		blkfront_mark_broken(q, "grant still mapped after response",
				     prod, 0);
		return -EBUSY;
	}
	return n;
}

static irqreturn_t blkfront_interrupt(int irq, void *dev_id)
{
	struct blkfront_queue *q = dev_id;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	unsigned long flags;
	int more, n;

	spin_lock_irqsave(&q->lock, flags);
	if (!q->front.sring || READ_ONCE(q->info->broken))
		goto out_unlock;
	do {
		n = blkfront_consume(q);
		if (n < 0)
			goto out_unlock;
		if (n)
			eoi = 0;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->front, more);
	} while (more);
	if (!q->inflight)
		wake_up(&q->info->drained);
out_unlock:
	spin_unlock_irqrestore(&q->lock, flags);
	xenpv_evtchn_eoi(&q->evtchn, eoi);
	return IRQ_HANDLED;
}

/**
 * blkfront_fail_queues() - fail the outstanding requests of every queue.
 * @info: the device.
 *
 * Needs no @info->mutex: the queue structs live as long as @info, and a
 * queue's lock orders this against its teardown (a torn-down queue has
 * no pending requests and no id arrays).
 */
void blkfront_fail_queues(struct blkfront_info *info)
{
	struct blkfront_queue *q;
	unsigned int i;

	for (i = 0; i < info->max_queues; i++) {
		q = &info->queues[i];
		spin_lock_irq(&q->lock);
		blkfront_fail_all(q);
		spin_unlock_irq(&q->lock);
	}
}

/**
 * blkfront_requeue_inflight() - take every request off the rings and
 *	give it back to blk-mq, to be sent again on the next connection.
 * @info: the device; its disk's queue is quiesced (nothing is being
 *	dispatched); the caller holds @info->mutex.
 *
 * After a restore the rings belong to a backend that is gone: answered
 * or not, each request it held is sent again in full (a read or a write
 * done twice gives the same result).  The requests' grants are ended
 * first; the new host's grant table holds none of them, so this never
 * waits.  No response is consumed here: the old event channels are
 * not bound on the new host.
 *
 * Return: the number of requests given back.
 */
unsigned int blkfront_requeue_inflight(struct blkfront_info *info)
{
	struct blkfront_queue *q;
	struct request *rq, *tmp;
	unsigned int i, id, n = 0;
	LIST_HEAD(list);

	for (i = 0; i < info->nr_queues; i++) {
		q = &info->queues[i];
		spin_lock_irq(&q->lock);
		for (id = 0; q->pending_op && id < q->ring_size; id++) {
			if (q->pending_op[id] == XENPV_BLKIF_OP_NONE)
				continue;
			rq = blkfront_take(q, id);
			blkfront_release(q, blk_mq_rq_to_pdu(rq), false);
			list_add_tail(&rq->queuelist, &list);
			n++;
		}
		spin_unlock_irq(&q->lock);
	}
	list_for_each_entry_safe(rq, tmp, &list, queuelist) {
		list_del_init(&rq->queuelist);
		blk_mq_requeue_request(rq, false);
	}
	wake_up(&info->drained);
	return n;
}

/**
 * blkfront_idle() - no request is waiting for the backend.
 * @info: the device.
 *
 * Return: true when nothing is in flight on any queue (or the device
 * broke).
 */
bool blkfront_idle(struct blkfront_info *info)
{
	struct blkfront_queue *q;
	unsigned long flags;
	unsigned int i;
	bool idle = true;

	if (READ_ONCE(info->broken))
		return true;
	for (i = 0; i < READ_ONCE(info->nr_queues) && idle; i++) {
		q = &info->queues[i];
		spin_lock_irqsave(&q->lock, flags);
		idle = !q->inflight;
		spin_unlock_irqrestore(&q->lock, flags);
	}
	return idle;
}

/**
 * blkfront_pools_free() - free the copy-mode pages left in every queue's
 *	pool.
 * @info: the device, torn down; no request can be dispatched any more
 *	(its disk is deleted, or there is none).
 *
 * Pages taken by a request that was being sent while the rings were torn
 * down come back to the pool after the teardown freed it.
 *
 * Context: process context, under @info->mutex.
 */
void blkfront_pools_free(struct blkfront_info *info)
{
	unsigned int i;

	for (i = 0; i < info->max_queues; i++)
		blkfront_pool_free(&info->queues[i]);
}

/* Set up one queue's ring and channel; nothing stays allocated on error. */
static int blkfront_queue_setup(struct blkfront_queue *q, unsigned int order,
				unsigned int nr_queues)
{
	struct blkfront_info *info = q->info;
	char name[XENPV_NAME_LEN];
	struct blkif_sring *sring;
	unsigned int size, id;
	int err;

	if (nr_queues > 1)
		snprintf(name, sizeof(name), "ring-q%u", q->index);
	else
		strscpy(name, "ring", sizeof(name));
	err = xenpv_ring_alloc(&info->xd, &q->ring, name, order);
	if (err)
		return err;
	sring = q->ring.va;
	size = __RING_SIZE(sring, xenpv_ring_bytes(&q->ring));

	q->pending_op = kmalloc_array(size, sizeof(*q->pending_op),
				      GFP_KERNEL);
	q->rqs = kcalloc(size, sizeof(*q->rqs), GFP_KERNEL);
	if (!q->pending_op || !q->rqs) {
		err = -ENOMEM;
		xenpv_dev_fatal(&info->xd, err, "allocating request ids");
		goto out_free_ids;
	}
	for (id = 0; id < size; id++)
		q->pending_op[id] = XENPV_BLKIF_OP_NONE;

	spin_lock_irq(&q->lock);
	XEN_FRONT_RING_INIT(&q->front, sring, xenpv_ring_bytes(&q->ring));
	q->ring_size = size;
	q->inflight = 0;
	spin_unlock_irq(&q->lock);

	if (nr_queues > 1)
		snprintf(name, sizeof(name), "blkif-q%u", q->index);
	else
		strscpy(name, "blkif", sizeof(name));
	err = xenpv_evtchn_alloc(&info->xd, &q->evtchn, name,
				 blkfront_interrupt, q);
	if (err)
		goto out_detach;
	return 0;

out_detach:
	spin_lock_irq(&q->lock);
	q->front.sring = NULL;
	spin_unlock_irq(&q->lock);
out_free_ids:
	kfree(q->rqs);
	kfree(q->pending_op);
	q->rqs = NULL;
	q->pending_op = NULL;
	xenpv_ring_free(&info->xd, &q->ring);
	return err;
}

/* Fail what is left on one queue and free its ring and channel. */
static void blkfront_queue_teardown(struct blkfront_queue *q)
{
	struct blkfront_info *info = q->info;
	struct request **rqs;
	u8 *pending_op;

	xenpv_evtchn_unbind(&info->xd, &q->evtchn);

	/* blkfront_fail_all() may run without info->mutex: see no arrays. */
	spin_lock_irq(&q->lock);
	blkfront_fail_all(q);
	q->front.sring = NULL;
	rqs = q->rqs;
	pending_op = q->pending_op;
	q->rqs = NULL;
	q->pending_op = NULL;
	q->ring_size = 0;
	spin_unlock_irq(&q->lock);

	kfree(rqs);
	kfree(pending_op);
	blkfront_pool_free(q);
	xenpv_ring_free(&info->xd, &q->ring);
}

/**
 * blkfront_ring_setup() - allocate the shared rings and event channels.
 * @info: the device, not set up.
 * @order: each ring spans 2^@order pages.
 * @nr_queues: number of queues (rings), 1..@info->max_queues.
 *
 * Nothing is published; failures are reported fatal by the core.
 *
 * Context: process context, under @info->mutex.
 * Return: 0 or -errno (nothing stays allocated).
 */
int blkfront_ring_setup(struct blkfront_info *info, unsigned int order,
			unsigned int nr_queues)
{
	unsigned int i;
	int err;

	if (WARN_ON_ONCE(!nr_queues || nr_queues > info->max_queues))
		return -EINVAL;
	/* An earlier connection's broken_work must not see the new rings. */
	cancel_work_sync(&info->broken_work);
	spin_lock_irq(&info->lock);
	info->broken = false;
	info->running = false;
	spin_unlock_irq(&info->lock);

	for (i = 0; i < nr_queues; i++) {
		err = blkfront_queue_setup(&info->queues[i], order, nr_queues);
		if (err)
			goto out_teardown_queues;
		/* blkfront_show() and blkfront_idle() see set-up queues only. */
		WRITE_ONCE(info->nr_queues, i + 1);
	}
	info->ring_order = order;
	return 0;

out_teardown_queues:
	blkfront_ring_teardown(info);
	return err;
}

/**
 * blkfront_ring_teardown() - fail what is left, free rings and channels.
 * @info: the device; set up or not.
 *
 * Unbinds each event channel first (waiting for a running handler), so
 * no response is consumed while its ring goes away.  The queue structs
 * stay (blk-mq's hardware queues point at them until the disk is gone).
 *
 * Context: process context, under @info->mutex.
 */
void blkfront_ring_teardown(struct blkfront_info *info)
{
	unsigned int i;

	spin_lock_irq(&info->lock);
	info->running = false;
	spin_unlock_irq(&info->lock);

	for (i = 0; i < info->nr_queues; i++)
		blkfront_queue_teardown(&info->queues[i]);
	WRITE_ONCE(info->nr_queues, 0);
}

/*
 * Where segment @i of a request goes: the request itself, or the
 * indirect pages (with persistent grants: pages of the pool).
 */
static struct blkif_request_segment *
blkfront_seg(struct blkfront_cmd *cmd, struct blkif_request *req,
	     unsigned int i, bool indirect)
{
	unsigned int p = i / XENPV_BLK_SEGS_PER_INDIRECT_PAGE;
	struct blkif_request_segment *page;

	if (!indirect)
		return &req->u.rw.seg[i];
	if (cmd->nr_ind_pg)
		page = page_address(cmd->ind_pg[p]->page);
	else
		page = page_address(cmd->indirect[p]);
	return &page[i % XENPV_BLK_SEGS_PER_INDIRECT_PAGE];
}

/*
 * Get the @nr indirect pages: the request's own (re-allocated if one
 * was given away), or pool pages with persistent grants, whose grants
 * the backend keeps (it maps persistent grants read-write).
 */
static bool blkfront_indirect_pages(struct blkfront_queue *q,
				    struct blkfront_cmd *cmd, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (q->info->persistent) {
			cmd->ind_pg[i] = blkfront_pgnt_get(q);
			if (!cmd->ind_pg[i])
				return false;
			cmd->nr_ind_pg = i + 1;
			continue;
		}
		if (cmd->indirect[i])
			continue;
		cmd->indirect[i] = alloc_page(GFP_ATOMIC | __GFP_ZERO);
		if (!cmd->indirect[i])
			return false;
	}
	return true;
}

/* Grant the indirect pages (read-only unless persistent) once written. */
static int blkfront_grant_indirect(struct blkfront_queue *q,
				   struct blkfront_cmd *cmd,
				   struct blkif_request *req, unsigned int nr)
{
	unsigned int i;
	int err;

	for (i = 0; i < nr; i++) {
		if (cmd->nr_ind_pg) {
			err = blkfront_pgnt_grant(q, cmd->ind_pg[i], true);
			if (err)
				return err;
			req->u.indirect.indirect_grefs[i] = cmd->ind_pg[i]->gref;
			continue;
		}
		err = xenpv_grant_access(&q->info->xd,
					 xen_page_to_gfn(cmd->indirect[i]),
					 true, &cmd->indirect_gref[i]);
		if (err)
			return err;
		cmd->nr_indirect = i + 1;
		req->u.indirect.indirect_grefs[i] = cmd->indirect_gref[i];
	}
	return 0;
}

/*
 * One segment's data in copy mode: a pool page carries it at the same
 * offset (a write's data is copied in now, a read's copied out at
 * completion).  Return: the grant, or -errno.
 */
static int blkfront_grant_copy(struct blkfront_queue *q,
			       struct blkfront_cmd *cmd, struct scatterlist *sg,
			       bool ro, grant_ref_t *gref)
{
	struct blkfront_pgnt *pg;
	int err;

	pg = blkfront_pgnt_get(q);
	if (!pg)
		return -ENOMEM;
	cmd->pg[cmd->nr_pg++] = pg;
	if (ro)
		memcpy_from_page(page_address(pg->page) + sg->offset,
				 sg_page(sg), sg->offset, sg->length);
	err = blkfront_pgnt_grant(q, pg, ro);
	if (err)
		return err;
	*gref = pg->gref;
	return 0;
}

/*
 * Grant the frames of @rq's data and describe them in @req: inline
 * segments, or (above BLKFRONT_SEGS) segment descriptors in indirect
 * pages; *@nr_segs is set to the number of segments.  In copy mode the
 * frames granted are pool pages, not the request's.  Return:
 * BLK_STS_OK, or the status to fail the request with; nothing stays
 * granted (or taken from the pool) on failure.
 */
static blk_status_t blkfront_grant_data(struct blkfront_queue *q,
					struct request *rq,
					struct blkif_request *req, bool ro,
					unsigned int *nr_segs)
{
	struct blkfront_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct blkfront_info *info = q->info;
	struct blkif_request_segment *seg;
	struct scatterlist *sg;
	unsigned int off, len, pages = 0;
	grant_ref_t gref;
	bool indirect;
	int nseg, i, err;

	sg_init_table(cmd->sg, info->pdu_segs);
	nseg = blk_rq_map_sg(rq->q, rq, cmd->sg);
	if (WARN_ON_ONCE(nseg <= 0 || nseg > info->pdu_segs))
		return BLK_STS_IOERR;
	/*
	 * A request made before a restore, for a backend that took more
	 * segments than the one we reconnected to (the queue limits are
	 * lowered at the reconnection, later requests fit).
	 */
	if (nseg > info->max_segs) {
		dev_warn_ratelimited(&info->xd.xbdev->dev,
				     "%s: a request of %d segments made before the restore does not fit the backend's %u: failing it\n",
				     info->name, nseg, info->max_segs);
		return BLK_STS_IOERR;
	}
	indirect = nseg > BLKFRONT_SEGS;
	if (indirect) {
		pages = xenpv_blkif_indirect_pages(nseg);
		if (WARN_ON_ONCE(pages > info->indirect_pages))
			return BLK_STS_IOERR;
		if (!blkfront_indirect_pages(q, cmd, pages)) {
			blkfront_release(q, cmd, false);
			return BLK_STS_RESOURCE;
		}
	}

	for_each_sg(cmd->sg, sg, nseg, i) {
		off = sg->offset;
		len = sg->length;
		if (WARN_ON_ONCE(off + len > XEN_PAGE_SIZE || !len ||
				 ((off | len) & (SECTOR_SIZE - 1)))) {
			blkfront_release(q, cmd, false);
			return BLK_STS_IOERR;
		}
		if (info->copy) {
			err = blkfront_grant_copy(q, cmd, sg, ro, &gref);
		} else {
			err = xenpv_grant_access(&info->xd,
						 xen_page_to_gfn(sg_page(sg)),
						 ro, &cmd->gref[i]);
			if (!err) {
				cmd->nr_grefs = i + 1;
				gref = cmd->gref[i];
			}
		}
		if (err) {
			blkfront_release(q, cmd, false);
			return BLK_STS_RESOURCE;
		}
		seg = blkfront_seg(cmd, req, i, indirect);
		*seg = (struct blkif_request_segment) {
			.gref		= gref,
			.first_sect	= off >> SECTOR_SHIFT,
			.last_sect	= ((off + len) >> SECTOR_SHIFT) - 1,
		};
	}
	if (indirect && blkfront_grant_indirect(q, cmd, req, pages)) {
		blkfront_release(q, cmd, false);
		return BLK_STS_RESOURCE;
	}
	*nr_segs = nseg;
	return BLK_STS_OK;
}

/* Fill in the header of a read/write/flush request, plain or indirect. */
static void blkfront_rw_header(struct blkfront_info *info,
			       struct blkif_request *req, struct request *rq,
			       u8 op, unsigned int nseg)
{
	if (nseg > BLKFRONT_SEGS) {
		req->operation = BLKIF_OP_INDIRECT;
		req->u.indirect.indirect_op = op;
		req->u.indirect.nr_segments = nseg;
		req->u.indirect.id = rq->tag;
		req->u.indirect.sector_number = blk_rq_pos(rq);
		req->u.indirect.handle = (blkif_vdev_t)info->vdevice;
		return;
	}
	req->operation = op;
	req->u.rw.nr_segments = nseg;
	req->u.rw.handle = (blkif_vdev_t)info->vdevice;
	req->u.rw.id = rq->tag;
	req->u.rw.sector_number = blk_rq_pos(rq);
}

/* A discard (or, with BLKIF_DISCARD_SECURE, a secure erase): no data. */
static void blkfront_discard_header(struct blkif_request *req,
				    struct request *rq)
{
	struct blkif_request_discard *d = XENPV_BLKIF_DISCARD(req);

	req->operation = BLKIF_OP_DISCARD;
	d->flag = req_op(rq) == REQ_OP_SECURE_ERASE ? BLKIF_DISCARD_SECURE : 0;
	d->id = rq->tag;
	d->sector_number = blk_rq_pos(rq);
	d->nr_sectors = blk_rq_sectors(rq);
}

/**
 * blkfront_submit() - put one block request on a queue's shared ring.
 * @q: the queue of the request's hardware context.
 * @rq: a started request; its tag is the blkif id.
 *
 * Context: blk-mq dispatch (may not sleep).
 * Return: BLK_STS_OK when queued to the backend; BLK_STS_RESOURCE when
 * grant references ran out (blk-mq retries); BLK_STS_NOTSUPP for an
 * operation the backend does not offer; BLK_STS_IOERR when the device is
 * not connected or broke.
 */
blk_status_t blkfront_submit(struct blkfront_queue *q, struct request *rq)
{
	struct blkfront_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct blkfront_info *info = q->info;
	struct blkif_request req = {};
	unsigned int id = rq->tag;
	unsigned int nseg = 0;
	unsigned long flags;
	blk_status_t sts;
	bool ro = false;
	int notify;
	u8 op;

	cmd->nr_grefs = 0;
	cmd->nr_indirect = 0;
	cmd->nr_pg = 0;
	cmd->nr_ind_pg = 0;
	cmd->status = BLK_STS_OK;
	switch (req_op(rq)) {
	case REQ_OP_READ:
		op = BLKIF_OP_READ;
		break;
	case REQ_OP_WRITE:
		op = BLKIF_OP_WRITE;
		if ((rq->cmd_flags & REQ_FUA) && READ_ONCE(info->fua))
			op = READ_ONCE(info->flush_op) ?: BLKIF_OP_WRITE;
		ro = true;
		break;
	case REQ_OP_FLUSH:
		op = READ_ONCE(info->flush_op);
		if (!op)
			return BLK_STS_NOTSUPP;
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
		if (!READ_ONCE(info->discard))
			return BLK_STS_NOTSUPP;
		if (req_op(rq) == REQ_OP_SECURE_ERASE &&
		    !info->discard_lim.secure)
			return BLK_STS_NOTSUPP;
		op = BLKIF_OP_DISCARD;
		blkfront_discard_header(&req, rq);
		goto queue;
	default:
		return BLK_STS_NOTSUPP;
	}

	if (blk_rq_nr_phys_segments(rq)) {
		sts = blkfront_grant_data(q, rq, &req, ro, &nseg);
		if (sts != BLK_STS_OK)
			return sts;
		/* Only reads and writes can be indirect. */
		if (nseg > BLKFRONT_SEGS && op != BLKIF_OP_READ &&
		    op != BLKIF_OP_WRITE) {
			WARN_ON_ONCE(1);
			blkfront_release(q, cmd, false);
			return BLK_STS_IOERR;
		}
	} else if (op == BLKIF_OP_READ || op == BLKIF_OP_WRITE) {
		return BLK_STS_IOERR;
	}
	blkfront_rw_header(info, &req, rq, op, nseg);

queue:
	spin_lock_irqsave(&q->lock, flags);
	if (!READ_ONCE(info->running) || READ_ONCE(info->broken) ||
	    !q->front.sring) {
		sts = BLK_STS_IOERR;
		goto out_revoke;
	}
	if (RING_FULL(&q->front)) {
		sts = BLK_STS_DEV_RESOURCE;
		goto out_revoke;
	}
	if (WARN_ON_ONCE(id >= q->ring_size ||
			 q->pending_op[id] != XENPV_BLKIF_OP_NONE)) {
		sts = BLK_STS_IOERR;
		goto out_revoke;
	}
	*RING_GET_REQUEST(&q->front, q->front.req_prod_pvt) = req;
	q->front.req_prod_pvt++;
	q->pending_op[id] = op;
	q->rqs[id] = rq;
	q->inflight++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->front, notify);
	spin_unlock_irqrestore(&q->lock, flags);

	if (notify)
		xenpv_evtchn_notify(&q->evtchn);
	return BLK_STS_OK;

out_revoke:
	spin_unlock_irqrestore(&q->lock, flags);
	blkfront_release(q, cmd, false);
	return sts;
}

/**
 * blkfront_show() - the debugfs hook: ring indices and requests in flight.
 * @xd: the device's core part.
 * @m: the debugfs status file.
 */
void blkfront_show(struct xenpv_dev *xd, struct seq_file *m)
{
	struct blkfront_info *info = blkfront_from_xd(xd);
	unsigned int i, nr = READ_ONCE(info->nr_queues);
	struct blkfront_queue *q;
	unsigned long flags;

	spin_lock_irqsave(&info->lock, flags);
	seq_printf(m, "disk: %s vdevice %u sectors %llu sector-size %u\n",
		   info->name, info->vdevice, info->sectors,
		   info->sector_size);
	seq_printf(m, "running: %d broken: %d flush-op: %u fua: %d\n",
		   info->running, info->broken, info->flush_op, info->fua);
	seq_printf(m, "segments: %u indirect-pages: %u queues: %u persistent: %d bounce: %d\n",
		   info->max_segs, info->indirect_pages, nr, info->persistent,
		   info->bounce);
	seq_printf(m, "resumed: %u quiesced: %d adding: %d added: %d\n",
		   info->resumed, info->quiesced, info->adding,
		   info->disk_added);
	spin_unlock_irqrestore(&info->lock, flags);

	if (!nr)
		seq_puts(m, "ring: not set up\n");
	for (i = 0; i < nr; i++) {
		q = &info->queues[i];
		spin_lock_irqsave(&q->lock, flags);
		if (!q->front.sring) {
			seq_printf(m, "q%u: not set up\n", i);
		} else {
			seq_printf(m, "q%u: size %u req_prod_pvt %u rsp_cons %u sring req_prod %u rsp_prod %u in-flight %u pages %u\n",
				   i, q->ring_size, q->front.req_prod_pvt,
				   q->front.rsp_cons,
				   READ_ONCE(q->front.sring->req_prod),
				   READ_ONCE(q->front.sring->rsp_prod),
				   q->inflight, READ_ONCE(q->nr_pgnts));
		}
		spin_unlock_irqrestore(&q->lock, flags);
	}
}
