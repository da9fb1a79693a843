// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the kslab KUnit suites: caches destroyed when the test
 * ends, and counters.
 */
#include <kunit/resource.h>

#include "kslab_test.h"

KUNIT_DEFINE_ACTION_WRAPPER(test_cache_destroy, kslab_cache_destroy,
			    struct kslab_cache *);

/**
 * test_cache() - create a kslab cache destroyed when @test ends.
 * @test: the test; fails it when creation fails.
 * @size: object size.
 * @align: alignment.
 * @flags: KSLAB_* flags.
 * @magazine_size: magazine size, 0 for the default.
 *
 * Context: task context; sleeps.
 * Return: the cache.
 */
struct kslab_cache *test_cache(struct kunit *test, unsigned int size,
			       unsigned int align, unsigned int flags,
			       unsigned int magazine_size)
{
	struct kslab_cache *cache;

	cache = kslab_cache_create("kunit", size, align, flags, NULL,
				   magazine_size);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, test_cache_destroy,
							   cache));
	return cache;
}

/**
 * test_stats() - the cache's stats.
 * @cache: the cache.
 * @st: filled in.
 *
 * Context: task context.
 */
void test_stats(struct kslab_cache *cache, struct kslab_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	kslab_cache_stats(cache, st);
}

/**
 * test_stat() - one counter as kslab_cache_stats() reports it.
 * @cache: the cache.
 * @item: the counter.
 *
 * Context: task context.
 * Return: its value.
 */
u64 test_stat(struct kslab_cache *cache, enum kslab_counter item)
{
	struct kslab_cache_stats st;

	test_stats(cache, &st);
	return st.counters[item];
}

/**
 * test_expect_idle() - nothing rented: shrink gives every page back and the
 * counters agree.
 * @test: the test.
 * @cache: the cache.
 *
 * Context: task context; sleeps.
 */
void test_expect_idle(struct kunit *test, struct kslab_cache *cache)
{
	struct kslab_cache_stats st;

	kslab_cache_shrink(cache);
	test_stats(cache, &st);
	KUNIT_EXPECT_EQ(test, 0, st.active_objects);
	KUNIT_EXPECT_EQ(test, st.counters[KSLAB_CNT_RENT],
			st.counters[KSLAB_CNT_RETURN]);
	KUNIT_EXPECT_EQ(test, 0, st.slabs);
	KUNIT_EXPECT_EQ(test, 0, st.pages);
	KUNIT_EXPECT_EQ(test, st.counters[KSLAB_CNT_PAGES_ALLOC],
			st.counters[KSLAB_CNT_PAGES_FREE]);
	KUNIT_EXPECT_EQ(test, st.counters[KSLAB_CNT_SLAB_ALLOC],
			st.counters[KSLAB_CNT_SLAB_FREE]);
}
