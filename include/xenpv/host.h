/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host (userspace) build of the xenpv wire headers: the Xen public headers
 * from libxen-dev and the few kernel names the headers use.  Unit tests
 * and fuzzers only; never part of a module (and so left out of
 * checkpatch, which judges kernel code).
 */
#ifndef _XENPV_HOST_H
#define _XENPV_HOST_H

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
typedef int16_t s16;

#define __packed	__attribute__((__packed__))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define BIT(nr)		(1UL << (nr))

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
#define xen_netif_tx_response		netif_tx_response
#define XEN_NETIF_RSP_DROPPED		NETIF_RSP_DROPPED
#define XEN_NETIF_RSP_ERROR		NETIF_RSP_ERROR
#define XEN_NETIF_RSP_OKAY		NETIF_RSP_OKAY
#define XEN_NETIF_RSP_NULL		NETIF_RSP_NULL
#define XEN_NETTXF_csum_blank		NETTXF_csum_blank
#define XEN_NETTXF_data_validated	NETTXF_data_validated
#define XEN_NETTXF_more_data		NETTXF_more_data
#define XEN_NETTXF_extra_info		NETTXF_extra_info

#endif /* _XENPV_HOST_H */
