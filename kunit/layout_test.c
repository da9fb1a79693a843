// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: slab layout math (kmod/layout.c) for sizes 8 B .. 64 KiB and every
 * alignment up to PAGE_SIZE.
 */
#include <kunit/test.h>
#include <linux/mm.h>

#include "layout.h"

static void layout_test_invariants(struct kunit *test)
{
	unsigned int size, align;

	for (size = KSLAB_MIN_OBJECT_SIZE; size <= KSLAB_MAX_OBJECT_SIZE;
	     size += size < 512 ? 8 : size / 8) {
		for (align = 0; align <= PAGE_SIZE; align = align ? align * 2 : 8) {
			struct kslab_layout l;
			unsigned long bytes;

			KUNIT_ASSERT_EQ(test, 0, kslab_layout_compute(size, align, &l));
			bytes = PAGE_SIZE << l.order;
			KUNIT_EXPECT_GE(test, l.stride, size);
			KUNIT_EXPECT_EQ(test, 0, l.stride % l.align);
			KUNIT_EXPECT_GE(test, l.align, max_t(unsigned int, align, sizeof(void *)));
			KUNIT_EXPECT_LT(test, l.stride - size, l.align);
			KUNIT_EXPECT_LE(test, l.order, KSLAB_MAX_ORDER);
			KUNIT_EXPECT_GE(test, l.objects, 1U);
			KUNIT_EXPECT_EQ(test, bytes, (unsigned long)l.objects * l.stride + l.waste);
			KUNIT_EXPECT_LT(test, l.waste, l.stride);
		}
	}
}

struct layout_case {
	unsigned int size, align, order, objects;
};

/* Expected layouts with 4 KiB pages; objects >= SLUB's for the same size. */
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
	{ 8, 4096, 3, 8 },
};

static void layout_test_known(struct kunit *test)
{
	unsigned int i;

	if (PAGE_SIZE != 4096)
		kunit_skip(test, "expected values assume 4 KiB pages");
	for (i = 0; i < ARRAY_SIZE(layout_cases); i++) {
		const struct layout_case *c = &layout_cases[i];
		struct kslab_layout l;

		KUNIT_ASSERT_EQ(test, 0, kslab_layout_compute(c->size, c->align, &l));
		KUNIT_EXPECT_EQ_MSG(test, c->order, l.order, "size %u align %u",
				    c->size, c->align);
		KUNIT_EXPECT_EQ_MSG(test, c->objects, l.objects, "size %u align %u",
				    c->size, c->align);
	}
}

static void layout_test_rejects(struct kunit *test)
{
	struct kslab_layout l;

	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(0, 0, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(7, 0, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			kslab_layout_compute(KSLAB_MAX_OBJECT_SIZE + 1, 0, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(64, 3, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(64, 48, &l));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_layout_compute(64, PAGE_SIZE * 2, &l));
}

static struct kunit_case layout_test_cases[] = {
	KUNIT_CASE(layout_test_invariants),
	KUNIT_CASE(layout_test_known),
	KUNIT_CASE(layout_test_rejects),
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
