/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tiny assertion framework for the host unit tests: every check counts,
 * a failing one prints its location, and check_done() prints the
 * closing "N passed, N failed" line and gives the exit status.
 */
#ifndef _XENPV_TEST_CHECK_H
#define _XENPV_TEST_CHECK_H

#include <stdio.h>

static unsigned int check_passed, check_failed;

#define CHECK(cond)							\
	do {								\
		if (cond) {						\
			check_passed++;					\
		} else {						\
			check_failed++;					\
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}							\
	} while (0)

#define CHECK_EQ(got, want)						\
	do {								\
		long long g_ = (long long)(got), w_ = (long long)(want); \
		if (g_ == w_) {						\
			check_passed++;					\
		} else {						\
			check_failed++;					\
			printf("FAIL %s:%d: %s == %lld, want %s == %lld\n", \
			       __FILE__, __LINE__, #got, g_, #want, w_); \
		}							\
	} while (0)

static inline int check_done(void)
{
	printf("%u passed, %u failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif /* _XENPV_TEST_CHECK_H */
