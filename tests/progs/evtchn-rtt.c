// SPDX-License-Identifier: GPL-2.0-only
/*
 * evtchn-rtt: round trip of an event-channel notification through
 * /dev/xen/evtchn, for tests/ktest/bench.
 *
 *   evtchn-rtt [ITERATIONS] [WARMUP]
 *
 * Two descriptors of the device in one process: a port bound unbound to
 * dom0 itself on the first, the interdomain peer of that port on the
 * second (a loopback channel inside dom0).  One round trip is: notify A,
 * read B's event from the second descriptor (blocking), re-enable B,
 * notify B, read A's event from the first, re-enable A.  Each trip goes
 * through the driver's ioctl, Xen's EVTCHNOP_send, the upcall, the
 * driver's interrupt handler and its read/write paths twice.  One thread,
 * so no cross-CPU wakeup is measured (pin it with taskset).
 *
 * Prints "iterations N", then "rtt_ns_p50 X", "rtt_ns_p99 X",
 * "rtt_ns_mean X", "rtt_ns_min X" (nanoseconds, CLOCK_MONOTONIC).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* The Linux uapi (include/uapi/xen/evtchn.h): the numbers are ABI. */
struct rtt_bind_interdomain { unsigned int remote_domain, remote_port; };
struct rtt_bind_unbound { unsigned int remote_domain; };
struct rtt_notify { unsigned int port; };
#define RTT_BIND_INTERDOMAIN	0x00084501
#define RTT_BIND_UNBOUND	0x00044502
#define RTT_NOTIFY		0x00044504

static int dev_open(void)
{
	int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("open /dev/xen/evtchn");
		exit(1);
	}
	return fd;
}

static void notify(int fd, unsigned int port)
{
	struct rtt_notify n = { .port = port };

	if (ioctl(fd, RTT_NOTIFY, &n) < 0) {
		perror("IOCTL_EVTCHN_NOTIFY");
		exit(1);
	}
}

/* Wait for @port's event on @fd and unmask it again. */
static void consume(int fd, unsigned int port)
{
	uint32_t got;
	ssize_t r;

	do {
		r = read(fd, &got, sizeof(got));
	} while (r < 0 && errno == EINTR);
	if (r != sizeof(got) || got != port) {
		fprintf(stderr, "read: %zd, port %u (want %u): %s\n", r, got, port,
			r < 0 ? strerror(errno) : "short or wrong port");
		exit(1);
	}
	if (write(fd, &got, sizeof(got)) != sizeof(got)) {
		perror("unmask write");
		exit(1);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;
	long warm = argc > 2 ? atol(argv[2]) : 100;
	struct rtt_bind_unbound u = { .remote_domain = 0 };
	struct rtt_bind_interdomain b = { .remote_domain = 0 };
	uint64_t *t, sum = 0, t0;
	int fa, fb, pa, pb;
	long i;

	if (n < 1 || warm < 0) {
		fprintf(stderr, "usage: evtchn-rtt [ITERATIONS] [WARMUP]\n");
		return 2;
	}
	t = calloc(n, sizeof(*t));
	if (!t)
		return 1;
	fa = dev_open();
	fb = dev_open();
	pa = ioctl(fa, RTT_BIND_UNBOUND, &u);
	if (pa <= 0) {
		perror("IOCTL_EVTCHN_BIND_UNBOUND_PORT");
		return 1;
	}
	b.remote_port = pa;
	pb = ioctl(fb, RTT_BIND_INTERDOMAIN, &b);
	if (pb <= 0) {
		perror("IOCTL_EVTCHN_BIND_INTERDOMAIN");
		return 1;
	}
	for (i = -warm; i < n; i++) {
		t0 = now_ns();
		notify(fa, pa);
		consume(fb, pb);
		notify(fb, pb);
		consume(fa, pa);
		if (i >= 0) {
			t[i] = now_ns() - t0;
			sum += t[i];
		}
	}
	qsort(t, n, sizeof(*t), cmp64);
	printf("iterations %ld\n", n);
	printf("rtt_ns_p50 %llu\n", (unsigned long long)t[n / 2]);
	printf("rtt_ns_p99 %llu\n", (unsigned long long)t[(n * 99) / 100]);
	printf("rtt_ns_mean %llu\n", (unsigned long long)(sum / n));
	printf("rtt_ns_min %llu\n", (unsigned long long)t[0]);
	close(fb);
	close(fa);
	free(t);
	return 0;
}
