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
 * or preemption disabled. Returns never sleep. kslab_return_rcu() gives an
 * object back only after an RCU grace period (batched per CPU, no rcu_head
 * in the object). Creation, destruction,
 * shrink, tune and the stats may sleep (task context only). See
 * Documentation/design.rst.
 */
#ifndef _KSLAB_KSLAB_H
#define _KSLAB_KSLAB_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/jump_label.h>
#include <linux/local_lock.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched/mm.h>
#include <linux/string.h>
#include <linux/types.h>

struct kslab_cache;
struct kslab_rcu_batch;

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

/* ---- the inline fast path: kslab's internals, not for callers ---- */

/**
 * struct kslab_magazine - an array of free objects (Bonwick's magazine).
 * @list: on a depot's full or empty list (depot lock), else unused.
 * @rcu: frees it after a grace period: a CPU may read another's magazines
 *	under RCU.
 * @rounds: objects in @objs; owned by the CPU that holds it (its
 *	kslab_cpu), the depot lock, or the context that took it off both.
 * @size: capacity of @objs, fixed when the magazine is allocated.
 * @objs: the objects, @objs[0..@rounds).
 */
struct kslab_magazine {
	union {
		struct list_head list;
		struct rcu_head rcu;
	};
	unsigned int rounds;
	unsigned int size;
	void *objs[];
};

/**
 * struct kslab_cpu - the per-CPU layer of a cache; every field but @busy
 *	is owned by whoever holds the CPU's lock (kslab_cpu_trylock()).
 * @busy: the lock, without PREEMPT_RT: 1 while a context of this CPU
 *	(task, softirq or hardirq) holds it, with preemption disabled. An
 *	interrupt runs to its end before the context it interrupted goes on,
 *	so a plain read and write take it (as local_trylock() does) and an
 *	interrupt that finds it set goes round the per-CPU layer.
 * @lock: the lock, with PREEMPT_RT: a local_lock (a per-CPU sleeping
 *	lock; softirqs and threaded interrupts are tasks there).
 * @loaded: the magazine rents pop from and returns push to; never NULL.
 * @previous: the other magazine, always full or empty; never NULL.
 * @rcu: objects of kslab_return_rcu() waiting to be sent to RCU, or NULL.
 * @stat: &enum kslab_counter counters of this CPU; under the lock, or
 *	this_cpu_add() (one instruction, or irq-safe) without it.
 */
struct kslab_cpu {
#ifdef CONFIG_PREEMPT_RT
	local_lock_t lock;
#else
	unsigned int busy;
#endif
	struct kslab_magazine *loaded;
	struct kslab_magazine *previous;
	struct kslab_rcu_batch *rcu;
	unsigned long stat[KSLAB_CNT_NR];
};

/**
 * struct kslab_cache_fast - what the inline fast path reads of a cache;
 *	the first member of every &struct kslab_cache (const after create
 *	but @cpu).
 * @cpu: the per-CPU layer the fast path uses: the cache's own, or for a
 *	KSLAB_DEBUG cache, and for every cache while the kslab_rent or
 *	kslab_return trace event is on, one whose magazines are always empty
 *	and full (size 0), so that every call takes the slow path with no
 *	flag test. Read once per call: a call finishes on the layer it took.
 * @flags: KSLAB_* flags.
 * @object_size: bytes to zero on rent.
 * @init: every rent zeroes the object (KSLAB_ZERO, or init_on_alloc and
 *	no constructor and no poison).
 * @zero_ok: a rent with __GFP_ZERO zeroes it (all but a constructor's
 *	cache under init_on_alloc, as SLUB decides).
 */
struct kslab_cache_fast {
	struct kslab_cpu __percpu *cpu;
	unsigned int flags;
	unsigned int object_size;
	bool init;
	bool zero_ok;
};

/* Objects of remote nodes are counted on return (NUMA machines only). */
DECLARE_STATIC_KEY_FALSE(kslab_numa);

void *__kslab_rent(struct kslab_cache *cache, gfp_t gfp);
int __kslab_return(struct kslab_cache *cache, void *obj);
void kslab_count_remote(struct kslab_cache *cache, const void *obj);

/**
 * kslab_fast() - the fast-path fields of a cache.
 * @cache: the cache.
 *
 * Context: any context.
 * Return: its &struct kslab_cache_fast, which starts it.
 */
static __always_inline struct kslab_cache_fast *
kslab_fast(struct kslab_cache *cache)
{
	return (struct kslab_cache_fast *)cache;
}

#ifdef CONFIG_PREEMPT_RT
/*
 * PREEMPT_RT: the CPU's local_lock, a per-CPU sleeping lock (softirqs and
 * threaded interrupts are tasks there); never fails. Macros, so that
 * sparse sees the lock taken and released in the caller.
 */
#define __kslab_cpu_trylock(pcpu)	({ local_lock(&(pcpu)->lock); true; })
#define __kslab_cpu_unlock(pcpu)	local_unlock(&(pcpu)->lock)
#else
/**
 * __kslab_cpu_trylock() - take the current CPU's kslab_cpu of a layer.
 * @pcpu: the per-CPU layer.
 *
 * Disables preemption and sets the CPU's busy flag, unless a context this
 * one interrupted holds it; never disables interrupts and never spins. The
 * holder reaches the fields with __this_cpu_*() or this_cpu_ptr(). (On
 * PREEMPT_RT, a macro that takes the CPU's local_lock and never fails.)
 *
 * Context: any context kslab_rent() allows.
 * Return: true when taken, false when the CPU's layer is busy.
 */
static __always_inline bool __kslab_cpu_trylock(struct kslab_cpu __percpu *pcpu)
{
	preempt_disable();
	/* Read after preempt_disable()'s barrier(): no stale copy. */
	if (unlikely(__this_cpu_read(pcpu->busy))) {
		preempt_enable();
		return false;
	}
	__this_cpu_write(pcpu->busy, 1);
	barrier();
	return true;
}

/**
 * __kslab_cpu_unlock() - release what __kslab_cpu_trylock() took.
 * @pcpu: the per-CPU layer.
 *
 * Context: the context that took it.
 */
static __always_inline void __kslab_cpu_unlock(struct kslab_cpu __percpu *pcpu)
{
	barrier();
	__this_cpu_write(pcpu->busy, 0);
	preempt_enable();
}
#endif

/*
 * kslab_cpu_trylock(pcpu, ccp) - __kslab_cpu_trylock(), and on success the
 * CPU's kslab_cpu in *@ccp. kslab_cpu_unlock(pcpu, cc) releases it.
 */
#define kslab_cpu_trylock(pcpu, ccp) ({					\
	struct kslab_cpu __percpu *__pcpu = (pcpu);			\
	bool __taken = __kslab_cpu_trylock(__pcpu);			\
									\
	if (__taken)							\
		*(ccp) = this_cpu_ptr(__pcpu);				\
	__taken;							\
})
#define kslab_cpu_unlock(pcpu, cc) ({					\
	(void)(cc);							\
	__kslab_cpu_unlock(pcpu);					\
})

/**
 * kslab_fast_want_init() - whether a rent zeroes the object, as SLUB's
 *	slab_want_init_on_alloc() decides for a kmem_cache: the one rule of
 *	the inline fast path and of every slow path.
 * @fast: the cache's fast-path fields.
 * @gfp: the rent's flags.
 *
 * Context: any context.
 * Return: true when the object must be zeroed.
 */
static __always_inline bool
kslab_fast_want_init(const struct kslab_cache_fast *fast, gfp_t gfp)
{
	return fast->init || ((gfp & __GFP_ZERO) && fast->zero_ok);
}

/* ---- the API ---- */

/**
 * kslab_rent() - rent one object.
 * @cache: the cache.
 * @gfp: allocation flags for a new slab (GFP_KERNEL may sleep, GFP_ATOMIC
 *	or GFP_NOWAIT never does); __GFP_ZERO zeroes the object, as do
 *	init_on_alloc and KSLAB_ZERO, exactly as SLUB decides for a
 *	kmem_cache.
 *
 * The fast path pops the CPU's loaded magazine with preemption disabled;
 * everything else is __kslab_rent(), out of line. might_alloc() checks
 * @gfp against the context on every rent in kernels with
 * CONFIG_DEBUG_ATOMIC_SLEEP or lockdep, else in the slow path only (where
 * a rent may sleep), so the fast path has no voluntary preemption point.
 *
 * Context: any context (task, softirq, hardirq, interrupts disabled; on
 * PREEMPT_RT not hardirq nor with interrupts disabled); may sleep when
 * @gfp allows it. An interrupt that finds the CPU's magazines busy rents
 * from the slabs.
 * Return: the object, or NULL when no memory could be had.
 */
static __always_inline void *kslab_rent(struct kslab_cache *cache, gfp_t gfp)
{
	struct kslab_cache_fast *fast = kslab_fast(cache);
	struct kslab_cpu __percpu *pcpu = fast->cpu;
	struct kslab_magazine *mag;
	void *obj;

	/* Debug kernels check every rent; others each slow path (below). */
	if (IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP) || IS_ENABLED(CONFIG_LOCKDEP))
		might_alloc(gfp);
	/* Debug and KSLAB_LOCKED caches: magazines of size 0 here. */
	if (unlikely(!__kslab_cpu_trylock(pcpu)))
		return __kslab_rent(cache, gfp);
	mag = __this_cpu_read(pcpu->loaded);
	if (unlikely(!mag->rounds)) {
		__kslab_cpu_unlock(pcpu);
		return __kslab_rent(cache, gfp);
	}
	obj = mag->objs[--mag->rounds];
	__this_cpu_inc(pcpu->stat[KSLAB_CNT_RENT_LOADED]);
	__kslab_cpu_unlock(pcpu);
	if (kslab_fast_want_init(fast, gfp))
		memset(obj, 0, fast->object_size);
	return obj;
}

/**
 * kslab_return() - give one object back.
 * @cache: the cache it was rented from.
 * @obj: the object.
 *
 * The fast path pushes into the CPU's loaded magazine with preemption
 * disabled; everything else is __kslab_return(), out of line. In debug
 * mode (KSLAB_DEBUG) a double return or a pointer that is not an object of
 * @cache is reported (WARN_ONCE and the debug_error counter), left alone
 * and refused; without debug mode it is undefined.
 *
 * Context: any context, as kslab_rent(); never sleeps. An interrupt that
 * finds the CPU's magazines busy returns to the slab.
 * Return: 0, or in debug mode -EINVAL (foreign pointer) or -EALREADY
 * (double return).
 */
static __always_inline int kslab_return(struct kslab_cache *cache, void *obj)
{
	struct kslab_cpu __percpu *pcpu = kslab_fast(cache)->cpu;
	struct kslab_magazine *mag;

	if (unlikely(!__kslab_cpu_trylock(pcpu)))
		return __kslab_return(cache, obj);
	mag = __this_cpu_read(pcpu->loaded);
	if (unlikely(mag->rounds == mag->size)) {
		__kslab_cpu_unlock(pcpu);
		return __kslab_return(cache, obj);
	}
	mag->objs[mag->rounds++] = obj;
	__this_cpu_inc(pcpu->stat[KSLAB_CNT_RETURN_LOADED]);
	__kslab_cpu_unlock(pcpu);
	if (static_branch_unlikely(&kslab_numa))
		kslab_count_remote(cache, obj);
	return 0;
}

struct kslab_cache *kslab_cache_create(const char *name, unsigned int size,
				       unsigned int align, unsigned int flags,
				       void (*ctor)(void *),
				       unsigned int magazine_size);
void kslab_cache_destroy(struct kslab_cache *cache);
int kslab_return_rcu(struct kslab_cache *cache, void *obj);
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
