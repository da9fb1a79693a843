// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: RENT, RETURN, RENT_ONE, RETURN_ONE, OBJ_WRITE, OBJ_READ and
 * STATS on one cache of
 * every backend the module has: handles, batches, stale and foreign
 * handles, bounds, bad pointers, and what a rented object may show.
 */
#include "kselftest_harness.h"

#include "kslab_test.h"

#define OBJ_SIZE	256

FIXTURE(obj) {
	int fd;
	int id;
};

FIXTURE_VARIANT(obj) {
	unsigned int backend;
};

BACKEND_VARIANTS(obj);

FIXTURE_SETUP(obj)
{
	char name[KSLAB_NAME_MAX];

	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	if (!backend_works(self->fd, variant->backend))
		SKIP(return, "backend %s is not in this kernel (VERSION bitmap)",
		     kslab_backend_name(variant->backend));
	self->id = kslab_dev_cache_create(self->fd, variant->backend,
					  test_name(name, sizeof(name), "obj"),
					  OBJ_SIZE, 0);
	ASSERT_LT(0, self->id) TH_LOG("create: %s", strerror(-self->id));
}

FIXTURE_TEARDOWN(obj)
{
	kslab_dev_close(self->fd);
}

TEST_F(obj, rent_return)
{
	uint64_t h[10];
	int i, j;

	ASSERT_EQ(10, kslab_dev_rent(self->fd, self->id, h, 10));
	for (i = 0; i < 10; i++) {
		EXPECT_NE(0, h[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(h[i], h[j]);
	}
	EXPECT_EQ(10, active_objects(self->fd, self->id));
	EXPECT_EQ(10, kslab_dev_return(self->fd, self->id, h, 10));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
}

/* RENT_ONE's result is the handle: positive, and as good as RENT's. */
TEST_F(obj, one_rent_return)
{
	unsigned char buf[4] = "abc", out[4];
	int64_t h[10];
	int i, j;

	for (i = 0; i < 10; i++) {
		h[i] = kslab_dev_rent_one(self->fd, self->id);
		ASSERT_LT(0, h[i]) TH_LOG("%s", strerror((int)-h[i]));
		EXPECT_EQ(0, (uint64_t)h[i] & ~0xffff7fffffffULL);
		EXPECT_EQ(self->id, (uint64_t)h[i] >> 32);
		for (j = 0; j < i; j++)
			EXPECT_NE(h[i], h[j]);
	}
	EXPECT_EQ(10, active_objects(self->fd, self->id));
	ASSERT_EQ(0, kslab_dev_obj_write(self->fd, self->id, h[3], 0, buf, 3));
	ASSERT_EQ(0, kslab_dev_obj_read(self->fd, self->id, h[3], 0, out, 4));
	EXPECT_EQ(0, memcmp(out, "abc", 4));
	for (i = 0; i < 10; i++)
		EXPECT_EQ(0, kslab_dev_return_one(self->fd, h[i]));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
	for (i = 0; i < 10; i++)
		EXPECT_EQ(-ENOENT, kslab_dev_return_one(self->fd, h[i]));
	EXPECT_EQ(-ENOENT, kslab_dev_obj_read(self->fd, self->id, h[3], 0,
					      out, 1));
}

/* The single and the batched commands share one set of handles. */
TEST_F(obj, one_mixes_with_batch)
{
	uint64_t h[2];

	h[0] = kslab_dev_rent_one(self->fd, self->id);
	ASSERT_LT(0, (int64_t)h[0]);
	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, h + 1, 1));
	EXPECT_EQ(0, kslab_dev_return_one(self->fd, h[1]));
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_return(self->fd, self->id, h, 2));
	EXPECT_EQ(-ENOENT, kslab_dev_return_one(self->fd, h[0]));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
}

/* RETURN_ONE of what names nothing here: -ENOENT, and nothing moves. */
TEST_F(obj, one_bad_handles)
{
	int64_t h = kslab_dev_rent_one(self->fd, self->id);
	/* its own handle with a bit that is always clear set, or another id */
	uint64_t bad[] = { 0, ~0ULL, 1, 1ULL << 63, h | 1ULL << 63,
			   h | 1ULL << 31, h | 1ULL << 48, h ^ 1ULL << 47,
			   (uint32_t)h };
	unsigned int i;

	ASSERT_LT(0, h);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-ENOENT, kslab_dev_return_one(self->fd, bad[i]));
	EXPECT_EQ(-ENOENT, kslab_dev_rent_one(self->fd, 0));
	EXPECT_EQ(-ENOENT, kslab_dev_rent_one(self->fd, ~0U));
	EXPECT_EQ(1, active_objects(self->fd, self->id));
	EXPECT_EQ(0, kslab_dev_return_one(self->fd, h));
}

TEST_F(obj, stats)
{
	struct kslab_stats st;
	uint64_t h[3];

	ASSERT_EQ(3, kslab_dev_rent(self->fd, self->id, h, 3));
	ASSERT_EQ(1, kslab_dev_return(self->fd, self->id, h, 1));
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	EXPECT_EQ(sizeof(st), st.size);
	EXPECT_EQ(self->id, st.cache_id);
	EXPECT_EQ(variant->backend, st.backend);
	EXPECT_EQ(KSLAB_STAT_NR, st.nr_counters);
	EXPECT_EQ(OBJ_SIZE, st.object_size);
	EXPECT_EQ(2, st.active_objects);
	EXPECT_EQ(3, st.counters[KSLAB_STAT_RENT]);
	EXPECT_EQ(1, st.counters[KSLAB_STAT_RETURN]);
	EXPECT_EQ(2, kslab_dev_return(self->fd, self->id, h + 1, 2));
}

/* Peers without a bulk rent API loop, and say so. */
TEST_F(obj, bulk_fallback_counted)
{
	struct kslab_stats st;
	uint64_t h[8];

	ASSERT_EQ(8, kslab_dev_rent(self->fd, self->id, h, 8));
	ASSERT_EQ(8, kslab_dev_return(self->fd, self->id, h, 8));
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	switch (variant->backend) {
	case KSLAB_BACKEND_KMEM_CACHE:
		EXPECT_EQ(0, st.counters[KSLAB_STAT_BULK_FALLBACK]);
		break;
	case KSLAB_BACKEND_KMALLOC:
		EXPECT_EQ(1, st.counters[KSLAB_STAT_BULK_FALLBACK]);
		break;
	case KSLAB_BACKEND_MEMPOOL:
	case KSLAB_BACKEND_OBJPOOL:
		EXPECT_EQ(2, st.counters[KSLAB_STAT_BULK_FALLBACK]);
		break;
	}
}

TEST_F(obj, data_intact)
{
	unsigned char in[OBJ_SIZE], out[OBJ_SIZE];
	uint64_t h[4];
	int i;

	ASSERT_EQ(4, kslab_dev_rent(self->fd, self->id, h, 4));
	for (i = 0; i < 4; i++) {
		memset(in, 0x11 * (i + 1), sizeof(in));
		ASSERT_EQ(0, kslab_dev_obj_write(self->fd, self->id, h[i], 0,
						 in, OBJ_SIZE));
	}
	/* Other rents and returns leave them alone. */
	for (i = 0; i < 20; i++) {
		uint64_t t;

		ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &t, 1));
		ASSERT_EQ(1, kslab_dev_return(self->fd, self->id, &t, 1));
	}
	for (i = 0; i < 4; i++) {
		memset(in, 0x11 * (i + 1), sizeof(in));
		ASSERT_EQ(0, kslab_dev_obj_read(self->fd, self->id, h[i], 0,
						out, OBJ_SIZE));
		EXPECT_EQ(0, memcmp(in, out, OBJ_SIZE)) TH_LOG("object %d", i);
	}
	/* A partial write, read back at its offset. */
	ASSERT_EQ(0, kslab_dev_obj_write(self->fd, self->id, h[0], 100,
					 "kslab", 5));
	ASSERT_EQ(0, kslab_dev_obj_read(self->fd, self->id, h[0], 99, out, 7));
	EXPECT_EQ(0, memcmp(out, "\x11kslab\x11", 7));
	EXPECT_EQ(4, kslab_dev_return(self->fd, self->id, h, 4));
}

/*
 * Fill objects, return them, rent again: what was not written in the new
 * rent reads as zero, wherever the object came from.
 */
TEST_F(obj, unwritten_bytes_read_zero)
{
	unsigned char buf[OBJ_SIZE], zero[OBJ_SIZE] = {};
	uint64_t h[32];
	int i;

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(32, kslab_dev_rent(self->fd, self->id, h, 32));
	for (i = 0; i < 32; i++)
		ASSERT_EQ(0, kslab_dev_obj_write(self->fd, self->id, h[i], 0,
						 buf, OBJ_SIZE));
	ASSERT_EQ(32, kslab_dev_return(self->fd, self->id, h, 32));
	ASSERT_EQ(32, kslab_dev_rent(self->fd, self->id, h, 32));
	for (i = 0; i < 32; i++) {
		ASSERT_EQ(0, kslab_dev_obj_read(self->fd, self->id, h[i], 0,
						buf, OBJ_SIZE));
		EXPECT_EQ(0, memcmp(buf, zero, OBJ_SIZE)) TH_LOG("object %d", i);
	}
	/* A write in the middle: zeros before and after it. */
	ASSERT_EQ(0, kslab_dev_obj_write(self->fd, self->id, h[0], 128,
					 "xy", 2));
	ASSERT_EQ(0, kslab_dev_obj_read(self->fd, self->id, h[0], 0, buf,
					OBJ_SIZE));
	EXPECT_EQ(0, memcmp(buf, zero, 128));
	EXPECT_EQ(0, memcmp(buf + 128, "xy", 2));
	EXPECT_EQ(0, memcmp(buf + 130, zero, OBJ_SIZE - 130));
	EXPECT_EQ(32, kslab_dev_return(self->fd, self->id, h, 32));
}

TEST_F(obj, double_return)
{
	uint64_t h;

	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &h, 1));
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, &h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_return(self->fd, self->id, &h, 1));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
}

TEST_F(obj, stale_handle)
{
	unsigned char c = 1;
	uint64_t old, cur;

	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &old, 1));
	ASSERT_EQ(1, kslab_dev_return(self->fd, self->id, &old, 1));
	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &cur, 1));
	EXPECT_NE(old, cur);
	EXPECT_EQ(-ENOENT, kslab_dev_return(self->fd, self->id, &old, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_obj_write(self->fd, self->id, old, 0,
					       &c, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_obj_read(self->fd, self->id, old, 0,
					      &c, 1));
	EXPECT_EQ(1, active_objects(self->fd, self->id));
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, &cur, 1));
}

TEST_F(obj, bogus_handles)
{
	uint64_t bad[] = { 0, ~0ULL, 1, 0x0001000000100000ULL };
	unsigned char c;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-ENOENT, kslab_dev_return(self->fd, self->id,
						    &bad[i], 1));
		EXPECT_EQ(-ENOENT, kslab_dev_obj_read(self->fd, self->id,
						      bad[i], 0, &c, 1));
	}
}

/* A batch stops at the first bad handle; what follows stays rented. */
TEST_F(obj, return_batch_stops_at_bad_handle)
{
	uint64_t h[3], batch[3];

	ASSERT_EQ(3, kslab_dev_rent(self->fd, self->id, h, 3));
	batch[0] = h[0];
	batch[1] = h[0];
	batch[2] = h[1];
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, batch, 3));
	EXPECT_EQ(2, active_objects(self->fd, self->id));
	EXPECT_EQ(2, kslab_dev_return(self->fd, self->id, h + 1, 2));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
}

TEST_F(obj, handle_of_other_cache)
{
	char name[KSLAB_NAME_MAX];
	unsigned char c = 0;
	uint64_t h;
	int other;

	other = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
				       test_name(name, sizeof(name), "other"),
				       OBJ_SIZE, 0);
	ASSERT_LT(0, other);
	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_return(self->fd, other, &h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_obj_write(self->fd, other, h, 0, &c, 1));
	EXPECT_EQ(1, active_objects(self->fd, self->id));
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, &h, 1));
}

TEST_F(obj, batch_counts)
{
	static uint64_t h[KSLAB_BATCH_MAX + 1];

	EXPECT_EQ(-EINVAL, kslab_dev_rent(self->fd, self->id, h, 0));
	EXPECT_EQ(-EINVAL, kslab_dev_rent(self->fd, self->id, h,
					  KSLAB_BATCH_MAX + 1));
	EXPECT_EQ(-EINVAL, kslab_dev_return(self->fd, self->id, h, 0));
	EXPECT_EQ(-EINVAL, kslab_dev_return(self->fd, self->id, h,
					    KSLAB_BATCH_MAX + 1));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
}

TEST_F(obj, unknown_cache)
{
	uint64_t h;

	EXPECT_EQ(-ENOENT, kslab_dev_rent(self->fd, 0, &h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_rent(self->fd, self->id + 1, &h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_rent(self->fd, ~0U, &h, 1));
}

/* RENT into memory it cannot write: -EFAULT, and nothing stays rented. */
TEST_F(obj, rent_bad_handle_array)
{
	void *bad[] = { NULL, KERNEL_PTR, prot_none_page(), UNMAPPED_PTR };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *p = bad[i];

		EXPECT_EQ(-EFAULT, kslab_dev_rent(self->fd, self->id, p, 4))
			TH_LOG("pointer %p", p);
		EXPECT_EQ(0, active_objects(self->fd, self->id));
	}
	/* Read-only memory. */
	EXPECT_EQ(-EFAULT, kslab_dev_rent(self->fd, self->id,
					  (uint64_t *)"read-only string", 1));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
}

/* A batch whose array runs into a PROT_NONE page rents what fits. */
TEST_F(obj, rent_partial_batch)
{
	unsigned int fit = sysconf(_SC_PAGESIZE) / sizeof(uint64_t);
	uint64_t *h = guarded_page();

	ASSERT_NE(NULL, h);
	EXPECT_EQ(fit, kslab_dev_rent(self->fd, self->id, h, fit + 8));
	EXPECT_EQ(fit, active_objects(self->fd, self->id));
	EXPECT_EQ(fit, kslab_dev_return(self->fd, self->id, h, fit));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
}

TEST_F(obj, return_bad_handle_array)
{
	void *bad[] = { NULL, KERNEL_PTR, prot_none_page(), UNMAPPED_PTR };
	unsigned int i;
	uint64_t h;

	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &h, 1));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *p = bad[i];

		EXPECT_EQ(-EFAULT, kslab_dev_return(self->fd, self->id, p, 1))
			TH_LOG("pointer %p", p);
	}
	EXPECT_EQ(1, active_objects(self->fd, self->id));
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, &h, 1));
}

TEST_F(obj, io_bounds)
{
	unsigned char buf[OBJ_SIZE + 1] = {};
	uint64_t h;

	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &h, 1));
	EXPECT_EQ(0, kslab_dev_obj_write(self->fd, self->id, h, OBJ_SIZE - 1,
					 buf, 1));
	EXPECT_EQ(-EINVAL, kslab_dev_obj_write(self->fd, self->id, h, 0, buf,
					       OBJ_SIZE + 1));
	EXPECT_EQ(-EINVAL, kslab_dev_obj_write(self->fd, self->id, h, OBJ_SIZE,
					       buf, 1));
	EXPECT_EQ(-EINVAL, kslab_dev_obj_write(self->fd, self->id, h, 0,
					       buf, 0));
	EXPECT_EQ(-EINVAL, kslab_dev_obj_write(self->fd, self->id, h, ~0U,
					       buf, 2));
	EXPECT_EQ(-EINVAL, kslab_dev_obj_read(self->fd, self->id, h, 1,
					      buf, OBJ_SIZE));
	EXPECT_EQ(-EINVAL, kslab_dev_obj_read(self->fd, self->id, h, 0,
					      buf, 0));
	EXPECT_EQ(-EINVAL, kslab_dev_obj_read(self->fd, self->id, h, 2,
					      buf, ~0U));
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, &h, 1));
}

TEST_F(obj, io_bad_buffer)
{
	void *bad[] = { NULL, KERNEL_PTR, prot_none_page(), UNMAPPED_PTR };
	unsigned int i;
	uint64_t h;

	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &h, 1));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *p = bad[i];

		EXPECT_EQ(-EFAULT, kslab_dev_obj_write(self->fd, self->id, h, 0,
						       p, 8))
			TH_LOG("pointer %p", p);
		EXPECT_EQ(-EFAULT, kslab_dev_obj_read(self->fd, self->id, h, 0,
						      p, 8))
			TH_LOG("pointer %p", p);
	}
	EXPECT_EQ(-EFAULT, kslab_dev_obj_read(self->fd, self->id, h, 0,
					      (void *)"read-only string", 8));
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, &h, 1));
}

/* A write that faults half-way leaves zeros, not old bytes, after it. */
TEST_F(obj, write_fault_leaves_zeros)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *p = guarded_page(), buf[OBJ_SIZE];
	unsigned char zero[OBJ_SIZE] = {};
	uint64_t h;

	ASSERT_NE(NULL, p);
	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &h, 1));
	ASSERT_EQ(0, kslab_dev_obj_write(self->fd, self->id, h, 0, buf,
					 OBJ_SIZE));
	ASSERT_EQ(1, kslab_dev_return(self->fd, self->id, &h, 1));
	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &h, 1));
	memset(p + page - 16, 0x77, 16);
	EXPECT_EQ(-EFAULT, kslab_dev_obj_write(self->fd, self->id, h, 0,
					       p + page - 16, 64));
	ASSERT_EQ(0, kslab_dev_obj_read(self->fd, self->id, h, 0, buf,
					OBJ_SIZE));
	EXPECT_EQ(0, memcmp(buf + 64, zero, OBJ_SIZE - 64));
	EXPECT_EQ(1, kslab_dev_return(self->fd, self->id, &h, 1));
}

TEST_HARNESS_MAIN
