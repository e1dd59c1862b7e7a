// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant helpers: reserve, claim, grant and - above all - revoke.
 *
 * Revocation rule (XSA-396): access to a page is ended only once the
 * peer no longer maps it.  gnttab_try_end_foreign_access() ends it and
 * frees the reference when the peer has no mapping; otherwise the grant
 * and the page are handed to the kernel's deferred list with
 * gnttab_end_foreign_access(), which keeps a reference on the page and
 * frees both only after the peer has unmapped.  A page still mapped by
 * the peer is therefore never freed or reused by us.
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include "core.h"

/**
 * xenpv_grant_refs_alloc() - reserve grant references.
 * @count: how many, at most U16_MAX.
 * @head: result: a private list to claim from with xenpv_grant_claim().
 *
 * Return: 0, -EINVAL for a bad @count, -ENOSPC if the grant table is full.
 */
int xenpv_grant_refs_alloc(unsigned int count, grant_ref_t *head)
{
	if (!count || count > U16_MAX)
		return -EINVAL;
	return gnttab_alloc_grant_references(count, head);
}
EXPORT_SYMBOL_GPL(xenpv_grant_refs_alloc);

/**
 * xenpv_grant_refs_free() - give back the unclaimed rest of a reservation.
 * @head: the private list from xenpv_grant_refs_alloc().
 */
void xenpv_grant_refs_free(grant_ref_t head)
{
	gnttab_free_grant_references(head);
}
EXPORT_SYMBOL_GPL(xenpv_grant_refs_free);

/**
 * xenpv_grant_claim() - take one reference from a reservation.
 * @head: the private list from xenpv_grant_refs_alloc().
 * @ref: result.
 *
 * Return: 0, or -ENOSPC when the reservation is used up.
 */
int xenpv_grant_claim(grant_ref_t *head, grant_ref_t *ref)
{
	int r = gnttab_claim_grant_reference(head);

	if (r < 0)
		return r;
	*ref = r;
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_grant_claim);

/**
 * xenpv_grant_page() - grant the peer access to one frame with a claimed ref.
 * @xd: the device (the grant goes to its peer domain).
 * @ref: a reference from xenpv_grant_claim().
 * @gfn: the guest frame, e.g. xen_page_to_gfn(page) or virt_to_gfn(va).
 * @readonly: the peer may only read.
 */
void xenpv_grant_page(struct xenpv_dev *xd, grant_ref_t ref,
		      unsigned long gfn, bool readonly)
{
	gnttab_grant_foreign_access_ref(ref, xd->xbdev->otherend_id, gfn,
					readonly);
}
EXPORT_SYMBOL_GPL(xenpv_grant_page);

/**
 * xenpv_grant_access() - allocate a reference and grant one frame with it.
 * @xd: the device (the grant goes to its peer domain).
 * @gfn: the guest frame.
 * @readonly: the peer may only read.
 * @ref: result.
 *
 * Return: 0, or -ENOSPC if the grant table is full.
 */
int xenpv_grant_access(struct xenpv_dev *xd, unsigned long gfn, bool readonly,
		       grant_ref_t *ref)
{
	int r;

	r = gnttab_grant_foreign_access(xd->xbdev->otherend_id, gfn, readonly);
	if (r < 0)
		return r;
	*ref = r;
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_grant_access);

/**
 * xenpv_grant_revoke() - end the peer's access to a granted frame, safely.
 * @xd: the device, for accounting.
 * @ref: the grant reference.
 * @page: the granted page if the caller gives up its reference on it
 *	when the grant cannot be ended now, or NULL.
 *
 * Context: any.
 * Return: true if access ended now: @ref is released (to the global
 * pool, not to a private reservation) and @page is still the caller's.
 * false if the peer still maps the frame: @ref, and @page when given,
 * now belong to the kernel's deferred-free list and the caller must not
 * touch them again.  With @page NULL the kernel takes its own reference
 * on the granted page, so the caller may drop its reference (e.g. free
 * the page) but must never reuse the page's contents or frame.
 */
bool xenpv_grant_revoke(struct xenpv_dev *xd, grant_ref_t ref,
			struct page *page)
{
	if (gnttab_try_end_foreign_access(ref))
		return true;

	atomic_inc(&xd->grants_deferred);
	dev_dbg_ratelimited(&xd->xbdev->dev,
			    "grant %u still mapped by the peer, deferred\n",
			    ref);
	gnttab_end_foreign_access(ref, page);
	return false;
}
EXPORT_SYMBOL_GPL(xenpv_grant_revoke);
