/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab backends: every object cache the device and the benchmark measure
 * (kslab's own, the naive locked pool, kmem_cache, kmalloc, mempool and
 * objpool) behind one ops table, so that every test and benchmark runs the
 * same code path against each of them. Each backend is a file of its own;
 * kslab and kslab-locked use only <kslab/kslab.h>, the public API.
 *
 * A pool is one cache of one backend. The fast-path wrappers below are
 * short static inlines: one indirect call, nothing else (the benchmark's
 * loops call each backend's rent and return directly, see direct.h). Backend numbers are the ABI's
 * &enum kslab_backend, plus KSLAB_POOL_EMPTY, which the benchmark alone
 * uses and the ABI cannot name.
 *
 * Locking: a pool carries no lock of its own at this level; each backend
 * documents the contexts its ops may be called from (see design.rst).
 */
#ifndef _KSLAB_BACKEND_H
#define _KSLAB_BACKEND_H

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/types.h>

#include <uapi/kslab.h>

struct kslab_pool;

/*
 * The empty pool: rent hands out one buffer again and again, return does
 * nothing (the cost of a benchmark loop itself); not in the ABI.
 */
#define KSLAB_POOL_EMPTY	KSLAB_BACKEND_NR
#define KSLAB_POOL_NR		(KSLAB_BACKEND_NR + 1)

/**
 * struct kslab_pool_args - what a pool is created with.
 * @name: cache name (at most KSLAB_NAME_MAX - 1 bytes); kmem_cache-based
 *	backends register it as "kslab-<name>".
 * @object_size: bytes per object.
 * @align: object alignment, a power of two up to PAGE_SIZE, 0 for default.
 * @flags: KSLAB_CACHE_* flags (include/uapi/kslab.h).
 * @magazine_size: objects per magazine (kslab); 0 for the backend's
 *	default; the other backends ignore it.
 * @capacity: objects a fixed-size backend (objpool, mempool reserve) must
 *	be able to hold; 0 for the backend's default.
 */
struct kslab_pool_args {
	const char *name;
	unsigned int object_size;
	unsigned int align;
	unsigned int flags;
	unsigned int magazine_size;
	unsigned int capacity;
};

/**
 * struct kslab_backend_ops - one backend. Every op is mandatory except
 * @shrink and @tune, which kslab_pool_shrink() and kslab_pool_tune() wrap
 * once; callers use the kslab_pool_*() wrappers, never the ops.
 * @create: set up @pool->priv. Process context, may sleep. Returns 0 or
 *	-errno (-EOPNOTSUPP for arguments the backend cannot honour).
 * @destroy: free everything @pool holds; all objects must be returned.
 *	Process context, may sleep.
 * @rent: one object or NULL.
 * @ret: give one object back.
 * @rent_bulk: rent up to @nr objects into @objs; returns how many were
 *	rented (0..@nr). Backends without a bulk API loop and count it in
 *	KSLAB_STAT_BULK_FALLBACK.
 * @return_bulk: give @nr objects back.
 * @stats: fill the counters the backend keeps and its slab/page figures
 *	into @stats, which kslab_pool_stats() zeroed and filled with what
 *	every pool knows (backend, object size, counter count).
 * @shrink: give cached memory back; returns pages freed. May sleep. NULL:
 *	nothing to give back.
 * @tune: change the magazine size at run time. NULL: -EOPNOTSUPP.
 */
struct kslab_backend_ops {
	int (*create)(struct kslab_pool *pool, const struct kslab_pool_args *args);
	void (*destroy)(struct kslab_pool *pool);
	void *(*rent)(struct kslab_pool *pool, gfp_t gfp);
	void (*ret)(struct kslab_pool *pool, void *obj);
	unsigned int (*rent_bulk)(struct kslab_pool *pool, gfp_t gfp,
				  unsigned int nr, void **objs);
	void (*return_bulk)(struct kslab_pool *pool, unsigned int nr, void **objs);
	void (*stats)(struct kslab_pool *pool, struct kslab_stats *stats);
	unsigned long (*shrink)(struct kslab_pool *pool);
	int (*tune)(struct kslab_pool *pool, unsigned int magazine_size);
};

/**
 * struct kslab_pool - one cache of one backend.
 * @ops: the backend.
 * @backend: its &enum kslab_backend number, or KSLAB_POOL_EMPTY.
 * @object_size: bytes per object.
 * @flags: KSLAB_CACHE_* flags it was created with.
 * @priv: the backend's state.
 * @name: the name it was created with; unique among live pools.
 * @node: entry in the registry's list of live pools (registry.c).
 */
struct kslab_pool {
	const struct kslab_backend_ops *ops;
	unsigned int backend;
	unsigned int object_size;
	unsigned int flags;
	void *priv;
	char name[KSLAB_NAME_MAX];
	struct list_head node;
};

int kslab_pool_args_check(const struct kslab_pool_args *args);
int kslab_pool_create(struct kslab_pool *pool, unsigned int backend,
		      const struct kslab_pool_args *args);
void kslab_pool_destroy(struct kslab_pool *pool);
void kslab_pool_stats(struct kslab_pool *pool, struct kslab_stats *stats);
unsigned long kslab_pool_shrink(struct kslab_pool *pool);
int kslab_pool_tune(struct kslab_pool *pool, unsigned int magazine_size);
u64 kslab_backends_available(void);

/* The backends, each in its own file; the registry lists them. */
extern const struct kslab_backend_ops kslab_backend_kslab_ops;
extern const struct kslab_backend_ops kslab_backend_locked_ops;
extern const struct kslab_backend_ops kslab_backend_kmem_cache_ops;
extern const struct kslab_backend_ops kslab_backend_kmalloc_ops;
extern const struct kslab_backend_ops kslab_backend_mempool_ops;
extern const struct kslab_backend_ops kslab_backend_objpool_ops;
extern const struct kslab_backend_ops kslab_backend_empty_ops;

/**
 * kslab_pool_rent() - rent one object from a pool.
 * @pool: the pool.
 * @gfp: allocation flags for a refill; GFP_KERNEL may sleep.
 *
 * Context: as the backend allows (process context for GFP_KERNEL).
 * Return: the object or NULL.
 */
static inline void *kslab_pool_rent(struct kslab_pool *pool, gfp_t gfp)
{
	return pool->ops->rent(pool, gfp);
}

/**
 * kslab_pool_return() - give one object back to its pool.
 * @pool: the pool it was rented from.
 * @obj: the object.
 *
 * Context: as the backend allows; does not sleep.
 */
static inline void kslab_pool_return(struct kslab_pool *pool, void *obj)
{
	pool->ops->ret(pool, obj);
}

/**
 * kslab_pool_rent_bulk() - rent up to @nr objects.
 * @pool: the pool.
 * @gfp: allocation flags for refills.
 * @nr: how many.
 * @objs: where to store them.
 *
 * Context: as kslab_pool_rent().
 * Return: how many were rented, 0..@nr; objs[0..ret) are valid.
 */
static inline unsigned int kslab_pool_rent_bulk(struct kslab_pool *pool,
						gfp_t gfp, unsigned int nr,
						void **objs)
{
	return pool->ops->rent_bulk(pool, gfp, nr, objs);
}

/**
 * kslab_pool_return_bulk() - give @nr objects back.
 * @pool: the pool they were rented from.
 * @nr: how many.
 * @objs: the objects.
 *
 * Context: as kslab_pool_return().
 */
static inline void kslab_pool_return_bulk(struct kslab_pool *pool,
					  unsigned int nr, void **objs)
{
	pool->ops->return_bulk(pool, nr, objs);
}

#endif /* _KSLAB_BACKEND_H */
