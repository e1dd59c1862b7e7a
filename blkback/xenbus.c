// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkback: probe/remove, the physical-device watch, negotiation
 * with the frontend, the state machine and sysfs.
 *
 *   probe                -> publish feature-max-indirect-segments,
 *                           max-ring-page-order, multi-queue-max-queues;
 *                           we go InitWait and watch physical-device
 *   physical-device      -> (the hotplug script) open the device with the
 *                           mode's access, add sysfs; connect if the
 *                           frontend is ready
 *   frontend Initialised -> read protocol, feature-persistent, queues,
 *     or Connected          ring order; map the rings, bind the channels;
 *                           publish sectors, info, sector sizes, flush,
 *                           barrier, discard, persistent; start the
 *                           workers; we go Connected
 *   frontend Closing     -> we go Closing (the rings keep running so the
 *                           frontend can drain)
 *   frontend Closed      -> answer what is in flight, unmap everything;
 *                           we go Closed; unregister unless "online"
 *   frontend Initialising-> (from our Closed) InitWait: reconnect
 *
 * A frontend that breaks the ring gets us to Closing (ring.c marks the
 * queue broken and schedules broken_work).
 */
#include "common.h"

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <xen/xen.h>
#include <xen/interface/io/protocols.h>

/* Parameters, with the names, types and defaults of Linux's blkback. */
static int blkback_param_buffer_pages = 1024;
module_param_named(max_buffer_pages, blkback_param_buffer_pages, int, 0644);
MODULE_PARM_DESC(max_buffer_pages,
		 "Maximum number of free pages to keep in each block backend buffer");

static int blkback_param_pgrants = 1056;
module_param_named(max_persistent_grants, blkback_param_pgrants, int, 0644);
MODULE_PARM_DESC(max_persistent_grants,
		 "Maximum number of grants to map persistently");

unsigned int blkback_pgrant_timeout = 60;
module_param_named(persistent_grant_unused_seconds, blkback_pgrant_timeout,
		   uint, 0644);
MODULE_PARM_DESC(persistent_grant_unused_seconds,
		 "Time in seconds an unused persistent grant is allowed to remain allocated. Default is 60, 0 means unlimited.");

static unsigned int blkback_param_queues;
module_param_named(max_queues, blkback_param_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Maximum number of hardware queues per virtual disk. By default it is the number of online CPUs.");

static int blkback_param_ring_order = XENBUS_MAX_RING_GRANT_ORDER;
module_param_named(max_ring_page_order, blkback_param_ring_order, int, 0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Maximum order of pages to be used for the shared ring");

static int blkback_param_log_stats;
module_param_named(log_stats, blkback_param_log_stats, int, 0644);
MODULE_PARM_DESC(log_stats, "Display statistics every 10 seconds");

static bool blkback_param_persistent = true;
module_param_named(feature_persistent, blkback_param_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent, "Enables the persistent grants feature");

/* Clamped views of the int parameters, read by ring.c. */
unsigned int blkback_max_buffer_pages;
unsigned int blkback_max_pgrants;
unsigned int blkback_log_stats;

static void blkback_read_params(void)
{
	WRITE_ONCE(blkback_max_buffer_pages,
		   max(READ_ONCE(blkback_param_buffer_pages), 0));
	WRITE_ONCE(blkback_max_pgrants,
		   max(READ_ONCE(blkback_param_pgrants), 0));
	WRITE_ONCE(blkback_log_stats, READ_ONCE(blkback_param_log_stats) > 0);
}

static unsigned int blkback_max_queues(void)
{
	unsigned int n = READ_ONCE(blkback_param_queues);

	return clamp_t(unsigned int, n ? n : num_online_cpus(), 1,
		       BLKBACK_MAX_QUEUES);
}

/* --- sysfs, as Linux's blkback: xentop reads statistics/ ------------- */

static struct blkback_dev *blkback_from_dev(struct device *dev)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(to_xenbus_device(dev));

	return xd ? blkback_from_xd(xd) : NULL;
}

static ssize_t blkback_stat_show(struct device *dev,
				 struct device_attribute *attr, char *buf);

#define BLKBACK_STAT_ATTR(name)						\
	static struct device_attribute dev_attr_##name =		\
		__ATTR(name, 0444, blkback_stat_show, NULL)

BLKBACK_STAT_ATTR(oo_req);
BLKBACK_STAT_ATTR(rd_req);
BLKBACK_STAT_ATTR(wr_req);
BLKBACK_STAT_ATTR(f_req);
BLKBACK_STAT_ATTR(ds_req);
BLKBACK_STAT_ATTR(rd_sect);
BLKBACK_STAT_ATTR(wr_sect);

static ssize_t blkback_stat_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct blkback_dev *be = blkback_from_dev(dev);
	struct blkback_stats *st;
	atomic64_t *v;

	if (!be)
		return sysfs_emit(buf, "0\n");
	st = &be->stats;
	if (attr == &dev_attr_oo_req)
		v = &st->oo_req;
	else if (attr == &dev_attr_rd_req)
		v = &st->rd_req;
	else if (attr == &dev_attr_wr_req)
		v = &st->wr_req;
	else if (attr == &dev_attr_f_req)
		v = &st->f_req;
	else if (attr == &dev_attr_ds_req)
		v = &st->ds_req;
	else if (attr == &dev_attr_rd_sect)
		v = &st->rd_sect;
	else
		v = &st->wr_sect;
	return sysfs_emit(buf, "%llu\n", (u64)atomic64_read(v));
}

static struct attribute *blkback_stat_attrs[] = {
	&dev_attr_oo_req.attr,
	&dev_attr_rd_req.attr,
	&dev_attr_wr_req.attr,
	&dev_attr_f_req.attr,
	&dev_attr_ds_req.attr,
	&dev_attr_rd_sect.attr,
	&dev_attr_wr_sect.attr,
	NULL,
};

static const struct attribute_group blkback_stat_group = {
	.name = "statistics",
	.attrs = blkback_stat_attrs,
};

static ssize_t physical_device_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct blkback_dev *be = blkback_from_dev(dev);

	return be ? sysfs_emit(buf, "%x:%x\n", be->major, be->minor) : 0;
}
static DEVICE_ATTR_RO(physical_device);

static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct blkback_dev *be = blkback_from_dev(dev);

	return be && be->mode ? sysfs_emit(buf, "%s\n", be->mode) : 0;
}
static DEVICE_ATTR_RO(mode);

static struct attribute *blkback_vbd_attrs[] = {
	&dev_attr_physical_device.attr,
	&dev_attr_mode.attr,
	NULL,
};

static const struct attribute_group blkback_vbd_group = {
	.attrs = blkback_vbd_attrs,
};

static const struct attribute_group *blkback_groups[] = {
	&blkback_vbd_group,
	&blkback_stat_group,
	NULL,
};

/* --- connecting -------------------------------------------------------- */

/*
 * The frontend's ring layout; -errno (reported fatal) if we lack it.
 * Native (on ARM "arm-abi", one layout for arm32 and arm64), and on
 * x86_64 also "x86_32-abi", translated request by request.
 */
static int blkback_read_protocol(struct blkback_dev *be)
{
	struct xenpv_dev *xd = &be->xd;
	char *proto;
	int err = 0;

	be->abi = BLKBACK_ABI_NATIVE;
	proto = xenbus_read(XBT_NIL, xd->xbdev->otherend, "protocol", NULL);
	if (IS_ERR(proto))
		return 0;	/* absent: native */
	if (IS_ENABLED(CONFIG_X86_64) &&
	    !strcmp(proto, XEN_IO_PROTO_ABI_X86_32)) {
		be->abi = BLKBACK_ABI_X86_32;
	} else if (strcmp(proto, XEN_IO_PROTO_ABI_NATIVE)) {
		err = -EPROTONOSUPPORT;
		xenpv_dev_fatal(xd, err, "unsupported protocol %.16s", proto);
	}
	kfree(proto);
	return err;
}

/*
 * @offer_persistent: feature_persistent as read once for this connect,
 * the same copy that decided be->persistent.
 */
static int blkback_publish_connect(struct blkback_dev *be,
				   bool offer_persistent)
{
	struct block_device *bdev = be->bdev;
	struct xenpv_kv kv[12];
	unsigned int n = 0;
	u32 info = 0;

	if (be->cdrom)
		info |= VDISK_CDROM;
	if (be->readonly)
		info |= VDISK_READONLY;

	xenpv_kv_set(&kv[n++], "feature-flush-cache", "%d", be->flush);
	xenpv_kv_set(&kv[n++], "feature-barrier", "%d", be->flush);
	xenpv_kv_set(&kv[n++], "feature-discard", "%d", be->lim.discard);
	if (be->lim.discard) {
		xenpv_kv_set(&kv[n++], "discard-granularity", "%u",
			     bdev_discard_granularity(bdev));
		xenpv_kv_set(&kv[n++], "discard-alignment", "%u",
			     bdev_discard_alignment(bdev));
		xenpv_kv_set(&kv[n++], "discard-secure", "%d",
			     be->discard_secure);
	}
	xenpv_kv_set(&kv[n++], "feature-persistent", "%d", offer_persistent);
	xenpv_kv_set(&kv[n++], "sectors", "%llu", be->sectors);
	xenpv_kv_set(&kv[n++], "info", "%u", info);
	xenpv_kv_set(&kv[n++], "sector-size", "%u",
		     bdev_logical_block_size(bdev));
	xenpv_kv_set(&kv[n++], "physical-sector-size", "%u",
		     bdev_physical_block_size(bdev));
	return xenpv_publish(&be->xd, NULL, kv, n, NULL, NULL);
}

/* Stop every queue and release rings, channels and grants.  Under mutex. */
static void blkback_disconnect(struct blkback_dev *be)
{
	unsigned int i;

	if (!be->queues)
		return;
	for (i = 0; i < be->nr_queues; i++)
		blkback_queue_teardown(&be->queues[i]);
	kfree(be->queues);
	be->queues = NULL;
	be->nr_queues = 0;
	be->persistent = false;
}

/* The frontend is ready: map its rings and go Connected.  Under mutex. */
static void blkback_connect(struct blkback_dev *be)
{
	struct xenpv_dev *xd = &be->xd;
	unsigned int i, nr, order;
	bool offer_persistent;
	char *dir;
	int err;

	if (xenpv_our_state(xd) != XenbusStateInitWait || !be->bdev)
		return;
	/* Leftovers of a connection the frontend abandoned. */
	blkback_disconnect(be);

	err = blkback_read_protocol(be);
	if (err)
		return;
	err = xenpv_ring_peer_order(xd, max(blkback_param_ring_order, 0),
				    &order);
	if (err) {
		xenpv_dev_fatal(xd, err, "reading ring-page-order");
		return;
	}
	err = xenpv_read_num_queues(xd, blkback_max_queues(), &nr);
	if (err) {
		xenpv_dev_fatal(xd, err, "reading multi-queue-num-queues");
		return;
	}

	be->queues = kcalloc(nr, sizeof(*be->queues), GFP_KERNEL);
	if (!be->queues) {
		xenpv_dev_fatal(xd, -ENOMEM, "allocating %u queues", nr);
		return;
	}
	be->nr_queues = nr;
	/* Read once: what we publish is what we use (the 0644 may change). */
	offer_persistent = READ_ONCE(blkback_param_persistent);
	be->persistent = offer_persistent &&
			 xenpv_read_bool(xd, NULL, "feature-persistent", false);
	blkback_read_params();
	for (i = 0; i < nr; i++) {
		be->queues[i].be = be;
		be->queues[i].idx = i;
		dir = xenpv_queue_dir(xd, true, i, nr, GFP_KERNEL);
		if (!dir) {
			xenpv_dev_fatal(xd, -ENOMEM, "queue %u directory", i);
			goto out_disconnect;
		}
		err = blkback_queue_setup(&be->queues[i], order, dir);
		kfree(dir);
		if (err)
			goto out_disconnect;
	}

	WRITE_ONCE(be->sectors, blkback_bdev_sectors(be));
	err = blkback_publish_connect(be, offer_persistent);
	if (err)
		goto out_disconnect;
	for (i = 0; i < nr; i++) {
		err = blkback_queue_start(&be->queues[i]);
		if (err)
			goto out_disconnect;
	}
	err = xenpv_set_state(xd, XenbusStateConnected, "rings mapped");
	if (err)
		goto out_disconnect;

	xenpv_feature_note(xd, "queues", "%u", nr);
	xenpv_feature_note(xd, "ring-page-order", "%u", order);
	xenpv_feature_note(xd, "ring-entries", "%u", be->queues[0].ring_size);
	xenpv_feature_note(xd, "feature-persistent", "%d", be->persistent);
	xenpv_feature_note(xd, "sectors", "%llu", be->sectors);
	dev_info(&xd->xbdev->dev,
		 "connected: %x:%x %s, %u queue(s), ring order %u, persistent %d\n",
		 be->major, be->minor, be->readonly ? "ro" : "rw", nr, order,
		 be->persistent);
	return;

out_disconnect:
	blkback_disconnect(be);
}

/* --- the physical-device watch ----------------------------------------- */

/* The hotplug script named the device: open it.  Under mutex. */
static void blkback_attach(struct blkback_dev *be)
{
	struct xenpv_dev *xd = &be->xd;
	struct xenbus_device *xbdev = xd->xbdev;
	unsigned int major, minor;
	char *str, *mode;
	int err;

	str = xenbus_read(XBT_NIL, xbdev->nodename, "physical-device", NULL);
	if (IS_ERR(str))
		return;		/* not yet: the watch fires again */
	err = sscanf(str, "%x:%x", &major, &minor) == 2 ? 0 : -EINVAL;
	kfree(str);
	if (!err && (MAJOR(MKDEV(major, minor)) != major ||
		     MINOR(MKDEV(major, minor)) != minor))
		err = -ERANGE;
	if (err) {
		xenpv_dev_fatal(xd, err, "reading physical-device");
		return;
	}
	if (be->bdev) {
		if (be->major != major || be->minor != minor)
			dev_warn(&xbdev->dev,
				 "changing physical device (%x:%x to %x:%x) not supported\n",
				 be->major, be->minor, major, minor);
		return;
	}

	mode = xenbus_read(XBT_NIL, xbdev->nodename, "mode", NULL);
	if (IS_ERR(mode)) {
		xenpv_dev_fatal(xd, PTR_ERR(mode), "reading mode");
		return;
	}
	str = xenbus_read(XBT_NIL, xbdev->otherend, "device-type", NULL);
	be->cdrom = !IS_ERR(str) && !strcmp(str, "cdrom");
	if (!IS_ERR(str))
		kfree(str);

	be->major = major;
	be->minor = minor;
	be->readonly = !strchr(mode, 'w');
	err = blkback_bdev_open(be);
	if (err) {
		kfree(mode);
		be->major = 0;
		be->minor = 0;
		xenpv_dev_fatal(xd, err, "opening %x:%x", major, minor);
		return;
	}
	kfree(be->mode);
	be->mode = mode;
	be->lim.discard = be->discard &&
			  xenpv_read_bool(xd, xbdev->nodename, "discard-enable",
					  true);
	xenpv_feature_note(xd, "physical-device", "%x:%x %s", major, minor,
			   be->readonly ? "ro" : "rw");

	if (!be->sysfs) {
		err = sysfs_create_groups(&xbdev->dev.kobj, blkback_groups);
		if (err)
			dev_warn(&xbdev->dev, "creating sysfs entries: %d\n",
				 err);
		else
			be->sysfs = true;
	}
}

static void blkback_pdev_changed(struct xenbus_watch *watch, const char *path,
				 const char *token)
{
	struct blkback_dev *be = container_of(watch, struct blkback_dev,
					      watch);
	enum xenbus_state peer;

	mutex_lock(&be->mutex);
	blkback_attach(be);
	peer = xenpv_peer_state(&be->xd);
	if (be->bdev && (peer == XenbusStateInitialised ||
			 peer == XenbusStateConnected))
		blkback_connect(be);
	mutex_unlock(&be->mutex);
}

/* --- the state machine ------------------------------------------------- */

static void blkback_peer_changed(struct xenpv_dev *xd,
				 enum xenbus_state state, bool legal)
{
	struct blkback_dev *be = blkback_from_xd(xd);
	bool unregister = false;

	mutex_lock(&be->mutex);
	if (!legal) {
		blkback_disconnect(be);
		xenpv_set_state(xd, XenbusStateClosing, "illegal peer state");
		goto out_unlock;
	}
	switch (state) {
	case XenbusStateInitialising:
		if (xenpv_our_state(xd) == XenbusStateClosed)
			xenpv_set_state(xd, XenbusStateInitWait,
					"peer reconnects");
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		blkback_connect(be);
		break;
	case XenbusStateClosing:
		xenpv_set_state(xd, XenbusStateClosing, "peer Closing");
		break;
	case XenbusStateClosed:
		blkback_disconnect(be);
		xenpv_set_state(xd, XenbusStateClosed, "peer Closed");
		unregister = !xenbus_dev_is_online(xd->xbdev);
		break;
	case XenbusStateUnknown:
		/* The frontend is gone (domain destroyed). */
		blkback_disconnect(be);
		unregister = true;
		break;
	default:
		break;
	}
out_unlock:
	mutex_unlock(&be->mutex);
	/* Calls blkback_remove(); @be is gone afterwards. */
	if (unregister)
		device_unregister(&xd->xbdev->dev);
}

static const struct xenpv_dev_ops blkback_xd_ops = {
	.peer_changed	= blkback_peer_changed,
	.show		= blkback_show,
};

static void blkback_broken_work(struct work_struct *work)
{
	struct blkback_dev *be = container_of(work, struct blkback_dev,
					      broken_work);

	xenpv_dev_fatal(&be->xd, -EPROTO, "frontend broke the ring protocol");
}

/*
 * The backing device changed size: publish it, and rewrite our state
 * so that the frontend's watch fires and it reads the new size.
 */
static void blkback_resize_work(struct work_struct *work)
{
	struct blkback_dev *be = container_of(work, struct blkback_dev,
					      resize_work);
	struct xenpv_dev *xd = &be->xd;
	struct xenpv_kv kv[2];
	u64 sectors;

	mutex_lock(&be->mutex);
	if (!be->bdev || xenpv_our_state(xd) != XenbusStateConnected)
		goto out_unlock;
	sectors = blkback_bdev_sectors(be);
	if (sectors == be->sectors)
		goto out_unlock;
	dev_info(&xd->xbdev->dev, "%x:%x resized: %llu -> %llu sectors\n",
		 be->major, be->minor, be->sectors, sectors);
	WRITE_ONCE(be->sectors, sectors);
	xenpv_kv_set(&kv[0], "sectors", "%llu", sectors);
	xenpv_kv_set(&kv[1], "state", "%d", XenbusStateConnected);
	xenpv_publish(xd, NULL, kv, ARRAY_SIZE(kv), NULL, NULL);
	xenpv_feature_note(xd, "sectors", "%llu", sectors);
out_unlock:
	mutex_unlock(&be->mutex);
}

static int blkback_probe(struct xenbus_device *xbdev,
			 const struct xenbus_device_id *id)
{
	struct blkback_dev *be;
	struct xenpv_kv kv[3];
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xenbus_dev_fatal(xbdev, -ENOMEM, "allocating backend");
		return -ENOMEM;
	}
	mutex_init(&be->mutex);
	INIT_WORK(&be->broken_work, blkback_broken_work);
	INIT_WORK(&be->resize_work, blkback_resize_work);

	err = xenpv_dev_init(&be->xd, xbdev, XENPV_BACKEND, &blkback_xd_ops);
	if (err)
		goto out_free_be;

	xenpv_kv_set(&kv[0], "feature-max-indirect-segments", "%u",
		     BLKBACK_MAX_SEGS);
	xenpv_kv_set(&kv[1], "max-ring-page-order", "%u",
		     min_t(unsigned int, max(blkback_param_ring_order, 0),
			   XENPV_RING_MAX_ORDER));
	xenpv_kv_set(&kv[2], "multi-queue-max-queues", "%u",
		     blkback_max_queues());
	err = xenpv_publish(&be->xd, NULL, kv, ARRAY_SIZE(kv), NULL, NULL);
	if (err)
		goto out_destroy_xd;
	err = xenpv_set_state(&be->xd, XenbusStateInitWait, "probed");
	if (err)
		goto out_destroy_xd;

	/* Fires once at once; blkback_attach() waits for the script. */
	err = xenbus_watch_pathfmt(xbdev, &be->watch, NULL,
				   blkback_pdev_changed, "%s/%s",
				   xbdev->nodename, "physical-device");
	if (err)
		goto out_destroy_xd;
	be->watching = true;
	return 0;

out_destroy_xd:
	xenpv_dev_destroy(&be->xd);
out_free_be:
	mutex_destroy(&be->mutex);
	kfree(be);
	return err;
}

static void blkback_remove(struct xenbus_device *xbdev)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(xbdev);
	struct blkback_dev *be;

	if (!xd)
		return;
	be = blkback_from_xd(xd);

	if (be->watching) {
		unregister_xenbus_watch(&be->watch);
		kfree(be->watch.node);
		be->watching = false;
	}
	if (be->sysfs) {
		sysfs_remove_groups(&xbdev->dev.kobj, blkback_groups);
		be->sysfs = false;
	}

	mutex_lock(&be->mutex);
	blkback_disconnect(be);
	/* Unloaded while connected: tell the frontend (no-op if gone). */
	if (xenpv_our_state(xd) == XenbusStateConnected)
		xenpv_set_state(xd, XenbusStateClosed, "removed");
	blkback_bdev_close(be);
	mutex_unlock(&be->mutex);

	cancel_work_sync(&be->broken_work);
	cancel_work_sync(&be->resize_work);
	xenpv_dev_destroy(xd);
	mutex_destroy(&be->mutex);
	kfree(be->mode);
	kfree(be);
}

XENPV_DEFINE_REMOVE(blkback_remove)

static const struct xenbus_device_id blkback_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver blkback_driver = {
	.ids			= blkback_ids,
	.probe			= blkback_probe,
	.remove			= blkback_remove_cb,
	.otherend_changed	= xenpv_otherend_changed,
};

static int __init blkback_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	if (blkback_param_ring_order > XENPV_RING_MAX_ORDER) {
		pr_info("Invalid max_ring_page_order (%d), will use default max: %d.\n",
			blkback_param_ring_order, XENPV_RING_MAX_ORDER);
		blkback_param_ring_order = XENPV_RING_MAX_ORDER;
	}
	blkback_read_params();
	return xenbus_register_backend(&blkback_driver);
}
module_init(blkback_init);

static void __exit blkback_exit(void)
{
	xenbus_unregister_driver(&blkback_driver);
}
module_exit(blkback_exit);

MODULE_DESCRIPTION("Xen PV block backend (xenpv)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:vbd");
