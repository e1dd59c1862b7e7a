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

#else /* host userspace */

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <errno.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/xenbus.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))

#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT	12
#endif
#define XEN_PAGE_SIZE	(1UL << XEN_PAGE_SHIFT)

/*
 * The public blkif.h has one flat struct per request layout instead of
 * the kernel's union; all of them share the leading operation byte and
 * the same field names.  Host builds use -fno-strict-aliasing, as the
 * kernel does.
 */
#define XENPV_BLKIF_RW(req)		(req)
#define XENPV_BLKIF_DISCARD(req) \
	((const struct blkif_request_discard *)(req))
#define XENPV_BLKIF_INDIRECT(req) \
	((const struct blkif_request_indirect *)(req))

/* The kernel prefixes the netif names with xen_/XEN_. */
#define xen_netif_tx_request		netif_tx_request
#define xen_netif_rx_response		netif_rx_response
#define xen_netif_extra_info		netif_extra_info
#define XEN_NETTXF_csum_blank		NETTXF_csum_blank
#define XEN_NETTXF_data_validated	NETTXF_data_validated
#define XEN_NETTXF_more_data		NETTXF_more_data
#define XEN_NETTXF_extra_info		NETTXF_extra_info

#endif /* __KERNEL__ */

/* Size in bytes of a 512-byte-sector unit used on the blkif wire. */
#define XENPV_SECTOR_SHIFT		9
/* Sectors in one 4 KiB grant; a segment's last_sect is below this. */
#define XENPV_SECTORS_PER_PAGE		(XEN_PAGE_SIZE >> XENPV_SECTOR_SHIFT)

#endif /* _XENPV_PLATFORM_H */
