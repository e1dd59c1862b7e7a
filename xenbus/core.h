/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenpv-bus internals shared between the module's files.
 */
#ifndef _XENPV_BUS_CORE_H
#define _XENPV_BUS_CORE_H

#include "xenpv_bus.h"

/* debugfs.c */
void xenpv_debugfs_init(void);
void xenpv_debugfs_exit(void);
void xenpv_debugfs_add(struct xenpv_dev *xd);
void xenpv_debugfs_remove(struct xenpv_dev *xd);
const char *xenpv_stuck_hint(enum xenpv_role role, int ours, int peer);

/* dev.c */
void xenpv_note_error(struct xenpv_dev *xd, int err, const char *msg);
void xenpv_hist_record(struct xenpv_hist *hist, ktime_t when, int from,
		       int to, enum xenpv_side side, bool illegal,
		       const char *cause);

/* selftest.c */
#ifdef XENPV_BUS_SELFTEST
int xenpv_selftest(void);
#else
static inline int xenpv_selftest(void)
{
	return 0;
}
#endif /* XENPV_BUS_SELFTEST */

#endif /* _XENPV_BUS_CORE_H */
