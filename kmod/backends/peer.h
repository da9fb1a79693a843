/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the peer backends (kmem_cache, kmalloc, mempool, objpool) share:
 * per-CPU counters of rents, returns, failures and bulk fallbacks, kept
 * the same way for each so their STATS compare (peer.c).
 */
#ifndef _KSLAB_BACKENDS_PEER_H
#define _KSLAB_BACKENDS_PEER_H

#include <linux/percpu.h>

#include "backend.h"

struct kmem_cache;
struct mempool_s;

/**
 * struct kslab_peer_counters - one CPU's counters of a peer pool.
 * @rent: objects rented.
 * @ret: objects returned.
 * @rent_fail: rents that got no object.
 * @bulk_fallback: bulk calls done as a loop of single calls.
 */
struct kslab_peer_counters {
	u64 rent;
	u64 ret;
	u64 rent_fail;
	u64 bulk_fallback;
};

/**
 * struct kslab_peer - &kslab_pool.priv of a peer backend.
 * @counters: per-CPU counters.
 * @cache: the kmem_cache (kmem_cache and mempool backends).
 * @mempool: the mempool (mempool backend).
 * @alloc_size: bytes per kmalloc() (kmalloc backend).
 * @gfp_zero: __GFP_ZERO when the pool has KSLAB_CACHE_ZERO, else 0.
 * @init_on_alloc: every rent hands out a zeroed object (for the stats).
 */
struct kslab_peer {
	struct kslab_peer_counters __percpu *counters;
	struct kmem_cache *cache;
	struct mempool_s *mempool;
	size_t alloc_size;
	gfp_t gfp_zero;
	bool init_on_alloc;
};

int kslab_peer_init(struct kslab_peer *peer, struct kslab_pool *pool);
void kslab_peer_exit(struct kslab_peer *peer);
struct kslab_peer *kslab_peer_new(struct kslab_pool *pool);
void kslab_peer_free(struct kslab_pool *pool);
int kslab_peer_cache_create(struct kslab_peer *peer,
			    const struct kslab_pool_args *args);
void kslab_peer_stats(struct kslab_pool *pool, struct kslab_stats *stats);
unsigned long kslab_peer_shrink(struct kslab_pool *pool);
unsigned int kslab_peer_rent_loop(struct kslab_pool *pool, gfp_t gfp,
				  unsigned int nr, void **objs);
void kslab_peer_return_loop(struct kslab_pool *pool, unsigned int nr,
			    void **objs);

/**
 * kslab_peer_count_rent() - count a rent.
 * @peer: the pool's state.
 * @n: objects rented; 0 counts one failed rent.
 *
 * Context: any; does not sleep.
 */
static inline void kslab_peer_count_rent(struct kslab_peer *peer,
					 unsigned int n)
{
	if (likely(n))
		this_cpu_add(peer->counters->rent, n);
	else
		this_cpu_inc(peer->counters->rent_fail);
}

/**
 * kslab_peer_count_return() - count returned objects.
 * @peer: the pool's state.
 * @n: objects returned.
 *
 * Context: any; does not sleep.
 */
static inline void kslab_peer_count_return(struct kslab_peer *peer,
					   unsigned int n)
{
	this_cpu_add(peer->counters->ret, n);
}

/**
 * kslab_peer_count_fallback() - count a bulk call done as a loop.
 * @peer: the pool's state.
 *
 * Context: any; does not sleep.
 */
static inline void kslab_peer_count_fallback(struct kslab_peer *peer)
{
	this_cpu_inc(peer->counters->bulk_fallback);
}

#endif /* _KSLAB_BACKENDS_PEER_H */
