/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every backend's single-object rent and return as static inlines. The ops
 * tables point at them (the compiler keeps one out-of-line copy each for
 * that), and the benchmark calls them directly, one loop per backend
 * (bench.c), so that no backend pays an indirect call and the empty pool's
 * row is the loop alone. The bulk ops stay behind the ops table: their
 * call is shared by a batch.
 *
 * Contexts: as each backend's ops (backend.h): rent may sleep when @gfp
 * allows it; return never sleeps.
 */
#ifndef _KSLAB_BACKENDS_DIRECT_H
#define _KSLAB_BACKENDS_DIRECT_H

#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/string.h>
#ifdef KSLAB_HAVE_OBJPOOL
#include <linux/objpool.h>
#endif

#include <kslab/kslab.h>

#include "backend.h"
#include "peer.h"

/* ---- kslab and kslab-locked: the public API's inline fast path ---- */

static __always_inline void *kslab_be_rent(struct kslab_pool *pool, gfp_t gfp)
{
	return kslab_rent(pool->priv, gfp);
}

/* A debug-mode error is reported and counted by the cache. */
static __always_inline void kslab_be_ret(struct kslab_pool *pool, void *obj)
{
	kslab_return(pool->priv, obj);
}

/* ---- kmem_cache ---- */

static __always_inline void *kslab_kmem_cache_rent(struct kslab_pool *pool, gfp_t gfp)
{
	struct kslab_peer *peer = pool->priv;
	void *obj = kmem_cache_alloc(peer->cache, gfp | peer->gfp_zero);

	kslab_peer_count_rent(peer, !!obj);
	return obj;
}

static __always_inline void kslab_kmem_cache_ret(struct kslab_pool *pool, void *obj)
{
	struct kslab_peer *peer = pool->priv;

	kmem_cache_free(peer->cache, obj);
	kslab_peer_count_return(peer, 1);
}

/* ---- kmalloc ---- */

static __always_inline void *kslab_kmalloc_rent(struct kslab_pool *pool, gfp_t gfp)
{
	struct kslab_peer *peer = pool->priv;
	void *obj = kmalloc(peer->alloc_size, gfp | peer->gfp_zero);

	kslab_peer_count_rent(peer, !!obj);
	return obj;
}

static __always_inline void kslab_kmalloc_ret(struct kslab_pool *pool, void *obj)
{
	kfree(obj);
	kslab_peer_count_return(pool->priv, 1);
}

/* ---- mempool ---- */

/*
 * Never waits for a return: with direct reclaim, mempool_alloc() sleeps
 * uninterruptibly until some object comes back once its reserve is used
 * up and the backing cache fails, and the only one who could return it
 * may be the caller. Without direct reclaim it tries the backing cache,
 * then the reserve, then gives up; the backing cache then gets the one
 * try with reclaim that the caller's gfp allows.
 */
static __always_inline void *kslab_mempool_rent(struct kslab_pool *pool, gfp_t gfp)
{
	struct kslab_peer *peer = pool->priv;
	gfp_t nowait = gfp & ~(__GFP_ZERO | __GFP_DIRECT_RECLAIM);
	void *obj = mempool_alloc(peer->mempool, nowait);

	if (!obj && gfpflags_allow_blocking(gfp))
		obj = kmem_cache_alloc(peer->cache, gfp & ~__GFP_ZERO);

	if (obj && peer->gfp_zero)
		memset(obj, 0, pool->object_size);
	kslab_peer_count_rent(peer, !!obj);
	return obj;
}

static __always_inline void kslab_mempool_ret(struct kslab_pool *pool, void *obj)
{
	struct kslab_peer *peer = pool->priv;

	mempool_free(obj, peer->mempool);
	kslab_peer_count_return(peer, 1);
}

/* ---- objpool (kernels whose lib/objpool.c is exported) ---- */

#ifdef KSLAB_HAVE_OBJPOOL
/**
 * struct kslab_objpool - &kslab_pool.priv of the objpool backend.
 * @peer: counters shared with the other peers; first, so that priv points
 *	at both.
 * @head: the objpool.
 * @capacity: objects it holds.
 */
struct kslab_objpool {
	struct kslab_peer peer;
	struct objpool_head head;
	unsigned int capacity;
};

static inline struct kslab_objpool *kslab_objpool(struct kslab_pool *pool)
{
	return container_of(pool->priv, struct kslab_objpool, peer);
}

static __always_inline void *kslab_objpool_rent(struct kslab_pool *pool, gfp_t gfp)
{
	struct kslab_objpool *op = kslab_objpool(pool);
	void *obj = objpool_pop(&op->head);

	if (obj && op->peer.gfp_zero)
		memset(obj, 0, pool->object_size);
	kslab_peer_count_rent(&op->peer, !!obj);
	return obj;
}

static __always_inline void kslab_objpool_ret(struct kslab_pool *pool, void *obj)
{
	struct kslab_objpool *op = kslab_objpool(pool);

	objpool_push(obj, &op->head);
	kslab_peer_count_return(&op->peer, 1);
}
#endif

/* ---- the empty pool: the loop alone ---- */

static __always_inline void *kslab_empty_rent(struct kslab_pool *pool, gfp_t gfp)
{
	return pool->priv;
}

static __always_inline void kslab_empty_ret(struct kslab_pool *pool, void *obj)
{
}

#endif /* _KSLAB_BACKENDS_DIRECT_H */
