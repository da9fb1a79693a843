// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: the kernel's shrinkers alone (drop_caches, as memory
 * pressure would) give back every page a kslab cache holds once nothing
 * is rented, at every default size: the per-CPU magazines, the depots,
 * the shared magazine of kslab-locked and the empty slabs.
 */
#include <fcntl.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("writes /proc/sys/vm/drop_caches");

/* Enough rents and returns to fill magazines and depots. */
#define SHRINK_OBJECTS	512

FIXTURE(shrinker) {
	int fd;
	int id;
	char name[KSLAB_NAME_MAX];
};

FIXTURE_VARIANT(shrinker) {
	unsigned int backend;
	unsigned int size;
};

FIXTURE_VARIANT_ADD(shrinker, kslab_64) { KSLAB_BACKEND_KSLAB, 64 };
FIXTURE_VARIANT_ADD(shrinker, kslab_512) { KSLAB_BACKEND_KSLAB, 512 };
FIXTURE_VARIANT_ADD(shrinker, kslab_1k) { KSLAB_BACKEND_KSLAB, 1024 };
FIXTURE_VARIANT_ADD(shrinker, kslab_64k) { KSLAB_BACKEND_KSLAB, 65536 };
FIXTURE_VARIANT_ADD(shrinker, locked_64) { KSLAB_BACKEND_LOCKED, 64 };
FIXTURE_VARIANT_ADD(shrinker, locked_64k) { KSLAB_BACKEND_LOCKED, 65536 };

FIXTURE_SETUP(shrinker)
{
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	self->id = kslab_dev_cache_create(self->fd, variant->backend,
					  test_name(self->name,
						    sizeof(self->name), "s"),
					  variant->size, 0);
	ASSERT_LT(0, self->id) TH_LOG("create: %s", strerror(-self->id));
}

FIXTURE_TEARDOWN(shrinker)
{
	kslab_dev_cache_destroy(self->fd, self->id);
	kslab_dev_close(self->fd);
}

/* Rent and return in rounds; then nothing is rented and pages are held. */
static void fill_and_return(struct __test_metadata *_metadata, int fd, int id)
{
	uint64_t h[64];
	int i, n;

	for (i = 0; i < SHRINK_OBJECTS / 64; i++) {
		n = kslab_dev_rent(fd, id, h, 64);
		ASSERT_EQ(64, n);
		ASSERT_EQ(64, kslab_dev_return(fd, id, h, 64));
	}
}

TEST_F(shrinker, gives_every_page_back)
{
	struct kslab_stats st;

	fill_and_return(_metadata, self->fd, self->id);
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	ASSERT_EQ(0, st.active_objects);
	ASSERT_LT(0, st.pages);
	ASSERT_EQ(0, write_file("/proc/sys/vm/drop_caches", "2"));
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	EXPECT_EQ(0, st.pages) TH_LOG("%s %u B: %llu pages after drop_caches",
				      kslab_backend_name(variant->backend),
				      variant->size,
				      (unsigned long long)st.pages);
	EXPECT_EQ(0, st.slabs);
	/* And the cache works afterwards. */
	fill_and_return(_metadata, self->fd, self->id);
}

TEST_HARNESS_MAIN
