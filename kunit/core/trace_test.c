// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the kslab_rent and kslab_return trace events. A probe on them
 * sends every cache's inline fast path to the slow path (kslab_cpu_miss),
 * caches created meanwhile too, so that every rent and return is traced,
 * with its layer; without a probe each cache but a debug one has its own
 * per-CPU layer back.
 */
#include <kunit/test.h>

#include "kslab_test.h"
#include "core/trace.h"

#define TRACE_OBJS	8

/* What a probe saw of one cache. */
struct trace_seen {
	const struct kslab_cache *cache;
	unsigned int layer[KSLAB_LAYER_BUSY + 1];
	unsigned int first;
	unsigned int n;
};

static void trace_probe(void *data, const struct kslab_cache *cache,
			const void *obj, unsigned int layer)
{
	struct trace_seen *seen = data;

	if (cache != seen->cache || layer > KSLAB_LAYER_BUSY)
		return;
	if (!seen->n++)
		seen->first = layer;
	seen->layer[layer]++;
}

/* Whether @cache's inline fast path uses its own per-CPU layer. */
static bool fast_path_own(struct kslab_cache *cache)
{
	return READ_ONCE(kslab_fast(cache)->cpu) == cache->cpu;
}

static void test_trace_rent_return(struct kunit *test)
{
	struct trace_seen rents = {}, returns = {};
	struct kslab_cache *cache, *late, *debug;
	void *objs[TRACE_OBJS];
	unsigned int i, got;

	if (!IS_ENABLED(CONFIG_TRACEPOINTS))
		kunit_skip(test, "no CONFIG_TRACEPOINTS");
	cache = test_cache(test, 64, 0, 0, 16);
	debug = test_cache(test, 64, 0, KSLAB_DEBUG, 16);
	KUNIT_EXPECT_TRUE(test, fast_path_own(cache));
	KUNIT_EXPECT_FALSE(test, fast_path_own(debug));

	rents.cache = cache;
	returns.cache = cache;
	KUNIT_ASSERT_EQ(test, 0, register_trace_kslab_rent(trace_probe, &rents));
	if (register_trace_kslab_return(trace_probe, &returns)) {
		unregister_trace_kslab_rent(trace_probe, &rents);
		KUNIT_FAIL(test, "register_trace_kslab_return() failed");
		return;
	}
	KUNIT_EXPECT_FALSE(test, fast_path_own(cache));
	late = test_cache(test, 64, 0, 0, 16);
	KUNIT_EXPECT_FALSE(test, fast_path_own(late));
	/* The inline calls, then the bulk ones. */
	for (i = 0; i < TRACE_OBJS; i++)
		objs[i] = kslab_rent(cache, GFP_KERNEL);
	for (i = 0; i < TRACE_OBJS; i++)
		KUNIT_EXPECT_EQ(test, 0, kslab_return(cache, objs[i]));
	got = kslab_rent_bulk(cache, GFP_KERNEL, TRACE_OBJS, objs);
	KUNIT_EXPECT_EQ(test, TRACE_OBJS, got);
	KUNIT_EXPECT_EQ(test, 0, kslab_return_bulk(cache, got, objs));
	unregister_trace_kslab_return(trace_probe, &returns);
	unregister_trace_kslab_rent(trace_probe, &rents);
	tracepoint_synchronize_unregister();

	KUNIT_EXPECT_EQ(test, 2 * TRACE_OBJS, rents.n);
	KUNIT_EXPECT_EQ(test, 2 * TRACE_OBJS, returns.n);
	/* A new cache: the first rent takes a slab, which fills loaded. */
	KUNIT_EXPECT_EQ(test, KSLAB_LAYER_SLAB, rents.first);
	KUNIT_EXPECT_LE(test, 1, rents.layer[KSLAB_LAYER_LOADED]);
	KUNIT_EXPECT_LE(test, 1, returns.layer[KSLAB_LAYER_LOADED]);

	KUNIT_EXPECT_TRUE(test, fast_path_own(cache));
	KUNIT_EXPECT_TRUE(test, fast_path_own(late));
	KUNIT_EXPECT_FALSE(test, fast_path_own(debug));
	/* No probe: nothing more is seen. */
	objs[0] = kslab_rent(cache, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, 0, kslab_return(cache, objs[0]));
	KUNIT_EXPECT_EQ(test, 2 * TRACE_OBJS, rents.n);
	KUNIT_EXPECT_EQ(test, 2 * TRACE_OBJS, returns.n);
}

static struct kunit_case trace_test_cases[] = {
	KUNIT_CASE(test_trace_rent_return),
	{}
};

static struct kunit_suite trace_test_suite = {
	.name = "kslab_trace",
	.test_cases = trace_test_cases,
};

kunit_test_suite(trace_test_suite);
