// SPDX-License-Identifier: GPL-2.0
/*
 * The kslab backends behind kmod/backend.h:
 * - "kslab": a kslab cache, per-CPU magazines and depot;
 * - "kslab-locked": the naive pool of the seed experiments, kept as a
 *   control: one spinlock-protected free stack in front of the same slab
 *   layer (same pages, same zeroing and debug checks), so that comparing
 *   the two measures the per-CPU layer alone.
 *
 * Contexts: as kslab.h: task context only; rent may sleep when gfp allows.
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <kunit/visibility.h>

#include "backend.h"
#include "kslab_internal.h"

/* Free stack of a kslab-locked pool when args->capacity is 0. */
#define KSLAB_LOCKED_DEFAULT_CAPACITY	1024U

static struct kslab_cache *kslab_be_cache_create(const struct kslab_pool_args *args,
						 unsigned int magazine_size)
{
	return kslab_cache_create(args->name, args->object_size, args->align,
				  args->flags, NULL, magazine_size);
}

/* ---- kslab ---- */

static int kslab_be_create(struct kslab_pool *pool,
			   const struct kslab_pool_args *args)
{
	struct kslab_cache *cache = kslab_be_cache_create(args,
							  args->magazine_size);

	if (IS_ERR(cache))
		return PTR_ERR(cache);
	pool->priv = cache;
	return 0;
}

static void kslab_be_destroy(struct kslab_pool *pool)
{
	kslab_cache_destroy(pool->priv);
}

static void *kslab_be_rent(struct kslab_pool *pool, gfp_t gfp)
{
	return kslab_rent(pool->priv, gfp);
}

static void kslab_be_return(struct kslab_pool *pool, void *obj)
{
	/* A debug-mode error is reported and counted by the cache. */
	kslab_return(pool->priv, obj);
}

static unsigned int kslab_be_rent_bulk(struct kslab_pool *pool, gfp_t gfp,
				       unsigned int nr, void **objs)
{
	return kslab_rent_bulk(pool->priv, gfp, nr, objs);
}

static void kslab_be_return_bulk(struct kslab_pool *pool, unsigned int nr,
				 void **objs)
{
	kslab_return_bulk(pool->priv, nr, objs);
}

static void kslab_be_stats(struct kslab_pool *pool, struct kslab_stats *stats)
{
	kslab_cache_stats(pool->priv, stats);
}

static unsigned long kslab_be_shrink(struct kslab_pool *pool)
{
	return kslab_cache_shrink(pool->priv);
}

static int kslab_be_tune(struct kslab_pool *pool, unsigned int magazine_size)
{
	return kslab_cache_tune(pool->priv, magazine_size);
}

const struct kslab_backend_ops kslab_backend_kslab_ops = {
	.name = "kslab",
	.create = kslab_be_create,
	.destroy = kslab_be_destroy,
	.rent = kslab_be_rent,
	.ret = kslab_be_return,
	.rent_bulk = kslab_be_rent_bulk,
	.return_bulk = kslab_be_return_bulk,
	.stats = kslab_be_stats,
	.shrink = kslab_be_shrink,
	.tune = kslab_be_tune,
};
EXPORT_SYMBOL_IF_KUNIT(kslab_backend_kslab_ops);

/* ---- kslab-locked ---- */

/**
 * struct kslab_locked - the naive pool.
 * @lock: guards @nr and @stack (plain spin_lock, task context).
 * @nr: objects on @stack.
 * @capacity: size of @stack; returns beyond it go to the slabs.
 * @cache: the slab layer below (its magazines are never used).
 * @stack: free objects.
 */
struct kslab_locked {
	spinlock_t lock;		/* see the kernel-doc above */
	unsigned int nr;
	unsigned int capacity;
	struct kslab_cache *cache;
	void **stack;
};

static int kslab_locked_create(struct kslab_pool *pool,
			       const struct kslab_pool_args *args)
{
	struct kslab_locked *lp;

	lp = kzalloc(sizeof(*lp), GFP_KERNEL);
	if (!lp)
		return -ENOMEM;
	spin_lock_init(&lp->lock);
	lp->capacity = args->capacity ?: KSLAB_LOCKED_DEFAULT_CAPACITY;
	lp->stack = kvmalloc_array(lp->capacity, sizeof(void *), GFP_KERNEL);
	lp->cache = kslab_be_cache_create(args, 1);
	if (!lp->stack || IS_ERR(lp->cache)) {
		int err = IS_ERR(lp->cache) ? PTR_ERR(lp->cache) : -ENOMEM;

		kslab_cache_destroy(lp->cache);
		kvfree(lp->stack);
		kfree(lp);
		return err;
	}
	pool->priv = lp;
	return 0;
}

/* Give the whole free stack back to the slabs. */
static void kslab_locked_flush(struct kslab_locked *lp)
{
	spin_lock(&lp->lock);
	kslab_slab_free_bulk(lp->cache, lp->nr, lp->stack);
	lp->nr = 0;
	spin_unlock(&lp->lock);
}

static void kslab_locked_destroy(struct kslab_pool *pool)
{
	struct kslab_locked *lp = pool->priv;

	kslab_locked_flush(lp);
	kslab_cache_destroy(lp->cache);
	kvfree(lp->stack);
	kfree(lp);
}

static void *kslab_locked_rent(struct kslab_pool *pool, gfp_t gfp)
{
	struct kslab_locked *lp = pool->priv;
	void *obj = NULL;

	might_alloc(gfp);
	spin_lock(&lp->lock);
	if (lp->nr)
		obj = lp->stack[--lp->nr];
	spin_unlock(&lp->lock);
	if (obj) {
		kslab_stat_add(lp->cache, KSLAB_STAT_RENT_DEPOT, 1);
	} else if (kslab_slab_alloc(lp->cache, gfp, 1, &obj)) {
		kslab_stat_add(lp->cache, KSLAB_STAT_RENT_SLAB, 1);
	} else {
		kslab_stat_add(lp->cache, KSLAB_STAT_RENT_FAIL, 1);
		return NULL;
	}
	return kslab_rent_finish(lp->cache, obj, gfp);
}

static void kslab_locked_return(struct kslab_pool *pool, void *obj)
{
	struct kslab_locked *lp = pool->priv;
	bool kept = false;

	if (unlikely(lp->cache->flags & KSLAB_CACHE_DEBUG) &&
	    kslab_debug_return(lp->cache, obj))
		return;
	spin_lock(&lp->lock);
	if (lp->nr < lp->capacity) {
		lp->stack[lp->nr++] = obj;
		kept = true;
	}
	spin_unlock(&lp->lock);
	if (kept) {
		kslab_stat_add(lp->cache, KSLAB_STAT_RETURN_DEPOT, 1);
	} else {
		kslab_slab_free_bulk(lp->cache, 1, &obj);
		kslab_stat_add(lp->cache, KSLAB_STAT_RETURN_SLAB, 1);
	}
}

static unsigned int kslab_locked_rent_bulk(struct kslab_pool *pool, gfp_t gfp,
					   unsigned int nr, void **objs)
{
	struct kslab_locked *lp = pool->priv;
	unsigned int i;

	kslab_stat_add(lp->cache, KSLAB_STAT_BULK_FALLBACK, 1);
	for (i = 0; i < nr; i++) {
		objs[i] = kslab_locked_rent(pool, gfp);
		if (!objs[i])
			break;
	}
	return i;
}

static void kslab_locked_return_bulk(struct kslab_pool *pool, unsigned int nr,
				     void **objs)
{
	struct kslab_locked *lp = pool->priv;
	unsigned int i;

	kslab_stat_add(lp->cache, KSLAB_STAT_BULK_FALLBACK, 1);
	for (i = 0; i < nr; i++)
		kslab_locked_return(pool, objs[i]);
}

static void kslab_locked_stats(struct kslab_pool *pool,
			       struct kslab_stats *stats)
{
	struct kslab_locked *lp = pool->priv;

	kslab_cache_stats(lp->cache, stats);
	stats->magazine_size = 0;
}

static unsigned long kslab_locked_shrink(struct kslab_pool *pool)
{
	struct kslab_locked *lp = pool->priv;

	kslab_locked_flush(lp);
	return kslab_cache_shrink(lp->cache);
}

const struct kslab_backend_ops kslab_backend_locked_ops = {
	.name = "kslab-locked",
	.create = kslab_locked_create,
	.destroy = kslab_locked_destroy,
	.rent = kslab_locked_rent,
	.ret = kslab_locked_return,
	.rent_bulk = kslab_locked_rent_bulk,
	.return_bulk = kslab_locked_return_bulk,
	.stats = kslab_locked_stats,
	.shrink = kslab_locked_shrink,
};
EXPORT_SYMBOL_IF_KUNIT(kslab_backend_locked_ops);
