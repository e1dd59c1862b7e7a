// SPDX-License-Identifier: GPL-2.0-only
/*
 * console-back: a minimal Xen console backend for one secondary console
 * of a domU, for the console-secondary scenario (dom0 has no QEMU, which
 * would serve such consoles for xl's channel= devices).  The scenario
 * does the xenstore handshake; this program maps the frontend's ring
 * (/dev/xen/gntdev), binds its port (/dev/xen/evtchn) and then:
 *
 *   console-back DOMID RING_REF PORT SEND TIMEOUT_S
 *	prints "@@MAPPED", copies everything the domU writes to stdout,
 *	sends SEND plus a newline once "@@READY" came out, and exits 0
 *	when "@@END" came out (1 on timeout).
 *   console-back DOMID RING_REF PORT --evil 0
 *	moves the input producer 5000 bytes ahead of the consumer (more
 *	than the 1 KiB ring) and notifies: the frontend must disconnect.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
/* The uapi headers use the hypervisor's type names without defining them. */
typedef uint16_t domid_t;
typedef uint32_t grant_ref_t;
#include <xen/evtchn.h>
#include <xen/gntdev.h>

struct cons_ring {
	char in[1024];
	char out[2048];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};

#define barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

static int evfd;
static unsigned int lport;

static void die(const char *what)
{
	fprintf(stderr, "console-back: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void notify(void)
{
	struct ioctl_evtchn_notify n = { .port = lport };

	if (ioctl(evfd, IOCTL_EVTCHN_NOTIFY, &n) < 0)
		die("notify");
}

/* Wait up to ms for an event; unmask it again. */
static void wait_event(int ms)
{
	struct pollfd p = { .fd = evfd, .events = POLLIN };
	unsigned int port;

	if (poll(&p, 1, ms) > 0 && read(evfd, &port, sizeof(port)) == sizeof(port) &&
	    write(evfd, &port, sizeof(port)) != sizeof(port))
		die("unmask");
}

int main(int argc, char **argv)
{
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
	struct ioctl_evtchn_bind_interdomain bind;
	volatile struct cons_ring *r;
	char seen[64], line[256];
	const char *send;
	size_t sent = 0, len;
	int gfd, evil, ready = 0;
	time_t end;

	if (argc != 6) {
		fprintf(stderr, "usage: console-back DOMID RING_REF PORT SEND|--evil TIMEOUT_S\n");
		return 2;
	}
	/* The last bytes seen, as a string: spaces, not NULs, before them. */
	memset(seen, ' ', sizeof(seen) - 1);
	seen[sizeof(seen) - 1] = 0;
	send = argv[4];
	evil = !strcmp(send, "--evil");
	snprintf(line, sizeof(line), "%s\n", send);
	len = strlen(line);
	end = time(NULL) + atoi(argv[5]);

	gfd = open("/dev/xen/gntdev", O_RDWR);
	if (gfd < 0)
		die("/dev/xen/gntdev");
	map.refs[0].domid = atoi(argv[1]);
	map.refs[0].ref = atoi(argv[2]);
	if (ioctl(gfd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) < 0)
		die("map grant");
	r = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, gfd, map.index);
	if (r == MAP_FAILED)
		die("mmap");
	evfd = open("/dev/xen/evtchn", O_RDWR);
	if (evfd < 0)
		die("/dev/xen/evtchn");
	bind.remote_domain = atoi(argv[1]);
	bind.remote_port = atoi(argv[3]);
	lport = ioctl(evfd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if ((int)lport < 0)
		die("bind");
	printf("@@MAPPED\n");
	fflush(stdout);

	if (evil) {
		r->in_prod = r->in_cons + 5000;
		barrier();
		notify();
		printf("@@EVIL in_prod %u in_cons %u\n", r->in_prod, r->in_cons);
		goto out;
	}
	while (time(NULL) < end) {
		uint32_t prod = r->out_prod, cons = r->out_cons;

		barrier();
		if (prod - cons > sizeof(r->out)) {
			fprintf(stderr, "console-back: frontend broke the output ring\n");
			return 3;
		}
		for (; cons != prod; cons++) {
			char c = r->out[cons % sizeof(r->out)];

			putchar(c);
			memmove(seen, seen + 1, sizeof(seen) - 2);
			seen[sizeof(seen) - 2] = c;
			if (strstr(seen, "@@READY")) {
				ready = 1;
				memset(seen, ' ', sizeof(seen) - 1);
			}
			if (strstr(seen, "@@END")) {
				barrier();
				r->out_cons = cons + 1;
				notify();
				fflush(stdout);
				goto out;
			}
		}
		barrier();
		r->out_cons = cons;
		notify();
		while (ready && sent < len) {
			uint32_t ip = r->in_prod;

			if (ip - r->in_cons >= sizeof(r->in))
				break;
			r->in[ip % sizeof(r->in)] = line[sent++];
			barrier();
			r->in_prod = ip + 1;
		}
		if (ready)
			notify();
		wait_event(100);
	}
	fflush(stdout);
	fprintf(stderr, "console-back: timeout\n");
	return 1;
out:
	munmap((void *)r, 4096);
	unmap.index = map.index;
	ioctl(gfd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
	return 0;
}
