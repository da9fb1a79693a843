// SPDX-License-Identifier: GPL-2.0
/*
 * The "kmalloc" peer: kmalloc() and kfree() of the object size (rounded
 * up to a power of two for a larger alignment), kfree_bulk() for bulk
 * returns and a counted loop for bulk rents. No debug mode (kmalloc's caches
 * are shared): it is not in KSLAB_BACKENDS_DEBUG, so the registry refuses.
 *
 * Contexts: create and destroy are for process context and may sleep;
 * rent may sleep when its gfp allows; return never sleeps.
 */
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "peer.h"
#include "direct.h"

/*
 * kmalloc() aligns to ARCH_KMALLOC_MINALIGN, and a power-of-two size to
 * itself: a larger alignment is had by rounding the size up.
 */
static int kslab_kmalloc_create(struct kslab_pool *pool,
				const struct kslab_pool_args *args)
{
	struct kslab_peer *peer;

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

static void kslab_kmalloc_return_bulk(struct kslab_pool *pool,
				      unsigned int nr, void **objs)
{
	kfree_bulk(nr, objs);
	kslab_peer_count_return(pool->priv, nr);
}

const struct kslab_backend_ops kslab_backend_kmalloc_ops = {
	.create = kslab_kmalloc_create,
	.destroy = kslab_peer_free,
	.rent = kslab_kmalloc_rent,
	.ret = kslab_kmalloc_ret,
	.rent_bulk = kslab_peer_rent_loop,
	.return_bulk = kslab_kmalloc_return_bulk,
	.stats = kslab_peer_stats,
};
