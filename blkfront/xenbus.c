// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: probe/remove, negotiation with the backend and the
 * state machine.
 *
 *   backend InitWait   -> read max-ring-page-order and
 *                         multi-queue-max-queues, allocate a ring and an
 *                         event channel per queue, publish ring-ref(s),
 *                         event-channel(s) (under queue-N/ with several
 *                         queues), multi-queue-num-queues, protocol,
 *                         feature-persistent in one transaction, where
 *                         the ring keys of an earlier connection are
 *                         removed (xenpv_publish_queues()); we go
 *                         Initialised
 *   backend Connected  -> read sectors/info/sector-size, flush, indirect,
 *                         discard and persistent-grant features, create
 *                         the disk (one hw queue per ring) and queue
 *                         add_work, which adds it (device_add_disk(),
 *                         partition scan) and then we go Connected
 *                         (later changes of sectors resize the disk)
 *   backend Closing    -> finish or fail the I/O in flight, end
 *     or Closed           add_work (cancelled, or waited for), delete
 *                         the disk, free ring, channel and grants; we
 *                         go Closed
 *
 * The disk is added from a work item, not from the xenwatch thread that
 * calls peer_changed: device_add_disk() waits for the partition-table
 * read, and a backend that never answers it must not stop every other
 * xenstore watch of the domU (its own Closing included).  add_work never
 * takes info->mutex; a disconnect, under the mutex, first stops the
 * device and fails what is in flight, so the reads of a partition scan
 * still running fail and add_work ends, and only then waits for it
 * (blkfront_disk_remove()).
 *
 * A backend that breaks the ring protocol gets us to Closing (from a
 * work item, ring.c marks the device broken).
 *
 * After a restore (.resume): the disk stays, its queue is quiesced, the
 * requests that were on the old rings are given back to blk-mq, rings
 * and channels are freed and we start again from Initialising with the
 * new backend; at its Connected the features are read again, the queue
 * limits updated and the requests sent again (blkfront_reconnect()).
 */
#include "common.h"

#include <linux/module.h>
#include <linux/slab.h>
#include <xen/xen.h>
#include <xen/page.h>
#include <xen/platform_pci.h>
#include <xen/interface/io/protocols.h>

/* int as in-tree (modinfo shows the type); bounded to 0..4 at load. */
static int blkfront_max_ring_order;
module_param_named(max_ring_page_order, blkfront_max_ring_order, int, 0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Maximum order of pages to be used for the shared ring. Default: 0");

/*
 * Segments per request with indirect requests (in-tree name, type and
 * default); the backend's feature-max-indirect-segments also applies, and
 * the request layout's 8 indirect pages (4096 segments).  11 or less:
 * no indirect requests.
 */
static unsigned int blkfront_max_indirect = 32;
module_param_named(max_indirect_segments, blkfront_max_indirect, uint, 0444);
MODULE_PARM_DESC(max_indirect_segments,
		 "Maximum amount of segments in indirect requests. Default: 32");

/*
 * Hardware queues (rings) per device, as in-tree: the backend's
 * multi-queue-max-queues and the online CPUs also apply.  0444; bounded
 * once at load to 1..nr_cpu_ids.
 */
static unsigned int blkfront_max_queues = 4;
module_param_named(max_queues, blkfront_max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Maximum number of hardware queues/rings used per virtual disk. Default: 4");

/*
 * Persistent grants (in-tree name, type, default): offered in
 * feature-persistent when the rings are published, used when the
 * backend offers them too (read at each connect).
 */
static bool blkfront_feature_persistent = true;
module_param_named(feature_persistent, blkfront_feature_persistent, bool,
		   0644);
MODULE_PARM_DESC(feature_persistent,
		 "Enables the persistent grants feature. Default: Y");

/*
 * Whether the backend may see our pages as they are (in-tree name, type,
 * default).  N, or a "trusted" node of 0 written by the toolstack
 * (xl's "untrusted"): data goes through zeroed bounce pages of ours.
 * Read when the rings are published.
 */
static bool blkfront_trusted = true;
module_param_named(trusted, blkfront_trusted, bool, 0644);
MODULE_PARM_DESC(trusted, "Is the backend trusted. Default: Y");

/* How long a closing backend gets to answer the requests in flight. */
#define BLKFRONT_DRAIN_TIMEOUT	(10 * HZ)

/* Minor ranges of all devices, so that two vbds never share a minor. */
static LIST_HEAD(blkfront_disks);
static DEFINE_MUTEX(blkfront_disks_lock);

/*
 * Decode virtual-device with xenpv_vdev_translate(): xvd numbers, the
 * extended form, and hd/sd numbers mapped onto xvd disks as Linux does
 * (hda -> xvda).  A partition number gives a single-minor disk named
 * after it (xvda1).
 */
static int blkfront_parse_vdevice(struct blkfront_info *info)
{
	struct xenpv_dev *xd = &info->xd;
	struct xenpv_vdev v;
	u32 vdev;
	int err;

	err = xenpv_read_u32(xd, xd->xbdev->nodename, "virtual-device",
			     U32_MAX, 0, U32_MAX, &vdev);
	if (!err && vdev == U32_MAX)
		err = xenpv_read_u32(xd, xd->xbdev->nodename,
				     "virtual-device-ext", U32_MAX, 0,
				     U32_MAX, &vdev);
	if (err || vdev == U32_MAX) {
		xenpv_dev_fatal(xd, err ? err : -ENOENT,
				"reading virtual-device");
		return err ? err : -ENOENT;
	}

	err = xenpv_vdev_translate(vdev, &v);
	if (err == -ENODEV) {
		xenpv_dev_fatal(xd, err,
				"virtual-device %#x: not an xvd, hd or sd number",
				vdev);
		return err;
	}
	if (err) {
		xenpv_dev_fatal(xd, err, "virtual-device %#x out of range",
				vdev);
		return err;
	}
	/*
	 * An HVM guest whose emulated disks were not unplugged sees hd/sd
	 * numbers as QEMU's disks too: leave those to the emulated driver
	 * (as Linux does), or one disk would be written through two paths.
	 */
	if (v.emulated && xen_hvm_domain() &&
	    xen_has_pv_and_legacy_disk_devices()) {
		dev_info(&xd->xbdev->dev,
			 "virtual-device %#x is an emulated disk here; not taken\n",
			 vdev);
		return -ENODEV;
	}
	err = xenpv_vdev_name(&v, info->name, sizeof(info->name));
	if (err < 0) {
		xenpv_dev_fatal(xd, err, "virtual-device %#x: name", vdev);
		return err;
	}
	info->vdevice = vdev;
	info->first_minor = v.first_minor;
	info->nr_minors = v.nr_minors;
	if (v.emulated)
		dev_info(&xd->xbdev->dev, "virtual-device %#x is %s\n", vdev,
			 info->name);
	return 0;
}

static int blkfront_reserve_minors(struct blkfront_info *info)
{
	struct blkfront_info *o;
	int err = 0;

	mutex_lock(&blkfront_disks_lock);
	list_for_each_entry(o, &blkfront_disks, node) {
		if (info->first_minor < o->first_minor + o->nr_minors &&
		    o->first_minor < info->first_minor + info->nr_minors) {
			err = -EBUSY;
			break;
		}
	}
	if (!err)
		list_add_tail(&info->node, &blkfront_disks);
	mutex_unlock(&blkfront_disks_lock);
	if (err)
		xenpv_dev_fatal(&info->xd, err, "minors of %s already in use",
				info->name);
	return err;
}

static void blkfront_release_minors(struct blkfront_info *info)
{
	mutex_lock(&blkfront_disks_lock);
	list_del_init(&info->node);
	mutex_unlock(&blkfront_disks_lock);
}

/* What blkfront_publish_queue() writes in a queue's directory. */
static const char *const blkfront_queue_keys[] = {
	"ring-ref", "event-channel", NULL
};

static int blkfront_publish_queue(struct xenpv_dev *xd,
				  struct xenbus_transaction xbt,
				  const char *dir, unsigned int i, void *arg)
{
	struct blkfront_queue *q = &((struct blkfront_info *)arg)->queues[i];
	int err;

	err = xenpv_ring_publish(xd, xbt, dir, "ring-ref", &q->ring);
	if (!err)
		err = xenpv_evtchn_publish(xd, xbt, dir, "event-channel",
					   &q->evtchn);
	return err;
}

/* One queue: the keys of a single-queue frontend (no queue-0/), as in-tree. */
static int blkfront_publish_refs(struct xenpv_dev *xd,
				 struct xenbus_transaction xbt, void *arg)
{
	struct blkfront_info *info = arg;

	return xenpv_publish_queues(xd, xbt, info->nr_queues, false,
				    blkfront_queue_keys,
				    blkfront_publish_queue, info);
}

/* Backend waits for us: set up and publish the rings.  Under info->mutex. */
static void blkfront_talk(struct blkfront_info *info)
{
	struct xenpv_dev *xd = &info->xd;
	unsigned int order, nr, k = 0;
	struct xenpv_kv kv[2];
	u32 be_order, be_queues;
	int err;

	if (xenpv_our_state(xd) != XenbusStateInitialising)
		return;

	xenpv_read_u32(xd, NULL, "max-ring-page-order", 0, 0,
		       XENPV_RING_MAX_ORDER, &be_order);
	order = min_t(unsigned int, be_order, max(blkfront_max_ring_order, 0));
	xenpv_read_u32(xd, NULL, "multi-queue-max-queues", 0, 0, U32_MAX,
		       &be_queues);
	nr = xenpv_blkif_front_queues(be_queues, info->max_queues,
				      num_online_cpus());
	/*
	 * Reconnecting a disk (after a restore): its hardware queues stay,
	 * one ring each.  A backend that offers fewer cannot carry them.
	 */
	if (info->gd) {
		nr = info->tag_set.nr_hw_queues;
		if (nr > 1 && be_queues < nr) {
			xenpv_dev_fatal(xd, -EINVAL,
					"%s: the backend offers %u queues, the disk has %u",
					info->name, be_queues, nr);
			return;
		}
	}

	info->want_persistent = READ_ONCE(blkfront_feature_persistent);
	info->bounce = !READ_ONCE(blkfront_trusted) ||
		       !xenpv_read_bool(xd, xd->xbdev->nodename, "trusted",
					true);

	err = blkfront_ring_setup(info, order, nr);
	if (err)
		return;

	xenpv_kv_set(&kv[k++], "protocol", "%s", XEN_IO_PROTO_ABI_NATIVE);
	xenpv_kv_set(&kv[k++], "feature-persistent", "%u",
		     info->want_persistent);
	err = xenpv_publish(xd, NULL, kv, k, blkfront_publish_refs, info);
	if (err) {
		blkfront_ring_teardown(info);
		return;
	}
	xenpv_feature_note(xd, "ring-page-order", "%u (backend %u)", order,
			   be_order);
	xenpv_feature_note(xd, "ring-entries", "%u", info->queues[0].ring_size);
	xenpv_feature_note(xd, "queues", "%u (backend %u, param %u)", nr,
			   be_queues, info->max_queues);
	xenpv_set_state(xd, XenbusStateInitialised, "rings published");
}

/* The backend's "sectors"; absent or malformed is an error. */
static int blkfront_read_sectors(struct blkfront_info *info, u64 *sectors)
{
	int err;

	/* U64_MAX, outside the accepted range, marks an absent key. */
	err = xenpv_read_u64(&info->xd, NULL, "sectors", U64_MAX, 0,
			     U64_MAX - 1, sectors);
	if (err == -ERANGE || (!err && *sectors == U64_MAX))
		return -EINVAL;
	return err;
}

/* feature-discard and its limits; refused limits: no discard at all. */
static void blkfront_read_discard(struct blkfront_info *info)
{
	struct xenpv_dev *xd = &info->xd;
	u32 gran, align;
	bool secure;

	info->discard = false;
	if (!xenpv_read_bool(xd, NULL, "feature-discard", false))
		return;
	xenpv_read_u32(xd, NULL, "discard-granularity", 0, 0, U32_MAX, &gran);
	xenpv_read_u32(xd, NULL, "discard-alignment", 0, 0, U32_MAX, &align);
	secure = xenpv_read_bool(xd, NULL, "discard-secure", false);
	if (xenpv_blkif_discard_limits(gran, align, secure, info->sector_size,
				       &info->discard_lim)) {
		dev_warn(&xd->xbdev->dev,
			 "%s: discard-granularity %u / discard-alignment %u unusable, not discarding\n",
			 info->name, gran, align);
		return;
	}
	info->discard = true;
}

/* Read the disk parameters the backend published.  Under info->mutex. */
static int blkfront_read_params(struct blkfront_info *info)
{
	struct xenpv_dev *xd = &info->xd;
	u32 lss, pss;
	int err;

	err = blkfront_read_sectors(info, &info->sectors);
	if (err) {
		xenpv_dev_fatal(xd, err, "reading sectors");
		return err;
	}
	xenpv_read_u32(xd, NULL, "info", 0, 0, U32_MAX, &info->vdisk_info);
	/* A logical block must fit in one segment: one grant, 4 KiB. */
	err = xenpv_read_u32(xd, NULL, "sector-size", SECTOR_SIZE, SECTOR_SIZE,
			     XEN_PAGE_SIZE, &lss);
	if (err || !is_power_of_2(lss)) {
		xenpv_dev_fatal(xd, -EINVAL, "bad sector-size");
		return -EINVAL;
	}
	err = xenpv_read_u32(xd, NULL, "physical-sector-size", lss, lss,
			     U32_MAX, &pss);
	if (err || !is_power_of_2(pss))
		pss = lss;
	info->sector_size = lss;
	info->physical_sector_size = pss;

	xenpv_read_u32(xd, NULL, "feature-max-indirect-segments", 0, 0,
		       U32_MAX, &info->be_indirect);
	info->max_segs = xenpv_blkif_front_segs(info->be_indirect,
						blkfront_max_indirect);
	/* Reconnecting: the requests' arrays are as big as they were. */
	if (info->gd)
		info->max_segs = min(info->max_segs, info->pdu_segs);
	info->indirect_pages = info->max_segs > BLKFRONT_SEGS ?
			       xenpv_blkif_indirect_pages(info->max_segs) : 0;

	/*
	 * A barrier carries at most BLKFRONT_SEGS segments (it cannot be
	 * indirect): with indirect requests FUA is left to the block layer
	 * (a write, then a barrier without data).
	 */
	info->flush_op = 0;
	info->fua = false;
	if (xenpv_read_bool(xd, NULL, "feature-flush-cache", false)) {
		info->flush_op = BLKIF_OP_FLUSH_DISKCACHE;
	} else if (xenpv_read_bool(xd, NULL, "feature-barrier", false)) {
		info->flush_op = BLKIF_OP_WRITE_BARRIER;
		info->fua = !info->indirect_pages;
	}

	blkfront_read_discard(info);

	info->persistent = info->want_persistent &&
			   xenpv_read_bool(xd, NULL, "feature-persistent", false);
	info->copy = info->persistent || info->bounce;

	xenpv_feature_note(xd, "sectors", "%llu", info->sectors);
	xenpv_feature_note(xd, "sector-size", "%u/%u", lss, pss);
	xenpv_feature_note(xd, "info", "%#x%s%s%s", info->vdisk_info,
			   info->vdisk_info & VDISK_READONLY ? " ro" : "",
			   info->vdisk_info & VDISK_REMOVABLE ? " rm" : "",
			   info->vdisk_info & VDISK_CDROM ? " cd" : "");
	xenpv_feature_note(xd, "persistent", "%u (offered %u)",
			   info->persistent, info->want_persistent);
	xenpv_feature_note(xd, "bounce", "%u", info->bounce);
	xenpv_feature_note(xd, "indirect-segments", "%u (backend %u)",
			   info->indirect_pages ? info->max_segs : 0,
			   info->be_indirect);
	xenpv_feature_note(xd, "flush", "%s",
			   info->flush_op == BLKIF_OP_FLUSH_DISKCACHE ?
			   "flush-cache" : info->flush_op ? "barrier" : "none");
	if (info->discard)
		xenpv_feature_note(xd, "discard", "%u/%u%s",
				   info->discard_lim.granularity,
				   info->discard_lim.alignment,
				   info->discard_lim.secure ? " secure" : "");
	else
		xenpv_feature_note(xd, "discard", "none");
	return 0;
}

/* The negotiated features: one line per device and connection. */
static void blkfront_print_features(struct blkfront_info *info)
{
	const char *flush;
	char ind[32], disc[48];

	switch (info->flush_op) {
	case BLKIF_OP_FLUSH_DISKCACHE:
		flush = "flush diskcache: enabled";
		break;
	case BLKIF_OP_WRITE_BARRIER:
		flush = info->fua ? "barrier: enabled (fua)" :
				    "barrier: enabled";
		break;
	default:
		flush = "flush diskcache: disabled";
		break;
	}
	if (info->indirect_pages)
		snprintf(ind, sizeof(ind), "enabled (%u segments)",
			 info->max_segs);
	else
		strscpy(ind, "disabled", sizeof(ind));
	if (info->discard)
		snprintf(disc, sizeof(disc), "enabled (granularity %u%s)",
			 info->discard_lim.granularity,
			 info->discard_lim.secure ? ", secure" : "");
	else
		strscpy(disc, "disabled", sizeof(disc));

	dev_info(&info->xd.xbdev->dev,
		 "%s: %llu sectors of %u bytes%s; %s; persistent grants: %s; indirect descriptors: %s; queues: %u; ring order: %u; discard: %s; bounce buffer: %s\n",
		 info->name, info->sectors, info->sector_size,
		 info->vdisk_info & VDISK_READONLY ? ", read-only" : "",
		 flush, info->persistent ? "enabled" : "disabled", ind,
		 info->nr_queues, info->ring_order, disc,
		 info->bounce ? "enabled" : "disabled");
}

/*
 * The new backend after a restore is connected: same disk, features
 * read again (they may differ: persistent grants, indirect segments,
 * flush, discard), queue limits updated, then the requests that waited
 * (those of the old rings first) are sent.  Stays synchronous: the disk
 * exists, nothing here waits for the backend.  Under info->mutex.
 */
static void blkfront_reconnect(struct blkfront_info *info)
{
	struct xenpv_dev *xd = &info->xd;
	u64 old_sectors = info->sectors, sectors;
	u32 old_lss = info->sector_size;
	bool adding, added;
	int err;

	err = blkfront_read_params(info);
	if (err)
		return;
	if (info->sector_size != old_lss) {
		xenpv_dev_fatal(xd, -EINVAL,
				"%s: sector-size %u after the restore, was %u",
				info->name, info->sector_size, old_lss);
		return;
	}
	blkfront_disk_update_limits(info);
	sectors = info->sectors;
	info->sectors = old_sectors;
	blkfront_disk_resize(info, sectors);

	spin_lock_irq(&info->lock);
	info->running = !info->broken;
	adding = info->adding;
	added = info->disk_added;
	spin_unlock_irq(&info->lock);
	if (info->quiesced) {
		blk_mq_unquiesce_queue(info->gd->queue);
		info->quiesced = false;
	}
	blk_mq_kick_requeue_list(info->gd->queue);
	/*
	 * Restored while the disk was being added: the partition reads
	 * taken off the old rings go to the new backend now, and add_work
	 * announces Connected once the disk is added.
	 */
	if (adding)
		return;
	/* device_add_disk() failed before the restore. */
	if (!added) {
		xenpv_dev_fatal(xd, -ENODEV, "%s: disk not added", info->name);
		return;
	}
	xenpv_set_state(xd, XenbusStateConnected, "reconnected after restore");
	blkfront_print_features(info);
}

/*
 * Add the disk blkfront_connect() created, then announce Connected.
 * Without info->mutex (see blkfront_disk_add()).  Not announced when
 * the device stopped meanwhile: broken (broken_work says Closing), being
 * disconnected (which waits for this before it writes its own state),
 * or restored and not reconnected yet (blkfront_reconnect() announces
 * then).  Broken just after the check: broken_work's Closing may come
 * first, and our Connected is then refused by the core (a logged,
 * harmless refusal: Closing stays).
 */
static void blkfront_add_work(struct work_struct *work)
{
	struct blkfront_info *info = container_of(work, struct blkfront_info,
						  add_work);
	struct xenpv_dev *xd = &info->xd;
	bool announce;
	int err;

	err = blkfront_disk_add(info, &announce);
	if (err) {
		xenpv_dev_fatal(xd, err, "adding disk %s", info->name);
		return;
	}
	if (!announce)
		return;
	xenpv_set_state(xd, XenbusStateConnected, "disk added");
	blkfront_print_features(info);
}

/*
 * Backend connected: create the disk and queue its addition, or notice
 * a resize.  Under mutex.
 */
static void blkfront_connect(struct blkfront_info *info)
{
	struct xenpv_dev *xd = &info->xd;
	enum xenbus_state state = xenpv_our_state(xd);
	u64 sectors;
	int err;

	/* After a restore the disk exists: same disk, new backend. */
	if (state == XenbusStateInitialised && info->gd && info->quiesced) {
		blkfront_reconnect(info);
		return;
	}
	/* Connected, or the disk is being added by add_work. */
	if (state == XenbusStateConnected ||
	    (state == XenbusStateInitialised && info->gd)) {
		if (!blkfront_read_sectors(info, &sectors))
			blkfront_disk_resize(info, sectors);
		return;
	}
	if (state != XenbusStateInitialised)
		return;

	err = blkfront_read_params(info);
	if (err)
		return;
	err = blkfront_disk_create(info);
	if (err) {
		blkfront_disk_remove(info);
		xenpv_dev_fatal(xd, err, "adding disk %s", info->name);
		return;
	}
	/* device_add_disk() waits for the partition table: not here. */
	spin_lock_irq(&info->lock);
	info->adding = true;
	spin_unlock_irq(&info->lock);
	queue_work(system_long_wq, &info->add_work);
}

/*
 * Take the device down: stop new I/O, give the backend a bounded time
 * to answer what is in flight, fail the rest, delete the disk (after
 * add_work: cancelled before it started, or ended by the failed
 * partition reads) and free ring, channel and grants.  Safe on a
 * half-built device and when called twice.  Under info->mutex, which
 * no task holds while it waits for I/O that was not failed.
 */
static void blkfront_disconnect(struct blkfront_info *info)
{
	spin_lock_irq(&info->lock);
	info->running = false;
	spin_unlock_irq(&info->lock);

	if (info->nr_queues &&
	    !wait_event_timeout(info->drained, blkfront_idle(info),
				BLKFRONT_DRAIN_TIMEOUT))
		dev_warn(&info->xd.xbdev->dev,
			 "%s: backend did not answer all requests, failing them\n",
			 info->name);
	blkfront_ring_teardown(info);
	blkfront_disk_remove(info);
	blkfront_pools_free(info);
}

static void blkfront_peer_changed(struct xenpv_dev *xd,
				  enum xenbus_state state, bool legal)
{
	struct blkfront_info *info = blkfront_from_xd(xd);

	mutex_lock(&info->mutex);
	if (!legal) {
		blkfront_disconnect(info);
		xenpv_set_state(xd, XenbusStateClosing, "illegal peer state");
		goto out_unlock;
	}
	switch (state) {
	case XenbusStateInitWait:
		blkfront_talk(info);
		break;
	case XenbusStateConnected:
		blkfront_connect(info);
		break;
	case XenbusStateClosed:
		/*
		 * Nothing to close, or a backend still Closed from an
		 * earlier connection while we ask it to reconnect.
		 */
		if (xenpv_our_state(xd) == XenbusStateInitialising)
			break;
		fallthrough;
	case XenbusStateClosing:
		if (xenpv_our_state(xd) == XenbusStateClosed)
			break;
		blkfront_disconnect(info);
		xenpv_frontend_closed(xd, state == XenbusStateClosing ?
				      "peer Closing" : "peer Closed");
		break;
	default:
		break;
	}
out_unlock:
	mutex_unlock(&info->mutex);
}

static const struct xenpv_dev_ops blkfront_xd_ops = {
	.peer_changed	= blkfront_peer_changed,
	.show		= blkfront_show,
};

static void blkfront_broken_work(struct work_struct *work)
{
	struct blkfront_info *info = container_of(work, struct blkfront_info,
						  broken_work);

	/*
	 * The queue that broke is failed already; the others now.  Not
	 * under info->mutex: this I/O must fail now (add_work's partition
	 * scan may wait for it), not after the mutex's holder, which may
	 * be a disconnect waiting for add_work.
	 */
	blkfront_fail_queues(info);
	xenpv_dev_error(&info->xd, -EPROTO, "%s: backend broke the ring",
			info->name);
	xenpv_set_state(&info->xd, XenbusStateClosing, "backend broke ring");
}

static void blkfront_limits_work(struct work_struct *work)
{
	struct blkfront_info *info = container_of(work, struct blkfront_info,
						  limits_work);

	mutex_lock(&info->mutex);
	blkfront_disk_update_limits(info);
	mutex_unlock(&info->mutex);
}

/*
 * A guest with a device model (x86 HVM: QEMU) also sees the vbd's CD-ROM
 * as QEMU's emulated drive, which the unplug protocol never removes:
 * leave a vbd whose toolstack entry says device-type "cdrom" to it, as
 * Linux's blkfront does.  PV, PVH and ARM guests have no emulated drive:
 * there the vbd is the only way to the CD-ROM and we take it (Linux's
 * blkfront refuses it wherever xen_hvm_domain() is true, ARM and PVH
 * included, and also a vbd without device-type there).
 */
static bool blkfront_left_to_emulator(struct xenbus_device *xbdev)
{
	bool cdrom;
	char *type;

	if (!IS_ENABLED(CONFIG_X86) || !xen_hvm_domain() || xen_pvh_domain())
		return false;
	type = xenbus_read(XBT_NIL, xbdev->nodename, "device-type", NULL);
	if (IS_ERR(type))
		return false;
	cdrom = strstarts(type, "cdrom");
	kfree(type);
	if (cdrom)
		dev_info(&xbdev->dev,
			 "device-type cdrom in an HVM guest: left to the emulated CD-ROM; not taken\n");
	return cdrom;
}

static int blkfront_probe(struct xenbus_device *xbdev,
			  const struct xenbus_device_id *id)
{
	struct blkfront_info *info;
	unsigned int i;
	int err;

	if (blkfront_left_to_emulator(xbdev))
		return -ENODEV;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->max_queues = blkfront_max_queues;
	info->queues = kcalloc(info->max_queues, sizeof(*info->queues),
			       GFP_KERNEL);
	if (!info->queues) {
		kfree(info);
		return -ENOMEM;
	}
	for (i = 0; i < info->max_queues; i++) {
		info->queues[i].info = info;
		info->queues[i].index = i;
		spin_lock_init(&info->queues[i].lock);
		spin_lock_init(&info->queues[i].pool_lock);
		INIT_LIST_HEAD(&info->queues[i].pool);
	}
	mutex_init(&info->mutex);
	spin_lock_init(&info->lock);
	init_waitqueue_head(&info->drained);
	INIT_WORK(&info->broken_work, blkfront_broken_work);
	INIT_WORK(&info->limits_work, blkfront_limits_work);
	INIT_WORK(&info->add_work, blkfront_add_work);
	INIT_LIST_HEAD(&info->node);

	err = xenpv_dev_init(&info->xd, xbdev, XENPV_FRONTEND,
			     &blkfront_xd_ops);
	if (err)
		goto out_destroy_mutex;
	err = blkfront_parse_vdevice(info);
	if (err)
		goto out_destroy_xd;
	err = blkfront_reserve_minors(info);
	if (err)
		goto out_destroy_xd;

	/*
	 * Re-bound after a remove (rmmod): our node still says Closed.
	 * Going back to Initialising asks the backend to reconnect (it
	 * answers with InitWait).
	 */
	if (xenpv_our_state(&info->xd) == XenbusStateClosed)
		xenpv_set_state(&info->xd, XenbusStateInitialising,
				"probed again");

	/* The otherend watch fires too; blkfront_talk() runs only once. */
	if (xenpv_peer_state(&info->xd) == XenbusStateInitWait) {
		mutex_lock(&info->mutex);
		blkfront_talk(info);
		mutex_unlock(&info->mutex);
	}
	return 0;

out_destroy_xd:
	xenpv_dev_destroy(&info->xd);
out_destroy_mutex:
	mutex_destroy(&info->mutex);
	kfree(info->queues);
	kfree(info);
	return err;
}

static void blkfront_remove(struct xenbus_device *xbdev)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(xbdev);
	struct blkfront_info *info;

	if (!xd)
		return;
	info = blkfront_from_xd(xd);

	mutex_lock(&info->mutex);
	blkfront_disconnect(info);
	mutex_unlock(&info->mutex);
	cancel_work_sync(&info->broken_work);
	cancel_work_sync(&info->limits_work);
	if (xenpv_our_state(xd) != XenbusStateClosed)
		xenpv_frontend_closed(xd, "removed");

	blkfront_release_minors(info);
	xenpv_dev_destroy(xd);
	mutex_destroy(&info->mutex);
	kfree(info->queues);
	kfree(info);
}

XENPV_DEFINE_REMOVE(blkfront_remove)

/*
 * After a restore (xl restore, or a migration): rings, channels and
 * grants belonged to the old host and the old backend is gone.  The
 * disk stays; its queue is quiesced (requests wait instead of failing),
 * the requests that were on the old rings are given back to blk-mq to
 * be sent again, and rings, channels and copy-mode pages are freed.
 * The xenbus core has set our state back to Initialising and watches
 * the new backend: its InitWait makes blkfront_talk() negotiate again,
 * its Connected blkfront_reconnect().  What we last saw of the old
 * backend is forgotten (Unknown: any state is a legal first sighting).
 */
static int blkfront_resume(struct xenbus_device *xbdev)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(xbdev);
	struct blkfront_info *info;
	unsigned int n;

	if (!xd)
		return 0;
	info = blkfront_from_xd(xd);
	mutex_lock(&info->mutex);
	/* No dispatch runs after this: a request is on a ring or waits. */
	if (info->gd && !info->quiesced) {
		blk_mq_quiesce_queue(info->gd->queue);
		info->quiesced = true;
	}
	spin_lock_irq(&info->lock);
	info->running = false;
	spin_unlock_irq(&info->lock);
	n = blkfront_requeue_inflight(info);
	blkfront_ring_teardown(info);
	xenpv_peer_changed(xd, XenbusStateUnknown);
	info->resumed++;
	mutex_unlock(&info->mutex);
	dev_info(&xbdev->dev, "%s: resumed: %u requests to send again, reconnecting to the backend\n",
		 info->name[0] ? info->name : "vbd", n);
	return 0;
}

static const struct xenbus_device_id blkfront_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver blkfront_driver = {
	.ids			= blkfront_ids,
	.probe			= blkfront_probe,
	.remove			= blkfront_remove_cb,
	.resume			= blkfront_resume,
	.otherend_changed	= xenpv_otherend_changed,
	.not_essential		= true,
};

static int __init blkfront_init(void)
{
	int err;

	BUILD_BUG_ON(PAGE_SIZE != XEN_PAGE_SIZE);
	if (!xen_domain() || !xen_has_pv_disk_devices())
		return -ENODEV;

	/* 0444: checked once, here. */
	if (blkfront_max_ring_order < 0) {
		pr_info("Invalid max_ring_page_order %d, using 0\n",
			blkfront_max_ring_order);
		blkfront_max_ring_order = 0;
	}
	if (blkfront_max_ring_order > XENPV_RING_MAX_ORDER) {
		pr_info("Invalid max_ring_page_order %d, using %d\n",
			blkfront_max_ring_order, XENPV_RING_MAX_ORDER);
		blkfront_max_ring_order = XENPV_RING_MAX_ORDER;
	}

	if (!blkfront_max_queues || blkfront_max_queues > nr_cpu_ids) {
		pr_info("Invalid max_queues %u, using %u\n",
			blkfront_max_queues,
			blkfront_max_queues ? nr_cpu_ids : 1);
		blkfront_max_queues = blkfront_max_queues ? nr_cpu_ids : 1;
	}

	err = register_blkdev(XENVBD_MAJOR, "xvd");
	if (err) {
		pr_warn("cannot get major %d\n", XENVBD_MAJOR);
		return err;
	}
	err = xenbus_register_frontend(&blkfront_driver);
	if (err)
		goto out_unregister_blkdev;
	return 0;

out_unregister_blkdev:
	unregister_blkdev(XENVBD_MAJOR, "xvd");
	return err;
}
module_init(blkfront_init);

static void __exit blkfront_exit(void)
{
	xenbus_unregister_driver(&blkfront_driver);
	unregister_blkdev(XENVBD_MAJOR, "xvd");
}
module_exit(blkfront_exit);

MODULE_DESCRIPTION("Xen PV block frontend (xenpv)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:vbd");
MODULE_ALIAS("xenblk");
MODULE_ALIAS_BLOCKDEV_MAJOR(XENVBD_MAJOR);
