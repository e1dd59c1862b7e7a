// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for include/xenpv/state.h: every state pair, both roles. */
#include <string.h>
#include <xenpv/state.h>
#include "check.h"

#define N XENPV_NR_STATES

/*
 * Expected legality, written out independently of the header's table.
 * Rows: from; columns: to, in the order
 * Unknown Initialising InitWait Initialised Connected Closing Closed
 * Reconfiguring Reconfigured.
 */
static const char frontend[N][N + 1] = {
	/* Unknown */		"010000000",
	/* Initialising */	"010111100",
	/* InitWait */		"000000000",
	/* Initialised */	"000111100",
	/* Connected */		"000011110",
	/* Closing */		"000001100",
	/* Closed */		"010100100",
	/* Reconfiguring */	"000011111",
	/* Reconfigured */	"000011101",
};

static const char backend[N][N + 1] = {
	/* Unknown */		"010000000",
	/* Initialising */	"011101100",
	/* InitWait */		"001011100",
	/* Initialised */	"000111100",
	/* Connected */		"000011111",
	/* Closing */		"000001100",
	/* Closed */		"011001100",
	/* Reconfiguring */	"000001111",
	/* Reconfigured */	"000011101",
};

static void check_role(enum xenpv_role role, const char table[N][N + 1])
{
	unsigned int from, to;

	for (from = 0; from < N; from++) {
		for (to = 0; to < N; to++) {
			bool want = table[from][to] == '1';
			bool got = xenpv_state_transition_ok(role, from, to);

			if (got != want)
				printf("  %s: %s -> %s is %d, want %d\n",
				       role == XENPV_FRONTEND ? "front" : "back",
				       xenpv_state_name(from),
				       xenpv_state_name(to), got, want);
			CHECK(got == want);
		}
	}
}

static void check_handshakes(void)
{
	/* Canonical blkif handshake and teardown, frontend then backend. */
	CHECK(xenpv_state_transition_ok(XENPV_FRONTEND, XenbusStateInitialising,
					XenbusStateInitialised));
	CHECK(xenpv_state_transition_ok(XENPV_FRONTEND, XenbusStateInitialised,
					XenbusStateConnected));
	CHECK(xenpv_state_transition_ok(XENPV_BACKEND, XenbusStateInitialising,
					XenbusStateInitWait));
	CHECK(xenpv_state_transition_ok(XENPV_BACKEND, XenbusStateInitWait,
					XenbusStateConnected));
	/* A backend without negotiation skips InitWait. */
	CHECK(xenpv_state_transition_ok(XENPV_BACKEND, XenbusStateInitialising,
					XenbusStateInitialised));
	/* netfront connects straight from Initialising. */
	CHECK(xenpv_state_transition_ok(XENPV_FRONTEND, XenbusStateInitialising,
					XenbusStateConnected));
	/* Reconnect after Closed. */
	CHECK(xenpv_state_transition_ok(XENPV_FRONTEND, XenbusStateClosed,
					XenbusStateInitialising));
	CHECK(xenpv_state_transition_ok(XENPV_BACKEND, XenbusStateClosed,
					XenbusStateInitWait));
	/* Frontends never wait; a Closing node never reconnects directly. */
	CHECK(!xenpv_state_transition_ok(XENPV_FRONTEND, XenbusStateInitialising,
					 XenbusStateInitWait));
	CHECK(!xenpv_state_transition_ok(XENPV_BACKEND, XenbusStateClosing,
					 XenbusStateInitWait));
	CHECK(!xenpv_state_transition_ok(XENPV_FRONTEND, XenbusStateConnected,
					 XenbusStateInitialising));
}

static void check_invalid(void)
{
	CHECK(!xenpv_state_transition_ok(XENPV_FRONTEND, N, XenbusStateClosed));
	CHECK(!xenpv_state_transition_ok(XENPV_BACKEND, XenbusStateClosed, N));
	CHECK(!xenpv_state_transition_ok(XENPV_BACKEND, (enum xenbus_state)-1,
					 XenbusStateClosed));
	CHECK(!xenpv_state_transition_ok((enum xenpv_role)2,
					 XenbusStateInitialising,
					 XenbusStateClosed));
	CHECK(!strcmp(xenpv_state_name(XenbusStateUnknown), "Unknown"));
	CHECK(!strcmp(xenpv_state_name(XenbusStateInitWait), "InitWait"));
	CHECK(!strcmp(xenpv_state_name(XenbusStateReconfigured),
		      "Reconfigured"));
	CHECK(!strcmp(xenpv_state_name(N), "Invalid"));
	CHECK(!strcmp(xenpv_state_name((enum xenbus_state)-1), "Invalid"));
}

int main(void)
{
	check_role(XENPV_FRONTEND, frontend);
	check_role(XENPV_BACKEND, backend);
	check_handshakes();
	check_invalid();
	return check_done();
}
