/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab core internals, shared by the files of the core (layout.c, slab.c,
 * magazine.c, shared.c, cache.c, debug.c, stats.c) and the KUnit suites.
 * Not an API: other modules use <kslab/kslab.h>. Nothing here knows of
 * /dev/kslab or its ABI.
 *
 * Locking, from the outside in (see Documentation/design.rst):
 *   1. kslab_caches_mutex  > cache->mutex  > kslab_flush_mutex (task)
 *   2. kslab_cpu (kslab_cpu_trylock(): a busy flag with preemption
 *      disabled, or a local_lock on PREEMPT_RT)
 *   3. kslab_depot.lock, kslab_shared.lock
 *   4. kslab_node.list_lock, then the debug slab index's xa_lock
 * Rent and return may come from any context, so 3 and 4 are taken with
 * interrupts saved and disabled (spin_lock_irqsave()); 2 never disables
 * interrupts: an interrupt that finds its CPU's layer busy goes round it,
 * to the node lists (kslab_slab_rent_one(), kslab_slab_return_one()). The
 * depot lock and a node's list lock are never held together.
 */
#ifndef _KSLAB_CORE_INTERNAL_H
#define _KSLAB_CORE_INTERNAL_H

#include <linux/cache.h>
#include <linux/list.h>
#include <linux/list_lru.h>
#include <linux/local_lock.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <kslab/kslab.h>

#include "core.h"
#include "layout.h"

/* Empty slabs a node keeps before giving pages back to the page allocator. */
#define KSLAB_EMPTY_RESERVE	1U
/* Contended depot locks within one second that double the magazine size. */
#define KSLAB_DEPOT_CONTENTION	8U
/* Full magazines a depot holds per CPU of its node (+1) before flushing. */
#define KSLAB_DEPOT_PER_CPU	2U
/* gfp bits kslab passes on to the page allocator and kmalloc. */
#define KSLAB_GFP_PASS		(__GFP_RECLAIM | __GFP_IO | __GFP_FS |	\
				 __GFP_NOWARN | __GFP_RETRY_MAYFAIL |	\
				 __GFP_NOFAIL | __GFP_NORETRY |		\
				 __GFP_HIGH | __GFP_MEMALLOC |		\
				 __GFP_NOMEMALLOC)

/**
 * struct kslab_depot - the magazines of one node that no CPU holds.
 * @lock: guards every field below; taken with interrupts disabled.
 * @full: full magazines.
 * @empty: empty magazines of the cache's current size.
 * @nr_full: magazines on @full.
 * @nr_empty: magazines on @empty.
 * @max_full: most magazines @full keeps; more are flushed to the slabs.
 * @contended: contended acquisitions of @lock since @window.
 * @window: jiffies when the current contention window began.
 * @rcu: objects of kslab_return_rcu() calls that found their CPU's layer
 *	busy, waiting to be sent to RCU, or NULL.
 */
struct kslab_depot {
	spinlock_t lock;		/* see the kernel-doc above */
	struct list_head full;
	struct list_head empty;
	unsigned int nr_full;
	unsigned int nr_empty;
	unsigned int max_full;
	unsigned int contended;
	unsigned long window;
	struct kslab_rcu_batch *rcu;
};

/**
 * struct kslab_shared - the one magazine of a KSLAB_LOCKED cache.
 * @lock: guards @mag's rounds and objects; interrupts disabled.
 * @mag: free objects, shared by every CPU; its size is the cache's
 *	magazine_size (const).
 */
struct kslab_shared {
	spinlock_t lock;		/* see the kernel-doc above */
	struct kslab_magazine *mag;
};

/**
 * struct kslab_slab - descriptor of one slab, allocated beside its pages.
 * @list: on its node's partial, full or empty list (node list_lock).
 * @rcu: debug caches: frees the pages and the descriptor a grace period
 *	after the slab left its node's lists and the cache's @slabs index
 *	(@list is no longer used then); shares @list's bytes, so the
 *	descriptor is no larger.
 * @page: the slab's pages (const); page_private() of its head points back.
 * @base: page_address(@page) (const).
 * @nid: node of @page (const).
 * @nr_free: free indices in @free (node list_lock).
 * @free: stack of free object indices (node list_lock); an out-of-band
 *	freelist that a write after return cannot corrupt.
 */
struct kslab_slab {
	union {
		struct list_head list;
		struct rcu_head rcu;
	};
	struct page *page;
	void *base;
	unsigned int nid;
	unsigned int nr_free;
	u16 free[];
};

/**
 * struct kslab_node - slabs and depot of one NUMA node.
 * @list_lock: guards the lists and counters below; interrupts disabled.
 * @partial: slabs with some objects free.
 * @full: slabs with no object free.
 * @empty: slabs with every object free (at most KSLAB_EMPTY_RESERVE unless
 *	a shrink is pending).
 * @nr_slabs: slabs on the three lists.
 * @nr_empty: slabs on @empty.
 * @nr_free: free objects in the node's slabs.
 * @fallback: the node the page allocator put the last new slab asked of
 *	this node on, when that was another node (this node was short of
 *	memory); else NUMA_NO_NODE. Rents of this node take objects from
 *	that node's lists after their own, so that its slabs fill up. A hint:
 *	READ_ONCE and WRITE_ONCE, no lock.
 * @lru_item: the cache's marker on its list_lru for this node, so that
 *	reclaim in the cache's memcg asks its shrinker (const after create).
 * @depot: the node's depot, on its own cache line.
 */
struct kslab_node {
	spinlock_t list_lock;	/* see the kernel-doc above */
	struct list_head partial;
	struct list_head full;
	struct list_head empty;
	unsigned long nr_slabs;
	unsigned long nr_empty;
	unsigned long nr_free;
	int fallback;
	struct list_head lru_item;
	struct kslab_depot depot ____cacheline_aligned_in_smp;
};

/**
 * struct kslab_cache - one kslab cache.
 * @fast: what the inline fast path of <kslab/kslab.h> reads: the per-CPU
 *	layer it may use (@cpu, or for a debug cache the per-CPU layer of
 *	empty magazines that sends every call to the slow path), the flags,
 *	the object size (const); the first member.
 * @cpu: the per-CPU layer (const).
 * @poison: debug mode poisons free objects (debug and no @ctor) (const).
 * @gfp: gfp bits added to every allocation of the cache, __GFP_ACCOUNT
 *	with KSLAB_ACCOUNT (const).
 * @memcg: KSLAB_ACCOUNT: the memcg of the cache's creator, charged for
 *	every allocation of the cache whoever makes it (kslab_memcg_enter());
 *	a reference is held. Else NULL (const).
 * @layout: slot layout (const).
 * @ctor: constructor run on every object of a new slab, or NULL (const).
 * @magazine_size: size of new magazines (KSLAB_LOCKED: of the shared one);
 *	READ_ONCE, written under @mutex.
 * @batch: objects a refill takes from the slabs; as @magazine_size.
 * @shared: KSLAB_LOCKED: the shared magazine; else NULL (const).
 * @rcu_batches: batches of kslab_return_rcu() allocated and not yet done.
 * @mutex: serialises tune (the resize work's too) and shrink.
 * @resize_work: grows the magazines when a depot is contended.
 * @shrinker: gives memory back under pressure.
 * @lru: holds the nodes' @lru_item markers of @memcg (a list_lru tied to
 *	@shrinker, which reclaim in @memcg then asks).
 * @cpuhp: on the CPU hotplug state's instance list.
 * @list: on kslab_caches (kslab_caches_mutex).
 * @slabs: debug mode: head pfn -> slab, to recognise foreign pointers;
 *	the xarray's own lock for stores and erases, rcu_read_lock() around a
 *	lookup and every use of the slab it found (a slab erased from it is
 *	freed a grace period later, with call_rcu()).
 * @debugfs: the cache's debugfs directory.
 * @id: unique number, for debugfs.
 * @name: the cache's name.
 * @kobj: the cache's directory in /sys/kernel/kslab (sysfs.c), or NULL.
 * @node: per-node slabs and depot, for each possible node.
 */
struct kslab_cache {
	struct kslab_cache_fast fast;
	struct kslab_cpu __percpu *cpu;
	bool poison;
	gfp_t gfp;
	struct mem_cgroup *memcg;
	struct kslab_layout layout;
	void (*ctor)(void *obj);
	unsigned int magazine_size;
	unsigned int batch;
	struct kslab_shared *shared;
	atomic_t rcu_batches;
	struct mutex mutex;	/* tune, resize, shrink */
	struct work_struct resize_work;
	struct shrinker *shrinker;
	struct list_lru lru;
	struct hlist_node cpuhp;
	struct list_head list;
	struct xarray slabs;
	struct dentry *debugfs;
	unsigned int id;
	char name[KSLAB_NAME_LEN];
	struct kobject *kobj;
	struct kslab_node *node[];
};

/* ---- slab.c: slabs of pages, per-node lists ---- */
unsigned int kslab_slab_alloc_bulk(struct kslab_cache *cache, int nid,
				   unsigned int nr, void **objs);
struct kslab_slab *kslab_slab_new(struct kslab_cache *cache, int nid,
				  gfp_t gfp);
unsigned int kslab_slab_take_new(struct kslab_cache *cache,
				 struct kslab_slab *slab, unsigned int nr,
				 void **objs);
unsigned long kslab_slab_free_bulk(struct kslab_cache *cache, unsigned int nr,
				   void **objs);
unsigned long kslab_slab_release_empty(struct kslab_cache *cache, int nid,
				       unsigned long keep);
unsigned int kslab_slab_alloc(struct kslab_cache *cache, gfp_t gfp,
			      unsigned int nr, void **objs);
void *kslab_slab_rent_one(struct kslab_cache *cache, gfp_t gfp);
void kslab_slab_return_one(struct kslab_cache *cache, void *obj);
unsigned long kslab_node_destroy(struct kslab_cache *cache, int nid);
u64 kslab_slab_count(struct kslab_cache *cache, u64 *empty);
u64 kslab_slab_partial(struct kslab_cache *cache);
struct kslab_slab *kslab_obj_slab(const void *obj);
void *kslab_slab_obj(struct kslab_cache *cache, struct kslab_slab *slab,
		     unsigned int idx);
int kslab_node_init(struct kslab_cache *cache, int nid);

/* ---- magazine.c: per-CPU magazines, depot ---- */
struct kslab_magazine *kslab_magazine_alloc(struct kslab_cache *cache,
					    unsigned int size, gfp_t gfp,
					    int nid);
void kslab_magazine_free(struct kslab_magazine *mag);
unsigned int kslab_cpu_cached(struct kslab_cache *cache, unsigned int cpu);
void kslab_magazines_reclaim(struct kslab_cache *cache, int nid);
int kslab_magazines_wq_init(void);
void kslab_magazines_wq_exit(void);
int kslab_magazines_init(struct kslab_cache *cache);
void kslab_cpu_miss_init(void);
DECLARE_PER_CPU(struct kslab_cpu, kslab_cpu_miss);
void kslab_magazines_destroy(struct kslab_cache *cache);
void kslab_cpu_drain(struct kslab_cache *cache, struct kslab_cpu *cc);
unsigned long kslab_depot_drain(struct kslab_cache *cache, int nid);
unsigned long kslab_depot_count(struct kslab_cache *cache, int nid);
void kslab_magazines_flush(struct kslab_cache *cache);
void kslab_depot_note_contention(struct kslab_cache *cache,
				 struct kslab_depot *depot);

/* ---- shared.c: the shared magazine of KSLAB_LOCKED ---- */
int kslab_shared_init(struct kslab_cache *cache);
void kslab_shared_destroy(struct kslab_cache *cache);
void kslab_shared_flush(struct kslab_cache *cache);

/* ---- rcu.c: kslab_return_rcu() batches ---- */
void kslab_rcu_flush_cpu(struct kslab_cpu *cc);
void kslab_rcu_flush_depot(struct kslab_depot *depot);
void kslab_rcu_destroy(struct kslab_cache *cache);

/* ---- debug.c: poison, red zones, double and foreign returns ---- */
void kslab_debug_init_obj(struct kslab_cache *cache, void *obj);
void kslab_debug_rent(struct kslab_cache *cache, void *obj);
int kslab_debug_return(struct kslab_cache *cache, void *obj);
int kslab_debug_track_slab(struct kslab_cache *cache, struct kslab_slab *slab,
			   gfp_t gfp);
void kslab_debug_untrack_slab(struct kslab_cache *cache,
			      struct kslab_slab *slab);

/* ---- stats.c: counters, debugfs, /proc/kslabinfo ---- */
int kslab_stats_init(void);
void kslab_stats_exit(void);
void kslab_stats_add_cache(struct kslab_cache *cache);
void kslab_stats_remove_cache(struct kslab_cache *cache);
unsigned long kslab_stat_sum(struct kslab_cache *cache, enum kslab_counter item);
void kslab_caches_route_slow(bool slow);

/* ---- trace.c: trace events (the events themselves are in trace.h) ---- */

/*
 * Which layer served a rent or took a return, in the kslab_rent and
 * kslab_return events: the CPU's loaded or previous magazine, the depot
 * (KSLAB_LOCKED: the shared magazine), the slabs after the CPU's layer
 * missed, or the slabs because the CPU's layer was busy.
 */
#define KSLAB_LAYER_LOADED	0U
#define KSLAB_LAYER_PREVIOUS	1U
#define KSLAB_LAYER_DEPOT	2U
#define KSLAB_LAYER_SLAB	3U
#define KSLAB_LAYER_BUSY	4U

int kslab_trace_reg(void);
void kslab_trace_unreg(void);

/* ---- sysfs.c: /sys/kernel/kslab/<name>.<id>/ ---- */
int kslab_sysfs_init(void);
void kslab_sysfs_exit(void);
void kslab_sysfs_add_cache(struct kslab_cache *cache, const char *name);
void kslab_sysfs_remove_cache(struct kslab_cache *cache);

/* ---- cache.c: kslab_core_init() and kslab_core_exit() are in core.h ---- */

/**
 * kslab_stat_add() - add to a counter of the current CPU.
 * @cache: the cache.
 * @item: the counter.
 * @n: how much.
 *
 * Context: any context.
 */
static inline void kslab_stat_add(struct kslab_cache *cache,
				  enum kslab_counter item, unsigned long n)
{
	this_cpu_add(cache->cpu->stat[item], n);
}

/* KUnit fault hooks (slab.c, magazine.c); 0 and untouched without KUnit. */
extern atomic_t kslab_fail_slabs;
extern atomic_t kslab_contend_depot;

/**
 * kslab_kunit_hook() - a KUnit fault hook: consume one of @count.
 * @count: how many more times the hook fires; KUnit sets it.
 *
 * Context: any context.
 * Return: true (and one less in @count) while @count is positive in a
 * kernel with KUnit; always false without it.
 */
static inline bool kslab_kunit_hook(atomic_t *count)
{
	return IS_ENABLED(CONFIG_KUNIT) && atomic_add_unless(count, -1, 0);
}

/**
 * kslab_node_of() - the node structure of a node id.
 * @cache: the cache.
 * @nid: a possible node.
 *
 * Return: the node's slabs and depot.
 */
static inline struct kslab_node *kslab_node_of(struct kslab_cache *cache,
					       int nid)
{
	return cache->node[nid];
}

/**
 * kslab_memcg_enter() - charge what follows to the cache's memcg.
 * @cache: the cache.
 *
 * With KSLAB_ACCOUNT, the cache's allocations (all made with @cache->gfp)
 * are charged to its creator's memcg, not to whichever task's rent or
 * return or work item happens to make them. Pair with kslab_memcg_exit().
 *
 * Context: any context (an interrupt's charge goes to the same memcg).
 * Return: the memcg to restore.
 */
static inline struct mem_cgroup *kslab_memcg_enter(struct kslab_cache *cache)
{
	return set_active_memcg(cache->memcg);
}

/**
 * kslab_memcg_exit() - end what kslab_memcg_enter() began.
 * @old: what it returned.
 *
 * Context: any context.
 */
static inline void kslab_memcg_exit(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

/**
 * kslab_magazine_cap() - the most objects a per-CPU magazine of a cache
 *	holds: KSLAB_MAGAZINE_BYTES of objects, one at least, and at most
 *	KSLAB_MAGAZINE_MAX. A depot holds max_full magazines, so at most
 *	max_full * KSLAB_MAGAZINE_BYTES (plus one object each).
 * @cache: the cache.
 *
 * Context: any context.
 * Return: the cap, in objects.
 */
static inline unsigned int kslab_magazine_cap(const struct kslab_cache *cache)
{
	return clamp(KSLAB_MAGAZINE_BYTES / cache->layout.stride, 1U,
		     KSLAB_MAGAZINE_MAX);
}

/**
 * kslab_node_home() - the node whose slabs a node's rents take objects from.
 * @cache: the cache.
 * @nid: a possible node.
 *
 * Context: any context.
 * Return: @nid's fallback node while @nid is short of memory, else @nid.
 */
static inline int kslab_node_home(struct kslab_cache *cache, int nid)
{
	int fallback = READ_ONCE(kslab_node_of(cache, nid)->fallback);

	return fallback == NUMA_NO_NODE ? nid : fallback;
}

/**
 * kslab_rent_finish() - debug checks and zeroing of a rented object.
 * @cache: the cache.
 * @obj: the object, or NULL.
 * @gfp: the rent's flags.
 *
 * Context: any context; does not sleep.
 * Return: @obj.
 */
static inline void *kslab_rent_finish(struct kslab_cache *cache, void *obj,
				      gfp_t gfp)
{
	if (unlikely(!obj))
		return NULL;
	if (unlikely(cache->fast.flags & KSLAB_DEBUG))
		kslab_debug_rent(cache, obj);
	if (kslab_fast_want_init(&cache->fast, gfp))
		memset(obj, 0, cache->layout.object_size);
	return obj;
}

/**
 * kslab_shared_rent() - rent from the shared magazine of a KSLAB_LOCKED
 *	cache, else from the slabs.
 * @cache: a KSLAB_LOCKED cache.
 * @gfp: allocation flags for a new slab.
 * @layer: set to KSLAB_LAYER_DEPOT (the shared magazine) or
 *	KSLAB_LAYER_SLAB.
 *
 * Context: any context, no kslab lock held; may sleep when @gfp allows.
 * Return: the object (not yet checked or zeroed), or NULL.
 */
static inline void *kslab_shared_rent(struct kslab_cache *cache, gfp_t gfp,
				      unsigned int *layer)
{
	unsigned long flags;
	struct kslab_shared *shared = cache->shared;
	struct kslab_magazine *mag = shared->mag;
	void *obj = NULL;

	spin_lock_irqsave(&shared->lock, flags);
	if (mag->rounds)
		obj = mag->objs[--mag->rounds];
	spin_unlock_irqrestore(&shared->lock, flags);
	if (unlikely(!obj)) {
		*layer = KSLAB_LAYER_SLAB;
		return kslab_slab_rent_one(cache, gfp);
	}
	kslab_stat_add(cache, KSLAB_CNT_RENT_DEPOT, 1);
	*layer = KSLAB_LAYER_DEPOT;
	return obj;
}

/**
 * kslab_shared_return() - return to the shared magazine of a KSLAB_LOCKED
 *	cache, else to the slabs.
 * @cache: a KSLAB_LOCKED cache.
 * @obj: the object, already checked in debug mode.
 *
 * Context: any context; does not sleep; takes the shared lock, and a
 * node's list_lock after dropping it when the magazine is full.
 * Return: KSLAB_LAYER_DEPOT (the shared magazine) or KSLAB_LAYER_SLAB.
 */
static inline unsigned int kslab_shared_return(struct kslab_cache *cache,
					       void *obj)
{
	unsigned long flags;
	struct kslab_shared *shared = cache->shared;
	struct kslab_magazine *mag = shared->mag;
	bool kept = false;

	spin_lock_irqsave(&shared->lock, flags);
	if (mag->rounds < mag->size) {
		mag->objs[mag->rounds++] = obj;
		kept = true;
	}
	spin_unlock_irqrestore(&shared->lock, flags);
	if (likely(kept)) {
		kslab_stat_add(cache, KSLAB_CNT_RETURN_DEPOT, 1);
		return KSLAB_LAYER_DEPOT;
	}
	kslab_slab_return_one(cache, obj);
	return KSLAB_LAYER_SLAB;
}

#endif /* _KSLAB_CORE_INTERNAL_H */
