// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenpv-bus: the core module every xenpv driver is built on.
 *
 * It owns nothing but a debugfs directory; the per-device work is in
 * dev.c (state), negotiate.c (xenstore keys), ring.c (shared rings),
 * event.c (event channels), grant.c (grants) and debugfs.c.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <xen/xen.h>

#include "core.h"

static int __init xenpv_bus_init(void)
{
	int err;

	err = xenpv_selftest();
	if (err) {
		pr_err("self-test failed (%d)\n", err);
		return -ENOTRECOVERABLE;
	}
	if (!xen_domain())
		pr_info("not running on Xen: drivers will find no devices\n");
	xenpv_debugfs_init();
	return 0;
}

static void __exit xenpv_bus_exit(void)
{
	xenpv_debugfs_exit();
}

module_init(xenpv_bus_init);
module_exit(xenpv_bus_exit);

MODULE_DESCRIPTION("xenpv core: xenbus state, rings, grants and event channels for the xenpv drivers");
MODULE_LICENSE("GPL");
