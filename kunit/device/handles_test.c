// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the handle table of a session cache (kmod/device/handles.h).
 * Slots found in O(1) across every segment, and never moved by growth;
 * the table's limit; a handle taken once only, stale after its return;
 * a return while pinned; free slots through the per-CPU caches and the
 * shared list, none lost or given twice; and two kthreads on two CPUs
 * racing to return the same handles, where each handle must be won by
 * exactly one of them.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "device/handles.h"

#define TEST_ID		0x1234

/* A token for slot @i: never dereferenced, never NULL. */
static void *token(u32 i)
{
	return (void *)(unsigned long)(0x1000 + 8 * (unsigned long)i);
}

static struct kslab_handles *table_new(struct kunit *test)
{
	struct kslab_handles *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, 0, kslab_handles_init(t, TEST_ID));
	return t;
}

/* Rent @n slots into @idx/@handles, @token(i) in slot i. */
static void rent_n(struct kunit *test, struct kslab_handles *t, u32 n,
		   u32 *idx, u64 *handles)
{
	u32 i;

	for (i = 0; i < n; i++) {
		struct kslab_slot *slot;

		KUNIT_ASSERT_EQ(test, 0, kslab_handles_get(t, 1, &idx[i]));
		slot = kslab_handles_slot(t, idx[i]);
		handles[i] = kslab_handles_handle(t, slot, idx[i]);
		kslab_handles_fill(slot, token(i));
	}
}

/* Every slot of a table grown over several segments is its own. */
static void test_segments(struct kunit *test)
{
	struct kslab_handles *t = table_new(test);
	u32 n = KSLAB_SEG_BASE(6) + 5, i, k, base, index, idx0;
	u32 *idx = kunit_kcalloc(test, n, sizeof(*idx), GFP_KERNEL);
	u64 *h = kunit_kcalloc(test, n, sizeof(*h), GFP_KERNEL);
	unsigned long *seen = kunit_kcalloc(test, BITS_TO_LONGS(n + 1),
					    sizeof(long), GFP_KERNEL);
	struct kslab_slot *first;
	u64 h0;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	rent_n(test, t, 1, &idx0, &h0);
	first = kslab_handles_slot(t, idx0);
	__set_bit(idx0, seen);
	rent_n(test, t, n, idx, h);
	/* growth moved no slot */
	KUNIT_EXPECT_PTR_EQ(test, first, kslab_handles_slot(t, idx0));
	KUNIT_EXPECT_EQ(test, KSLAB_SEG_BASE(7), t->nr_slots);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_LT(test, idx[i], t->nr_slots);
		KUNIT_EXPECT_FALSE(test, __test_and_set_bit(idx[i], seen));
		KUNIT_EXPECT_EQ(test, TEST_ID, h[i] >> KSLAB_ID_SHIFT);
		KUNIT_EXPECT_EQ(test, 0, h[i] & BIT_ULL(31));
		KUNIT_EXPECT_PTR_EQ(test, kslab_handles_lookup(t, h[i], &index),
				    kslab_handles_slot(t, idx[i]));
		KUNIT_EXPECT_PTR_EQ(test, token(i),
				    kslab_handles_slot(t, idx[i])->obj);
	}
	/* slot i is where segments of 64, 128, ... slots put it */
	for (i = 0, k = 0, base = 0; i < t->nr_slots; i++) {
		if (i == base + (KSLAB_SEG0_SLOTS << k))
			base += KSLAB_SEG0_SLOTS << k++;
		KUNIT_ASSERT_PTR_EQ(test, &t->seg[k][i - base],
				    kslab_handles_slot(t, i));
	}
	KUNIT_EXPECT_EQ(test, 6, k);
	KUNIT_EXPECT_PTR_EQ(test, token(0), first->obj);
	KUNIT_EXPECT_TRUE(test, kslab_handles_busy(t));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_PTR_EQ(test, token(i),
				    kslab_handles_take(t, h[i]));
	KUNIT_EXPECT_TRUE(test, kslab_handles_busy(t));
	KUNIT_EXPECT_PTR_EQ(test, token(0), kslab_handles_take(t, h0));
	KUNIT_EXPECT_FALSE(test, kslab_handles_busy(t));
	kslab_handles_destroy(t);
}

/* The table stops at KSLAB_SLOTS_MAX with -ENOSPC. */
static void test_limit(struct kunit *test)
{
	struct kslab_handles *t = table_new(test);
	u32 idx[KSLAB_FREE_BATCH], got = 0;
	int ret;

	for (;;) {
		ret = kslab_handles_get(t, KSLAB_FREE_BATCH, idx);
		if (ret)
			break;
		got += KSLAB_FREE_BATCH;
	}
	KUNIT_EXPECT_EQ(test, -ENOSPC, ret);
	KUNIT_EXPECT_EQ(test, KSLAB_SLOTS_MAX, t->nr_slots);
	/* all but what CPU caches hold, when the test moved between CPUs */
	KUNIT_EXPECT_LE(test, got, KSLAB_SLOTS_MAX);
	KUNIT_EXPECT_GE(test, got,
			KSLAB_SLOTS_MAX - num_possible_cpus() * KSLAB_FREE_CACHE);
	kslab_handles_destroy(t);
}

/*
 * A handle is taken once; after its return, and after the slot's next
 * rent, it names nothing.
 */
static void test_take_once(struct kunit *test)
{
	struct kslab_handles *t = table_new(test);
	u32 idx, again;
	u64 h, h2;

	/* on one CPU: its free-slot cache gives the slot back first */
	migrate_disable();
	rent_n(test, t, 1, &idx, &h);
	KUNIT_EXPECT_TRUE(test, IS_ERR(kslab_handles_take(t, h ^ 1)));
	KUNIT_EXPECT_TRUE(test, IS_ERR(kslab_handles_take(t, h | BIT_ULL(31))));
	KUNIT_EXPECT_TRUE(test, IS_ERR(kslab_handles_take(t, h + BIT_ULL(32))));
	KUNIT_EXPECT_PTR_EQ(test, token(0), kslab_handles_take(t, h));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT), kslab_handles_take(t, h));
	/* the same slot comes back first, with another generation */
	rent_n(test, t, 1, &again, &h2);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, idx, again);
	KUNIT_EXPECT_NE(test, h, h2);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT), kslab_handles_take(t, h));
	KUNIT_EXPECT_PTR_EQ(test, token(0), kslab_handles_take(t, h2));
	kslab_handles_destroy(t);
}

/*
 * The generation skips 0, so RENT_ONE's value is never 0, and comes back
 * after 2^14 - 1 rents of a slot.
 */
static void test_generation_wraps(struct kunit *test)
{
	struct kslab_handles *t = table_new(test);
	u32 i, idx, first;
	u64 h, h1;

	migrate_disable();
	rent_n(test, t, 1, &first, &h1);
	KUNIT_ASSERT_PTR_EQ(test, token(0), kslab_handles_take(t, h1));
	for (i = 0; i < KSLAB_GEN_MASK; i++) {
		rent_n(test, t, 1, &idx, &h);
		/* the same slot every time: its generation goes round */
		KUNIT_ASSERT_EQ(test, first, idx);
		KUNIT_ASSERT_NE(test, 0, h >> KSLAB_INDEX_BITS & KSLAB_GEN_MASK);
		KUNIT_ASSERT_PTR_EQ(test, token(0), kslab_handles_take(t, h));
	}
	migrate_enable();
	/* 2^14 - 1 generations later the first handle is back */
	KUNIT_EXPECT_EQ(test, h1, h);
	kslab_handles_destroy(t);
}

/* A return while pinned: stale at once, the last unpin gives the object. */
static void test_pinned_return(struct kunit *test)
{
	struct kslab_handles *t = table_new(test);
	u32 idx, pin1, pin2;
	u64 h;

	rent_n(test, t, 1, &idx, &h);
	KUNIT_ASSERT_NOT_NULL(test, kslab_handles_pin(t, h, &pin1));
	KUNIT_ASSERT_NOT_NULL(test, kslab_handles_pin(t, h, &pin2));
	KUNIT_EXPECT_EQ(test, idx, pin1);
	KUNIT_EXPECT_NULL(test, kslab_handles_take(t, h));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT), kslab_handles_take(t, h));
	KUNIT_EXPECT_NULL(test, kslab_handles_pin(t, h, &pin2));
	KUNIT_EXPECT_TRUE(test, kslab_handles_busy(t));
	KUNIT_EXPECT_NULL(test, kslab_handles_unpin(t, pin1));
	KUNIT_EXPECT_PTR_EQ(test, token(0), kslab_handles_unpin(t, idx));
	KUNIT_EXPECT_FALSE(test, kslab_handles_busy(t));
	/* unpinned without a return: nothing to give back */
	rent_n(test, t, 1, &idx, &h);
	KUNIT_ASSERT_NOT_NULL(test, kslab_handles_pin(t, h, &pin1));
	KUNIT_EXPECT_NULL(test, kslab_handles_unpin(t, pin1));
	KUNIT_EXPECT_PTR_EQ(test, token(0), kslab_handles_take(t, h));
	kslab_handles_destroy(t);
}

/* Free slots go through CPU caches and the shared list; none is lost. */
static void test_free_slots(struct kunit *test)
{
	struct kslab_handles *t = table_new(test);
	u32 n = 4 * KSLAB_FREE_CACHE + 3, i, round;
	u32 *idx = kunit_kcalloc(test, n, sizeof(*idx), GFP_KERNEL);
	u64 *h = kunit_kcalloc(test, n, sizeof(*h), GFP_KERNEL);
	unsigned long *seen = kunit_kcalloc(test, BITS_TO_LONGS(KSLAB_SLOTS_MAX),
					    sizeof(long), GFP_KERNEL);
	u32 slots;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	rent_n(test, t, n, idx, h);
	slots = t->nr_slots;
	for (round = 0; round < 3; round++) {
		for (i = 0; i < n; i++)
			KUNIT_ASSERT_PTR_EQ(test, token(i),
					    kslab_handles_take(t, h[i]));
		bitmap_zero(seen, KSLAB_SLOTS_MAX);
		rent_n(test, t, n, idx, h);
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_FALSE(test,
					   __test_and_set_bit(idx[i], seen));
	}
	/* the slots came back: the table did not grow */
	KUNIT_EXPECT_EQ(test, slots, t->nr_slots);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_PTR_EQ(test, token(i), kslab_handles_take(t, h[i]));
	kslab_handles_destroy(t);
}

#define RACE_HANDLES	4096
#define RACE_ROUNDS	4

/**
 * struct race - two kthreads returning the same handles.
 * @t: the table.
 * @h: the handles.
 * @won: per thread, the handles it returned.
 * @round: which round: even rounds both threads go up, odd ones the
 *	second goes down.
 * @go: both threads wait for it.
 * @done: per thread.
 */
struct race {
	struct kslab_handles *t;
	u64 *h;
	unsigned long *won[2];
	unsigned int round;
	struct completion go;
	struct completion done[2];
};

struct race_arg {
	struct race *r;
	unsigned int me;
};

static int race_fn(void *data)
{
	struct race_arg *a = data;
	struct race *r = a->r;
	bool down = a->me && r->round % 2;
	u32 i, k;

	wait_for_completion(&r->go);
	for (i = 0; i < RACE_HANDLES; i++) {
		k = down ? RACE_HANDLES - 1 - i : i;
		if (!IS_ERR(kslab_handles_take(r->t, r->h[k])))
			__set_bit(k, r->won[a->me]);
	}
	complete(&r->done[a->me]);
	return 0;
}

/* One round: rent RACE_HANDLES, let both threads return them all. */
static void race_round(struct kunit *test, struct race *r, u32 *idx)
{
	struct task_struct *tsk[2];
	struct race_arg arg[2];
	u32 i, both = 0, none = 0;
	unsigned int me;

	rent_n(test, r->t, RACE_HANDLES, idx, r->h);
	init_completion(&r->go);
	for (me = 0; me < 2; me++) {
		bitmap_zero(r->won[me], RACE_HANDLES);
		init_completion(&r->done[me]);
		arg[me] = (struct race_arg){ .r = r, .me = me };
		tsk[me] = kthread_create_on_cpu(race_fn, &arg[me],
						cpumask_nth(me, cpu_online_mask),
						"kslab-race/%u");
	}
	/* both exist before either runs: none waits on a dead frame */
	if (IS_ERR(tsk[0]) || IS_ERR(tsk[1])) {
		for (me = 0; me < 2; me++)
			if (!IS_ERR(tsk[me]))
				kthread_stop(tsk[me]);
		KUNIT_FAIL(test, "kthread_create_on_cpu failed");
		return;
	}
	for (me = 0; me < 2; me++)
		wake_up_process(tsk[me]);
	complete_all(&r->go);
	for (me = 0; me < 2; me++)
		wait_for_completion(&r->done[me]);
	for (i = 0; i < RACE_HANDLES; i++) {
		bool a = test_bit(i, r->won[0]), b = test_bit(i, r->won[1]);

		both += a && b;
		none += !a && !b;
	}
	KUNIT_EXPECT_EQ_MSG(test, 0, both, "round %u", r->round);
	KUNIT_EXPECT_EQ_MSG(test, 0, none, "round %u", r->round);
	KUNIT_EXPECT_FALSE(test, kslab_handles_busy(r->t));
}

static void test_race_take(struct kunit *test)
{
	struct kslab_handles *t = table_new(test);
	struct race r = { .t = t };
	unsigned int me;
	u32 *idx;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	idx = kunit_kcalloc(test, RACE_HANDLES, sizeof(*idx), GFP_KERNEL);
	r.h = kunit_kcalloc(test, RACE_HANDLES, sizeof(*r.h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, idx);
	KUNIT_ASSERT_NOT_NULL(test, r.h);
	for (me = 0; me < 2; me++) {
		r.won[me] = kunit_kcalloc(test, BITS_TO_LONGS(RACE_HANDLES),
					  sizeof(long), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r.won[me]);
	}
	for (r.round = 0; r.round < RACE_ROUNDS; r.round++)
		race_round(test, &r, idx);
	kslab_handles_destroy(t);
}

static struct kunit_case handles_test_cases[] = {
	KUNIT_CASE(test_segments),
	KUNIT_CASE(test_limit),
	KUNIT_CASE(test_take_once),
	KUNIT_CASE(test_generation_wraps),
	KUNIT_CASE(test_pinned_return),
	KUNIT_CASE(test_free_slots),
	KUNIT_CASE(test_race_take),
	{}
};

static struct kunit_suite handles_test_suite = {
	.name = "kslab_handles",
	.test_cases = handles_test_cases,
};

kunit_test_suite(handles_test_suite);
