// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: kslab in every context. On one CPU at once, a task, a softirq (a
 * tasklet) and a hardirq (a pinned hard hrtimer) rent and return objects of
 * the same cache, for seconds; each rent writes a token of its own into the
 * object and each return checks it first, so that an object handed to two
 * owners at once (a pop torn by an interrupt) is seen. Then rents and
 * returns with interrupts disabled, and kslab_return_rcu(): no object is
 * rented again before a grace period.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/irqflags.h>
#include <linux/rcupdate.h>

#include "kslab_test.h"

/* ---- one owner per object ---- */

#define CTX_HELD	16U	/* objects a context holds at most */
#define CTX_SECONDS	2U	/* how long the three contexts run */
#define CTX_PERIOD_NS	(100 * NSEC_PER_USEC)

/**
 * struct ctx_user - one context's objects; touched by that context only.
 * @objs: the objects it holds.
 * @tokens: the token written into each when it was rented.
 * @held: how many.
 * @seq: tokens handed out so far.
 * @id: the context's number, in the token's top bits.
 * @rents: rents done.
 * @errors: objects found with another owner's token, or NULL rents.
 */
struct ctx_user {
	void *objs[CTX_HELD];
	unsigned long tokens[CTX_HELD];
	unsigned int held;
	unsigned long seq;
	unsigned long id;
	unsigned long rents;
	unsigned long errors;
};

static void ctx_rent(struct kslab_cache *cache, struct ctx_user *u, gfp_t gfp)
{
	void *obj = kslab_rent(cache, gfp);
	unsigned long token = u->id << 56 | ++u->seq;

	if (!obj) {
		u->errors++;
		return;
	}
	WRITE_ONCE(*(unsigned long *)obj, token);
	u->objs[u->held] = obj;
	u->tokens[u->held++] = token;
	u->rents++;
}

/* Give back the last object held, unless someone else wrote into it. */
static void ctx_return(struct kslab_cache *cache, struct ctx_user *u)
{
	void *obj = u->objs[--u->held];

	if (READ_ONCE(*(unsigned long *)obj) != u->tokens[u->held]) {
		/* Owned twice: keep it, the other owner returns it. */
		u->errors++;
		return;
	}
	WRITE_ONCE(*(unsigned long *)obj, 0);
	if (kslab_return(cache, obj))
		u->errors++;
}

/* A few rents and returns, so that the context holds 0..CTX_HELD objects. */
static void ctx_step(struct kslab_cache *cache, struct ctx_user *u, gfp_t gfp)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (u->held == CTX_HELD ||
		    (u->held && (u->seq * 2654435761UL >> 7) & 1))
			ctx_return(cache, u);
		else
			ctx_rent(cache, u, gfp);
	}
}

static void ctx_drain(struct kslab_cache *cache, struct ctx_user *u)
{
	while (u->held)
		ctx_return(cache, u);
}

/**
 * struct ctx_run - a task, a tasklet and an hrtimer on one cache and CPU.
 * @cache: the cache.
 * @timer: the hardirq user; pinned, hard, every CTX_PERIOD_NS.
 * @tasklet: the softirq user, scheduled by @timer.
 * @hard: @timer's objects.
 * @soft: @tasklet's objects.
 * @task: the kthread's objects.
 * @hard_busy: timer interrupts that landed while the CPU's kslab layer was
 *	held by the context they interrupted.
 * @stop: set when the timer must not rearm or schedule the tasklet.
 * @done: the kthread finished.
 */
struct ctx_run {
	struct kslab_cache *cache;
	struct hrtimer timer;
	struct tasklet_struct tasklet;
	struct ctx_user hard, soft, task;
	unsigned long hard_busy;
	bool stop;
	struct completion done;
};

/* Whether the context this interrupt interrupted holds the CPU's layer. */
static bool ctx_layer_busy(struct kslab_cache *cache)
{
#ifdef CONFIG_PREEMPT_RT
	return false;
#else
	return READ_ONCE(this_cpu_ptr(cache->cpu)->busy);
#endif
}

static enum hrtimer_restart ctx_hardirq(struct hrtimer *timer)
{
	struct ctx_run *run = container_of(timer, struct ctx_run, timer);

	if (READ_ONCE(run->stop))
		return HRTIMER_NORESTART;
	if (ctx_layer_busy(run->cache))
		run->hard_busy++;
	ctx_step(run->cache, &run->hard, GFP_ATOMIC);
	tasklet_schedule(&run->tasklet);
	hrtimer_forward_now(timer, ns_to_ktime(CTX_PERIOD_NS));
	return HRTIMER_RESTART;
}

static void ctx_softirq(struct tasklet_struct *t)
{
	struct ctx_run *run = from_tasklet(run, t, tasklet);

	ctx_step(run->cache, &run->soft, GFP_ATOMIC);
}

static int ctx_thread(void *data)
{
	struct ctx_run *run = data;
	unsigned long end = jiffies + CTX_SECONDS * HZ;
	unsigned int i, n;
	void *objs[8];

	hrtimer_start(&run->timer, ns_to_ktime(CTX_PERIOD_NS),
		      HRTIMER_MODE_REL_PINNED_HARD);
	for (i = 0; time_before(jiffies, end); i++) {
		ctx_step(run->cache, &run->task, GFP_KERNEL);
		cond_resched();
		if (i % 8)
			continue;
		/* The bulk paths too; objects kept are checked as the rest. */
		n = kslab_rent_bulk(run->cache, GFP_KERNEL, ARRAY_SIZE(objs),
				    objs);
		run->task.rents += n;
		while (n && run->task.held < CTX_HELD) {
			run->task.objs[run->task.held] = objs[--n];
			run->task.tokens[run->task.held++] = 0;
			WRITE_ONCE(*(unsigned long *)objs[n], 0);
		}
		kslab_return_bulk(run->cache, n, objs);
	}
	WRITE_ONCE(run->stop, true);
	hrtimer_cancel(&run->timer);
	tasklet_kill(&run->tasklet);
	ctx_drain(run->cache, &run->task);
	ctx_drain(run->cache, &run->soft);
	ctx_drain(run->cache, &run->hard);
	complete(&run->done);
	return 0;
}

static const unsigned int ctx_flags[] = { 0, KSLAB_DEBUG, KSLAB_LOCKED };

static void ctx_flags_desc(const unsigned int *flags, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "flags %#x", *flags);
}

KUNIT_ARRAY_PARAM(ctx_flags, ctx_flags, ctx_flags_desc);

/*
 * Task, softirq and hardirq on one CPU and one cache at once: no object
 * ever has two owners, and every object comes back.
 */
static void test_every_context(struct kunit *test)
{
	const unsigned int *flags = test->param_value;
	struct task_struct *tsk;
	struct ctx_run *run;

	run = kunit_kzalloc(test, sizeof(*run), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, run);
	/* Small magazines: the interrupts reach the depot and slabs too. */
	run->cache = test_cache(test, 64, 0, *flags, 4);
	run->task.id = 1;
	run->soft.id = 2;
	run->hard.id = 3;
	init_completion(&run->done);
	hrtimer_init(&run->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	run->timer.function = ctx_hardirq;
	tasklet_setup(&run->tasklet, ctx_softirq);
	tsk = kthread_create_on_cpu(ctx_thread, run, 0, "kslab-ctx/%u");
	KUNIT_ASSERT_FALSE(test, IS_ERR(tsk));
	wake_up_process(tsk);
	wait_for_completion(&run->done);

	kunit_info(test, "rents: task %lu, softirq %lu, hardirq %lu; hardirqs into a held layer %lu\n",
		   run->task.rents, run->soft.rents, run->hard.rents,
		   run->hard_busy);
	KUNIT_EXPECT_EQ(test, 0, run->task.errors);
	KUNIT_EXPECT_EQ(test, 0, run->soft.errors);
	KUNIT_EXPECT_EQ(test, 0, run->hard.errors);
	KUNIT_EXPECT_GT(test, run->soft.rents, 0);
	KUNIT_EXPECT_GT(test, run->hard.rents, 0);
	/* The per-CPU layer's contended path was taken (not KSLAB_LOCKED). */
	if (!(*flags & KSLAB_LOCKED) && !IS_ENABLED(CONFIG_PREEMPT_RT))
		KUNIT_EXPECT_GT(test, run->hard_busy, 0);
	test_expect_idle(test, run->cache);
}

/* Rent and return, one at a time and in bulk, with interrupts disabled. */
static void test_irqs_disabled(struct kunit *test)
{
	struct kslab_cache *cache = test_cache(test, 64, 0, 0, 4);
	struct ctx_user *u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	void *objs[32];
	unsigned long flags;
	unsigned int i, n;

	KUNIT_ASSERT_NOT_NULL(test, u);
	u->id = 4;
	local_irq_save(flags);
	for (i = 0; i < 64; i++)
		ctx_step(cache, u, GFP_ATOMIC);
	n = kslab_rent_bulk(cache, GFP_ATOMIC, ARRAY_SIZE(objs), objs);
	ctx_drain(cache, u);
	KUNIT_EXPECT_EQ(test, 0, kslab_return_bulk(cache, n, objs));
	local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(objs), n);
	KUNIT_EXPECT_EQ(test, 0, u->errors);
	KUNIT_EXPECT_GT(test, u->rents, 0);
	test_expect_idle(test, cache);
}

/* ---- kslab_return_rcu() ---- */

#define RCU_OBJS	200U	/* more than three batches */

static bool rcu_returned(void **objs, unsigned int nr, void *obj)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (objs[i] == obj)
			return true;
	return false;
}

/*
 * Inside one read-side critical section, objects given back with
 * kslab_return_rcu() are never rented again, though full batches were
 * handed to RCU and the magazines are tiny (plain returns would be rented
 * back at once, last in first out); after the grace period and the
 * callbacks, every object is back.
 */
static void test_return_rcu(struct kunit *test)
{
	const unsigned int *flags = test->param_value;
	struct kslab_cache *cache = test_cache(test, 64, 0, *flags, 4);
	void **objs = kunit_kcalloc(test, 2 * RCU_OBJS, sizeof(void *),
				    GFP_KERNEL);
	unsigned int i, reused = 0;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < RCU_OBJS; i++) {
		objs[i] = kslab_rent(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	rcu_read_lock();
	for (i = 0; i < RCU_OBJS; i++)
		KUNIT_EXPECT_EQ(test, 0, kslab_return_rcu(cache, objs[i]));
	for (i = RCU_OBJS; i < 2 * RCU_OBJS; i++) {
		objs[i] = kslab_rent(cache, GFP_ATOMIC);
		if (objs[i] && rcu_returned(objs, RCU_OBJS, objs[i]))
			reused++;
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, 0, reused);
	/* Still rented, as far as the counters go: nothing came back yet. */
	KUNIT_EXPECT_GE(test, test_stat(cache, KSLAB_CNT_RENT) -
			test_stat(cache, KSLAB_CNT_RETURN), 2 * RCU_OBJS - 1);

	for (i = RCU_OBJS; i < 2 * RCU_OBJS; i++)
		if (objs[i])
			kslab_return(cache, objs[i]);
	/* The shrink sends the partly filled batches; then wait for all. */
	kslab_cache_shrink(cache);
	rcu_barrier();
	test_expect_idle(test, cache);
}

/*
 * Destroy while kslab_return_rcu() batches are pending: their callbacks run
 * during destroy's rcu_barrier() and return objects through the depot,
 * whose contention may queue the cache's resize work. Every depot lock
 * counts as contended here (kslab_contend_depot), so the work is queued
 * then: it must not run on the freed cache (KASAN would report it while
 * this test waits).
 */
/* One batch less one: never full, so it goes to RCU at destroy. */
#define RCU_PENDING	59U

static void test_destroy_rcu_pending(struct kunit *test)
{
	struct kslab_cache *cache;
	void **objs;
	unsigned int i;

	objs = kunit_kcalloc(test, RCU_PENDING, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	cache = kslab_cache_create("kunit-rcu", 64, 0, 0, NULL, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	for (i = 0; i < RCU_PENDING; i++) {
		objs[i] = kslab_rent(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < RCU_PENDING; i++)
		KUNIT_EXPECT_EQ(test, 0, kslab_return_rcu(cache, objs[i]));
	atomic_set(&kslab_contend_depot, INT_MAX);
	kslab_cache_destroy(cache);
	/* A resize work queued after destroy's cancel would run by now. */
	msleep(200);
	atomic_set(&kslab_contend_depot, 0);
}

static struct kunit_case context_test_cases[] = {
	KUNIT_CASE_PARAM_ATTR(test_every_context, ctx_flags_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(test_irqs_disabled),
	KUNIT_CASE_PARAM(test_return_rcu, ctx_flags_gen_params),
	KUNIT_CASE(test_destroy_rcu_pending),
	{}
};

static struct kunit_suite context_test_suite = {
	.name = "kslab_context",
	.test_cases = context_test_cases,
};

kunit_test_suite(context_test_suite);
