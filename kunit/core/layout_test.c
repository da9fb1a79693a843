// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: slab layout math (kmod/layout.c) for sizes 8 B .. 64 KiB and every
 * alignment up to PAGE_SIZE.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "core/layout.h"

static void layout_check(struct kunit *test, unsigned int size,
			 unsigned int align, bool debug)
{
	struct kslab_layout l;
	unsigned long bytes;

	KUNIT_ASSERT_EQ(test, 0, kslab_layout_compute(size, align, debug, &l));
	bytes = PAGE_SIZE << l.order;
	KUNIT_EXPECT_EQ(test, 0, l.stride % l.align);
	KUNIT_EXPECT_EQ(test, 0, l.offset % l.align);
	KUNIT_EXPECT_GE(test, l.align, max_t(unsigned int, align, sizeof(void *)));
	KUNIT_EXPECT_GE(test, l.stride, l.offset + size);
	KUNIT_EXPECT_LE(test, l.order, max_t(unsigned int, KSLAB_MAX_ORDER, get_order(l.stride)));
	KUNIT_EXPECT_GE(test, l.objects, 1U);
	KUNIT_EXPECT_LE(test, l.objects, U16_MAX + 1U);
	KUNIT_EXPECT_EQ(test, bytes, (unsigned long)l.objects * l.stride + l.waste);
	KUNIT_EXPECT_LT(test, l.waste, l.stride);
	if (!debug) {
		KUNIT_EXPECT_LT(test, l.stride - size, l.align);
		KUNIT_EXPECT_EQ(test, 0, l.offset);
		KUNIT_EXPECT_EQ(test, 0, l.meta);
		return;
	}
	/* Both red zones at least KSLAB_REDZONE, state word in the slot. */
	KUNIT_EXPECT_GE(test, l.offset, KSLAB_REDZONE);
	KUNIT_EXPECT_GE(test, l.meta, l.offset + size + KSLAB_REDZONE);
	KUNIT_EXPECT_LE(test, l.meta + KSLAB_STATE_SIZE, l.stride);
	KUNIT_EXPECT_EQ(test, 0, l.meta % sizeof(long));
}

static void layout_test_invariants(struct kunit *test)
{
	unsigned int size, align;

	for (size = KSLAB_SIZE_MIN; size <= KSLAB_SIZE_MAX;
	     size += size < 512 ? 8 : size / 8) {
		for (align = 0; align <= PAGE_SIZE; align = align ? align * 2 : 8) {
			layout_check(test, size, align, false);
			layout_check(test, size, align, true);
		}
	}
}

struct layout_case {
	unsigned int size, align, order, objects;
};

/* Expected layouts with 4 KiB pages and KSLAB_MIN_OBJECTS. */
static const struct layout_case layout_cases[] = {
	{ 8, 0, 0, 512 },
	{ 64, 0, 0, 64 },
	{ 64, 64, 0, 64 },
	{ 100, 0, 0, 39 },
	{ 192, 64, 0, 21 },
	{ 512, 0, 1, 16 },
	{ 1024, 0, 2, 16 },
	{ 4096, 0, 4, 16 },
	{ 65536, 0, 4, 1 },
	{ 8, 4096, 4, 16 },
};

static void layout_test_known(struct kunit *test)
{
	unsigned int i;

	if (PAGE_SIZE != 4096)
		kunit_skip(test, "expected values assume 4 KiB pages");
	for (i = 0; i < ARRAY_SIZE(layout_cases); i++) {
		const struct layout_case *c = &layout_cases[i];
		struct kslab_layout l;

		KUNIT_ASSERT_EQ(test, 0, __kslab_layout_compute(c->size, c->align,
								false, KSLAB_MIN_OBJECTS,
								&l));
		KUNIT_EXPECT_EQ_MSG(test, c->order, l.order, "size %u align %u",
				    c->size, c->align);
		KUNIT_EXPECT_EQ_MSG(test, c->objects, l.objects, "size %u align %u",
				    c->size, c->align);
	}
}

static void layout_test_rejects(struct kunit *test)
{
	struct kslab_layout l;

	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(0, 0, false, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(7, 0, false, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			kslab_layout_compute(KSLAB_SIZE_MAX + 1, 0, false, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(64, 3, true, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(64, 48, false, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(64, PAGE_SIZE * 2, false, &l));
}

/*
 * SLUB's objects per slab for @size on this machine, measured: allocate
 * enough objects from a fresh unmerged kmem_cache to fill two slabs and
 * count the most that share one folio.
 */
static unsigned int slub_objects_per_slab(struct kunit *test, unsigned int size)
{
	unsigned int n = 2 * max(32768 / size, 1U) + 2, i, j, best = 0;
	struct kmem_cache *s;
	void **objs;

	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	s = kmem_cache_create("kslab-test-slub", size, 0, SLAB_NO_MERGE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	migrate_disable();
	for (i = 0; i < n; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	migrate_enable();
	for (i = 0; i < n; i++) {
		unsigned int same = 0;

		for (j = 0; j < n && objs[i]; j++)
			same += objs[j] && virt_to_folio(objs[j]) == virt_to_folio(objs[i]);
		best = max(best, same);
	}
	for (i = 0; i < n; i++)
		if (objs[i])
			kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
	return best;
}

/* kslab slabs hold at least as many objects as SLUB's for these sizes. */
static void layout_test_vs_slub(struct kunit *test)
{
	static const unsigned int sizes[] = { 64, 512, 1024, 65536 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int slub = slub_objects_per_slab(test, sizes[i]);
		struct kslab_layout l;

		KUNIT_ASSERT_EQ(test, 0, kslab_layout_compute(sizes[i], 0, false, &l));
		kunit_info(test, "size %u: kslab %u objects (order %u), SLUB %u\n",
			   sizes[i], l.objects, l.order, slub);
		KUNIT_EXPECT_GE(test, l.objects, slub);
	}
}

static struct kunit_case layout_test_cases[] = {
	KUNIT_CASE(layout_test_invariants),
	KUNIT_CASE(layout_test_known),
	KUNIT_CASE(layout_test_rejects),
	KUNIT_CASE(layout_test_vs_slub),
	{}
};

static struct kunit_suite layout_test_suite = {
	.name = "kslab_layout",
	.test_cases = layout_test_cases,
};

kunit_test_suite(layout_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for kslab");
MODULE_LICENSE("GPL");
