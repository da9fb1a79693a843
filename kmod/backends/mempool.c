// SPDX-License-Identifier: GPL-2.0
/*
 * The "mempool" peer: mempool_t with a reserve of args->capacity objects
 * over a "kslab-<name>" kmem_cache; bulk calls loop (counted).
 *
 * Contexts: create, destroy and shrink are for process context and may
 * sleep; rent may sleep in reclaim when its gfp allows, but never waits
 * for another object to be returned (it fails instead); return never
 * sleeps.
 */
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "peer.h"
#include "direct.h"

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

const struct kslab_backend_ops kslab_backend_mempool_ops = {
	.create = kslab_mempool_create,
	.destroy = kslab_mempool_destroy,
	.rent = kslab_mempool_rent,
	.ret = kslab_mempool_ret,
	.rent_bulk = kslab_peer_rent_loop,
	.return_bulk = kslab_peer_return_loop,
	.stats = kslab_peer_stats,
	.shrink = kslab_peer_shrink,
};
