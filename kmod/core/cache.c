// SPDX-License-Identifier: GPL-2.0
/*
 * kslab caches: creation and destruction, explicit shrink and magazine
 * tuning, the shrinker that gives memory back under pressure, and the CPU
 * hotplug callback that drains a dead CPU's magazines.
 *
 * Memory-return policy: empty slabs beyond KSLAB_EMPTY_RESERVE per node go
 * back to the page allocator as soon as they empty; a depot keeps at most
 * max_full full magazines, a return beyond that flushes a magazine to the
 * slabs; kslab_cache_shrink() empties every magazine and frees every empty
 * slab; the shrinker empties the magazines of a node's CPUs, the depots
 * that hold the node's objects and the shared magazine, and frees every
 * empty slab: with nothing rented, the shrinker alone leaves a cache with
 * no page.
 *
 * The shrinker is NUMA aware and counts, for a node, what its scan can
 * free: the node's empty slabs, the objects of its CPUs' magazines and of
 * the depots whose node takes its objects from this node's slabs
 * (kslab_node_home()): the node's own depot, and the depot of a node that
 * is short of memory and falls back to this one, which holds this node's
 * objects. A depot is so counted and emptied by one node's shrinker only.
 */
#include <linux/atomic.h>
#include <linux/cpuhotplug.h>
#include <linux/err.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "../compat.h"
#include "internal.h"
#include "trace.h"

static enum cpuhp_state kslab_cpuhp_state;
static atomic_t kslab_next_id = ATOMIC_INIT(0);

/* On when there is more than one node: returns count remote objects. */
DEFINE_STATIC_KEY_FALSE(kslab_numa);
EXPORT_SYMBOL_GPL(kslab_numa);

static_assert(offsetof(struct kslab_cache, fast) == 0,
	      "kslab_fast() reads the start of a cache");

/* ---- shrinker ---- */

/*
 * What the shrinker of node @nid can free: the objects of its depot, of
 * the magazines of its CPUs and of the shared magazine, and its empty
 * slabs.
 */
static unsigned long kslab_shrink_count(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	struct kslab_cache *cache = kslab_shrinker_private(shrinker);
	struct kslab_node *node = kslab_node_of(cache, sc->nid);
	unsigned long n;

	/* Reclaim in another memcg than the one the cache charges. */
	if (cache->memcg && sc->memcg && sc->memcg != cache->memcg)
		return 0;
	unsigned int cpu;
	int nid;

	n = READ_ONCE(node->nr_empty) * cache->layout.objects;
	for_each_node(nid)
		if (kslab_node_home(cache, nid) == sc->nid)
			n += kslab_depot_count(cache, nid);
	for_each_cpu_and(cpu, cpumask_of_node(sc->nid), cpu_online_mask)
		n += kslab_cpu_cached(cache, cpu);
	if (cache->shared)
		n += READ_ONCE(cache->shared->mag->rounds);
	/*
	 * A memcg-aware shrinker's bit stays set only while it never says
	 * SHRINK_EMPTY: the markers are added once.
	 */
	return n ?: cache->memcg ? 0 : SHRINK_EMPTY;
}

/*
 * Empty the magazines of the node's CPUs, its depot and the shared
 * magazine into the slabs, then free every empty slab: those objects may
 * come from any node, so every node's empty slabs go.
 */
static unsigned long kslab_shrink_scan(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	struct kslab_cache *cache = kslab_shrinker_private(shrinker);
	unsigned long pages = 0;
	int nid;

	kslab_magazines_reclaim(cache, sc->nid);
	for_each_node(nid)
		if (kslab_node_home(cache, nid) == sc->nid)
			pages += kslab_depot_drain(cache, nid);
	for_each_node(nid)
		pages += kslab_slab_release_empty(cache, nid, 0);
	kslab_stat_add(cache, KSLAB_CNT_SHRINK, 1);
	trace_kslab_shrink(cache, pages);
	return (pages >> cache->layout.order) * cache->layout.objects;
}

/*
 * A KSLAB_ACCOUNT cache's shrinker is memcg-aware (where compat.h has it):
 * reclaim inside the memcg of the cache's creator asks it, because the
 * cache keeps a marker per node in a list_lru tied to the shrinker. The
 * memcg's lists of that list_lru are made by one allocation through it
 * (kmem_cache_alloc_lru()), charged to the memcg; without them no marker
 * goes on, and only global reclaim asks the shrinker.
 */
static struct kmem_cache *kslab_lru_cachep;

static void kslab_lru_markers(struct kslab_cache *cache)
{
	struct mem_cgroup *old;
	void *probe;
	int nid;

	if (!cache->memcg || !KSLAB_SHRINKER_MEMCG)
		return;
	old = kslab_memcg_enter(cache);
	probe = kmem_cache_alloc_lru(kslab_lru_cachep, &cache->lru,
				     GFP_KERNEL_ACCOUNT);
	kslab_memcg_exit(old);
	if (!probe)
		return;
	kmem_cache_free(kslab_lru_cachep, probe);
	for_each_node(nid)
		kslab_lru_add(&cache->lru, &kslab_node_of(cache, nid)->lru_item,
			      nid, cache->memcg);
}

static void kslab_lru_teardown(struct kslab_cache *cache)
{
	int nid;

	if (!cache->shrinker)
		return;
	for_each_node(nid)
		if (kslab_node_of(cache, nid))
			kslab_lru_del(&cache->lru,
				      &kslab_node_of(cache, nid)->lru_item,
				      nid, cache->memcg);
	list_lru_destroy(&cache->lru);
}

static int kslab_shrinker_init(struct kslab_cache *cache)
{
	unsigned int flags = SHRINKER_NUMA_AWARE;

	if (cache->memcg)
		flags |= KSLAB_SHRINKER_MEMCG;
	cache->shrinker = kslab_shrinker_create(flags, kslab_shrink_count,
						kslab_shrink_scan, cache,
						cache->name);
	if (!cache->shrinker)
		return -ENOMEM;
	if (kslab_lru_init(&cache->lru, cache->shrinker)) {
		kslab_shrinker_destroy(cache->shrinker);
		cache->shrinker = NULL;
		return -ENOMEM;
	}
	kslab_lru_markers(cache);
	return 0;
}

/* ---- CPU hotplug ---- */

/* A CPU is dead: its magazines go back to the slabs, from another CPU. */
static int kslab_cpu_dead(unsigned int cpu, struct hlist_node *node)
{
	struct kslab_cache *cache = hlist_entry(node, struct kslab_cache, cpuhp);

	kslab_cpu_drain(cache, per_cpu_ptr(cache->cpu, cpu));
	return 0;
}

/* ---- tune and shrink ---- */

static void kslab_set_magazine_size(struct kslab_cache *cache,
				    unsigned int size)
{
	WRITE_ONCE(cache->magazine_size, size);
	WRITE_ONCE(cache->batch, max(size / 2, 1U));
}

/**
 * kslab_cache_tune() - set the magazine size of a cache.
 * @cache: the cache.
 * @magazine_size: objects per magazine, 1..KSLAB_MAGAZINE_MAX; a size
 *	above kslab_magazine_cap() (KSLAB_MAGAZINE_BYTES of objects) gets
 *	that cap.
 *
 * Every magazine is emptied into the slabs and the per-CPU magazines are
 * replaced by ones of the new size (as Solaris resizes: purge, then grow).
 *
 * Context: task context; sleeps.
 * Return: 0, -EINVAL for a size out of range, -EOPNOTSUPP for a
 * KSLAB_LOCKED cache (its shared magazine has a fixed size).
 */
int kslab_cache_tune(struct kslab_cache *cache, unsigned int magazine_size)
{
	if (!magazine_size || magazine_size > KSLAB_MAGAZINE_MAX)
		return -EINVAL;
	if (cache->shared)
		return -EOPNOTSUPP;
	magazine_size = min(magazine_size, kslab_magazine_cap(cache));
	mutex_lock(&cache->mutex);
	if (magazine_size != cache->magazine_size) {
		trace_kslab_magazine_resize(cache, cache->magazine_size,
					    magazine_size);
		kslab_set_magazine_size(cache, magazine_size);
		kslab_magazines_flush(cache);
		kslab_stat_add(cache, KSLAB_CNT_MAGAZINE_RESIZE, 1);
	}
	mutex_unlock(&cache->mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(kslab_cache_tune);

/* A depot was contended: double the magazine size (bounded). */
static void kslab_resize_work(struct work_struct *work)
{
	struct kslab_cache *cache = container_of(work, struct kslab_cache,
						 resize_work);

	kslab_cache_tune(cache, min(READ_ONCE(cache->magazine_size) * 2,
				    kslab_magazine_cap(cache)));
}

/**
 * kslab_cache_shrink() - give every cached object and empty slab back.
 * @cache: the cache.
 *
 * Empties every CPU's magazines and every depot into the slabs, then frees
 * every empty slab. Objects still rented are not touched.
 *
 * Context: task context; sleeps.
 * Return: pages given back to the page allocator (net of slabs that
 * concurrent rents added).
 */
unsigned long kslab_cache_shrink(struct kslab_cache *cache)
{
	u64 before, after, empty;
	unsigned long pages;
	int nid;

	mutex_lock(&cache->mutex);
	before = kslab_slab_count(cache, &empty);
	kslab_magazines_flush(cache);
	for_each_node(nid)
		kslab_slab_release_empty(cache, nid, 0);
	after = kslab_slab_count(cache, &empty);
	/* Rents on other CPUs may have added slabs meanwhile. */
	pages = before > after ? (before - after) << cache->layout.order : 0;
	kslab_stat_add(cache, KSLAB_CNT_SHRINK, 1);
	trace_kslab_shrink(cache, pages);
	mutex_unlock(&cache->mutex);
	return pages;
}
EXPORT_SYMBOL_GPL(kslab_cache_shrink);

/* ---- create and destroy ---- */

/* Solaris-like default: small objects get bigger magazines. */
static unsigned int kslab_default_magazine(unsigned int stride)
{
	if (stride <= 256)
		return 32;
	if (stride <= 1024)
		return 16;
	if (stride <= 4096)
		return 8;
	return 4;
}

/* Tear down whatever kslab_cache_create() set up; the cache is unused. */
static void kslab_cache_teardown(struct kslab_cache *cache)
{
	unsigned long rented = 0;
	int nid;

	kslab_shrinker_destroy(cache->shrinker);
	kslab_lru_teardown(cache);
	if (!hlist_unhashed(&cache->cpuhp))
		cpuhp_state_remove_instance_nocalls(kslab_cpuhp_state,
						    &cache->cpuhp);
	/*
	 * The pending kslab_return_rcu() batches go back first: their returns
	 * may note depot contention and queue the resize work, which must be
	 * cancelled after them.
	 */
	if (cache->cpu)
		kslab_rcu_destroy(cache);
	cancel_work_sync(&cache->resize_work);
	if (cache->cpu)
		kslab_magazines_destroy(cache);
	for_each_node(nid)
		rented += kslab_node_destroy(cache, nid);
	if (rented)
		pr_err("kslab %s: destroyed with %lu objects rented; their slabs are leaked\n",
		       cache->name, rented);
	/* Debug: the slabs freed with call_rcu() are back when this returns. */
	if (cache->fast.flags & KSLAB_DEBUG)
		rcu_barrier();
	free_percpu(cache->cpu);
	xa_destroy(&cache->slabs);
	mem_cgroup_put(cache->memcg);
	kfree(cache);
}

static struct kslab_cache *kslab_cache_new(const char *name,
					   unsigned int size,
					   unsigned int align,
					   unsigned int flags)
{
	struct kslab_cache *cache;
	int err;

	if (!name || !*name || strlen(name) >= KSLAB_NAME_LEN ||
	    (flags & ~KSLAB_FLAGS_ALL))
		return ERR_PTR(-EINVAL);
	cache = kzalloc(struct_size(cache, node, nr_node_ids),
			GFP_KERNEL | (flags & KSLAB_ACCOUNT ? __GFP_ACCOUNT : 0));
	if (!cache)
		return ERR_PTR(-ENOMEM);
	err = kslab_layout_compute(size, align, flags & KSLAB_DEBUG,
				   &cache->layout);
	if (err) {
		kfree(cache);
		return ERR_PTR(err);
	}
	strscpy(cache->name, name, sizeof(cache->name));
	cache->fast.flags = flags;
	cache->fast.object_size = size;
	cache->gfp = flags & KSLAB_ACCOUNT ? __GFP_ACCOUNT : 0;
	/* The creator's memcg pays for the cache, whoever grows it later. */
	if (flags & KSLAB_ACCOUNT)
		cache->memcg = get_mem_cgroup_from_mm(current->mm);
	cache->id = atomic_inc_return(&kslab_next_id);
	mutex_init(&cache->mutex);
	INIT_WORK(&cache->resize_work, kslab_resize_work);
	INIT_HLIST_NODE(&cache->cpuhp);
	xa_init_flags(&cache->slabs, XA_FLAGS_LOCK_IRQ);
	return cache;
}

/**
 * kslab_want_init() - whether a rent zeroes the object, exactly as SLUB's
 * slab_want_init_on_alloc() decides for a kmem_cache.
 * @cache: the cache.
 * @gfp: the rent's flags.
 *
 * Computed once, at create, into &kslab_cache_fast.init and .zero_ok, which
 * every rent reads (kslab_fast_want_init()).
 *
 * Context: task context.
 * Return: true when the object must be zeroed.
 */
static bool kslab_want_init(struct kslab_cache *cache, gfp_t gfp)
{
	if (cache->fast.flags & KSLAB_ZERO)
		return true;
	if (static_branch_maybe(CONFIG_INIT_ON_ALLOC_DEFAULT_ON,
				&init_on_alloc)) {
		if (cache->ctor)
			return false;
		if (cache->poison)
			return gfp & __GFP_ZERO;
		return true;
	}
	return gfp & __GFP_ZERO;
}

static int kslab_cache_setup(struct kslab_cache *cache)
{
	int nid, err;

	cache->cpu = alloc_percpu_gfp(struct kslab_cpu, GFP_KERNEL | cache->gfp);
	if (!cache->cpu)
		return -ENOMEM;
	for_each_node(nid) {
		err = kslab_node_init(cache, nid);
		if (err)
			return err;
	}
	if (cache->fast.flags & KSLAB_LOCKED) {
		err = kslab_shared_init(cache);
		if (err)
			return err;
	}
	err = kslab_magazines_init(cache);
	if (err)
		return err;
	err = kslab_shrinker_init(cache);
	if (err)
		return err;
	return cpuhp_state_add_instance_nocalls(kslab_cpuhp_state,
						&cache->cpuhp);
}

/**
 * kslab_cache_create() - create a kslab cache.
 * @name: name in /proc/kslabinfo and debugfs, 1..KSLAB_NAME_LEN - 1 bytes.
 * @size: object size, KSLAB_SIZE_MIN..KSLAB_SIZE_MAX.
 * @align: object alignment, a power of two up to PAGE_SIZE, 0 for default.
 * @flags: KSLAB_DEBUG, KSLAB_ZERO, KSLAB_ACCOUNT.
 * @ctor: run on every object when its slab is created, or NULL; objects
 *	must be returned in their constructed state.
 * @magazine_size: objects per magazine, 0 for a default by object size,
 *	at most KSLAB_MAGAZINE_MAX.
 *
 * Context: task context; sleeps.
 * Return: the cache, or ERR_PTR(-EINVAL) for a bad argument,
 * ERR_PTR(-ENOMEM) when out of memory.
 */
struct kslab_cache *kslab_cache_create(const char *name, unsigned int size,
				       unsigned int align, unsigned int flags,
				       void (*ctor)(void *),
				       unsigned int magazine_size)
{
	bool locked = flags & KSLAB_LOCKED;
	struct kslab_cache *cache;
	int err;

	if (magazine_size > (locked ? KSLAB_LOCKED_MAX : KSLAB_MAGAZINE_MAX))
		return ERR_PTR(-EINVAL);
	cache = kslab_cache_new(name, size, align, flags);
	if (IS_ERR(cache))
		return cache;
	cache->ctor = ctor;
	cache->poison = (flags & KSLAB_DEBUG) && !ctor;
	/* What a rent decides without and with __GFP_ZERO; const from here. */
	cache->fast.init = kslab_want_init(cache, 0);
	cache->fast.zero_ok = kslab_want_init(cache, __GFP_ZERO);
	if (locked) {
		/* The shared magazine; the slabs give one object at a time. */
		cache->magazine_size = magazine_size ?: KSLAB_LOCKED_DEFAULT;
		cache->batch = 1;
	} else {
		kslab_set_magazine_size(cache,
					min(magazine_size ?:
					    kslab_default_magazine(cache->layout.stride),
					    kslab_magazine_cap(cache)));
	}
	err = kslab_cache_setup(cache);
	if (err) {
		kslab_cache_teardown(cache);
		return ERR_PTR(err);
	}
	kslab_stats_add_cache(cache);
	return cache;
}
EXPORT_SYMBOL_GPL(kslab_cache_create);

/**
 * kslab_cache_destroy() - destroy a kslab cache.
 * @cache: the cache, or NULL or an ERR_PTR (nothing done). Every object
 *	must have been returned and no other call on @cache may be running
 *	or follow; slabs with objects still rented are reported and leaked.
 *
 * Objects given back with kslab_return_rcu(), and the slabs of a debug
 * cache, go back a grace period late; destroy waits for them
 * (rcu_barrier()), so every page is back when it returns and no callback
 * outlives the module.
 *
 * Context: task context; sleeps.
 */
void kslab_cache_destroy(struct kslab_cache *cache)
{
	if (IS_ERR_OR_NULL(cache))
		return;
	kslab_stats_remove_cache(cache);
	kslab_cache_teardown(cache);
}
EXPORT_SYMBOL_GPL(kslab_cache_destroy);

/**
 * kslab_cache_name() - the name a cache was created with.
 * @cache: the cache.
 *
 * Context: any context.
 * Return: its name.
 */
const char *kslab_cache_name(const struct kslab_cache *cache)
{
	return cache->name;
}
EXPORT_SYMBOL_GPL(kslab_cache_name);

/* ---- module ---- */

/**
 * kslab_core_init() - set up the list_lru probe cache, the flush workqueue,
 * the hotplug state and the stats files.
 *
 * Context: module init; sleeps.
 * Return: 0 or -errno.
 */
int kslab_core_init(void)
{
	int ret;

	if (nr_node_ids > 1)
		static_branch_enable(&kslab_numa);
	kslab_cpu_miss_init();
	kslab_lru_cachep = kmem_cache_create("kslab_lru", sizeof(long), 0, 0,
					     NULL);
	if (!kslab_lru_cachep)
		return -ENOMEM;
	ret = kslab_magazines_wq_init();
	if (ret)
		goto err_lru;
	ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "kslab:dead",
				      NULL, kslab_cpu_dead);
	if (ret < 0)
		goto err_wq;
	kslab_cpuhp_state = ret;
	ret = kslab_stats_init();
	if (ret)
		goto err_cpuhp;
	return 0;

err_cpuhp:
	cpuhp_remove_multi_state(kslab_cpuhp_state);
err_wq:
	kslab_magazines_wq_exit();
err_lru:
	kmem_cache_destroy(kslab_lru_cachep);
	return ret;
}

/**
 * kslab_core_exit() - undo kslab_core_init(); every cache is destroyed.
 *
 * No slab free of a debug cache is pending then (call_rcu() callbacks
 * run module text): kslab_cache_destroy() waits for them.
 *
 * Context: module exit; sleeps.
 */
void kslab_core_exit(void)
{
	kslab_stats_exit();
	cpuhp_remove_multi_state(kslab_cpuhp_state);
	kslab_magazines_wq_exit();
	kmem_cache_destroy(kslab_lru_cachep);
}
