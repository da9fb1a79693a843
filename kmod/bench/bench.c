// SPDX-License-Identifier: GPL-2.0
/*
 * kslab benchmark: in-kernel timed loops over any backend. The device's
 * BENCH handler reads and writes the user's struct; everything here works
 * on a kernel copy of it.
 *
 * A run creates a pool of one backend, creates kthreads bound to the CPUs
 * of the mask, lets them all go at once and times each thread's loop with
 * ktime_get_ns() and get_cycles(). Each backend has loops of its own,
 * generated once by BENCH_LOOPS() from the same inline bodies with the
 * backend's rent and return of backends/direct.h called directly (no
 * indirect call), so what they measure is the backend plus a loop of a few
 * instructions, the same for each: the empty pool's row is that loop. The
 * bulk loop reaches the backend through its ops (one call per batch). Every loop checks, every
 * BENCH_TICK objects, whether it must stop (the caller got a fatal signal)
 * and offers the CPU with cond_resched(): Debian's kernel runs with
 * voluntary preemption.
 *
 * Cross-CPU runs pair a producer and a consumer through a single-producer
 * single-consumer ring: the producer publishes a slot with a release store
 * of the head, the consumer frees the slot with a release store of the tail.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timex.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "../compat.h"
#include "backends/backend.h"
#include "backends/direct.h"
#include "bench.h"

#define BENCH_TICK	256	/* objects between two stop checks */
#define BENCH_RING	256	/* slots of a cross-CPU ring, a power of two */
#define BENCH_SPIN	1024	/* polls of a full or empty ring per resched */
#define BENCH_MAX_CPUS	KSLAB_BENCH_MAX_CPUS
#define BENCH_WAIT_S	10	/* seconds between two wake-ups of the caller */

/* ================== Run state ================== */

/* Ring between one producer and one consumer; head and tail only grow. */
struct bench_ring {
	unsigned int head ____cacheline_aligned_in_smp;
	bool done;
	unsigned int tail ____cacheline_aligned_in_smp;
	void *slots[BENCH_RING];
};

struct bench_run;

struct bench_thread {
	struct bench_run *run;
	struct task_struct *task;
	void (*loop)(struct bench_thread *t);
	struct bench_ring *ring;
	void **objs;
	void *last;
	unsigned int cpu;
	unsigned int role;
	u64 next_tick;
	u64 ops;
	u64 reused;
	u64 failed;
	bool evicted;
	u64 start_ns;
	u64 end_ns;
	cycles_t start_cycles;
	cycles_t end_cycles;
};

struct bench_run {
	struct kslab_bench args;
	struct kslab_pool pool;
	char name[KSLAB_NAME_MAX];
	struct kslab_stats stats;
	struct bench_ring *rings;
	void **objs;
	wait_queue_head_t start_wq;
	bool go;
	bool stop;
	atomic_t running;
	struct completion done;
	unsigned int nr_threads;
	struct bench_thread threads[] __counted_by(nr_threads);
};

static_assert(sizeof(struct kslab_bench) == KSLAB_BENCH_SIZE_VER1);
static_assert(sizeof(struct kslab_bench_thread) % 8 == 0);

static atomic_t bench_seq = ATOMIC_INIT(0);

/* ================== Loops ================== */

static __always_inline void bench_touch(void *obj, u64 i)
{
	WRITE_ONCE(*(u8 *)obj, (u8)i);
}

/*
 * Still on its CPU? A thread is bound to its CPU but is no per-CPU
 * kthread: when the CPU goes offline, the scheduler moves it elsewhere
 * rather than hold the offline up. Its figures would then be another
 * CPU's, so the whole run stops and reports -EBUSY.
 */
static bool bench_evicted(struct bench_thread *t)
{
	if (likely(raw_smp_processor_id() == t->cpu))
		return false;
	t->evicted = true;
	WRITE_ONCE(t->run->stop, true);
	return true;
}

/* Every BENCH_TICK objects: resched point; true when the run must stop. */
static __always_inline bool bench_tick(struct bench_thread *t, u64 done)
{
	if (likely(done < t->next_tick))
		return false;
	t->next_tick = done + BENCH_TICK;
	cond_resched();
	return bench_evicted(t) || READ_ONCE(t->run->stop);
}

/* One poll of a full or empty ring; true when the run must stop. */
static bool bench_spin(struct bench_thread *t, unsigned int *spins)
{
	cpu_relax();
	if (++*spins % BENCH_SPIN)
		return false;
	cond_resched();
	return bench_evicted(t) || READ_ONCE(t->run->stop);
}

/* A backend's rent and return, called directly (backends/direct.h). */
typedef void *(*bench_rent_fn)(struct kslab_pool *pool, gfp_t gfp);
typedef void (*bench_ret_fn)(struct kslab_pool *pool, void *obj);

/* Rent one object, touch it and count address reuse; NULL on failure. */
static __always_inline void *bench_rent(struct bench_thread *t, u64 i,
					bench_rent_fn rent)
{
	void *obj = rent(&t->run->pool, GFP_KERNEL);

	if (unlikely(!obj)) {
		t->failed++;
		return NULL;
	}
	bench_touch(obj, i);
	t->reused += obj == t->last;
	t->last = obj;
	return obj;
}

/* Burn-after-reading; counters stay in registers, this is the tight loop. */
static __always_inline void bench_burn(struct bench_thread *t,
				       bench_rent_fn rent, bench_ret_fn ret)
{
	struct kslab_pool *pool = &t->run->pool;
	u64 n = t->run->args.iterations, i, ops = 0, reused = 0;
	void *last = NULL, *obj;

	for (i = 0; i < n; i++) {
		if (bench_tick(t, i))
			break;
		obj = rent(pool, GFP_KERNEL);
		if (unlikely(!obj))
			continue;
		bench_touch(obj, i);
		reused += obj == last;
		last = obj;
		ret(pool, obj);
		ops++;
	}
	t->ops = ops;
	t->reused = reused;
	t->failed = i - ops;
}

/* Hold-N: rent batch objects one by one, then return them in order. */
static __always_inline void bench_hold(struct bench_thread *t,
				       bench_rent_fn rent, bench_ret_fn ret)
{
	struct kslab_pool *pool = &t->run->pool;
	unsigned int batch = t->run->args.batch, got, k;
	u64 n = t->run->args.iterations, i;

	for (i = 0; i < n; i += batch) {
		if (bench_tick(t, i))
			break;
		for (got = 0, k = 0; k < batch; k++) {
			void *obj = bench_rent(t, k, rent);

			if (obj)
				t->objs[got++] = obj;
		}
		for (k = 0; k < got; k++)
			ret(pool, t->objs[k]);
		t->ops += got;
	}
}

/* Bulk: rent_bulk of batch objects, touch them, return_bulk. */
static void bench_bulk(struct bench_thread *t)
{
	struct kslab_pool *pool = &t->run->pool;
	unsigned int batch = t->run->args.batch, got, k;
	u64 n = t->run->args.iterations, i;

	for (i = 0; i < n; i += batch) {
		if (bench_tick(t, i))
			break;
		got = kslab_pool_rent_bulk(pool, GFP_KERNEL, batch, t->objs);
		for (k = 0; k < got; k++)
			bench_touch(t->objs[k], k);
		if (got) {
			t->reused += t->objs[0] == t->last;
			t->last = t->objs[0];
			kslab_pool_return_bulk(pool, got, t->objs);
		}
		t->ops += got;
		t->failed += batch - got;
	}
}

/* Wait for a free slot at @head; true when the run must stop instead. */
static bool bench_wait_room(struct bench_thread *t, unsigned int head)
{
	unsigned int spins = 0;

	/* Pairs with the consumer's release of tail: the slot was read. */
	while (head - smp_load_acquire(&t->ring->tail) >= BENCH_RING)
		if (bench_spin(t, &spins))
			return true;
	return false;
}

/* Cross-CPU producer: rent, touch, pass to the consumer. */
static __always_inline void bench_produce(struct bench_thread *t,
					  bench_rent_fn rent, bench_ret_fn ret)
{
	struct bench_ring *r = t->ring;
	u64 n = t->run->args.iterations, i;
	unsigned int head = 0;
	void *obj;

	for (i = 0; i < n; i++) {
		if (bench_tick(t, i))
			break;
		obj = bench_rent(t, i, rent);
		if (unlikely(!obj))
			continue;
		if (bench_wait_room(t, head)) {
			ret(&t->run->pool, obj);
			break;
		}
		r->slots[head % BENCH_RING] = obj;
		/* Publishes the slot; pairs with the consumer's acquire. */
		smp_store_release(&r->head, ++head);
		t->ops++;
	}
	/* After the last head store: a consumer that sees done sees it. */
	smp_store_release(&r->done, true);
}

/* Cross-CPU consumer: return what the producer passed until it is done. */
static __always_inline void bench_consume(struct bench_thread *t,
					  bench_ret_fn ret)
{
	struct kslab_pool *pool = &t->run->pool;
	struct bench_ring *r = t->ring;
	unsigned int tail = 0, spins = 0;

	for (;;) {
		/* Acquire head: pairs with the producer's release. */
		if (tail == smp_load_acquire(&r->head)) {
			/* done, then head again: nothing published is left. */
			if (smp_load_acquire(&r->done) &&
			    /* the last head, ordered after done */
			    tail == smp_load_acquire(&r->head))
				break;
			/* Never stops early: every passed object goes back. */
			bench_spin(t, &spins);
			continue;
		}
		ret(pool, r->slots[tail % BENCH_RING]);
		/* Frees the slot; pairs with the producer's acquire. */
		smp_store_release(&r->tail, ++tail);
		t->ops++;
	}
}

/**
 * struct bench_loops - one backend's loops.
 * @burn: burn-after-reading (and the empty pattern).
 * @hold: hold-N.
 * @produce: the producer of a cross-CPU pair.
 * @consume: its consumer.
 */
struct bench_loops {
	void (*burn)(struct bench_thread *t);
	void (*hold)(struct bench_thread *t);
	void (*produce)(struct bench_thread *t);
	void (*consume)(struct bench_thread *t);
};

/*
 * The loops of backend @be, with its rent and return of backends/direct.h,
 * kslab_<be>_rent() and kslab_<be>_ret(), called directly.
 */
#define BENCH_LOOPS(be)							\
static void bench_burn_##be(struct bench_thread *t)			\
{									\
	bench_burn(t, kslab_##be##_rent, kslab_##be##_ret);		\
}									\
static void bench_hold_##be(struct bench_thread *t)			\
{									\
	bench_hold(t, kslab_##be##_rent, kslab_##be##_ret);		\
}									\
static void bench_produce_##be(struct bench_thread *t)			\
{									\
	bench_produce(t, kslab_##be##_rent, kslab_##be##_ret);		\
}									\
static void bench_consume_##be(struct bench_thread *t)			\
{									\
	bench_consume(t, kslab_##be##_ret);				\
}

#define BENCH_LOOPS_OF(be) {						\
	.burn = bench_burn_##be,					\
	.hold = bench_hold_##be,					\
	.produce = bench_produce_##be,					\
	.consume = bench_consume_##be,					\
}

BENCH_LOOPS(be)
BENCH_LOOPS(kmem_cache)
BENCH_LOOPS(kmalloc)
BENCH_LOOPS(mempool)
#ifdef KSLAB_HAVE_OBJPOOL
BENCH_LOOPS(objpool)
#endif
BENCH_LOOPS(empty)

/* Indexed by &kslab_pool.backend; kslab-locked is a kslab cache too. */
static const struct bench_loops bench_loops[KSLAB_POOL_NR] = {
	[KSLAB_BACKEND_KSLAB] = BENCH_LOOPS_OF(be),
	[KSLAB_BACKEND_LOCKED] = BENCH_LOOPS_OF(be),
	[KSLAB_BACKEND_KMEM_CACHE] = BENCH_LOOPS_OF(kmem_cache),
	[KSLAB_BACKEND_KMALLOC] = BENCH_LOOPS_OF(kmalloc),
	[KSLAB_BACKEND_MEMPOOL] = BENCH_LOOPS_OF(mempool),
#ifdef KSLAB_HAVE_OBJPOOL
	[KSLAB_BACKEND_OBJPOOL] = BENCH_LOOPS_OF(objpool),
#endif
	[KSLAB_POOL_EMPTY] = BENCH_LOOPS_OF(empty),
};

/*
 * Each thread's loop, by its role, once the pool exists: the loops are the
 * pool's backend's own.
 */
static void bench_pick_loops(struct bench_run *run)
{
	const struct bench_loops *l = &bench_loops[run->pool.backend];
	unsigned int i;

	for (i = 0; i < run->nr_threads; i++) {
		struct bench_thread *t = &run->threads[i];

		if (t->role == KSLAB_BENCH_ROLE_PRODUCER)
			t->loop = l->produce;
		else if (t->role == KSLAB_BENCH_ROLE_CONSUMER)
			t->loop = l->consume;
		else if (run->args.pattern == KSLAB_BENCH_HOLD)
			t->loop = l->hold;
		else if (run->args.pattern == KSLAB_BENCH_BULK)
			t->loop = bench_bulk;
		else
			t->loop = l->burn;
	}
}

/* Copy: copy_from_user() of object_size bytes, in the caller's context. */
static int bench_copy(struct bench_run *run)
{
	const void __user *src = u64_to_user_ptr(run->args.user_buf);
	struct bench_thread *t = &run->threads[0];
	u32 size = run->args.object_size;
	int ret = 0;
	void *buf;
	u64 i;

	buf = kvmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	t->cpu = raw_smp_processor_id();
	t->start_cycles = get_cycles();
	t->start_ns = ktime_get_ns();
	for (i = 0; i < run->args.iterations; i++) {
		if (!(i % BENCH_TICK)) {
			cond_resched();
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				break;
			}
		}
		if (copy_from_user(buf, src, size)) {
			ret = -EFAULT;
			break;
		}
	}
	t->end_ns = ktime_get_ns();
	t->end_cycles = get_cycles();
	t->ops = i;
	kvfree(buf);
	return ret;
}

/* ================== Threads ================== */

static int bench_thread_fn(void *data)
{
	struct bench_thread *t = data;
	struct bench_run *run = t->run;

	wait_event(run->start_wq, READ_ONCE(run->go));
	t->start_cycles = get_cycles();
	t->start_ns = ktime_get_ns();
	t->loop(t);
	t->end_ns = ktime_get_ns();
	t->end_cycles = get_cycles();
	bench_evicted(t);
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);
	return 0;
}

/* Stop (or reap) the first @n threads; never-woken ones do not run. */
static void bench_put_threads(struct bench_run *run, unsigned int n)
{
	while (n--)
		kthread_stop_put(run->threads[n].task);
}

static int bench_start(struct bench_run *run)
{
	struct task_struct *p;
	unsigned int i;

	for (i = 0; i < run->nr_threads; i++) {
		unsigned int cpu = run->threads[i].cpu;

		/* Bound, but no per-CPU kthread: see bench_evicted(). */
		p = kthread_create_on_node(bench_thread_fn, &run->threads[i],
					   cpu_to_node(cpu), "kslab-bench/%u",
					   cpu);
		if (IS_ERR(p)) {
			bench_put_threads(run, i);
			return PTR_ERR(p);
		}
		kthread_bind(p, cpu);
		get_task_struct(p);
		run->threads[i].task = p;
	}
	atomic_set(&run->running, run->nr_threads);
	for (i = 0; i < run->nr_threads; i++)
		wake_up_process(run->threads[i].task);
	WRITE_ONCE(run->go, true);
	wake_up_all(&run->start_wq);
	return 0;
}

/*
 * Wait for every thread; a fatal signal stops them early (-EINTR), and so
 * does a CPU of the run going offline (-EBUSY). The wait wakes up every
 * BENCH_WAIT_S seconds so that a long run does not look like a hung task.
 */
static int bench_join(struct bench_run *run)
{
	unsigned int i;
	long left;
	int ret = 0;

	do {
		left = wait_for_completion_killable_timeout(&run->done,
							    BENCH_WAIT_S * HZ);
	} while (!left);
	if (left < 0) {
		WRITE_ONCE(run->stop, true);
		while (!wait_for_completion_timeout(&run->done,
						    BENCH_WAIT_S * HZ))
			;
		ret = -EINTR;
	}
	bench_put_threads(run, run->nr_threads);
	for (i = 0; i < run->nr_threads && !ret; i++)
		if (run->threads[i].evicted)
			ret = -EBUSY;
	return ret;
}

/* ================== Setup ================== */

/* The CPUs of the mask into @cpus; returns how many, or -EINVAL. */
/* @cpu, read from the user's list, may run a thread of the run. */
static int bench_cpu_ok(u32 cpu, struct cpumask *seen)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu) ||
	    cpumask_test_and_set_cpu(cpu, seen))
		return -EINVAL;
	return 0;
}

/*
 * The CPUs of the run into @cpus (room for nr_cpu_ids): @list when it has
 * @nr_list entries, else the mask. Returns how many, or -EINVAL.
 */
static int bench_cpus(const struct kslab_bench *a, const u32 *list,
		      unsigned int nr_list, unsigned int *cpus)
{
	unsigned int cpu, n = 0;
	cpumask_var_t seen;
	int ret = 0;

	if (!a->cpu_mask && !nr_list) {
		cpus[0] = raw_smp_processor_id();
		return a->pattern == KSLAB_BENCH_CROSS ? -EINVAL : 1;
	}
	if (a->pattern == KSLAB_BENCH_COPY || (a->cpu_mask && nr_list) ||
	    nr_list > nr_cpu_ids)
		return -EINVAL;
	if (nr_list) {
		if (!zalloc_cpumask_var(&seen, GFP_KERNEL))
			return -ENOMEM;
		for (; n < nr_list && !ret; n++) {
			ret = bench_cpu_ok(list[n], seen);
			cpus[n] = list[n];
		}
		free_cpumask_var(seen);
		if (ret)
			return ret;
	}
	for (cpu = 0; cpu < BENCH_MAX_CPUS && !nr_list; cpu++) {
		if (!(a->cpu_mask & BIT_ULL(cpu)))
			continue;
		if (cpu >= nr_cpu_ids || !cpu_online(cpu))
			return -EINVAL;
		cpus[n++] = cpu;
	}
	if (a->pattern == KSLAB_BENCH_CROSS && n % 2)
		return -EINVAL;
	return n;
}

/**
 * kslab_bench_max_threads() - threads a run can have on this machine.
 *
 * Context: any context.
 * Return: KSLAB_BENCH_MAX_THREADS_PER_CPU per possible CPU id.
 */
unsigned int kslab_bench_max_threads(void)
{
	return max(nr_cpu_ids, BENCH_MAX_CPUS) *
	       KSLAB_BENCH_MAX_THREADS_PER_CPU;
}

static bool bench_batched(const struct kslab_bench *a)
{
	return a->pattern == KSLAB_BENCH_HOLD || a->pattern == KSLAB_BENCH_BULK;
}

static int bench_check(const struct kslab_bench *a)
{
	bool batched = bench_batched(a);

	if (a->backend >= KSLAB_BACKEND_NR || a->pattern >= KSLAB_BENCH_NR ||
	    !a->object_size || a->object_size > KSLAB_OBJECT_SIZE_MAX ||
	    !a->iterations ||
	    a->iterations > KSLAB_BENCH_MAX_ITERATIONS ||
	    a->threads_per_cpu > KSLAB_BENCH_MAX_THREADS_PER_CPU ||
	    (a->cache_flags & ~KSLAB_CACHE_FLAGS_ALL) ||
	    (a->nr_results && !a->results) || a->reserved2 ||
	    (a->nr_cpus && !a->cpus) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	if (batched ? !a->batch || a->batch > KSLAB_BENCH_MAX_BATCH :
		      a->batch > 1)
		return -EINVAL;
	if (a->pattern == KSLAB_BENCH_COPY)
		return a->user_buf && a->object_size <= KSLAB_BENCH_MAX_COPY &&
		       a->threads_per_cpu <= 1 ? 0 : -EINVAL;
	return a->user_buf ? -EINVAL : 0;
}

/* Objects outstanding at most at once: what a fixed-size pool needs. */
static unsigned int bench_capacity(const struct bench_run *run)
{
	unsigned int n;

	switch (run->args.pattern) {
	case KSLAB_BENCH_HOLD:
	case KSLAB_BENCH_BULK:
		n = run->nr_threads * run->args.batch;
		break;
	case KSLAB_BENCH_CROSS:
		n = run->nr_threads / 2 * (BENCH_RING + 1);
		break;
	default:
		n = run->nr_threads;
		break;
	}
	return min(n, KSLAB_CAPACITY_MAX);
}

/* Give each thread its CPU, role, loop, ring and object array. */
static void bench_assign(struct bench_run *run, const unsigned int *cpus)
{
	unsigned int ncpus = run->nr_threads / (run->args.threads_per_cpu ?: 1);
	bool cross = run->args.pattern == KSLAB_BENCH_CROSS;
	unsigned int i, slot;

	for (i = 0; i < run->nr_threads; i++) {
		struct bench_thread *t = &run->threads[i];

		/* thread i runs on cpus[i % ncpus]; a pair is 2p, 2p + 1 */
		slot = i % ncpus;
		t->run = run;
		t->cpu = cpus[slot];
		if (run->objs)
			t->objs = run->objs + (size_t)i * run->args.batch;
		if (!cross) {
			t->role = KSLAB_BENCH_ROLE_WORKER;
			continue;
		}
		t->ring = &run->rings[i / 2];
		t->role = slot % 2 ? KSLAB_BENCH_ROLE_CONSUMER :
				     KSLAB_BENCH_ROLE_PRODUCER;
	}
}

static void bench_free(struct bench_run *run)
{
	kvfree(run->rings);
	kvfree(run->objs);
	kfree(run);
}

/* The out fields start from 0, whatever the caller left in them. */
static void bench_clear_out(struct kslab_bench *a)
{
	a->nr_threads = 0;
	a->ops = 0;
	a->ns = 0;
	a->cycles = 0;
	a->reused = 0;
	a->failed = 0;
	a->objects_per_slab = 0;
	a->init_on_alloc = 0;
	a->pages = 0;
	a->pages_shrunk = 0;
	a->slabs_shrunk = 0;
}

static struct bench_run *bench_alloc(const struct kslab_bench *a,
				     const unsigned int *cpus, unsigned int ncpus)
{
	unsigned int n = ncpus * (a->threads_per_cpu ?: 1);
	bool batched = bench_batched(a);
	struct bench_run *run;

	run = kzalloc(struct_size(run, threads, n), GFP_KERNEL);
	if (!run)
		return NULL;
	run->nr_threads = n;
	run->args = *a;
	bench_clear_out(&run->args);
	init_waitqueue_head(&run->start_wq);
	init_completion(&run->done);
	if (a->pattern == KSLAB_BENCH_CROSS)
		run->rings = kvcalloc(n / 2, sizeof(*run->rings), GFP_KERNEL);
	if (batched)
		run->objs = kvcalloc((size_t)n * a->batch, sizeof(void *),
				     GFP_KERNEL);
	if ((a->pattern == KSLAB_BENCH_CROSS && !run->rings) ||
	    (batched && !run->objs)) {
		bench_free(run);
		return NULL;
	}
	bench_assign(run, cpus);
	return run;
}

/* ================== Pool ================== */

static int bench_pool_create(struct bench_run *run)
{
	struct kslab_pool_args pa = {
		.name = run->name,
		.object_size = run->args.object_size,
		.flags = run->args.cache_flags,
		.magazine_size = run->args.magazine_size,
		.capacity = bench_capacity(run),
	};
	unsigned int backend = run->args.backend, tries = 0;
	int ret;

	if (run->args.pattern == KSLAB_BENCH_EMPTY)
		backend = KSLAB_POOL_EMPTY;
	/* pool names are unique module-wide; a user cache may hold ours */
	do {
		snprintf(run->name, sizeof(run->name), "bench.%u",
			 (unsigned int)atomic_inc_return(&bench_seq));
		ret = kslab_pool_create(&run->pool, backend, &pa);
	} while (ret == -EEXIST && ++tries < 8);
	return ret;
}

/* Memory figures at the end of the run and after a shrink, then destroy. */
static void bench_pool_finish(struct bench_run *run)
{
	struct kslab_bench *a = &run->args;

	kslab_pool_stats(&run->pool, &run->stats);
	a->objects_per_slab = run->stats.objects_per_slab;
	a->pages = run->stats.pages;
	kslab_pool_shrink(&run->pool);
	kslab_pool_stats(&run->pool, &run->stats);
	a->pages_shrunk = run->stats.pages;
	a->slabs_shrunk = run->stats.slabs;
	kslab_pool_destroy(&run->pool);
}

/* ================== Results ================== */

static void bench_sum(struct bench_run *run)
{
	struct kslab_bench *a = &run->args;
	u64 first_ns = U64_MAX, last_ns = 0;
	cycles_t first_c = (cycles_t)-1, last_c = 0;
	unsigned int i;

	for (i = 0; i < run->nr_threads; i++) {
		struct bench_thread *t = &run->threads[i];

		if (t->role != KSLAB_BENCH_ROLE_PRODUCER)
			a->ops += t->ops;
		a->reused += t->reused;
		a->failed += t->failed;
		first_ns = min(first_ns, t->start_ns);
		last_ns = max(last_ns, t->end_ns);
		first_c = min(first_c, t->start_cycles);
		last_c = max(last_c, t->end_cycles);
	}
	a->ns = last_ns - first_ns;
	a->cycles = last_c - first_c;
	a->nr_threads = run->nr_threads;
	a->init_on_alloc = want_init_on_alloc(GFP_KERNEL) ||
			   (a->cache_flags & KSLAB_CACHE_ZERO);
}

/* Thread @i's result, as the ABI reports it. */
static void bench_thread_result(const struct bench_run *run, unsigned int i,
				struct kslab_bench_thread *r)
{
	const struct bench_thread *t = &run->threads[i];

	*r = (struct kslab_bench_thread) {
		.cpu = t->cpu,
		.role = t->role,
		.ops = t->ops,
		.ns = t->end_ns - t->start_ns,
		.cycles = t->end_cycles - t->start_cycles,
		.reused = t->reused,
		.failed = t->failed,
	};
}

/* ================== Run ================== */

static int bench_execute(struct bench_run *run)
{
	int ret;

	if (run->args.pattern == KSLAB_BENCH_COPY)
		return bench_copy(run);
	ret = bench_pool_create(run);
	if (ret)
		return ret;
	bench_pick_loops(run);
	ret = bench_start(run);
	if (!ret)
		ret = bench_join(run);
	bench_pool_finish(run);
	return ret;
}

/**
 * kslab_bench_run() - run one in-kernel timed loop.
 * @a: the run's arguments, already copied from the user; its out fields
 *	are filled in on success.
 * @cpu_list: the @a->nr_cpus CPUs of &kslab_bench.cpus, copied from the
 *	user, or NULL (then &kslab_bench.cpu_mask says).
 * @results: room for @nr per-thread results, or NULL when @nr is 0.
 * @nr: the first min(@nr, threads) threads are written.
 *
 * Checks @a (every field, reserved ones included), creates a pool of the
 * requested backend (the empty pool for KSLAB_BENCH_EMPTY), runs the
 * pattern on kthreads bound to the CPUs of the mask, waits for them, fills
 * in the times and the pool's memory figures, shrinks and destroys the
 * pool. The copy pattern reads &kslab_bench.user_buf in the caller's
 * context.
 *
 * Context: process context, may sleep (for as long as the loop runs).
 * Return: 0; -EINVAL for a bad field; -EOPNOTSUPP for a backend the
 * running kernel lacks; -EFAULT when the copy pattern's buffer faults;
 * -ENOMEM; -EINTR when a fatal signal ended the run early; -EBUSY when a
 * CPU of the run went offline (the run ends then, without holding up the
 * offline).
 */
int kslab_bench_run(struct kslab_bench *a, const u32 *cpu_list,
		    struct kslab_bench_thread *results, unsigned int nr)
{
	unsigned int *cpus, i;
	struct bench_run *run;
	int ncpus, ret;

	ret = bench_check(a);
	if (ret)
		return ret;
	cpus = kmalloc_array(max(nr_cpu_ids, BENCH_MAX_CPUS), sizeof(*cpus),
			     GFP_KERNEL);
	if (!cpus)
		return -ENOMEM;
	ncpus = bench_cpus(a, cpu_list, cpu_list ? a->nr_cpus : 0, cpus);
	run = ncpus < 0 ? NULL : bench_alloc(a, cpus, ncpus);
	kfree(cpus);
	if (ncpus < 0)
		return ncpus;
	if (!run)
		return -ENOMEM;
	ret = bench_execute(run);
	if (!ret) {
		bench_sum(run);
		*a = run->args;
		for (i = 0; i < min(nr, run->nr_threads); i++)
			bench_thread_result(run, i, &results[i]);
	}
	bench_free(run);
	return ret;
}
