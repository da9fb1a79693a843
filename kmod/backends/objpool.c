// SPDX-License-Identifier: GPL-2.0
/*
 * The objpool peer: lib/objpool.c, per-CPU rings of preallocated objects,
 * with interrupts saved and restored on every pop and push. The pool has
 * a fixed capacity (args->capacity objects, allocated at create); a rent
 * from an empty pool fails. Objects are aligned to sizeof(long) only (a
 * larger alignment is -EOPNOTSUPP), and there is no debug mode (not in
 * KSLAB_BACKENDS_DEBUG: the registry refuses it).
 *
 * Built only when the target kernel exports objpool_init() (kmod/Kbuild
 * reads its Module.symvers); elsewhere the registry has no objpool entry
 * and the backend is -EOPNOTSUPP.
 *
 * Contexts: create and destroy are for process context and may sleep;
 * rent and return never sleep.
 */
#include <linux/objpool.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "peer.h"
#include "direct.h"

static int kslab_objpool_create(struct kslab_pool *pool,
				const struct kslab_pool_args *args)
{
	gfp_t gfp = args->flags & KSLAB_CACHE_ACCOUNT ? GFP_KERNEL_ACCOUNT :
							GFP_KERNEL;
	struct kslab_objpool *op;
	int ret;

	if (args->align > sizeof(long))
		return -EOPNOTSUPP;
	op = kzalloc(sizeof(*op), GFP_KERNEL);
	if (!op)
		return -ENOMEM;
	ret = kslab_peer_init(&op->peer, pool);
	if (ret)
		goto err_free;
	ret = objpool_init(&op->head, args->capacity, args->object_size, gfp,
			   NULL, NULL, NULL);
	if (ret)
		goto err_peer;
	op->capacity = args->capacity;
	op->peer.init_on_alloc = !!op->peer.gfp_zero;
	pool->priv = &op->peer;
	return 0;

err_peer:
	kslab_peer_exit(&op->peer);
err_free:
	kfree(op);
	return ret;
}

static void kslab_objpool_destroy(struct kslab_pool *pool)
{
	struct kslab_objpool *op = kslab_objpool(pool);

	objpool_fini(&op->head);
	kslab_peer_exit(&op->peer);
	kfree(op);
	pool->priv = NULL;
}

static void kslab_objpool_stats(struct kslab_pool *pool,
				struct kslab_stats *stats)
{
	kslab_peer_stats(pool, stats);
	stats->total_objects = kslab_objpool(pool)->capacity;
}

const struct kslab_backend_ops kslab_backend_objpool_ops = {
	.create = kslab_objpool_create,
	.destroy = kslab_objpool_destroy,
	.rent = kslab_objpool_rent,
	.ret = kslab_objpool_ret,
	.rent_bulk = kslab_peer_rent_loop,
	.return_bulk = kslab_peer_return_loop,
	.stats = kslab_objpool_stats,
};
