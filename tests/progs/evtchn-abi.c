// SPDX-License-Identifier: GPL-2.0-only
/*
 * evtchn-abi: exercise the user ABI of /dev/xen/evtchn (every ioctl, the
 * error cases, read/write/poll/SIGIO, ring overflow and growth, release
 * with ports bound) and print one deterministic line per case,
 * "case-name: result", so that two drivers can be compared by diffing the
 * output.  Port numbers never appear: only whether a port was returned or
 * which of our own ports was read.
 *
 * Run as root in dom0, with xenstored running (it holds VIRQ_DOM_EXC).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef uint16_t domid_t;
#if defined(__has_include) && !defined(EVTCHN_ABI_LOCAL_UAPI)
#if __has_include(<xen/evtchn.h>)
#include <xen/evtchn.h>
#endif
#endif

/* The Linux uapi (include/uapi/xen/evtchn.h), where no header has it. */
#ifndef IOCTL_EVTCHN_BIND_VIRQ
struct ioctl_evtchn_bind_virq { unsigned int virq; };
struct ioctl_evtchn_bind_interdomain {
	unsigned int remote_domain, remote_port;
};
struct ioctl_evtchn_bind_unbound_port { unsigned int remote_domain; };
struct ioctl_evtchn_unbind { unsigned int port; };
struct ioctl_evtchn_notify { unsigned int port; };
struct ioctl_evtchn_restrict_domid { domid_t domid; };
#define IOCTL_EVTCHN_BIND_VIRQ \
	_IOC(_IOC_NONE, 'E', 0, sizeof(struct ioctl_evtchn_bind_virq))
#define IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct ioctl_evtchn_bind_unbound_port))
#define IOCTL_EVTCHN_UNBIND \
	_IOC(_IOC_NONE, 'E', 3, sizeof(struct ioctl_evtchn_unbind))
#define IOCTL_EVTCHN_NOTIFY \
	_IOC(_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_notify))
#define IOCTL_EVTCHN_RESET _IOC(_IOC_NONE, 'E', 5, 0)
#define IOCTL_EVTCHN_RESTRICT_DOMID \
	_IOC(_IOC_NONE, 'E', 6, sizeof(struct ioctl_evtchn_restrict_domid))
#endif
#ifndef IOCTL_EVTCHN_BIND_STATIC	/* Linux 6.7 */
struct ioctl_evtchn_bind { unsigned int port; };
#define IOCTL_EVTCHN_BIND_STATIC \
	_IOC(_IOC_NONE, 'E', 7, sizeof(struct ioctl_evtchn_bind))
#endif

/* The numbers are ABI: whichever header was used must give these. */
_Static_assert(IOCTL_EVTCHN_BIND_VIRQ == 0x00044500, "BIND_VIRQ");
_Static_assert(IOCTL_EVTCHN_BIND_INTERDOMAIN == 0x00084501, "BIND_INTERDOMAIN");
_Static_assert(IOCTL_EVTCHN_BIND_UNBOUND_PORT == 0x00044502, "BIND_UNBOUND_PORT");
_Static_assert(IOCTL_EVTCHN_UNBIND == 0x00044503, "UNBIND");
_Static_assert(IOCTL_EVTCHN_NOTIFY == 0x00044504, "NOTIFY");
_Static_assert(IOCTL_EVTCHN_RESET == 0x00004505, "RESET");
_Static_assert(IOCTL_EVTCHN_RESTRICT_DOMID == 0x00024506, "RESTRICT_DOMID");
_Static_assert(IOCTL_EVTCHN_BIND_STATIC == 0x00044507, "BIND_STATIC");

#define DEV		"/dev/xen/evtchn"
#define VIRQ_DOM_EXC	3	/* bound by xenstored */
#define VIRQ_TBUF	4	/* global, normally unbound in dom0 */
#define NO_DOMAIN	0x7fef	/* below DOMID_FIRST_RESERVED, never created */
#define DOMID_RESERVED	0x7ff0	/* DOMID_FIRST_RESERVED == DOMID_SELF */
#define BAD_PORT	0xffffffffu
#define GROW_PORTS	70	/* more than the first ring size (64) */

static int failures;
/* A bad user pointer the compiler cannot see through. */
static void *volatile bad_ptr;

static const char *ename(int e)
{
	static char buf[16];

	switch (e) {
#define E(x) case x: return #x
	E(EPERM); E(ENOENT); E(ESRCH); E(EINTR); E(EBADF); E(EAGAIN);
	E(ENOMEM); E(EACCES); E(EFAULT); E(EBUSY); E(EEXIST); E(ENODEV);
	E(EINVAL); E(ENOSPC); E(ENOTTY); E(EFBIG); E(ENOSYS); E(EOPNOTSUPP);
	E(ENOTCONN); E(EISCONN);
#undef E
	}
	snprintf(buf, sizeof(buf), "E#%d", e);
	return buf;
}

static void say(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* An ioctl's result: "0", "port" (a positive port number) or the errno. */
static const char *res(long r)
{
	if (r < 0)
		return ename((int)-r);
	return r ? "port" : "0";
}

static long xioctl(int fd, unsigned long cmd, void *arg)
{
	long r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

static int dev_open(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		say("open", "%s", ename(errno));
		exit(1);
	}
	return fd;
}

static void set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static long bind_virq(int fd, unsigned int virq)
{
	struct ioctl_evtchn_bind_virq b = { .virq = virq };

	return xioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &b);
}

static long bind_interdomain(int fd, unsigned int dom, unsigned int port)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = dom, .remote_port = port,
	};

	return xioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

static long bind_unbound(int fd, unsigned int dom)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = dom };

	return xioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

static long unbind(int fd, unsigned int port)
{
	struct ioctl_evtchn_unbind u = { .port = port };

	return xioctl(fd, IOCTL_EVTCHN_UNBIND, &u);
}

static long notify(int fd, unsigned int port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return xioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static long restrict_domid(int fd, domid_t dom)
{
	struct ioctl_evtchn_restrict_domid r = { .domid = dom };

	return xioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &r);
}

static long bind_static(int fd, unsigned int port)
{
	struct ioctl_evtchn_bind b = { .port = port };

	return xioctl(fd, IOCTL_EVTCHN_BIND_STATIC, &b);
}

static const char *pollstr(int fd, int timeout_ms)
{
	static char buf[64];
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	int r = poll(&p, 1, timeout_ms);

	if (r < 0)
		return ename(errno);
	buf[0] = 0;
#define F(x) do { if (p.revents & x) strcat(buf, buf[0] ? "|" #x : #x); } while (0)
	F(POLLIN); F(POLLRDNORM); F(POLLOUT); F(POLLWRNORM); F(POLLERR);
	F(POLLHUP); F(POLLNVAL);
#undef F
	return buf[0] ? buf : "none";
}

/* Wait for the ring of @fd to have something (or to overflow). */
static void wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	poll(&p, 1, timeout_ms);
}

/* read() of @len bytes: errno, or byte count and which port came. */
static const char *readstr(int fd, size_t len, unsigned int peer)
{
	static char buf[96];
	uint32_t ports[64];
	ssize_t n = read(fd, ports, len);
	size_t i;

	if (n < 0)
		return ename(errno);
	snprintf(buf, sizeof(buf), "%zd", n);
	for (i = 0; i < (size_t)n / 4 && i < 4; i++)
		strcat(buf, ports[i] == peer ? " port=peer" : " port=other");
	return buf;
}

static long rewrite(int fd, unsigned int port)
{
	uint32_t p = port;
	ssize_t n = write(fd, &p, sizeof(p));

	return n < 0 ? -errno : n;
}

static volatile sig_atomic_t sigio_count, alarmed;

static void on_sigio(int sig)
{
	(void)sig;
	sigio_count++;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

static void case_generic(void)
{
	int fd = dev_open();
	int fd2 = dev_open();

	say("open-twice", "ok");
	say("ioctl-unknown", "%s",
	    res(xioctl(fd, _IOC(_IOC_NONE, 'E', 99, 0), NULL)));
	say("bind-static-bad-port", "%s", res(bind_static(fd, 0xfffffff0u)));
	say("bind-virq-efault", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, NULL)));
	say("bind-interdomain-efault", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL)));
	say("bind-unbound-efault", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL)));
	say("bind-static-efault", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_BIND_STATIC, NULL)));
	say("unbind-efault", "%s", res(xioctl(fd, IOCTL_EVTCHN_UNBIND, NULL)));
	say("notify-efault", "%s", res(xioctl(fd, IOCTL_EVTCHN_NOTIFY, NULL)));
	say("restrict-efault", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, NULL)));
	say("reset-empty", "%s", res(xioctl(fd, IOCTL_EVTCHN_RESET, NULL)));
	say("unbind-bad-port", "%s", res(unbind(fd, BAD_PORT)));
	say("unbind-not-bound", "%s", res(unbind(fd, 1)));
	say("notify-bad-port", "%s", res(notify(fd, BAD_PORT)));
	say("notify-not-bound", "%s", res(notify(fd, 1)));
	say("poll-empty", "%s", pollstr(fd, 0));
	set_nonblock(fd, 1);
	say("read-empty-nonblock", "%s", readstr(fd, 4, 0));
	say("read-zero", "%s", readstr(fd, 0, 0));
	say("write-zero", "%s", res(write(fd, "", 0) < 0 ? -errno : 0));
	say("write-not-bound", "%s", res(rewrite(fd, 1) == 4 ? 0 : -EIO));
	say("lseek", "%s", ename(lseek(fd, 0, SEEK_SET) < 0 ? errno : 0));
	close(fd2);
	close(fd);
}

static void case_virq(void)
{
	int a = dev_open(), b = dev_open();
	long pa, pb;

	say("bind-virq-invalid", "%s", res(bind_virq(a, 9999)));
	say("bind-virq-held-by-xenstored", "%s", res(bind_virq(a, VIRQ_DOM_EXC)));
	pa = bind_virq(a, VIRQ_TBUF);
	say("bind-virq", "%s", res(pa));
	say("bind-virq-twice", "%s", res(bind_virq(b, VIRQ_TBUF)));
	if (pa > 0) {
		say("unbind-virq-other-fd", "%s", res(unbind(b, pa)));
		say("notify-virq-other-fd", "%s", res(notify(b, pa)));
		say("notify-virq", "%s", res(notify(a, pa)));
		say("bind-static-owned", "%s", res(bind_static(a, pa)));
		say("unbind-virq", "%s", res(unbind(a, pa)));
		say("unbind-virq-again", "%s", res(unbind(a, pa)));
	}
	pb = bind_virq(b, VIRQ_TBUF);
	say("bind-virq-after-unbind", "%s", res(pb));
	close(b);
	pa = bind_virq(a, VIRQ_TBUF);
	say("bind-virq-after-close", "%s", res(pa));
	if (pa > 0)
		say("unbind-virq-final", "%s", res(unbind(a, pa)));
	close(a);
}

static void case_unbound(void)
{
	int fd = dev_open();
	long p;

	p = bind_unbound(fd, NO_DOMAIN);
	say("bind-unbound-absent-domain", "%s", res(p));
	if (p > 0) {
		say("notify-unbound-no-peer", "%s", res(notify(fd, p)));
		say("unbind-unbound", "%s", res(unbind(fd, p)));
	}
	p = bind_unbound(fd, DOMID_RESERVED);
	say("bind-unbound-domid-self", "%s", res(p));
	say("bind-interdomain-absent-domain", "%s",
	    res(bind_interdomain(fd, NO_DOMAIN, 1)));
	say("bind-interdomain-port0", "%s", res(bind_interdomain(fd, 0, 0)));
	say("bind-interdomain-bad-port", "%s",
	    res(bind_interdomain(fd, 0, 0x7fffffff)));
	close(fd);
}

/* An unbound port of dom0 bound back by dom0 itself, on two fds. */
static void case_pair(void)
{
	int f1 = dev_open(), f2 = dev_open();
	long a, b, n = 0;
	uint32_t ev;
	struct sigaction sa = { .sa_flags = 0 };
	int i;

	a = bind_unbound(f1, 0);
	say("pair-bind-unbound", "%s", res(a));
	b = a > 0 ? bind_interdomain(f2, 0, a) : -EINVAL;
	say("pair-bind-interdomain", "%s", res(b));
	if (a <= 0 || b <= 0) {
		failures++;
		return;
	}
	say("pair-distinct", "%s", a != b ? "yes" : "no");
	say("bind-interdomain-twice", "%s", res(bind_interdomain(f2, 0, a)));
	say("unbind-other-fd", "%s", res(unbind(f1, b)));
	say("notify-other-fd", "%s", res(notify(f1, b)));

	set_nonblock(f2, 1);
	/*
	 * Xen marks a freshly bound interdomain port pending
	 * (EVTCHNOP_bind_interdomain); when that event reaches the ring is
	 * a matter of timing, so take it here and start from a quiet pair.
	 */
	wait_readable(f2, 3000);
	say("pair-bind-event-drained", "%s", read(f2, &ev, sizeof(ev)) == sizeof(ev) || errno == EAGAIN ? "ok" : ename(errno));
	rewrite(f2, b);
	say("pair-poll-idle", "%s", pollstr(f2, 0));
	say("pair-read-idle", "%s", readstr(f2, 4, b));
	say("pair-notify", "%s", res(notify(f1, a)));
	say("pair-poll-event", "%s", pollstr(f2, 10000));
	say("pair-read-3-bytes", "%s", readstr(f2, 3, b));
	say("pair-read-efault", "%s",
	    ename(read(f2, bad_ptr, 4) < 0 ? errno : 0));
	say("pair-poll-after-efault", "%s", pollstr(f2, 0));
	say("pair-read", "%s", readstr(f2, 16, b));
	say("pair-read-drained", "%s", readstr(f2, 4, b));

	/* Masked until written back: a second event waits. */
	say("pair-notify-masked", "%s", res(notify(f1, a)));
	say("pair-poll-masked", "%s", pollstr(f2, 300));
	say("pair-write-3-bytes", "%s", res(write(f2, "abc", 3) < 0 ? -errno : 0));
	say("pair-write-efault", "%s",
	    ename(write(f2, bad_ptr, 4) < 0 ? errno : 0));
	say("pair-write-other-port", "%ld", rewrite(f2, a));
	say("pair-write-bad-port", "%ld", rewrite(f2, BAD_PORT));
	say("pair-write-unmask", "%ld", rewrite(f2, b));
	say("pair-poll-unmasked", "%s", pollstr(f2, 10000));
	say("pair-read-unmasked", "%s", readstr(f2, 16, b));
	say("pair-write-unmask-idle", "%ld", rewrite(f2, b));
	say("pair-write-unmask-twice", "%ld", rewrite(f2, b));

	/* The other way round, with a blocking read. */
	say("pair-notify-back", "%s", res(notify(f2, b)));
	/* No SA_RESTART: a lost event ends the read with EINTR. */
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(10);
	say("pair-read-blocking", "%s", readstr(f1, 4, a));
	alarm(0);
	say("pair-write-unmask-back", "%ld", rewrite(f1, a));

	/* SIGIO when the ring becomes non-empty. */
	sa.sa_handler = on_sigio;
	sigaction(SIGIO, &sa, NULL);
	fcntl(f2, F_SETOWN, getpid());
	fcntl(f2, F_SETFL, fcntl(f2, F_GETFL) | O_ASYNC);
	sigio_count = 0;
	notify(f1, a);
	wait_readable(f2, 10000);
	say("pair-sigio", "%s", sigio_count ? "yes" : "no");
	fcntl(f2, F_SETFL, fcntl(f2, F_GETFL) & ~O_ASYNC);
	say("pair-read-sigio", "%s", readstr(f2, 4, b));

	/* Overflow: write the port back without reading it. */
	for (i = 0; i < 2000; i++) {
		struct pollfd p = { .fd = f2, .events = POLLIN };

		rewrite(f2, b);
		notify(f1, a);
		/* Let the event be queued before the port is re-enabled. */
		usleep(20000);
		poll(&p, 1, 0);
		if (p.revents & POLLERR)
			break;
		n++;
	}
	say("overflow-reached", "%s", i < 2000 ? "yes" : "no");
	say("overflow-events-before", "%s", n >= 64 ? ">=64" : "<64");
	say("overflow-poll", "%s", pollstr(f2, 0));
	say("overflow-read", "%s", readstr(f2, 4, b));
	say("overflow-read-again", "%s", readstr(f2, 4, b));
	say("overflow-reset", "%s", res(xioctl(f2, IOCTL_EVTCHN_RESET, NULL)));
	say("overflow-poll-after-reset", "%s", pollstr(f2, 0));
	say("overflow-read-after-reset", "%s", readstr(f2, 4, b));
	rewrite(f2, b);
	say("overflow-notify-after-reset", "%s", res(notify(f1, a)));
	say("overflow-poll-event-after-reset", "%s", pollstr(f2, 10000));
	say("overflow-read-event-after-reset", "%s", readstr(f2, 4, b));

	/* Close with an event pending and the port masked. */
	rewrite(f2, b);
	notify(f1, a);
	wait_readable(f2, 10000);
	close(f2);
	say("pair-notify-after-peer-close", "%s", res(notify(f1, a)));
	say("pair-unbind", "%s", res(unbind(f1, a)));
	close(f1);
	f1 = dev_open();
	say("pair-port-closed", "%s", res(bind_interdomain(f1, 0, a)));
	close(f1);
}

/* More ports than the first ring size: the ring must grow. */
static void case_grow(void)
{
	int f1 = dev_open(), f2 = dev_open();
	long a[GROW_PORTS], b[GROW_PORTS];
	int seen[GROW_PORTS] = { 0 };
	int i, j, got = 0, bad = 0, other = 0, err = 0;

	for (i = 0; i < GROW_PORTS; i++) {
		a[i] = bind_unbound(f1, 0);
		b[i] = a[i] > 0 ? bind_interdomain(f2, 0, a[i]) : a[i];
		if (a[i] <= 0 || b[i] <= 0)
			bad++;
	}
	say("grow-bind-70-pairs", "%s", bad ? "failed" : "ok");
	if (bad) {
		failures++;
		close(f2);
		close(f1);
		return;
	}
	for (i = 0; i < GROW_PORTS; i++)
		notify(f1, a[i]);
	set_nonblock(f2, 1);
	while (got + other < GROW_PORTS) {
		uint32_t ports[256];
		ssize_t n;

		wait_readable(f2, 10000);
		n = read(f2, ports, sizeof(ports));
		if (n < 0) {
			err = errno;
			break;
		}
		for (j = 0; j < n / 4; j++) {
			for (i = 0; i < GROW_PORTS; i++)
				if ((long)ports[j] == b[i] && !seen[i]++)
					break;
			if (i < GROW_PORTS)
				got++;
			else
				other++;
		}
	}
	say("grow-read-events", "%d distinct, %d other, %s", got, other,
	    err ? ename(err) : "ok");

	/* Release with 70 ports bound, some with events pending. */
	for (i = 0; i < GROW_PORTS; i += 2) {
		rewrite(f2, b[i]);
		notify(f1, a[i]);
	}
	wait_readable(f2, 10000);
	close(f2);
	close(f1);
	f1 = dev_open();
	say("grow-ports-closed", "%s", res(bind_interdomain(f1, 0, a[0])));
	close(f1);
}

static void case_restrict(void)
{
	int fd = dev_open();
	long p = bind_unbound(fd, 0);
	struct ioctl_evtchn_bind_interdomain wide = {
		.remote_domain = 0x10000 + NO_DOMAIN, .remote_port = 1,
	};

	say("restrict-pre-bind", "%s", res(p));
	say("restrict-dom0", "%s", res(restrict_domid(fd, 0)));
	say("restrict-reserved", "%s", res(restrict_domid(fd, DOMID_RESERVED)));
	say("restrict", "%s", res(restrict_domid(fd, NO_DOMAIN)));
	say("restrict-again", "%s", res(restrict_domid(fd, 1)));
	say("restrict-again-efault", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, NULL)));
	say("restricted-bind-virq", "%s", res(bind_virq(fd, VIRQ_TBUF)));
	say("restricted-bind-virq-efault", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, NULL)));
	say("restricted-bind-unbound", "%s", res(bind_unbound(fd, NO_DOMAIN)));
	say("restricted-bind-interdomain-dom0", "%s",
	    res(bind_interdomain(fd, 0, p > 0 ? p : 1)));
	say("restricted-bind-interdomain-efault", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL)));
	say("restricted-bind-interdomain-allowed", "%s",
	    res(bind_interdomain(fd, NO_DOMAIN, 1)));
	say("restricted-bind-interdomain-wide-domid", "%s",
	    res(xioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &wide)));
	if (p > 0) {
		say("restricted-notify-pre-bound", "%s", res(notify(fd, p)));
		say("restricted-unbind-pre-bound", "%s", res(unbind(fd, p)));
	}
	say("restricted-reset", "%s", res(xioctl(fd, IOCTL_EVTCHN_RESET, NULL)));
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	case_generic();
	case_virq();
	case_unbound();
	case_pair();
	case_grow();
	case_restrict();
	say("done", "%s", failures ? "with setup failures" : "ok");
	return failures ? 1 : 0;
}
