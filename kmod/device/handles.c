// SPDX-License-Identifier: GPL-2.0
/*
 * The handle table of a session cache (see handles.h): slots in chunks of
 * one 4 KiB allocation each, found by an xarray, a free list threaded
 * through the free slots, and the handle encoding.
 */
#include <linux/bits.h>
#include <linux/cleanup.h>
#include <linux/slab.h>

#include <uapi/kslab.h>

#include "handles.h"

static_assert(KSLAB_INDEX_BITS + KSLAB_GEN_BITS == 31,
	      "RENT_ONE returns slot and generation as a positive int");
static_assert(KSLAB_CHUNK_SLOTS * sizeof(struct kslab_slot) <= PAGE_SIZE);

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
	chunk = kcalloc(KSLAB_CHUNK_SLOTS, sizeof(*chunk), KSLAB_SESSION_GFP);
	if (!chunk)
		return -ENOMEM;
	for (i = 0; i < KSLAB_CHUNK_SLOTS; i++) {
		chunk[i].gen = 1;
		chunk[i].next_free = base + i + 1;
	}
	ret = xa_err(xa_store(&t->chunks, base / KSLAB_CHUNK_SLOTS, chunk,
			      KSLAB_SESSION_GFP));
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
