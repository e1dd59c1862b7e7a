/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences between the trees xenpv builds against (Debian
 * bookworm 6.1 and trixie 6.12), all in one place.
 *
 * Nothing here tests LINUX_VERSION_CODE: every switch is an -DXENPV_HAVE_*
 * flag set by a grep of the target tree's headers in xenbus/compat.mk.
 * Without a flag (probe could not tell, or the header is not in the
 * tree) the bookworm 6.1 shape is assumed.
 *
 *   flag                              meaning when set
 *   XENPV_HAVE_XENBUS_REMOVE_INT      xenbus_driver.remove returns int
 *   XENPV_HAVE_XENBUS_UEVENT_CONST    xenbus_driver.uevent takes a const dev
 *   XENPV_HAVE_READ_DRIVER_STATE_DEV  xenbus_read_driver_state(dev, path)
 *   XENPV_HAVE_GNTTAB_END_READONLY    pre-XSA-396 grant revocation (refused)
 *   XENPV_HAVE_BIND_INTERDOMAIN_DOMID interdomain binding by domid
 *   XENPV_HAVE_CLASS_CREATE_NAME      class_create(name), no owner
 */
#ifndef _XENPV_COMPAT_H
#define _XENPV_COMPAT_H

#include <linux/device.h>
#include <linux/interrupt.h>
#include <xen/events.h>
#include <xen/evtchn.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>

/*
 * Safe grant revocation needs gnttab_try_end_foreign_access() and the
 * deferred-free gnttab_end_foreign_access(ref, page) of Linux 5.17
 * (XSA-396).  Older trees cannot tell us whether the peer still maps a
 * page, so we do not build there rather than free pages under the peer.
 */
#ifdef XENPV_HAVE_GNTTAB_END_READONLY
#error "xenpv needs the XSA-396 grant revocation API (Linux 5.17 or later)"
#endif

/*
 * xenbus_driver.remove: int on older trees, void on Debian 6.1 (stable
 * backport) and 6.12.  Drivers write a void function and wrap it:
 *
 *	static void foo_remove(struct xenbus_device *dev) { ... }
 *	XENPV_DEFINE_REMOVE(foo_remove)
 *	... .remove = foo_remove_cb, ...
 */
#ifdef XENPV_HAVE_XENBUS_REMOVE_INT
#define XENPV_DEFINE_REMOVE(fn)						\
	static int fn##_cb(struct xenbus_device *xbdev)			\
	{								\
		fn(xbdev);						\
		return 0;						\
	}
#else
#define XENPV_DEFINE_REMOVE(fn)						\
	static void fn##_cb(struct xenbus_device *xbdev)		\
	{								\
		fn(xbdev);						\
	}
#endif /* XENPV_HAVE_XENBUS_REMOVE_INT */

/*
 * xenbus_driver.uevent: the device became const in 6.3.  Drivers declare
 * their uevent hook as
 *	static int foo_uevent(XENPV_UEVENT_CONST struct xenbus_device *dev,
 *			      struct kobj_uevent_env *env)
 */
#ifdef XENPV_HAVE_XENBUS_UEVENT_CONST
#define XENPV_UEVENT_CONST	const
#else
#define XENPV_UEVENT_CONST
#endif /* XENPV_HAVE_XENBUS_UEVENT_CONST */

/* Current state in @path/state (the peer's, usually). */
static inline enum xenbus_state
xenpv_read_driver_state(struct xenbus_device *xbdev, const char *path)
{
#ifdef XENPV_HAVE_READ_DRIVER_STATE_DEV
	return xenbus_read_driver_state(xbdev, path);
#else
	return xenbus_read_driver_state(path);
#endif /* XENPV_HAVE_READ_DRIVER_STATE_DEV */
}

/* Bind the peer's unbound port @remote_port, with late EOI. */
static inline int
xenpv_bind_interdomain_lateeoi(struct xenbus_device *xbdev,
			       evtchn_port_t remote_port,
			       irq_handler_t handler, unsigned long irqflags,
			       const char *name, void *dev_id)
{
#ifdef XENPV_HAVE_BIND_INTERDOMAIN_DOMID
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(xbdev->otherend_id,
							    remote_port,
							    handler, irqflags,
							    name, dev_id);
#else
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(xbdev, remote_port,
							    handler, irqflags,
							    name, dev_id);
#endif /* XENPV_HAVE_BIND_INTERDOMAIN_DOMID */
}

/* class_create() lost its owner argument in 6.4. */
#ifdef XENPV_HAVE_CLASS_CREATE_NAME
#define xenpv_class_create(name)	class_create(name)
#else
#define xenpv_class_create(name)	class_create(THIS_MODULE, name)
#endif /* XENPV_HAVE_CLASS_CREATE_NAME */

/*
 * Static event channels (IOCTL_EVTCHN_BIND_STATIC, Linux 6.7): the event
 * core takes an is_static flag so that it never closes such a port, and
 * userspace handlers are registered shared so that a kernel user and
 * /dev/xen/evtchn can both bind the same port.  Older cores (6.1) have
 * neither; there the in-tree driver does not know the ioctl, and neither
 * do we.
 */
#ifdef XENPV_HAVE_STATIC_EVTCHN
#define XENPV_EVTCHN_HAVE_STATIC	true
#define XENPV_EVTCHN_IRQF		IRQF_SHARED

static inline int xenpv_evtchn_make_refcounted(evtchn_port_t port,
					       bool is_static)
{
	return evtchn_make_refcounted(port, is_static);
}
#else
#define XENPV_EVTCHN_HAVE_STATIC	false
#define XENPV_EVTCHN_IRQF		0

static inline int xenpv_evtchn_make_refcounted(evtchn_port_t port,
					       bool is_static)
{
	return is_static ? -EOPNOTSUPP : evtchn_make_refcounted(port);
}
#endif

/* The uapi header of a pre-6.7 tree lacks the ioctl; its ABI is fixed. */
#ifndef IOCTL_EVTCHN_BIND_STATIC
#define IOCTL_EVTCHN_BIND_STATIC \
	_IOC(_IOC_NONE, 'E', 7, sizeof(struct ioctl_evtchn_bind))
struct ioctl_evtchn_bind {
	unsigned int port;
};
#endif

#endif /* _XENPV_COMPAT_H */
