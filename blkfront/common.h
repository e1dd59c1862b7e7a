/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-blkfront: types and cross-file prototypes.
 *
 * The driver is split so:
 *	ring.c	  building blkif requests, consuming responses, the IRQ
 *	blk.c	  blk-mq glue: tag set, gendisk, queue limits
 *	xenbus.c  probe/remove, negotiation and the state machine
 * All xenstore, state, ring and event-channel work goes through the
 * xenpv-bus core (../xenbus/xenpv_bus.h).
 */
#ifndef _XENPV_BLKFRONT_COMMON_H
#define _XENPV_BLKFRONT_COMMON_H

#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xenpv/blkif.h>
#include <xenpv/ring.h>

#include "../xenbus/xenpv_bus.h"

#define XENVBD_MAJOR		XENPV_VDEV_XVD_MAJOR	/* the xvd disks */
#define BLKFRONT_SEGS		BLKIF_MAX_SEGMENTS_PER_REQUEST

/**
 * struct blkfront_pgnt - a page of ours that carries data for the backend
 *	in copy mode (persistent grants or bounce buffers).
 * @node: on the queue's free list while not used by a request.
 * @page: the page, zeroed when allocated; only ever holds this disk's data.
 * @gref: its grant, valid while @granted.
 * @granted: granted to the backend (persistent grants stay granted).
 */
struct blkfront_pgnt {
	struct list_head node;
	struct page *page;
	grant_ref_t gref;
	bool granted;
};

/* Indirect pages a request may use (the request layout's limit). */
#define BLKFRONT_INDIRECT_PAGES	BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST

/**
 * struct blkfront_cmd - per-request driver data (the blk-mq PDU).
 * @sg: the request's data, one entry per granted 4 KiB frame;
 *	blkfront_info.max_segs entries, allocated with the request.
 * @gref: grant references of the data, as many entries as @sg.
 * @nr_grefs: valid entries of @gref.
 * @indirect: pages holding the segment descriptors of an indirect
 *	request, blkfront_info.indirect_pages of them (allocated with the
 *	request); an entry is NULL after its page went to the kernel's
 *	deferred list because the backend kept it mapped.
 * @indirect_gref: grants of @indirect, read-only for the backend.
 * @nr_indirect: valid entries of @indirect_gref.
 * @pg: copy mode: the page carrying each segment's data (as many
 *	entries as @sg), @nr_pg valid.
 * @nr_pg: valid entries of @pg.
 * @ind_pg: persistent grants: the pages holding the segment descriptors
 *	(then used instead of @indirect), @nr_ind_pg valid.
 * @nr_ind_pg: valid entries of @ind_pg.
 * @status: the completion status handed to blk_mq_end_request().
 */
struct blkfront_cmd {
	struct scatterlist *sg;
	grant_ref_t *gref;
	unsigned int nr_grefs;
	struct page *indirect[BLKFRONT_INDIRECT_PAGES];
	grant_ref_t indirect_gref[BLKFRONT_INDIRECT_PAGES];
	unsigned int nr_indirect;
	struct blkfront_pgnt **pg;
	unsigned int nr_pg;
	struct blkfront_pgnt *ind_pg[BLKFRONT_INDIRECT_PAGES];
	unsigned int nr_ind_pg;
	blk_status_t status;
};

struct blkfront_info;

/**
 * struct blkfront_queue - one ring, its event channel and its request ids;
 *	one blk-mq hardware queue.
 * @info: the device.
 * @index: queue number (queue-<index>/ in xenstore with several queues).
 * @lock: protects the ring and the ids.
 * @front: our view of the shared ring; @front.sring is NULL when down.
 * @ring_size: entries of the ring, also the number of request ids.
 * @pending_op: per id: the blkif operation outstanding (the inner one of
 *	an indirect request), or XENPV_BLKIF_OP_NONE.
 * @rqs: per id: the blk-mq request outstanding under that id.
 * @inflight: requests on the ring that were not answered yet.
 * @ring: the shared ring pages (core).
 * @evtchn: the event channel (core).
 * @pool_lock: protects @pool and @nr_pgnts; taken inside @lock or alone.
 * @pool: free pages of copy mode (struct blkfront_pgnt).
 * @nr_pgnts: copy-mode pages allocated for this queue (free or in use).
 */
struct blkfront_queue {
	struct blkfront_info *info;
	unsigned int index;
	spinlock_t lock;		/* ring and request ids */
	struct blkif_front_ring front;
	unsigned int ring_size;
	u8 *pending_op;
	struct request **rqs;
	unsigned int inflight;
	struct xenpv_ring ring;
	struct xenpv_evtchn evtchn;
	spinlock_t pool_lock;		/* pool, nr_pgnts */
	struct list_head pool;
	unsigned int nr_pgnts;
};

/**
 * struct blkfront_info - one virtual block device.
 * @xd: the core's part; the driver data of the xenbus device.
 * @mutex: serialises connecting and tearing down (xenwatch, remove,
 *	resume, limits_work).  Never taken by @add_work.  Its holder waits
 *	for the backend only for a bounded time (a disconnect's drain),
 *	and for @add_work only once the device stopped running and its
 *	requests were failed (blkfront_disk_remove()).
 * @lock: protects @running, @broken, @gd, @adding and @disk_added;
 *	may be taken inside a queue's lock, never the other way round.
 * @queues: @max_queues queue structs, allocated at probe and kept until
 *	remove (blk-mq hardware queues point at them).
 * @max_queues: entries of @queues: max_queues bounded by the CPUs.
 * @nr_queues: queues set up (rings allocated), 0 when down; changed
 *	under @mutex.
 * @ring_order: each ring spans 2^@ring_order pages.
 * @running: new requests may be put on the rings.
 * @broken: the backend broke the protocol; nothing more is accepted.
 * @flush_op: BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_WRITE_BARRIER, or 0 when
 *	the backend offers neither.
 * @fua: FUA writes are sent as @flush_op with data (barrier backends
 *	without indirect requests).
 * @be_indirect: the backend's feature-max-indirect-segments (0: none).
 * @max_segs: data segments per request: BLKFRONT_SEGS, or more with
 *	indirect requests (then requests above BLKFRONT_SEGS segments are
 *	sent as BLKIF_OP_INDIRECT).
 * @indirect_pages: indirect pages per request, 0 without indirect.
 * @want_persistent: we offered feature-persistent (the parameter when
 *	the rings were published).
 * @persistent: both sides offered feature-persistent: data goes through
 *	pages of ours granted once, read-write, and kept granted.
 * @bounce: the backend is not trusted (trusted parameter or node is 0):
 *	data goes through zeroed pages of ours, granted per request.
 * @copy: @persistent or @bounce: data is copied through struct
 *	blkfront_pgnt pages instead of granting the request's own pages.
 * @discard: discard requests are sent (feature-discard, sane limits;
 *	cleared when the backend refuses one).
 * @discard_lim: granularity, alignment and secure erase, from the backend.
 * @drained: woken when a queue's inflight drops to 0.
 * @broken_work: fails the requests of every queue and switches to
 *	Closing after the backend broke a ring.
 * @limits_work: tells the block layer that flushes or discards are off
 *	(after the backend refused one; changing queue limits may sleep).
 * @add_work: adds @gd (device_add_disk(), which reads the partition
 *	table) and then announces Connected, outside the xenwatch thread
 *	and without @mutex; on system_long_wq.
 * @vdevice: the virtual-device number.
 * @first_minor: first minor of the disk under XENVBD_MAJOR.
 * @nr_minors: minors reserved for the disk and its partitions.
 * @name: the disk name, "xvda"...
 * @node: on the list of reserved minor ranges.
 * @sectors: capacity in 512-byte sectors.
 * @vdisk_info: the backend's "info" bits (VDISK_*).
 * @sector_size: logical block size.
 * @physical_sector_size: physical block size.
 * @pdu_segs: @max_segs when the tag set was allocated: what each
 *	request's arrays hold.  A later connection (after a restore) uses
 *	at most this many segments.
 * @quiesced: the disk's queue is quiesced between a restore and the
 *	reconnection (requests wait, they do not fail).
 * @resumed: restores seen (debugfs).
 * @tag_set: the blk-mq tag set, valid when @tag_set_ready.
 * @tag_set_ready: @tag_set was allocated.
 * @gd: the disk, or NULL.  Set and cleared under @mutex (and @lock);
 *	@add_work reads it without locks: it is cleared only after
 *	@add_work was cancelled or has ended.
 * @adding: @add_work is queued or running: @gd is not added yet.
 * @disk_added: @gd was added with device_add_disk().
 */
struct blkfront_info {
	struct xenpv_dev xd;
	struct mutex mutex;		/* connect / teardown */
	spinlock_t lock;		/* running, broken, gd, adding... */
	struct blkfront_queue *queues;
	unsigned int max_queues;
	unsigned int nr_queues;
	unsigned int ring_order;
	bool running;
	bool broken;
	u8 flush_op;
	bool fua;
	u32 be_indirect;
	unsigned int max_segs;
	unsigned int indirect_pages;
	bool want_persistent;
	bool persistent;
	bool bounce;
	bool copy;
	bool discard;
	struct xenpv_blk_discard discard_lim;

	wait_queue_head_t drained;
	struct work_struct broken_work;
	struct work_struct limits_work;
	struct work_struct add_work;

	u32 vdevice;
	unsigned int first_minor;
	unsigned int nr_minors;
	char name[DISK_NAME_LEN];
	struct list_head node;

	u64 sectors;
	u32 vdisk_info;
	u32 sector_size;
	u32 physical_sector_size;
	unsigned int pdu_segs;
	bool quiesced;
	unsigned int resumed;
	struct blk_mq_tag_set tag_set;
	bool tag_set_ready;
	struct gendisk *gd;
	bool adding;
	bool disk_added;
};

static inline struct blkfront_info *blkfront_from_xd(struct xenpv_dev *xd)
{
	return container_of(xd, struct blkfront_info, xd);
}

/* ring.c */
int blkfront_ring_setup(struct blkfront_info *info, unsigned int order,
			unsigned int nr_queues);
void blkfront_ring_teardown(struct blkfront_info *info);
blk_status_t blkfront_submit(struct blkfront_queue *q, struct request *rq);
void blkfront_fail_all(struct blkfront_queue *q);
void blkfront_fail_queues(struct blkfront_info *info);
unsigned int blkfront_requeue_inflight(struct blkfront_info *info);
bool blkfront_idle(struct blkfront_info *info);
void blkfront_pools_free(struct blkfront_info *info);
void blkfront_show(struct xenpv_dev *xd, struct seq_file *m);
int blkfront_cmd_init(struct blkfront_info *info, struct blkfront_cmd *cmd);
void blkfront_cmd_exit(struct blkfront_cmd *cmd);

/* blk.c */
int blkfront_disk_create(struct blkfront_info *info);
int blkfront_disk_add(struct blkfront_info *info, bool *announce);
void blkfront_disk_remove(struct blkfront_info *info);
void blkfront_disk_resize(struct blkfront_info *info, u64 sectors);
void blkfront_disk_update_limits(struct blkfront_info *info);

#endif /* _XENPV_BLKFRONT_COMMON_H */
