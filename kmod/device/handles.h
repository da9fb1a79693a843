/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handle table of one session cache: a slot per rented object, and
 * the handles that name them. A handle is
 *
 *	cache id (16 bits) | 0 | generation (14 bits) | slot index (17 bits)
 *
 * with the cache id in bits 32-47 (KSLAB_HANDLE() of the ABI), so that
 * RENT_ONE can return the low 31 bits as the ioctl's int. A slot's
 * generation moves on every time the slot is freed, so a returned (stale)
 * handle no longer matches; it comes back only after 2^14 - 1 rents of
 * the same slot.
 *
 * Design. The threads of a session meet on nothing in the common case:
 *  - Slots live in segments that double in size: segment k holds
 *    KSLAB_SEG0_SLOTS << k slots, so an index finds its slot with one
 *    fls() and two loads. Growth adds a segment and never moves a slot;
 *    it publishes the segment before the slot count (release), and a
 *    reader checks an index against the count (acquire): readers never
 *    wait for growth.
 *  - A slot's state is one atomic64: generation | KSLAB_SLOT_LIVE | pins
 *    (from bit 32). A rent owns its free slot, fills it and publishes the
 *    state with a store-release; a return or a pin is one cmpxchg of it,
 *    so two returns of one handle cannot both win. A return while the
 *    object is pinned (an OBJ_READ/OBJ_WRITE copy in flight) only clears
 *    LIVE: the handle is stale at once, and the last unpin frees the slot.
 *  - Free slots sit in a per-CPU cache of up to KSLAB_FREE_CACHE indices
 *    (a local_lock), over a shared free list (a spinlock): an empty cache
 *    takes what it needs and KSLAB_FREE_BATCH more, a full one gives
 *    KSLAB_FREE_BATCH back.
 *
 * Limits: a cache holds at most KSLAB_SLOTS_MAX slots (-ENOSPC), and up to
 * KSLAB_FREE_CACHE free ones per CPU may sit in CPU caches meanwhile.
 *
 * Locking, outermost first:
 *   1. kslab_handles.grow_lock (mutex): growth.
 *   2. kslab_free_cache.lock (local_lock): the CPU's free-slot cache.
 *   3. kslab_handles.lock (spinlock): the shared free list.
 *   kslab_handles.io_lock[] (spinlock, taken alone): the written count of
 *	the slots hashed to it.
 */
#ifndef _KSLAB_DEVICE_HANDLES_H
#define _KSLAB_DEVICE_HANDLES_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/local_lock.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>

/*
 * Allocations a session makes for its caller: charged to the caller's
 * memcg, and failing (-ENOMEM) at its limit rather than OOM-killing.
 */
#define KSLAB_SESSION_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | \
				 __GFP_NOWARN)

/* Largest cache id: bits 32-47 of a handle. */
#define KSLAB_CACHE_ID_MAX	U16_MAX

#define KSLAB_INDEX_BITS	17
#define KSLAB_GEN_BITS		14
#define KSLAB_ID_SHIFT		32
#define KSLAB_INDEX_MASK	GENMASK_ULL(KSLAB_INDEX_BITS - 1, 0)
#define KSLAB_GEN_MASK		GENMASK_ULL(KSLAB_GEN_BITS - 1, 0)
#define KSLAB_SLOTS_MAX		BIT(KSLAB_INDEX_BITS)
/* Slots of segment 0; segment k has KSLAB_SEG0_SLOTS << k. */
#define KSLAB_SEG0_SLOTS	64
/* Segments for KSLAB_SLOTS_MAX slots: 64 * (2^12 - 1) >= 2^17. */
#define KSLAB_SEGS		12
#define KSLAB_NO_SLOT		U32_MAX
/* Per-CPU free-slot cache, and what it gives and takes at a time. */
#define KSLAB_FREE_CACHE	64
#define KSLAB_FREE_BATCH	32
#define KSLAB_IO_LOCKS		16

/* The slot state: generation (bits 0-13), LIVE, pins (bits 32-63). */
#define KSLAB_SLOT_LIVE		BIT_ULL(KSLAB_GEN_BITS)
#define KSLAB_SLOT_TAG		(KSLAB_GEN_MASK | KSLAB_SLOT_LIVE)
#define KSLAB_SLOT_PIN		BIT_ULL(32)

/**
 * struct kslab_slot - one object a session has rented.
 * @obj: the object; written by the renter, which owns the slot, before
 *	it publishes @state.
 * @state: generation | KSLAB_SLOT_LIVE (rented and not returned) | pins
 *	(OBJ_READ/OBJ_WRITE copies in flight) * KSLAB_SLOT_PIN.
 * @written: bytes [0, @written) of @obj were written or zeroed this rent
 *	(its io_lock).
 * @next_free: next slot of the shared free list (&kslab_handles.lock).
 */
struct kslab_slot {
	void *obj;
	atomic64_t state;
	u32 written;
	u32 next_free;
};

/**
 * struct kslab_free_cache - free slots of one CPU.
 * @lock: guards the rest; taken on this CPU only.
 * @nr: indices in @idx.
 * @idx: the free slots, last in first out.
 */
struct kslab_free_cache {
	local_lock_t lock;
	u32 nr;
	u32 idx[KSLAB_FREE_CACHE];
};

/**
 * struct kslab_handles - the slot table of one cache.
 * @seg: the segments; entry k is set once, under @lock, before
 *	@nr_slots covers it.
 * @nr_slots: slots in the table; written under @lock with release.
 * @id: the cache id every handle carries (const).
 * @cpu: the per-CPU free-slot caches.
 * @lock: guards @free, @nr_free and the slots' @next_free.
 * @free: first slot of the shared free list, or KSLAB_NO_SLOT.
 * @nr_free: slots on the shared free list.
 * @grow_lock: serialises growth.
 * @io_lock: guard the slots' @written, slot i under io_lock[i % 16].
 */
struct kslab_handles {
	struct kslab_slot *seg[KSLAB_SEGS];
	u32 nr_slots;
	u32 id;
	struct kslab_free_cache __percpu *cpu;
	spinlock_t lock;		/* see the kernel-doc above */
	u32 free;
	u32 nr_free;
	struct mutex grow_lock;		/* table growth */
	spinlock_t io_lock[KSLAB_IO_LOCKS];
};

int kslab_handles_init(struct kslab_handles *t, u32 id);
void kslab_handles_destroy(struct kslab_handles *t);
int __kslab_handles_get(struct kslab_handles *t, unsigned int n, u32 *idx);
void __kslab_handles_spill(struct kslab_handles *t,
			   struct kslab_free_cache *fc);
bool kslab_handles_busy(struct kslab_handles *t);

/* ================== Slots ================== */

/* First slot of segment @k. */
#define KSLAB_SEG_BASE(k)	(KSLAB_SEG0_SLOTS * ((1U << (k)) - 1))

/* The segment of slot @index: the k with base(k) <= @index < base(k + 1). */
static inline unsigned int kslab_seg_of(u32 index)
{
	return fls(index / KSLAB_SEG0_SLOTS + 1) - 1;
}

/**
 * kslab_handles_slot() - the slot of an index.
 * @t: the table.
 * @index: below @t->nr_slots as the caller last read it (acquire), or a
 *	slot the caller took from a free list.
 *
 * Context: any context.
 * Return: the slot.
 */
static inline struct kslab_slot *
kslab_handles_slot(struct kslab_handles *t, u32 index)
{
	unsigned int k = kslab_seg_of(index);

	return &READ_ONCE(t->seg[k])[index - KSLAB_SEG_BASE(k)];
}

/* The state of a freed slot: the next generation, never 0. */
static inline u64 kslab_slot_next_gen(u64 state)
{
	return (state + 1) & KSLAB_GEN_MASK ?: 1;
}

/* ================== Free slots ================== */

/* Take @n slots off a CPU cache that has them; its lock held. */
static inline void kslab_free_cache_pop(struct kslab_free_cache *fc,
					unsigned int n, u32 *idx)
{
	fc->nr -= n;
	memcpy(idx, &fc->idx[fc->nr], n * sizeof(*idx));
}

/**
 * kslab_handles_get() - take free slots, growing the table when needed.
 * @t: the table.
 * @n: how many, at most KSLAB_FREE_BATCH.
 * @idx: where their indices go; the caller owns those slots until it
 *	fills or releases them.
 *
 * Context: process context, no lock held; may sleep (growth).
 * Return: 0; -ENOSPC when the table is at its largest; -ENOMEM.
 */
static inline int kslab_handles_get(struct kslab_handles *t, unsigned int n,
				    u32 *idx)
{
	struct kslab_free_cache *fc;

	local_lock(&t->cpu->lock);
	fc = this_cpu_ptr(t->cpu);
	if (likely(fc->nr >= n)) {
		kslab_free_cache_pop(fc, n, idx);
		local_unlock(&t->cpu->lock);
		return 0;
	}
	local_unlock(&t->cpu->lock);
	return __kslab_handles_get(t, n, idx);
}

/**
 * kslab_handles_put_bulk() - put slots the caller owns on this CPU's free
 *	cache.
 * @t: the table.
 * @idx: the slots.
 * @n: how many, at most KSLAB_FREE_BATCH.
 *
 * Context: process context (a CPU-local lock).
 */
static inline void kslab_handles_put_bulk(struct kslab_handles *t,
					  const u32 *idx, unsigned int n)
{
	struct kslab_free_cache *fc;

	local_lock(&t->cpu->lock);
	fc = this_cpu_ptr(t->cpu);
	if (unlikely(fc->nr + n > KSLAB_FREE_CACHE))
		__kslab_handles_spill(t, fc);
	memcpy(&fc->idx[fc->nr], idx, n * sizeof(*idx));
	fc->nr += n;
	local_unlock(&t->cpu->lock);
}

/* Put one slot the caller owns on this CPU's free cache. */
static inline void kslab_handles_put(struct kslab_handles *t, u32 index)
{
	kslab_handles_put_bulk(t, &index, 1);
}

/* ================== Rent ================== */

/**
 * kslab_handles_handle() - the handle a slot taken for a rent will have.
 * @t: the table.
 * @slot: kslab_handles_slot() of @index.
 * @index: a slot from kslab_handles_get(), not yet filled.
 *
 * Context: any context.
 * Return: the handle.
 */
static inline u64 kslab_handles_handle(struct kslab_handles *t,
				       struct kslab_slot *slot, u32 index)
{
	u64 gen = atomic64_read(&slot->state);

	return (u64)t->id << KSLAB_ID_SHIFT | gen << KSLAB_INDEX_BITS | index;
}

/**
 * kslab_handles_fill() - put a rented object in its slot: its handle
 *	(kslab_handles_handle()) names it from now on.
 * @slot: a slot from kslab_handles_get(), by kslab_handles_slot().
 * @obj: the object.
 *
 * Context: any context.
 */
static inline void kslab_handles_fill(struct kslab_slot *slot, void *obj)
{
	slot->obj = obj;
	slot->written = 0;
	atomic64_set_release(&slot->state,
			     atomic64_read(&slot->state) | KSLAB_SLOT_LIVE);
}

/**
 * kslab_handles_release() - free a slot the caller owns, its generation
 *	moved on: a handle the user saw for it goes stale.
 * @t: the table.
 * @index: a slot from kslab_handles_get() that was not filled, or one
 *	whose last pin the caller dropped after its return.
 *
 * Context: process context (a CPU-local lock).
 */
static inline void kslab_handles_release(struct kslab_handles *t, u32 index)
{
	struct kslab_slot *slot = kslab_handles_slot(t, index);

	atomic64_set(&slot->state,
		     kslab_slot_next_gen(atomic64_read(&slot->state)));
	kslab_handles_put(t, index);
}

/* ================== Return and pins ================== */

/* The slot @handle points at, if the table has it; its state unchecked. */
static inline struct kslab_slot *
kslab_handles_lookup(struct kslab_handles *t, u64 handle, u32 *index)
{
	u32 i = handle & KSLAB_INDEX_MASK;
	/* pairs with growth's release: the segment of a slot below is set */
	u32 nr = smp_load_acquire(&t->nr_slots);

	if (handle >> KSLAB_ID_SHIFT != t->id || handle & BIT_ULL(31) ||
	    i >= nr)
		return NULL;
	*index = array_index_nospec(i, nr);
	return kslab_handles_slot(t, *index);
}

/* The state a slot has while @handle names its object, pins aside. */
static inline u64 kslab_handle_tag(u64 handle)
{
	return (handle >> KSLAB_INDEX_BITS & KSLAB_GEN_MASK) | KSLAB_SLOT_LIVE;
}

/**
 * __kslab_handles_take() - end the rent a handle names: the handle is
 *	stale from now on.
 * @t: the table.
 * @handle: any value from the user.
 * @index: set to the slot, which the caller owns and puts on a free
 *	cache, when an object comes back.
 *
 * Context: any context.
 * Return: the object, for the caller to give back; NULL when it is pinned
 * (the last kslab_handles_unpin() gives it); ERR_PTR(-ENOENT) when
 * @handle names no rented object here.
 */
static inline void *__kslab_handles_take(struct kslab_handles *t, u64 handle,
					 u32 *index)
{
	u64 tag = kslab_handle_tag(handle);
	struct kslab_slot *slot;
	s64 old, new;

	slot = kslab_handles_lookup(t, handle, index);
	if (!slot)
		return ERR_PTR(-ENOENT);
	old = atomic64_read(&slot->state);
	do {
		if ((old & KSLAB_SLOT_TAG) != tag)
			return ERR_PTR(-ENOENT);
		new = old >> 32 ? old & ~KSLAB_SLOT_LIVE :
				  kslab_slot_next_gen(old);
	} while (!atomic64_try_cmpxchg(&slot->state, &old, new));
	return old >> 32 ? NULL : slot->obj;
}

/**
 * kslab_handles_take() - __kslab_handles_take(), and the slot put back.
 * @t: the table.
 * @handle: any value from the user.
 *
 * Context: process context (a CPU-local lock).
 * Return: as __kslab_handles_take().
 */
static inline void *kslab_handles_take(struct kslab_handles *t, u64 handle)
{
	u32 index;
	void *obj = __kslab_handles_take(t, handle, &index);

	if (!IS_ERR_OR_NULL(obj))
		kslab_handles_put(t, index);
	return obj;
}

/**
 * kslab_handles_pin() - keep the object a handle names from going back
 *	while it is copied.
 * @t: the table.
 * @handle: any value from the user.
 * @index: set to the slot's index.
 *
 * Context: any context.
 * Return: the slot, or NULL when @handle names no rented object here.
 */
static inline struct kslab_slot *
kslab_handles_pin(struct kslab_handles *t, u64 handle, u32 *index)
{
	u64 tag = kslab_handle_tag(handle);
	struct kslab_slot *slot;
	s64 old;

	slot = kslab_handles_lookup(t, handle, index);
	if (!slot)
		return NULL;
	old = atomic64_read(&slot->state);
	do {
		if ((old & KSLAB_SLOT_TAG) != tag)
			return NULL;
	} while (!atomic64_try_cmpxchg(&slot->state, &old,
				       old + KSLAB_SLOT_PIN));
	return slot;
}

/**
 * kslab_handles_unpin() - drop a pin of kslab_handles_pin().
 * @t: the table.
 * @index: the slot.
 *
 * Context: process context (a CPU-local lock).
 * Return: the object when this was the last pin of an object returned
 * meanwhile (the caller gives it back), else NULL.
 */
static inline void *kslab_handles_unpin(struct kslab_handles *t, u32 index)
{
	struct kslab_slot *slot = kslab_handles_slot(t, index);
	s64 state = atomic64_sub_return(KSLAB_SLOT_PIN, &slot->state);
	void *obj;

	if (state >> 32 || state & KSLAB_SLOT_LIVE)
		return NULL;
	obj = slot->obj;
	kslab_handles_release(t, index);
	return obj;
}

/**
 * kslab_handles_io_lock() - the lock of a slot's written count.
 * @t: the table.
 * @index: the slot.
 *
 * Context: any context.
 * Return: the lock.
 */
static inline spinlock_t *kslab_handles_io_lock(struct kslab_handles *t,
						u32 index)
{
	return &t->io_lock[index % KSLAB_IO_LOCKS];
}

/**
 * kslab_handles_rented() - the object of a slot, if it is rented.
 * @t: the table, no longer shared.
 * @index: below @t->nr_slots.
 *
 * Context: any context.
 * Return: the object, or NULL.
 */
static inline void *kslab_handles_rented(struct kslab_handles *t, u32 index)
{
	struct kslab_slot *slot = kslab_handles_slot(t, index);

	return atomic64_read(&slot->state) & KSLAB_SLOT_LIVE ? slot->obj : NULL;
}

#endif /* _KSLAB_DEVICE_HANDLES_H */
