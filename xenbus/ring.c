// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared rings of 2^order grant pages.
 *
 * Frontend: allocate zeroed pages, grant each XEN_PAGE_SIZE frame to the
 * backend, publish "<key>" (order 0) or "ring-page-order" plus
 * "<key>0".."<key>N-1" (order > 0).  Backend: read the order (bounded by
 * our maximum) and the references, and map them.  The xenstore layout
 * matches Xen's io/blkif.h; netif and console rings use order 0 only.
 */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

static void xenpv_ring_track(struct xenpv_dev *xd, struct xenpv_ring *ring)
{
	unsigned long flags;

	spin_lock_irqsave(&xd->lock, flags);
	list_add_tail(&ring->node, &xd->rings);
	spin_unlock_irqrestore(&xd->lock, flags);
}

static void xenpv_ring_untrack(struct xenpv_dev *xd, struct xenpv_ring *ring)
{
	unsigned long flags;

	spin_lock_irqsave(&xd->lock, flags);
	list_del_init(&ring->node);
	spin_unlock_irqrestore(&xd->lock, flags);
}

static void xenpv_ring_init(struct xenpv_ring *ring, const char *name,
			    unsigned int order)
{
	unsigned int i;

	memset(ring, 0, sizeof(*ring));
	INIT_LIST_HEAD(&ring->node);
	strscpy(ring->name, name, sizeof(ring->name));
	ring->order = order;
	for (i = 0; i < ARRAY_SIZE(ring->refs); i++)
		ring->refs[i] = INVALID_GRANT_REF;
}

/* End every grant of @ring and free its pages; see xenpv_grant_revoke(). */
static void xenpv_ring_release(struct xenpv_dev *xd, struct xenpv_ring *ring)
{
	unsigned int i;

	for (i = 0; i < BIT(ring->order); i++) {
		struct page *page;

		if (ring->refs[i] == INVALID_GRANT_REF)
			continue;
		/*
		 * A grant the backend still maps keeps a reference on its
		 * page, so free_pages_exact() below does not give that page
		 * back while it is mapped.  The reference is taken here and
		 * handed over: the kernel's own lookup (page == NULL) turns
		 * the frame number into a page as if kernel pages were Xen's
		 * 4 KiB, which picks the wrong page with 16K/64K pages.
		 */
		page = virt_to_page(ring->va + i * XEN_PAGE_SIZE);
		get_page(page);
		if (xenpv_grant_revoke(xd, ring->refs[i], page))
			put_page(page);
		ring->refs[i] = INVALID_GRANT_REF;
	}
	free_pages_exact(ring->va, xenpv_ring_bytes(ring));
	ring->va = NULL;
}

/**
 * xenpv_ring_alloc() - frontend: allocate and grant a shared ring.
 * @xd: a frontend device.
 * @ring: the ring to set up (its old contents are ignored).
 * @name: label for debugfs.
 * @order: the ring spans 2^@order grant pages (at most
 *	XENBUS_MAX_RING_GRANT_ORDER and the backend's max-ring-page-order).
 *
 * The pages are zeroed and granted read-write to the backend.  Nothing
 * is written to xenstore; see xenpv_ring_publish().  On failure nothing
 * stays allocated or granted and the error is reported fatal.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a bad @order, -ENOMEM, or -ENOSPC (grant table
 * full).
 */
int xenpv_ring_alloc(struct xenpv_dev *xd, struct xenpv_ring *ring,
		     const char *name, unsigned int order)
{
	unsigned int i, nr;
	grant_ref_t head;
	int err;

	if (order > XENBUS_MAX_RING_GRANT_ORDER ||
	    order > XENPV_RING_MAX_ORDER)
		return -EINVAL;
	xenpv_ring_init(ring, name, order);
	nr = BIT(order);

	ring->va = alloc_pages_exact(xenpv_ring_bytes(ring),
				     GFP_KERNEL | __GFP_ZERO);
	if (!ring->va) {
		err = -ENOMEM;
		goto out_report;
	}

	err = xenpv_grant_refs_alloc(nr, &head);
	if (err)
		goto out_free_pages;
	for (i = 0; i < nr; i++) {
		err = xenpv_grant_claim(&head, &ring->refs[i]);
		if (err)
			goto out_release;
		xenpv_grant_page(xd, ring->refs[i],
				 virt_to_gfn(ring->va + i * XEN_PAGE_SIZE),
				 false);
	}
	xenpv_grant_refs_free(head);

	xenpv_ring_track(xd, ring);
	return 0;

out_release:
	xenpv_grant_refs_free(head);
	xenpv_ring_release(xd, ring);
	goto out_report;
out_free_pages:
	free_pages_exact(ring->va, xenpv_ring_bytes(ring));
	ring->va = NULL;
out_report:
	xenpv_dev_fatal(xd, err, "allocating ring %s (order %u)", name, order);
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_ring_alloc);

/**
 * xenpv_ring_publish() - frontend: write a ring's grant references.
 * @xd: a frontend device.
 * @xbt: the transaction (from xenpv_publish()'s @extra callback).
 * @dir: directory for the references (the device directory or a
 *	"queue-N" one, see xenpv_queue_dir()), or NULL for ours.
 * @key: base name, e.g. "ring-ref", "tx-ring-ref".
 * @ring: a ring from xenpv_ring_alloc().
 *
 * Order 0 writes "<key>" and no "ring-page-order".  Order > 0 writes
 * "ring-page-order" in the device directory (once per device is enough,
 * writing it for every queue is harmless) and "<key>0".."<key>N-1".
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno from xenstore; not reported (the caller is in a
 * transaction and reports when it aborts it).
 */
int xenpv_ring_publish(struct xenpv_dev *xd, struct xenbus_transaction xbt,
		       const char *dir, const char *key,
		       const struct xenpv_ring *ring)
{
	char node[64];
	unsigned int i;
	int err;

	if (!dir)
		dir = xd->xbdev->nodename;
	if (!ring->va)
		return -EINVAL;
	if (ring->order == 0)
		return xenbus_printf(xbt, dir, key, "%u", ring->refs[0]);

	err = xenbus_printf(xbt, xd->xbdev->nodename, "ring-page-order", "%u",
			    ring->order);
	if (err)
		return err;
	for (i = 0; i < BIT(ring->order); i++) {
		if (snprintf(node, sizeof(node), "%s%u", key, i) >=
		    sizeof(node))
			return -ENAMETOOLONG;
		err = xenbus_printf(xbt, dir, node, "%u", ring->refs[i]);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_ring_publish);

/**
 * xenpv_ring_free() - frontend: revoke and free a ring.
 * @xd: the device.
 * @ring: a ring from xenpv_ring_alloc(); a ring never set up (zeroed)
 *	or already freed is ignored.
 *
 * Grants the backend still maps are not ended now: they and their pages
 * go to the kernel's deferred list (see xenpv_grant_revoke()), so the
 * backend never sees a page reused under it.
 */
void xenpv_ring_free(struct xenpv_dev *xd, struct xenpv_ring *ring)
{
	if (!ring->va || ring->mapped)
		return;
	xenpv_ring_untrack(xd, ring);
	xenpv_ring_release(xd, ring);
}
EXPORT_SYMBOL_GPL(xenpv_ring_free);

/**
 * xenpv_ring_peer_order() - backend: the ring order the frontend chose.
 * @xd: a backend device.
 * @max_order: the largest order we offered (max-ring-page-order).
 * @order: result; 0 when the frontend wrote no "ring-page-order".
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL when the frontend chose more than @max_order or
 * wrote garbage (logged, kept as last error; the caller should report
 * it fatal), or another -errno from xenstore.
 */
int xenpv_ring_peer_order(struct xenpv_dev *xd, unsigned int max_order,
			  unsigned int *order)
{
	u32 v;
	int err;

	*order = 0;
	max_order = min_t(unsigned int, max_order,
			  min(XENBUS_MAX_RING_GRANT_ORDER,
			      XENPV_RING_MAX_ORDER));
	err = xenpv_read_u32(xd, NULL, "ring-page-order", 0, 0, max_order, &v);
	if (err == -ERANGE) {
		xenpv_note_error(xd, -EINVAL, "ring-page-order above maximum");
		return -EINVAL;
	}
	if (err)
		return err;
	*order = v;
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_ring_peer_order);

/* Read one grant reference the frontend published; it must be there. */
static int xenpv_ring_read_ref(struct xenpv_dev *xd, const char *dir,
			       const char *node, grant_ref_t *ref)
{
	char *str;
	u32 v;
	int err;

	str = xenbus_read(XBT_NIL, dir, node, NULL);
	if (IS_ERR(str))
		return PTR_ERR(str);
	err = kstrtou32(str, 10, &v);
	kfree(str);
	if (err)
		return -EINVAL;
	*ref = v;
	return 0;
}

/**
 * xenpv_ring_map() - backend: read a ring's grant references and map them.
 * @xd: a backend device.
 * @ring: the ring to set up (its old contents are ignored).
 * @name: label for debugfs.
 * @dir: directory of the references (the frontend's device directory or
 *	a "queue-N" one, see xenpv_queue_dir()), or NULL for the peer's.
 * @key: base name, e.g. "ring-ref".
 * @order: from xenpv_ring_peer_order().
 *
 * Order 0 reads "<key>", falling back to "<key>0" (a frontend that wrote
 * ring-page-order = 0); order > 0 reads "<key>0".."<key>N-1".  The ring
 * contents are not checked: the driver attaches its back ring and
 * checks the producer with xenpv_ring_req_check().  Failures are
 * reported fatal; nothing stays mapped.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int xenpv_ring_map(struct xenpv_dev *xd, struct xenpv_ring *ring,
		   const char *name, const char *dir, const char *key,
		   unsigned int order)
{
	char node[64];
	unsigned int i;
	void *va;
	int err;

	if (order > XENBUS_MAX_RING_GRANT_ORDER ||
	    order > XENPV_RING_MAX_ORDER)
		return -EINVAL;
	if (!dir)
		dir = xd->xbdev->otherend;
	xenpv_ring_init(ring, name, order);

	for (i = 0; i < BIT(order); i++) {
		if (snprintf(node, sizeof(node), "%s%u", key, i) >=
		    sizeof(node)) {
			err = -ENAMETOOLONG;
			goto out_report;
		}
		err = -ENOENT;
		if (order == 0)
			err = xenpv_ring_read_ref(xd, dir, key, &ring->refs[0]);
		if (err == -ENOENT)
			err = xenpv_ring_read_ref(xd, dir, node, &ring->refs[i]);
		if (err)
			goto out_report;
	}

	/* On failure xenbus has reported it fatal and mapped nothing. */
	err = xenbus_map_ring_valloc(xd->xbdev, ring->refs, BIT(order), &va);
	if (err) {
		xenpv_note_error(xd, err, "mapping ring failed");
		return err;
	}
	ring->va = va;
	ring->mapped = true;
	xenpv_ring_track(xd, ring);
	return 0;

out_report:
	xenpv_dev_fatal(xd, err, "reading %s/%s", dir, order ? node : key);
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_ring_map);

/**
 * xenpv_ring_unmap() - backend: unmap a ring mapped by xenpv_ring_map().
 * @xd: the device.
 * @ring: the ring; one never mapped (zeroed) or already unmapped is
 *	ignored.
 *
 * Context: process context, may sleep.
 */
void xenpv_ring_unmap(struct xenpv_dev *xd, struct xenpv_ring *ring)
{
	if (!ring->va || !ring->mapped)
		return;
	xenpv_ring_untrack(xd, ring);
	xenbus_unmap_ring_vfree(xd->xbdev, ring->va);
	ring->va = NULL;
	ring->mapped = false;
}
EXPORT_SYMBOL_GPL(xenpv_ring_unmap);
