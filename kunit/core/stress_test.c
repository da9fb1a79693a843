// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the kslab allocator on many CPUs: a kthread per CPU renting on one
 * CPU and returning on another, NUMA placement, slabs that the page
 * allocator places on another node, the CPU hotplug drain, and the
 * fast-path cost against kmem_cache (printed, never asserted).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "kslab_test.h"

/* ---- cross-CPU stress ---- */

#define STRESS_ITERS	1500U
#define STRESS_RING	512U
#define STRESS_BATCH	8U

struct stress_obj {
	void *obj;
	unsigned int cpu;
};

struct stress {
	struct kslab_cache *cache;
	struct xarray live;		/* objects rented now, by address */
	spinlock_t lock;		/* guards the ring */
	struct stress_obj ring[STRESS_RING];
	unsigned int head, tail;
	atomic_t errors, rents, returns, remote, running;
	struct completion done;
};

/* Rented: no one else may hold it. */
static void stress_rented(struct stress *st, void *obj)
{
	if (xa_insert(&st->live, (unsigned long)obj >> 3, xa_mk_value(1),
		      GFP_KERNEL))
		atomic_inc(&st->errors);
	atomic_inc(&st->rents);
}

static void stress_return(struct stress *st, struct stress_obj *so)
{
	if (!xa_erase(&st->live, (unsigned long)so->obj >> 3))
		atomic_inc(&st->errors);
	if (so->cpu != raw_smp_processor_id())
		atomic_inc(&st->remote);
	if (kslab_return(st->cache, so->obj))
		atomic_inc(&st->errors);
	atomic_inc(&st->returns);
}

static bool stress_push(struct stress *st, void *obj)
{
	bool ok;

	spin_lock(&st->lock);
	ok = st->head - st->tail < STRESS_RING;
	if (ok)
		st->ring[st->head++ % STRESS_RING] = (struct stress_obj){
			obj, raw_smp_processor_id() };
	spin_unlock(&st->lock);
	return ok;
}

static bool stress_pop(struct stress *st, struct stress_obj *so)
{
	bool ok;

	spin_lock(&st->lock);
	ok = st->head != st->tail;
	if (ok)
		*so = st->ring[st->tail++ % STRESS_RING];
	spin_unlock(&st->lock);
	return ok;
}

static void stress_round(struct stress *st, unsigned int i)
{
	void *objs[STRESS_BATCH];
	unsigned int n, k;
	struct stress_obj so;

	n = i % 3 ? kslab_rent_bulk(st->cache, GFP_KERNEL, i % STRESS_BATCH + 1, objs) :
		!!(objs[0] = kslab_rent(st->cache, GFP_KERNEL));
	for (k = 0; k < n; k++) {
		stress_rented(st, objs[k]);
		if (!stress_push(st, objs[k])) {
			so = (struct stress_obj){ objs[k], raw_smp_processor_id() };
			stress_return(st, &so);
		}
	}
	for (k = 0; k < n && stress_pop(st, &so); k++)
		stress_return(st, &so);
}

static int stress_thread(void *arg)
{
	struct stress *st = arg;
	unsigned int i;

	for (i = 0; i < STRESS_ITERS; i++) {
		stress_round(st, i);
		if (i % 64 == 0)
			cond_resched();
	}
	if (atomic_dec_and_test(&st->running))
		complete(&st->done);
	return 0;
}

static void test_stress(struct kunit *test)
{
	struct stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct stress_obj so;
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, st);
	st->cache = test_cache(test, 64, 0, KSLAB_DEBUG, 8);
	xa_init(&st->live);
	spin_lock_init(&st->lock);
	init_completion(&st->done);
	atomic_set(&st->running, num_online_cpus());
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = kthread_create(stress_thread, st, "kslab-stress/%u", cpu);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		kthread_bind(t, cpu);
		wake_up_process(t);
	}
	cpus_read_unlock();
	wait_for_completion(&st->done);
	while (stress_pop(st, &so))
		stress_return(st, &so);
	kunit_info(test, "%d rents, %d returned on another CPU\n",
		   atomic_read(&st->rents), atomic_read(&st->remote));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&st->errors));
	KUNIT_EXPECT_EQ(test, atomic_read(&st->rents), atomic_read(&st->returns));
	KUNIT_EXPECT_TRUE(test, xa_empty(&st->live));
	if (num_online_cpus() > 1)
		KUNIT_EXPECT_GT(test, atomic_read(&st->remote), 0);
	KUNIT_EXPECT_EQ(test, 0, test_stat(st->cache, KSLAB_CNT_DEBUG_ERROR));
	test_expect_idle(test, st->cache);
	xa_destroy(&st->live);
}

/* ---- debug mode: a stale pointer against slabs being freed ---- */

#define STALE_MSECS	2000U
#define STALE_BURST	32U

/*
 * One thread returns an object it already returned, over and over; the
 * other fills and empties a whole slab and shrinks the cache, so that the
 * slab under the stale pointer is freed and allocated again meanwhile.
 * @rent_mutex keeps the stale returns out of the churner's rents (an
 * object rented again may be returned once more, rightly), not out of
 * its shrinks, which are the race.
 */
struct stale {
	struct kslab_cache *cache;
	struct mutex rent_mutex;	/* a rent phase vs the stale returns */
	void *obj;			/* returned, not rented (rent_mutex) */
	unsigned long end;		/* jiffies when both threads stop */
	atomic_t churn_waits;		/* the churner wants rent_mutex */
	atomic_t taken, refused, bad_churn, shrinks, running;
	struct completion done;
};

static void stale_finish(struct stale *st)
{
	if (atomic_dec_and_test(&st->running))
		complete(&st->done);
}

static int stale_returner(void *arg)
{
	struct stale *st = arg;
	unsigned int i;
	int ret;

	while (time_before(jiffies, st->end)) {
		mutex_lock(&st->rent_mutex);
		for (i = 0; i < STALE_BURST; i++) {
			ret = kslab_return(st->cache, st->obj);
			if (ret == -EALREADY || ret == -EINVAL)
				atomic_inc(&st->refused);
			else
				atomic_inc(&st->taken);
		}
		mutex_unlock(&st->rent_mutex);
		/* Let the churner in: a mutex is no fair lock. */
		while (atomic_read(&st->churn_waits) &&
		       time_before(jiffies, st->end))
			cond_resched();
		cond_resched();
	}
	stale_finish(st);
	return 0;
}

static int stale_churner(void *arg)
{
	struct stale *st = arg;
	unsigned int n, objects = st->cache->layout.objects;
	void **objs = kcalloc(objects, sizeof(*objs), GFP_KERNEL);

	while (objs && time_before(jiffies, st->end)) {
		atomic_inc(&st->churn_waits);
		mutex_lock(&st->rent_mutex);
		atomic_dec(&st->churn_waits);
		n = kslab_rent_bulk(st->cache, GFP_KERNEL, objects, objs);
		if (n)
			st->obj = objs[n / 2];
		if (n != objects || kslab_return_bulk(st->cache, n, objs))
			atomic_inc(&st->bad_churn);
		mutex_unlock(&st->rent_mutex);
		/* The slab is empty: its pages and descriptor go back. */
		kslab_cache_shrink(st->cache);
		atomic_inc(&st->shrinks);
		cond_resched();
	}
	if (!objs)
		atomic_inc(&st->bad_churn);
	kfree(objs);
	stale_finish(st);
	return 0;
}

/* Run on the first and the second online CPU. */
static int (*const stale_threads[2])(void *) = {
	stale_returner, stale_churner
};

/*
 * A double return races the slab's release on another CPU: each stale
 * return is refused, and the owner check reads no freed slab (KASAN).
 */
static void test_debug_stale_vs_shrink(struct kunit *test)
{
	struct stale *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct task_struct *t[2];
	unsigned int cpu, i = 0;

	KUNIT_ASSERT_NOT_NULL(test, st);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 CPUs");
	st->cache = test_cache(test, 64, 0, KSLAB_DEBUG, 0);
	mutex_init(&st->rent_mutex);
	init_completion(&st->done);
	st->obj = kslab_rent(st->cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->obj);
	KUNIT_ASSERT_EQ(test, 0, kslab_return(st->cache, st->obj));
	atomic_set(&st->running, 2);
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		t[i] = kthread_create(stale_threads[i], st, "kslab-stale/%u", cpu);
		if (IS_ERR(t[i]))
			break;
		kthread_bind(t[i], cpu);
		if (++i == 2)
			break;
	}
	cpus_read_unlock();
	if (i < 2) {
		while (i--)
			kthread_stop(t[i]);
		KUNIT_FAIL(test, "cannot start the threads");
		return;
	}
	/* Both run from here on, for STALE_MSECS. */
	st->end = jiffies + msecs_to_jiffies(STALE_MSECS);
	wake_up_process(t[0]);
	wake_up_process(t[1]);
	wait_for_completion(&st->done);
	kunit_info(test, "%d stale returns refused, %d shrinks\n",
		   atomic_read(&st->refused), atomic_read(&st->shrinks));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&st->taken));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&st->bad_churn));
	KUNIT_EXPECT_GT(test, atomic_read(&st->refused), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&st->shrinks), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->refused),
			test_stat(st->cache, KSLAB_CNT_DEBUG_ERROR));
	test_expect_idle(test, st->cache);
}

/* ---- NUMA ---- */

#define NUMA_OBJS	16U

struct numa_work {
	struct kslab_cache *cache;
	void *objs[NUMA_OBJS];
	unsigned int wrong;
	int nid;
};

static long numa_rent(void *arg)
{
	struct numa_work *w = arg;
	unsigned int i;

	w->nid = numa_mem_id();
	for (i = 0; i < NUMA_OBJS; i++) {
		w->objs[i] = kslab_rent(w->cache, GFP_KERNEL);
		if (!w->objs[i] || page_to_nid(virt_to_page(w->objs[i])) != w->nid)
			w->wrong++;
	}
	return 0;
}

static long numa_return(void *arg)
{
	struct numa_work *w = arg;

	return kslab_return_bulk(w->cache, NUMA_OBJS, w->objs);
}

/* Objects come from the renting CPU's node; cross-node returns counted. */
static void test_numa(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, 0, 0);
	struct numa_work w[2] = { { .cache = cache }, { .cache = cache } };
	unsigned int cpu[2], n = 0;
	int nid;

	for_each_node_state(nid, N_MEMORY) {
		if (n < 2 && !cpumask_empty(cpumask_of_node(nid)))
			cpu[n++] = cpumask_any_and(cpumask_of_node(nid),
						   cpu_online_mask);
	}
	if (n < 2 || cpu[0] >= nr_cpu_ids || cpu[1] >= nr_cpu_ids)
		kunit_skip(test, "needs 2 NUMA nodes with memory and CPUs");
	work_on_cpu(cpu[0], numa_rent, &w[0]);
	work_on_cpu(cpu[1], numa_rent, &w[1]);
	KUNIT_EXPECT_NE(test, w[0].nid, w[1].nid);
	KUNIT_EXPECT_EQ(test, 0, w[0].wrong);
	KUNIT_EXPECT_EQ(test, 0, w[1].wrong);
	/* Each node's objects go back on the other node. */
	work_on_cpu(cpu[1], numa_return, &w[0]);
	work_on_cpu(cpu[0], numa_return, &w[1]);
	KUNIT_EXPECT_EQ(test, 2 * NUMA_OBJS,
			test_stat(cache, KSLAB_CNT_RETURN_REMOTE));
	test_expect_idle(test, cache);
}

/* ---- NUMA fallback ---- */

/* Slabs per cache the fallback test rents; the largest order it hogs. */
#define FALLBACK_SLABS		10U
#define HOG_ORDER_MAX		9

/* Free pages of one node, taken so that the node's allocations fall back. */
struct numa_hog {
	struct list_head pages;		/* head pages, order in page_private */
	unsigned long nr_pages;
	int nid;
};

static void numa_hog_free(void *arg)
{
	struct numa_hog *hog = arg;
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &hog->pages, lru) {
		unsigned int order = page_private(page);

		list_del(&page->lru);
		set_page_private(page, 0);
		__free_pages(page, order);
	}
	hog->nr_pages = 0;
}

/*
 * Take every page of @hog->nid that the page allocator gives without
 * retrying, from HOG_ORDER_MAX down to order 0; the node keeps its
 * watermark reserve. Freed when the test ends, whatever its outcome
 * (numa_hog_fill() registers that; numa_hog_take() takes more later).
 */
static void numa_hog_take(struct numa_hog *hog)
{
	gfp_t gfp = GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN;
	struct page *page;
	int order;

	/* what RCU callbacks of earlier tests still free comes back first */
	rcu_barrier();
	for (order = HOG_ORDER_MAX; order >= 0; order--) {
		while ((page = alloc_pages_node(hog->nid, gfp, order))) {
			set_page_private(page, order);
			list_add(&page->lru, &hog->pages);
			hog->nr_pages += 1UL << order;
		}
		cond_resched();
	}
}

static void numa_hog_fill(struct kunit *test, struct numa_hog *hog)
{
	INIT_LIST_HEAD(&hog->pages);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, numa_hog_free,
							   hog));
	numa_hog_take(hog);
}

struct fallback_work {
	struct kslab_cache *cache;
	void **objs;
	unsigned int nr, got, remote;
	int nid, remote_nid;
};

/* Rent @w->nr objects one by one on the CPU the work runs on. */
static long fallback_rent(void *arg)
{
	struct fallback_work *w = arg;

	w->nid = numa_mem_id();
	for (w->got = 0; w->got < w->nr; w->got++) {
		void *obj = kslab_rent(w->cache, GFP_KERNEL);

		if (!obj)
			break;
		w->objs[w->got] = obj;
		if (page_to_nid(virt_to_page(obj)) != w->nid) {
			w->remote_nid = page_to_nid(virt_to_page(obj));
			w->remote++;
		}
	}
	return 0;
}

static long fallback_return(void *arg)
{
	struct fallback_work *w = arg;

	return kslab_return_bulk(w->cache, w->got, w->objs);
}

/*
 * The objects went back on the short node's CPU: its depot holds objects
 * of the node it fell back to, whose shrinker must count and free them.
 */
static void fallback_shrinker(struct kunit *test, struct fallback_work *w)
{
	struct kslab_node *node = kslab_node_of(w->cache, w->remote_nid);
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct shrinker *s = w->cache->shrinker;
	unsigned long held, count;

	held = kslab_depot_count(w->cache, w->nid);
	KUNIT_EXPECT_GT(test, held, 0);
	sc.nid = w->remote_nid;
	count = s->count_objects(s, &sc);
	if (count == SHRINK_EMPTY)
		count = 0;
	KUNIT_EXPECT_EQ(test, count, held +
			kslab_depot_count(w->cache, w->remote_nid) +
			node->nr_empty * w->cache->layout.objects);
	sc.nr_to_scan = count;
	s->scan_objects(s, &sc);
	KUNIT_EXPECT_EQ(test, 0, kslab_depot_count(w->cache, w->nid));
}

/*
 * Node @hog->nid has no free memory: rent FALLBACK_SLABS slabs' worth of
 * objects on @cpu, of that node. The page allocator gives the new slabs
 * another node's pages; they must still be used up before another slab is
 * allocated, not left on the other node's lists with a batch taken.
 */
static void fallback_check(struct kunit *test, struct kslab_cache *cache,
			   unsigned int cpu, struct numa_hog *hog)
{
	unsigned int per_slab = cache->layout.objects;
	struct fallback_work w = { .cache = cache };
	struct kslab_cache_stats st;

	w.nr = FALLBACK_SLABS * per_slab;
	w.objs = kunit_kcalloc(test, w.nr, sizeof(*w.objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.objs);
	/* pages freed on the node since the hog took them: take them too */
	numa_hog_take(hog);
	work_on_cpu(cpu, fallback_rent, &w);
	test_stats(cache, &st);
	work_on_cpu(cpu, fallback_return, &w);
	kunit_info(test, "%s: %u objects rented on node %d (%u from another node, %lu pages hogged): %llu slabs of %u objects, %llu allocated\n",
		   cache->fast.flags & KSLAB_LOCKED ? "locked" : "per-CPU", w.got,
		   w.nid, w.remote, hog->nr_pages, st.slabs, per_slab,
		   st.counters[KSLAB_CNT_SLAB_ALLOC]);
	KUNIT_EXPECT_EQ(test, w.nr, w.got);
	KUNIT_EXPECT_EQ(test, hog->nid, w.nid);
	/* Else the hog left the node memory and nothing was tested. */
	KUNIT_EXPECT_GT(test, w.remote, 0);
	KUNIT_EXPECT_LE(test, st.slabs, FALLBACK_SLABS + nr_node_ids + 1);
	if (w.remote && !(cache->fast.flags & KSLAB_LOCKED))
		fallback_shrinker(test, &w);
	test_expect_idle(test, cache);
}

/* A node out of memory: its rents fill whole slabs on the node given. */
static void test_numa_fallback(struct kunit *test)
{
	struct kslab_cache *plain = test_cache(test, 8, 0, 0, 0);
	struct kslab_cache *locked = test_cache(test, 8, 0, KSLAB_LOCKED, 0);
	unsigned int cpu = cpumask_first(cpu_online_mask);
	struct numa_hog *hog;

	if (num_node_state(N_MEMORY) < 2)
		kunit_skip(test, "needs 2 NUMA nodes with memory");
	hog = kunit_kzalloc(test, sizeof(*hog), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hog);
	hog->nid = cpu_to_mem(cpu);
	numa_hog_fill(test, hog);
	fallback_check(test, plain, cpu, hog);
	fallback_check(test, locked, cpu, hog);
}

/* ---- CPU hotplug ---- */

static long hotplug_fill(void *arg)
{
	struct kslab_cache *cache = arg;
	void *objs[6];

	if (kslab_rent_bulk(cache, GFP_KERNEL, 6, objs) != 6)
		return -ENOMEM;
	return kslab_return_bulk(cache, 6, objs);
}

/* A CPU going offline leaves no object in its magazines. */
static void test_hotplug(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, 0, 4);
	unsigned int cpu = cpumask_last(cpu_online_mask);
	struct kslab_cpu *cc = per_cpu_ptr(cache->cpu, cpu);

	if (num_online_cpus() < 2 || cpu == 0)
		kunit_skip(test, "needs a second CPU");
	KUNIT_ASSERT_EQ(test, 0, work_on_cpu(cpu, hotplug_fill, cache));
	KUNIT_EXPECT_EQ(test, 6, cc->loaded->rounds + cc->previous->rounds);
	if (remove_cpu(cpu))
		kunit_skip(test, "CPU %u cannot go offline", cpu);
	KUNIT_EXPECT_EQ(test, 0, cc->loaded->rounds + cc->previous->rounds);
	KUNIT_EXPECT_EQ(test, 0, add_cpu(cpu));
	test_expect_idle(test, cache);
}

/* ---- fast path cost ---- */

#define PERF_PAIRS	20000U
#define PERF_PASSES	3U

static u64 perf_kslab(struct kslab_cache *cache)
{
	u64 t = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < PERF_PAIRS; i++)
		kslab_return(cache, kslab_rent(cache, GFP_KERNEL));
	return ktime_get_ns() - t;
}

static u64 perf_kmem_cache(struct kmem_cache *s)
{
	u64 t = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < PERF_PAIRS; i++)
		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	return ktime_get_ns() - t;
}

/* 64 B rent+return pairs on one CPU: kslab against kmem_cache (SLUB). */
static void test_perf(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, 0, 0);
	u64 ks = U64_MAX, km = U64_MAX;
	struct kmem_cache *s;
	unsigned int pass;

	s = kmem_cache_create("kslab-kunit-perf", 64, 0, SLAB_NO_MERGE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	migrate_disable();
	for (pass = 0; pass <= PERF_PASSES; pass++) {
		u64 a = perf_kslab(cache), b = perf_kmem_cache(s);

		/* Pass 0 warms up. */
		if (pass) {
			ks = min(ks, a);
			km = min(km, b);
		}
	}
	migrate_enable();
	kmem_cache_destroy(s);
	kunit_info(test, "64 B pair, best of %u x %u, init_on_alloc %d: kslab %llu ns, kmem_cache %llu ns, ratio %llu%%\n",
		   PERF_PASSES, PERF_PAIRS, want_init_on_alloc(GFP_KERNEL),
		   div_u64(ks, PERF_PAIRS), div_u64(km, PERF_PAIRS),
		   div64_u64(100 * ks, km ?: 1));
}

static struct kunit_case stress_test_cases[] = {
	KUNIT_CASE_SLOW(test_stress),
	KUNIT_CASE_SLOW(test_debug_stale_vs_shrink),
	KUNIT_CASE(test_numa),
	KUNIT_CASE_SLOW(test_numa_fallback),
	KUNIT_CASE(test_hotplug),
	KUNIT_CASE_SLOW(test_perf),
	{}
};

static struct kunit_suite stress_test_suite = {
	.name = "kslab_smp",
	.test_cases = stress_test_cases,
};

kunit_test_suite(stress_test_suite);
