// SPDX-License-Identifier: GPL-2.0
/*
 * The "kslab-locked" backend: the naive pool of the seed experiments, kept
 * as a control. It is a kslab cache created with KSLAB_LOCKED: one
 * spinlock-guarded magazine of args->capacity objects shared by every CPU,
 * in front of the same slab layer as "kslab" (same pages, same zeroing and
 * debug checks), so that comparing the two measures the per-CPU layer
 * alone. Uses <kslab/kslab.h> alone.
 *
 * Contexts: the ops run in task context (the device and the benchmark
 * call them); rent may sleep when gfp allows.
 */

#include <kslab/kslab.h>

#include "kslab.h"
#include "direct.h"

static int kslab_locked_create(struct kslab_pool *pool,
			       const struct kslab_pool_args *args)
{
	return kslab_be_cache_create(pool, args, KSLAB_LOCKED, args->capacity);
}

/* The shared magazine is no per-CPU magazine: the ABI shows size 0. */
static void kslab_locked_stats(struct kslab_pool *pool,
			       struct kslab_stats *stats)
{
	kslab_be_cache_stats(pool, stats);
	stats->magazine_size = 0;
}

const struct kslab_backend_ops kslab_backend_locked_ops = {
	.create = kslab_locked_create,
	.destroy = kslab_be_destroy,
	.rent = kslab_be_rent,
	.ret = kslab_be_ret,
	.rent_bulk = kslab_be_rent_bulk,
	.return_bulk = kslab_be_return_bulk,
	.stats = kslab_locked_stats,
	.shrink = kslab_be_shrink,
};
