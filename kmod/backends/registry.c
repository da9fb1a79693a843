// SPDX-License-Identifier: GPL-2.0
/*
 * The backend registry: every pool, whoever creates it (a /dev/kslab
 * session, the benchmark, a KUnit suite), is created and destroyed here,
 * so the checks all backends need are written once: the arguments first
 * (-EINVAL), then whether the backend exists on this kernel (-EOPNOTSUPP),
 * then whether the name is free (-EEXIST), and only then the backend's own
 * create.
 */
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "backend.h"

/* ================== Registry ================== */

/*
 * Only the backends linked into this module have an entry: objpool only
 * when the kernel exports lib/objpool.c (kmod/Kbuild decides).
 */
static const struct kslab_backend_ops *const kslab_backends[KSLAB_POOL_NR] = {
	[KSLAB_BACKEND_KSLAB] = &kslab_backend_kslab_ops,
	[KSLAB_BACKEND_LOCKED] = &kslab_backend_locked_ops,
	[KSLAB_BACKEND_KMEM_CACHE] = &kslab_backend_kmem_cache_ops,
	[KSLAB_BACKEND_KMALLOC] = &kslab_backend_kmalloc_ops,
	[KSLAB_BACKEND_MEMPOOL] = &kslab_backend_mempool_ops,
#ifdef KSLAB_HAVE_OBJPOOL
	[KSLAB_BACKEND_OBJPOOL] = &kslab_backend_objpool_ops,
#endif
	[KSLAB_POOL_EMPTY] = &kslab_backend_empty_ops,
};

/* The ops of @backend, or NULL when it is unknown or not built here. */
static const struct kslab_backend_ops *kslab_backend_get(unsigned int backend)
{
	if (backend >= KSLAB_POOL_NR)
		return NULL;
	return kslab_backends[array_index_nospec(backend, KSLAB_POOL_NR)];
}

/**
 * kslab_backends_available() - the ABI's backends built for this kernel.
 *
 * Context: any context; does not sleep.
 * Return: bit n set when &enum kslab_backend n can create pools.
 */
u64 kslab_backends_available(void)
{
	unsigned int backend;
	u64 mask = 0;

	for (backend = 0; backend < KSLAB_BACKEND_NR; backend++)
		if (kslab_backend_get(backend))
			mask |= BIT_ULL(backend);
	return mask;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_backends_available);

/* ================== Names ================== */

/*
 * Live pools by name: kmem_cache-based backends register "kslab-<name>"
 * with SLUB, whose sysfs refuses a second unmergeable cache of one name,
 * and /proc/kslabinfo rows are told apart by name.
 */
static LIST_HEAD(kslab_pools);
static DEFINE_MUTEX(kslab_pools_lock);

/* 1..KSLAB_NAME_MAX - 1 characters of [A-Za-z0-9._-]: one slabinfo word. */
static bool kslab_name_valid(const char *name)
{
	size_t len = strnlen(name, KSLAB_NAME_MAX);
	size_t i;

	if (!len || len == KSLAB_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

static int kslab_name_claim(struct kslab_pool *pool, const char *name)
{
	struct kslab_pool *other;
	int ret = 0;

	mutex_lock(&kslab_pools_lock);
	list_for_each_entry(other, &kslab_pools, node) {
		if (!strcmp(other->name, name)) {
			ret = -EEXIST;
			goto out;
		}
	}
	strscpy(pool->name, name, sizeof(pool->name));
	list_add(&pool->node, &kslab_pools);
out:
	mutex_unlock(&kslab_pools_lock);
	return ret;
}

static void kslab_name_release(struct kslab_pool *pool)
{
	mutex_lock(&kslab_pools_lock);
	list_del(&pool->node);
	mutex_unlock(&kslab_pools_lock);
}

/* ================== Create and destroy ================== */

/**
 * kslab_pool_args_check() - whether pool arguments are valid for any
 *	backend: the checks kslab_pool_create() makes first.
 * @args: the arguments.
 *
 * Context: any context.
 * Return: 0, or -EINVAL for a bad name, size, alignment, flag or capacity.
 */
int kslab_pool_args_check(const struct kslab_pool_args *args)
{
	if (!args->name || !kslab_name_valid(args->name))
		return -EINVAL;
	if (args->object_size < KSLAB_OBJECT_SIZE_MIN ||
	    args->object_size > KSLAB_OBJECT_SIZE_MAX)
		return -EINVAL;
	if (args->align && (!is_power_of_2(args->align) ||
			    args->align > PAGE_SIZE))
		return -EINVAL;
	if (args->flags & ~KSLAB_CACHE_FLAGS_ALL)
		return -EINVAL;
	if (args->capacity > KSLAB_CAPACITY_MAX)
		return -EINVAL;
	return 0;
}

/**
 * kslab_pool_create() - create a pool of one backend.
 * @pool: the pool to set up (caller-owned memory).
 * @backend: &enum kslab_backend, or KSLAB_POOL_EMPTY.
 * @args: name, sizes and flags; a zero capacity becomes
 *	KSLAB_CAPACITY_DEFAULT before the backend sees it.
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL for a bad argument (name, size, alignment, flag or
 * capacity); -EOPNOTSUPP when @backend is unknown, not built or not
 * available on the running kernel, or cannot honour @args (debug mode of
 * a backend outside KSLAB_BACKENDS_DEBUG); -EEXIST when a live pool has
 * the same name; -ENOMEM.
 */
int kslab_pool_create(struct kslab_pool *pool, unsigned int backend,
		      const struct kslab_pool_args *args)
{
	struct kslab_pool_args a = *args;
	const struct kslab_backend_ops *ops;
	int ret;

	ret = kslab_pool_args_check(&a);
	if (ret)
		return ret;
	ops = kslab_backend_get(backend);
	if (!ops)
		return -EOPNOTSUPP;
	if ((a.flags & KSLAB_CACHE_DEBUG) && backend < KSLAB_BACKEND_NR &&
	    !(KSLAB_BACKENDS_DEBUG & BIT_ULL(backend)))
		return -EOPNOTSUPP;
	if (!a.capacity)
		a.capacity = KSLAB_CAPACITY_DEFAULT;
	pool->ops = ops;
	pool->backend = backend;
	pool->object_size = a.object_size;
	pool->flags = a.flags;
	pool->priv = NULL;
	ret = kslab_name_claim(pool, a.name);
	if (ret)
		return ret;
	ret = ops->create(pool, &a);
	if (ret)
		kslab_name_release(pool);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_pool_create);

/**
 * kslab_pool_destroy() - destroy a pool created by kslab_pool_create().
 * @pool: the pool; every object rented from it must have been returned.
 *
 * Context: process context; may sleep.
 */
void kslab_pool_destroy(struct kslab_pool *pool)
{
	pool->ops->destroy(pool);
	kslab_name_release(pool);
}
EXPORT_SYMBOL_IF_KUNIT(kslab_pool_destroy);

/* ================== Optional ops, wrapped once ================== */

/**
 * kslab_pool_stats() - a pool's counters and memory figures.
 * @pool: the pool.
 * @stats: filled in; its size and cache_id are left 0 for the caller.
 *
 * Context: process context; does not sleep.
 */
void kslab_pool_stats(struct kslab_pool *pool, struct kslab_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	stats->backend = pool->backend;
	stats->nr_counters = KSLAB_STAT_NR;
	stats->object_size = pool->object_size;
	pool->ops->stats(pool, stats);
}
EXPORT_SYMBOL_IF_KUNIT(kslab_pool_stats);

/**
 * kslab_pool_shrink() - give a pool's cached memory back.
 * @pool: the pool.
 *
 * Context: process context; may sleep.
 * Return: pages given back, as far as the backend can tell (0 when it
 * cannot, or has nothing cached).
 */
unsigned long kslab_pool_shrink(struct kslab_pool *pool)
{
	return pool->ops->shrink ? pool->ops->shrink(pool) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_pool_shrink);

/**
 * kslab_pool_tune() - change a pool's magazine size.
 * @pool: the pool.
 * @magazine_size: objects per magazine, nonzero.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL for a size the backend refuses, -EOPNOTSUPP for a
 * backend without magazines.
 */
int kslab_pool_tune(struct kslab_pool *pool, unsigned int magazine_size)
{
	return pool->ops->tune ? pool->ops->tune(pool, magazine_size) :
				 -EOPNOTSUPP;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_pool_tune);
