// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the kslab allocator on one CPU: objects, counters after random
 * interleavings, the magazine and depot paths, shrink and the shrinker,
 * tuning, zeroing, constructors, debug mode and allocation failures.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "kslab_test.h"

/* ---- objects ---- */

static int cmp_ptr(const void *a, const void *b)
{
	unsigned long x = *(unsigned long *)a, y = *(unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Every object aligned, inside a slab of @cache, distinct, writable. */
static void check_objects(struct kunit *test, struct kslab_cache *cache,
			  unsigned int n, void **objs)
{
	unsigned long bytes = PAGE_SIZE << cache->layout.order;
	void **sorted;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct kslab_slab *slab = kslab_obj_slab(objs[i]);

		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)objs[i],
						   cache->layout.align));
		KUNIT_EXPECT_PTR_EQ(test, slab->page, virt_to_head_page(objs[i]));
		KUNIT_EXPECT_TRUE(test, objs[i] >= slab->base &&
				  objs[i] + cache->layout.object_size <=
				  slab->base + bytes);
		memset(objs[i], 0x5a, cache->layout.object_size);
	}
	sorted = kunit_kmalloc_array(test, n, sizeof(*sorted), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sorted);
	memcpy(sorted, objs, n * sizeof(*sorted));
	sort(sorted, n, sizeof(*sorted), cmp_ptr, NULL);
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_PTR_NE(test, sorted[i - 1], sorted[i]);
}

static void test_objects(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 24, 64, 100, 512, 4096, 65536 };
	static const unsigned int aligns[] = { 0, 64, 4096 };
	unsigned int s, a, d, n;
	void **objs;

	for (s = 0; s < ARRAY_SIZE(sizes); s++)
		for (a = 0; a < ARRAY_SIZE(aligns); a++)
			for (d = 0; d <= KSLAB_DEBUG; d += KSLAB_DEBUG) {
				struct kslab_cache *cache;

				cache = test_cache(test, sizes[s], aligns[a], d, 0);
				n = min(2 * cache->layout.objects + 3, 40U);
				objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
				KUNIT_ASSERT_NOT_NULL(test, objs);
				KUNIT_ASSERT_EQ(test, n, kslab_rent_bulk(cache, GFP_KERNEL,
									 n, objs));
				check_objects(test, cache, n, objs);
				KUNIT_EXPECT_EQ(test, 0, kslab_return_bulk(cache, n, objs));
				test_expect_idle(test, cache);
			}
}

/* ---- random interleavings ---- */

#define RANDOM_MAX	256U

struct random_state {
	struct rnd_state rnd;
	struct kslab_cache *cache;
	void *objs[RANDOM_MAX];
	unsigned int nr;
};

static void random_step(struct kunit *test, struct random_state *rs)
{
	unsigned int k = prandom_u32_state(&rs->rnd) % 8 + 1, i;

	switch (prandom_u32_state(&rs->rnd) % 20) {
	case 0 ... 7:
		k = min(k, RANDOM_MAX - rs->nr);
		rs->nr += kslab_rent_bulk(rs->cache, GFP_KERNEL, k, rs->objs + rs->nr);
		break;
	case 8 ... 15:
		k = min(k, rs->nr);
		for (i = 0; i < k; i++) {
			/* Return a random one: move it to the end first. */
			unsigned int r = prandom_u32_state(&rs->rnd) % rs->nr;

			swap(rs->objs[r], rs->objs[rs->nr - 1]);
			KUNIT_EXPECT_EQ(test, 0, kslab_return(rs->cache,
							      rs->objs[--rs->nr]));
		}
		break;
	case 16 ... 18:
		k = min(k, rs->nr);
		rs->nr -= k;
		KUNIT_EXPECT_EQ(test, 0, kslab_return_bulk(rs->cache, k,
							   rs->objs + rs->nr));
		break;
	default:
		kslab_cache_shrink(rs->cache);
	}
}

static void random_check(struct kunit *test, struct random_state *rs)
{
	struct kslab_cache_stats st;

	test_stats(rs->cache, &st);
	KUNIT_EXPECT_EQ(test, rs->nr, st.active_objects);
	KUNIT_EXPECT_EQ(test, st.counters[KSLAB_CNT_RENT] -
			st.counters[KSLAB_CNT_RETURN], rs->nr);
	KUNIT_EXPECT_GE(test, st.total_objects, st.active_objects);
	KUNIT_EXPECT_EQ(test, st.pages, st.slabs << st.order);
	KUNIT_EXPECT_EQ(test, st.counters[KSLAB_CNT_PAGES_ALLOC] -
			st.counters[KSLAB_CNT_PAGES_FREE], st.pages);
	KUNIT_EXPECT_EQ(test, 0, st.counters[KSLAB_CNT_RENT_FAIL]);
}

static void test_random(struct kunit *test)
{
	unsigned int flags, step;

	for (flags = 0; flags <= KSLAB_DEBUG; flags += KSLAB_DEBUG) {
		struct random_state *rs;

		rs = kunit_kzalloc(test, sizeof(*rs), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, rs);
		prandom_seed_state(&rs->rnd, 42 + flags);
		rs->cache = test_cache(test, 96, 0, flags, 4);
		for (step = 0; step < 3000; step++) {
			random_step(test, rs);
			if (step % 100 == 0)
				random_check(test, rs);
		}
		random_check(test, rs);
		KUNIT_EXPECT_EQ(test, 0, kslab_return_bulk(rs->cache, rs->nr, rs->objs));
		test_expect_idle(test, rs->cache);
	}
}

/* ---- magazine and depot paths ---- */

static const enum kslab_counter rent_paths[] = {
	KSLAB_CNT_RENT_LOADED, KSLAB_CNT_RENT_PREVIOUS,
	KSLAB_CNT_RENT_DEPOT, KSLAB_CNT_RENT_SLAB,
};

static const enum kslab_counter return_paths[] = {
	KSLAB_CNT_RETURN_LOADED, KSLAB_CNT_RETURN_PREVIOUS,
	KSLAB_CNT_RETURN_DEPOT, KSLAB_CNT_RETURN_SLAB,
};

/* @op took exactly the path @want among @paths. */
static void expect_path(struct kunit *test, struct kslab_cache *cache,
			const enum kslab_counter *paths, const u64 *before,
			enum kslab_counter want, unsigned int step)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, test_stat(cache, paths[i]) - before[i],
				    paths[i] == want, "step %u, counter %u", step,
				    paths[i]);
}

static void snapshot(struct kslab_cache *cache, const enum kslab_counter *paths,
		     u64 *before)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		before[i] = test_stat(cache, paths[i]);
}

/* Magazines of 4, batch 2, one CPU: every path in a known order. */
static void test_magazine_paths(struct kunit *test)
{
	static const char rents1[] = "SLSLSLSLSLSL";
	static const char returns[] = "LLLLPLLLDLLL";
	static const char rents2[] = "LLLLPLLLDLLLS";
	struct kslab_cache *cache = test_cache(test, 64, 0, 0, 4);
	void *objs[13];
	unsigned int i, n = 0;
	u64 before[4];

	migrate_disable();
	for (i = 0; i < ARRAY_SIZE(rents1) - 1; i++) {
		snapshot(cache, rent_paths, before);
		objs[n++] = kslab_rent(cache, GFP_KERNEL);
		expect_path(test, cache, rent_paths, before, rents1[i] == 'S' ?
			    KSLAB_CNT_RENT_SLAB : KSLAB_CNT_RENT_LOADED, i);
	}
	for (i = 0; i < ARRAY_SIZE(returns) - 1; i++) {
		snapshot(cache, return_paths, before);
		kslab_return(cache, objs[--n]);
		expect_path(test, cache, return_paths, before,
			    returns[i] == 'L' ? KSLAB_CNT_RETURN_LOADED :
			    returns[i] == 'P' ? KSLAB_CNT_RETURN_PREVIOUS :
			    KSLAB_CNT_RETURN_DEPOT, i);
	}
	for (i = 0; i < ARRAY_SIZE(rents2) - 1; i++) {
		snapshot(cache, rent_paths, before);
		objs[n++] = kslab_rent(cache, GFP_KERNEL);
		expect_path(test, cache, rent_paths, before,
			    rents2[i] == 'L' ? KSLAB_CNT_RENT_LOADED :
			    rents2[i] == 'P' ? KSLAB_CNT_RENT_PREVIOUS :
			    rents2[i] == 'D' ? KSLAB_CNT_RENT_DEPOT :
			    KSLAB_CNT_RENT_SLAB, i + 100);
	}
	migrate_enable();
	kslab_return_bulk(cache, n, objs);
	test_expect_idle(test, cache);
}

/* A full depot sends a full magazine to the slabs instead. */
static void test_depot_full(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, 0, 2);
	struct kslab_depot *depot;
	unsigned int i, n;
	void **objs;

	migrate_disable();
	depot = &kslab_node_of(cache, numa_mem_id())->depot;
	n = 2 * 2 + (depot->max_full + 2) * 2;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_EQ(test, n, kslab_rent_bulk(cache, GFP_KERNEL, n, objs));
	for (i = 0; i < n; i++)
		kslab_return(cache, objs[i]);
	KUNIT_EXPECT_EQ(test, depot->max_full, depot->nr_full);
	KUNIT_EXPECT_GT(test, test_stat(cache, KSLAB_CNT_RETURN_SLAB), 0);
	migrate_enable();
	test_expect_idle(test, cache);
}

/* ---- shrink, shrinker, tune ---- */

static void test_shrink(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 256, 0, 0, 4);
	unsigned int n = 3 * cache->layout.objects;
	struct kslab_cache_stats st;
	unsigned long freed;
	void **objs;

	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_EQ(test, n, kslab_rent_bulk(cache, GFP_KERNEL, n, objs));
	kslab_return_bulk(cache, n, objs);
	test_stats(cache, &st);
	KUNIT_EXPECT_GT(test, st.pages, 0);
	freed = kslab_cache_shrink(cache);
	KUNIT_EXPECT_EQ(test, freed, st.pages);
	test_stats(cache, &st);
	KUNIT_EXPECT_EQ(test, 0, st.pages);
	KUNIT_EXPECT_EQ(test, 1, st.counters[KSLAB_CNT_SHRINK]);
	test_expect_idle(test, cache);
}

static void test_shrinker(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 256, 0, 0, 4);
	unsigned int n = 3 * cache->layout.objects;
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct shrinker *s = cache->shrinker;
	void **objs;

	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	migrate_disable();
	sc.nid = numa_mem_id();
	KUNIT_ASSERT_EQ(test, n, kslab_rent_bulk(cache, GFP_KERNEL, n, objs));
	kslab_return_bulk(cache, n, objs);
	KUNIT_EXPECT_GT(test, kslab_depot_count(cache, sc.nid), 0);
	KUNIT_EXPECT_GT(test, s->count_objects(s, &sc), 0);
	sc.nr_to_scan = n;
	KUNIT_EXPECT_GT(test, s->scan_objects(s, &sc), 0);
	KUNIT_EXPECT_EQ(test, 0, kslab_depot_count(cache, sc.nid));
	KUNIT_EXPECT_EQ(test, 0, kslab_node_of(cache, sc.nid)->nr_empty);
	migrate_enable();
	test_expect_idle(test, cache);
}

static void test_tune(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, 0, 4);
	struct kslab_depot *depot;
	unsigned int i, cpu;
	void *objs[100];

	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_tune(cache, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_tune(cache, KSLAB_MAGAZINE_MAX + 1));
	KUNIT_ASSERT_EQ(test, 100, kslab_rent_bulk(cache, GFP_KERNEL, 100, objs));
	kslab_return_bulk(cache, 50, objs);
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_tune(cache, 8));
	KUNIT_EXPECT_EQ(test, 8, READ_ONCE(cache->magazine_size));
	KUNIT_EXPECT_EQ(test, 1, test_stat(cache, KSLAB_CNT_MAGAZINE_RESIZE));
	kslab_return_bulk(cache, 50, objs + 50);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, 8, per_cpu_ptr(cache->cpu, cpu)->loaded->size);

	/* Contention on the depot doubles the magazine size. */
	depot = &kslab_node_of(cache, 0)->depot;
	spin_lock_irq(&depot->lock);
	for (i = 0; i < KSLAB_DEPOT_CONTENTION; i++)
		kslab_depot_note_contention(cache, depot);
	spin_unlock_irq(&depot->lock);
	flush_work(&cache->resize_work);
	KUNIT_EXPECT_EQ(test, 16, READ_ONCE(cache->magazine_size));
	KUNIT_EXPECT_EQ(test, KSLAB_DEPOT_CONTENTION,
			test_stat(cache, KSLAB_CNT_DEPOT_CONTENDED));
	test_expect_idle(test, cache);
}

/* ---- magazines bounded in bytes ---- */

/* Contention as often as the resize work needs, @rounds times. */
static void contend(struct kslab_cache *cache, unsigned int rounds)
{
	struct kslab_depot *depot = &kslab_node_of(cache, 0)->depot;
	unsigned int i;

	while (rounds--) {
		spin_lock_irq(&depot->lock);
		depot->contended = 0;
		for (i = 0; i < KSLAB_DEPOT_CONTENTION; i++)
			kslab_depot_note_contention(cache, depot);
		spin_unlock_irq(&depot->lock);
		flush_work(&cache->resize_work);
	}
}

/*
 * A magazine holds at most KSLAB_MAGAZINE_BYTES of objects (one object at
 * least), whatever the default, the tune or the automatic growth asks.
 */
static void test_magazine_bytes(struct kunit *test)
{
	static const unsigned int sizes[] = { 64, 1024, 4096, 65536 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct kslab_cache *cache = test_cache(test, sizes[i], 0, 0, 0);
		unsigned int cap = clamp(KSLAB_MAGAZINE_BYTES /
					 cache->layout.stride, 1U,
					 KSLAB_MAGAZINE_MAX);
		unsigned int got = READ_ONCE(cache->magazine_size);

		KUNIT_EXPECT_LE_MSG(test, got, cap, "default, %u B", sizes[i]);
		contend(cache, 8);
		got = READ_ONCE(cache->magazine_size);
		KUNIT_EXPECT_LE_MSG(test, got, cap, "grown, %u B", sizes[i]);
		KUNIT_EXPECT_EQ(test, 0, kslab_cache_tune(cache,
							  KSLAB_MAGAZINE_MAX));
		got = READ_ONCE(cache->magazine_size);
		KUNIT_EXPECT_EQ_MSG(test, got, cap, "tuned, %u B", sizes[i]);
	}
}

/*
 * Magazines of an old size do not go back into the depot once the size
 * has changed: a CPU that a resize has not reached yet empties them into
 * the slabs instead (here: the size is changed and this CPU not flushed).
 */
static void test_stale_magazines(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, 0, 4);
	struct kslab_depot *depot;
	struct kslab_magazine *mag;
	unsigned int stale = 0;
	void *objs[40];

	migrate_disable();
	depot = &kslab_node_of(cache, numa_mem_id())->depot;
	KUNIT_ASSERT_EQ(test, 40, kslab_rent_bulk(cache, GFP_KERNEL, 40, objs));
	kslab_return_bulk(cache, 40, objs);
	mutex_lock(&cache->mutex);
	WRITE_ONCE(cache->magazine_size, 8);
	mutex_unlock(&cache->mutex);
	KUNIT_ASSERT_EQ(test, 40, kslab_rent_bulk(cache, GFP_KERNEL, 40, objs));
	kslab_return_bulk(cache, 40, objs);
	spin_lock_irq(&depot->lock);
	list_for_each_entry(mag, &depot->full, list)
		stale += mag->size != 8;
	list_for_each_entry(mag, &depot->empty, list)
		stale += mag->size != 8;
	spin_unlock_irq(&depot->lock);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, 0, stale);
	test_expect_idle(test, cache);
}

/* ---- KSLAB_LOCKED: one shared magazine, no per-CPU layer ---- */

static void test_locked(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, KSLAB_LOCKED, 4);
	unsigned int cpu;
	void *objs[8];

	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, 0, per_cpu_ptr(cache->cpu, cpu)->loaded->size);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, kslab_cache_tune(cache, 8));
	/* Fresh cache: every rent comes from the slabs. */
	KUNIT_ASSERT_EQ(test, 8, kslab_rent_bulk(cache, GFP_KERNEL, 8, objs));
	KUNIT_EXPECT_EQ(test, 8, test_stat(cache, KSLAB_CNT_RENT_SLAB));
	/* Four fit the shared magazine, four go back to the slabs. */
	KUNIT_EXPECT_EQ(test, 0, kslab_return_bulk(cache, 8, objs));
	KUNIT_EXPECT_EQ(test, 4, test_stat(cache, KSLAB_CNT_RETURN_DEPOT));
	KUNIT_EXPECT_EQ(test, 4, test_stat(cache, KSLAB_CNT_RETURN_SLAB));
	KUNIT_EXPECT_EQ(test, 0, test_stat(cache, KSLAB_CNT_RETURN_LOADED));
	/* ... and the next rents take them from the shared magazine. */
	objs[0] = kslab_rent(cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	KUNIT_EXPECT_EQ(test, 1, test_stat(cache, KSLAB_CNT_RENT_DEPOT));
	KUNIT_EXPECT_EQ(test, 0, test_stat(cache, KSLAB_CNT_RENT_LOADED));
	KUNIT_EXPECT_EQ(test, 0, kslab_return(cache, objs[0]));
	/* Shrink empties the shared magazine too. */
	test_expect_idle(test, cache);
	KUNIT_EXPECT_EQ(test, 0, cache->shared->mag->rounds);
	KUNIT_EXPECT_TRUE(test, IS_ERR(kslab_cache_create("kunit-big", 64, 0,
							  KSLAB_LOCKED, NULL,
							  KSLAB_LOCKED_MAX + 1)));
}

/* ---- zeroing and constructors ---- */

static void test_zero(struct kunit *test)
{
	struct kslab_cache *zero = test_cache(test, 64, 0, KSLAB_ZERO, 0);
	struct kslab_cache *plain = test_cache(test, 64, 0, 0, 0);
	struct kslab_cache_stats st;
	u8 *obj;

	migrate_disable();
	obj = kslab_rent(zero, GFP_KERNEL);
	memset(obj, 0xaa, 64);
	kslab_return(zero, obj);
	obj = kslab_rent(zero, GFP_KERNEL);
	KUNIT_EXPECT_NULL(test, memchr_inv(obj, 0, 64));
	kslab_return(zero, obj);

	obj = kslab_rent(plain, GFP_KERNEL);
	memset(obj, 0xaa, 64);
	kslab_return(plain, obj);
	obj = kslab_rent(plain, GFP_KERNEL | __GFP_ZERO);
	KUNIT_EXPECT_NULL(test, memchr_inv(obj, 0, 64));
	kslab_return(plain, obj);
	migrate_enable();

	test_stats(zero, &st);
	KUNIT_EXPECT_EQ(test, 1, st.init_on_alloc);
	test_stats(plain, &st);
	KUNIT_EXPECT_EQ(test, want_init_on_alloc(GFP_KERNEL), st.init_on_alloc);
	kunit_info(test, "init_on_alloc: %u\n", st.init_on_alloc);
}

static void test_ctor_fill(void *obj)
{
	memset(obj, 0x3c, 32);
}

static void test_ctor(struct kunit *test)
{
	struct kslab_cache *cache;
	void *objs[20];
	unsigned int i;

	cache = kslab_cache_create("kunit-ctor", 32, 0, KSLAB_DEBUG,
				   test_ctor_fill, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	/* A constructor turns off poison and init_on_alloc, as in SLUB. */
	KUNIT_ASSERT_EQ(test, 20, kslab_rent_bulk(cache, GFP_KERNEL, 20, objs));
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_NULL(test, memchr_inv(objs[i], 0x3c, 32));
	kslab_return_bulk(cache, 20, objs);
	KUNIT_EXPECT_EQ(test, 0, test_stat(cache, KSLAB_CNT_DEBUG_ERROR));
	test_expect_idle(test, cache);
	kslab_cache_destroy(cache);
}

/* ---- debug mode ---- */

static void test_debug_double_foreign(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, KSLAB_DEBUG, 0);
	struct kslab_cache *other = test_cache(test, 64, 0, KSLAB_DEBUG, 0);
	void *obj, *theirs, *km;
	void *bulk[2];
	long local;

	obj = kslab_rent(cache, GFP_KERNEL);
	theirs = kslab_rent(other, GFP_KERNEL);
	km = kunit_kmalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_return(cache, km));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_return(cache, obj + 8));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_return(cache, theirs));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_return(cache, &local));
	KUNIT_EXPECT_EQ(test, 0, kslab_return(cache, obj));
	KUNIT_EXPECT_EQ(test, -EALREADY, kslab_return(cache, obj));
	KUNIT_EXPECT_EQ(test, 5, test_stat(cache, KSLAB_CNT_DEBUG_ERROR));

	/* Bulk: the good ones are taken back, the first error reported. */
	bulk[0] = kslab_rent(cache, GFP_KERNEL);
	bulk[1] = km;
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_return_bulk(cache, 2, bulk));
	KUNIT_EXPECT_EQ(test, 0, kslab_return(other, theirs));
	test_expect_idle(test, cache);
	test_expect_idle(test, other);
}

static void test_debug_write_after_return(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, KSLAB_DEBUG, 0);
	u8 *obj, *again;

	migrate_disable();
	obj = kslab_rent(cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, 0, kslab_return(cache, obj));
	obj[10] = 1;
	again = kslab_rent(cache, GFP_KERNEL);
	migrate_enable();
	KUNIT_EXPECT_PTR_EQ(test, obj, again);
	KUNIT_EXPECT_EQ(test, 1, test_stat(cache, KSLAB_CNT_DEBUG_ERROR));

	/* A write past the end hits the red zone, found on return. */
	again[64] = 0;
	KUNIT_EXPECT_EQ(test, 0, kslab_return(cache, again));
	KUNIT_EXPECT_EQ(test, 2, test_stat(cache, KSLAB_CNT_DEBUG_ERROR));
	obj = kslab_rent(cache, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, 0, kslab_return(cache, obj));
	KUNIT_EXPECT_EQ(test, 2, test_stat(cache, KSLAB_CNT_DEBUG_ERROR));
	test_expect_idle(test, cache);
}

/* ---- allocation failure ---- */

static void test_alloc_failure(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 128, 0, 0, 4);
	unsigned int n = 2 * cache->layout.objects, got;
	struct kslab_cache_stats st;
	void **objs;

	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	atomic_set(&kslab_fail_slabs, 1);
	KUNIT_EXPECT_NULL(test, kslab_rent(cache, GFP_KERNEL));
	test_stats(cache, &st);
	KUNIT_EXPECT_EQ(test, 1, st.counters[KSLAB_CNT_RENT_FAIL]);
	KUNIT_EXPECT_EQ(test, 0, st.counters[KSLAB_CNT_SLAB_ALLOC]);
	KUNIT_EXPECT_EQ(test, 0, st.pages);
	KUNIT_EXPECT_EQ(test, 0, st.active_objects);

	/* A bulk rent that runs out part way returns what it got. */
	objs[0] = kslab_rent(cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	atomic_set(&kslab_fail_slabs, 1);
	got = kslab_rent_bulk(cache, GFP_KERNEL, n - 1, objs + 1);
	KUNIT_EXPECT_LT(test, got, n - 1);
	KUNIT_EXPECT_GT(test, got, 0);
	test_stats(cache, &st);
	KUNIT_EXPECT_EQ(test, 2, st.counters[KSLAB_CNT_RENT_FAIL]);
	KUNIT_EXPECT_EQ(test, got + 1, st.active_objects);
	KUNIT_EXPECT_EQ(test, 1, st.slabs);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&kslab_fail_slabs));
	kslab_return_bulk(cache, got + 1, objs);
	test_expect_idle(test, cache);
}

/* ---- creation ---- */

static void test_create_rejects(struct kunit *test)
{
	char name[KSLAB_NAME_LEN + 1];

	memset(name, 'n', KSLAB_NAME_LEN);
	name[KSLAB_NAME_LEN] = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(kslab_cache_create("x", 4, 0, 0, NULL, 0)));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(kslab_cache_create("x", 64, 3, 0, NULL, 0)));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(kslab_cache_create("x", 64, 0, 1U << 31,
								  NULL, 0)));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(kslab_cache_create("", 64, 0, 0, NULL, 0)));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(kslab_cache_create(name, 64, 0, 0, NULL, 0)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(kslab_cache_create("x", 64, 0, 0, NULL,
						   KSLAB_MAGAZINE_MAX + 1)));
}

static struct kunit_case cache_test_cases[] = {
	KUNIT_CASE_SLOW(test_objects),
	KUNIT_CASE(test_random),
	KUNIT_CASE(test_magazine_paths),
	KUNIT_CASE(test_depot_full),
	KUNIT_CASE(test_shrink),
	KUNIT_CASE(test_shrinker),
	KUNIT_CASE(test_tune),
	KUNIT_CASE(test_locked),
	KUNIT_CASE(test_magazine_bytes),
	KUNIT_CASE(test_stale_magazines),
	KUNIT_CASE(test_zero),
	KUNIT_CASE(test_ctor),
	KUNIT_CASE(test_debug_double_foreign),
	KUNIT_CASE(test_debug_write_after_return),
	KUNIT_CASE(test_alloc_failure),
	KUNIT_CASE(test_create_rejects),
	{}
};

static struct kunit_suite cache_test_suite = {
	.name = "kslab_cache",
	.test_cases = cache_test_cases,
};

kunit_test_suite(cache_test_suite);
