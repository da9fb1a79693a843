// SPDX-License-Identifier: GPL-2.0
/*
 * kslab shared magazine (KSLAB_LOCKED): the naive pool of the seed
 * experiments, kept as a control. One magazine, shared by every CPU and
 * guarded by one spinlock, sits in front of the same slab layer (same
 * pages, same zeroing and debug checks), so that comparing a KSLAB_LOCKED
 * cache with a plain one measures the per-CPU layer alone.
 *
 * Rents and returns of a KSLAB_LOCKED cache test the flag at the top of
 * kslab_rent() and kslab_return() (for returns, in the test they share
 * with debug mode) and take kslab_shared_rent() and kslab_shared_return()
 * of internal.h; only their slow ends, set-up and teardown are here. The
 * per-CPU magazines of such a cache have size 0 and are never used.
 *
 * Locking: rent and return take the shared lock alone (no local_lock); a
 * flush takes the node list locks under it.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>

#include "internal.h"

/**
 * kslab_shared_init() - set up the shared magazine of a KSLAB_LOCKED cache.
 * @cache: the cache, its magazine_size set.
 *
 * Context: task context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kslab_shared_init(struct kslab_cache *cache)
{
	struct kslab_shared *shared;

	shared = kzalloc(sizeof(*shared), GFP_KERNEL | cache->gfp);
	if (!shared)
		return -ENOMEM;
	spin_lock_init(&shared->lock);
	shared->mag = kslab_magazine_alloc(cache, cache->magazine_size,
					   GFP_KERNEL, NUMA_NO_NODE);
	if (!shared->mag) {
		kfree(shared);
		return -ENOMEM;
	}
	cache->shared = shared;
	return 0;
}

/**
 * kslab_shared_flush() - give every object of the shared magazine back to
 * the slabs.
 * @cache: a KSLAB_LOCKED cache.
 *
 * Context: task context; does not sleep; takes the shared lock, then the
 * node list locks.
 */
void kslab_shared_flush(struct kslab_cache *cache)
{
	struct kslab_shared *shared = cache->shared;
	struct kslab_magazine *mag = shared->mag;
	unsigned int nr;

	spin_lock(&shared->lock);
	nr = mag->rounds;
	mag->rounds = 0;
	kslab_slab_free_bulk(cache, nr, mag->objs);
	spin_unlock(&shared->lock);
}

/**
 * kslab_shared_destroy() - empty and free the shared magazine, if any.
 * @cache: the cache, no longer used by anyone.
 *
 * Context: task context; does not sleep.
 */
void kslab_shared_destroy(struct kslab_cache *cache)
{
	if (!cache->shared)
		return;
	kslab_shared_flush(cache);
	kfree(cache->shared->mag);
	kfree(cache->shared);
	cache->shared = NULL;
}

/**
 * kslab_shared_rent_slab() - a rent that found the shared magazine empty:
 *	an object from the slabs.
 * @cache: a KSLAB_LOCKED cache.
 * @gfp: allocation flags for a new slab.
 *
 * Context: task context, no kslab lock held; may sleep when @gfp allows.
 * Return: the object (not yet checked or zeroed), or NULL.
 */
void *kslab_shared_rent_slab(struct kslab_cache *cache, gfp_t gfp)
{
	void *obj;

	if (kslab_slab_alloc(cache, gfp, 1, &obj)) {
		kslab_stat_add(cache, KSLAB_CNT_RENT_SLAB, 1);
		return obj;
	}
	kslab_stat_add(cache, KSLAB_CNT_RENT_FAIL, 1);
	return NULL;
}

/**
 * kslab_shared_overflow() - a return that found the shared magazine full:
 *	the object goes back to its slab.
 * @cache: a KSLAB_LOCKED cache.
 * @obj: the object.
 *
 * Context: task context; does not sleep; takes a node's list_lock.
 */
void kslab_shared_overflow(struct kslab_cache *cache, void *obj)
{
	kslab_slab_free_bulk(cache, 1, &obj);
	kslab_stat_add(cache, KSLAB_CNT_RETURN_SLAB, 1);
}
