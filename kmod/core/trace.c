// SPDX-License-Identifier: GPL-2.0
/*
 * kslab's trace events: trace.h defines them here, once
 * (CREATE_TRACE_POINTS), and the rest of the core calls trace_kslab_*().
 */
#define CREATE_TRACE_POINTS
#include "trace.h"

/**
 * kslab_trace_reg() - kslab_rent or kslab_return gets its first probe:
 *	from now on every cache's inline fast path goes to __kslab_rent()
 *	and __kslab_return(), which trace each call.
 *
 * The inline fast path of <kslab/kslab.h> has no tracepoint of its own:
 * it costs nothing while the events are off.
 *
 * Context: task context, under the tracepoints' mutex; sleeps.
 * Return: 0.
 */
int kslab_trace_reg(void)
{
	kslab_caches_route_slow(true);
	return 0;
}

/**
 * kslab_trace_unreg() - kslab_rent or kslab_return lost its last probe:
 *	when neither has one, the inline fast path is back for every cache
 *	but the debug ones.
 *
 * Context: task context, under the tracepoints' mutex; sleeps.
 */
void kslab_trace_unreg(void)
{
	kslab_caches_route_slow(false);
}

/* For probes of other modules, the KUnit suite's among them. */
EXPORT_TRACEPOINT_SYMBOL_GPL(kslab_rent);
EXPORT_TRACEPOINT_SYMBOL_GPL(kslab_return);
