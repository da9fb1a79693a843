// SPDX-License-Identifier: GPL-2.0
/*
 * The peers kslab is measured against, behind the ops of backend.h:
 * SLUB's kmem_cache, kmalloc() and mempool_t over a kmem_cache (objpool
 * is in backend_objpool.c, built only where the kernel exports it).
 *
 * Each rents and returns with the kernel's own calls and nothing else but
 * a per-CPU counter, so a benchmark measures the allocator. Bulk calls use
 * the kernel's bulk API where one exists (kmem_cache_alloc_bulk(),
 * kmem_cache_free_bulk(), kfree_bulk()) and otherwise loop over the single
 * calls, counted in KSLAB_STAT_BULK_FALLBACK.
 *
 * Contexts: create, destroy and shrink are for process context and may
 * sleep; rent may sleep when its gfp allows (mempool's rent then waits for
 * a returned object rather than fail); return never sleeps.
 */
#include <linux/log2.h>
#include <linux/mempool.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "backend_peers.h"
#include "compat.h"

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
 * @stats: zeroed by the caller; the peer fields are filled in.
 *
 * Context: any; does not sleep. Concurrent rents make the sum approximate.
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
	stats->backend = pool->backend;
	stats->object_size = pool->object_size;
	stats->init_on_alloc = peer->init_on_alloc;
	stats->active_objects = sum.rent - sum.ret;
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

static struct kslab_peer *kslab_peer_new(struct kslab_pool *pool)
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

static void kslab_peer_free(struct kslab_pool *pool)
{
	kslab_peer_exit(pool->priv);
	kfree(pool->priv);
	pool->priv = NULL;
}

/*
 * "kslab-<name>", never merged, so that it has its own /proc/slabinfo row;
 * the whole object is a usercopy region for OBJ_READ/OBJ_WRITE.
 */
static int kslab_peer_cache_create(struct kslab_peer *peer,
				   const struct kslab_pool_args *args)
{
	char name[sizeof("kslab-") + KSLAB_NAME_MAX];
	slab_flags_t flags = SLAB_NO_MERGE;

	if (args->flags & KSLAB_CACHE_ACCOUNT)
		flags |= SLAB_ACCOUNT;
	if (args->flags & KSLAB_CACHE_DEBUG)
		flags |= SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
			 SLAB_POISON | SLAB_STORE_USER;
	snprintf(name, sizeof(name), "kslab-%s", args->name);
	peer->cache = kmem_cache_create_usercopy(name, args->object_size,
						 args->align, flags, 0,
						 args->object_size, NULL);
	return peer->cache ? 0 : -ENOMEM;
}

/* ================== kmem_cache ================== */

static int kslab_kmem_cache_create(struct kslab_pool *pool,
				   const struct kslab_pool_args *args)
{
	struct kslab_peer *peer = kslab_peer_new(pool);
	int ret;

	if (!peer)
		return -ENOMEM;
	ret = kslab_peer_cache_create(peer, args);
	if (ret) {
		kslab_peer_free(pool);
		return ret;
	}
	peer->init_on_alloc = want_init_on_alloc(GFP_KERNEL) || peer->gfp_zero;
	return 0;
}

static void kslab_kmem_cache_destroy(struct kslab_pool *pool)
{
	struct kslab_peer *peer = pool->priv;

	kmem_cache_destroy(peer->cache);
	kslab_peer_free(pool);
}

static void *kslab_kmem_cache_rent(struct kslab_pool *pool, gfp_t gfp)
{
	struct kslab_peer *peer = pool->priv;
	void *obj = kmem_cache_alloc(peer->cache, gfp | peer->gfp_zero);

	kslab_peer_count_rent(peer, !!obj);
	return obj;
}

static void kslab_kmem_cache_ret(struct kslab_pool *pool, void *obj)
{
	struct kslab_peer *peer = pool->priv;

	kmem_cache_free(peer->cache, obj);
	kslab_peer_count_return(peer, 1);
}

static unsigned int kslab_kmem_cache_rent_bulk(struct kslab_pool *pool,
					       gfp_t gfp, unsigned int nr,
					       void **objs)
{
	struct kslab_peer *peer = pool->priv;
	int got = kmem_cache_alloc_bulk(peer->cache, gfp | peer->gfp_zero,
					nr, objs);

	kslab_peer_count_rent(peer, got);
	return got;
}

static void kslab_kmem_cache_return_bulk(struct kslab_pool *pool,
					 unsigned int nr, void **objs)
{
	struct kslab_peer *peer = pool->priv;

	kmem_cache_free_bulk(peer->cache, nr, objs);
	kslab_peer_count_return(peer, nr);
}

/* kmem_cache_shrink() does not say how many pages it freed. */
static unsigned long kslab_kmem_cache_shrink(struct kslab_pool *pool)
{
	struct kslab_peer *peer = pool->priv;

	kmem_cache_shrink(peer->cache);
	return 0;
}

const struct kslab_backend_ops kslab_backend_kmem_cache_ops = {
	.name = "kmem_cache",
	.create = kslab_kmem_cache_create,
	.destroy = kslab_kmem_cache_destroy,
	.rent = kslab_kmem_cache_rent,
	.ret = kslab_kmem_cache_ret,
	.rent_bulk = kslab_kmem_cache_rent_bulk,
	.return_bulk = kslab_kmem_cache_return_bulk,
	.stats = kslab_peer_stats,
	.shrink = kslab_kmem_cache_shrink,
};

/* ================== kmalloc ================== */

/*
 * kmalloc() aligns to ARCH_KMALLOC_MINALIGN, and a power-of-two size to
 * itself: a larger alignment is had by rounding the size up.
 */
static int kslab_kmalloc_create(struct kslab_pool *pool,
				const struct kslab_pool_args *args)
{
	struct kslab_peer *peer;

	if (args->flags & KSLAB_CACHE_DEBUG)
		return -EOPNOTSUPP;
	peer = kslab_peer_new(pool);
	if (!peer)
		return -ENOMEM;
	peer->alloc_size = args->object_size;
	if (args->align > ARCH_KMALLOC_MINALIGN)
		peer->alloc_size = roundup_pow_of_two(max(args->object_size,
							  args->align));
	peer->init_on_alloc = want_init_on_alloc(GFP_KERNEL) || peer->gfp_zero;
	return 0;
}

static void *kslab_kmalloc_rent(struct kslab_pool *pool, gfp_t gfp)
{
	struct kslab_peer *peer = pool->priv;
	void *obj = kmalloc(peer->alloc_size, gfp | peer->gfp_zero);

	kslab_peer_count_rent(peer, !!obj);
	return obj;
}

static void kslab_kmalloc_ret(struct kslab_pool *pool, void *obj)
{
	kfree(obj);
	kslab_peer_count_return(pool->priv, 1);
}

static void kslab_kmalloc_return_bulk(struct kslab_pool *pool,
				      unsigned int nr, void **objs)
{
	kfree_bulk(nr, objs);
	kslab_peer_count_return(pool->priv, nr);
}

const struct kslab_backend_ops kslab_backend_kmalloc_ops = {
	.name = "kmalloc",
	.create = kslab_kmalloc_create,
	.destroy = kslab_peer_free,
	.rent = kslab_kmalloc_rent,
	.ret = kslab_kmalloc_ret,
	.rent_bulk = kslab_peer_rent_loop,
	.return_bulk = kslab_kmalloc_return_bulk,
	.stats = kslab_peer_stats,
};

/* ================== mempool ================== */

/*
 * A reserve of args->capacity objects over a "kslab-<name>" kmem_cache.
 * mempool does not zero (__GFP_ZERO is refused), and an object from the
 * reserve is not fresh: KSLAB_CACHE_ZERO is done here with memset().
 */
static int kslab_mempool_create(struct kslab_pool *pool,
				const struct kslab_pool_args *args)
{
	struct kslab_peer *peer = kslab_peer_new(pool);
	gfp_t gfp = args->flags & KSLAB_CACHE_ACCOUNT ? GFP_KERNEL_ACCOUNT :
							GFP_KERNEL;
	int ret;

	if (!peer)
		return -ENOMEM;
	ret = kslab_peer_cache_create(peer, args);
	if (ret)
		goto err_peer;
	peer->mempool = mempool_create_node(args->capacity, mempool_alloc_slab,
					    mempool_free_slab, peer->cache,
					    gfp, NUMA_NO_NODE);
	if (!peer->mempool) {
		ret = -ENOMEM;
		goto err_cache;
	}
	peer->init_on_alloc = !!peer->gfp_zero;
	return 0;

err_cache:
	kmem_cache_destroy(peer->cache);
err_peer:
	kslab_peer_free(pool);
	return ret;
}

static void kslab_mempool_destroy(struct kslab_pool *pool)
{
	struct kslab_peer *peer = pool->priv;

	mempool_destroy(peer->mempool);
	kmem_cache_destroy(peer->cache);
	kslab_peer_free(pool);
}

static void *kslab_mempool_rent(struct kslab_pool *pool, gfp_t gfp)
{
	struct kslab_peer *peer = pool->priv;
	void *obj = mempool_alloc(peer->mempool, gfp & ~__GFP_ZERO);

	if (obj && peer->gfp_zero)
		memset(obj, 0, pool->object_size);
	kslab_peer_count_rent(peer, !!obj);
	return obj;
}

static void kslab_mempool_ret(struct kslab_pool *pool, void *obj)
{
	struct kslab_peer *peer = pool->priv;

	mempool_free(obj, peer->mempool);
	kslab_peer_count_return(peer, 1);
}

const struct kslab_backend_ops kslab_backend_mempool_ops = {
	.name = "mempool",
	.create = kslab_mempool_create,
	.destroy = kslab_mempool_destroy,
	.rent = kslab_mempool_rent,
	.ret = kslab_mempool_ret,
	.rent_bulk = kslab_peer_rent_loop,
	.return_bulk = kslab_peer_return_loop,
	.stats = kslab_peer_stats,
	.shrink = kslab_kmem_cache_shrink,
};
