// SPDX-License-Identifier: GPL-2.0
/*
 * The handle table of a session cache (see handles.h): slots in chunks of
 * one 4 KiB allocation each, found by an xarray, a free list threaded
 * through the free slots, and the handle encoding.
 */
#include <linux/bits.h>
#include <linux/cleanup.h>
#include <linux/lockdep.h>
#include <linux/nospec.h>
#include <linux/slab.h>

#include "handles.h"

#define KSLAB_INDEX_BITS	20
#define KSLAB_GEN_BITS		28
#define KSLAB_ID_SHIFT		(KSLAB_INDEX_BITS + KSLAB_GEN_BITS)
#define KSLAB_INDEX_MASK	GENMASK_ULL(KSLAB_INDEX_BITS - 1, 0)
#define KSLAB_GEN_MASK		GENMASK(KSLAB_GEN_BITS - 1, 0)
#define KSLAB_SLOTS_MAX		BIT(KSLAB_INDEX_BITS)
/* Slots per chunk of the table: one 4 KiB allocation. */
#define KSLAB_CHUNK_SLOTS	128
#define KSLAB_NO_SLOT		U32_MAX

static_assert(64 - KSLAB_ID_SHIFT == 16, "cache ids are 16 bits");

/**
 * kslab_handles_init() - an empty table.
 * @t: the table.
 * @id: the cache id its handles carry, 1..KSLAB_CACHE_ID_MAX.
 *
 * Context: any context.
 */
void kslab_handles_init(struct kslab_handles *t, u32 id)
{
	spin_lock_init(&t->lock);
	mutex_init(&t->grow_lock);
	xa_init(&t->chunks);
	t->id = id;
	t->free = KSLAB_NO_SLOT;
}

/**
 * kslab_handles_destroy() - free the table; its objects are gone.
 * @t: the table; nobody else uses it any more.
 *
 * Context: process context; does not sleep.
 */
void kslab_handles_destroy(struct kslab_handles *t)
{
	struct kslab_slot *chunk;
	unsigned long i;

	xa_for_each(&t->chunks, i, chunk)
		kfree(chunk);
	xa_destroy(&t->chunks);
	mutex_destroy(&t->grow_lock);
}

/**
 * kslab_handles_slot() - the slot of an index.
 * @t: the table.
 * @index: below @t->nr_slots.
 *
 * Context: @t->lock held, or the table no longer shared.
 * Return: the slot.
 */
struct kslab_slot *kslab_handles_slot(struct kslab_handles *t, u32 index)
{
	struct kslab_slot *chunk = xa_load(&t->chunks,
					   index / KSLAB_CHUNK_SLOTS);

	return &chunk[index % KSLAB_CHUNK_SLOTS];
}

/**
 * kslab_handles_handle() - the handle of a slot, as its generation is now.
 * @t: the table.
 * @index: the slot.
 *
 * Context: @t->lock held.
 * Return: the handle.
 */
u64 kslab_handles_handle(struct kslab_handles *t, u32 index)
{
	lockdep_assert_held(&t->lock);
	return (u64)t->id << KSLAB_ID_SHIFT |
	       (u64)kslab_handles_slot(t, index)->gen << KSLAB_INDEX_BITS |
	       index;
}

/**
 * kslab_handles_find() - the rented, not returned slot a handle names.
 * @t: the table.
 * @handle: any value from the user.
 * @index: set to the slot's index when found.
 *
 * Context: @t->lock held.
 * Return: the slot, or NULL when @handle names no rented object here.
 */
struct kslab_slot *kslab_handles_find(struct kslab_handles *t, u64 handle,
				      u32 *index)
{
	u32 gen = (handle >> KSLAB_INDEX_BITS) & KSLAB_GEN_MASK;
	u32 i = handle & KSLAB_INDEX_MASK;
	struct kslab_slot *slot;

	lockdep_assert_held(&t->lock);
	if (handle >> KSLAB_ID_SHIFT != t->id || i >= t->nr_slots)
		return NULL;
	i = array_index_nospec(i, t->nr_slots);
	slot = kslab_handles_slot(t, i);
	if (!slot->obj || slot->dead || slot->gen != gen)
		return NULL;
	*index = i;
	return slot;
}

/**
 * kslab_handles_put() - free a slot: its handle goes stale.
 * @t: the table.
 * @index: a slot taken with kslab_handles_get().
 *
 * Context: @t->lock held.
 */
void kslab_handles_put(struct kslab_handles *t, u32 index)
{
	struct kslab_slot *slot = kslab_handles_slot(t, index);

	lockdep_assert_held(&t->lock);
	if (slot->obj)
		t->nr_rented--;
	slot->obj = NULL;
	slot->dead = false;
	slot->gen = (slot->gen + 1) & KSLAB_GEN_MASK ?: 1;
	slot->next_free = t->free;
	t->free = index;
	t->nr_free++;
}

/* Add a chunk of slots unless @want are free already. */
static int kslab_handles_grow(struct kslab_handles *t, unsigned int want)
{
	struct kslab_slot *chunk;
	u32 base, i;
	int ret;

	guard(mutex)(&t->grow_lock);
	spin_lock(&t->lock);
	base = t->nr_slots;
	ret = t->nr_free >= want ? 1 : 0;
	spin_unlock(&t->lock);
	if (ret)
		return 0;
	if (base >= KSLAB_SLOTS_MAX)
		return -ENOSPC;
	chunk = kcalloc(KSLAB_CHUNK_SLOTS, sizeof(*chunk), GFP_KERNEL_ACCOUNT);
	if (!chunk)
		return -ENOMEM;
	for (i = 0; i < KSLAB_CHUNK_SLOTS; i++) {
		chunk[i].gen = 1;
		chunk[i].next_free = base + i + 1;
	}
	ret = xa_err(xa_store(&t->chunks, base / KSLAB_CHUNK_SLOTS, chunk,
			      GFP_KERNEL_ACCOUNT));
	if (ret) {
		kfree(chunk);
		return ret;
	}
	spin_lock(&t->lock);
	chunk[KSLAB_CHUNK_SLOTS - 1].next_free = t->free;
	t->free = base;
	t->nr_free += KSLAB_CHUNK_SLOTS;
	t->nr_slots = base + KSLAB_CHUNK_SLOTS;
	spin_unlock(&t->lock);
	return 0;
}

/**
 * kslab_handles_get() - take free slots off the free list, growing the
 *	table when it has too few.
 * @t: the table.
 * @n: how many.
 * @idx: where their indices go.
 *
 * Context: process context, no lock held; may sleep.
 * Return: 0; -ENOSPC when the table is at its largest; -ENOMEM.
 */
int kslab_handles_get(struct kslab_handles *t, unsigned int n, u32 *idx)
{
	unsigned int i;
	int ret;

	for (;;) {
		spin_lock(&t->lock);
		if (t->nr_free >= n) {
			for (i = 0; i < n; i++) {
				idx[i] = t->free;
				t->free = kslab_handles_slot(t, idx[i])->next_free;
			}
			t->nr_free -= n;
			spin_unlock(&t->lock);
			return 0;
		}
		spin_unlock(&t->lock);
		ret = kslab_handles_grow(t, n);
		if (ret)
			return ret;
	}
}
