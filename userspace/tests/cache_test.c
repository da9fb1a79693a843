// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: CACHE_CREATE, CACHE_DESTROY, CACHE_TUNE and STATS, with every
 * field's errors: names, sizes, alignment, flags, backends, capacity and
 * reserved fields.
 */
#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("debug caches need CAP_SYS_ADMIN");

FIXTURE(cache) {
	int fd;
	char name[KSLAB_NAME_MAX];
	struct kslab_cache_create req;
};

FIXTURE_SETUP(cache)
{
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	/* A valid request; each test breaks one field. */
	self->req = (struct kslab_cache_create) {
		.backend = KSLAB_BACKEND_KMEM_CACHE,
		.object_size = 64,
		.name = (uintptr_t)test_name(self->name, sizeof(self->name),
					     "c"),
	};
}

FIXTURE_TEARDOWN(cache)
{
	kslab_dev_close(self->fd);
}

TEST_F(cache, create_destroy)
{
	int id = kslab_dev_cache_create_args(self->fd, &self->req);
	int id2;

	ASSERT_LT(0, id);
	EXPECT_EQ(id, self->req.cache_id);
	self->req.name = (uintptr_t)test_name(self->name, sizeof(self->name),
					      "c");
	id2 = kslab_dev_cache_create_args(self->fd, &self->req);
	ASSERT_LT(0, id2);
	EXPECT_NE(id, id2);
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
	EXPECT_EQ(-ENOENT, kslab_dev_cache_destroy(self->fd, id));
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id2));
}

TEST_F(cache, every_backend_in_bitmap)
{
	struct kslab_version ver;
	unsigned int b;

	ASSERT_EQ(0, kslab_dev_version(self->fd, &ver));
	/* The peers that every 6.12 kernel has. */
	EXPECT_TRUE(ver.backends & (1ULL << KSLAB_BACKEND_KMEM_CACHE));
	EXPECT_TRUE(ver.backends & (1ULL << KSLAB_BACKEND_KMALLOC));
	EXPECT_TRUE(ver.backends & (1ULL << KSLAB_BACKEND_MEMPOOL));
	EXPECT_EQ(0, ver.backends >> KSLAB_BACKEND_NR);
	for (b = 0; b < KSLAB_BACKEND_NR; b++) {
		int id;

		self->req.backend = b;
		self->req.name = (uintptr_t)test_name(self->name,
						      sizeof(self->name), "b");
		id = kslab_dev_cache_create_args(self->fd, &self->req);
		if (ver.backends & (1ULL << b)) {
			EXPECT_LT(0, id) TH_LOG("%s: %s", kslab_backend_name(b),
						strerror(-id));
			EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
		} else {
			EXPECT_EQ(-EOPNOTSUPP, id) TH_LOG("%s",
							  kslab_backend_name(b));
		}
	}
}

TEST_F(cache, unknown_backend)
{
	self->req.backend = KSLAB_BACKEND_NR;
	EXPECT_EQ(-EOPNOTSUPP,
		  kslab_dev_cache_create_args(self->fd, &self->req));
	self->req.backend = ~0U;
	EXPECT_EQ(-EOPNOTSUPP,
		  kslab_dev_cache_create_args(self->fd, &self->req));
}

TEST_F(cache, destroy_busy)
{
	int id = kslab_dev_cache_create_args(self->fd, &self->req);
	uint64_t h;

	ASSERT_LT(0, id);
	ASSERT_EQ(1, kslab_dev_rent(self->fd, id, &h, 1));
	EXPECT_EQ(-EBUSY, kslab_dev_cache_destroy(self->fd, id));
	EXPECT_EQ(1, active_objects(self->fd, id));
	EXPECT_EQ(1, kslab_dev_return(self->fd, id, &h, 1));
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
}

TEST_F(cache, destroy_reserved)
{
	struct kslab_cache_destroy req = { .size = sizeof(req) };
	int id = kslab_dev_cache_create_args(self->fd, &self->req);

	ASSERT_LT(0, id);
	req.cache_id = id;
	req.reserved = 1;
	EXPECT_EQ(-EINVAL,
		  kslab_dev_ioctl(self->fd, KSLAB_IOC_CACHE_DESTROY, &req));
	req.reserved = 0;
	EXPECT_EQ(0, kslab_dev_ioctl(self->fd, KSLAB_IOC_CACHE_DESTROY, &req));
	EXPECT_EQ(-ENOENT, kslab_dev_cache_destroy(self->fd, 0));
}

TEST_F(cache, reserved_fields)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		self->req.reserved[i] = 1ULL << 63;
		EXPECT_EQ(-EINVAL,
			  kslab_dev_cache_create_args(self->fd, &self->req))
			TH_LOG("reserved[%u]", i);
		self->req.reserved[i] = 0;
	}
}

TEST_F(cache, object_sizes)
{
	unsigned int bad[] = { 0, 1, KSLAB_OBJECT_SIZE_MIN - 1,
			       KSLAB_OBJECT_SIZE_MAX + 1, ~0U };
	unsigned int good[] = { KSLAB_OBJECT_SIZE_MIN, KSLAB_OBJECT_SIZE_MAX };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int size = bad[i];

		self->req.object_size = size;
		EXPECT_EQ(-EINVAL,
			  kslab_dev_cache_create_args(self->fd, &self->req))
			TH_LOG("size %u", size);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		unsigned int size = good[i];
		int id;

		self->req.object_size = size;
		self->req.name = (uintptr_t)test_name(self->name,
						      sizeof(self->name), "s");
		id = kslab_dev_cache_create_args(self->fd, &self->req);
		EXPECT_LT(0, id) TH_LOG("size %u", size);
		EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
	}
}

TEST_F(cache, alignment)
{
	unsigned int bad[] = { 3, 12, 96, 2 * sysconf(_SC_PAGESIZE), 1U << 31 };
	unsigned int i;
	int id;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int align = bad[i];

		self->req.align = align;
		EXPECT_EQ(-EINVAL,
			  kslab_dev_cache_create_args(self->fd, &self->req))
			TH_LOG("align %u", align);
	}
	self->req.align = sysconf(_SC_PAGESIZE);
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	EXPECT_LT(0, id);
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
}

TEST_F(cache, flags)
{
	unsigned int bad[] = { 1U << 3, 1U << 31,
			       (unsigned int)~KSLAB_CACHE_FLAGS_ALL };
	unsigned int i;
	int id;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int flags = bad[i];

		self->req.flags = flags;
		EXPECT_EQ(-EINVAL,
			  kslab_dev_cache_create_args(self->fd, &self->req))
			TH_LOG("flags %#x", flags);
	}
	self->req.flags = KSLAB_CACHE_FLAGS_ALL;
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	EXPECT_LT(0, id);
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
}

/* What a backend cannot do is -EOPNOTSUPP, not silently ignored. */
TEST_F(cache, backend_cannot_honour)
{
	self->req.backend = KSLAB_BACKEND_KMALLOC;
	self->req.flags = KSLAB_CACHE_DEBUG;
	EXPECT_EQ(-EOPNOTSUPP,
		  kslab_dev_cache_create_args(self->fd, &self->req));
	if (!backend_works(self->fd, KSLAB_BACKEND_OBJPOOL))
		return;
	self->req.backend = KSLAB_BACKEND_OBJPOOL;
	EXPECT_EQ(-EOPNOTSUPP,
		  kslab_dev_cache_create_args(self->fd, &self->req));
	self->req.flags = 0;
	self->req.align = 64;
	EXPECT_EQ(-EOPNOTSUPP,
		  kslab_dev_cache_create_args(self->fd, &self->req));
}

TEST_F(cache, capacity)
{
	int id;

	self->req.capacity = KSLAB_CAPACITY_MAX + 1;
	EXPECT_EQ(-EINVAL, kslab_dev_cache_create_args(self->fd, &self->req));
	self->req.capacity = KSLAB_CAPACITY_MAX;
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	EXPECT_LT(0, id);
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
}

/* objpool holds exactly its capacity: one more rent has no object. */
TEST_F(cache, objpool_capacity)
{
	uint64_t h[8];
	int id;

	if (!backend_works(self->fd, KSLAB_BACKEND_OBJPOOL))
		SKIP(return, "objpool is not in this kernel (VERSION bitmap)");
	self->req.backend = KSLAB_BACKEND_OBJPOOL;
	self->req.capacity = 4;
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	ASSERT_LT(0, id);
	EXPECT_EQ(4, kslab_dev_rent(self->fd, id, h, 8));
	EXPECT_EQ(-ENOMEM, kslab_dev_rent(self->fd, id, h + 4, 1));
	EXPECT_EQ(4, kslab_dev_return(self->fd, id, h, 4));
	EXPECT_EQ(1, kslab_dev_rent(self->fd, id, h, 1));
	EXPECT_EQ(1, kslab_dev_return(self->fd, id, h, 1));
}

TEST_F(cache, names)
{
	char longest[KSLAB_NAME_MAX], too_long[KSLAB_NAME_MAX + 1];
	const char *bad[] = { "", "a b", "a/b", "tab\there", "x\n", too_long };
	unsigned int i;
	int id;

	memset(too_long, 'n', KSLAB_NAME_MAX);
	too_long[KSLAB_NAME_MAX] = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *name = bad[i];

		self->req.name = (uintptr_t)name;
		EXPECT_EQ(-EINVAL,
			  kslab_dev_cache_create_args(self->fd, &self->req))
			TH_LOG("name \"%s\"", name);
	}
	/* KSLAB_NAME_MAX - 1 characters of every kind allowed. */
	memcpy(longest, "abcdefghijklmnopqrstuvwxyzAB._-", KSLAB_NAME_MAX);
	snprintf(longest, 9, "%08d", (int)getpid());
	longest[8] = 'Z';
	self->req.name = (uintptr_t)longest;
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	EXPECT_LT(0, id);
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
}

TEST_F(cache, name_bad_pointer)
{
	void *bad[] = { NULL, KERNEL_PTR, prot_none_page(), UNMAPPED_PTR };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *p = bad[i];

		self->req.name = (uintptr_t)p;
		EXPECT_EQ(-EFAULT,
			  kslab_dev_cache_create_args(self->fd, &self->req))
			TH_LOG("pointer %p", p);
	}
}

/* Names are unique among live caches of every session. */
TEST_F(cache, name_in_use)
{
	int other = kslab_dev_open(NULL);
	int id;

	ASSERT_LE(0, other);
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	ASSERT_LT(0, id);
	EXPECT_EQ(-EEXIST, kslab_dev_cache_create_args(self->fd, &self->req));
	self->req.backend = KSLAB_BACKEND_KMALLOC;
	EXPECT_EQ(-EEXIST, kslab_dev_cache_create_args(other, &self->req));
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
	id = kslab_dev_cache_create_args(other, &self->req);
	EXPECT_LT(0, id);
	EXPECT_EQ(0, kslab_dev_close(other));
	/* Closing the session freed the name. */
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	EXPECT_LT(0, id);
}

TEST_F(cache, tune)
{
	struct kslab_cache_tune req = { .size = sizeof(req) };
	struct kslab_stats st;
	int id;

	id = kslab_dev_cache_create_args(self->fd, &self->req);
	ASSERT_LT(0, id);
	EXPECT_EQ(-EOPNOTSUPP, kslab_dev_cache_tune(self->fd, id, 8));
	EXPECT_EQ(-EINVAL, kslab_dev_cache_tune(self->fd, id, 0));
	EXPECT_EQ(-ENOENT, kslab_dev_cache_tune(self->fd, 0, 8));
	req.cache_id = id;
	req.magazine_size = 8;
	req.reserved = 1;
	EXPECT_EQ(-EINVAL,
		  kslab_dev_ioctl(self->fd, KSLAB_IOC_CACHE_TUNE, &req));
	if (!backend_works(self->fd, KSLAB_BACKEND_KSLAB))
		SKIP(return, "kslab backend is not in this kernel (VERSION bitmap)");
	self->req.backend = KSLAB_BACKEND_KSLAB;
	self->req.name = (uintptr_t)test_name(self->name, sizeof(self->name),
					      "t");
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	ASSERT_LT(0, id);
	EXPECT_EQ(0, kslab_dev_cache_tune(self->fd, id, 8));
	ASSERT_EQ(0, kslab_dev_stats(self->fd, id, &st));
	EXPECT_EQ(8, st.magazine_size);
}

TEST_F(cache, stats_errors)
{
	struct kslab_stats st;
	int id;

	EXPECT_EQ(-ENOENT, kslab_dev_stats(self->fd, 0, &st));
	EXPECT_EQ(-ENOENT, kslab_dev_stats(self->fd, 12345, &st));
	id = kslab_dev_cache_create_args(self->fd, &self->req);
	ASSERT_LT(0, id);
	/* Out fields passed in are overwritten, not trusted. */
	memset(&st, 0xff, sizeof(st));
	st.size = sizeof(st);
	st.cache_id = id;
	ASSERT_EQ(0, kslab_dev_ioctl(self->fd, KSLAB_IOC_STATS, &st));
	EXPECT_EQ(0, st.active_objects);
	EXPECT_EQ(0, st.counters[KSLAB_STAT_RENT]);
	EXPECT_EQ(0, st.counters[KSLAB_STAT_MAX - 1]);
	EXPECT_EQ(64, st.object_size);
}

TEST_HARNESS_MAIN
