/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenpv platform glue: the only header that differs between the kernel
 * modules and the host unit tests.
 *
 * Inside the kernel the Xen interface headers come from the kernel tree
 * (<xen/interface/...>).  On the host they come from the Xen public
 * headers (Debian libxen-dev, <xen/io/...>), which spell a few things
 * differently; the shims below make the host look like the kernel so
 * the wire-format headers are written once, against the kernel names.
 */
#ifndef _XENPV_PLATFORM_H
#define _XENPV_PLATFORM_H

#ifdef __KERNEL__

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <xen/page.h>
#include <xen/interface/xen.h>
#include <xen/interface/grant_table.h>
#include <xen/interface/io/ring.h>
#include <xen/interface/io/xenbus.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/netif.h>

/* The kernel's blkif_request is a union of per-operation layouts. */
#define XENPV_BLKIF_RW(req)		(&(req)->u.rw)
#define XENPV_BLKIF_DISCARD(req)	(&(req)->u.discard)
#define XENPV_BLKIF_INDIRECT(req)	(&(req)->u.indirect)

#else
#include "host.h"
#endif /* __KERNEL__ */

/* Size in bytes of a 512-byte-sector unit used on the blkif wire. */
#define XENPV_SECTOR_SHIFT		9
/* Sectors in one 4 KiB grant; a segment's last_sect is below this. */
#define XENPV_SECTORS_PER_PAGE		(XEN_PAGE_SIZE >> XENPV_SECTOR_SHIFT)

#endif /* _XENPV_PLATFORM_H */
