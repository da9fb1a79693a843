// SPDX-License-Identifier: GPL-2.0
/*
 * kslab shared magazine (KSLAB_LOCKED): the naive pool of the seed
 * experiments, kept as a control. One magazine, shared by every CPU and
 * guarded by one spinlock, sits in front of the same slab layer (same
 * pages, same zeroing and debug checks), so that comparing a KSLAB_LOCKED
 * cache with a plain one measures the per-CPU layer alone.
 *
 * A KSLAB_LOCKED cache gives every CPU two magazines of size 0: the
 * per-CPU fast paths of magazine.c always miss and hand over to the slow
 * paths, which come here. A cache without the flag pays nothing for it.
 *
 * Locking: the shared lock is taken inside the CPU's local_lock on return
 * and alone on rent; a flush takes the node list locks under it.
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

	shared = kzalloc(sizeof(*shared), GFP_KERNEL);
	if (!shared)
		return -ENOMEM;
	spin_lock_init(&shared->lock);
	shared->mag = kslab_magazine_alloc(cache->magazine_size,
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
 * kslab_shared_rent() - rent from the shared magazine, else the slabs.
 * @cache: a KSLAB_LOCKED cache.
 * @gfp: allocation flags for a new slab.
 *
 * Context: task context, no kslab lock held; may sleep when @gfp allows.
 * Return: the object (not yet checked or zeroed), or NULL.
 */
void *kslab_shared_rent(struct kslab_cache *cache, gfp_t gfp)
{
	struct kslab_shared *shared = cache->shared;
	void *obj = NULL;

	spin_lock(&shared->lock);
	if (shared->mag->rounds)
		obj = shared->mag->objs[--shared->mag->rounds];
	spin_unlock(&shared->lock);
	if (obj) {
		kslab_stat_add(cache, KSLAB_CNT_RENT_DEPOT, 1);
	} else if (kslab_slab_alloc(cache, gfp, 1, &obj)) {
		kslab_stat_add(cache, KSLAB_CNT_RENT_SLAB, 1);
	} else {
		kslab_stat_add(cache, KSLAB_CNT_RENT_FAIL, 1);
		return NULL;
	}
	return obj;
}

/**
 * kslab_shared_return() - return to the shared magazine, else the slabs.
 * @cache: a KSLAB_LOCKED cache.
 * @obj: the object, already checked in debug mode.
 *
 * Context: task context; does not sleep; takes the shared lock, and a
 * node's list_lock after dropping it when the magazine is full.
 */
void kslab_shared_return(struct kslab_cache *cache, void *obj)
{
	struct kslab_shared *shared = cache->shared;
	struct kslab_magazine *mag = shared->mag;
	bool kept = false;

	spin_lock(&shared->lock);
	if (mag->rounds < mag->size) {
		mag->objs[mag->rounds++] = obj;
		kept = true;
	}
	spin_unlock(&shared->lock);
	if (kept) {
		kslab_stat_add(cache, KSLAB_CNT_RETURN_DEPOT, 1);
	} else {
		kslab_slab_free_bulk(cache, 1, &obj);
		kslab_stat_add(cache, KSLAB_CNT_RETURN_SLAB, 1);
	}
}
