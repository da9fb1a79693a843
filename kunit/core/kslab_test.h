/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kslab KUnit suites.
 */
#ifndef _KSLAB_KUNIT_TEST_H
#define _KSLAB_KUNIT_TEST_H

#include <kunit/test.h>

#include "core/internal.h"

struct kslab_cache *test_cache(struct kunit *test, unsigned int size,
			       unsigned int align, unsigned int flags,
			       unsigned int magazine_size);
u64 test_stat(struct kslab_cache *cache, enum kslab_counter item);
void test_stats(struct kslab_cache *cache, struct kslab_cache_stats *st);
void test_expect_idle(struct kunit *test, struct kslab_cache *cache);

#endif /* _KSLAB_KUNIT_TEST_H */
