// SPDX-License-Identifier: GPL-2.0
/*
 * The handle table of a session cache (see handles.h): set-up, growth by
 * segments, and the slow paths of the free-slot caches. Every rent and
 * return goes through the inlines of handles.h; what is here runs when a
 * CPU's free-slot cache is empty or full, or the table grows.
 */
#include <linux/bits.h>
#include <linux/cleanup.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include <uapi/kslab.h>

#include "handles.h"

static_assert(KSLAB_INDEX_BITS + KSLAB_GEN_BITS == 31,
	      "RENT_ONE returns slot and generation as a positive int");
static_assert(KSLAB_SEG_BASE(KSLAB_SEGS) >= KSLAB_SLOTS_MAX &&
	      KSLAB_SEG_BASE(KSLAB_SEGS - 1) < KSLAB_SLOTS_MAX,
	      "KSLAB_SEGS segments hold KSLAB_SLOTS_MAX slots");
static_assert(KSLAB_FREE_BATCH * 2 <= KSLAB_FREE_CACHE);

/* ================== Set-up ================== */

/**
 * kslab_handles_init() - an empty table.
 * @t: the table, zeroed.
 * @id: the cache id its handles carry, 1..KSLAB_CACHE_ID_MAX.
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
int kslab_handles_init(struct kslab_handles *t, u32 id)
{
	unsigned int i;
	int cpu;

	t->cpu = alloc_percpu_gfp(struct kslab_free_cache, KSLAB_SESSION_GFP);
	if (!t->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		local_lock_init(&per_cpu_ptr(t->cpu, cpu)->lock);
	spin_lock_init(&t->lock);
	mutex_init(&t->grow_lock);
	for (i = 0; i < KSLAB_IO_LOCKS; i++)
		spin_lock_init(&t->io_lock[i]);
	t->id = id;
	t->free = KSLAB_NO_SLOT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_handles_init);

/**
 * kslab_handles_destroy() - free the table; its objects are gone.
 * @t: the table; nobody else uses it any more.
 *
 * Context: process context; may sleep.
 */
void kslab_handles_destroy(struct kslab_handles *t)
{
	unsigned int k;

	for (k = 0; k < KSLAB_SEGS; k++)
		kvfree(t->seg[k]);
	free_percpu(t->cpu);
	mutex_destroy(&t->grow_lock);
}
EXPORT_SYMBOL_IF_KUNIT(kslab_handles_destroy);

/**
 * kslab_handles_busy() - whether any slot holds a rented or pinned object.
 * @t: the table; no rent, return or pin runs on it.
 *
 * Context: any context.
 * Return: true when one does.
 */
bool kslab_handles_busy(struct kslab_handles *t)
{
	u32 i;

	for (i = 0; i < t->nr_slots; i++)
		if (atomic64_read(&kslab_handles_slot(t, i)->state) &
		    (KSLAB_SLOT_LIVE | GENMASK_ULL(63, 32)))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(kslab_handles_busy);

/* ================== Growth ================== */

/* Add the next segment to the shared free list, unless @want are free. */
static int kslab_handles_grow(struct kslab_handles *t, unsigned int want)
{
	struct kslab_slot *seg;
	unsigned int k;
	u32 base, size, i;

	guard(mutex)(&t->grow_lock);
	scoped_guard(spinlock, &t->lock) {
		if (t->nr_free >= want)
			return 0;
		base = t->nr_slots;
	}
	if (base >= KSLAB_SLOTS_MAX)
		return -ENOSPC;
	k = kslab_seg_of(base);
	size = min_t(u32, KSLAB_SEG0_SLOTS << k, KSLAB_SLOTS_MAX - base);
	seg = kvcalloc(size, sizeof(*seg), KSLAB_SESSION_GFP);
	if (!seg)
		return -ENOMEM;
	for (i = 0; i < size; i++) {
		atomic64_set(&seg[i].state, 1);
		seg[i].next_free = base + i + 1;
	}
	spin_lock(&t->lock);
	WRITE_ONCE(t->seg[k], seg);
	seg[size - 1].next_free = t->free;
	t->free = base;
	t->nr_free += size;
	/* pairs with kslab_handles_lookup(): the segment before the count */
	smp_store_release(&t->nr_slots, base + size);
	spin_unlock(&t->lock);
	return 0;
}

/* ================== Free-slot caches ================== */

/* Refill @fc from the shared free list up to @target slots. */
static void kslab_handles_refill(struct kslab_handles *t,
				 struct kslab_free_cache *fc,
				 unsigned int target)
{
	spin_lock(&t->lock);
	while (fc->nr < target && t->free != KSLAB_NO_SLOT) {
		fc->idx[fc->nr++] = t->free;
		t->free = kslab_handles_slot(t, t->free)->next_free;
		t->nr_free--;
	}
	spin_unlock(&t->lock);
}

/**
 * __kslab_handles_get() - kslab_handles_get() when this CPU's cache has
 *	too few slots: refill it from the shared list, growing the table
 *	when that is empty.
 * @t: the table.
 * @n: how many, at most KSLAB_FREE_BATCH.
 * @idx: where their indices go.
 *
 * Context: process context, no lock held; may sleep (growth).
 * Return: 0; -ENOSPC when the table is at its largest; -ENOMEM.
 */
int __kslab_handles_get(struct kslab_handles *t, unsigned int n, u32 *idx)
{
	struct kslab_free_cache *fc;
	int ret;

	for (;;) {
		local_lock(&t->cpu->lock);
		fc = this_cpu_ptr(t->cpu);
		if (fc->nr < n)
			kslab_handles_refill(t, fc, n + KSLAB_FREE_BATCH);
		if (fc->nr >= n) {
			kslab_free_cache_pop(fc, n, idx);
			local_unlock(&t->cpu->lock);
			return 0;
		}
		local_unlock(&t->cpu->lock);
		ret = kslab_handles_grow(t, n);
		if (ret)
			return ret;
	}
}
EXPORT_SYMBOL_IF_KUNIT(__kslab_handles_get);

/**
 * __kslab_handles_spill() - move KSLAB_FREE_BATCH slots of a full CPU
 *	cache to the shared free list.
 * @t: the table.
 * @fc: this CPU's cache, full.
 *
 * Context: @fc->lock held.
 */
void __kslab_handles_spill(struct kslab_handles *t,
			   struct kslab_free_cache *fc)
{
	unsigned int i;

	lockdep_assert_held(&fc->lock);
	spin_lock(&t->lock);
	for (i = 0; i < KSLAB_FREE_BATCH; i++) {
		u32 index = fc->idx[--fc->nr];

		kslab_handles_slot(t, index)->next_free = t->free;
		t->free = index;
	}
	t->nr_free += KSLAB_FREE_BATCH;
	spin_unlock(&t->lock);
}
EXPORT_SYMBOL_IF_KUNIT(__kslab_handles_spill);
