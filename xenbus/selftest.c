// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pure self-tests run at module load when built with XENPV_BUS_SELFTEST=y:
 * history ring wrap-around, bounded number parsing, the peer transition
 * check and the stuck hint.  No Xen needed.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

#define XENPV_EXPECT(cond) do {						\
	if (!(cond)) {							\
		pr_err("selftest: %s:%d: %s\n", __func__, __LINE__, #cond);\
		failed++;						\
	}								\
} while (0)

static unsigned int xenpv_selftest_hist(void)
{
	struct xenpv_hist *h;
	unsigned int failed = 0, i;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return 1;
	for (i = 0; i < XENPV_HIST_LEN + 3; i++)
		xenpv_hist_record(h, ns_to_ktime(i), i, i + 1,
				  XENPV_SIDE_OURS, false,
				  "a cause that is far too long to be kept whole");
	XENPV_EXPECT(h->next == XENPV_HIST_LEN + 3);
	/* The three oldest were overwritten: slot 0 holds entry 16. */
	XENPV_EXPECT(h->ent[0].from == XENPV_HIST_LEN);
	XENPV_EXPECT(h->ent[2].from == XENPV_HIST_LEN + 2);
	XENPV_EXPECT(h->ent[3].from == 3);
	XENPV_EXPECT(strlen(h->ent[0].cause) == XENPV_CAUSE_LEN - 1);
	kfree(h);
	return failed;
}

static unsigned int xenpv_selftest_parse(void)
{
	unsigned int failed = 0;
	u32 v;

	XENPV_EXPECT(xenpv_parse_u32(NULL, 7, 1, 10, &v) == 0 && v == 7);
	XENPV_EXPECT(xenpv_parse_u32("", 7, 1, 10, &v) == 0 && v == 7);
	XENPV_EXPECT(xenpv_parse_u32("5", 7, 1, 10, &v) == 0 && v == 5);
	XENPV_EXPECT(xenpv_parse_u32("5\n", 7, 1, 10, &v) == 0 && v == 5);
	XENPV_EXPECT(xenpv_parse_u32("0", 7, 1, 10, &v) == -ERANGE && v == 1);
	XENPV_EXPECT(xenpv_parse_u32("11", 7, 1, 10, &v) == -ERANGE &&
		     v == 10);
	XENPV_EXPECT(xenpv_parse_u32("99999999999", 7, 1, 10, &v) ==
		     -ERANGE && v == 10);
	XENPV_EXPECT(xenpv_parse_u32("-1", 7, 1, 10, &v) == -EINVAL &&
		     v == 7);
	XENPV_EXPECT(xenpv_parse_u32("4x", 7, 1, 10, &v) == -EINVAL &&
		     v == 7);
	XENPV_EXPECT(xenpv_parse_u32("5", 7, 10, 1, &v) == -EINVAL);
	return failed;
}

static unsigned int xenpv_selftest_peer(void)
{
	unsigned int failed = 0;

	/* Backend InitWait may be hidden behind a coalesced watch. */
	XENPV_EXPECT(xenpv_peer_transition_ok(XENPV_BACKEND,
					      XenbusStateInitialising,
					      XenbusStateConnected));
	/* Skipping Closed is not: Connected -> InitWait. */
	XENPV_EXPECT(!xenpv_peer_transition_ok(XENPV_BACKEND,
					       XenbusStateConnected,
					       XenbusStateInitWait));
	XENPV_EXPECT(!xenpv_peer_transition_ok(XENPV_FRONTEND,
					       XenbusStateConnected,
					       XenbusStateInitialising));
	/* A frontend never writes InitWait. */
	XENPV_EXPECT(!xenpv_peer_transition_ok(XENPV_FRONTEND,
					       XenbusStateInitialising,
					       XenbusStateInitWait));
	XENPV_EXPECT(xenpv_peer_transition_ok(XENPV_FRONTEND,
					      XenbusStateClosed,
					      XenbusStateInitialising));
	XENPV_EXPECT(xenpv_peer_transition_ok(XENPV_FRONTEND,
					      XenbusStateConnected,
					      XenbusStateClosed));
	XENPV_EXPECT(xenpv_peer_transition_ok(XENPV_FRONTEND,
					      XenbusStateUnknown,
					      XenbusStateConnected));
	XENPV_EXPECT(!xenpv_peer_transition_ok(XENPV_BACKEND,
					       XenbusStateConnected, 42));
	XENPV_EXPECT(!xenpv_peer_transition_ok(XENPV_BACKEND,
					       XenbusStateConnected, -1));
	XENPV_EXPECT(strcmp(xenpv_stuck_hint(XENPV_BACKEND, 4, 9),
			    "peer wrote an invalid state: disconnect") == 0);
	return failed;
}

/**
 * xenpv_selftest() - run the pure self-tests.
 *
 * Return: 0 if all passed, -EINVAL otherwise (failures are logged).
 */
int xenpv_selftest(void)
{
	unsigned int failed;

	failed = xenpv_selftest_hist() + xenpv_selftest_parse() +
		 xenpv_selftest_peer();
	if (failed)
		return -EINVAL;
	pr_info("selftest: passed\n");
	return 0;
}
