/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handle table of one session cache: a slot per rented object, and
 * the handles that name them (handles.c). A handle is
 *
 *	cache id (16 bits) | generation (28 bits) | slot index (20 bits)
 *
 * A slot's generation moves on every time the slot is freed, so a returned
 * (stale) handle no longer matches; it comes back only after 2^28 - 1
 * rents of the same slot.
 *
 * Locking: &kslab_handles.lock guards the slots and counts; growth of the
 * table is serialised by &kslab_handles.grow_lock, taken outside @lock.
 */
#ifndef _KSLAB_DEVICE_HANDLES_H
#define _KSLAB_DEVICE_HANDLES_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

/* Largest cache id: the 16 top bits of a handle. */
#define KSLAB_CACHE_ID_MAX	U16_MAX

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
struct kslab_slot *kslab_handles_slot(struct kslab_handles *t, u32 index);
u64 kslab_handles_handle(struct kslab_handles *t, u32 index);
struct kslab_slot *kslab_handles_find(struct kslab_handles *t, u64 handle,
				      u32 *index);
void kslab_handles_put(struct kslab_handles *t, u32 index);
int kslab_handles_get(struct kslab_handles *t, unsigned int n, u32 *idx);

#endif /* _KSLAB_DEVICE_HANDLES_H */
