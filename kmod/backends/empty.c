// SPDX-License-Identifier: GPL-2.0
/*
 * The empty pool (KSLAB_POOL_EMPTY): rent hands out one zeroed buffer of
 * the object size again and again, return does nothing. A benchmark loop
 * over it measures the loop itself, which calls it as it calls every
 * backend: the floor under every other backend's figure. Not in the ABI; the benchmark alone
 * creates it.
 *
 * Contexts: create and destroy are for process context and may sleep;
 * rent and return never sleep.
 */
#include <linux/slab.h>

#include "backend.h"
#include "direct.h"

/* The buffer is charged to the caller, as every benchmark pool is. */
static int kslab_empty_create(struct kslab_pool *pool,
			      const struct kslab_pool_args *args)
{
	pool->priv = kzalloc(args->object_size, GFP_KERNEL_ACCOUNT);
	return pool->priv ? 0 : -ENOMEM;
}

static void kslab_empty_destroy(struct kslab_pool *pool)
{
	kfree(pool->priv);
}

static unsigned int kslab_empty_rent_bulk(struct kslab_pool *pool, gfp_t gfp,
					  unsigned int nr, void **objs)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		objs[i] = pool->priv;
	return nr;
}

static void kslab_empty_return_bulk(struct kslab_pool *pool, unsigned int nr,
				    void **objs)
{
}

/* Nothing is kept: every figure but the object size reads 0. */
static void kslab_empty_stats(struct kslab_pool *pool,
			      struct kslab_stats *stats)
{
}

const struct kslab_backend_ops kslab_backend_empty_ops = {
	.create = kslab_empty_create,
	.destroy = kslab_empty_destroy,
	.rent = kslab_empty_rent,
	.ret = kslab_empty_ret,
	.rent_bulk = kslab_empty_rent_bulk,
	.return_bulk = kslab_empty_return_bulk,
	.stats = kslab_empty_stats,
};
