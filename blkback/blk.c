// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkback block glue: the backing device (any block device the
 * hotplug script names in physical-device, usually a loop device) and
 * the bios a request turns into.
 *
 * A request's segments are mapped frontend pages; they go into as few
 * bios as the block layer allows, all completing into
 * blkback_bio_done().  Flushes and barriers become PREFLUSH writes (a
 * barrier with data also FUA); a backing device that refuses a flush
 * gets BLKIF_RSP_EOPNOTSUPP back to the frontend, any other failure
 * BLKIF_RSP_ERROR.
 */
#include "common.h"

#include <linux/bio.h>

/**
 * blkback_bdev_open() - open the backing device named by physical-device.
 * @be: the device, with @be->major, @be->minor and @be->readonly set.
 *
 * Opens the device for reading, and writing unless the vbd is
 * read-only, and reads its size and features into @be.
 *
 * Context: process context, under the device mutex.
 * Return: 0 or -errno.
 */
int blkback_bdev_open(struct blkback_dev *be)
{
	struct block_device *bdev;

	bdev = xenpv_bdev_open(&be->bdev_handle, MKDEV(be->major, be->minor),
			       !be->readonly);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	be->bdev = bdev;
	be->sectors = bdev_nr_sectors(bdev);
	be->flush = bdev_write_cache(bdev);
	be->discard = bdev_max_discard_sectors(bdev) != 0;
	be->discard_secure = bdev_max_secure_erase_sectors(bdev) != 0;

	memset(&be->lim, 0, sizeof(be->lim));
	be->lim.capacity = be->sectors;
	be->lim.readonly = be->readonly;
	be->lim.flush = be->flush;
	be->lim.barrier = be->flush;
	be->lim.max_indirect_segments = BLKBACK_MAX_SEGS;
	be->lim.sector_size = bdev_logical_block_size(bdev);
	return 0;
}

/**
 * blkback_bdev_close() - close the backing device.
 * @be: the device; nothing happens when no device is open.
 *
 * Context: process context, under the device mutex, no queue connected.
 */
void blkback_bdev_close(struct blkback_dev *be)
{
	if (!be->bdev)
		return;
	xenpv_bdev_close(&be->bdev_handle, be->bdev);
	be->bdev = NULL;
}

/**
 * blkback_bdev_sectors() - the backing device's current size.
 * @be: a device with an open backing device.
 *
 * Return: size in 512-byte sectors.
 */
u64 blkback_bdev_sectors(struct blkback_dev *be)
{
	return bdev_nr_sectors(be->bdev);
}

static void blkback_end_io(struct bio *bio)
{
	struct blkback_req *req = bio->bi_private;

	blkback_bio_done(req, bio->bi_status);
	bio_put(bio);
}

static struct bio *blkback_bio(struct blkback_req *req, unsigned int nr_vecs,
			       blk_opf_t opf, sector_t sector)
{
	struct bio *bio;

	bio = bio_alloc(req->q->be->bdev, nr_vecs, opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	bio->bi_private = req;
	bio->bi_end_io = blkback_end_io;
	atomic_inc(&req->pending);
	return bio;
}

/**
 * blkback_submit() - issue the bios of a mapped, validated request.
 * @req: the request; its segments are mapped.
 *
 * Completion (also of a request with no data) comes through
 * blkback_bio_done(), which hands the request back to the worker.
 *
 * Context: the queue's worker.
 * Return: 0 (the request is under way), or -errno when nothing was
 * submitted and the caller answers the request itself.
 */
int blkback_submit(struct blkback_req *req)
{
	unsigned int i, left, len, off;
	sector_t sector = req->sector;
	struct bio *bio = NULL;
	struct blk_plug plug;
	blk_opf_t opf;

	switch (req->data_op) {
	case BLKIF_OP_READ:
		opf = REQ_OP_READ;
		break;
	case BLKIF_OP_WRITE:
		opf = REQ_OP_WRITE | REQ_SYNC;
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH;
		break;
	case BLKIF_OP_WRITE_BARRIER:
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH;
		if (req->nr_segs)
			opf |= REQ_FUA;
		break;
	default:
		return -EOPNOTSUPP;
	}

	/* The submitter's reference: the request cannot complete early. */
	atomic_set(&req->pending, 1);
	blk_start_plug(&plug);
	if (!req->nr_segs) {
		bio = blkback_bio(req, 0, opf, 0);
		submit_bio(bio);
	}
	for (i = 0, left = req->nr_segs; i < req->nr_segs; i++, left--) {
		struct blkback_seg *seg = &req->segs[i];

		off = seg->first_sect << SECTOR_SHIFT;
		len = (seg->last_sect - seg->first_sect + 1) << SECTOR_SHIFT;
		if (bio && bio_add_page(bio, seg->page, len, off) == len) {
			sector += len >> SECTOR_SHIFT;
			continue;
		}
		if (bio)
			submit_bio(bio);
		bio = blkback_bio(req, min_t(unsigned int, left, BIO_MAX_VECS),
				  opf, sector);
		if (bio_add_page(bio, seg->page, len, off) != len) {
			/* A fresh bio takes one page; never seen. */
			bio_io_error(bio);
			bio = NULL;
			break;
		}
		sector += len >> SECTOR_SHIFT;
	}
	if (bio && req->nr_segs)
		submit_bio(bio);
	blk_finish_plug(&plug);

	blkback_bio_done(req, BLK_STS_OK);
	return 0;
}

/**
 * blkback_discard() - execute a validated discard request.
 * @be: the device (discard was advertised).
 * @req: the copied request.
 *
 * A secure discard is a secure erase when the backing device offers
 * it, else a plain discard (as advertised in discard-secure).
 *
 * Context: the queue's worker; sleeps until the discard is done.
 * Return: 0 or -errno (-EOPNOTSUPP when the device refused).
 */
int blkback_discard(struct blkback_dev *be, const struct blkif_request *req)
{
	sector_t sector = req->u.discard.sector_number;
	sector_t nr = req->u.discard.nr_sectors;

	if (!nr)
		return 0;
	if ((req->u.discard.flag & BLKIF_DISCARD_SECURE) && be->discard_secure)
		return blkdev_issue_secure_erase(be->bdev, sector, nr,
						 GFP_KERNEL);
	return blkdev_issue_discard(be->bdev, sector, nr, GFP_KERNEL);
}
