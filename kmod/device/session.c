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
 * The threads of a session share its file; a RENT_ONE or RETURN_ONE
 * takes no lock they share:
 *  - the cache is found in a directory of all caches by id under
 *    RCU-sched and held by a read of its percpu_rw_semaphore (a per-CPU
 *    count); only destroy writes it, so a command never runs on a cache
 *    being torn down;
 *  - the handle table (handles.h) has per-CPU free slots and a cmpxchg
 *    per slot;
 *  - the object and byte limits are per-CPU reserves over a shared count
 *    (Budget below), exact at the limit.
 * The one atomic a round trip may share with another CPU is the slot's
 * state, when the object is returned on a CPU other than its renter's.
 *
 * Locking, outermost first:
 *   1. kslab_session.lock (mutex): create, destroy, and a lookup that
 *	found its cache's gate held by a destroy.
 *   2. kslab_scache.gate (percpu_rw_semaphore): the life of a cache. Read
 *	by every command on it, written by destroy.
 *   3. the handle table's locks (handles.h), never held across a user
 *	copy or a call into the pool.
 */
#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/percpu-rwsem.h>
#include <linux/rcupdate.h>
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
static_assert(KSLAB_STEP <= KSLAB_FREE_BATCH);

/* What a CPU takes from a session's limits at a time. */
#define KSLAB_BUDGET_BATCH_OBJECTS	64
#define KSLAB_BUDGET_BATCH_BYTES	(256 * 1024)

/**
 * enum kslab_budget_item - the limits of a session.
 * @KSLAB_BUDGET_OBJECTS: objects rented, against max_objects.
 * @KSLAB_BUDGET_BYTES: object bytes rented or reserved by a fixed-size
 *	backend, against max_bytes.
 * @KSLAB_BUDGET_NR: number of limits.
 */
enum kslab_budget_item {
	KSLAB_BUDGET_OBJECTS,
	KSLAB_BUDGET_BYTES,
	KSLAB_BUDGET_NR,
};

/**
 * struct kslab_budget_cpu - what one CPU holds of a session's limits.
 * @avail: taken from &kslab_budget.held, not used yet.
 */
struct kslab_budget_cpu {
	atomic_long_t avail[KSLAB_BUDGET_NR];
};

/**
 * struct kslab_budget - a session's limits.
 * @held: what is charged or sits in a CPU's @cpu reserve.
 * @max: the limits.
 * @batch: what a CPU takes at a time.
 * @cpu: the CPUs' reserves.
 */
struct kslab_budget {
	atomic_long_t held[KSLAB_BUDGET_NR];
	long max[KSLAB_BUDGET_NR];
	long batch[KSLAB_BUDGET_NR];
	struct kslab_budget_cpu __percpu *cpu;
};

/**
 * struct kslab_scache - a cache of a session.
 * @pool: the backend's pool.
 * @session: the owner.
 * @gate: read by every command on the cache, written by destroy.
 * @table: the slots of its rented objects and their handles.
 * @reserved: bytes of the session's max_bytes its capacity holds (a
 *	fixed-size backend's capacity * object size; 0 for the others).
 * @rcu: frees it after the lookups that may still see it.
 */
struct kslab_scache {
	struct kslab_pool pool;
	struct kslab_session *session;
	struct percpu_rw_semaphore gate;
	struct kslab_handles table;
	long reserved;
	struct rcu_head rcu;
};

/**
 * struct kslab_session - one open file of /dev/kslab.
 * @lock: serialises create and destroy; guards @nr_caches.
 * @caches: cache id -> &struct kslab_scache, of this session (@lock).
 * @nr_caches: caches held.
 * @max_caches: the module parameter when the session was opened.
 * @budget: objects and bytes rented, against the module parameters
 *	max_objects and max_bytes when the session was opened.
 * @rcu: frees it after the lookups that may still compare it.
 */
struct kslab_session {
	struct mutex lock;		/* see the kernel-doc above */
	struct xarray caches;
	unsigned int nr_caches;
	unsigned int max_caches;
	struct kslab_budget budget;
	struct rcu_head rcu;
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

/*
 * The lookup of every command goes through kslab_cache_dir, cache id ->
 * cache, in chunks of KSLAB_DIR_CHUNK entries allocated on first use and
 * kept until the module goes (512 KiB at most). Entries are set by create
 * and cleared by destroy and release, and read in an RCU-sched section
 * (preemption off): a cache and its session are freed only after a grace
 * period, so a lookup may compare the cache's session with its own.
 */
#define KSLAB_DIR_CHUNK		256
#define KSLAB_DIR_CHUNKS	((KSLAB_CACHE_ID_MAX + 1) / KSLAB_DIR_CHUNK)

static struct kslab_scache __rcu **kslab_cache_dir[KSLAB_DIR_CHUNKS];
static DEFINE_MUTEX(kslab_cache_dir_lock);

static int kslab_dir_set(u32 id, struct kslab_scache *c)
{
	struct kslab_scache __rcu **chunk;

	guard(mutex)(&kslab_cache_dir_lock);
	chunk = kslab_cache_dir[id / KSLAB_DIR_CHUNK];
	if (!chunk) {
		chunk = kcalloc(KSLAB_DIR_CHUNK, sizeof(*chunk), GFP_KERNEL);
		if (!chunk)
			return -ENOMEM;
		/* pairs with kslab_dir_get(): the chunk is zeroed before */
		smp_store_release(&kslab_cache_dir[id / KSLAB_DIR_CHUNK],
				  chunk);
	}
	rcu_assign_pointer(chunk[id % KSLAB_DIR_CHUNK], c);
	return 0;
}

static void kslab_dir_clear(u32 id)
{
	RCU_INIT_POINTER(kslab_cache_dir[id / KSLAB_DIR_CHUNK]
				[id % KSLAB_DIR_CHUNK], NULL);
}

/* The cache of @id, of any session; in an RCU-sched section. */
static struct kslab_scache *kslab_dir_get(u32 id)
{
	struct kslab_scache __rcu **chunk;

	if (id > KSLAB_CACHE_ID_MAX)
		return NULL;
	id = array_index_nospec(id, KSLAB_CACHE_ID_MAX + 1);
	/* pairs with kslab_dir_set() */
	chunk = smp_load_acquire(&kslab_cache_dir[id / KSLAB_DIR_CHUNK]);
	return chunk ? rcu_dereference_sched(chunk[id % KSLAB_DIR_CHUNK]) :
		       NULL;
}

/**
 * kslab_session_exit() - free the cache directory; no session is left.
 *
 * Context: process context, module exit.
 */
void kslab_session_exit(void)
{
	unsigned int i;

	for (i = 0; i < KSLAB_DIR_CHUNKS; i++)
		kfree(kslab_cache_dir[i]);
}

/* ================== Budget ================== */

/*
 * Each limit is a shared count of what the session holds (charged, or
 * reserved by a CPU) and a per-CPU reserve taken from it in batches, so
 * that a rent and a return touch only their CPU's reserve (an atomic on a
 * line of that CPU; a task that migrates meanwhile only uses another
 * CPU's). When the shared count cannot give what a charge needs, every
 * CPU's reserve goes back to it and the charge is tried once more: a
 * charge fails only when what is charged leaves no room. Exact when no
 * other charge of the session runs meanwhile: a batch on its way from the
 * shared count to a CPU's reserve is in neither while it moves.
 */

/* Add @n to @v unless that passes @max. */
static bool kslab_take(atomic_long_t *v, long n, long max)
{
	long old = atomic_long_read(v);

	do {
		if (n > max - old)
			return false;
	} while (!atomic_long_try_cmpxchg(v, &old, old + n));
	return true;
}

/* Take @n from @v when it has that much. */
static bool kslab_take_local(atomic_long_t *v, long n)
{
	long old = atomic_long_read(v);

	do {
		if (old < n)
			return false;
	} while (!atomic_long_try_cmpxchg(v, &old, old - n));
	return true;
}

/* Take @n of item @k from the shared count, the CPUs' reserves drained. */
static bool kslab_budget_take_exact(struct kslab_budget *b,
				    enum kslab_budget_item k, long n)
{
	int cpu;

	if (kslab_take(&b->held[k], n, b->max[k]))
		return true;
	for_each_possible_cpu(cpu) {
		atomic_long_t *avail = &per_cpu_ptr(b->cpu, cpu)->avail[k];

		atomic_long_sub(atomic_long_xchg(avail, 0), &b->held[k]);
	}
	return kslab_take(&b->held[k], n, b->max[k]);
}

/* kslab_budget_charge() when this CPU's reserve is short. */
static noinline bool kslab_budget_refill(struct kslab_budget *b,
					 enum kslab_budget_item k, long n)
{
	if (kslab_take(&b->held[k], n + b->batch[k], b->max[k])) {
		atomic_long_add(b->batch[k], &raw_cpu_ptr(b->cpu)->avail[k]);
		return true;
	}
	return kslab_budget_take_exact(b, k, n);
}

static __always_inline bool kslab_budget_charge(struct kslab_budget *b,
						enum kslab_budget_item k,
						long n)
{
	if (likely(kslab_take_local(&raw_cpu_ptr(b->cpu)->avail[k], n)))
		return true;
	return kslab_budget_refill(b, k, n);
}

/* Give what passes a batch of this CPU's reserve back to the shared count. */
static noinline void kslab_budget_spill(struct kslab_budget *b,
					enum kslab_budget_item k, long v)
{
	atomic_long_t *avail = &raw_cpu_ptr(b->cpu)->avail[k];

	if (atomic_long_try_cmpxchg(avail, &v, b->batch[k]))
		atomic_long_sub(v - b->batch[k], &b->held[k]);
}

/* Give @n back to this CPU's reserve; what passes two batches goes back. */
static __always_inline void kslab_budget_uncharge(struct kslab_budget *b,
						  enum kslab_budget_item k,
						  long n)
{
	long v = atomic_long_add_return(n, &raw_cpu_ptr(b->cpu)->avail[k]);

	if (unlikely(v > 2 * b->batch[k]))
		kslab_budget_spill(b, k, v);
}

static __always_inline int kslab_charge(struct kslab_scache *c, long n)
{
	struct kslab_budget *b = &c->session->budget;

	if (!kslab_budget_charge(b, KSLAB_BUDGET_OBJECTS, n))
		return -ENOSPC;
	if (!kslab_budget_charge(b, KSLAB_BUDGET_BYTES,
				 n * c->pool.object_size)) {
		kslab_budget_uncharge(b, KSLAB_BUDGET_OBJECTS, n);
		return -ENOSPC;
	}
	return 0;
}

static __always_inline void kslab_uncharge(struct kslab_scache *c, long n)
{
	struct kslab_budget *b = &c->session->budget;

	kslab_budget_uncharge(b, KSLAB_BUDGET_OBJECTS, n);
	kslab_budget_uncharge(b, KSLAB_BUDGET_BYTES, n * c->pool.object_size);
}

/* ================== Caches ================== */

/* kslab_cache_enter() when a destroy holds the gate: wait for it. */
static noinline struct kslab_scache *
kslab_cache_enter_slow(struct kslab_session *s, u32 id)
{
	struct kslab_scache *c;

	guard(mutex)(&s->lock);
	c = xa_load(&s->caches, id);
	if (c)
		percpu_down_read(&c->gate);
	return c;
}

/*
 * kslab_cache_enter() - the cache @id of @s, its gate held for reading, or
 * NULL. Lock-free unless a destroy holds the gate: then wait for it under
 * @s->lock, where the cache is either gone or stays.
 */
static __always_inline struct kslab_scache *
kslab_cache_enter(struct kslab_session *s, u32 id)
{
	struct kslab_scache *c;

	rcu_read_lock_sched();
	c = kslab_dir_get(id);
	if (c && c->session != s)
		c = NULL;
	if (likely(c && percpu_down_read_trylock(&c->gate))) {
		rcu_read_unlock_sched();
		return c;
	}
	rcu_read_unlock_sched();
	return c ? kslab_cache_enter_slow(s, id) : NULL;
}

static void kslab_cache_exit(struct kslab_scache *c)
{
	percpu_up_read(&c->gate);
}

static struct kslab_scache *kslab_scache_new(struct kslab_session *s)
{
	struct kslab_scache *c = kzalloc(sizeof(*c), KSLAB_SESSION_GFP);
	int id, ret;

	if (!c)
		return ERR_PTR(-ENOMEM);
	ret = percpu_init_rwsem(&c->gate);
	if (ret)
		goto err_free;
	id = kslab_cache_id_alloc();
	if (id < 0) {
		ret = id;
		goto err_gate;
	}
	ret = kslab_handles_init(&c->table, id);
	if (ret)
		goto err_id;
	c->session = s;
	return c;

err_id:
	ida_free(&kslab_cache_ida, id);
err_gate:
	percpu_free_rwsem(&c->gate);
err_free:
	kfree(c);
	return ERR_PTR(ret);
}

/* Free the table, the id and the reserve; the pool is gone or never was. */
static void kslab_scache_free(struct kslab_scache *c)
{
	atomic_long_sub(c->reserved, &c->session->budget.held[KSLAB_BUDGET_BYTES]);
	kslab_handles_destroy(&c->table);
	ida_free(&kslab_cache_ida, c->table.id);
	percpu_free_rwsem(&c->gate);
	kfree_rcu(c, rcu);
}

/* Give every rented object back, destroy the pool, free the cache. */
static void kslab_scache_teardown(struct kslab_scache *c)
{
	void *obj;
	u32 i;

	for (i = 0; i < c->table.nr_slots; i++) {
		obj = kslab_handles_rented(&c->table, i);
		if (obj)
			kslab_pool_return(&c->pool, obj);
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
	guard(mutex)(&s->lock);
	if (s->nr_caches >= s->max_caches)
		return -ENOSPC;
	c = kslab_scache_new(s);
	if (IS_ERR(c))
		return PTR_ERR(c);
	if (KSLAB_BACKENDS_FIXED & BIT_ULL(backend))
		reserve = (long)(pa.capacity ?: KSLAB_CAPACITY_DEFAULT) *
			  pa.object_size;
	if (reserve &&
	    !kslab_budget_take_exact(&s->budget, KSLAB_BUDGET_BYTES, reserve)) {
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
	ret = kslab_dir_set(c->table.id, c);
	if (ret) {
		xa_erase(&s->caches, c->table.id);
		goto err_pool;
	}
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

	scoped_guard(mutex, &s->lock) {
		c = xa_load(&s->caches, id);
		if (!c)
			return -ENOENT;
		/* objects rented now: -EBUSY without stopping the cache */
		if (kslab_handles_busy(&c->table))
			return -EBUSY;
		percpu_down_write(&c->gate);
		if (kslab_handles_busy(&c->table)) {
			percpu_up_write(&c->gate);
			return -EBUSY;
		}
		xa_erase(&s->caches, id);
		kslab_dir_clear(id);
		s->nr_caches--;
	}
	/* No lookup still holds @c without having seen the gate held. */
	synchronize_rcu();
	percpu_up_write(&c->gate);
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
	struct kslab_scache *c = kslab_cache_enter(s, id);
	int ret;

	if (!c)
		return -ENOENT;
	ret = kslab_pool_tune(&c->pool, magazine_size);
	kslab_cache_exit(c);
	return ret;
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
	struct kslab_scache *c = kslab_cache_enter(s, id);

	if (!c)
		return -ENOENT;
	kslab_pool_stats(&c->pool, stats);
	stats->cache_id = id;
	kslab_cache_exit(c);
	return 0;
}

/* ================== Rent and return ================== */

/* One object of @c back to its pool and off the session's limits. */
static void kslab_give_back(struct kslab_scache *c, void *obj)
{
	kslab_pool_return(&c->pool, obj);
	kslab_uncharge(c, 1);
}

/*
 * Rent @n (at most KSLAB_STEP) objects, already charged, and copy their
 * handles to @uh. The slots are filled only once the user has the handles.
 * Return: objects rented (< @n when the pool ran dry) or -errno.
 */
static int kslab_rent_step(struct kslab_scache *c, u64 __user *uh,
			   unsigned int n)
{
	struct kslab_slot *slots[KSLAB_STEP];
	u64 handles[KSLAB_STEP];
	void *objs[KSLAB_STEP];
	u32 idx[KSLAB_STEP];
	unsigned int i, got;
	int ret;

	ret = kslab_handles_get(&c->table, n, idx);
	if (ret)
		return ret;
	got = kslab_pool_rent_bulk(&c->pool, KSLAB_SESSION_GFP, n, objs);
	for (i = 0; i < got; i++) {
		slots[i] = kslab_handles_slot(&c->table, idx[i]);
		handles[i] = kslab_handles_handle(&c->table, slots[i], idx[i]);
	}
	if (got && copy_to_user(uh, handles, got * sizeof(*handles))) {
		kslab_pool_return_bulk(&c->pool, got, objs);
		got = 0;
		ret = -EFAULT;
	}
	for (i = 0; i < got; i++)
		kslab_handles_fill(slots[i], objs[i]);
	/* slots the pool had no object for: their handles were never seen */
	if (ret == -EFAULT)
		for (i = 0; i < n; i++)
			kslab_handles_release(&c->table, idx[i]);
	else if (got < n)
		kslab_handles_put_bulk(&c->table, idx + got, n - got);
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
	int ret;

	if (!count || count > KSLAB_BATCH_MAX)
		return -EINVAL;
	c = kslab_cache_enter(s, id);
	if (!c)
		return -ENOENT;
	ret = kslab_charge(c, count);
	if (ret)
		goto out;
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
	if (done < count)
		kslab_uncharge(c, count - done);
out:
	kslab_cache_exit(c);
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
	u32 idx[KSLAB_STEP];
	unsigned int i, nr_objs = 0;
	void *obj;

	if (copy_from_user(handles, uh, n * sizeof(*handles)))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		obj = __kslab_handles_take(&c->table, handles[i],
					   &idx[nr_objs]);
		if (IS_ERR(obj))
			break;
		if (obj)
			objs[nr_objs++] = obj;
	}
	if (nr_objs) {
		kslab_handles_put_bulk(&c->table, idx, nr_objs);
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
	c = kslab_cache_enter(s, id);
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
	kslab_cache_exit(c);
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
	struct kslab_scache *c = kslab_cache_enter(s, id);
	void *obj;
	u32 index;
	long ret;

	if (!c)
		return -ENOENT;
	ret = kslab_charge(c, 1);
	if (ret)
		goto out;
	ret = kslab_handles_get(&c->table, 1, &index);
	if (ret)
		goto err;
	obj = kslab_pool_rent(&c->pool, KSLAB_SESSION_GFP);
	if (obj) {
		struct kslab_slot *slot = kslab_handles_slot(&c->table, index);

		ret = lower_32_bits(kslab_handles_handle(&c->table, slot,
							 index));
		kslab_handles_fill(slot, obj);
		goto out;
	}
	kslab_handles_put(&c->table, index);
	ret = -ENOMEM;
err:
	kslab_uncharge(c, 1);
out:
	kslab_cache_exit(c);
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
	struct kslab_scache *c = kslab_cache_enter(s, handle >> KSLAB_ID_SHIFT);
	void *obj;

	if (!c)
		return -ENOENT;
	obj = kslab_handles_take(&c->table, handle);
	if (!IS_ERR_OR_NULL(obj))
		kslab_give_back(c, obj);
	kslab_cache_exit(c);
	return IS_ERR(obj) ? PTR_ERR(obj) : 0;
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
	spinlock_t *lock;	/* the slot's io_lock */

	if (!io->length || end > c->pool.object_size)
		return -EINVAL;
	slot = kslab_handles_pin(&c->table, io->handle, index);
	if (!slot)
		return -ENOENT;
	*obj = slot->obj;
	lock = kslab_handles_io_lock(&c->table, *index);
	spin_lock(lock);
	if (write && end > slot->written) {
		memset(*obj + slot->written, 0, end - slot->written);
		slot->written = end;
	}
	*written = slot->written;
	spin_unlock(lock);
	return 0;
}

/* Unpin; the last unpin of a returned object gives it back. */
static void kslab_obj_unpin(struct kslab_scache *c, u32 index)
{
	void *obj = kslab_handles_unpin(&c->table, index);

	if (obj)
		kslab_give_back(c, obj);
}

static int kslab_obj_io(struct kslab_session *s,
			const struct kslab_obj_io *io, bool write)
{
	void __user *buf = u64_to_user_ptr(io->buf);
	u32 index, written, avail = 0;
	struct kslab_scache *c;
	void *obj;
	int ret;

	c = kslab_cache_enter(s, io->cache_id);
	if (!c)
		return -ENOENT;
	ret = kslab_obj_pin(c, io, write, &index, &obj, &written);
	if (ret)
		goto out;
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
out:
	kslab_cache_exit(c);
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
	struct kslab_budget *b;

	if (!s)
		return NULL;
	b = &s->budget;
	b->cpu = alloc_percpu_gfp(struct kslab_budget_cpu, KSLAB_SESSION_GFP);
	if (!b->cpu) {
		kfree(s);
		return NULL;
	}
	mutex_init(&s->lock);
	xa_init(&s->caches);
	s->max_caches = READ_ONCE(max_caches);
	b->max[KSLAB_BUDGET_OBJECTS] = min_t(unsigned long,
					     READ_ONCE(max_objects), LONG_MAX);
	b->max[KSLAB_BUDGET_BYTES] = min_t(unsigned long, READ_ONCE(max_bytes),
					   LONG_MAX);
	b->batch[KSLAB_BUDGET_OBJECTS] = KSLAB_BUDGET_BATCH_OBJECTS;
	b->batch[KSLAB_BUDGET_BYTES] = KSLAB_BUDGET_BATCH_BYTES;
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

	xa_for_each(&s->caches, id, c) {
		kslab_dir_clear(id);
		kslab_scache_teardown(c);
	}
	xa_destroy(&s->caches);
	free_percpu(s->budget.cpu);
	mutex_destroy(&s->lock);
	kfree_rcu(s, rcu);
}
