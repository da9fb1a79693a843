/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handle table of one session cache: a slot per rented object, and
 * the handles that name them. The accessors every rent and return uses
 * are inlines here; growth and set-up are in handles.c. A handle is
 *
 *	cache id (16 bits) | 0 | generation (14 bits) | slot index (17 bits)
 *
 * with the cache id in bits 32-47 (KSLAB_HANDLE() of the ABI), so that
 * RENT_ONE can return the low 31 bits as the ioctl's int. A slot's
 * generation moves on every time the slot is freed, so a returned (stale)
 * handle no longer matches; it comes back only after 2^14 - 1 rents of
 * the same slot.
 *
 * Locking: &kslab_handles.lock guards the slots and counts; growth of the
 * table is serialised by &kslab_handles.grow_lock, taken outside @lock.
 */
#ifndef _KSLAB_DEVICE_HANDLES_H
#define _KSLAB_DEVICE_HANDLES_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

/*
 * Allocations a session makes for its caller: charged to the caller's
 * memcg, and failing (-ENOMEM) at its limit rather than OOM-killing.
 */
#define KSLAB_SESSION_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | \
				 __GFP_NOWARN)

/* Largest cache id: the 16 top bits of a handle. */
#define KSLAB_CACHE_ID_MAX	U16_MAX

#define KSLAB_INDEX_BITS	17
#define KSLAB_GEN_BITS		14
#define KSLAB_ID_SHIFT		32
#define KSLAB_INDEX_MASK	GENMASK_ULL(KSLAB_INDEX_BITS - 1, 0)
#define KSLAB_GEN_MASK		GENMASK(KSLAB_GEN_BITS - 1, 0)
#define KSLAB_SLOTS_MAX		BIT(KSLAB_INDEX_BITS)
/* Slots per chunk of the table: one 4 KiB allocation. */
#define KSLAB_CHUNK_SLOTS	128
#define KSLAB_NO_SLOT		U32_MAX

/**
 * struct kslab_slot - one object a session has rented (handles lock).
 * @obj: the object, NULL when the slot is free or reserved by a rent.
 * @gen: generation, part of the handle; moves on when the slot is freed.
 * @written: bytes [0, @written) of @obj were written or zeroed this rent.
 * @next_free: next free slot, when free.
 * @pins: OBJ_READ/OBJ_WRITE copies in flight.
 * @dead: returned while pinned; the last unpin gives @obj back.
 */
struct kslab_slot {
	void *obj;
	u32 gen;
	u32 written;
	u32 next_free;
	u32 pins;
	bool dead;
};

/**
 * struct kslab_handles - the slot table of one cache.
 * @lock: guards @nr_slots, @free, @nr_free, @nr_rented and every slot.
 * @grow_lock: serialises growth of the table.
 * @chunks: the table, in chunks of slots; entries are added under
 *	@grow_lock and then @lock, and never removed while the table lives.
 * @id: the cache id every handle carries (const).
 * @nr_slots: slots in the table.
 * @free: first free slot, or none.
 * @nr_free: free slots.
 * @nr_rented: slots holding an object.
 */
struct kslab_handles {
	spinlock_t lock;		/* see the kernel-doc above */
	struct mutex grow_lock;		/* table growth */
	struct xarray chunks;
	u32 id;
	u32 nr_slots;
	u32 free;
	u32 nr_free;
	u32 nr_rented;
};

void kslab_handles_init(struct kslab_handles *t, u32 id);
void kslab_handles_destroy(struct kslab_handles *t);
int kslab_handles_get(struct kslab_handles *t, unsigned int n, u32 *idx);

/* The accessors of every rent and return: short inlines. */

/**
 * kslab_handles_slot() - the slot of an index.
 * @t: the table.
 * @index: below @t->nr_slots.
 *
 * Context: @t->lock held, or the table no longer shared.
 * Return: the slot.
 */
static inline struct kslab_slot *
kslab_handles_slot(struct kslab_handles *t, u32 index)
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
static inline u64 kslab_handles_handle(struct kslab_handles *t, u32 index)
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
static inline struct kslab_slot *
kslab_handles_find(struct kslab_handles *t, u64 handle, u32 *index)
{
	u32 gen = (handle >> KSLAB_INDEX_BITS) & KSLAB_GEN_MASK;
	u32 i = handle & KSLAB_INDEX_MASK;
	struct kslab_slot *slot;

	lockdep_assert_held(&t->lock);
	if (handle >> KSLAB_ID_SHIFT != t->id || handle & BIT_ULL(31) ||
	    i >= t->nr_slots)
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
static inline void kslab_handles_put(struct kslab_handles *t, u32 index)
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

#endif /* _KSLAB_DEVICE_HANDLES_H */
