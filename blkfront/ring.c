// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront ring: building blkif requests and consuming responses.
 *
 * Request ids are blk-mq tags; the tag set is as deep as the ring, so an
 * id is never reused while its request is outstanding.  For each id the
 * operation sent is kept in @pending_op, which is what a response is
 * checked against before anything it names is touched.
 *
 * The backend is not trusted: each response is copied off the shared
 * ring before it is looked at, the response producer is bounded by the
 * requests we made, and a backend that breaks either rule gets the
 * device marked broken (all I/O failed, queue stopped, state Closing)
 * instead of a crash.
 */
#include "common.h"

#include <linux/slab.h>
#include <xen/page.h>

/*
 * Give back the grants of one request; false if the backend kept one.
 * An indirect page the backend still maps goes to the kernel's deferred
 * list with its grant (it must never be written again); the request
 * then gets a fresh page when it next needs one.
 */
static bool blkfront_revoke(struct blkfront_info *info,
			    struct blkfront_cmd *cmd)
{
	bool all = true;
	unsigned int i;

	for (i = 0; i < cmd->nr_grefs; i++)
		if (!xenpv_grant_revoke(&info->xd, cmd->gref[i], NULL))
			all = false;
	cmd->nr_grefs = 0;
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
	if (!cmd->sg || !cmd->gref)
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
	kfree(cmd->gref);
	kfree(cmd->sg);
	cmd->gref = NULL;
	cmd->sg = NULL;
}

/* Take the request off id @id; the caller holds info->lock. */
static struct request *blkfront_take(struct blkfront_info *info,
				     unsigned int id)
{
	struct request *rq = info->rqs[id];

	info->rqs[id] = NULL;
	info->pending_op[id] = XENPV_BLKIF_OP_NONE;
	info->inflight--;
	return rq;
}

/**
 * blkfront_fail_all() - complete every outstanding request with an error.
 * @info: the device; the caller holds @info->lock.
 *
 * Used when the backend is gone or broken.  Grants the backend still maps
 * go to the kernel's deferred list (see xenpv_grant_revoke()).
 */
void blkfront_fail_all(struct blkfront_info *info)
{
	struct blkfront_cmd *cmd;
	struct request *rq;
	unsigned int id;

	if (!info->pending_op)
		return;
	for (id = 0; id < info->ring_size; id++) {
		if (info->pending_op[id] == XENPV_BLKIF_OP_NONE)
			continue;
		rq = blkfront_take(info, id);
		cmd = blk_mq_rq_to_pdu(rq);
		blkfront_revoke(info, cmd);
		cmd->status = BLK_STS_IOERR;
		blk_mq_complete_request(rq);
	}
	wake_up(&info->drained);
}

/* The backend broke the protocol; the caller holds info->lock. */
static void blkfront_mark_broken(struct blkfront_info *info, const char *why,
				 long long a, long long b)
{
	if (info->broken)
		return;
	info->broken = true;
	info->running = false;
	dev_err_ratelimited(&info->xd.xbdev->dev,
			    "%s: backend broke the ring protocol: %s (%lld, %lld); failing I/O\n",
			    info->name, why, a, b);
	blkfront_fail_all(info);
	if (info->gd)
		blk_mq_stop_hw_queues(info->gd->queue);
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
			info->flush_op = 0;
			info->fua = false;
			schedule_work(&info->flush_work);
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
 * Consume the responses the backend produced; the caller holds the
 * lock.  Return: number consumed, or -errno when the device broke.
 */
static int blkfront_consume(struct blkfront_info *info)
{
	struct blkif_front_ring *fr = &info->front;
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
				 info->ring_size);
	if (n < 0) {
		blkfront_mark_broken(info, "response producer out of range",
				     prod, fr->rsp_cons);
		return n;
	}

	for (i = fr->rsp_cons; i != prod; i++) {
		RING_COPY_RESPONSE(fr, i, &rsp);
		fr->rsp_cons = i + 1;
		err = xenpv_blkif_rsp_validate(&rsp, info->ring_size,
					       info->pending_op);
		if (err) {
			blkfront_mark_broken(info, "bad response id/op",
					     rsp.id, rsp.operation);
			return err;
		}
		op = info->pending_op[rsp.id];
		rq = blkfront_take(info, rsp.id);
		cmd = blk_mq_rq_to_pdu(rq);
		cmd->status = blkfront_status(info, &rsp, op);
		if (!blkfront_revoke(info, cmd)) {
			cmd->status = BLK_STS_IOERR;
			kept = true;
		}
		blk_mq_complete_request(rq);
	}
	if (kept) {
		blkfront_mark_broken(info, "grant still mapped after response",
				     prod, 0);
		return -EBUSY;
	}
	return n;
}

static irqreturn_t blkfront_interrupt(int irq, void *dev_id)
{
	struct blkfront_info *info = dev_id;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	unsigned long flags;
	int more, n;

	spin_lock_irqsave(&info->lock, flags);
	if (!info->front.sring || info->broken)
		goto out_unlock;
	do {
		n = blkfront_consume(info);
		if (n < 0)
			goto out_unlock;
		if (n)
			eoi = 0;
		RING_FINAL_CHECK_FOR_RESPONSES(&info->front, more);
	} while (more);
	if (!info->inflight)
		wake_up(&info->drained);
out_unlock:
	spin_unlock_irqrestore(&info->lock, flags);
	xenpv_evtchn_eoi(&info->evtchn, eoi);
	return IRQ_HANDLED;
}

/**
 * blkfront_idle() - no request is waiting for the backend.
 * @info: the device.
 *
 * Return: true when nothing is in flight (or the device broke).
 */
bool blkfront_idle(struct blkfront_info *info)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&info->lock, flags);
	idle = !info->inflight || info->broken;
	spin_unlock_irqrestore(&info->lock, flags);
	return idle;
}

/**
 * blkfront_ring_setup() - allocate the shared ring and the event channel.
 * @info: the device, not set up.
 * @order: the ring spans 2^@order pages.
 *
 * Nothing is published; failures are reported fatal by the core.
 *
 * Context: process context, under @info->mutex.
 * Return: 0 or -errno (nothing stays allocated).
 */
int blkfront_ring_setup(struct blkfront_info *info, unsigned int order)
{
	struct blkif_sring *sring;
	unsigned int size, id;
	int err;

	err = xenpv_ring_alloc(&info->xd, &info->ring, "ring", order);
	if (err)
		return err;
	sring = info->ring.va;
	size = __RING_SIZE(sring, xenpv_ring_bytes(&info->ring));

	info->pending_op = kmalloc_array(size, sizeof(*info->pending_op),
					 GFP_KERNEL);
	info->rqs = kcalloc(size, sizeof(*info->rqs), GFP_KERNEL);
	if (!info->pending_op || !info->rqs) {
		err = -ENOMEM;
		xenpv_dev_fatal(&info->xd, err, "allocating request ids");
		goto out_free_ids;
	}
	for (id = 0; id < size; id++)
		info->pending_op[id] = XENPV_BLKIF_OP_NONE;

	spin_lock_irq(&info->lock);
	XEN_FRONT_RING_INIT(&info->front, sring, xenpv_ring_bytes(&info->ring));
	info->ring_size = size;
	info->inflight = 0;
	info->broken = false;
	info->running = false;
	spin_unlock_irq(&info->lock);

	err = xenpv_evtchn_alloc(&info->xd, &info->evtchn, "blkif",
				 blkfront_interrupt, info);
	if (err)
		goto out_detach;
	return 0;

out_detach:
	spin_lock_irq(&info->lock);
	info->front.sring = NULL;
	spin_unlock_irq(&info->lock);
out_free_ids:
	kfree(info->rqs);
	kfree(info->pending_op);
	info->rqs = NULL;
	info->pending_op = NULL;
	xenpv_ring_free(&info->xd, &info->ring);
	return err;
}

/**
 * blkfront_ring_teardown() - fail what is left and free ring and channel.
 * @info: the device; set up or not.
 *
 * Unbinds the event channel first (waiting for a running handler), so
 * no response is consumed while the ring goes away.
 *
 * Context: process context, under @info->mutex.
 */
void blkfront_ring_teardown(struct blkfront_info *info)
{
	xenpv_evtchn_unbind(&info->xd, &info->evtchn);

	spin_lock_irq(&info->lock);
	info->running = false;
	blkfront_fail_all(info);
	info->front.sring = NULL;
	spin_unlock_irq(&info->lock);

	kfree(info->rqs);
	kfree(info->pending_op);
	info->rqs = NULL;
	info->pending_op = NULL;
	info->ring_size = 0;
	xenpv_ring_free(&info->xd, &info->ring);
}

/*
 * Where segment @i of a request goes: the request itself, or the
 * indirect pages.
 */
static struct blkif_request_segment *
blkfront_seg(struct blkfront_cmd *cmd, struct blkif_request *req,
	     unsigned int i, bool indirect)
{
	struct blkif_request_segment *page;

	if (!indirect)
		return &req->u.rw.seg[i];
	page = page_address(cmd->indirect[i / XENPV_BLK_SEGS_PER_INDIRECT_PAGE]);
	return &page[i % XENPV_BLK_SEGS_PER_INDIRECT_PAGE];
}

/* Make sure the first @nr indirect pages exist (one was given away). */
static bool blkfront_indirect_pages(struct blkfront_cmd *cmd, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (cmd->indirect[i])
			continue;
		cmd->indirect[i] = alloc_page(GFP_ATOMIC | __GFP_ZERO);
		if (!cmd->indirect[i])
			return false;
	}
	return true;
}

/* Grant the indirect pages, read-only, after the segments were written. */
static int blkfront_grant_indirect(struct blkfront_info *info,
				   struct blkfront_cmd *cmd,
				   struct blkif_request *req, unsigned int nr)
{
	unsigned int i;
	int err;

	for (i = 0; i < nr; i++) {
		err = xenpv_grant_access(&info->xd,
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
 * Grant the frames of @rq's data and describe them in @req: inline
 * segments, or (above BLKFRONT_SEGS) segment descriptors in indirect
 * pages; *@nr_segs is set to the number of segments.  Return:
 * BLK_STS_OK, or the status to fail the request with; nothing stays
 * granted on failure.
 */
static blk_status_t blkfront_grant_data(struct blkfront_info *info,
					struct request *rq,
					struct blkif_request *req, bool ro,
					unsigned int *nr_segs)
{
	struct blkfront_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct blkif_request_segment *seg;
	struct scatterlist *sg;
	unsigned int off, len, pages = 0;
	bool indirect;
	int nseg, i, err;

	sg_init_table(cmd->sg, info->max_segs);
	nseg = blk_rq_map_sg(rq->q, rq, cmd->sg);
	if (WARN_ON_ONCE(nseg <= 0 || nseg > info->max_segs))
		return BLK_STS_IOERR;
	indirect = nseg > BLKFRONT_SEGS;
	if (indirect) {
		pages = xenpv_blkif_indirect_pages(nseg);
		if (WARN_ON_ONCE(pages > info->indirect_pages))
			return BLK_STS_IOERR;
		if (!blkfront_indirect_pages(cmd, pages))
			return BLK_STS_RESOURCE;
	}

	for_each_sg(cmd->sg, sg, nseg, i) {
		off = sg->offset;
		len = sg->length;
		if (WARN_ON_ONCE(off + len > XEN_PAGE_SIZE || !len ||
				 ((off | len) & (SECTOR_SIZE - 1)))) {
			blkfront_revoke(info, cmd);
			return BLK_STS_IOERR;
		}
		err = xenpv_grant_access(&info->xd,
					 xen_page_to_gfn(sg_page(sg)), ro,
					 &cmd->gref[i]);
		if (err) {
			blkfront_revoke(info, cmd);
			return BLK_STS_RESOURCE;
		}
		cmd->nr_grefs = i + 1;
		seg = blkfront_seg(cmd, req, i, indirect);
		*seg = (struct blkif_request_segment) {
			.gref		= cmd->gref[i],
			.first_sect	= off >> SECTOR_SHIFT,
			.last_sect	= ((off + len) >> SECTOR_SHIFT) - 1,
		};
	}
	if (indirect && blkfront_grant_indirect(info, cmd, req, pages)) {
		blkfront_revoke(info, cmd);
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

/**
 * blkfront_submit() - put one block request on the shared ring.
 * @info: the device.
 * @rq: a started request; its tag is the blkif id.
 *
 * Context: blk-mq dispatch (may not sleep).
 * Return: BLK_STS_OK when queued to the backend; BLK_STS_RESOURCE when
 * grant references ran out (blk-mq retries); BLK_STS_NOTSUPP for an
 * operation the backend does not offer; BLK_STS_IOERR when the device is
 * not connected or broke.
 */
blk_status_t blkfront_submit(struct blkfront_info *info, struct request *rq)
{
	struct blkfront_cmd *cmd = blk_mq_rq_to_pdu(rq);
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
	cmd->status = BLK_STS_OK;
	switch (req_op(rq)) {
	case REQ_OP_READ:
		op = BLKIF_OP_READ;
		break;
	case REQ_OP_WRITE:
		op = BLKIF_OP_WRITE;
		if ((rq->cmd_flags & REQ_FUA) && info->fua && info->flush_op)
			op = info->flush_op;
		ro = true;
		break;
	case REQ_OP_FLUSH:
		op = READ_ONCE(info->flush_op);
		if (!op)
			return BLK_STS_NOTSUPP;
		break;
	default:
		return BLK_STS_NOTSUPP;
	}

	if (blk_rq_nr_phys_segments(rq)) {
		sts = blkfront_grant_data(info, rq, &req, ro, &nseg);
		if (sts != BLK_STS_OK)
			return sts;
		/* Only reads and writes can be indirect. */
		if (nseg > BLKFRONT_SEGS && op != BLKIF_OP_READ &&
		    op != BLKIF_OP_WRITE) {
			WARN_ON_ONCE(1);
			blkfront_revoke(info, cmd);
			return BLK_STS_IOERR;
		}
	} else if (op == BLKIF_OP_READ || op == BLKIF_OP_WRITE) {
		return BLK_STS_IOERR;
	}
	blkfront_rw_header(info, &req, rq, op, nseg);

	spin_lock_irqsave(&info->lock, flags);
	if (!info->running || info->broken || !info->front.sring) {
		sts = BLK_STS_IOERR;
		goto out_revoke;
	}
	if (RING_FULL(&info->front)) {
		sts = BLK_STS_DEV_RESOURCE;
		goto out_revoke;
	}
	if (WARN_ON_ONCE(id >= info->ring_size ||
			 info->pending_op[id] != XENPV_BLKIF_OP_NONE)) {
		sts = BLK_STS_IOERR;
		goto out_revoke;
	}
	*RING_GET_REQUEST(&info->front, info->front.req_prod_pvt) = req;
	info->front.req_prod_pvt++;
	info->pending_op[id] = op;
	info->rqs[id] = rq;
	info->inflight++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&info->front, notify);
	spin_unlock_irqrestore(&info->lock, flags);

	if (notify)
		xenpv_evtchn_notify(&info->evtchn);
	return BLK_STS_OK;

out_revoke:
	spin_unlock_irqrestore(&info->lock, flags);
	blkfront_revoke(info, cmd);
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
	unsigned long flags;

	spin_lock_irqsave(&info->lock, flags);
	seq_printf(m, "disk: %s vdevice %u sectors %llu sector-size %u\n",
		   info->name, info->vdevice, info->sectors,
		   info->sector_size);
	if (!info->front.sring) {
		seq_puts(m, "ring: not set up\n");
	} else {
		seq_printf(m, "ring: size %u req_prod_pvt %u rsp_cons %u sring req_prod %u rsp_prod %u\n",
			   info->ring_size, info->front.req_prod_pvt,
			   info->front.rsp_cons,
			   READ_ONCE(info->front.sring->req_prod),
			   READ_ONCE(info->front.sring->rsp_prod));
	}
	seq_printf(m, "in-flight: %u running: %d broken: %d flush-op: %u fua: %d\n",
		   info->inflight, info->running, info->broken,
		   info->flush_op, info->fua);
	seq_printf(m, "segments: %u indirect-pages: %u\n", info->max_segs,
		   info->indirect_pages);
	spin_unlock_irqrestore(&info->lock, flags);
}
