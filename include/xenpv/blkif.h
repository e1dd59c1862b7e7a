/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * blkif request and response validation over copied ring entries.
 *
 * A backend copies each request off the shared ring (RING_COPY_REQUEST)
 * and validates the copy before acting on it; a frontend does the same
 * with responses.  The checks are pure: no kernel objects, no I/O.
 */
#ifndef _XENPV_BLKIF_H
#define _XENPV_BLKIF_H

#include <xenpv/platform.h>

/* Segment descriptors that fit in one 4 KiB indirect page. */
#define XENPV_BLK_SEGS_PER_INDIRECT_PAGE \
	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
/* Indirect segments per request we advertise (Linux blkback uses 256). */
#define XENPV_BLK_MAX_INDIRECT_SEGMENTS	256
/* Hard limit set by the request layout: 8 indirect pages. */
#define XENPV_BLK_INDIRECT_SEGS_LIMIT \
	(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * XENPV_BLK_SEGS_PER_INDIRECT_PAGE)
/* Marks a request id that has no request outstanding. */
#define XENPV_BLKIF_OP_NONE		0xff

/*
 * The x86_32 ring layout ("x86_32-abi"), which a 64-bit x86 backend
 * reads for 32-bit guests: 64-bit fields are only 4-byte aligned there,
 * so the id sits at offset 4 (not 8) and a request is 108 bytes (not
 * 112).  Written from the i386 psABI rules applied to Xen's io/blkif.h;
 * the response differs from the native one only in its size.
 */
struct xenpv_blkif_x86_32_request {
	u8 operation;
	union {
		struct {
			u8 nr_segments;
			u16 handle;
			u64 id;
			u64 sector_number;
			struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
		} __packed rw;
		struct {
			u8 flag;
			u16 handle;
			u64 id;
			u64 sector_number;
			u64 nr_sectors;
		} __packed discard;
		struct {
			u8 pad1;
			u16 pad2;
			u64 id;
		} __packed other;
		struct {
			u8 indirect_op;
			u16 nr_segments;
			u64 id;
			u64 sector_number;
			u16 handle;
			u16 pad;
			grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
		} __packed indirect;
	} __packed u;
} __packed;

struct xenpv_blkif_x86_32_response {
	u64 id;
	u8 operation;
	u8 pad;
	s16 status;
} __packed;

DEFINE_RING_TYPES(xenpv_blkif_x86_32, struct xenpv_blkif_x86_32_request,
		  struct xenpv_blkif_x86_32_response);

/**
 * struct xenpv_blk_limits - what a backend device accepts.
 * @capacity: device size in 512-byte sectors.
 * @readonly: the vbd is read-only: only reads are accepted.
 * @flush: feature-flush-cache was advertised.
 * @barrier: feature-barrier was advertised.
 * @discard: feature-discard was advertised.
 * @max_indirect_segments: feature-max-indirect-segments as advertised,
 *	0 if indirect requests were not offered.
 * @sector_size: logical block size of the device in bytes (a power of
 *	two); 0 is taken as 512.  Data requests must start and end on
 *	logical blocks, and so must every segment.
 */
struct xenpv_blk_limits {
	u64 capacity;
	bool readonly;
	bool flush;
	bool barrier;
	bool discard;
	unsigned int max_indirect_segments;
	unsigned int sector_size;
};

/**
 * xenpv_blkif_range_ok() - is a sector range inside the device?
 * @sector: first sector.
 * @nr_sectors: number of sectors.
 * @capacity: device size in sectors.
 *
 * Return: true if @sector + @nr_sectors <= @capacity, without overflow.
 */
static inline bool xenpv_blkif_range_ok(u64 sector, u64 nr_sectors,
					u64 capacity)
{
	return sector <= capacity && nr_sectors <= capacity - sector;
}

/**
 * xenpv_blkif_seg_validate() - check one segment descriptor.
 * @seg: a copy of the segment (from the request or from an indirect page).
 *
 * Return: number of sectors the segment covers (1..8), or -EINVAL if
 * first_sect > last_sect or last_sect is beyond the 4 KiB grant.
 */
static inline int xenpv_blkif_seg_validate(const struct blkif_request_segment *seg)
{
	if (unlikely(seg->last_sect >= XENPV_SECTORS_PER_PAGE ||
		     seg->first_sect > seg->last_sect))
		return -EINVAL;
	return seg->last_sect - seg->first_sect + 1;
}

/**
 * xenpv_blkif_indirect_pages() - indirect pages needed for @nr_segments.
 * @nr_segments: segment count of an indirect request.
 *
 * Return: number of indirect_grefs[] entries the request uses.
 */
static inline unsigned int xenpv_blkif_indirect_pages(unsigned int nr_segments)
{
	return (nr_segments + XENPV_BLK_SEGS_PER_INDIRECT_PAGE - 1) /
	       XENPV_BLK_SEGS_PER_INDIRECT_PAGE;
}

/* 512-byte sectors per logical block, minus one: an alignment mask. */
static inline u64 xenpv_blkif_lbs_mask(const struct xenpv_blk_limits *lim)
{
	unsigned int lbs = lim->sector_size;

	if (lbs <= (1U << XENPV_SECTOR_SHIFT) || (lbs & (lbs - 1)) ||
	    lbs > XEN_PAGE_SIZE)
		return 0;
	return (lbs >> XENPV_SECTOR_SHIFT) - 1;
}

/**
 * xenpv_blkif_segs_validate() - check a copied list of data segments.
 * @seg: @nseg segment descriptors, copied out of the request or out of
 *	its indirect pages (never read in place).
 * @nseg: number of segments, 1 or more.
 * @sector: the request's first sector.
 * @lim: the device limits.
 *
 * Every segment must satisfy first_sect <= last_sect <= 7; with a
 * logical block size above 512 bytes @sector and each segment's first
 * and last sector must fall on block boundaries; and the total must lie
 * inside @lim->capacity.
 *
 * Return: number of sectors the segments cover (1..8 * @nseg), -EINVAL
 * for a malformed segment or misaligned request, -ERANGE for sectors
 * past the end of the device.
 */
static inline int xenpv_blkif_segs_validate(const struct blkif_request_segment *seg,
					    unsigned int nseg, u64 sector,
					    const struct xenpv_blk_limits *lim)
{
	u64 mask = xenpv_blkif_lbs_mask(lim);
	unsigned int i;
	int n, total = 0;

	if (unlikely(nseg == 0 || nseg > XENPV_BLK_INDIRECT_SEGS_LIMIT))
		return -EINVAL;
	if (unlikely(sector & mask))
		return -EINVAL;
	for (i = 0; i < nseg; i++) {
		n = xenpv_blkif_seg_validate(&seg[i]);
		if (n < 0)
			return n;
		if (unlikely((seg[i].first_sect & mask) || (n & mask)))
			return -EINVAL;
		total += n;
	}
	if (!xenpv_blkif_range_ok(sector, total, lim->capacity))
		return -ERANGE;
	return total;
}

/**
 * xenpv_blkif_rw_validate() - check a request with inline segments.
 * @req: the copied request (READ, WRITE, WRITE_BARRIER, FLUSH_DISKCACHE).
 * @lim: the device limits.
 * @min_segs: 1 for READ/WRITE, 0 for flush and barrier.
 *
 * Return: 0, -EINVAL or -ERANGE, as for xenpv_blkif_req_validate().
 */
static inline int xenpv_blkif_rw_validate(const struct blkif_request *req,
					  const struct xenpv_blk_limits *lim,
					  unsigned int min_segs)
{
	unsigned int nseg = XENPV_BLKIF_RW(req)->nr_segments;
	int n;

	if (unlikely(nseg < min_segs || nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST))
		return -EINVAL;
	if (!nseg)
		return 0;
	n = xenpv_blkif_segs_validate(XENPV_BLKIF_RW(req)->seg, nseg,
				      XENPV_BLKIF_RW(req)->sector_number, lim);
	return n < 0 ? n : 0;
}

/**
 * xenpv_blkif_indirect_validate() - check the header of an indirect request.
 * @req: the copied BLKIF_OP_INDIRECT request.
 * @lim: the device limits.
 *
 * Return: 0, -EOPNOTSUPP, -EINVAL, -EROFS or -ERANGE, as for
 * xenpv_blkif_req_validate().
 */
static inline int xenpv_blkif_indirect_validate(const struct blkif_request *req,
						const struct xenpv_blk_limits *lim)
{
	u8 op = XENPV_BLKIF_INDIRECT(req)->indirect_op;
	unsigned int nseg = XENPV_BLKIF_INDIRECT(req)->nr_segments;
	unsigned int max = lim->max_indirect_segments;

	if (!max)
		return -EOPNOTSUPP;
	if (max > XENPV_BLK_INDIRECT_SEGS_LIMIT)
		max = XENPV_BLK_INDIRECT_SEGS_LIMIT;
	if (unlikely(op != BLKIF_OP_READ && op != BLKIF_OP_WRITE))
		return -EINVAL;
	if (unlikely(nseg == 0 || nseg > max ||
		     xenpv_blkif_indirect_pages(nseg) >
		     BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST))
		return -EINVAL;
	if (op == BLKIF_OP_WRITE && lim->readonly)
		return -EROFS;
	/* Each segment covers at least one sector. */
	if (!xenpv_blkif_range_ok(XENPV_BLKIF_INDIRECT(req)->sector_number,
				  nseg, lim->capacity))
		return -ERANGE;
	return 0;
}

/**
 * xenpv_blkif_discard_validate() - check a discard request.
 * @req: the copied BLKIF_OP_DISCARD request.
 * @lim: the device limits.
 *
 * Return: 0, -EOPNOTSUPP, -EINVAL, -EROFS or -ERANGE, as for
 * xenpv_blkif_req_validate().
 */
static inline int xenpv_blkif_discard_validate(const struct blkif_request *req,
					       const struct xenpv_blk_limits *lim)
{
	if (!lim->discard)
		return -EOPNOTSUPP;
	if (unlikely(XENPV_BLKIF_DISCARD(req)->flag & ~BLKIF_DISCARD_SECURE))
		return -EINVAL;
	if (lim->readonly)
		return -EROFS;
	if (!xenpv_blkif_range_ok(XENPV_BLKIF_DISCARD(req)->sector_number,
				  XENPV_BLKIF_DISCARD(req)->nr_sectors,
				  lim->capacity))
		return -ERANGE;
	return 0;
}

/**
 * xenpv_blkif_req_validate() - backend check of a copied request.
 * @req: the request, already copied off the shared ring.
 * @lim: the device's size and the features that were advertised.
 *
 * READ/WRITE need 1..BLKIF_MAX_SEGMENTS_PER_REQUEST segments; a flush or
 * barrier may carry 0..BLKIF_MAX_SEGMENTS_PER_REQUEST (with data it is a
 * write).  Every segment must satisfy first_sect <= last_sect <= 7 and the
 * sectors must lie inside @lim->capacity.  Anything but a read is refused
 * on a read-only vbd.  For an indirect request only the header is checked
 * here (the segments live in the indirect pages: copy them out and
 * check them with xenpv_blkif_segs_validate()).
 *
 * Return: 0 if the request may be executed; -EOPNOTSUPP for an unknown
 * operation or a feature that was not advertised; -EROFS for a write to a
 * read-only vbd; -ERANGE for sectors past the end of the device; -EINVAL
 * for any other malformed field.
 */
static inline int xenpv_blkif_req_validate(const struct blkif_request *req,
					   const struct xenpv_blk_limits *lim)
{
	switch (req->operation) {
	case BLKIF_OP_READ:
		return xenpv_blkif_rw_validate(req, lim, 1);
	case BLKIF_OP_WRITE:
		if (lim->readonly)
			return -EROFS;
		return xenpv_blkif_rw_validate(req, lim, 1);
	case BLKIF_OP_WRITE_BARRIER:
	case BLKIF_OP_FLUSH_DISKCACHE:
		if (req->operation == BLKIF_OP_WRITE_BARRIER ?
		    !lim->barrier : !lim->flush)
			return -EOPNOTSUPP;
		if (lim->readonly)
			return -EROFS;
		return xenpv_blkif_rw_validate(req, lim, 0);
	case BLKIF_OP_DISCARD:
		return xenpv_blkif_discard_validate(req, lim);
	case BLKIF_OP_INDIRECT:
		return xenpv_blkif_indirect_validate(req, lim);
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * xenpv_blkif_rsp_validate() - frontend check of a copied response.
 * @rsp: the response, already copied off the shared ring.
 * @nr_ids: number of request ids the frontend uses (ids are 0..@nr_ids-1).
 * @pending_op: @nr_ids entries: the operation of the request outstanding
 *	under each id, or XENPV_BLKIF_OP_NONE if that id is free.  For an
 *	indirect request record its indirect_op, not BLKIF_OP_INDIRECT.
 *
 * The id must name an outstanding request, the operation must equal
 * @pending_op[id] and the status must be BLKIF_RSP_OKAY, BLKIF_RSP_ERROR
 * or BLKIF_RSP_EOPNOTSUPP.  An indirect request is answered with its
 * inner operation (BLKIF_OP_READ or BLKIF_OP_WRITE): that is what
 * Linux's blkback and ours send, and the only value Linux's blkfront
 * accepts; a response echoing BLKIF_OP_INDIRECT is refused here too.
 *
 * Return: 0 if the response may complete the request; -ERANGE if the id
 * is out of range; -EINVAL otherwise.
 */
static inline int xenpv_blkif_rsp_validate(const struct blkif_response *rsp,
					   u64 nr_ids, const u8 *pending_op)
{
	u8 op;

	if (unlikely(rsp->id >= nr_ids))
		return -ERANGE;
	op = pending_op[rsp->id];
	if (unlikely(op == XENPV_BLKIF_OP_NONE || op != rsp->operation))
		return -EINVAL;
	switch (rsp->status) {
	case BLKIF_RSP_OKAY:
	case BLKIF_RSP_ERROR:
	case BLKIF_RSP_EOPNOTSUPP:
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * virtual-device numbers (xenstore "virtual-device", Xen's
 * docs/misc/vbd-interface):
 *
 *	BIT(28) | disk << 8 | part	xvd, extended: any disk, parts 0..255
 *	202 << 8 | disk << 4 | part	xvd, disks and parts 0..15
 *	8 << 8 | disk << 4 | part	sd, disks and parts 0..15
 *	3 << 8 | disk << 6 | part	hd, disks 0..1, parts 0..63
 *	22 << 8 | (disk - 2) << 6 | part	hd, disks 2..3, parts 0..63
 *	2 << 28 onwards			reserved
 *
 * A Linux frontend gives every one of them an xvd disk under major 202,
 * and so does ours, with the mapping of Linux's xen-blkfront: hd and sd
 * numbers become the xvd disk of the same number (hda -> xvda, hdc ->
 * xvdc, sdb -> xvdb); it also takes Linux's other SCSI majors, 65..71 and
 * 128..135, as sd disks 16..255.  An IDE number's partition is dropped
 * (hda1 gives the whole disk xvda, as in Linux: hd has up to 63
 * partitions, the xvd scheme 15).
 */
#define XENPV_VDEV_EXT			BIT(28)
#define XENPV_VDEV_XVD_MAJOR		202
#define XENPV_VDEV_IDE0_MAJOR		3	/* hda, hdb */
#define XENPV_VDEV_IDE1_MAJOR		22	/* hdc, hdd */
#define XENPV_VDEV_SD0_MAJOR		8	/* sda..sdp */
#define XENPV_VDEV_SD1_MAJOR		65	/* ..71: sdq..sddx */
#define XENPV_VDEV_SD8_MAJOR		128	/* ..135: sddy..sdiv */
#define XENPV_VDEV_PARTS_SHIFT		4	/* 16 minors a disk */
#define XENPV_VDEV_EXT_PARTS_SHIFT	8	/* extended: 256 */
#define XENPV_VDEV_MINORBITS		20	/* the kernel's MINORBITS */

/**
 * struct xenpv_vdev - where a virtual-device number goes under major 202.
 * @disk: disk index: 0 is xvda, 25 xvdz, 26 xvdaa.
 * @part: partition number, 0 for a whole disk.
 * @first_minor: first minor of the disk (or of the partition).
 * @nr_minors: minors it spans: 16, or 256 in the extended scheme, for a
 *	whole disk; 1 for a partition (a disk without partitions).
 * @emulated: the number names an hd or sd device, not an xvd one.
 */
struct xenpv_vdev {
	unsigned int disk;
	unsigned int part;
	unsigned int first_minor;
	unsigned int nr_minors;
	bool emulated;
};

/**
 * xenpv_vdev_translate() - map a virtual-device number onto an xvd disk.
 * @vdev: the number from xenstore.
 * @out: the result, set only on success.
 *
 * Pure.  The mapping of Linux's xen-blkfront (see above).
 *
 * Return: 0; -ENODEV for a major that is not xvd, hd or sd; -ERANGE for
 * a number at or above 2 << 28 (reserved) or a minor past 20 bits.
 */
static inline int xenpv_vdev_translate(u32 vdev, struct xenpv_vdev *out)
{
	unsigned int major, minor, disk, shift = XENPV_VDEV_PARTS_SHIFT;
	bool emulated = true;

	if (vdev >> 28 > 1)
		return -ERANGE;
	if (vdev & XENPV_VDEV_EXT) {
		shift = XENPV_VDEV_EXT_PARTS_SHIFT;
		minor = vdev & (XENPV_VDEV_EXT - 1);
		disk = minor >> shift;
		emulated = false;
	} else {
		major = vdev >> 8;
		minor = vdev & 0xff;
		if (major == XENPV_VDEV_XVD_MAJOR) {
			disk = minor >> shift;
			emulated = false;
		} else if (major == XENPV_VDEV_IDE0_MAJOR ||
			   major == XENPV_VDEV_IDE1_MAJOR) {
			disk = minor / 64 +
			       (major == XENPV_VDEV_IDE1_MAJOR ? 2 : 0);
			minor = disk << shift;
		} else if (major == XENPV_VDEV_SD0_MAJOR ||
			   (major >= XENPV_VDEV_SD1_MAJOR &&
			    major < XENPV_VDEV_SD1_MAJOR + 7) ||
			   (major >= XENPV_VDEV_SD8_MAJOR &&
			    major < XENPV_VDEV_SD8_MAJOR + 8)) {
			/* 16 sd disks of 16 minors per major. */
			if (major >= XENPV_VDEV_SD8_MAJOR)
				minor += (major - XENPV_VDEV_SD8_MAJOR + 8) << 8;
			else if (major >= XENPV_VDEV_SD1_MAJOR)
				minor += (major - XENPV_VDEV_SD1_MAJOR + 1) << 8;
			disk = minor >> shift;
		} else {
			return -ENODEV;
		}
	}
	if (minor >> XENPV_VDEV_MINORBITS)
		return -ERANGE;

	out->disk = disk;
	out->part = minor & ((1U << shift) - 1);
	out->first_minor = minor;
	out->nr_minors = out->part ? 1 : 1U << shift;
	out->emulated = emulated;
	return 0;
}

/**
 * xenpv_vdev_name() - the disk name of a translated virtual-device.
 * @v: from xenpv_vdev_translate().
 * @buf: where the name goes ("xvda", "xvdaa", "xvdb3").
 * @len: size of @buf.
 *
 * The disk index in bijective base 26 (a..z, aa..), then the partition
 * number if there is one.
 *
 * Return: the length of the name, or -ENOSPC if it does not fit in @buf
 * (@buf is then an empty string if @len is not 0).
 */
static inline int xenpv_vdev_name(const struct xenpv_vdev *v, char *buf,
				  unsigned int len)
{
	char tmp[24];
	unsigned int n = 0, i, d = v->disk + 1, p = v->part;

	/* Built backwards: digits of the partition, letters, "xvd". */
	while (p) {
		tmp[n++] = '0' + p % 10;
		p /= 10;
	}
	while (d) {
		d--;
		tmp[n++] = 'a' + d % 26;
		d /= 26;
	}
	tmp[n++] = 'd';
	tmp[n++] = 'v';
	tmp[n++] = 'x';
	if (n >= len) {
		if (len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

/*
 * Frontend negotiation: what a frontend uses, given what the backend
 * offered and the frontend's own limits.  Pure, so the rules are tested
 * on the host (tests/unit/test_blkif.c).
 */

/**
 * xenpv_blkif_front_segs() - data segments per request a frontend uses.
 * @be_max: the backend's feature-max-indirect-segments, 0 when absent.
 * @param: the frontend's limit (its max_indirect_segments parameter).
 *
 * Indirect requests are used only when both sides allow more than the
 * BLKIF_MAX_SEGMENTS_PER_REQUEST segments a plain request carries; the
 * count is then bounded by the 8 indirect pages of a request.
 *
 * Return: BLKIF_MAX_SEGMENTS_PER_REQUEST without indirect requests,
 * otherwise min(@be_max, @param, XENPV_BLK_INDIRECT_SEGS_LIMIT).
 */
static inline unsigned int xenpv_blkif_front_segs(u32 be_max, u32 param)
{
	u32 n = be_max < param ? be_max : param;

	if (n <= BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return BLKIF_MAX_SEGMENTS_PER_REQUEST;
	if (n > XENPV_BLK_INDIRECT_SEGS_LIMIT)
		n = XENPV_BLK_INDIRECT_SEGS_LIMIT;
	return n;
}

/**
 * xenpv_blkif_front_queues() - hardware queues (rings) a frontend uses.
 * @be_max: the backend's multi-queue-max-queues, 0 when absent.
 * @param: the frontend's limit (its max_queues parameter).
 * @cpus: online CPUs of the frontend's domain.
 *
 * Return: min(@be_max, @param, @cpus), at least 1.
 */
static inline unsigned int xenpv_blkif_front_queues(u32 be_max, u32 param,
						    unsigned int cpus)
{
	u32 n = be_max;

	if (param < n)
		n = param;
	if (cpus < n)
		n = cpus;
	return n ? n : 1;
}

/**
 * struct xenpv_blk_discard - discard limits a frontend takes from its backend.
 * @granularity: discard-granularity in bytes (a multiple of the logical
 *	block size).
 * @alignment: discard-alignment in bytes, below @granularity.
 * @secure: discard-secure: BLKIF_DISCARD_SECURE requests are honoured.
 */
struct xenpv_blk_discard {
	u32 granularity;
	u32 alignment;
	bool secure;
};

/* The largest discard-granularity a frontend accepts (1 GiB). */
#define XENPV_BLK_MAX_DISCARD_GRANULARITY	BIT(30)

/**
 * xenpv_blkif_discard_limits() - check the backend's discard keys.
 * @granularity: discard-granularity as read, 0 when absent.
 * @alignment: discard-alignment as read, 0 when absent.
 * @secure: discard-secure as read.
 * @lbs: the logical block size (sector-size), a power of two >= 512.
 * @out: the limits to use, set only on success.
 *
 * An absent granularity is the logical block size (Xen's io/blkif.h).  A
 * granularity that is not a multiple of @lbs or above
 * XENPV_BLK_MAX_DISCARD_GRANULARITY, or an alignment that is not a
 * multiple of 512 or not below the granularity, is refused: the
 * frontend then does not discard at all.
 *
 * Return: 0 or -EINVAL.
 */
static inline int xenpv_blkif_discard_limits(u32 granularity, u32 alignment,
					     bool secure, u32 lbs,
					     struct xenpv_blk_discard *out)
{
	if (!lbs || (lbs & (lbs - 1)) || lbs < (1U << XENPV_SECTOR_SHIFT))
		return -EINVAL;
	if (!granularity)
		granularity = lbs;
	if (granularity % lbs ||
	    granularity > XENPV_BLK_MAX_DISCARD_GRANULARITY)
		return -EINVAL;
	if (alignment % (1U << XENPV_SECTOR_SHIFT) || alignment >= granularity)
		return -EINVAL;
	out->granularity = granularity;
	out->alignment = alignment;
	out->secure = secure;
	return 0;
}

#endif /* _XENPV_BLKIF_H */
