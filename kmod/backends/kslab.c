// SPDX-License-Identifier: GPL-2.0
/*
 * The "kslab" backend: a kslab cache (per-CPU magazines, depot, slabs)
 * behind the ops of backend.h, through <kslab/kslab.h> alone, as any other
 * module would use it. Also the translation that kslab-locked shares: the
 * ABI's KSLAB_CACHE_* flags to the core's KSLAB_* flags, and the core's
 * &struct kslab_cache_stats to the ABI's &struct kslab_stats.
 *
 * Contexts: the ops run in task context (the device and the benchmark
 * call them); rent may sleep when gfp allows.
 */
#include <linux/err.h>
#include <linux/string.h>

#include <kslab/kslab.h>

#include "kslab.h"
#include "direct.h"

/* ================== ABI <-> core ================== */

static_assert(KSLAB_NAME_MAX == KSLAB_NAME_LEN);
static_assert(KSLAB_OBJECT_SIZE_MIN == KSLAB_SIZE_MIN);
static_assert(KSLAB_OBJECT_SIZE_MAX == KSLAB_SIZE_MAX);
static_assert(KSLAB_CAPACITY_MAX <= KSLAB_LOCKED_MAX);
static_assert(KSLAB_MAGAZINE_SIZE_MAX == KSLAB_MAGAZINE_MAX);

/* The core counter behind each ABI counter (bulk_fallback has none). */
static const u8 kslab_be_counter[KSLAB_CNT_NR] = {
	[KSLAB_CNT_RENT] = KSLAB_STAT_RENT,
	[KSLAB_CNT_RETURN] = KSLAB_STAT_RETURN,
	[KSLAB_CNT_RENT_LOADED] = KSLAB_STAT_RENT_LOADED,
	[KSLAB_CNT_RENT_PREVIOUS] = KSLAB_STAT_RENT_PREVIOUS,
	[KSLAB_CNT_RENT_DEPOT] = KSLAB_STAT_RENT_DEPOT,
	[KSLAB_CNT_RENT_SLAB] = KSLAB_STAT_RENT_SLAB,
	[KSLAB_CNT_RETURN_LOADED] = KSLAB_STAT_RETURN_LOADED,
	[KSLAB_CNT_RETURN_PREVIOUS] = KSLAB_STAT_RETURN_PREVIOUS,
	[KSLAB_CNT_RETURN_DEPOT] = KSLAB_STAT_RETURN_DEPOT,
	[KSLAB_CNT_RETURN_SLAB] = KSLAB_STAT_RETURN_SLAB,
	[KSLAB_CNT_RETURN_REMOTE] = KSLAB_STAT_RETURN_REMOTE,
	[KSLAB_CNT_DEPOT_CONTENDED] = KSLAB_STAT_DEPOT_CONTENDED,
	[KSLAB_CNT_MAGAZINE_RESIZE] = KSLAB_STAT_MAGAZINE_RESIZE,
	[KSLAB_CNT_SLAB_ALLOC] = KSLAB_STAT_SLAB_ALLOC,
	[KSLAB_CNT_SLAB_FREE] = KSLAB_STAT_SLAB_FREE,
	[KSLAB_CNT_PAGES_ALLOC] = KSLAB_STAT_PAGES_ALLOC,
	[KSLAB_CNT_PAGES_FREE] = KSLAB_STAT_PAGES_FREE,
	[KSLAB_CNT_RENT_FAIL] = KSLAB_STAT_RENT_FAIL,
	[KSLAB_CNT_SHRINK] = KSLAB_STAT_SHRINK,
	[KSLAB_CNT_DEBUG_ERROR] = KSLAB_STAT_DEBUG_ERROR,
};

static_assert(KSLAB_CNT_NR + 1 == KSLAB_STAT_NR);

/* The core flags of the ABI's cache flags. */
static unsigned int kslab_be_flags(unsigned int abi_flags)
{
	unsigned int flags = 0;

	if (abi_flags & KSLAB_CACHE_DEBUG)
		flags |= KSLAB_DEBUG;
	if (abi_flags & KSLAB_CACHE_ZERO)
		flags |= KSLAB_ZERO;
	if (abi_flags & KSLAB_CACHE_ACCOUNT)
		flags |= KSLAB_ACCOUNT;
	return flags;
}

/**
 * kslab_be_cache_create() - create the kslab cache of a pool.
 * @pool: the pool; its priv becomes the cache.
 * @args: the pool's arguments (ABI flags).
 * @flags: core flags added to those of @args->flags.
 * @magazine_size: as for kslab_cache_create().
 *
 * Context: process context; sleeps.
 * Return: 0, or what kslab_cache_create() failed with.
 */
int kslab_be_cache_create(struct kslab_pool *pool,
			  const struct kslab_pool_args *args,
			  unsigned int flags, unsigned int magazine_size)
{
	struct kslab_cache *cache;

	cache = kslab_cache_create(args->name, args->object_size, args->align,
				   kslab_be_flags(args->flags) | flags, NULL,
				   magazine_size);
	if (IS_ERR(cache))
		return PTR_ERR(cache);
	pool->priv = cache;
	return 0;
}

/**
 * kslab_be_cache_stats() - the core's stats of a pool's cache, in the
 *	ABI's struct.
 * @pool: a pool whose priv is a kslab cache.
 * @stats: as kslab_pool_stats() prepared it.
 *
 * Context: process context; does not sleep.
 */
void kslab_be_cache_stats(struct kslab_pool *pool, struct kslab_stats *stats)
{
	struct kslab_cache_stats st;
	unsigned int i;

	kslab_cache_stats(pool->priv, &st);
	stats->stride = st.stride;
	stats->objects_per_slab = st.objects_per_slab;
	stats->order = st.order;
	stats->magazine_size = st.magazine_size;
	stats->init_on_alloc = st.init_on_alloc;
	stats->active_objects = st.active_objects;
	stats->total_objects = st.total_objects;
	stats->slabs = st.slabs;
	stats->pages = st.pages;
	for (i = 0; i < KSLAB_CNT_NR; i++)
		stats->counters[kslab_be_counter[i]] = st.counters[i];
}

/* ================== kslab ================== */

/*
 * The ops below after create are kslab-locked's too (kslab.h): both
 * backends are a kslab cache behind the public API.
 */

static int kslab_be_create(struct kslab_pool *pool,
			   const struct kslab_pool_args *args)
{
	return kslab_be_cache_create(pool, args, 0, args->magazine_size);
}

/**
 * kslab_be_destroy() - the destroy op of both kslab backends.
 * @pool: the pool; every object has been returned.
 *
 * Context: process context; sleeps.
 */
void kslab_be_destroy(struct kslab_pool *pool)
{
	kslab_cache_destroy(pool->priv);
}

/**
 * kslab_be_rent_bulk() - the rent_bulk op of both kslab backends.
 * @pool: the pool.
 * @gfp: as for kslab_rent().
 * @nr: objects wanted.
 * @objs: where they go.
 *
 * Context: task context; may sleep when @gfp allows it.
 * Return: objects rented, 0..@nr.
 */
unsigned int kslab_be_rent_bulk(struct kslab_pool *pool, gfp_t gfp,
				unsigned int nr, void **objs)
{
	return kslab_rent_bulk(pool->priv, gfp, nr, objs);
}

/**
 * kslab_be_return_bulk() - the return_bulk op of both kslab backends.
 * @pool: the pool.
 * @nr: how many.
 * @objs: the objects.
 *
 * Context: task context; does not sleep.
 */
void kslab_be_return_bulk(struct kslab_pool *pool, unsigned int nr,
			  void **objs)
{
	kslab_return_bulk(pool->priv, nr, objs);
}

/**
 * kslab_be_shrink() - the shrink op of both kslab backends.
 * @pool: the pool.
 *
 * Context: process context; sleeps.
 * Return: pages given back.
 */
unsigned long kslab_be_shrink(struct kslab_pool *pool)
{
	return kslab_cache_shrink(pool->priv);
}

static int kslab_be_tune(struct kslab_pool *pool, unsigned int magazine_size)
{
	return kslab_cache_tune(pool->priv, magazine_size);
}

const struct kslab_backend_ops kslab_backend_kslab_ops = {
	.create = kslab_be_create,
	.destroy = kslab_be_destroy,
	.rent = kslab_be_rent,
	.ret = kslab_be_ret,
	.rent_bulk = kslab_be_rent_bulk,
	.return_bulk = kslab_be_return_bulk,
	.stats = kslab_be_cache_stats,
	.shrink = kslab_be_shrink,
	.tune = kslab_be_tune,
};
