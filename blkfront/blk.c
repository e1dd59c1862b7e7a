// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront blk-mq glue: one hardware queue per shared ring, as deep
 * as the ring, a gendisk whose limits keep every request within one blkif
 * request (11 segments of at most one 4 KiB frame each, or the
 * negotiated number of indirect segments).
 */
#include "common.h"

#include <linux/cdrom.h>
#include <linux/hdreg.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <xen/interface/io/blkif.h>

/* Sectors per discard request (4 GiB less one block of 512 bytes). */
#define BLKFRONT_MAX_DISCARD_SECTORS	(UINT_MAX >> SECTOR_SHIFT)

/* The geometry HDIO_GETGEO reports (a vbd has none). */
#define BLKFRONT_GEO_HEADS		255
#define BLKFRONT_GEO_SECTORS		63
#define BLKFRONT_GEO_MAX_CYLINDERS	0xffff

static blk_status_t blkfront_queue_rq(struct blk_mq_hw_ctx *hctx,
				      const struct blk_mq_queue_data *bd)
{
	struct blkfront_queue *q = hctx->driver_data;

	blk_mq_start_request(bd->rq);
	return blkfront_submit(q, bd->rq);
}

/* Hardware queue n sends on ring n. */
static int blkfront_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			      unsigned int hctx_idx)
{
	struct blkfront_info *info = data;

	if (WARN_ON_ONCE(hctx_idx >= info->nr_queues))
		return -EINVAL;
	hctx->driver_data = &info->queues[hctx_idx];
	return 0;
}

static void blkfront_complete_rq(struct request *rq)
{
	struct blkfront_cmd *cmd = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, cmd->status);
}

static int blkfront_init_request(struct blk_mq_tag_set *set,
				 struct request *rq, unsigned int hctx_idx,
				 unsigned int numa_node)
{
	return blkfront_cmd_init(set->driver_data, blk_mq_rq_to_pdu(rq));
}

static void blkfront_exit_request(struct blk_mq_tag_set *set,
				  struct request *rq, unsigned int hctx_idx)
{
	blkfront_cmd_exit(blk_mq_rq_to_pdu(rq));
}

static const struct blk_mq_ops blkfront_mq_ops = {
	.queue_rq	= blkfront_queue_rq,
	.complete	= blkfront_complete_rq,
	.init_hctx	= blkfront_init_hctx,
	.init_request	= blkfront_init_request,
	.exit_request	= blkfront_exit_request,
};

/*
 * The disk's driver data (gd->private_data) is cleared under this lock
 * before the disk is deleted: a file still open on a removed vbd keeps
 * the gendisk, not the struct blkfront_info, and its ioctls must not
 * reach the freed device.
 */
static DEFINE_SPINLOCK(blkfront_gd_lock);

/* The backend's info bits (VDISK_*) of @disk's device; 0 once removed. */
static u32 blkfront_disk_vdisk_info(struct gendisk *disk)
{
	struct blkfront_info *info;
	u32 vdisk_info = 0;

	spin_lock(&blkfront_gd_lock);
	info = disk->private_data;
	if (info)
		vdisk_info = READ_ONCE(info->vdisk_info);
	spin_unlock(&blkfront_gd_lock);
	return vdisk_info;
}

/*
 * HDIO_GETGEO: a vbd has no geometry; report the usual made-up one
 * (255 heads, 63 sectors per track) with as many cylinders as fit in
 * the capacity, at most 0xffff.  The block layer fills in ->start.
 */
static int blkfront_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	sector_t cylinders = get_capacity(bdev->bd_disk);

	sector_div(cylinders, BLKFRONT_GEO_HEADS * BLKFRONT_GEO_SECTORS);
	geo->heads = BLKFRONT_GEO_HEADS;
	geo->sectors = BLKFRONT_GEO_SECTORS;
	geo->cylinders = min_t(sector_t, cylinders, BLKFRONT_GEO_MAX_CYLINDERS);
	return 0;
}

/*
 * The CD-ROM ioctls that tools ask any disk (udev runs cdrom_id on
 * xvd* disks: CDROM_GET_CAPABILITY tells it a CD-ROM):
 *   CDROMMULTISESSION     a zeroed struct cdrom_multisession: one
 *                         session starting at block 0;
 *   CDROM_GET_CAPABILITY  0 for a vbd the backend marked VDISK_CDROM,
 *                         -EINVAL (as Linux's blkfront) for any other.
 * Everything else: -ENOTTY (not an ioctl of this device).  The generic
 * block ioctls (BLKGETSIZE64, HDIO_GETGEO...) never get here.
 */
static int blkfront_ioctl(struct block_device *bdev, xenpv_blk_mode_t mode,
			  unsigned int cmd, unsigned long arg)
{
	struct cdrom_multisession ms;

	switch (cmd) {
	case CDROMMULTISESSION:
		memset(&ms, 0, sizeof(ms));
		if (copy_to_user((void __user *)arg, &ms, sizeof(ms)))
			return -EFAULT;
		return 0;
	case CDROM_GET_CAPABILITY:
		if (blkfront_disk_vdisk_info(bdev->bd_disk) & VDISK_CDROM)
			return 0;
		return -EINVAL;
	default:
		return -ENOTTY;
	}
}

static const struct block_device_operations blkfront_fops = {
	.owner		= THIS_MODULE,
	.getgeo		= blkfront_getgeo,
	.ioctl		= blkfront_ioctl,
	.compat_ioctl	= blkdev_compat_ptr_ioctl,
};

static void blkfront_limits(struct blkfront_info *info,
			    struct xenpv_queue_limits *l)
{
	*l = (struct xenpv_queue_limits) {
		.logical_block_size	= info->sector_size,
		.physical_block_size	= info->physical_sector_size,
		.max_hw_sectors		= info->max_segs *
					  XENPV_SECTORS_PER_PAGE,
		.max_segments		= info->max_segs,
		.max_segment_size	= XEN_PAGE_SIZE,
		.seg_boundary_mask	= XEN_PAGE_SIZE - 1,
		.dma_alignment		= SECTOR_SIZE - 1,
		.write_cache		= info->flush_op != 0,
		.fua			= info->flush_op && info->fua,
	};
	if (info->discard) {
		l->max_discard_sectors = BLKFRONT_MAX_DISCARD_SECTORS;
		l->discard_granularity = info->discard_lim.granularity;
		l->discard_alignment = info->discard_lim.alignment;
		if (info->discard_lim.secure)
			l->max_secure_erase_sectors =
				BLKFRONT_MAX_DISCARD_SECTORS;
	}
}

/**
 * blkfront_disk_update_limits() - tell the block layer about cache flushes
 *	and discards, after the backend refused one of them.
 * @info: the device with a disk; @info->flush_op, @info->fua and
 *	@info->discard decide.
 *
 * Context: process context, under @info->mutex.
 */
void blkfront_disk_update_limits(struct blkfront_info *info)
{
	struct xenpv_queue_limits l;

	if (!info->gd)
		return;
	blkfront_limits(info, &l);
	if (xenpv_blk_update_limits(info->gd->queue, &l))
		dev_warn(&info->xd.xbdev->dev, "%s: cannot update the queue limits\n",
			 info->name);
}

/**
 * blkfront_disk_create() - create the tag set and the gendisk.
 * @info: a device whose ring is set up and whose disk parameters are read.
 *
 * Requests are accepted (@info->running) from here on, so that the
 * partition scan of device_add_disk() (blkfront_disk_add(), from
 * @info->add_work) reaches the backend.  On failure everything is
 * undone by blkfront_disk_remove().
 *
 * Context: process context, under @info->mutex.
 * Return: 0 or -errno.
 */
int blkfront_disk_create(struct blkfront_info *info)
{
	struct blk_mq_tag_set *set = &info->tag_set;
	struct xenpv_queue_limits lim;
	struct gendisk *gd;
	int err;

	info->pdu_segs = info->max_segs;
	memset(set, 0, sizeof(*set));
	set->ops = &blkfront_mq_ops;
	set->nr_hw_queues = info->nr_queues;
	set->queue_depth = min_t(unsigned int, info->queues[0].ring_size,
				 BLK_MQ_MAX_DEPTH);
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->cmd_size = sizeof(struct blkfront_cmd);
	set->driver_data = info;
	err = blk_mq_alloc_tag_set(set);
	if (err)
		return err;
	info->tag_set_ready = true;

	blkfront_limits(info, &lim);
	gd = xenpv_blk_mq_alloc_disk(set, &lim, info);
	if (IS_ERR(gd))
		return PTR_ERR(gd);

	gd->major = XENVBD_MAJOR;
	gd->first_minor = info->first_minor;
	gd->minors = info->nr_minors;
	gd->fops = &blkfront_fops;
	spin_lock(&blkfront_gd_lock);
	gd->private_data = info;
	spin_unlock(&blkfront_gd_lock);
	strscpy(gd->disk_name, info->name, sizeof(gd->disk_name));
	/*
	 * As Linux's blkfront: removable only when the backend says so
	 * (VDISK_REMOVABLE); a VDISK_CDROM vbd alone is a fixed read-only
	 * disk that answers the CD-ROM ioctls (its medium never changes
	 * while connected: xl cd-insert/cd-eject are for HVM guests).
	 */
	if (info->vdisk_info & VDISK_REMOVABLE)
		gd->flags |= GENHD_FL_REMOVABLE;
	if (info->nr_minors == 1)
		gd->flags |= GENHD_FL_NO_PART;

	spin_lock_irq(&info->lock);
	info->gd = gd;
	spin_unlock_irq(&info->lock);

	set_capacity(gd, info->sectors);
	set_disk_ro(gd, info->vdisk_info & VDISK_READONLY);

	spin_lock_irq(&info->lock);
	info->running = !info->broken;
	spin_unlock_irq(&info->lock);
	return 0;
}

/**
 * blkfront_disk_add() - add the disk made by blkfront_disk_create().
 * @info: the device; @info->adding is set.
 * @announce: set to whether the device still runs with its disk added
 *	(not disconnected, broken or restored meanwhile): then the caller
 *	announces Connected.
 *
 * device_add_disk() reads the partition table through our queues and
 * waits for the reads; a backend that never answers is ended by a
 * disconnect, which fails the reads (see blkfront_disk_remove()).
 *
 * Context: @info->add_work only; without @info->mutex, which the
 * disconnect holds while it waits for this to return.
 * Return: 0 or -errno from device_add_disk().
 */
int blkfront_disk_add(struct blkfront_info *info, bool *announce)
{
	int err;

	err = device_add_disk(&info->xd.xbdev->dev, info->gd, NULL);
	spin_lock_irq(&info->lock);
	info->adding = false;
	info->disk_added = !err;
	*announce = !err && info->running;
	spin_unlock_irq(&info->lock);
	return err;
}

/**
 * blkfront_disk_remove() - remove the disk and free the tag set.
 * @info: the device, with or without (part of) a disk; it no longer
 *	runs and no request is left on a ring (torn down or never set up).
 *
 * Requests still queued in blk-mq are failed (the device no longer
 * runs, so the restarted queue ends them with an error) before the disk
 * is deleted.  A disk still being added: @info->add_work is cancelled
 * if it has not started, else waited for; its partition-table reads
 * fail like any request now, so device_add_disk() returns.
 *
 * Context: process context, under @info->mutex.
 */
void blkfront_disk_remove(struct blkfront_info *info)
{
	struct gendisk *gd = info->gd;
	bool added;

	if (gd) {
		/* Requests waiting for a reconnection fail now (not running). */
		if (info->quiesced) {
			blk_mq_unquiesce_queue(gd->queue);
			info->quiesced = false;
		}
		blk_mq_kick_requeue_list(gd->queue);
		blk_mq_start_stopped_hw_queues(gd->queue, true);
		/* After the kick: the work may wait for a requeued read. */
		cancel_work_sync(&info->add_work);
		spin_lock_irq(&info->lock);
		info->adding = false;
		added = info->disk_added;
		info->disk_added = false;
		spin_unlock_irq(&info->lock);
		spin_lock(&blkfront_gd_lock);
		gd->private_data = NULL;
		spin_unlock(&blkfront_gd_lock);
		if (added)
			del_gendisk(gd);
		spin_lock_irq(&info->lock);
		info->gd = NULL;
		spin_unlock_irq(&info->lock);
		put_disk(gd);
	}
	if (info->tag_set_ready)
		blk_mq_free_tag_set(&info->tag_set);
	info->tag_set_ready = false;
}

/**
 * blkfront_disk_resize() - the backend changed the device size.
 * @info: a connected device.
 * @sectors: the new size in 512-byte sectors.
 *
 * Context: process context, under @info->mutex.
 */
void blkfront_disk_resize(struct blkfront_info *info, u64 sectors)
{
	if (!info->gd || sectors == info->sectors)
		return;
	dev_info(&info->xd.xbdev->dev, "%s: resized from %llu to %llu sectors\n",
		 info->name, info->sectors, sectors);
	info->sectors = sectors;
	set_capacity_and_notify(info->gd, sectors);
}
