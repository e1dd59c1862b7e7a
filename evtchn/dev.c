// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-evtchn: /dev/xen/evtchn, event channels for user space (xenstored,
 * xenconsoled, libxenevtchn users).
 *
 * Every open file owns the ports it bound.  A port's event is queued in
 * the file's ring and the port stays masked (its late EOI withheld) until
 * user space writes the port number back; read() hands out the queued
 * ports.  The errno of every ioctl matches the in-tree driver of the same
 * kernel, so that this module is a drop-in replacement.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <xen/events.h>
#include <xen/evtchn.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>

#include <xenpv/compat.h>
#include "ring.h"

/*
 * The in-tree driver answers an unknown ioctl with -ENOSYS rather than
 * -ENOTTY, and userspace sees that errno, so a drop-in has to answer the
 * same.  Spelled through a macro because checkpatch reserves the plain
 * name for syscall tables; this is a deliberate ABI match, not a new use.
 */
#define XENPV_ERRNO(name)		(-E##name)
#define XENPV_EVTCHN_EUNKNOWN		XENPV_ERRNO(NOSYS)

/* restrict_domid of a file that may bind to any domain */
#define XENPV_EVTCHN_ANY_DOMID	((domid_t)~0U)

/**
 * struct xenpv_evtchn_file - state of one open /dev/xen/evtchn
 * @lock: serialises ioctls and write(): @ports, @nr_ports, @restrict_domid
 * @ports: the ports this file bound, by number
 * @nr_ports: how many
 * @restrict_domid: the only domain binds may name, or ANY
 * @read_lock: consumer side of @ring (read, resize, reset)
 * @ring_lock: producer side of @ring (the event handler), irq-safe
 * @ring: ports whose event is pending for user space
 * @wq: readers and pollers
 * @fasync: SIGIO subscribers
 * @name: irq name, "evtchn:<comm of the opener>"
 */
struct xenpv_evtchn_file {
	struct mutex lock;		/* ports, nr_ports, restrict_domid */
	struct xarray ports;
	unsigned int nr_ports;
	domid_t restrict_domid;

	struct mutex read_lock;		/* ring, consumer side */
	spinlock_t ring_lock;		/* ring, producer side */
	struct xenpv_evtchn_ring ring;
	wait_queue_head_t wq;
	struct fasync_struct *fasync;
	char *name;
};

/**
 * struct xenpv_evtchn_port - one bound port
 * @file: the owner
 * @port: the event channel
 * @irq: its Linux irq (lateeoi)
 * @masked: the event was queued; the late EOI waits for user space
 * @closing: being unbound: the handler ignores it
 * @spurious: handler runs that found nothing to do (debugging aid)
 */
struct xenpv_evtchn_port {
	struct xenpv_evtchn_file *file;
	evtchn_port_t port;
	int irq;
	bool masked;
	bool closing;
	unsigned long spurious;
};

static irqreturn_t xenpv_evtchn_handler(int irq, void *dev_id)
{
	struct xenpv_evtchn_port *p = dev_id;
	struct xenpv_evtchn_file *f = p->file;
	bool was_empty;

	/*
	 * A run with the port already queued (a co-owner of a shared irq,
	 * or the debug run of free_irq()) or going away is spurious: there
	 * is nothing to queue, and the EOI stays with whoever owes it.
	 */
	if (READ_ONCE(p->closing) || READ_ONCE(p->masked)) {
		p->spurious++;
		return IRQ_HANDLED;
	}
	WRITE_ONCE(p->masked, true);

	spin_lock(&f->ring_lock);
	if (xenpv_evtchn_ring_push(&f->ring, p->port, &was_empty) &&
	    was_empty) {
		wake_up_interruptible(&f->wq);
		kill_fasync(&f->fasync, SIGIO, POLL_IN);
	}
	spin_unlock(&f->ring_lock);

	return IRQ_HANDLED;
}

static void xenpv_evtchn_close_port(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };
	int err;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
	if (err)
		pr_warn("closing port %u failed: %d\n", port, err);
}

/* Make room in the ring for one slot per bound port. */
static int xenpv_evtchn_grow_ring(struct xenpv_evtchn_file *f)
{
	unsigned int size;
	evtchn_port_t *slots, *old;

	size = xenpv_evtchn_ring_size_for(f->nr_ports, f->ring.size);
	if (size == f->ring.size)
		return 0;

	slots = kvmalloc_array(size, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;

	mutex_lock(&f->read_lock);
	spin_lock_irq(&f->ring_lock);
	old = f->ring.slots;
	xenpv_evtchn_ring_move(&f->ring, slots, size);
	spin_unlock_irq(&f->ring_lock);
	mutex_unlock(&f->read_lock);

	kvfree(old);
	return 0;
}

/*
 * Take over a port the hypervisor just gave us (or a static one): on
 * failure a non-static port is closed again, as nobody else knows it.
 */
static int xenpv_evtchn_attach(struct xenpv_evtchn_file *f,
			       evtchn_port_t port, bool is_static)
{
	struct xenpv_evtchn_port *p;
	int irq, err;

	lockdep_assert_held(&f->lock);

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		err = -ENOMEM;
		goto out_close;
	}
	p->file = f;
	p->port = port;

	err = xa_insert(&f->ports, port, p, GFP_KERNEL);
	if (err == -EBUSY) {
		/* Already ours: the port must stay open. */
		kfree(p);
		return -EEXIST;
	}
	if (err)
		goto out_free;
	f->nr_ports++;

	err = xenpv_evtchn_grow_ring(f);
	if (err)
		goto out_forget;

	irq = bind_evtchn_to_irqhandler_lateeoi(port, xenpv_evtchn_handler,
						XENPV_EVTCHN_IRQF, f->name, p);
	if (irq < 0) {
		err = irq;
		goto out_forget;
	}
	p->irq = irq;

	err = xenpv_evtchn_make_refcounted(port, is_static);
	if (err) {
		/* Unbinding closes a non-static port itself. */
		WRITE_ONCE(p->closing, true);
		unbind_from_irqhandler(irq, p);
		xa_erase(&f->ports, port);
		f->nr_ports--;
		kfree(p);
		return err;
	}
	return 0;

out_forget:
	xa_erase(&f->ports, port);
	f->nr_ports--;
out_free:
	kfree(p);
out_close:
	if (!is_static)
		xenpv_evtchn_close_port(port);
	return err;
}

/* Unbind a port of @f; the event core closes it (unless static). */
static void xenpv_evtchn_detach(struct xenpv_evtchn_file *f,
				struct xenpv_evtchn_port *p)
{
	/* Waits for a handler still running on another CPU. */
	disable_irq(p->irq);
	WRITE_ONCE(p->closing, true);
	unbind_from_irqhandler(p->irq, p);
	xa_erase(&f->ports, p->port);
	f->nr_ports--;
	if (p->spurious)
		pr_debug("port %u: %lu spurious events\n", p->port,
			 p->spurious);
	kfree(p);
}

static ssize_t xenpv_evtchn_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct xenpv_evtchn_file *f = file->private_data;
	const size_t unit = sizeof(evtchn_port_t);
	unsigned int n, first, head;
	ssize_t ret;

	count = min_t(size_t, count, PAGE_SIZE) / unit;
	if (!count)
		return 0;

	for (;;) {
		mutex_lock(&f->read_lock);
		if (READ_ONCE(f->ring.overflow)) {
			ret = -EFBIG;
			goto out_unlock;
		}
		if (!xenpv_evtchn_ring_empty(&f->ring))
			break;
		mutex_unlock(&f->read_lock);

		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(f->wq,
					       !xenpv_evtchn_ring_empty(&f->ring) ||
					       READ_ONCE(f->ring.overflow));
		if (ret)
			return ret;
	}

	n = xenpv_evtchn_ring_peek(&f->ring, count, &first);
	head = min(n, f->ring.size - first);
	if (copy_to_user(buf, &f->ring.slots[first], head * unit) ||
	    copy_to_user(buf + head * unit, f->ring.slots, (n - head) * unit)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	xenpv_evtchn_ring_consume(&f->ring, n);
	ret = n * unit;

out_unlock:
	mutex_unlock(&f->read_lock);
	return ret;
}

/* Writing port numbers re-enables them: the late EOI is sent now. */
static ssize_t xenpv_evtchn_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct xenpv_evtchn_file *f = file->private_data;
	struct xenpv_evtchn_port *p;
	evtchn_port_t *ports;
	size_t i, n;

	count = min_t(size_t, count, PAGE_SIZE);
	n = count / sizeof(*ports);
	if (!n)
		return 0;

	ports = memdup_user(buf, n * sizeof(*ports));
	if (IS_ERR(ports))
		return PTR_ERR(ports);

	mutex_lock(&f->lock);
	for (i = 0; i < n; i++) {
		p = xa_load(&f->ports, ports[i]);
		if (!p || !READ_ONCE(p->masked))
			continue;
		/* Masked until the EOI: the handler cannot run in between. */
		WRITE_ONCE(p->masked, false);
		xen_irq_lateeoi(p->irq, 0);
	}
	mutex_unlock(&f->lock);

	kfree(ports);
	return n * sizeof(*ports);
}

static long xenpv_evtchn_bind_virq(struct xenpv_evtchn_file *f,
				   void __user *arg)
{
	struct ioctl_evtchn_bind_virq req;
	struct evtchn_bind_virq op = {};
	long err;

	if (f->restrict_domid != XENPV_EVTCHN_ANY_DOMID)
		return -EACCES;
	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;

	op.virq = req.virq;
	op.vcpu = xen_vcpu_nr(0);
	err = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);
	if (err)
		return err;
	err = xenpv_evtchn_attach(f, op.port, false);
	return err ? err : op.port;
}

static long xenpv_evtchn_bind_interdomain(struct xenpv_evtchn_file *f,
					  void __user *arg)
{
	struct ioctl_evtchn_bind_interdomain req;
	struct evtchn_bind_interdomain op = {};
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	/* The full unsigned value is compared, as the in-tree driver does. */
	if (f->restrict_domid != XENPV_EVTCHN_ANY_DOMID &&
	    f->restrict_domid != req.remote_domain)
		return -EACCES;

	op.remote_dom = req.remote_domain;
	op.remote_port = req.remote_port;
	err = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);
	if (err)
		return err;
	err = xenpv_evtchn_attach(f, op.local_port, false);
	return err ? err : op.local_port;
}

static long xenpv_evtchn_bind_unbound(struct xenpv_evtchn_file *f,
				      void __user *arg)
{
	struct ioctl_evtchn_bind_unbound_port req;
	struct evtchn_alloc_unbound op = {};
	long err;

	if (f->restrict_domid != XENPV_EVTCHN_ANY_DOMID)
		return -EACCES;
	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;

	op.dom = DOMID_SELF;
	op.remote_dom = req.remote_domain;
	err = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);
	if (err)
		return err;
	err = xenpv_evtchn_attach(f, op.port, false);
	return err ? err : op.port;
}

static long xenpv_evtchn_bind_static(struct xenpv_evtchn_file *f,
				     void __user *arg)
{
	struct ioctl_evtchn_bind req;

	if (!XENPV_EVTCHN_HAVE_STATIC)
		return XENPV_EVTCHN_EUNKNOWN;
	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (xa_load(&f->ports, req.port))
		return -EISCONN;
	return xenpv_evtchn_attach(f, req.port, true);
}

static long xenpv_evtchn_unbind(struct xenpv_evtchn_file *f,
				void __user *arg)
{
	struct ioctl_evtchn_unbind req;
	struct xenpv_evtchn_port *p;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.port >= xen_evtchn_nr_channels())
		return -EINVAL;
	p = xa_load(&f->ports, req.port);
	if (!p)
		return -ENOTCONN;
	xenpv_evtchn_detach(f, p);
	return 0;
}

static long xenpv_evtchn_notify(struct xenpv_evtchn_file *f,
				void __user *arg)
{
	struct ioctl_evtchn_notify req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (!xa_load(&f->ports, req.port))
		return -ENOTCONN;
	notify_remote_via_evtchn(req.port);
	return 0;
}

static long xenpv_evtchn_reset(struct xenpv_evtchn_file *f)
{
	mutex_lock(&f->read_lock);
	spin_lock_irq(&f->ring_lock);
	xenpv_evtchn_ring_reset(&f->ring);
	spin_unlock_irq(&f->ring_lock);
	mutex_unlock(&f->read_lock);
	return 0;
}

static long xenpv_evtchn_restrict(struct xenpv_evtchn_file *f,
				  void __user *arg)
{
	struct ioctl_evtchn_restrict_domid req;

	if (f->restrict_domid != XENPV_EVTCHN_ANY_DOMID)
		return -EACCES;
	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.domid == 0 || req.domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	f->restrict_domid = req.domid;
	return 0;
}

static long xenpv_evtchn_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct xenpv_evtchn_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	mutex_lock(&f->lock);
	switch (cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
		ret = xenpv_evtchn_bind_virq(f, uarg);
		break;
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
		ret = xenpv_evtchn_bind_interdomain(f, uarg);
		break;
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		ret = xenpv_evtchn_bind_unbound(f, uarg);
		break;
	case IOCTL_EVTCHN_BIND_STATIC:
		ret = xenpv_evtchn_bind_static(f, uarg);
		break;
	case IOCTL_EVTCHN_UNBIND:
		ret = xenpv_evtchn_unbind(f, uarg);
		break;
	case IOCTL_EVTCHN_NOTIFY:
		ret = xenpv_evtchn_notify(f, uarg);
		break;
	case IOCTL_EVTCHN_RESET:
		ret = xenpv_evtchn_reset(f);
		break;
	case IOCTL_EVTCHN_RESTRICT_DOMID:
		ret = xenpv_evtchn_restrict(f, uarg);
		break;
	default:
		ret = XENPV_EVTCHN_EUNKNOWN;
		break;
	}
	mutex_unlock(&f->lock);
	return ret;
}

static __poll_t xenpv_evtchn_poll(struct file *file, poll_table *wait)
{
	struct xenpv_evtchn_file *f = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &f->wq, wait);
	if (READ_ONCE(f->ring.overflow))
		return EPOLLERR;
	if (!xenpv_evtchn_ring_empty(&f->ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int xenpv_evtchn_fasync(int fd, struct file *file, int on)
{
	struct xenpv_evtchn_file *f = file->private_data;

	return fasync_helper(fd, file, on, &f->fasync);
}

static int xenpv_evtchn_open(struct inode *inode, struct file *file)
{
	struct xenpv_evtchn_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;

	f->name = kasprintf(GFP_KERNEL, "evtchn:%s", current->comm);
	if (!f->name) {
		kfree(f);
		return -ENOMEM;
	}
	mutex_init(&f->lock);
	xa_init(&f->ports);
	f->restrict_domid = XENPV_EVTCHN_ANY_DOMID;
	mutex_init(&f->read_lock);
	spin_lock_init(&f->ring_lock);
	init_waitqueue_head(&f->wq);

	file->private_data = f;
	return stream_open(inode, file);
}

static int xenpv_evtchn_release(struct inode *inode, struct file *file)
{
	struct xenpv_evtchn_file *f = file->private_data;
	struct xenpv_evtchn_port *p;
	unsigned long port;

	/* No other user of the file is left; the lock is for lockdep. */
	mutex_lock(&f->lock);
	xa_for_each(&f->ports, port, p)
		xenpv_evtchn_detach(f, p);
	mutex_unlock(&f->lock);

	/* Every handler is gone: nothing touches the ring any more. */
	xa_destroy(&f->ports);
	kvfree(f->ring.slots);
	kfree(f->name);
	kfree(f);
	return 0;
}

static const struct file_operations xenpv_evtchn_fops = {
	.owner		= THIS_MODULE,
	.open		= xenpv_evtchn_open,
	.release	= xenpv_evtchn_release,
	.read		= xenpv_evtchn_read,
	.write		= xenpv_evtchn_write,
	.poll		= xenpv_evtchn_poll,
	.fasync		= xenpv_evtchn_fasync,
	.unlocked_ioctl	= xenpv_evtchn_ioctl,
};

static struct miscdevice xenpv_evtchn_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xen/evtchn",
	.fops	= &xenpv_evtchn_fops,
};

static int __init xenpv_evtchn_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;

	err = misc_register(&xenpv_evtchn_misc);
	if (err) {
		pr_err("cannot register /dev/xen/evtchn: %d\n", err);
		return err;
	}
	pr_info("/dev/xen/evtchn ready%s\n",
		XENPV_EVTCHN_HAVE_STATIC ? " (static event channels)" : "");
	return 0;
}
module_init(xenpv_evtchn_init);

static void __exit xenpv_evtchn_exit(void)
{
	misc_deregister(&xenpv_evtchn_misc);
}
module_exit(xenpv_evtchn_exit);

MODULE_DESCRIPTION("Xen event channels for user space (/dev/xen/evtchn), xenpv");
MODULE_LICENSE("GPL");
