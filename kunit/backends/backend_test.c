// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the same conformance suite for every backend of kmod/backends/backend.h,
 * one parameter per &enum kslab_backend. A backend that the running kernel
 * lacks reports -EOPNOTSUPP and its cases are skipped.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/sort.h>
#include <linux/workqueue.h>

#include "backends/backend.h"
#include "backends/peer.h"
#include "core/kslab_test.h"

static const char * const backend_names[KSLAB_BACKEND_NR] =
	KSLAB_BACKEND_NAMES;

static const unsigned int backend_params[] = {
	KSLAB_BACKEND_KSLAB, KSLAB_BACKEND_LOCKED, KSLAB_BACKEND_KMEM_CACHE,
	KSLAB_BACKEND_KMALLOC, KSLAB_BACKEND_MEMPOOL, KSLAB_BACKEND_OBJPOOL,
};

static_assert(ARRAY_SIZE(backend_params) == KSLAB_BACKEND_NR);

static void backend_desc(const unsigned int *b, char *desc)
{
	strscpy(desc, backend_names[*b], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(backend, backend_params, backend_desc);

/* ---- pools ---- */

static void pool_destroy(void *pool)
{
	kslab_pool_destroy(pool);
}

/* A pool of the test's backend, destroyed when the test ends; skip if none. */
static struct kslab_pool *test_pool(struct kunit *test, unsigned int size,
				    unsigned int flags)
{
	unsigned int backend = *(const unsigned int *)test->param_value;
	struct kslab_pool_args args = {
		.name = "kunit-conf", .object_size = size, .flags = flags,
	};
	struct kslab_pool *pool;
	int ret;

	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	ret = kslab_pool_create(pool, backend, &args);
	if (!ret) {
		KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, pool_destroy,
								   pool));
		return pool;
	}
	if (ret == -EOPNOTSUPP)
		kunit_skip(test, "backend not available (flags %#x)", flags);
	KUNIT_FAIL(test, "create: %d", ret);
	return NULL;
}

static int cmp_ptr(const void *a, const void *b)
{
	unsigned long x = *(unsigned long *)a, y = *(unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void expect_distinct(struct kunit *test, unsigned int n, void **objs)
{
	unsigned int i;

	sort(objs, n, sizeof(*objs), cmp_ptr, NULL);
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_PTR_NE(test, objs[i - 1], objs[i]);
}

/* Counters a backend keeps must agree once everything is back. */
static void expect_balanced(struct kunit *test, struct kslab_pool *pool)
{
	struct kslab_stats st;

	kslab_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.counters[KSLAB_STAT_RENT],
			st.counters[KSLAB_STAT_RETURN]);
	KUNIT_EXPECT_EQ(test, 0, st.active_objects);
	KUNIT_EXPECT_EQ(test, 64, st.object_size);
}

/* ---- cases ---- */

#define CONF_N	200U

static void conf_rent_return(struct kunit *test)
{
	struct kslab_pool *pool = test_pool(test, 64, 0);
	void **objs = kunit_kcalloc(test, CONF_N, sizeof(*objs), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < CONF_N; i++) {
		objs[i] = kslab_pool_rent(pool, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		memset(objs[i], i, 64);
	}
	for (i = 0; i < CONF_N; i++)
		KUNIT_EXPECT_NULL(test, memchr_inv(objs[i], i & 0xff, 64));
	for (i = 0; i < CONF_N; i++)
		kslab_pool_return(pool, objs[i]);
	expect_distinct(test, CONF_N, objs);
	expect_balanced(test, pool);
	kslab_pool_shrink(pool);
}

static void conf_bulk(struct kunit *test)
{
	struct kslab_pool *pool = test_pool(test, 64, 0);
	void **objs = kunit_kcalloc(test, CONF_N, sizeof(*objs), GFP_KERNEL);
	unsigned int round;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (round = 0; round < 3; round++) {
		KUNIT_ASSERT_EQ(test, CONF_N, kslab_pool_rent_bulk(pool, GFP_KERNEL,
								   CONF_N, objs));
		kslab_pool_return_bulk(pool, CONF_N, objs);
		expect_distinct(test, CONF_N, objs);
	}
	expect_balanced(test, pool);
}

static void conf_zero(struct kunit *test)
{
	struct kslab_pool *pool = test_pool(test, 64, KSLAB_CACHE_ZERO);
	unsigned int i;
	void *obj;

	for (i = 0; i < 50; i++) {
		obj = kslab_pool_rent(pool, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, obj);
		KUNIT_EXPECT_NULL(test, memchr_inv(obj, 0, 64));
		memset(obj, 0xee, 64);
		kslab_pool_return(pool, obj);
	}
	expect_balanced(test, pool);
}

struct cross {
	struct kslab_pool *pool;
	void *objs[32];
};

static long cross_rent(void *arg)
{
	struct cross *c = arg;

	return kslab_pool_rent_bulk(c->pool, GFP_KERNEL, 32, c->objs);
}

static long cross_return(void *arg)
{
	struct cross *c = arg;

	kslab_pool_return_bulk(c->pool, 32, c->objs);
	return 0;
}

/* Rent on one CPU, return on another. */
static void conf_cross_cpu(struct kunit *test)
{
	struct kslab_pool *pool = test_pool(test, 64, 0);
	unsigned int a = cpumask_first(cpu_online_mask);
	unsigned int b = cpumask_last(cpu_online_mask);
	struct cross *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	unsigned int round;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->pool = pool;
	for (round = 0; round < 4; round++) {
		KUNIT_ASSERT_EQ(test, 32, work_on_cpu(round & 1 ? a : b, cross_rent, c));
		work_on_cpu(round & 1 ? b : a, cross_return, c);
	}
	expect_balanced(test, pool);
}

/*
 * A peer's active_objects is rents minus returns, each summed over the
 * CPUs: a reader that sums a return on one CPU before its rent on another
 * sees more returns than rents. Made deterministic here with an object
 * the pool's own kmem_cache handed out without the pool counting a rent:
 * the count must read 0, never rent - return wrapped to near 2^64.
 */
static void peer_stats_return_before_rent(struct kunit *test)
{
	struct kslab_pool_args args = {
		.name = "kunit-peer", .object_size = 64,
	};
	struct kslab_pool *pool = kunit_kzalloc(test, sizeof(*pool),
						GFP_KERNEL);
	struct kslab_peer *peer;
	struct kslab_stats st;
	void *obj;

	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_ASSERT_EQ(test, 0, kslab_pool_create(pool,
						   KSLAB_BACKEND_KMEM_CACHE,
						   &args));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, pool_destroy,
							   pool));
	peer = pool->priv;
	obj = kmem_cache_alloc(peer->cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	kslab_pool_return(pool, obj);
	kslab_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, 0, st.counters[KSLAB_STAT_RENT]);
	KUNIT_EXPECT_EQ(test, 1, st.counters[KSLAB_STAT_RETURN]);
	KUNIT_EXPECT_EQ(test, 0, st.active_objects);
}

static struct kunit_case backend_test_cases[] = {
	KUNIT_CASE_PARAM(conf_rent_return, backend_gen_params),
	KUNIT_CASE_PARAM(conf_bulk, backend_gen_params),
	KUNIT_CASE_PARAM(conf_zero, backend_gen_params),
	KUNIT_CASE_PARAM(conf_cross_cpu, backend_gen_params),
	KUNIT_CASE(peer_stats_return_before_rent),
	{}
};

static struct kunit_suite backend_test_suite = {
	.name = "kslab_backend",
	.test_cases = backend_test_cases,
};

kunit_test_suite(backend_test_suite);
