/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus state machine: which state changes each side may write.
 *
 * The table covers the state a driver writes for itself (its own node),
 * following the handshake in Xen's io/blkif.h and what the in-tree
 * front and back drivers do:
 *
 *  frontend                              backend
 *
 *  Initialising --------+                Initialising --+
 *     |                 |                   |           |
 *     v                 |                   v           v
 *  Initialised          | (netfront:     InitWait    Initialised
 *     |                 |  straight to      |           |  (no
 *     v                 v  Connected)       v           v  negotiation)
 *  Connected <---------+                 Connected <---+
 *     |  ^                                  |  ^
 *     v  |                                  v  |
 *  Reconfiguring -> Reconfigured         Reconfiguring -> Reconfigured
 *
 *  Every set-up or connected state may go to Closing (teardown, error) or
 *  straight to Closed (e.g. a frontend answering a backend that is going
 *  away); Closing only goes on to Closed.  A backend may also go from
 *  Closed back to Closing (an error reported after the close).
 *  Reconnect: frontend Closed -> Initialising, or -> Initialised when it
 *  re-negotiates at once; backend Closed -> InitWait (or Initialising).
 *
 * InitWait ("waiting for the peer or hotplug scripts") is a backend state:
 * frontends never write it, they go to Initialised without waiting.
 * Nobody writes Unknown: it means the node is missing.  Re-writing the
 * current state is a no-op and allowed wherever that state is reachable.
 */
#ifndef _XENPV_STATE_H
#define _XENPV_STATE_H

#include <xenpv/platform.h>

enum xenpv_role {
	XENPV_FRONTEND,
	XENPV_BACKEND,
};

#define XENPV_NR_STATES		(XenbusStateReconfigured + 1)
#define XENPV_ST(s)		BIT(XenbusState##s)
#define XENPV_ST_CLOSE		(XENPV_ST(Closing) | XENPV_ST(Closed))

/**
 * xenpv_state_transition_ok() - may @role move its own node from @from to @to?
 * @role: XENPV_FRONTEND or XENPV_BACKEND.
 * @from: the state the driver currently has written.
 * @to: the state it wants to write.
 *
 * Pure table lookup; values outside enum xenbus_state (e.g. read from a
 * hostile xenstore node) are never allowed.
 *
 * Return: true if the transition is legal.
 */
static inline bool xenpv_state_transition_ok(enum xenpv_role role,
					     enum xenbus_state from,
					     enum xenbus_state to)
{
	/* table[role][from]: bit mask of the states @to allowed. */
	static const u16 table[2][XENPV_NR_STATES] = {
		[XENPV_FRONTEND] = {
			[XenbusStateUnknown] = XENPV_ST(Initialising),
			[XenbusStateInitialising] = XENPV_ST(Initialising) |
				XENPV_ST(Initialised) | XENPV_ST(Connected) |
				XENPV_ST_CLOSE,
			[XenbusStateInitWait] = 0,
			[XenbusStateInitialised] = XENPV_ST(Initialised) |
				XENPV_ST(Connected) | XENPV_ST_CLOSE,
			[XenbusStateConnected] = XENPV_ST(Connected) |
				XENPV_ST(Reconfiguring) | XENPV_ST_CLOSE,
			[XenbusStateClosing] = XENPV_ST_CLOSE,
			[XenbusStateClosed] = XENPV_ST(Closed) |
				XENPV_ST(Initialising) | XENPV_ST(Initialised),
			[XenbusStateReconfiguring] = XENPV_ST(Reconfiguring) |
				XENPV_ST(Reconfigured) | XENPV_ST(Connected) |
				XENPV_ST_CLOSE,
			[XenbusStateReconfigured] = XENPV_ST(Reconfigured) |
				XENPV_ST(Connected) | XENPV_ST_CLOSE,
		},
		[XENPV_BACKEND] = {
			[XenbusStateUnknown] = XENPV_ST(Initialising),
			[XenbusStateInitialising] = XENPV_ST(Initialising) |
				XENPV_ST(InitWait) | XENPV_ST(Initialised) |
				XENPV_ST_CLOSE,
			[XenbusStateInitWait] = XENPV_ST(InitWait) |
				XENPV_ST(Connected) | XENPV_ST_CLOSE,
			[XenbusStateInitialised] = XENPV_ST(Initialised) |
				XENPV_ST(Connected) | XENPV_ST_CLOSE,
			[XenbusStateConnected] = XENPV_ST(Connected) |
				XENPV_ST(Reconfiguring) | XENPV_ST(Reconfigured) |
				XENPV_ST_CLOSE,
			[XenbusStateClosing] = XENPV_ST_CLOSE,
			[XenbusStateClosed] = XENPV_ST_CLOSE |
				XENPV_ST(Initialising) | XENPV_ST(InitWait),
			[XenbusStateReconfiguring] = XENPV_ST(Reconfiguring) |
				XENPV_ST(Reconfigured) | XENPV_ST_CLOSE,
			[XenbusStateReconfigured] = XENPV_ST(Reconfigured) |
				XENPV_ST(Connected) | XENPV_ST_CLOSE,
		},
	};

	if ((unsigned int)role > XENPV_BACKEND ||
	    (unsigned int)from >= XENPV_NR_STATES ||
	    (unsigned int)to >= XENPV_NR_STATES)
		return false;
	return table[role][from] & BIT(to);
}

/**
 * xenpv_state_name() - printable name of a xenbus state.
 * @state: any value, including ones outside enum xenbus_state.
 *
 * Return: a static string, "Invalid" for unknown values.
 */
static inline const char *xenpv_state_name(enum xenbus_state state)
{
	static const char * const names[XENPV_NR_STATES] = {
		[XenbusStateUnknown] = "Unknown",
		[XenbusStateInitialising] = "Initialising",
		[XenbusStateInitWait] = "InitWait",
		[XenbusStateInitialised] = "Initialised",
		[XenbusStateConnected] = "Connected",
		[XenbusStateClosing] = "Closing",
		[XenbusStateClosed] = "Closed",
		[XenbusStateReconfiguring] = "Reconfiguring",
		[XenbusStateReconfigured] = "Reconfigured",
	};

	if ((unsigned int)state >= XENPV_NR_STATES)
		return "Invalid";
	return names[state];
}

#endif /* _XENPV_STATE_H */
