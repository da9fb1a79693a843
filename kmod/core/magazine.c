// SPDX-License-Identifier: GPL-2.0
/*
 * kslab per-CPU layer: a loaded and a previous magazine per CPU, and a
 * depot of full and empty magazines per node (Bonwick & Adams, USENIX
 * 2001).
 *
 * Rent pops from the loaded magazine; if it is empty and the previous one
 * is full, the two swap; else the empty loaded magazine is traded for a
 * full one from the depot of the current node; else the loaded magazine is
 * filled with a batch from the slab layer: the current node's slabs, or,
 * while that node is short of memory and the page allocator puts its new
 * slabs on another node, that node's (see slab.c); only when they have no
 * free object is a new slab allocated. Return mirrors it. The previous
 * magazine is always full or empty, so a CPU that alternates rent and
 * return around a magazine boundary stays on the fast path.
 *
 * The fast path takes the CPU's kslab_cpu with kslab_cpu_trylock(): with
 * preemption disabled, a busy flag that a plain read and write set, as an
 * interrupt on the same CPU always ends before the context it interrupted
 * goes on (no atomic, no irq-save; a local_lock on PREEMPT_RT). A rent or
 * return that finds the flag set is an interrupt (or a nested one) that
 * landed while its CPU's magazines were held: it goes round them, to the
 * node lists, whose locks (as the depot's) are taken with interrupts
 * disabled. So every context may rent and return and the fast path never
 * disables interrupts. A return on another CPU than the rent costs the
 * same as a local one: the object goes into the returning CPU's magazine.
 */
#include <linux/cpu.h>
#include <linux/jiffies.h>
#include <linux/local_lock.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

/* ---- magazines ---- */

/**
 * kslab_magazine_alloc() - allocate an empty magazine of a cache, charged
 *	to the cache's memcg with KSLAB_ACCOUNT.
 * @cache: the cache.
 * @size: its capacity, 0 or more.
 * @gfp: allocation flags (the cache's own are added).
 * @nid: preferred node, or NUMA_NO_NODE.
 *
 * Context: task context; may sleep when @gfp allows it.
 * Return: the magazine or NULL.
 */
struct kslab_magazine *kslab_magazine_alloc(struct kslab_cache *cache,
					    unsigned int size, gfp_t gfp,
					    int nid)
{
	struct kslab_magazine *mag;
	struct mem_cgroup *old = kslab_memcg_enter(cache);

	mag = kmalloc_node(struct_size(mag, objs, size), gfp | cache->gfp, nid);
	kslab_memcg_exit(old);
	if (mag) {
		mag->rounds = 0;
		mag->size = size;
	}
	return mag;
}

/**
 * kslab_magazine_free() - free a magazine after an RCU grace period, as
 *	kslab_cpu_cached() may still be reading it from another CPU.
 * @mag: the magazine, on no list, or NULL.
 *
 * Context: any context; does not sleep.
 */
void kslab_magazine_free(struct kslab_magazine *mag)
{
	if (mag)
		kfree_rcu(mag, rcu);
}

/* Give every object of @mag back to the slab layer. */
static void kslab_magazine_empty_out(struct kslab_cache *cache,
				     struct kslab_magazine *mag)
{
	kslab_slab_free_bulk(cache, mag->rounds, mag->objs);
	mag->rounds = 0;
}

/* Size of the per-CPU magazines: 0 for a KSLAB_LOCKED cache (see shared.c). */
static unsigned int kslab_cpu_magazine_size(struct kslab_cache *cache)
{
	return cache->shared ? 0 : READ_ONCE(cache->magazine_size);
}

/* ---- depot ---- */

static struct kslab_depot *kslab_local_depot(struct kslab_cache *cache)
{
	return &kslab_node_of(cache, numa_mem_id())->depot;
}

/**
 * kslab_depot_note_contention() - count a contended depot lock; grow the
 * magazines when a depot is contended often.
 * @cache: the cache.
 * @depot: the depot, its lock held.
 *
 * KSLAB_DEPOT_CONTENTION contended acquisitions within one second queue
 * the cache's resize work, which doubles the magazine size up to
 * kslab_magazine_cap().
 *
 * Context: any context, @depot->lock held; does not sleep.
 */
void kslab_depot_note_contention(struct kslab_cache *cache,
				 struct kslab_depot *depot)
{
	lockdep_assert_held(&depot->lock);
	kslab_stat_add(cache, KSLAB_CNT_DEPOT_CONTENDED, 1);
	if (time_after(jiffies, depot->window + HZ)) {
		depot->window = jiffies;
		depot->contended = 0;
	}
	if (++depot->contended == KSLAB_DEPOT_CONTENTION &&
	    READ_ONCE(cache->magazine_size) < kslab_magazine_cap(cache))
		schedule_work(&cache->resize_work);
}
EXPORT_SYMBOL_IF_KUNIT(kslab_depot_note_contention);

/* KUnit: the next kslab_contend_depot depot locks count as contended. */
atomic_t kslab_contend_depot = ATOMIC_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(kslab_contend_depot);

/* Take the depot lock, noting contention; returns the saved irq flags. */
static unsigned long kslab_depot_lock(struct kslab_cache *cache,
				      struct kslab_depot *depot)
	__acquires(&depot->lock)
{
	unsigned long flags;

	if (likely(!kslab_kunit_hook(&kslab_contend_depot) &&
		   spin_trylock_irqsave(&depot->lock, flags)))
		return flags;
	spin_lock_irqsave(&depot->lock, flags);
	kslab_depot_note_contention(cache, depot);
	return flags;
}

/* Keep an empty magazine in @depot (lock held); else hand it back to free. */
static struct kslab_magazine *kslab_depot_put_empty(struct kslab_cache *cache,
						    struct kslab_depot *depot,
						    struct kslab_magazine *mag)
{
	if (mag->size != READ_ONCE(cache->magazine_size) ||
	    depot->nr_empty >= depot->max_full)
		return mag;
	list_add(&mag->list, &depot->empty);
	depot->nr_empty++;
	return NULL;
}

/* Trade the CPU's empty loaded magazine for a full one of the depot. */
static bool kslab_depot_get_full(struct kslab_cache *cache,
				 struct kslab_cpu *cc)
{
	struct kslab_depot *depot = kslab_local_depot(cache);
	struct kslab_magazine *full, *drop = NULL;
	unsigned long flags;

	flags = kslab_depot_lock(cache, depot);
	full = list_first_entry_or_null(&depot->full, struct kslab_magazine,
					list);
	if (full) {
		list_del(&full->list);
		depot->nr_full--;
		drop = kslab_depot_put_empty(cache, depot, cc->loaded);
	}
	spin_unlock_irqrestore(&depot->lock, flags);
	if (!full)
		return false;
	trace_kslab_depot_exchange(cache, numa_mem_id(), true, full->rounds);
	cc->loaded = full;
	kslab_magazine_free(drop);
	return true;
}

/*
 * Store the CPU's full magazine @full in the depot and hand back an empty
 * one: the depot's, else @spare. NULL, and nothing stored, when the depot
 * holds max_full magazines or has no empty one and @spare is NULL.
 */
static struct kslab_magazine *kslab_depot_put_full(struct kslab_cache *cache,
						   struct kslab_depot *depot,
						   struct kslab_magazine *full,
						   struct kslab_magazine *spare)
{
	struct kslab_magazine *empty = NULL;
	unsigned long flags;

	flags = kslab_depot_lock(cache, depot);
	if (depot->nr_full < depot->max_full) {
		empty = list_first_entry_or_null(&depot->empty,
						 struct kslab_magazine, list);
		if (empty) {
			list_del(&empty->list);
			depot->nr_empty--;
		} else {
			empty = spare;
		}
		if (empty) {
			list_add(&full->list, &depot->full);
			depot->nr_full++;
		}
	}
	spin_unlock_irqrestore(&depot->lock, flags);
	return empty;
}

/**
 * kslab_depot_count() - objects a node's depot holds.
 * @cache: the cache.
 * @nid: the node.
 *
 * Context: any context; does not sleep; takes the depot lock.
 * Return: rounds in the depot's full magazines.
 */
unsigned long kslab_depot_count(struct kslab_cache *cache, int nid)
{
	unsigned long flags;
	struct kslab_depot *depot = &kslab_node_of(cache, nid)->depot;
	struct kslab_magazine *mag;
	unsigned long n = 0;

	spin_lock_irqsave(&depot->lock, flags);
	list_for_each_entry(mag, &depot->full, list)
		n += mag->rounds;
	spin_unlock_irqrestore(&depot->lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_depot_count);

/**
 * kslab_depot_drain() - give a depot's objects back to the slabs, free
 * its magazines and send its kslab_return_rcu() batch to RCU.
 * @cache: the cache.
 * @nid: the node.
 *
 * Context: any context; does not sleep; takes the depot lock, and once it
 * is dropped the list_lock of each of the objects' nodes in turn.
 * Return: pages given back to the page allocator: the objects' slabs (of
 * any node) that became empty beyond their node's reserve.
 */
unsigned long kslab_depot_drain(struct kslab_cache *cache, int nid)
{
	unsigned long flags;
	struct kslab_depot *depot = &kslab_node_of(cache, nid)->depot;
	struct kslab_magazine *mag, *next;
	unsigned long pages = 0;
	LIST_HEAD(mags);

	spin_lock_irqsave(&depot->lock, flags);
	list_splice_init(&depot->full, &mags);
	list_splice_init(&depot->empty, &mags);
	depot->nr_full = 0;
	depot->nr_empty = 0;
	spin_unlock_irqrestore(&depot->lock, flags);
	kslab_rcu_flush_depot(depot);
	list_for_each_entry_safe(mag, next, &mags, list) {
		pages += kslab_slab_free_bulk(cache, mag->rounds, mag->objs);
		kslab_magazine_free(mag);
	}
	return pages;
}

/* ---- rent ---- */

/*
 * Fill the CPU's empty loaded magazine from existing slabs: the node's, or
 * those of the node it falls back to (kslab_slab_alloc_bulk()).
 */
static bool kslab_refill(struct kslab_cache *cache, struct kslab_cpu *cc)
{
	struct kslab_magazine *mag = cc->loaded;

	mag->rounds = kslab_slab_alloc_bulk(cache, numa_mem_id(),
					    min(cache->batch, mag->size),
					    mag->objs);
	return mag->rounds;
}

/*
 * No object anywhere: a new slab, with no lock held, then fill loaded.
 * *@layer: KSLAB_LAYER_SLAB, or KSLAB_LAYER_BUSY when an interrupt found
 * the CPU's layer busy meanwhile.
 */
static void *kslab_rent_grow(struct kslab_cache *cache, gfp_t gfp,
			     unsigned int *layer)
{
	struct kslab_magazine *mag;
	struct kslab_slab *slab;
	struct kslab_cpu *cc;
	void *obj;

	slab = kslab_slab_new(cache, numa_mem_id(), gfp);
	if (!slab) {
		kslab_stat_add(cache, KSLAB_CNT_RENT_FAIL, 1);
		return NULL;
	}
	if (unlikely(!kslab_cpu_trylock(cache->cpu, &cc))) {
		/* Only a context that interrupted a holder: but that went round. */
		kslab_slab_take_new(cache, slab, 1, &obj);
		kslab_stat_add(cache, KSLAB_CNT_RENT_SLAB, 1);
		*layer = KSLAB_LAYER_BUSY;
		return obj;
	}
	mag = cc->loaded;
	/* Another task may have filled it meanwhile: then room may be 0. */
	mag->rounds += kslab_slab_take_new(cache, slab,
					   min(cache->batch, mag->size - mag->rounds),
					   mag->objs + mag->rounds);
	obj = mag->objs[--mag->rounds];
	cc->stat[KSLAB_CNT_RENT_SLAB]++;
	kslab_cpu_unlock(cache->cpu, cc);
	*layer = KSLAB_LAYER_SLAB;
	return obj;
}

/*
 * The loaded magazine is empty; @cc held, and still held on return (the
 * caller releases it). NULL: no object without a new slab, which the
 * caller asks of kslab_rent_grow() once it released @cc. *@layer: where
 * the object came from (KSLAB_LAYER_*).
 */
static void *kslab_rent_slow(struct kslab_cache *cache, struct kslab_cpu *cc,
			     unsigned int *layer)
{
	enum kslab_counter item;

	if (cc->previous->rounds) {
		swap(cc->loaded, cc->previous);
		item = KSLAB_CNT_RENT_PREVIOUS;
		*layer = KSLAB_LAYER_PREVIOUS;
	} else if (kslab_depot_get_full(cache, cc)) {
		item = KSLAB_CNT_RENT_DEPOT;
		*layer = KSLAB_LAYER_DEPOT;
	} else if (kslab_refill(cache, cc)) {
		item = KSLAB_CNT_RENT_SLAB;
		*layer = KSLAB_LAYER_SLAB;
	} else {
		return NULL;
	}
	cc->stat[item]++;
	return cc->loaded->objs[--cc->loaded->rounds];
}

/**
 * __kslab_rent() - everything kslab_rent()'s inline fast path leaves out:
 *	debug and KSLAB_LOCKED caches, a busy per-CPU layer, an empty
 *	loaded magazine.
 * @cache: the cache.
 * @gfp: as for kslab_rent().
 *
 * Each rent that gets an object is traced (kslab_rent), with the layer
 * that served it; while that event or kslab_return is enabled, the inline
 * fast path sends every call here (kslab_trace_reg()).
 *
 * Context: as kslab_rent().
 * Return: the object, checked and zeroed as kslab_rent() says, or NULL.
 */
void *__kslab_rent(struct kslab_cache *cache, gfp_t gfp)
{
	unsigned int layer = KSLAB_LAYER_LOADED;
	struct kslab_magazine *mag;
	struct kslab_cpu *cc;
	void *obj;

	might_alloc(gfp);
	if (unlikely(cache->fast.flags & KSLAB_LOCKED)) {
		obj = kslab_shared_rent(cache, gfp, &layer);
		goto out;
	}
	if (unlikely(!kslab_cpu_trylock(cache->cpu, &cc))) {
		obj = kslab_slab_rent_one(cache, gfp);
		layer = KSLAB_LAYER_BUSY;
		goto out;
	}
	mag = cc->loaded;
	if (likely(mag->rounds)) {
		obj = mag->objs[--mag->rounds];
		cc->stat[KSLAB_CNT_RENT_LOADED]++;
	} else {
		obj = kslab_rent_slow(cache, cc, &layer);
	}
	kslab_cpu_unlock(cache->cpu, cc);
	if (unlikely(!obj))
		obj = kslab_rent_grow(cache, gfp, &layer);
out:
	obj = kslab_rent_finish(cache, obj, gfp);
	if (obj)
		trace_kslab_rent(cache, obj, layer);
	return obj;
}
EXPORT_SYMBOL_GPL(__kslab_rent);

/* The per-CPU layer is busy (we interrupted its holder): from the slabs. */
static noinline unsigned int kslab_rent_bulk_busy(struct kslab_cache *cache,
						  gfp_t gfp, unsigned int nr,
						  void **objs)
{
	unsigned int done = 0, n;

	while (done < nr) {
		n = kslab_slab_alloc(cache, gfp, nr - done, objs + done);
		if (!n) {
			kslab_stat_add(cache, KSLAB_CNT_RENT_FAIL, 1);
			break;
		}
		kslab_stat_add(cache, KSLAB_CNT_RENT_SLAB, n);
		done += n;
	}
	return done;
}

/*
 * Whether kslab_rent or kslab_return is traced: the bulk calls then go one
 * object at a time through kslab_rent() and kslab_return(), which trace
 * each (their inline fast path is off then, see kslab_trace_reg()).
 */
static bool kslab_traced(void)
{
	return trace_kslab_rent_enabled() || trace_kslab_return_enabled();
}

/*
 * Rent one at a time: KSLAB_LOCKED (the shared magazine has no batch pop),
 * and while traced.
 */
static unsigned int kslab_rent_each(struct kslab_cache *cache, gfp_t gfp,
				    unsigned int nr, void **objs)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		objs[i] = kslab_rent(cache, gfp);
		if (!objs[i])
			break;
	}
	return i;
}

/**
 * kslab_rent_bulk() - rent up to @nr objects.
 * @cache: the cache.
 * @gfp: as for kslab_rent().
 * @nr: how many.
 * @objs: where to store them.
 *
 * Context: as kslab_rent().
 * Return: how many objects were rented, 0 to @nr; that many entries of
 * @objs, from the first, are valid.
 */
unsigned int kslab_rent_bulk(struct kslab_cache *cache, gfp_t gfp,
			     unsigned int nr, void **objs)
{
	unsigned int done = 0, i, n, layer;
	struct kslab_magazine *mag;
	struct kslab_cpu *cc;
	void *obj;

	might_alloc(gfp);
	if (unlikely(cache->fast.flags & KSLAB_LOCKED) || kslab_traced())
		return kslab_rent_each(cache, gfp, nr, objs);
	while (done < nr) {
		if (unlikely(!kslab_cpu_trylock(cache->cpu, &cc))) {
			done += kslab_rent_bulk_busy(cache, gfp, nr - done,
						     objs + done);
			break;
		}
		mag = cc->loaded;
		n = min(mag->rounds, nr - done);
		mag->rounds -= n;
		memcpy(objs + done, mag->objs + mag->rounds, n * sizeof(*objs));
		cc->stat[KSLAB_CNT_RENT_LOADED] += n;
		done += n;
		obj = done < nr ? kslab_rent_slow(cache, cc, &layer) : NULL;
		kslab_cpu_unlock(cache->cpu, cc);
		if (done == nr)
			break;
		if (!obj)
			obj = kslab_rent_grow(cache, gfp, &layer);
		if (!obj)
			break;
		objs[done++] = obj;
	}
	if ((cache->fast.flags & KSLAB_DEBUG) ||
	    kslab_fast_want_init(&cache->fast, gfp))
		for (i = 0; i < done; i++)
			kslab_rent_finish(cache, objs[i], gfp);
	return done;
}
EXPORT_SYMBOL_GPL(kslab_rent_bulk);

/* ---- return ---- */

/*
 * Previous is full and of an old size (a resize has not reached this CPU
 * yet, or a magazine of the old size came from the depot): it does not go
 * into the depot, where it would keep circulating; its objects go to the
 * slabs, and a magazine of the new size takes its place when one can be
 * had without waiting. Returns the path.
 */
static enum kslab_counter kslab_return_stale(struct kslab_cache *cache,
					     struct kslab_cpu *cc)
{
	struct kslab_magazine *mag;

	kslab_magazine_empty_out(cache, cc->previous);
	mag = kslab_magazine_alloc(cache, READ_ONCE(cache->magazine_size),
				   GFP_NOWAIT | __GFP_NOWARN, numa_mem_id());
	if (mag) {
		kslab_magazine_free(cc->previous);
		cc->previous = mag;
	}
	return KSLAB_CNT_RETURN_SLAB;
}

/* Loaded and previous are full: make previous empty. Returns the path. */
static enum kslab_counter kslab_return_exchange(struct kslab_cache *cache,
						struct kslab_cpu *cc)
{
	struct kslab_depot *depot = kslab_local_depot(cache);
	struct kslab_magazine *empty, *spare = NULL;

	if (unlikely(cc->previous->size != READ_ONCE(cache->magazine_size)))
		return kslab_return_stale(cache, cc);
	empty = kslab_depot_put_full(cache, depot, cc->previous, NULL);
	if (!empty && READ_ONCE(depot->nr_full) < depot->max_full) {
		spare = kslab_magazine_alloc(cache, READ_ONCE(cache->magazine_size),
					     GFP_NOWAIT | __GFP_NOWARN,
					     numa_mem_id());
		if (spare)
			empty = kslab_depot_put_full(cache, depot, cc->previous,
						     spare);
	}
	if (empty) {
		trace_kslab_depot_exchange(cache, numa_mem_id(), false,
					   cc->previous->rounds);
		if (empty != spare)
			kfree(spare);
		cc->previous = empty;
		return KSLAB_CNT_RETURN_DEPOT;
	}
	kfree(spare);
	kslab_magazine_empty_out(cache, cc->previous);
	return KSLAB_CNT_RETURN_SLAB;
}

/* The loaded magazine is full; @cc held. Returns the KSLAB_LAYER_*. */
static unsigned int kslab_return_slow(struct kslab_cache *cache,
				      struct kslab_cpu *cc, void *obj)
{
	enum kslab_counter item = KSLAB_CNT_RETURN_PREVIOUS;

	if (cc->previous->rounds)
		item = kslab_return_exchange(cache, cc);
	swap(cc->loaded, cc->previous);
	cc->loaded->objs[cc->loaded->rounds++] = obj;
	cc->stat[item]++;
	if (item == KSLAB_CNT_RETURN_PREVIOUS)
		return KSLAB_LAYER_PREVIOUS;
	return item == KSLAB_CNT_RETURN_DEPOT ? KSLAB_LAYER_DEPOT :
						KSLAB_LAYER_SLAB;
}

/**
 * kslab_count_remote() - count the return of an object of another node.
 * @cache: the cache.
 * @obj: the object returned.
 *
 * Called only when the kslab_numa static key is on (more than one node).
 *
 * Context: any context; does not sleep.
 */
void kslab_count_remote(struct kslab_cache *cache, const void *obj)
{
	if (page_to_nid(virt_to_page(obj)) != numa_mem_id())
		kslab_stat_add(cache, KSLAB_CNT_RETURN_REMOTE, 1);
}
EXPORT_SYMBOL_GPL(kslab_count_remote);

/*
 * The per-CPU part of a return: push into the loaded magazine. Returns the
 * KSLAB_LAYER_* that took the object.
 */
static unsigned int kslab_return_cpu(struct kslab_cache *cache, void *obj)
{
	unsigned int layer = KSLAB_LAYER_LOADED;
	struct kslab_magazine *mag;
	struct kslab_cpu *cc;

	if (static_branch_unlikely(&kslab_numa))
		kslab_count_remote(cache, obj);
	if (unlikely(!kslab_cpu_trylock(cache->cpu, &cc))) {
		kslab_slab_return_one(cache, obj);
		return KSLAB_LAYER_BUSY;
	}
	mag = cc->loaded;
	if (likely(mag->rounds < mag->size)) {
		mag->objs[mag->rounds++] = obj;
		cc->stat[KSLAB_CNT_RETURN_LOADED]++;
	} else {
		layer = kslab_return_slow(cache, cc, obj);
	}
	kslab_cpu_unlock(cache->cpu, cc);
	return layer;
}

/*
 * A return to a debug or KSLAB_LOCKED cache: checks, then where it goes.
 * Returns 0 or the debug check's error; *@layer: the KSLAB_LAYER_*.
 */
static noinline int kslab_return_checked(struct kslab_cache *cache, void *obj,
					 unsigned int *layer)
{
	if (cache->fast.flags & KSLAB_DEBUG) {
		int err = kslab_debug_return(cache, obj);

		if (err)
			return err;
	}
	if (cache->shared)
		*layer = kslab_shared_return(cache, obj);
	else
		*layer = kslab_return_cpu(cache, obj);
	return 0;
}

/**
 * __kslab_return() - everything kslab_return()'s inline fast path leaves
 *	out: debug and KSLAB_LOCKED caches, a busy per-CPU layer, a full
 *	loaded magazine.
 * @cache: the cache it was rented from.
 * @obj: the object.
 *
 * Each return taken back is traced (kslab_return), with the layer that
 * took it; while that event or kslab_rent is enabled, the inline fast
 * path sends every call here (kslab_trace_reg()).
 *
 * Context: as kslab_return().
 * Return: as kslab_return().
 */
int __kslab_return(struct kslab_cache *cache, void *obj)
{
	unsigned int layer;
	int err = 0;

	if (unlikely(cache->fast.flags & (KSLAB_DEBUG | KSLAB_LOCKED)))
		err = kslab_return_checked(cache, obj, &layer);
	else
		layer = kslab_return_cpu(cache, obj);
	if (!err)
		trace_kslab_return(cache, obj, layer);
	return err;
}
EXPORT_SYMBOL_GPL(__kslab_return);

static int kslab_return_each(struct kslab_cache *cache, unsigned int nr,
			     void **objs)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < nr; i++) {
		int ret = kslab_return(cache, objs[i]);

		if (ret && !err)
			err = ret;
	}
	return err;
}

/**
 * kslab_return_bulk() - give @nr objects back.
 * @cache: the cache they were rented from.
 * @nr: how many.
 * @objs: the objects.
 *
 * In debug mode each object is checked as by kslab_return(); the good ones
 * are taken back, the bad ones left alone.
 *
 * Context: as kslab_return().
 * Return: 0, or in debug mode the error of the first refused object.
 */
int kslab_return_bulk(struct kslab_cache *cache, unsigned int nr, void **objs)
{
	struct kslab_magazine *mag;
	struct kslab_cpu *cc;
	unsigned int i = 0, n;

	if (unlikely(cache->fast.flags & (KSLAB_DEBUG | KSLAB_LOCKED)) ||
	    kslab_traced())
		return kslab_return_each(cache, nr, objs);
	if (static_branch_unlikely(&kslab_numa))
		for (n = 0; n < nr; n++)
			kslab_count_remote(cache, objs[n]);
	while (i < nr) {
		if (unlikely(!kslab_cpu_trylock(cache->cpu, &cc))) {
			kslab_slab_free_bulk(cache, nr - i, objs + i);
			kslab_stat_add(cache, KSLAB_CNT_RETURN_SLAB, nr - i);
			break;
		}
		mag = cc->loaded;
		n = min(mag->size - mag->rounds, nr - i);
		memcpy(mag->objs + mag->rounds, objs + i, n * sizeof(*objs));
		mag->rounds += n;
		cc->stat[KSLAB_CNT_RETURN_LOADED] += n;
		i += n;
		if (i < nr)
			kslab_return_slow(cache, cc, objs[i++]);
		kslab_cpu_unlock(cache->cpu, cc);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(kslab_return_bulk);

/* ---- flushing and resizing the per-CPU layer ---- */

/**
 * kslab_cpu_drain() - give a CPU's magazine contents back to the slabs
 *	and send its kslab_return_rcu() batch to RCU.
 * @cache: the cache.
 * @cc: the CPU's kslab_cpu: held (kslab_cpu_trylock()), or the CPU is
 *	dead.
 *
 * Context: any context; does not sleep.
 */
void kslab_cpu_drain(struct kslab_cache *cache, struct kslab_cpu *cc)
{
	kslab_magazine_empty_out(cache, cc->loaded);
	kslab_magazine_empty_out(cache, cc->previous);
	kslab_rcu_flush_cpu(cc);
}

/**
 * struct kslab_flush - the work that drains one CPU's magazines.
 * @work: runs on that CPU, on kslab_wq.
 * @cache: the cache.
 * @mags: NULL, or the new loaded and previous magazines to install (a
 *	resize), allocated by the queuing task so that the work never
 *	allocates (it may run for the shrinker, under reclaim); the work
 *	hands back the old ones here for freeing.
 * @queued: queued by the flush under way, which waits for it.
 */
struct kslab_flush {
	struct work_struct work;
	struct kslab_cache *cache;
	struct kslab_magazine *mags[2];
	bool queued;
};

static DEFINE_PER_CPU(struct kslab_flush, kslab_flush);
/* Guards kslab_flush: one flush of any cache at a time. */
static DEFINE_MUTEX(kslab_flush_mutex);
/* Where flushes run: WQ_MEM_RECLAIM, as the shrinker waits for them. */
static struct workqueue_struct *kslab_wq;

/* Runs on the CPU to flush: drain, and install new magazines if given. */
static void kslab_flush_cpu(struct work_struct *work)
{
	struct kslab_flush *f = container_of(work, struct kslab_flush, work);
	struct kslab_cache *cache = f->cache;
	struct kslab_cpu *cc;

	if (kslab_cpu_trylock(cache->cpu, &cc)) {
		kslab_cpu_drain(cache, cc);
		if (f->mags[0]) {
			swap(cc->loaded, f->mags[0]);
			swap(cc->previous, f->mags[1]);
		}
		kslab_cpu_unlock(cache->cpu, cc);
	} else {
		/* Task context: no context below this one can hold it. */
		WARN_ON_ONCE(1);
	}
	kslab_magazine_free(f->mags[0]);
	kslab_magazine_free(f->mags[1]);
	f->mags[0] = NULL;
	f->mags[1] = NULL;
}

/*
 * Reading another CPU's magazines: the pointers under RCU (magazines are
 * freed after a grace period), the counts as a hint only.
 */
static unsigned int kslab_cpu_peek(struct kslab_cache *cache,
				   unsigned int cpu, unsigned int *size)
{
	struct kslab_cpu *cc = per_cpu_ptr(cache->cpu, cpu);
	struct kslab_magazine *loaded, *previous;
	unsigned int rounds;

	rcu_read_lock();
	loaded = READ_ONCE(cc->loaded);
	previous = READ_ONCE(cc->previous);
	rounds = READ_ONCE(loaded->rounds) + READ_ONCE(previous->rounds);
	if (size)
		*size = loaded->size == previous->size ? loaded->size : U32_MAX;
	rcu_read_unlock();
	return rounds;
}

/**
 * kslab_cpu_cached() - objects a CPU's magazines hold, as a hint.
 * @cache: the cache.
 * @cpu: a possible CPU.
 *
 * Context: any context; does not sleep.
 * Return: the rounds of its loaded and previous magazines, as they were
 * a moment ago.
 */
unsigned int kslab_cpu_cached(struct kslab_cache *cache, unsigned int cpu)
{
	return kslab_cpu_peek(cache, cpu, NULL);
}

/*
 * Queue the flush of @cpu, with new magazines of @size when its own are
 * of another size (and @resize), or not at all when it has nothing to do.
 * kslab_flush_mutex and the CPU hotplug read lock are held.
 */
static void kslab_flush_queue(struct kslab_cache *cache, unsigned int cpu,
			      unsigned int size, bool resize)
{
	struct kslab_flush *f = per_cpu_ptr(&kslab_flush, cpu);
	unsigned int cur;
	int nid = cpu_to_mem(cpu);

	lockdep_assert_held(&kslab_flush_mutex);
	f->cache = cache;
	if (!kslab_cpu_peek(cache, cpu, &cur) &&
	    !READ_ONCE(per_cpu_ptr(cache->cpu, cpu)->rcu) &&
	    (!resize || cur == size))
		return;
	if (resize && cur != size) {
		f->mags[0] = kslab_magazine_alloc(cache, size, GFP_KERNEL, nid);
		f->mags[1] = kslab_magazine_alloc(cache, size, GFP_KERNEL, nid);
		if (!f->mags[0] || !f->mags[1]) {
			/* Keep the old size on this CPU: only drain it. */
			kfree(f->mags[0]);
			kfree(f->mags[1]);
			f->mags[0] = NULL;
			f->mags[1] = NULL;
		}
	}
	INIT_WORK(&f->work, kslab_flush_cpu);
	f->queued = true;
	queue_work_on(cpu, kslab_wq, &f->work);
}

/* Flush the online CPUs of @cpus that need it and wait for them. */
static void kslab_flush_cpus(struct kslab_cache *cache,
			     const struct cpumask *cpus, bool resize)
{
	unsigned int cpu, size = kslab_cpu_magazine_size(cache);

	lockdep_assert_held(&kslab_flush_mutex);
	for_each_cpu_and(cpu, cpus, cpu_online_mask)
		kslab_flush_queue(cache, cpu, size, resize);
	for_each_cpu_and(cpu, cpus, cpu_online_mask) {
		struct kslab_flush *f = per_cpu_ptr(&kslab_flush, cpu);

		if (f->queued)
			flush_work(&f->work);
		f->queued = false;
	}
}

/**
 * kslab_magazines_flush() - empty every CPU's magazines, every depot and
 * the shared magazine into the slabs; per-CPU magazines of an old size are
 * replaced.
 * @cache: the cache.
 *
 * CPUs whose magazines are empty and of the current size are skipped.
 *
 * Context: task context; sleeps (waits for a work item on each CPU that
 * holds objects).
 */
void kslab_magazines_flush(struct kslab_cache *cache)
{
	int nid;

	mutex_lock(&kslab_flush_mutex);
	cpus_read_lock();
	kslab_flush_cpus(cache, cpu_online_mask, true);
	cpus_read_unlock();
	mutex_unlock(&kslab_flush_mutex);
	for_each_node(nid)
		kslab_depot_drain(cache, nid);
	if (cache->shared)
		kslab_shared_flush(cache);
}

/**
 * kslab_magazines_reclaim() - for the shrinker: empty the magazines of the
 * CPUs of a node, and the shared magazine (the depots are the scan's).
 * @cache: the cache.
 * @nid: the node.
 *
 * Never allocates and never waits for a lock: when another flush or a CPU
 * hotplug operation is under way, the per-CPU magazines are left alone.
 *
 * Context: task context, as the shrinker's scan; may sleep (waits for the
 * flush works, which run on a WQ_MEM_RECLAIM workqueue).
 */
void kslab_magazines_reclaim(struct kslab_cache *cache, int nid)
{
	if (mutex_trylock(&kslab_flush_mutex)) {
		if (cpus_read_trylock()) {
			kslab_flush_cpus(cache, cpumask_of_node(nid), false);
			cpus_read_unlock();
		}
		mutex_unlock(&kslab_flush_mutex);
	}
	if (cache->shared)
		kslab_shared_flush(cache);
}

/**
 * kslab_magazines_wq_init() - create the workqueue flushes run on.
 *
 * Context: module init; sleeps.
 * Return: 0 or -ENOMEM.
 */
int kslab_magazines_wq_init(void)
{
	kslab_wq = alloc_workqueue("kslab", WQ_MEM_RECLAIM, 0);
	return kslab_wq ? 0 : -ENOMEM;
}

/**
 * kslab_magazines_wq_exit() - destroy it; every cache is gone.
 *
 * Context: module exit; sleeps.
 */
void kslab_magazines_wq_exit(void)
{
	destroy_workqueue(kslab_wq);
}

/* ---- set-up and tear-down ---- */

/* Size 0: always empty and always full. */
static struct kslab_magazine kslab_miss_magazine;

/*
 * The per-CPU layer the inline fast path of every debug cache uses: its
 * magazines hold nothing and have no room, so each rent and return takes
 * the slow path (__kslab_rent(), __kslab_return()), which checks the
 * object and uses the cache's own layer. Only its lock is ever written.
 */
DEFINE_PER_CPU(struct kslab_cpu, kslab_cpu_miss);

/**
 * kslab_cpu_miss_init() - point kslab_cpu_miss at the empty magazine.
 *
 * Context: module init, before any cache exists.
 */
void kslab_cpu_miss_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct kslab_cpu *cc = per_cpu_ptr(&kslab_cpu_miss, cpu);

#ifdef CONFIG_PREEMPT_RT
		local_lock_init(&cc->lock);
#endif
		cc->loaded = &kslab_miss_magazine;
		cc->previous = &kslab_miss_magazine;
	}
}

/**
 * kslab_magazines_init() - give every possible CPU two empty magazines.
 * @cache: the cache, its magazine_size and shared magazine set and cpu
 *	allocated (zeroed).
 *
 * Context: task context; may sleep.
 * Return: 0 or -ENOMEM (kslab_magazines_destroy() cleans up).
 */
int kslab_magazines_init(struct kslab_cache *cache)
{
	unsigned int cpu, size = kslab_cpu_magazine_size(cache);

	for_each_possible_cpu(cpu) {
		struct kslab_cpu *cc = per_cpu_ptr(cache->cpu, cpu);
		int nid = cpu_to_mem(cpu);

#ifdef CONFIG_PREEMPT_RT
		local_lock_init(&cc->lock);
#endif
		cc->loaded = kslab_magazine_alloc(cache, size, GFP_KERNEL, nid);
		cc->previous = kslab_magazine_alloc(cache, size, GFP_KERNEL, nid);
		if (!cc->loaded || !cc->previous)
			return -ENOMEM;
	}
	return 0;
}

/**
 * kslab_magazines_destroy() - empty and free every magazine of a cache.
 * @cache: the cache, no longer used by anyone, off the hotplug list.
 *
 * Context: task context; does not sleep.
 */
void kslab_magazines_destroy(struct kslab_cache *cache)
{
	unsigned int cpu;
	int nid;

	for_each_possible_cpu(cpu) {
		struct kslab_cpu *cc = per_cpu_ptr(cache->cpu, cpu);

		/* Only both or neither can hold objects. */
		if (cc->loaded && cc->previous)
			kslab_cpu_drain(cache, cc);
		kslab_magazine_free(cc->loaded);
		kslab_magazine_free(cc->previous);
		cc->loaded = NULL;
		cc->previous = NULL;
	}
	for_each_node(nid)
		if (kslab_node_of(cache, nid))
			kslab_depot_drain(cache, nid);
	kslab_shared_destroy(cache);
}
