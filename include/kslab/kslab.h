/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab: a slab-style object cache with per-CPU magazines and a per-node
 * depot (Bonwick & Adams, USENIX 2001), for modules that would otherwise
 * use a kmem_cache. This header is the whole in-kernel API; another module
 * includes it as <kslab/kslab.h> and links against kslab.ko's
 * Module.symvers (`make install` puts both in place).
 *
 * Design: objects are carved from slabs of 2^order pages with an
 * out-of-band freelist; each CPU keeps a loaded and a previous magazine
 * (arrays of free objects) and each node a depot of full and empty
 * magazines, so that the common rent and return touch only the CPU's own
 * magazine. A cache created with KSLAB_LOCKED has no per-CPU layer: one
 * spinlock-guarded magazine, shared by every CPU, sits in front of the
 * same slabs (the naive pool, kept as a control).
 *
 * Limits: objects of KSLAB_SIZE_MIN..KSLAB_SIZE_MAX bytes, alignment up
 * to PAGE_SIZE, names of at most KSLAB_NAME_LEN - 1 bytes, magazines of at
 * most KSLAB_MAGAZINE_MAX objects (KSLAB_LOCKED_MAX for the shared one).
 *
 * Contexts: kslab_rent(), kslab_return() and the bulk calls may be called
 * from task, softirq and hardirq context and with interrupts disabled, as
 * kmem_cache_alloc() and kmem_cache_free() may: @gfp says what a rent may
 * do when it must grow the cache (GFP_ATOMIC or GFP_NOWAIT where it must
 * not sleep). Their fast path never disables interrupts: it marks the
 * CPU's magazines busy with preemption disabled, and a rent or return from
 * an interrupt that lands while they are busy goes straight to the slab
 * layer, whose locks are taken with interrupts disabled. On PREEMPT_RT the
 * per-CPU lock is a local_lock and the other locks sleep: as for a
 * kmem_cache there, no call from hard interrupt context or with interrupts
 * or preemption disabled. Returns never sleep. Creation, destruction,
 * shrink, tune and the stats may sleep (task context only). See
 * Documentation/design.rst.
 */
#ifndef _KSLAB_KSLAB_H
#define _KSLAB_KSLAB_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/types.h>

struct kslab_cache;

/* Smallest and largest object (bytes). */
#define KSLAB_SIZE_MIN		8U
#define KSLAB_SIZE_MAX		65536U
/* Room for a cache name, its NUL included. */
#define KSLAB_NAME_LEN		32U
/* Largest per-CPU magazine (objects). */
#define KSLAB_MAGAZINE_MAX	256U
/*
 * Largest per-CPU magazine (bytes of objects): a cache's magazines hold at
 * most max(1, KSLAB_MAGAZINE_BYTES / stride) objects, whatever its default,
 * a tune or the automatic growth asks.
 */
#define KSLAB_MAGAZINE_BYTES	(64U * 1024)
/* Largest shared magazine of a KSLAB_LOCKED cache (objects). */
#define KSLAB_LOCKED_MAX	65536U

/*
 * Cache flags.
 * KSLAB_DEBUG: poison returned objects, red zones, catch double and
 *	foreign returns (reported once with a WARNING, refused, counted).
 * KSLAB_ZERO: zero every object on rent, whatever init_on_alloc says.
 * KSLAB_ACCOUNT: charge the cache's slab pages to the memcg of the task
 *	whose rent grows the cache.
 * KSLAB_LOCKED: no per-CPU magazines; one magazine shared by all CPUs
 *	under a spinlock (@magazine_size objects, KSLAB_LOCKED_DEFAULT when
 *	0); objects beyond it go back to the slabs.
 */
#define KSLAB_DEBUG		BIT(0)
#define KSLAB_ZERO		BIT(1)
#define KSLAB_ACCOUNT		BIT(2)
#define KSLAB_LOCKED		BIT(3)
#define KSLAB_FLAGS_ALL		(KSLAB_DEBUG | KSLAB_ZERO | KSLAB_ACCOUNT | \
				 KSLAB_LOCKED)
/* Shared magazine of a KSLAB_LOCKED cache created with magazine_size 0. */
#define KSLAB_LOCKED_DEFAULT	1024U

/**
 * enum kslab_counter - per-cache event counters (&kslab_cache_stats).
 * @KSLAB_CNT_RENT: objects rented (the sum of the four rent paths).
 * @KSLAB_CNT_RETURN: objects returned (the sum of the four return paths).
 * @KSLAB_CNT_RENT_LOADED: rents served by the CPU's loaded magazine.
 * @KSLAB_CNT_RENT_PREVIOUS: rents after swapping in the previous magazine.
 * @KSLAB_CNT_RENT_DEPOT: rents after taking a full magazine from the depot
 *	(KSLAB_LOCKED: rents served by the shared magazine).
 * @KSLAB_CNT_RENT_SLAB: rents served from the slabs.
 * @KSLAB_CNT_RETURN_LOADED: returns into the loaded magazine.
 * @KSLAB_CNT_RETURN_PREVIOUS: returns after swapping in the previous one.
 * @KSLAB_CNT_RETURN_DEPOT: returns after trading a full magazine at the
 *	depot (KSLAB_LOCKED: returns into the shared magazine).
 * @KSLAB_CNT_RETURN_SLAB: returns that went to the slabs.
 * @KSLAB_CNT_RETURN_REMOTE: returns of an object of another node.
 * @KSLAB_CNT_DEPOT_CONTENDED: contended depot lock acquisitions.
 * @KSLAB_CNT_MAGAZINE_RESIZE: magazine size changes.
 * @KSLAB_CNT_SLAB_ALLOC: slabs allocated.
 * @KSLAB_CNT_SLAB_FREE: slabs freed.
 * @KSLAB_CNT_PAGES_ALLOC: pages allocated.
 * @KSLAB_CNT_PAGES_FREE: pages freed.
 * @KSLAB_CNT_RENT_FAIL: rents that got no object.
 * @KSLAB_CNT_SHRINK: shrinks (explicit or by the shrinker).
 * @KSLAB_CNT_DEBUG_ERROR: misuses found by KSLAB_DEBUG.
 * @KSLAB_CNT_NR: number of counters.
 */
enum kslab_counter {
	KSLAB_CNT_RENT,
	KSLAB_CNT_RETURN,
	KSLAB_CNT_RENT_LOADED,
	KSLAB_CNT_RENT_PREVIOUS,
	KSLAB_CNT_RENT_DEPOT,
	KSLAB_CNT_RENT_SLAB,
	KSLAB_CNT_RETURN_LOADED,
	KSLAB_CNT_RETURN_PREVIOUS,
	KSLAB_CNT_RETURN_DEPOT,
	KSLAB_CNT_RETURN_SLAB,
	KSLAB_CNT_RETURN_REMOTE,
	KSLAB_CNT_DEPOT_CONTENDED,
	KSLAB_CNT_MAGAZINE_RESIZE,
	KSLAB_CNT_SLAB_ALLOC,
	KSLAB_CNT_SLAB_FREE,
	KSLAB_CNT_PAGES_ALLOC,
	KSLAB_CNT_PAGES_FREE,
	KSLAB_CNT_RENT_FAIL,
	KSLAB_CNT_SHRINK,
	KSLAB_CNT_DEBUG_ERROR,
	KSLAB_CNT_NR,
};

/**
 * struct kslab_cache_stats - counters and slab figures of one cache.
 * @object_size: bytes asked for per object.
 * @stride: bytes each object takes in a slab.
 * @objects_per_slab: objects carved from one slab.
 * @order: a slab is 2^@order pages.
 * @magazine_size: objects per magazine (the shared one for KSLAB_LOCKED).
 * @init_on_alloc: objects are zeroed on rent (init_on_alloc or KSLAB_ZERO).
 * @active_objects: objects rented out now (rents minus returns).
 * @total_objects: objects in slabs (rented, cached or free).
 * @slabs: slabs held now.
 * @pages: pages held now.
 * @counters: &enum kslab_counter counters, summed over CPUs.
 */
struct kslab_cache_stats {
	unsigned int object_size;
	unsigned int stride;
	unsigned int objects_per_slab;
	unsigned int order;
	unsigned int magazine_size;
	bool init_on_alloc;
	u64 active_objects;
	u64 total_objects;
	u64 slabs;
	u64 pages;
	u64 counters[KSLAB_CNT_NR];
};

struct kslab_cache *kslab_cache_create(const char *name, unsigned int size,
				       unsigned int align, unsigned int flags,
				       void (*ctor)(void *),
				       unsigned int magazine_size);
void kslab_cache_destroy(struct kslab_cache *cache);
void *kslab_rent(struct kslab_cache *cache, gfp_t gfp);
int kslab_return(struct kslab_cache *cache, void *obj);
unsigned int kslab_rent_bulk(struct kslab_cache *cache, gfp_t gfp,
			     unsigned int nr, void **objs);
int kslab_return_bulk(struct kslab_cache *cache, unsigned int nr,
		      void **objs);
unsigned long kslab_cache_shrink(struct kslab_cache *cache);
int kslab_cache_tune(struct kslab_cache *cache, unsigned int magazine_size);
void kslab_cache_stats(struct kslab_cache *cache,
		       struct kslab_cache_stats *stats);
const char *kslab_cache_name(const struct kslab_cache *cache);
const char *kslab_counter_name(enum kslab_counter counter);

#endif /* _KSLAB_KSLAB_H */
