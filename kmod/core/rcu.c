// SPDX-License-Identifier: GPL-2.0
/*
 * kslab RCU-deferred return: kslab_return_rcu() gives an object back only
 * after an RCU grace period, for objects that readers may still reach under
 * rcu_read_lock(), with no rcu_head inside the object.
 *
 * Objects are batched: each CPU fills a struct kslab_rcu_batch of its own
 * (kslab_cpu.rcu, under the CPU's layer lock); a full batch is handed to
 * call_rcu() and, after the grace period, its objects go back with
 * kslab_return_bulk() (debug checks then, as for any return). A return
 * that finds its CPU's layer busy (it interrupted its holder) fills its
 * node depot's batch instead, under the depot lock. So one call_rcu() per
 * KSLAB_RCU_BATCH objects, as the 6.18 sheaves do for kfree_rcu().
 *
 * A partly filled batch is sent by the next flush of the cache's
 * magazines (shrink, tune, the shrinker, a CPU going offline) and by
 * destroy, which waits for every batch in flight with rcu_barrier(); until
 * then its objects count as rented.
 *
 * Batches are allocated with GFP_NOWAIT (never sleeping, in any context);
 * when none can be had, kslab_return_rcu() fails with -ENOMEM and the
 * caller keeps the object.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "internal.h"

/* Objects per batch: the batch is 512 bytes. */
#define KSLAB_RCU_BATCH	((512 - 32) / sizeof(void *))

/**
 * struct kslab_rcu_batch - objects waiting for a grace period.
 * @rcu: handed to call_rcu() when full or flushed.
 * @cache: the cache the objects go back to.
 * @nr: objects in @objs.
 * @objs: the objects.
 */
struct kslab_rcu_batch {
	struct rcu_head rcu;
	struct kslab_cache *cache;
	unsigned int nr;
	void *objs[KSLAB_RCU_BATCH];
};

/* After the grace period: the objects go back, the batch is freed. */
static void kslab_rcu_batch_done(struct rcu_head *head)
{
	struct kslab_rcu_batch *b = container_of(head, struct kslab_rcu_batch,
						 rcu);
	struct kslab_cache *cache = b->cache;

	kslab_return_bulk(cache, b->nr, b->objs);
	kfree(b);
	atomic_dec(&cache->rcu_batches);
}

/* Hand a batch (or NULL) to RCU. */
static void kslab_rcu_batch_send(struct kslab_rcu_batch *b)
{
	if (b)
		call_rcu(&b->rcu, kslab_rcu_batch_done);
}

/*
 * Add @obj to the batch at @slot (its owner's lock held): allocate one if
 * there is none; when it fills, take it off @slot for the caller to send.
 * Returns 0 or -ENOMEM.
 */
static int kslab_rcu_add(struct kslab_cache *cache,
			 struct kslab_rcu_batch **slot, void *obj,
			 struct kslab_rcu_batch **full)
{
	struct kslab_rcu_batch *b = *slot;

	if (!b) {
		struct mem_cgroup *old = kslab_memcg_enter(cache);

		b = kmalloc(sizeof(*b), GFP_NOWAIT | __GFP_NOWARN | cache->gfp);
		kslab_memcg_exit(old);
		if (!b)
			return -ENOMEM;
		b->cache = cache;
		b->nr = 0;
		atomic_inc(&cache->rcu_batches);
		*slot = b;
	}
	b->objs[b->nr++] = obj;
	if (b->nr == KSLAB_RCU_BATCH) {
		*full = b;
		*slot = NULL;
	}
	return 0;
}

/**
 * kslab_return_rcu() - give one object back after an RCU grace period.
 * @cache: the cache it was rented from.
 * @obj: the object; readers that found it under rcu_read_lock() may still
 *	read it until their read-side critical sections end.
 *
 * The object is not rented again, nor its memory reused, before every
 * RCU read-side critical section that began before this call has ended. It
 * needs no rcu_head: objects are batched per CPU, one call_rcu() per
 * batch. Debug checks (KSLAB_DEBUG) run when it actually goes back.
 *
 * Context: any context kslab_return() allows; never sleeps.
 * Return: 0, or -ENOMEM when a new batch could not be allocated without
 * waiting (the caller still owns @obj and may retry or wait for a grace
 * period itself).
 */
int kslab_return_rcu(struct kslab_cache *cache, void *obj)
{
	struct kslab_rcu_batch *full = NULL;
	struct kslab_depot *depot;
	unsigned long flags;
	struct kslab_cpu *cc;
	int ret;

	if (kslab_cpu_trylock(cache->cpu, &cc)) {
		ret = kslab_rcu_add(cache, &cc->rcu, obj, &full);
		kslab_cpu_unlock(cache->cpu, cc);
	} else {
		depot = &kslab_node_of(cache, numa_mem_id())->depot;
		spin_lock_irqsave(&depot->lock, flags);
		ret = kslab_rcu_add(cache, &depot->rcu, obj, &full);
		spin_unlock_irqrestore(&depot->lock, flags);
	}
	kslab_rcu_batch_send(full);
	return ret;
}
EXPORT_SYMBOL_GPL(kslab_return_rcu);

/**
 * kslab_rcu_flush_cpu() - send a CPU's partly filled batch.
 * @cc: the CPU's kslab_cpu, held, or the CPU is dead.
 *
 * Context: any context; does not sleep.
 */
void kslab_rcu_flush_cpu(struct kslab_cpu *cc)
{
	kslab_rcu_batch_send(cc->rcu);
	cc->rcu = NULL;
}

/**
 * kslab_rcu_flush_depot() - send a depot's partly filled batch.
 * @depot: the depot.
 *
 * Context: any context; does not sleep; takes the depot lock.
 */
void kslab_rcu_flush_depot(struct kslab_depot *depot)
{
	struct kslab_rcu_batch *b;
	unsigned long flags;

	spin_lock_irqsave(&depot->lock, flags);
	b = depot->rcu;
	depot->rcu = NULL;
	spin_unlock_irqrestore(&depot->lock, flags);
	kslab_rcu_batch_send(b);
}

/**
 * kslab_rcu_destroy() - send every batch of a cache that is being
 *	destroyed and wait until their objects are back.
 * @cache: the cache; no rent or return runs or follows.
 *
 * Context: task context; sleeps (rcu_barrier()) when batches were used.
 */
void kslab_rcu_destroy(struct kslab_cache *cache)
{
	unsigned int cpu;
	int nid;

	for_each_possible_cpu(cpu)
		kslab_rcu_flush_cpu(per_cpu_ptr(cache->cpu, cpu));
	for_each_node(nid)
		if (kslab_node_of(cache, nid))
			kslab_rcu_flush_depot(&kslab_node_of(cache, nid)->depot);
	if (atomic_read(&cache->rcu_batches))
		rcu_barrier();
}
