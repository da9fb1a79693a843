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
 * Locking: rent and return take the shared lock alone (no per-CPU lock),
 * with interrupts saved and disabled, as a rent or return may come from an
 * interrupt; a flush takes the node list locks under it.
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
	unsigned long flags;
	struct kslab_shared *shared = cache->shared;
	struct kslab_magazine *mag = shared->mag;
	unsigned int nr;

	spin_lock_irqsave(&shared->lock, flags);
	nr = mag->rounds;
	mag->rounds = 0;
	kslab_slab_free_bulk(cache, nr, mag->objs);
	spin_unlock_irqrestore(&shared->lock, flags);
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
