// SPDX-License-Identifier: GPL-2.0
/*
 * kslab slab layer: slabs of 2^order pages from the page allocator, carved
 * into slots of one stride, on per-node partial/full/empty lists.
 *
 * The freelist is out of band: each slab descriptor (kmalloc'd beside the
 * pages) holds a stack of free object indices. A write after return cannot
 * redirect the allocator (no in-object pointer to hijack, so no need for
 * SLUB's obfuscated free pointer), and every index is in range by
 * construction. The cost is 2 bytes per object in the descriptor. The head
 * page's page_private() points at the descriptor, so an object finds its
 * slab in O(1).
 *
 * NUMA: slabs are asked of the renting CPU's node, but the page allocator
 * falls back to another node when that one is short of memory; a slab
 * lives on the lists of the node its pages are on. Were rents to look at
 * their own node's lists alone, each would miss again and allocate another
 * slab, taking a batch (KSLAB_LOCKED: one object) of each: the cache would
 * grow by objects per slab / batch. So kslab_slab_new() notes in the asking
 * node's fallback where the page allocator put the slab (NUMA_NO_NODE once
 * it gives the node its own pages again), and kslab_slab_alloc_bulk() takes
 * from that node's partial and empty slabs when the asking node has none:
 * the slabs a short node gets are filled before another is allocated. As
 * SLUB's get_any_partial(), but only while the node is short: a node with
 * memory never takes another node's objects, so locality is kept.
 *
 * Locking: a node's list_lock guards its lists, counters and the free
 * stacks of its slabs; it is taken with interrupts saved and disabled (a
 * rent or return in an interrupt may reach it) and is
 * never held together with another node's or with a depot lock. Pages are
 * allocated with no lock held and freed after the lock is dropped.
 *
 * Debug caches free a slab in two steps: it leaves the pfn index
 * (cache->slabs) at once, and its pages and descriptor go back with
 * call_rcu(), a grace period later. A debug return looks its pointer up
 * in the index and reads the slab under rcu_read_lock() (debug.c), so a
 * slab that a shrink, a depot drain or a return on another CPU frees
 * meanwhile stays readable until that check is done. Caches without
 * KSLAB_DEBUG free at once, as before. The counters count a slab as freed
 * when it leaves the cache.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

static_assert((PAGE_SIZE << KSLAB_MAX_ORDER) / KSLAB_SIZE_MIN <=
	      U16_MAX + 1, "object index must fit the u16 freelist");

/* ---- KUnit fault hook ---- */

/* Fail the page allocation of the next kslab_fail_slabs new slabs. */
atomic_t kslab_fail_slabs = ATOMIC_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(kslab_fail_slabs);

static bool kslab_should_fail(void)
{
	return kslab_kunit_hook(&kslab_fail_slabs);
}

/* ---- objects and their slab ---- */

/**
 * kslab_obj_slab() - the slab an object of a kslab cache lies in.
 * @obj: an object rented from a kslab cache.
 *
 * Context: any context.
 * Return: its slab descriptor.
 */
struct kslab_slab *kslab_obj_slab(const void *obj)
{
	return (struct kslab_slab *)page_private(virt_to_head_page(obj));
}
EXPORT_SYMBOL_IF_KUNIT(kslab_obj_slab);

/**
 * kslab_slab_obj() - address of object @idx of @slab.
 * @cache: the slab's cache.
 * @slab: the slab.
 * @idx: object index, below cache->layout.objects.
 *
 * Context: any context.
 * Return: the object.
 */
void *kslab_slab_obj(struct kslab_cache *cache, struct kslab_slab *slab,
		     unsigned int idx)
{
	return slab->base + idx * cache->layout.stride + cache->layout.offset;
}

static unsigned int kslab_slab_index(struct kslab_cache *cache,
				     struct kslab_slab *slab, void *obj)
{
	return (obj - slab->base - cache->layout.offset) / cache->layout.stride;
}

/* ---- new slabs and freeing slabs ---- */

static struct page *kslab_pages_alloc(struct kslab_cache *cache, int nid,
				      gfp_t gfp)
{
	unsigned int order = cache->layout.order;

	if (kslab_should_fail())
		return NULL;
	gfp = (gfp & KSLAB_GFP_PASS) | cache->gfp;
	if (order)
		gfp |= __GFP_COMP;
	return alloc_pages_node(nid, gfp, order);
}

/* Where the page allocator put a slab asked of @nid; see the file head. */
static void kslab_note_fallback(struct kslab_cache *cache, int nid,
				struct kslab_slab *slab)
{
	struct kslab_node *node = kslab_node_of(cache, nid);
	int fallback = slab->nid == nid ? NUMA_NO_NODE : slab->nid;

	if (READ_ONCE(node->fallback) != fallback)
		WRITE_ONCE(node->fallback, fallback);
}

static void kslab_slab_init(struct kslab_cache *cache, struct kslab_slab *slab)
{
	unsigned int i, n = cache->layout.objects;

	slab->nr_free = n;
	for (i = 0; i < n; i++) {
		void *obj = kslab_slab_obj(cache, slab, i);

		/* Pop order = address order: sequential rents stay cache-hot. */
		slab->free[i] = n - 1 - i;
		if (cache->ctor)
			cache->ctor(obj);
		if (cache->fast.flags & KSLAB_DEBUG)
			kslab_debug_init_obj(cache, obj);
	}
}

static struct kslab_slab *__kslab_slab_new(struct kslab_cache *cache,
					   int nid, gfp_t gfp)
{
	unsigned int objects = cache->layout.objects;
	struct kslab_slab *slab;
	struct page *page;

	slab = kmalloc_node(struct_size(slab, free, objects),
			    (gfp & KSLAB_GFP_PASS) | cache->gfp, nid);
	if (!slab)
		return NULL;
	page = kslab_pages_alloc(cache, nid, gfp);
	if (!page)
		goto free_slab;
	slab->page = page;
	slab->base = page_address(page);
	slab->nid = page_to_nid(page);
	set_page_private(page, (unsigned long)slab);
	if (kslab_debug_track_slab(cache, slab, gfp))
		goto free_page;
	kslab_note_fallback(cache, nid, slab);
	kslab_slab_init(cache, slab);
	trace_kslab_slab_alloc(cache, slab->nid);
	kslab_stat_add(cache, KSLAB_CNT_SLAB_ALLOC, 1);
	kslab_stat_add(cache, KSLAB_CNT_PAGES_ALLOC, 1UL << cache->layout.order);
	return slab;

free_page:
	set_page_private(page, 0);
	__free_pages(page, cache->layout.order);
free_slab:
	kfree(slab);
	return NULL;
}

/**
 * kslab_slab_new() - allocate a slab, on no list yet.
 * @cache: the cache.
 * @nid: preferred node, not NUMA_NO_NODE (the page allocator may fall back
 *	to another; @nid's fallback then names it, see
 *	kslab_slab_alloc_bulk()).
 * @gfp: allocation flags; may sleep when they allow it.
 *
 * The slab, its descriptor and its debug index entry are charged to the
 * cache's memcg with KSLAB_ACCOUNT.
 *
 * Context: any context, no kslab lock held; may sleep when @gfp allows.
 * Return: the slab, all of its objects free and constructed, or NULL.
 */
struct kslab_slab *kslab_slab_new(struct kslab_cache *cache, int nid,
				  gfp_t gfp)
{
	struct mem_cgroup *old = kslab_memcg_enter(cache);
	struct kslab_slab *slab = __kslab_slab_new(cache, nid, gfp);

	kslab_memcg_exit(old);
	return slab;
}

/*
 * Debug caches: a grace period after the slab left the pfn index, no
 * return's owner check can still hold it. Uses nothing of the cache: the
 * order is the compound page's (every slab of order > 0 is allocated with
 * __GFP_COMP).
 */
static void kslab_slab_free_rcu(struct rcu_head *rcu)
{
	struct kslab_slab *slab = container_of(rcu, struct kslab_slab, rcu);

	__free_pages(slab->page, compound_order(slab->page));
	kfree(slab);
}

/* @slab is on no list; counted as freed now, even if freed after a GP. */
static void kslab_slab_free(struct kslab_cache *cache, struct kslab_slab *slab)
{
	trace_kslab_slab_free(cache, slab->nid);
	set_page_private(slab->page, 0);
	if (cache->fast.flags & KSLAB_DEBUG) {
		kslab_debug_untrack_slab(cache, slab);
		call_rcu(&slab->rcu, kslab_slab_free_rcu);
	} else {
		__free_pages(slab->page, cache->layout.order);
		kfree(slab);
	}
	kslab_stat_add(cache, KSLAB_CNT_SLAB_FREE, 1);
	kslab_stat_add(cache, KSLAB_CNT_PAGES_FREE, 1UL << cache->layout.order);
}

/* Free the slabs on @list; returns the pages freed. No lock held. */
static unsigned long kslab_slabs_free(struct kslab_cache *cache,
				      struct list_head *list)
{
	struct kslab_slab *slab, *next;
	unsigned long pages = 0;

	list_for_each_entry_safe(slab, next, list, list) {
		kslab_slab_free(cache, slab);
		pages += 1UL << cache->layout.order;
	}
	return pages;
}

/* ---- taking objects out of slabs ---- */

/* Pop up to @nr objects of @slab; node->list_lock held. */
static unsigned int kslab_slab_pop(struct kslab_cache *cache,
				   struct kslab_node *node,
				   struct kslab_slab *slab, unsigned int nr,
				   void **objs)
{
	unsigned int i, n = min(nr, slab->nr_free);

	if (n && slab->nr_free == cache->layout.objects)
		node->nr_empty--;
	for (i = 0; i < n; i++)
		objs[i] = kslab_slab_obj(cache, slab, slab->free[--slab->nr_free]);
	node->nr_free -= n;
	if (!slab->nr_free)
		list_move(&slab->list, &node->full);
	else if (n)
		list_move(&slab->list, &node->partial);
	return n;
}

/* Take up to @nr objects of @node's partial, then empty slabs. */
static unsigned int kslab_node_take(struct kslab_cache *cache,
				    struct kslab_node *node, unsigned int nr,
				    void **objs)
{
	unsigned long flags;
	struct kslab_slab *slab;
	unsigned int got = 0;

	spin_lock_irqsave(&node->list_lock, flags);
	while (got < nr) {
		slab = list_first_entry_or_null(&node->partial,
						struct kslab_slab, list);
		if (!slab)
			slab = list_first_entry_or_null(&node->empty,
							struct kslab_slab, list);
		if (!slab)
			break;
		got += kslab_slab_pop(cache, node, slab, nr - got, objs + got);
	}
	spin_unlock_irqrestore(&node->list_lock, flags);
	return got;
}

/**
 * kslab_slab_alloc_bulk() - take objects from existing slabs for a rent on
 *	a node.
 * @cache: the cache.
 * @nid: the renting CPU's memory node.
 * @nr: how many at most.
 * @objs: where to store them.
 *
 * Partial slabs first, then empty ones, of @nid; when it has none and is
 * short of memory (its last new slab came from another node), those of
 * that node, so that the slabs @nid got there fill up before another is
 * allocated. Never allocates.
 *
 * Context: any context; does not sleep; takes a node's list_lock, then
 * maybe another's, one at a time.
 * Return: how many objects were stored, 0..@nr.
 */
unsigned int kslab_slab_alloc_bulk(struct kslab_cache *cache, int nid,
				   unsigned int nr, void **objs)
{
	unsigned int got = kslab_node_take(cache, kslab_node_of(cache, nid),
					   nr, objs);
	int home;

	if (got)
		return got;
	home = kslab_node_home(cache, nid);
	if (home == nid)
		return 0;
	return kslab_node_take(cache, kslab_node_of(cache, home), nr, objs);
}

/**
 * kslab_slab_take_new() - take objects from a new slab and publish it.
 * @cache: the cache.
 * @slab: a slab from kslab_slab_new(), on no list.
 * @nr: how many objects to take, 0 or more.
 * @objs: where to store them.
 *
 * Context: any context; does not sleep; takes the slab's node list_lock.
 * Return: how many objects were stored.
 */
unsigned int kslab_slab_take_new(struct kslab_cache *cache,
				 struct kslab_slab *slab, unsigned int nr,
				 void **objs)
{
	unsigned long flags;
	struct kslab_node *node = kslab_node_of(cache, slab->nid);
	unsigned int n;

	spin_lock_irqsave(&node->list_lock, flags);
	list_add(&slab->list, &node->empty);
	node->nr_empty++;
	node->nr_slabs++;
	node->nr_free += slab->nr_free;
	n = kslab_slab_pop(cache, node, slab, nr, objs);
	spin_unlock_irqrestore(&node->list_lock, flags);
	return n;
}

/**
 * kslab_slab_alloc() - rent objects straight from the slab layer.
 * @cache: the cache.
 * @gfp: allocation flags for a new slab; may sleep when they allow it.
 * @nr: how many at most.
 * @objs: where to store them.
 *
 * Takes from the current node's slabs (or, while it is short of memory,
 * those of the node it falls back to), else allocates one new slab.
 *
 * Context: any context, no kslab lock held; may sleep when @gfp allows.
 * Return: how many objects were stored; 0 when a new slab failed.
 */
unsigned int kslab_slab_alloc(struct kslab_cache *cache, gfp_t gfp,
			      unsigned int nr, void **objs)
{
	int nid = numa_mem_id();
	struct kslab_slab *slab;
	unsigned int n;

	n = kslab_slab_alloc_bulk(cache, nid, nr, objs);
	if (n)
		return n;
	slab = kslab_slab_new(cache, nid, gfp);
	if (!slab)
		return 0;
	return kslab_slab_take_new(cache, slab, nr, objs);
}

/**
 * kslab_slab_rent_one() - rent one object straight from the slabs, as a
 *	rent that found the shared magazine empty or the per-CPU layer busy
 *	does; counted as such.
 * @cache: the cache.
 * @gfp: allocation flags for a new slab.
 *
 * Context: task context, no kslab lock held; may sleep when @gfp allows.
 * Return: the object (not yet checked or zeroed), or NULL.
 */
void *kslab_slab_rent_one(struct kslab_cache *cache, gfp_t gfp)
{
	void *obj;

	if (kslab_slab_alloc(cache, gfp, 1, &obj)) {
		kslab_stat_add(cache, KSLAB_CNT_RENT_SLAB, 1);
		return obj;
	}
	kslab_stat_add(cache, KSLAB_CNT_RENT_FAIL, 1);
	return NULL;
}

/* ---- giving objects back to slabs ---- */

/* Push @obj back to @slab; node->list_lock held. Extra empties to @release. */
static void kslab_slab_push(struct kslab_cache *cache, struct kslab_node *node,
			    struct kslab_slab *slab, void *obj,
			    struct list_head *release)
{
	unsigned int objects = cache->layout.objects;

	slab->free[slab->nr_free++] = kslab_slab_index(cache, slab, obj);
	node->nr_free++;
	if (slab->nr_free < objects) {
		if (slab->nr_free == 1)
			list_move(&slab->list, &node->partial);
		return;
	}
	if (node->nr_empty >= KSLAB_EMPTY_RESERVE) {
		list_move(&slab->list, release);
		node->nr_slabs--;
		node->nr_free -= objects;
	} else {
		list_move(&slab->list, &node->empty);
		node->nr_empty++;
	}
}

/**
 * kslab_slab_free_bulk() - give objects back to their slabs.
 * @cache: the cache.
 * @nr: how many.
 * @objs: the objects, of any node.
 *
 * A slab that becomes empty is kept while its node has fewer than
 * KSLAB_EMPTY_RESERVE empty slabs, else its pages go back at once.
 *
 * Context: any context; does not sleep; takes the
 * list_lock of each node in turn.
 * Return: pages given back to the page allocator.
 */
unsigned long kslab_slab_free_bulk(struct kslab_cache *cache, unsigned int nr,
				   void **objs)
{
	unsigned long flags;
	LIST_HEAD(release);
	unsigned int i = 0;

	/* One lock round per run of objects from the same node. */
	while (i < nr) {
		struct kslab_slab *slab = kslab_obj_slab(objs[i]);
		struct kslab_node *node = kslab_node_of(cache, slab->nid);

		spin_lock_irqsave(&node->list_lock, flags);
		do {
			kslab_slab_push(cache, node, slab, objs[i], &release);
			if (++i == nr)
				break;
			slab = kslab_obj_slab(objs[i]);
		} while (kslab_node_of(cache, slab->nid) == node);
		spin_unlock_irqrestore(&node->list_lock, flags);
	}
	return kslab_slabs_free(cache, &release);
}

/**
 * kslab_slab_return_one() - give one object straight back to its slab, as
 *	a return that found the shared magazine full or the per-CPU layer
 *	busy does; counted as such.
 * @cache: the cache.
 * @obj: the object.
 *
 * Context: any context; does not sleep; takes a node's list_lock.
 */
void kslab_slab_return_one(struct kslab_cache *cache, void *obj)
{
	kslab_slab_free_bulk(cache, 1, &obj);
	kslab_stat_add(cache, KSLAB_CNT_RETURN_SLAB, 1);
}

/**
 * kslab_slab_release_empty() - give a node's empty slabs back.
 * @cache: the cache.
 * @nid: the node.
 * @keep: empty slabs to keep.
 *
 * Context: any context; does not sleep; takes the node's list_lock.
 * Return: pages freed.
 */
unsigned long kslab_slab_release_empty(struct kslab_cache *cache, int nid,
				       unsigned long keep)
{
	unsigned long flags;
	struct kslab_node *node = kslab_node_of(cache, nid);
	struct kslab_slab *slab, *next;
	LIST_HEAD(release);

	spin_lock_irqsave(&node->list_lock, flags);
	list_for_each_entry_safe(slab, next, &node->empty, list) {
		if (node->nr_empty <= keep)
			break;
		list_move(&slab->list, &release);
		node->nr_empty--;
		node->nr_slabs--;
		node->nr_free -= cache->layout.objects;
	}
	spin_unlock_irqrestore(&node->list_lock, flags);
	return kslab_slabs_free(cache, &release);
}

/**
 * kslab_slab_count() - slabs of a cache, over every node.
 * @cache: the cache.
 * @empty: set to how many of them are empty.
 *
 * Context: task context; does not sleep; takes each node's list_lock.
 * Return: the number of slabs.
 */
u64 kslab_slab_count(struct kslab_cache *cache, u64 *empty)
{
	unsigned long flags;
	u64 slabs = 0;
	int nid;

	*empty = 0;
	for_each_node(nid) {
		struct kslab_node *node = kslab_node_of(cache, nid);

		spin_lock_irqsave(&node->list_lock, flags);
		slabs += node->nr_slabs;
		*empty += node->nr_empty;
		spin_unlock_irqrestore(&node->list_lock, flags);
	}
	return slabs;
}

/**
 * kslab_slab_partial() - slabs of a cache with some objects free and some
 *	not, over every node (SLUB's "partial").
 * @cache: the cache.
 *
 * Walks each node's partial list, as SLUB's count_partial() does. The
 * list_lock is taken with interrupts saved: right whatever context the
 * other holders of the lock take it in.
 *
 * Context: task context; does not sleep; takes each node's list_lock.
 * Return: the number of partial slabs.
 */
u64 kslab_slab_partial(struct kslab_cache *cache)
{
	unsigned long flags;
	struct list_head *pos;
	u64 partial = 0;
	int nid;

	for_each_node(nid) {
		struct kslab_node *node = kslab_node_of(cache, nid);

		spin_lock_irqsave(&node->list_lock, flags);
		list_for_each(pos, &node->partial)
			partial++;
		spin_unlock_irqrestore(&node->list_lock, flags);
	}
	return partial;
}

/* ---- nodes ---- */

/**
 * kslab_node_init() - allocate and set up the slabs and depot of a node.
 * @cache: the cache.
 * @nid: a possible node.
 *
 * Context: task context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kslab_node_init(struct kslab_cache *cache, int nid)
{
	int home = node_state(nid, N_NORMAL_MEMORY) ? nid : NUMA_NO_NODE;
	struct kslab_node *node;

	node = kzalloc_node(sizeof(*node), GFP_KERNEL | cache->gfp, home);
	if (!node)
		return -ENOMEM;
	spin_lock_init(&node->list_lock);
	INIT_LIST_HEAD(&node->partial);
	INIT_LIST_HEAD(&node->full);
	INIT_LIST_HEAD(&node->empty);
	INIT_LIST_HEAD(&node->lru_item);
	spin_lock_init(&node->depot.lock);
	INIT_LIST_HEAD(&node->depot.full);
	INIT_LIST_HEAD(&node->depot.empty);
	node->depot.max_full = KSLAB_DEPOT_PER_CPU *
			       max_t(unsigned int, nr_cpus_node(nid), 1) + 1;
	node->depot.window = jiffies;
	node->fallback = NUMA_NO_NODE;
	cache->node[nid] = node;
	return 0;
}

/**
 * kslab_node_destroy() - free a node's slabs and the node.
 * @cache: the cache.
 * @nid: the node.
 *
 * Slabs that still hold rented objects are leaked, not freed, as SLUB does.
 *
 * Context: task context; the cache is no longer used.
 * Return: objects still rented on this node.
 */
unsigned long kslab_node_destroy(struct kslab_cache *cache, int nid)
{
	struct kslab_node *node = kslab_node_of(cache, nid);
	unsigned long rented;

	if (!node)
		return 0;
	kslab_slab_release_empty(cache, nid, 0);
	rented = node->nr_slabs * cache->layout.objects - node->nr_free;
	kfree(node);
	cache->node[nid] = NULL;
	return rented;
}
