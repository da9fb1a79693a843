// SPDX-License-Identifier: GPL-2.0
/*
 * kslab debug mode (KSLAB_DEBUG): every slot carries a left and a
 * right red zone and a state word (rented or free); free objects are
 * poisoned (unless the cache has a constructor, as in SLUB).
 *
 * - Rent checks the poison: a write after return is reported.
 * - Return checks that the pointer is an object of this cache (a pfn ->
 *   slab xarray and the slot arithmetic), flips the state word from rented
 *   to free with cmpxchg (so two racing returns of one object cannot both
 *   win), checks the red zones and poisons the object.
 *
 * A double return of a stale pointer may race the release of its slab on
 * another CPU (a shrink, a depot drain, the last object of the slab going
 * back). The lookup, the slot arithmetic on the slab's base and the
 * cmpxchg of the state word therefore run under rcu_read_lock(), and a
 * debug cache frees a slab's pages and descriptor with call_rcu() after
 * erasing it from the xarray (slab.c): the check never reads freed memory.
 * A pointer into a slab already erased is foreign (-EINVAL), unless its
 * pages have become a new slab of the cache since; a slab erased during
 * the check still has every state word free (-EALREADY).
 * kslab_cache_destroy() of a debug cache waits for the pending frees
 * (rcu_barrier()), so none is left when the module goes.
 *
 * Every finding goes through kslab_debug_report(): WARN_ONCE, the
 * debug_error counter, and the cache is left intact. A refused return
 * reports an error to the caller. The debug checks run before the per-CPU
 * fast path and use atomics; caches without the flag skip them with one
 * test of cache->fast.flags.
 */
#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/poison.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "internal.h"

#define KSLAB_STATE_FREE	0x6672656566726565UL	/* "freefree" */
#define KSLAB_STATE_RENTED	0x72656e7472656e74UL	/* "rentrent" */

/* ---- slots ---- */

static unsigned long *kslab_state(struct kslab_cache *cache, void *obj)
{
	return obj - cache->layout.offset + cache->layout.meta;
}

static void *kslab_right_zone(struct kslab_cache *cache, void *obj)
{
	return obj + cache->layout.object_size;
}

static unsigned int kslab_right_size(struct kslab_cache *cache)
{
	return cache->layout.meta - cache->layout.offset -
	       cache->layout.object_size;
}

static void kslab_poison(struct kslab_cache *cache, u8 *obj)
{
	unsigned int size = cache->layout.object_size;

	memset(obj, POISON_FREE, size - 1);
	obj[size - 1] = POISON_END;
}

static void kslab_redzone(struct kslab_cache *cache, void *obj)
{
	memset(obj - cache->layout.offset, SLUB_RED_INACTIVE,
	       cache->layout.offset);
	memset(kslab_right_zone(cache, obj), SLUB_RED_INACTIVE,
	       kslab_right_size(cache));
}

/* ---- reports ---- */

/**
 * kslab_debug_report() - report a misuse of a debug cache.
 * @cache: the cache.
 * @obj: the object or pointer concerned.
 * @what: what was found.
 *
 * The only place kslab warns from: the test harness allows WARNINGs from
 * this function alone (scripts/check-log.sh).
 *
 * Context: any context; does not sleep.
 */
static noinline __noclone void
kslab_debug_report(struct kslab_cache *cache, const void *obj, const char *what)
{
	kslab_stat_add(cache, KSLAB_CNT_DEBUG_ERROR, 1);
	WARN_ONCE(1, "kslab %s: %s, object %p\n", cache->name, what, obj);
}

/* ---- hooks ---- */

/**
 * kslab_debug_init_obj() - red zones, poison and state of a new object.
 * @cache: a debug cache.
 * @obj: an object of a new slab, constructed.
 *
 * Context: any context; does not sleep.
 */
void kslab_debug_init_obj(struct kslab_cache *cache, void *obj)
{
	kslab_redzone(cache, obj);
	if (cache->poison)
		kslab_poison(cache, obj);
	*kslab_state(cache, obj) = KSLAB_STATE_FREE;
}

/**
 * kslab_debug_rent() - check a free object as it is rented.
 * @cache: a debug cache.
 * @obj: the object.
 *
 * Context: any context; does not sleep.
 */
void kslab_debug_rent(struct kslab_cache *cache, void *obj)
{
	unsigned int size = cache->layout.object_size;
	u8 *bytes = obj;

	if (cmpxchg(kslab_state(cache, obj), KSLAB_STATE_FREE,
		    KSLAB_STATE_RENTED) != KSLAB_STATE_FREE)
		kslab_debug_report(cache, obj, "rent of an object not free");
	if (cache->poison &&
	    (memchr_inv(bytes, POISON_FREE, size - 1) ||
	     bytes[size - 1] != POISON_END))
		kslab_debug_report(cache, obj, "write after return");
}

/*
 * Is @obj an object slot of a slab of @cache? The caller holds
 * rcu_read_lock() until it is done with the slot: a slab found here may be
 * erased from the index meanwhile, but its pages and descriptor are freed
 * only a grace period later (kslab_slab_free()).
 */
static bool kslab_debug_owns(struct kslab_cache *cache, void *obj)
{
	struct kslab_slab *slab;
	unsigned long delta;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(),
			 "debug owner check without rcu_read_lock()");
	if (!virt_addr_valid(obj))
		return false;
	slab = xa_load(&cache->slabs, page_to_pfn(virt_to_head_page(obj)));
	if (!slab || obj < slab->base + cache->layout.offset)
		return false;
	delta = obj - slab->base - cache->layout.offset;
	return delta % cache->layout.stride == 0 &&
	       delta / cache->layout.stride < cache->layout.objects;
}

/**
 * kslab_debug_return() - check an object as it is returned.
 * @cache: a debug cache.
 * @obj: the pointer the caller returns.
 *
 * Context: any context; does not sleep.
 * Return: 0 when @obj may be taken back (poisoned, marked free),
 * -EINVAL for a pointer that is no object of @cache, -EALREADY for an
 * object that is not rented.
 */
int kslab_debug_return(struct kslab_cache *cache, void *obj)
{
	unsigned long state = 0;
	bool owned;

	/*
	 * Once the state word says free, @obj is the caller's to give back and
	 * its slab cannot empty; until then only RCU keeps the slab alive.
	 */
	rcu_read_lock();
	owned = kslab_debug_owns(cache, obj);
	if (owned)
		state = cmpxchg(kslab_state(cache, obj), KSLAB_STATE_RENTED,
				KSLAB_STATE_FREE);
	rcu_read_unlock();
	if (!owned) {
		kslab_debug_report(cache, obj, "return of a foreign pointer");
		return -EINVAL;
	}
	if (state != KSLAB_STATE_RENTED) {
		kslab_debug_report(cache, obj, "double return");
		return -EALREADY;
	}
	if (memchr_inv(obj - cache->layout.offset, SLUB_RED_INACTIVE,
		       cache->layout.offset) ||
	    memchr_inv(kslab_right_zone(cache, obj), SLUB_RED_INACTIVE,
		       kslab_right_size(cache))) {
		kslab_debug_report(cache, obj, "red zone overwritten");
		kslab_redzone(cache, obj);
	}
	if (cache->poison)
		kslab_poison(cache, obj);
	return 0;
}

/* ---- slab index ---- */

/**
 * kslab_debug_track_slab() - record a new slab so returns can be checked.
 * @cache: the cache (nothing to do unless debug).
 * @slab: the new slab.
 * @gfp: allocation flags for the index.
 *
 * Context: any context; may sleep when @gfp allows it.
 * Return: 0 or -ENOMEM.
 */
int kslab_debug_track_slab(struct kslab_cache *cache, struct kslab_slab *slab,
			   gfp_t gfp)
{
	unsigned long flags;
	void *old;

	if (!(cache->fast.flags & KSLAB_DEBUG))
		return 0;
	xa_lock_irqsave(&cache->slabs, flags);
	old = __xa_store(&cache->slabs, page_to_pfn(slab->page), slab,
			 (gfp & KSLAB_GFP_PASS) | cache->gfp);
	xa_unlock_irqrestore(&cache->slabs, flags);
	return xa_err(old);
}

/**
 * kslab_debug_untrack_slab() - forget a slab that is being freed.
 * @cache: the cache.
 * @slab: the slab, on no list; its pages and descriptor must stay until a
 *	grace period has passed (call_rcu()), since a return may have found
 *	it in the index just before.
 *
 * Context: any context; does not sleep.
 */
void kslab_debug_untrack_slab(struct kslab_cache *cache,
			      struct kslab_slab *slab)
{
	unsigned long flags;

	if (!(cache->fast.flags & KSLAB_DEBUG))
		return;
	xa_lock_irqsave(&cache->slabs, flags);
	__xa_erase(&cache->slabs, page_to_pfn(slab->page));
	xa_unlock_irqrestore(&cache->slabs, flags);
}
