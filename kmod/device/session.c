// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions of /dev/kslab: caches, handles and limits.
 *
 * A session is one open file. It owns caches (a pool of some backend each)
 * and, per cache, a table of slots, one per rented object, whose handles
 * name them (handles.c).
 *
 * Cache ids are unique among all live caches of all sessions, so a handle
 * or cache id of another session never names anything here (-ENOENT), and
 * they are handed out cyclically: the id of a destroyed cache comes back
 * only after the other 65534 have been used, so its stale handles do not
 * come back to life in the next cache created (the fuzzer's case).
 *
 * OBJ_READ/OBJ_WRITE copy between the user and the object with no lock
 * held: the slot is pinned meanwhile, and a RETURN of a pinned object
 * invalidates the handle at once but leaves the object to the last unpin,
 * which gives it back to its pool. Each slot records how many leading
 * bytes of the object were written (or zeroed) in this rent; bytes past
 * that read as zero, so a rent never shows what an earlier user left.
 *
 * Locking, outermost first:
 *   kslab_session.rwsem: the caches (the xarray and each cache's life).
 *	Read by every command on an existing cache, written by create,
 *	destroy; release needs none (no other user is left).
 *   kslab_handles.grow_lock: growth of the slot table.
 *   kslab_handles.lock (spinlock): slots, free list, counts. Never held
 *	across a user copy or a call into the pool.
 * The session's object and byte counts are atomics, charged before a rent
 * and uncharged when an object is back in its pool.
 */
#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/rwsem.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "backends/backend.h"
#include "handles.h"
#include "session.h"

/* ================== Limits ================== */

static unsigned int max_caches = 64;
module_param(max_caches, uint, 0644);
MODULE_PARM_DESC(max_caches, "Most caches one session may hold (default 64)");

static unsigned long max_objects = 65536;
module_param(max_objects, ulong, 0644);
MODULE_PARM_DESC(max_objects, "Most objects one session may rent (default 65536)");

static unsigned long max_bytes = 64UL << 20;
module_param(max_bytes, ulong, 0644);
MODULE_PARM_DESC(max_bytes, "Most object bytes one session may rent (default 64 MiB)");

/* ================== Caches of a session ================== */

/* Handles copied per step of a batch (on the stack). */
#define KSLAB_STEP		32

/**
 * struct kslab_scache - a cache of a session.
 * @pool: the backend's pool.
 * @session: the owner.
 * @table: the slots of its rented objects and their handles.
 * @reserved: bytes of the session's max_bytes its capacity holds (a
 *	fixed-size backend's capacity * object size; 0 for the others).
 */
struct kslab_scache {
	struct kslab_pool pool;
	struct kslab_session *session;
	struct kslab_handles table;
	long reserved;
};

/**
 * struct kslab_session - one open file of /dev/kslab.
 * @rwsem: guards @caches, @nr_caches and the life of each cache.
 * @caches: cache id -> &struct kslab_scache.
 * @nr_caches: caches held.
 * @objects: objects rented (charged), against @max_objects.
 * @bytes: object bytes rented (charged), against @max_bytes.
 * @max_caches: the module parameter when the session was opened.
 * @max_objects: ditto.
 * @max_bytes: ditto.
 */
struct kslab_session {
	struct rw_semaphore rwsem;
	struct xarray caches;
	unsigned int nr_caches;
	atomic_long_t objects;
	atomic_long_t bytes;
	unsigned int max_caches;
	long max_objects;
	long max_bytes;
};

static DEFINE_IDA(kslab_cache_ida);
/* Where the cyclic search for the next free cache id starts. */
static atomic_t kslab_cache_id_hint = ATOMIC_INIT(0);

/* A free cache id, searching cyclically from the last one handed out. */
static int kslab_cache_id_alloc(void)
{
	int start = (unsigned int)atomic_inc_return(&kslab_cache_id_hint) %
		    KSLAB_CACHE_ID_MAX + 1;
	int id = ida_alloc_range(&kslab_cache_ida, start, KSLAB_CACHE_ID_MAX,
				 GFP_KERNEL);

	if (id == -ENOSPC && start > 1)
		id = ida_alloc_range(&kslab_cache_ida, 1, start - 1,
				     GFP_KERNEL);
	return id;
}

/* ================== Budget ================== */

static bool kslab_budget_take(atomic_long_t *v, long n, long max)
{
	long old = atomic_long_read(v);

	do {
		if (n > max - old)
			return false;
	} while (!atomic_long_try_cmpxchg(v, &old, old + n));
	return true;
}

static int kslab_charge(struct kslab_session *s, long n, long bytes)
{
	if (!kslab_budget_take(&s->objects, n, s->max_objects))
		return -ENOSPC;
	if (!kslab_budget_take(&s->bytes, bytes, s->max_bytes)) {
		atomic_long_sub(n, &s->objects);
		return -ENOSPC;
	}
	return 0;
}

static void kslab_uncharge(struct kslab_scache *c, long n)
{
	atomic_long_sub(n, &c->session->objects);
	atomic_long_sub(n * c->pool.object_size, &c->session->bytes);
}

/* ================== Caches ================== */

/* The cache @id of @s; the caller holds @s->rwsem. */
static struct kslab_scache *kslab_cache_get(struct kslab_session *s, u32 id)
{
	lockdep_assert_held(&s->rwsem);
	return id ? xa_load(&s->caches, id) : NULL;
}

static struct kslab_scache *kslab_scache_new(struct kslab_session *s)
{
	struct kslab_scache *c = kzalloc(sizeof(*c), KSLAB_SESSION_GFP);
	int id;

	if (!c)
		return ERR_PTR(-ENOMEM);
	id = kslab_cache_id_alloc();
	if (id < 0) {
		kfree(c);
		return ERR_PTR(id);
	}
	c->session = s;
	kslab_handles_init(&c->table, id);
	return c;
}

/* Free the table, the id and the reserve; the pool is gone or never was. */
static void kslab_scache_free(struct kslab_scache *c)
{
	atomic_long_sub(c->reserved, &c->session->bytes);
	kslab_handles_destroy(&c->table);
	ida_free(&kslab_cache_ida, c->table.id);
	kfree(c);
}

/* Give every rented object back, destroy the pool, free the cache. */
static void kslab_scache_teardown(struct kslab_scache *c)
{
	u32 i;

	for (i = 0; i < c->table.nr_slots; i++) {
		struct kslab_slot *slot = kslab_handles_slot(&c->table, i);

		if (slot->obj)
			kslab_pool_return(&c->pool, slot->obj);
	}
	kslab_pool_destroy(&c->pool);
	kslab_scache_free(c);
}

/**
 * kslab_session_create() - create a cache in a session.
 * @s: the session.
 * @backend: &enum kslab_backend.
 * @args: the pool's arguments; the device adds KSLAB_CACHE_ACCOUNT, so the
 *	cache's memory is charged to the caller's memcg.
 * @id: where the new cache id goes.
 *
 * Context: process context; may sleep.
 * A fixed-size backend (KSLAB_BACKENDS_FIXED) holds capacity * object
 * size bytes (capacity 0: KSLAB_CAPACITY_DEFAULT) of the session's
 * max_bytes, with what its caches rent, until the cache is destroyed.
 *
 * Return: 0; -EOPNOTSUPP for a backend the ABI does not name; -EINVAL for
 * a bad argument; -ENOSPC when the session holds max_caches caches, when
 * all cache ids are in use, or when a fixed-size backend's capacity would
 * take the session past max_bytes; else as kslab_pool_create().
 */
int kslab_session_create(struct kslab_session *s, unsigned int backend,
			 const struct kslab_pool_args *args, u32 *id)
{
	struct kslab_pool_args pa = *args;
	struct kslab_scache *c;
	long reserve = 0;
	int ret;

	if (backend >= KSLAB_BACKEND_NR)
		return -EOPNOTSUPP;
	ret = kslab_pool_args_check(&pa);
	if (ret)
		return ret;
	pa.flags |= KSLAB_CACHE_ACCOUNT;
	guard(rwsem_write)(&s->rwsem);
	if (s->nr_caches >= s->max_caches)
		return -ENOSPC;
	c = kslab_scache_new(s);
	if (IS_ERR(c))
		return PTR_ERR(c);
	if (KSLAB_BACKENDS_FIXED & BIT_ULL(backend))
		reserve = (long)(pa.capacity ?: KSLAB_CAPACITY_DEFAULT) *
			  pa.object_size;
	if (!kslab_budget_take(&s->bytes, reserve, s->max_bytes)) {
		ret = -ENOSPC;
		goto err_free;
	}
	c->reserved = reserve;
	ret = kslab_pool_create(&c->pool, backend, &pa);
	if (ret)
		goto err_free;
	ret = xa_insert(&s->caches, c->table.id, c, KSLAB_SESSION_GFP);
	if (ret)
		goto err_pool;
	s->nr_caches++;
	*id = c->table.id;
	return 0;

err_pool:
	kslab_pool_destroy(&c->pool);
err_free:
	kslab_scache_free(c);
	return ret;
}

/**
 * kslab_session_destroy() - destroy a cache of a session.
 * @s: the session.
 * @id: the cache.
 *
 * Context: process context; may sleep.
 * Return: 0; -ENOENT when @s has no cache @id; -EBUSY when objects of it
 * are rented.
 */
int kslab_session_destroy(struct kslab_session *s, u32 id)
{
	struct kslab_scache *c;

	scoped_guard(rwsem_write, &s->rwsem) {
		c = kslab_cache_get(s, id);
		if (!c)
			return -ENOENT;
		if (READ_ONCE(c->table.nr_rented))
			return -EBUSY;
		xa_erase(&s->caches, id);
		s->nr_caches--;
	}
	kslab_scache_teardown(c);
	return 0;
}

/**
 * kslab_session_tune() - change the magazine size of a cache.
 * @s: the session.
 * @id: the cache.
 * @magazine_size: the new size, nonzero.
 *
 * Context: process context; may sleep.
 * Return: 0; -ENOENT for no cache @id; -EOPNOTSUPP when its backend has
 * no magazines; else the backend's error (-EINVAL for a size it refuses).
 */
int kslab_session_tune(struct kslab_session *s, u32 id,
		       unsigned int magazine_size)
{
	struct kslab_scache *c;

	guard(rwsem_read)(&s->rwsem);
	c = kslab_cache_get(s, id);
	if (!c)
		return -ENOENT;
	return kslab_pool_tune(&c->pool, magazine_size);
}

/**
 * kslab_session_stats() - the counters and figures of a cache.
 * @s: the session.
 * @id: the cache.
 * @stats: filled in, but for its size.
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOENT when @s has no cache @id.
 */
int kslab_session_stats(struct kslab_session *s, u32 id,
			struct kslab_stats *stats)
{
	struct kslab_scache *c;

	guard(rwsem_read)(&s->rwsem);
	c = kslab_cache_get(s, id);
	if (!c)
		return -ENOENT;
	kslab_pool_stats(&c->pool, stats);
	stats->cache_id = id;
	return 0;
}

/* ================== Rent and return ================== */

/* Put @obj in the slot taken for it, or free the slot when @obj is NULL. */
static void kslab_slot_fill(struct kslab_scache *c, u32 index, void *obj)
{
	struct kslab_slot *slot = kslab_handles_slot(&c->table, index);

	lockdep_assert_held(&c->table.lock);
	if (!obj) {
		kslab_handles_put(&c->table, index);
		return;
	}
	slot->obj = obj;
	slot->written = 0;
	c->table.nr_rented++;
}

/*
 * Invalidate @handle: the object it names, or NULL when it names no rented
 * object of @c or the object is pinned (the last unpin gives it back).
 * Return: 0, or -ENOENT for a bad handle.
 */
static int kslab_slot_take(struct kslab_scache *c, u64 handle, void **obj)
{
	struct kslab_slot *slot;
	u32 index;

	lockdep_assert_held(&c->table.lock);
	*obj = NULL;
	slot = kslab_handles_find(&c->table, handle, &index);
	if (!slot)
		return -ENOENT;
	if (slot->pins) {
		slot->dead = true;
		return 0;
	}
	*obj = slot->obj;
	kslab_handles_put(&c->table, index);
	return 0;
}

/*
 * Rent @n (at most KSLAB_STEP) objects, already charged, and copy their
 * handles to @uh. The slots are filled only once the user has the handles.
 * Return: objects rented (< @n when the pool ran dry) or -errno.
 */
static int kslab_rent_step(struct kslab_scache *c, u64 __user *uh,
			   unsigned int n)
{
	u64 handles[KSLAB_STEP];
	void *objs[KSLAB_STEP];
	u32 idx[KSLAB_STEP];
	unsigned int i, got;
	int ret;

	ret = kslab_handles_get(&c->table, n, idx);
	if (ret)
		return ret;
	got = kslab_pool_rent_bulk(&c->pool, KSLAB_SESSION_GFP, n, objs);
	spin_lock(&c->table.lock);
	for (i = 0; i < got; i++)
		handles[i] = kslab_handles_handle(&c->table, idx[i]);
	spin_unlock(&c->table.lock);
	if (got && copy_to_user(uh, handles, got * sizeof(*handles))) {
		kslab_pool_return_bulk(&c->pool, got, objs);
		got = 0;
		ret = -EFAULT;
	}
	spin_lock(&c->table.lock);
	for (i = 0; i < n; i++)
		kslab_slot_fill(c, idx[i], i < got ? objs[i] : NULL);
	spin_unlock(&c->table.lock);
	return got ?: ret ?: -ENOMEM;
}

/**
 * kslab_session_rent() - KSLAB_IOC_RENT: rent @count objects.
 * @s: the session.
 * @id: the cache.
 * @handles: user array of @count handles, written.
 * @count: 1..KSLAB_BATCH_MAX.
 *
 * The whole batch is charged against the session's limits first; then
 * objects are rented in steps, stopping at the first failure or when a
 * fatal signal is pending.
 *
 * Context: process context; may sleep.
 * Return: objects rented, when at least one; else -EINVAL (bad @count),
 * -ENOENT (no cache @id), -ENOSPC (a session limit; nothing rented),
 * -ENOMEM (the pool had no object) or -EFAULT (@handles not writable).
 */
long kslab_session_rent(struct kslab_session *s, u32 id,
			u64 __user *handles, unsigned int count)
{
	struct kslab_scache *c;
	unsigned int done = 0;
	int ret = 0;

	if (!count || count > KSLAB_BATCH_MAX)
		return -EINVAL;
	guard(rwsem_read)(&s->rwsem);
	c = kslab_cache_get(s, id);
	if (!c)
		return -ENOENT;
	ret = kslab_charge(s, count, (long)count * c->pool.object_size);
	if (ret)
		return ret;
	while (done < count) {
		unsigned int n = min(count - done, KSLAB_STEP);

		if (done && fatal_signal_pending(current))
			break;
		ret = kslab_rent_step(c, handles + done, n);
		if (ret > 0)
			done += ret;
		if (ret != n)
			break;
	}
	kslab_uncharge(c, count - done);
	return done ?: ret;
}

/*
 * Return the objects of @n (at most KSLAB_STEP) handles at @uh, stopping
 * at the first that is not a rented object of @c.
 * Return: handles returned (< @n at a bad handle) or -errno.
 */
static int kslab_return_step(struct kslab_scache *c, const u64 __user *uh,
			     unsigned int n)
{
	u64 handles[KSLAB_STEP];
	void *objs[KSLAB_STEP];
	unsigned int i, nr_objs = 0;

	if (copy_from_user(handles, uh, n * sizeof(*handles)))
		return -EFAULT;
	spin_lock(&c->table.lock);
	for (i = 0; i < n; i++) {
		if (kslab_slot_take(c, handles[i], &objs[nr_objs]))
			break;
		if (objs[nr_objs])
			nr_objs++;
	}
	spin_unlock(&c->table.lock);
	if (nr_objs) {
		kslab_pool_return_bulk(&c->pool, nr_objs, objs);
		kslab_uncharge(c, nr_objs);
	}
	return i ?: -ENOENT;
}

/**
 * kslab_session_return() - KSLAB_IOC_RETURN: return @count objects.
 * @s: the session.
 * @id: the cache.
 * @handles: user array of @count handles, read.
 * @count: 1..KSLAB_BATCH_MAX.
 *
 * Handles are taken in order; the first that is not a rented object of
 * cache @id of @s (another session's, another cache's, already returned,
 * or twice in the batch) stops the batch and is left as it was.
 *
 * Context: process context; may sleep.
 * Return: objects returned, when at least one; else -EINVAL (bad @count),
 * -ENOENT (no cache @id, or the first handle is bad) or -EFAULT
 * (@handles not readable).
 */
long kslab_session_return(struct kslab_session *s, u32 id,
			  const u64 __user *handles, unsigned int count)
{
	struct kslab_scache *c;
	unsigned int done = 0;
	int ret = 0;

	if (!count || count > KSLAB_BATCH_MAX)
		return -EINVAL;
	guard(rwsem_read)(&s->rwsem);
	c = kslab_cache_get(s, id);
	if (!c)
		return -ENOENT;
	while (done < count) {
		unsigned int n = min(count - done, KSLAB_STEP);

		ret = kslab_return_step(c, handles + done, n);
		if (ret > 0)
			done += ret;
		if (ret != n)
			break;
	}
	return done ?: ret;
}

/**
 * kslab_session_rent_one() - KSLAB_IOC_RENT_ONE: rent one object.
 * @s: the session.
 * @id: the cache.
 *
 * Context: process context; may sleep.
 * Return: the low 31 bits of the object's handle (positive; the cache id is
 * the rest), or as kslab_session_rent() of one handle: -ENOENT, -ENOSPC,
 * -ENOMEM.
 */
long kslab_session_rent_one(struct kslab_session *s, u32 id)
{
	struct kslab_scache *c;
	void *obj;
	u32 index;
	long ret;

	guard(rwsem_read)(&s->rwsem);
	c = kslab_cache_get(s, id);
	if (!c)
		return -ENOENT;
	ret = kslab_charge(s, 1, c->pool.object_size);
	if (ret)
		return ret;
	ret = kslab_handles_get(&c->table, 1, &index);
	if (ret)
		goto err;
	obj = kslab_pool_rent(&c->pool, KSLAB_SESSION_GFP);
	spin_lock(&c->table.lock);
	kslab_slot_fill(c, index, obj);
	if (obj)
		ret = lower_32_bits(kslab_handles_handle(&c->table, index));
	spin_unlock(&c->table.lock);
	if (obj)
		return ret;
	ret = -ENOMEM;
err:
	kslab_uncharge(c, 1);
	return ret;
}

/**
 * kslab_session_return_one() - KSLAB_IOC_RETURN_ONE: return one object.
 * @s: the session.
 * @handle: the object's handle, which names its cache.
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOENT when @handle names no rented object of @s.
 */
int kslab_session_return_one(struct kslab_session *s, u64 handle)
{
	struct kslab_scache *c;
	void *obj;
	int ret;

	guard(rwsem_read)(&s->rwsem);
	c = kslab_cache_get(s, handle >> KSLAB_ID_SHIFT);
	if (!c)
		return -ENOENT;
	spin_lock(&c->table.lock);
	ret = kslab_slot_take(c, handle, &obj);
	spin_unlock(&c->table.lock);
	if (obj) {
		kslab_pool_return(&c->pool, obj);
		kslab_uncharge(c, 1);
	}
	return ret;
}

/* ================== Object I/O ================== */

/*
 * Pin the object @io names and, for a write, zero what lies between the
 * bytes written so far and the end of this write.
 */
static int kslab_obj_pin(struct kslab_scache *c, const struct kslab_obj_io *io,
			 bool write, u32 *index, void **obj, u32 *written)
{
	u64 end = (u64)io->offset + io->length;
	struct kslab_slot *slot;

	if (!io->length || end > c->pool.object_size)
		return -EINVAL;
	spin_lock(&c->table.lock);
	slot = kslab_handles_find(&c->table, io->handle, index);
	if (slot) {
		slot->pins++;
		*obj = slot->obj;
		if (write && end > slot->written) {
			memset(*obj + slot->written, 0, end - slot->written);
			slot->written = end;
		}
		*written = slot->written;
	}
	spin_unlock(&c->table.lock);
	return slot ? 0 : -ENOENT;
}

/* Unpin; the last unpin of a returned object gives it back. */
static void kslab_obj_unpin(struct kslab_scache *c, u32 index)
{
	struct kslab_slot *slot;
	void *obj = NULL;

	spin_lock(&c->table.lock);
	slot = kslab_handles_slot(&c->table, index);
	if (!--slot->pins && slot->dead) {
		obj = slot->obj;
		kslab_handles_put(&c->table, index);
	}
	spin_unlock(&c->table.lock);
	if (obj) {
		kslab_pool_return(&c->pool, obj);
		kslab_uncharge(c, 1);
	}
}

static int kslab_obj_io(struct kslab_session *s,
			const struct kslab_obj_io *io, bool write)
{
	void __user *buf = u64_to_user_ptr(io->buf);
	u32 index, written, avail = 0;
	struct kslab_scache *c;
	void *obj;
	int ret;

	guard(rwsem_read)(&s->rwsem);
	c = kslab_cache_get(s, io->cache_id);
	if (!c)
		return -ENOENT;
	ret = kslab_obj_pin(c, io, write, &index, &obj, &written);
	if (ret)
		return ret;
	if (write) {
		if (copy_from_user(obj + io->offset, buf, io->length))
			ret = -EFAULT;
	} else {
		if (io->offset < written)
			avail = min(io->length, written - io->offset);
		if (copy_to_user(buf, obj + io->offset, avail) ||
		    clear_user(buf + avail, io->length - avail))
			ret = -EFAULT;
	}
	kslab_obj_unpin(c, index);
	return ret;
}

/**
 * kslab_session_obj_write() - KSLAB_IOC_OBJ_WRITE: copy user bytes into a
 *	rented object.
 * @s: the session.
 * @io: the cache, handle, range and user buffer.
 *
 * Context: process context; may sleep.
 * Return: 0; -ENOENT for no cache or no rented object of that handle;
 * -EINVAL for an empty range or one past the object; -EFAULT for a bad
 * buffer (the bytes up to the fault are written, the rest reads as zero).
 */
int kslab_session_obj_write(struct kslab_session *s,
			    const struct kslab_obj_io *io)
{
	return kslab_obj_io(s, io, true);
}

/**
 * kslab_session_obj_read() - KSLAB_IOC_OBJ_READ: copy bytes of a rented
 *	object to the user; bytes not written in this rent read as zero.
 * @s: the session.
 * @io: the cache, handle, range and user buffer.
 *
 * Context: process context; may sleep.
 * Return: as kslab_session_obj_write().
 */
int kslab_session_obj_read(struct kslab_session *s,
			   const struct kslab_obj_io *io)
{
	return kslab_obj_io(s, io, false);
}

/* ================== Open and release ================== */

/**
 * kslab_session_open() - a new session, with the limits of the moment.
 *
 * Context: process context; may sleep.
 * Return: the session, or NULL when out of memory.
 */
struct kslab_session *kslab_session_open(void)
{
	struct kslab_session *s = kzalloc(sizeof(*s), KSLAB_SESSION_GFP);

	if (!s)
		return NULL;
	init_rwsem(&s->rwsem);
	xa_init(&s->caches);
	s->max_caches = READ_ONCE(max_caches);
	s->max_objects = min_t(unsigned long, READ_ONCE(max_objects), LONG_MAX);
	s->max_bytes = min_t(unsigned long, READ_ONCE(max_bytes), LONG_MAX);
	return s;
}

/**
 * kslab_session_release() - end a session: give every rented object back
 *	and destroy every cache.
 * @s: the session; no command may run on it any more.
 *
 * Context: process context (the file's release); may sleep.
 */
void kslab_session_release(struct kslab_session *s)
{
	struct kslab_scache *c;
	unsigned long id;

	xa_for_each(&s->caches, id, c)
		kslab_scache_teardown(c);
	xa_destroy(&s->caches);
	kfree(s);
}
