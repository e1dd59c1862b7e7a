/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-blkback: types and cross-file prototypes.
 *
 * The driver is split so:
 *	ring.c	  per-queue worker: copying and validating requests,
 *		  grant mapping (transient and persistent), responses
 *	blk.c	  the backing block device: open/close, bios, discard
 *	xenbus.c  probe/remove, the physical-device watch, negotiation,
 *		  the state machine, sysfs and module parameters
 * All xenstore, state, ring and event-channel work goes through the
 * xenpv-bus core (../xenbus/xenpv_bus.h).
 *
 * A frontend is not trusted.  Each request is copied off the shared
 * ring before it is looked at, validated with the checks of
 * <xenpv/blkif.h>, and only then are its grants mapped; the request
 * producer is bounded (<xenpv/ring.h>) and a frontend that breaks the
 * ring protocol is disconnected.  Nothing a frontend controls reaches a
 * BUG_ON.
 */
#ifndef _XENPV_BLKBACK_COMMON_H
#define _XENPV_BLKBACK_COMMON_H

#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <xenpv/blkif.h>
#include <xenpv/ring.h>

#include "../xenbus/xenpv_bus.h"

/* Segments of one request: inline, or in up to 8 indirect pages. */
#define BLKBACK_MAX_SEGS	XENPV_BLK_MAX_INDIRECT_SEGMENTS
#define BLKBACK_MAX_QUEUES	16
/* No grant handle: the segment was not mapped by us (or is persistent). */
#define BLKBACK_NO_HANDLE	((grant_handle_t)~0U)

/* Ring layouts (the frontend's "protocol"). */
enum blkback_abi {
	BLKBACK_ABI_NATIVE,
	BLKBACK_ABI_X86_32,
	BLKBACK_ABI_X86_64,
};

/* Module parameters (xenbus.c). */
extern unsigned int blkback_max_buffer_pages;
extern unsigned int blkback_max_pgrants;
extern unsigned int blkback_pgrant_timeout;
extern unsigned int blkback_log_stats;

/**
 * struct blkback_pgrant - a persistent grant: kept mapped across requests.
 * @gref: the frontend's grant reference (the key in the queue's xarray).
 * @page: the page it is mapped at.
 * @handle: the mapping's handle.
 * @users: requests in flight that use it; it is only unmapped at 0.
 * @last_used: jiffies of the last request that used it.
 * @lru: on the queue's LRU list, least recently used first.
 */
struct blkback_pgrant {
	grant_ref_t gref;
	struct page *page;
	grant_handle_t handle;
	unsigned int users;
	unsigned long last_used;
	struct list_head lru;
};

/**
 * struct blkback_seg - one data segment of a request.
 * @gref: grant reference of the frontend page.
 * @first_sect: first 512-byte sector used in the page (validated).
 * @last_sect: last sector used (validated).
 * @page: where the frontend page is mapped.
 * @handle: our transient mapping, or BLKBACK_NO_HANDLE.
 * @pgnt: the persistent grant used instead of a transient mapping.
 */
struct blkback_seg {
	grant_ref_t gref;
	u8 first_sect;
	u8 last_sect;
	struct page *page;
	grant_handle_t handle;
	struct blkback_pgrant *pgnt;
};

/**
 * struct blkback_req - one request taken off the ring.
 * @q: its queue.
 * @node: on the queue's free or done list.
 * @id: the frontend's id, echoed in the response.
 * @op: the operation echoed in the response (for an indirect request
 *	its indirect_op, as Linux's blkback and blkfront have it).
 * @data_op: READ, WRITE, FLUSH_DISKCACHE or WRITE_BARRIER.
 * @sector: first sector.
 * @nr_sects: sectors of data.
 * @nr_segs: valid entries of @segs.
 * @pending: bios not completed yet (+1 while submitting).
 * @status: BLKIF_RSP_* to answer with; an error sticks.
 * @segs: BLKBACK_MAX_SEGS entries (points into the queue's array).
 */
struct blkback_req {
	struct blkback_queue *q;
	struct list_head node;
	u64 id;
	u8 op;
	u8 data_op;
	u64 sector;
	unsigned int nr_sects;
	unsigned int nr_segs;
	atomic_t pending;
	int status;
	struct blkback_seg *segs;
};

/**
 * struct blkback_queue - one ring with its event channel and worker.
 * @be: the device.
 * @idx: queue number.
 * @ring: the mapped shared ring (core).
 * @evtchn: the event channel (core).
 * @back: our side of the ring: its indices, and its slots for the
 *	native layout.
 * @back32: slot addressing of the same ring in the x86_32 layout.
 * @abi: the layout the frontend uses (the device's, copied).
 * @ring_size: entries of the ring; also the number of @reqs.
 * @task: the worker thread, or NULL.
 * @wq: the worker waits here.
 * @irq_pending: an event came and was not EOIed yet.
 * @done_lock: protects @done.
 * @done: requests whose bios completed, for the worker to answer.
 * @free: unused requests (worker only).
 * @inflight: requests taken off the ring and not answered (worker only).
 * @broken: the frontend broke the ring protocol; nothing more is read.
 * @stalled: the last pass stopped at a request that found no pages to
 *	map its grants at; it is retried when the worker runs again.
 * @reqs: the request pool.
 * @segs: ring_size * BLKBACK_MAX_SEGS segment slots for @reqs.
 * @map_ops: scratch for one batch of grant map operations.
 * @unmap_ops: scratch for one batch of grant unmap operations.
 * @map_pages: scratch pages of the batch.
 * @map_idx: which segment each batch entry maps.
 * @indirect: copied segment descriptors of an indirect request.
 * @pages: pool of pages to map grants at (max_buffer_pages kept).
 * @pgrants: persistent grants by grant reference.
 * @pg_lru: persistent grants, least recently used first.
 * @nr_pgrants: entries of @pgrants.
 * @next_purge: jiffies of the next idle-grant purge.
 * @next_stats: jiffies of the next log_stats line.
 */
struct blkback_queue {
	struct blkback_dev *be;
	unsigned int idx;
	struct xenpv_ring ring;
	struct xenpv_evtchn evtchn;
	struct blkif_back_ring back;
	struct xenpv_blkif_x86_32_back_ring back32;
	enum blkback_abi abi;
	unsigned int ring_size;
	struct task_struct *task;
	wait_queue_head_t wq;
	atomic_t irq_pending;
	spinlock_t done_lock;		/* @done */
	struct list_head done;
	struct list_head free;
	unsigned int inflight;
	bool broken;
	bool stalled;
	bool eoi_work;		/* a request taken since the last EOI */
	struct blkback_req *reqs;
	struct blkback_seg *segs;
	struct gnttab_map_grant_ref *map_ops;
	struct gnttab_unmap_grant_ref *unmap_ops;
	struct page **map_pages;
	unsigned int *map_idx;
	struct blkif_request_segment *indirect;
	struct gnttab_page_cache pages;
	struct xarray pgrants;
	struct list_head pg_lru;
	unsigned int nr_pgrants;
	unsigned long next_purge;
	unsigned long next_stats;
};

/**
 * struct blkback_stats - the counters shown in sysfs statistics/.
 * @oo_req: times a request had to wait, left on the ring, because there
 *	were no pages to map its grants at (Linux: no free request).
 * @rd_req: reads.
 * @wr_req: writes.
 * @f_req: flushes and barriers.
 * @ds_req: discards.
 * @rd_sect: sectors read.
 * @wr_sect: sectors written.
 */
struct blkback_stats {
	atomic64_t oo_req;
	atomic64_t rd_req;
	atomic64_t wr_req;
	atomic64_t f_req;
	atomic64_t ds_req;
	atomic64_t rd_sect;
	atomic64_t wr_sect;
};

/**
 * struct blkback_dev - one virtual block device (vbd) we serve.
 * @xd: the core's part; the driver data of the xenbus device.
 * @mutex: serialises the watch, connect, disconnect and remove.
 * @watch: on our physical-device node, valid when @watching.
 * @watching: @watch is registered.
 * @bdev: the open backing device, or NULL until the hotplug script
 *	wrote physical-device.
 * @bdev_handle: what closes @bdev again (compat.h).
 * @major: major of physical-device.
 * @minor: minor of physical-device.
 * @mode: the "mode" node ("r" or "w"), shown in sysfs.
 * @readonly: the vbd is read-only (mode without 'w').
 * @cdrom: the frontend's device-type is "cdrom".
 * @flush: the backing device has a write cache (feature-flush-cache).
 * @discard: discard offered (backing device and discard-enable).
 * @discard_secure: secure discard offered.
 * @sysfs: our sysfs attributes exist.
 * @lim: size and features as advertised (capacity updated on resize).
 * @sectors: the size last published.
 * @queues: @nr_queues connected queues, or NULL.
 * @nr_queues: connected queues.
 * @abi: the ring layout the frontend uses.
 * @persistent: persistent grants negotiated.
 * @stats: sysfs counters.
 * @broken_work: reports a broken frontend and switches to Closing.
 * @resize_work: publishes a new size.
 */
struct blkback_dev {
	struct xenpv_dev xd;
	struct mutex mutex;		/* watch, connect, teardown */
	struct xenbus_watch watch;
	bool watching;
	struct block_device *bdev;
	struct xenpv_bdev_handle bdev_handle;
	unsigned int major;
	unsigned int minor;
	char *mode;
	bool readonly;
	bool cdrom;
	bool flush;
	bool discard;
	bool discard_secure;
	bool sysfs;
	struct xenpv_blk_limits lim;
	u64 sectors;
	struct blkback_queue *queues;
	unsigned int nr_queues;
	enum blkback_abi abi;
	bool persistent;
	struct blkback_stats stats;
	struct work_struct broken_work;
	struct work_struct resize_work;
};

static inline struct blkback_dev *blkback_from_xd(struct xenpv_dev *xd)
{
	return container_of(xd, struct blkback_dev, xd);
}

/* ring.c */
int blkback_queue_setup(struct blkback_queue *q, unsigned int order,
			const char *dir);
void blkback_queue_teardown(struct blkback_queue *q);
int blkback_queue_start(struct blkback_queue *q);
void blkback_show(struct xenpv_dev *xd, struct seq_file *m);

/* blk.c */
int blkback_bdev_open(struct blkback_dev *be);
void blkback_bdev_close(struct blkback_dev *be);
u64 blkback_bdev_sectors(struct blkback_dev *be);
int blkback_submit(struct blkback_req *req);
int blkback_discard(struct blkback_dev *be, const struct blkif_request *req);
void blkback_bio_done(struct blkback_req *req, blk_status_t status);

#endif /* _XENPV_BLKBACK_COMMON_H */
