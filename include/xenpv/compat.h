/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences between the trees xenpv builds against (Debian
 * bookworm 6.1 and trixie 6.12), all in one place.
 *
 * Nothing here tests LINUX_VERSION_CODE: every switch is an -DXENPV_HAVE_*
 * flag set by a grep of the target tree's headers in xenbus/compat.mk.
 * Without a flag (probe could not tell, or the header is not in the
 * tree) the bookworm 6.1 shape is assumed.
 *
 *   flag                              meaning when set
 *   XENPV_HAVE_XENBUS_REMOVE_INT      xenbus_driver.remove returns int
 *   XENPV_HAVE_XENBUS_UEVENT_CONST    xenbus_driver.uevent takes a const dev
 *   XENPV_HAVE_READ_DRIVER_STATE_DEV  xenbus_read_driver_state(dev, path)
 *   XENPV_HAVE_GNTTAB_END_READONLY    pre-XSA-396 grant revocation (refused)
 *   XENPV_HAVE_BIND_INTERDOMAIN_DOMID interdomain binding by domid
 *   XENPV_HAVE_CLASS_CREATE_NAME      class_create(name), no owner
 *   XENPV_HAVE_BDEV_FILE_OPEN         bdev_file_open_by_dev() (6.9+)
 *   XENPV_HAVE_TTY_SIZE_T             tty/hvc byte counts are size_t, u8
 *   XENPV_HAVE_PAGE_POOL_HELPERS_H    page_pool API in net/page_pool/ (6.6+)
 *   XENPV_HAVE_PAGE_POOL_NAPI         page_pool_params.napi (6.5+)
 *   XENPV_HAVE_BLK_MODE_T             block_device_operations take blk_mode_t
 */
#ifndef _XENPV_COMPAT_H
#define _XENPV_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <xen/events.h>
#include <xen/evtchn.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>

/*
 * Safe grant revocation needs gnttab_try_end_foreign_access() and the
 * deferred-free gnttab_end_foreign_access(ref, page) of Linux 5.17
 * (XSA-396).  Older trees cannot tell us whether the peer still maps a
 * page, so we do not build there rather than free pages under the peer.
 */
#ifdef XENPV_HAVE_GNTTAB_END_READONLY
#error "xenpv needs the XSA-396 grant revocation API (Linux 5.17 or later)"
#endif

/*
 * xenbus_driver.remove: int on older trees, void on Debian 6.1 (stable
 * backport) and 6.12.  Drivers write a void function and wrap it:
 *
 *	static void foo_remove(struct xenbus_device *dev) { ... }
 *	XENPV_DEFINE_REMOVE(foo_remove)
 *	... .remove = foo_remove_cb, ...
 */
#ifdef XENPV_HAVE_XENBUS_REMOVE_INT
#define XENPV_DEFINE_REMOVE(fn)						\
	static int fn##_cb(struct xenbus_device *xbdev)			\
	{								\
		fn(xbdev);						\
		return 0;						\
	}
#else
#define XENPV_DEFINE_REMOVE(fn)						\
	static void fn##_cb(struct xenbus_device *xbdev)		\
	{								\
		fn(xbdev);						\
	}
#endif /* XENPV_HAVE_XENBUS_REMOVE_INT */

/*
 * xenbus_driver.uevent: the device became const in 6.3.  Drivers declare
 * their uevent hook as
 *	static int foo_uevent(XENPV_UEVENT_CONST struct xenbus_device *dev,
 *			      struct kobj_uevent_env *env)
 */
#ifdef XENPV_HAVE_XENBUS_UEVENT_CONST
#define XENPV_UEVENT_CONST	const
#else
#define XENPV_UEVENT_CONST
#endif /* XENPV_HAVE_XENBUS_UEVENT_CONST */

/* Current state in @path/state (the peer's, usually). */
static inline enum xenbus_state
xenpv_read_driver_state(struct xenbus_device *xbdev, const char *path)
{
#ifdef XENPV_HAVE_READ_DRIVER_STATE_DEV
	return xenbus_read_driver_state(xbdev, path);
#else
	return xenbus_read_driver_state(path);
#endif /* XENPV_HAVE_READ_DRIVER_STATE_DEV */
}

/* Bind the peer's unbound port @remote_port, with late EOI. */
static inline int
xenpv_bind_interdomain_lateeoi(struct xenbus_device *xbdev,
			       evtchn_port_t remote_port,
			       irq_handler_t handler, unsigned long irqflags,
			       const char *name, void *dev_id)
{
#ifdef XENPV_HAVE_BIND_INTERDOMAIN_DOMID
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(xbdev->otherend_id,
							    remote_port,
							    handler, irqflags,
							    name, dev_id);
#else
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(xbdev, remote_port,
							    handler, irqflags,
							    name, dev_id);
#endif /* XENPV_HAVE_BIND_INTERDOMAIN_DOMID */
}

/* class_create() lost its owner argument in 6.4. */
#ifdef XENPV_HAVE_CLASS_CREATE_NAME
#define xenpv_class_create(name)	class_create(name)
#else
#define xenpv_class_create(name)	class_create(THIS_MODULE, name)
#endif /* XENPV_HAVE_CLASS_CREATE_NAME */

/*
 * Static event channels (IOCTL_EVTCHN_BIND_STATIC, Linux 6.7): the event
 * core takes an is_static flag so that it never closes such a port, and
 * userspace handlers are registered shared so that a kernel user and
 * /dev/xen/evtchn can both bind the same port.  Older cores (6.1) have
 * neither; there the in-tree driver does not know the ioctl, and neither
 * do we.
 */
#ifdef XENPV_HAVE_STATIC_EVTCHN
#define XENPV_EVTCHN_HAVE_STATIC	true
#define XENPV_EVTCHN_IRQF		IRQF_SHARED

static inline int xenpv_evtchn_make_refcounted(evtchn_port_t port,
					       bool is_static)
{
	return evtchn_make_refcounted(port, is_static);
}
#else
#define XENPV_EVTCHN_HAVE_STATIC	false
#define XENPV_EVTCHN_IRQF		0

static inline int xenpv_evtchn_make_refcounted(evtchn_port_t port,
					       bool is_static)
{
	return is_static ? -EOPNOTSUPP : evtchn_make_refcounted(port);
}
#endif

/* The uapi header of a pre-6.7 tree lacks the ioctl; its ABI is fixed. */
#ifndef IOCTL_EVTCHN_BIND_STATIC
#define IOCTL_EVTCHN_BIND_STATIC \
	_IOC(_IOC_NONE, 'E', 7, sizeof(struct ioctl_evtchn_bind))
struct ioctl_evtchn_bind {
	unsigned int port;
};
#endif

/*
 * Block queue limits.  6.1 sets them one by one on the queue of an
 * allocated disk (blk_queue_*(), blk_queue_write_cache()); 6.11+ passes a
 * struct queue_limits to blk_mq_alloc_disk() and changes them in one
 * start/commit update, with the cache and FUA as feature flags.  Drivers
 * fill a struct xenpv_queue_limits and use the two helpers below.
 */

/**
 * struct xenpv_queue_limits - the queue limits a xenpv block driver sets.
 * @logical_block_size: bytes.
 * @physical_block_size: bytes.
 * @max_hw_sectors: 512-byte sectors per request.
 * @max_segments: segments per request.
 * @max_segment_size: bytes per segment.
 * @seg_boundary_mask: a segment never crosses a (mask + 1) boundary.
 * @dma_alignment: buffer alignment mask.
 * @max_discard_sectors: 0 when the device cannot discard.
 * @discard_granularity: bytes.
 * @discard_alignment: bytes (offset of the first discard granule).
 * @max_secure_erase_sectors: 0 when the device cannot secure-erase.
 * @write_cache: the device has a volatile cache (flush requests).
 * @fua: it honours REQ_FUA.
 */
struct xenpv_queue_limits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned int max_segment_size;
	unsigned long seg_boundary_mask;
	unsigned int dma_alignment;
	unsigned int max_discard_sectors;
	unsigned int discard_granularity;
	unsigned int discard_alignment;
	unsigned int max_secure_erase_sectors;
	bool write_cache;
	bool fua;
};

#ifdef XENPV_HAVE_BLK_FEAT
static inline void xenpv_to_queue_limits(struct queue_limits *lim,
					 const struct xenpv_queue_limits *l)
{
	lim->logical_block_size = l->logical_block_size;
	lim->physical_block_size = l->physical_block_size;
	lim->max_hw_sectors = l->max_hw_sectors;
	lim->max_segments = l->max_segments;
	lim->max_segment_size = l->max_segment_size;
	lim->seg_boundary_mask = l->seg_boundary_mask;
	lim->dma_alignment = l->dma_alignment;
	lim->max_hw_discard_sectors = l->max_discard_sectors;
	lim->discard_granularity = l->discard_granularity;
	lim->discard_alignment = l->discard_alignment;
	lim->max_secure_erase_sectors = l->max_secure_erase_sectors;
	lim->features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
			   BLK_FEAT_ROTATIONAL);
	if (l->write_cache)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	if (l->write_cache && l->fua)
		lim->features |= BLK_FEAT_FUA;
}

/**
 * xenpv_blk_mq_alloc_disk() - allocate a blk-mq disk with these limits.
 * @set: an allocated tag set.
 * @l: the limits.
 * @queuedata: the queue's queuedata.
 *
 * Return: the disk or an ERR_PTR().
 */
static inline struct gendisk *
xenpv_blk_mq_alloc_disk(struct blk_mq_tag_set *set,
			const struct xenpv_queue_limits *l, void *queuedata)
{
	struct queue_limits lim = { };

	xenpv_to_queue_limits(&lim, l);
	return blk_mq_alloc_disk(set, &lim, queuedata);
}

/**
 * xenpv_blk_update_limits() - change the limits of a live queue.
 * @q: the queue.
 * @l: the new limits.
 *
 * Context: process context; may sleep.
 * Return: 0 or -errno.
 */
static inline int xenpv_blk_update_limits(struct request_queue *q,
					  const struct xenpv_queue_limits *l)
{
	struct queue_limits lim = queue_limits_start_update(q);

	xenpv_to_queue_limits(&lim, l);
	return queue_limits_commit_update(q, &lim);
}
#else
static inline int xenpv_blk_update_limits(struct request_queue *q,
					  const struct xenpv_queue_limits *l)
{
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_logical_block_size(q, l->logical_block_size);
	blk_queue_physical_block_size(q, l->physical_block_size);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_max_segments(q, l->max_segments);
	blk_queue_max_segment_size(q, l->max_segment_size);
	blk_queue_segment_boundary(q, l->seg_boundary_mask);
	blk_queue_dma_alignment(q, l->dma_alignment);
	blk_queue_max_discard_sectors(q, l->max_discard_sectors);
	q->limits.discard_granularity = l->discard_granularity;
	q->limits.discard_alignment = l->discard_alignment;
	blk_queue_max_secure_erase_sectors(q, l->max_secure_erase_sectors);
	blk_queue_write_cache(q, l->write_cache, l->write_cache && l->fua);
	return 0;
}

static inline struct gendisk *
xenpv_blk_mq_alloc_disk(struct blk_mq_tag_set *set,
			const struct xenpv_queue_limits *l, void *queuedata)
{
	struct gendisk *gd = blk_mq_alloc_disk(set, queuedata);

	if (!IS_ERR(gd))
		xenpv_blk_update_limits(gd->queue, l);
	return gd;
}
#endif /* XENPV_HAVE_BLK_FEAT */

/*
 * The open mode handed to block_device_operations (.ioctl, .compat_ioctl):
 * fmode_t on 6.1, blk_mode_t since 6.5.  Drivers declare
 *	static int foo_ioctl(struct block_device *bdev, xenpv_blk_mode_t mode,
 *			     unsigned int cmd, unsigned long arg)
 */
#ifdef XENPV_HAVE_BLK_MODE_T
#define xenpv_blk_mode_t	blk_mode_t
#else
#define xenpv_blk_mode_t	fmode_t
#endif /* XENPV_HAVE_BLK_MODE_T */

/*
 * Opening a block device by number, not exclusively.  6.1 has
 * blkdev_get_by_dev()/blkdev_put() with the mode; 6.9 and later hand
 * out a struct file (bdev_file_open_by_dev(), fput()).  The 6.5-6.8
 * shapes are not supported.
 */
#ifdef XENPV_HAVE_BDEV_FILE_OPEN
struct xenpv_bdev_handle {
	struct file *file;
};

static inline struct block_device *
xenpv_bdev_open(struct xenpv_bdev_handle *h, dev_t dev, bool write)
{
	struct file *f;

	f = bdev_file_open_by_dev(dev, BLK_OPEN_READ |
				  (write ? BLK_OPEN_WRITE : 0), NULL, NULL);
	if (IS_ERR(f))
		return ERR_CAST(f);
	h->file = f;
	return file_bdev(f);
}

static inline void xenpv_bdev_close(struct xenpv_bdev_handle *h,
				    struct block_device *bdev)
{
	fput(h->file);
	h->file = NULL;
}
#else
struct xenpv_bdev_handle {
	fmode_t mode;
};

static inline struct block_device *
xenpv_bdev_open(struct xenpv_bdev_handle *h, dev_t dev, bool write)
{
	h->mode = FMODE_READ | (write ? FMODE_WRITE : 0);
	return blkdev_get_by_dev(dev, h->mode, NULL);
}

static inline void xenpv_bdev_close(struct xenpv_bdev_handle *h,
				    struct block_device *bdev)
{
	blkdev_put(bdev, h->mode);
}
#endif /* XENPV_HAVE_BDEV_FILE_OPEN */

/*
 * The hvc layer (drivers/tty/hvc/hvc_console.h) is not in the trees'
 * public headers; these are its exported interface as of 6.1.  The tty
 * layer went to u8/size_t counts in 6.6/6.7 (hv_ops too).
 */
#ifdef XENPV_HAVE_TTY_SIZE_T
#define xenpv_hvc_ret_t		ssize_t
#define xenpv_hvc_len_t		size_t
#define xenpv_hvc_char_t	u8
#else
#define xenpv_hvc_ret_t		int
#define xenpv_hvc_len_t		int
#define xenpv_hvc_char_t	char
#endif /* XENPV_HAVE_TTY_SIZE_T */

struct hvc_struct;

struct hv_ops {
	xenpv_hvc_ret_t (*get_chars)(u32 vtermno, xenpv_hvc_char_t *buf,
				     xenpv_hvc_len_t count);
	xenpv_hvc_ret_t (*put_chars)(u32 vtermno, const xenpv_hvc_char_t *buf,
				     xenpv_hvc_len_t count);
	int (*flush)(u32 vtermno, bool wait);
	int (*notifier_add)(struct hvc_struct *hp, int irq);
	void (*notifier_del)(struct hvc_struct *hp, int irq);
	void (*notifier_hangup)(struct hvc_struct *hp, int irq);
	int (*tiocmget)(struct hvc_struct *hp);
	int (*tiocmset)(struct hvc_struct *hp, unsigned int set,
			unsigned int clear);
	void (*dtr_rts)(struct hvc_struct *hp, int raise);
};

int hvc_instantiate(u32 vtermno, int index, const struct hv_ops *ops);
struct hvc_struct *hvc_alloc(u32 vtermno, int data, const struct hv_ops *ops,
			     int outbuf_size);
int hvc_remove(struct hvc_struct *hp);
int hvc_poll(struct hvc_struct *hp);
void hvc_kick(void);

/*
 * page_pool for receive buffers.  The API is the same in 6.1 and 6.12
 * for what xenpv uses (order-0 pages, no DMA mapping, no fragments);
 * the header moved (net/page_pool/helpers.h, 6.6) and a pool may name
 * the NAPI context that is its sole consumer (6.5), which lets skbs freed
 * in that context recycle straight into the pool's cache.
 *
 * A kernel without CONFIG_PAGE_POOL (it has no prompt: only drivers
 * select it; Debian's kernels have it, the board's small custom domU
 * kernel does not) gets plain pages: xenpv_page_pool_create() returns
 * NULL there, allocation is alloc_page() and putting a page is
 * put_page().
 *
 * Recycling is by page reference count: a page put back while someone
 * else holds a reference (e.g. the grant table's deferred-free list,
 * which takes its own with gnttab_end_foreign_access(ref, NULL)) is
 * released from the pool and left to that holder, never recycled.
 */
#if IS_ENABLED(CONFIG_PAGE_POOL)
#ifdef XENPV_HAVE_PAGE_POOL_HELPERS_H
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/**
 * xenpv_page_pool_create() - a pool of order-0 pages without DMA mapping.
 * @dev: the device the pages are for.
 * @napi: the NAPI context that alone allocates from the pool.
 * @size: pages the pool keeps for recycling.
 *
 * Context: process context.
 * Return: the pool, or an ERR_PTR().
 */
static inline struct page_pool *
xenpv_page_pool_create(struct device *dev, struct napi_struct *napi,
		       unsigned int size)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = size,
		.nid = NUMA_NO_NODE,
		.dev = dev,
	};

#ifdef XENPV_HAVE_PAGE_POOL_NAPI
	pp.napi = napi;
#endif
	return page_pool_create(&pp);
}

/* Destroy a pool (NULL is fine); pages still out come back to it later. */
static inline void xenpv_page_pool_destroy(struct page_pool *pool)
{
	if (pool)
		page_pool_destroy(pool);
}

/* One page from @pool, from its NAPI context (or while that cannot run). */
static inline struct page *xenpv_page_pool_alloc(struct page_pool *pool,
						 gfp_t gfp)
{
	return page_pool_alloc_pages(pool, gfp | __GFP_NOWARN);
}

/*
 * Give our reference on a page of @pool back: recycled if it was the
 * last one, else released from the pool.  @napi: we are in the pool's
 * NAPI context (direct recycling into its cache).
 */
static inline void xenpv_page_pool_put(struct page_pool *pool,
				       struct page *page, bool napi)
{
	page_pool_put_full_page(pool, page, napi);
}

/* Pages of @skb that came from a pool go back to it when it is freed. */
static inline void xenpv_skb_mark_for_recycle(struct sk_buff *skb)
{
	skb_mark_for_recycle(skb);
}
#else
struct page_pool;

static inline struct page_pool *
xenpv_page_pool_create(struct device *dev, struct napi_struct *napi,
		       unsigned int size)
{
	return NULL;
}

static inline void xenpv_page_pool_destroy(struct page_pool *pool)
{
}

static inline struct page *xenpv_page_pool_alloc(struct page_pool *pool,
						 gfp_t gfp)
{
	return alloc_page(gfp | __GFP_NOWARN);
}

static inline void xenpv_page_pool_put(struct page_pool *pool,
				       struct page *page, bool napi)
{
	put_page(page);
}

static inline void xenpv_skb_mark_for_recycle(struct sk_buff *skb)
{
}
#endif /* CONFIG_PAGE_POOL */

#endif /* _XENPV_COMPAT_H */
