// SPDX-License-Identifier: GPL-2.0
/*
 * The "kmem_cache" peer: SLUB's kmem_cache, one "kslab-<name>" cache per
 * pool (SLAB_NO_MERGE), with its bulk API (kmem_cache_alloc_bulk(),
 * kmem_cache_free_bulk()) and SLUB's debug flags for KSLAB_CACHE_DEBUG.
 *
 * Contexts: create, destroy and shrink are for process context and may
 * sleep; rent may sleep when its gfp allows; return never sleeps.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "peer.h"
#include "direct.h"

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

const struct kslab_backend_ops kslab_backend_kmem_cache_ops = {
	.create = kslab_kmem_cache_create,
	.destroy = kslab_kmem_cache_destroy,
	.rent = kslab_kmem_cache_rent,
	.ret = kslab_kmem_cache_ret,
	.rent_bulk = kslab_kmem_cache_rent_bulk,
	.return_bulk = kslab_kmem_cache_return_bulk,
	.stats = kslab_peer_stats,
	.shrink = kslab_peer_shrink,
};
