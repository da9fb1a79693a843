// SPDX-License-Identifier: GPL-2.0
/*
 * What the peers kslab is measured against share (kmem_cache.c, kmalloc.c,
 * mempool.c, objpool.c): per-CPU counters, their stats op, the loops of a
 * peer without a bulk API, and the "kslab-<name>" kmem_cache that the
 * kmem_cache and mempool backends sit on.
 *
 * Each peer rents and returns with the kernel's own calls and nothing else
 * but a per-CPU counter, so a benchmark measures the allocator. Bulk calls
 * use the kernel's bulk API where one exists and otherwise loop over the
 * single calls, counted in KSLAB_STAT_BULK_FALLBACK.
 */
#include <linux/log2.h>
#include <linux/mempool.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../compat.h"
#include "peer.h"

/* ================== Shared ================== */

/**
 * kslab_peer_init() - set up the counters of a peer pool.
 * @peer: the state to set up, zeroed by the caller.
 * @pool: its pool; gives the flags.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kslab_peer_init(struct kslab_peer *peer, struct kslab_pool *pool)
{
	gfp_t gfp = pool->flags & KSLAB_CACHE_ACCOUNT ? GFP_KERNEL_ACCOUNT :
							GFP_KERNEL;

	peer->counters = alloc_percpu_gfp(struct kslab_peer_counters, gfp);
	if (!peer->counters)
		return -ENOMEM;
	peer->gfp_zero = pool->flags & KSLAB_CACHE_ZERO ? __GFP_ZERO : 0;
	return 0;
}

/**
 * kslab_peer_exit() - free what kslab_peer_init() set up.
 * @peer: the state.
 *
 * Context: process context; may sleep.
 */
void kslab_peer_exit(struct kslab_peer *peer)
{
	free_percpu(peer->counters);
}

/**
 * kslab_peer_stats() - the stats op of the peers: counters summed over the
 *	CPUs, and the objects rented out now.
 * @pool: the pool.
 * @stats: as kslab_pool_stats() prepared it; the peer fields are filled in.
 *
 * Context: any; does not sleep. Concurrent rents and returns make the sums
 * approximate; active_objects never reads below 0.
 */
void kslab_peer_stats(struct kslab_pool *pool, struct kslab_stats *stats)
{
	struct kslab_peer *peer = pool->priv;
	struct kslab_peer_counters sum = {};
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kslab_peer_counters *c = per_cpu_ptr(peer->counters, cpu);

		sum.rent += READ_ONCE(c->rent);
		sum.ret += READ_ONCE(c->ret);
		sum.rent_fail += READ_ONCE(c->rent_fail);
		sum.bulk_fallback += READ_ONCE(c->bulk_fallback);
	}
	stats->init_on_alloc = peer->init_on_alloc;
	/* A return summed before its rent (on another CPU) reads as 0. */
	stats->active_objects = sum.rent > sum.ret ? sum.rent - sum.ret : 0;
	stats->counters[KSLAB_STAT_RENT] = sum.rent;
	stats->counters[KSLAB_STAT_RETURN] = sum.ret;
	stats->counters[KSLAB_STAT_RENT_FAIL] = sum.rent_fail;
	stats->counters[KSLAB_STAT_BULK_FALLBACK] = sum.bulk_fallback;
}

/**
 * kslab_peer_rent_loop() - the rent_bulk op of a peer without a bulk API.
 * @pool: the pool.
 * @gfp: allocation flags.
 * @nr: objects wanted.
 * @objs: where to put them.
 *
 * Context: as the pool's rent op.
 * Return: objects rented, 0..@nr; stops at the first failure.
 */
unsigned int kslab_peer_rent_loop(struct kslab_pool *pool, gfp_t gfp,
				  unsigned int nr, void **objs)
{
	unsigned int i;

	kslab_peer_count_fallback(pool->priv);
	for (i = 0; i < nr; i++) {
		objs[i] = pool->ops->rent(pool, gfp);
		if (!objs[i])
			break;
	}
	return i;
}

/**
 * kslab_peer_return_loop() - the return_bulk op of a peer without a bulk
 *	API.
 * @pool: the pool.
 * @nr: objects to return.
 * @objs: the objects.
 *
 * Context: as the pool's return op; does not sleep.
 */
void kslab_peer_return_loop(struct kslab_pool *pool, unsigned int nr,
			    void **objs)
{
	unsigned int i;

	kslab_peer_count_fallback(pool->priv);
	for (i = 0; i < nr; i++)
		pool->ops->ret(pool, objs[i]);
}

/**
 * kslab_peer_new() - allocate and set up the state of a peer pool.
 * @pool: the pool; its priv becomes the state.
 *
 * Context: process context; may sleep.
 * Return: the state, or NULL when out of memory.
 */
struct kslab_peer *kslab_peer_new(struct kslab_pool *pool)
{
	struct kslab_peer *peer = kzalloc(sizeof(*peer), GFP_KERNEL);

	if (!peer)
		return NULL;
	if (kslab_peer_init(peer, pool)) {
		kfree(peer);
		return NULL;
	}
	pool->priv = peer;
	return peer;
}

/**
 * kslab_peer_free() - free the state of a peer pool (the destroy op of a
 *	peer that holds nothing else).
 * @pool: the pool.
 *
 * Context: process context; may sleep.
 */
void kslab_peer_free(struct kslab_pool *pool)
{
	kslab_peer_exit(pool->priv);
	kfree(pool->priv);
	pool->priv = NULL;
}

/**
 * kslab_peer_cache_create() - the kmem_cache of a kmem_cache or mempool
 *	pool: "kslab-<name>", never merged, so that it has its own
 *	/proc/slabinfo row; the whole object is a usercopy region for
 *	OBJ_READ/OBJ_WRITE.
 * @peer: the pool's state; its cache is set.
 * @args: the pool's arguments.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kslab_peer_cache_create(struct kslab_peer *peer,
			    const struct kslab_pool_args *args)
{
	char name[sizeof(KSLAB_SLABINFO_PREFIX) + KSLAB_NAME_MAX];
	slab_flags_t flags = SLAB_NO_MERGE;

	if (args->flags & KSLAB_CACHE_ACCOUNT)
		flags |= SLAB_ACCOUNT;
	if (args->flags & KSLAB_CACHE_DEBUG)
		flags |= SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
			 SLAB_POISON | SLAB_STORE_USER;
	snprintf(name, sizeof(name), KSLAB_SLABINFO_PREFIX "%s", args->name);
	peer->cache = kmem_cache_create_usercopy(name, args->object_size,
						 args->align, flags, 0,
						 args->object_size, NULL);
	return peer->cache ? 0 : -ENOMEM;
}

/**
 * kslab_peer_shrink() - the shrink op of a peer over a kmem_cache.
 * @pool: the pool.
 *
 * Context: process context; may sleep.
 * Return: 0: kmem_cache_shrink() does not say how many pages it freed.
 */
unsigned long kslab_peer_shrink(struct kslab_pool *pool)
{
	struct kslab_peer *peer = pool->priv;

	kmem_cache_shrink(peer->cache);
	return 0;
}
