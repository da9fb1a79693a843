// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: the ioctl ABI itself, for every command: bad argument
 * pointers, the size field of extensible structs, reserved fields, the
 * size encoded in the command number, NOP and the VERSION bitmap.
 */
#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("BENCH needs CAP_SYS_ADMIN");

static const unsigned long ioc[KSLAB_CMD_NR] = KSLAB_IOCTL_CMDS;

/* The first size of each extensible struct; 0: not extensible. */
static const unsigned int size_ver0[KSLAB_CMD_NR] = {
	[KSLAB_CMD_CACHE_CREATE] = KSLAB_CACHE_CREATE_SIZE_VER0,
	[KSLAB_CMD_CACHE_DESTROY] = KSLAB_CACHE_DESTROY_SIZE_VER0,
	[KSLAB_CMD_CACHE_TUNE] = KSLAB_CACHE_TUNE_SIZE_VER0,
	[KSLAB_CMD_RENT] = KSLAB_BATCH_SIZE_VER0,
	[KSLAB_CMD_RETURN] = KSLAB_BATCH_SIZE_VER0,
	[KSLAB_CMD_OBJ_WRITE] = KSLAB_OBJ_IO_SIZE_VER0,
	[KSLAB_CMD_OBJ_READ] = KSLAB_OBJ_IO_SIZE_VER0,
	[KSLAB_CMD_STATS] = KSLAB_STATS_SIZE_VER0,
	[KSLAB_CMD_BENCH] = KSLAB_BENCH_SIZE_VER0,
};

FIXTURE(abi) {
	int fd;
	int id;
	char name[KSLAB_NAME_MAX];
};

FIXTURE_SETUP(abi)
{
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	self->id = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
					  test_name(self->name,
						    sizeof(self->name), "abi"),
					  64, 0);
	ASSERT_LT(0, self->id);
}

FIXTURE_TEARDOWN(abi)
{
	kslab_dev_close(self->fd);
}

TEST_F(abi, version_lists_every_command)
{
	struct kslab_version ver;
	unsigned int nr;

	ASSERT_EQ(0, kslab_dev_version(self->fd, &ver));
	for (nr = 0; nr < KSLAB_CMD_NR; nr++)
		EXPECT_TRUE(ver.commands >> nr & 1) TH_LOG("command %u", nr);
}

TEST_F(abi, nop)
{
	EXPECT_EQ(0, kslab_dev_nop(self->fd));
	EXPECT_EQ(0, kslab_dev_ioctl(self->fd, KSLAB_IOC_NOP, KERNEL_PTR));
}

/* Every command with a struct: -EFAULT for an argument it cannot read. */
TEST_F(abi, bad_argument_pointer)
{
	void *bad[] = { NULL, KERNEL_PTR, prot_none_page(), UNMAPPED_PTR };
	unsigned int nr, j;

	for (nr = 0; nr < KSLAB_CMD_NR; nr++) {
		if (!_IOC_SIZE(ioc[nr]))	/* NOP */
			continue;
		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			const char *name = kslab_cmd_name(nr);
			void *p = bad[j];

			EXPECT_EQ(-EFAULT,
				  kslab_dev_ioctl(self->fd, ioc[nr], p))
				TH_LOG("%s %p", name, p);
		}
	}
}

/* A struct that starts in readable memory and runs into PROT_NONE. */
TEST_F(abi, argument_crosses_into_prot_none)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = guarded_page();
	unsigned int nr;

	ASSERT_NE(NULL, p);
	for (nr = 0; nr < KSLAB_CMD_NR; nr++) {
		const char *name = kslab_cmd_name(nr);
		char *arg = p + page - 8;

		if (!size_ver0[nr])
			continue;
		memset(arg, 0, 8);
		*(__u32 *)arg = size_ver0[nr];
		EXPECT_EQ(-EFAULT, kslab_dev_ioctl(self->fd, ioc[nr], arg))
			TH_LOG("%s", name);
	}
}

/* size smaller than version 0 of the struct: -EINVAL. */
TEST_F(abi, size_too_small)
{
	__u32 buf[128] = {};
	unsigned int nr;

	for (nr = 0; nr < KSLAB_CMD_NR; nr++) {
		const char *name = kslab_cmd_name(nr);
		unsigned int sizes[] = { 0, 4, size_ver0[nr] - 8 };
		unsigned int j;

		if (!size_ver0[nr])
			continue;
		for (j = 0; j < 3; j++) {
			unsigned int size = sizes[j];

			buf[0] = size;
			EXPECT_EQ(-EINVAL,
				  kslab_dev_ioctl(self->fd, ioc[nr], buf))
				TH_LOG("%s size %u", name, size);
		}
	}
}

/* Larger than a page, or nonzero bytes past the known struct: -E2BIG. */
TEST_F(abi, size_too_big)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *buf = calloc(1, 2 * page);
	unsigned int nr;

	ASSERT_NE(NULL, buf);
	for (nr = 0; nr < KSLAB_CMD_NR; nr++) {
		const char *name = kslab_cmd_name(nr);
		/* the struct as this ABI knows it: BENCH has grown since */
		unsigned int size = nr == KSLAB_CMD_BENCH ?
				    sizeof(struct kslab_bench) : size_ver0[nr];

		if (!size)
			continue;
		memset(buf, 0, 2 * page);
		*(__u32 *)buf = page + 8;
		EXPECT_EQ(-E2BIG, kslab_dev_ioctl(self->fd, ioc[nr], buf))
			TH_LOG("%s", name);
		*(__u32 *)buf = size + 16;
		buf[size + 15] = 1;
		EXPECT_EQ(-E2BIG, kslab_dev_ioctl(self->fd, ioc[nr], buf))
			TH_LOG("%s", name);
	}
	free(buf);
}

/*
 * A caller built with a larger struct (zero tail) is served, whatever
 * size its command number encodes.
 */
TEST_F(abi, larger_struct_with_zero_tail)
{
	struct {
		struct kslab_stats st;
		__u64 tail[4];
	} big = {};
	unsigned long cmd = _IOC(_IOC_READ | _IOC_WRITE, KSLAB_IOC_MAGIC,
				 KSLAB_IOC_BASE + KSLAB_CMD_STATS, sizeof(big));
	uint64_t h;

	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id, &h, 1));
	big.st.size = sizeof(big);
	big.st.cache_id = self->id;
	ASSERT_EQ(0, kslab_dev_ioctl(self->fd, cmd, &big));
	EXPECT_EQ(sizeof(big), big.st.size);
	EXPECT_EQ(1, big.st.active_objects);
	EXPECT_EQ(0, big.tail[0]);
	EXPECT_EQ(0, big.tail[3]);
	/* The size in the number does not matter; the size field does. */
	cmd = _IOC(_IOC_READ | _IOC_WRITE, KSLAB_IOC_MAGIC,
		   KSLAB_IOC_BASE + KSLAB_CMD_STATS, 8);
	EXPECT_EQ(0, kslab_dev_ioctl(self->fd, cmd, &big));
}

TEST_F(abi, batch_reserved)
{
	struct kslab_batch b = {
		.size = sizeof(b),
		.cache_id = self->id,
		.count = 1,
		.reserved = 1,
	};
	uint64_t h = 0;

	b.handles = (uintptr_t)&h;
	EXPECT_EQ(-EINVAL, kslab_dev_ioctl(self->fd, KSLAB_IOC_RENT, &b));
	EXPECT_EQ(0, active_objects(self->fd, self->id));
	EXPECT_EQ(-EINVAL, kslab_dev_ioctl(self->fd, KSLAB_IOC_RETURN, &b));
	b.reserved = 0;
	EXPECT_EQ(1, kslab_dev_ioctl(self->fd, KSLAB_IOC_RENT, &b));
	EXPECT_EQ(1, kslab_dev_ioctl(self->fd, KSLAB_IOC_RETURN, &b));
}

/* Handles are tokens, not kernel addresses. */
TEST_F(abi, handles_are_not_addresses)
{
	uint64_t h[64];
	int i;

	ASSERT_EQ(64, kslab_dev_rent(self->fd, self->id, h, 64));
	for (i = 0; i < 64; i++) {
		unsigned long long handle = h[i];

		EXPECT_NE(0xffff, handle >> 48) TH_LOG("handle %#llx", handle);
	}
	EXPECT_EQ(64, kslab_dev_return(self->fd, self->id, h, 64));
}

/*
 * BENCH takes no object larger than a cache may hold, for any pattern: the
 * empty pattern once allocated object_size bytes unchecked (a 4 GiB
 * kzalloc, a page-allocator WARNING).
 */
TEST_F(abi, bench_object_size_bounded)
{
	unsigned int pattern;

	for (pattern = 0; pattern < KSLAB_BENCH_NR; pattern++) {
		struct kslab_bench b = {
			.size = sizeof(b),
			.backend = KSLAB_BACKEND_KMALLOC,
			.object_size = KSLAB_OBJECT_SIZE_MAX + 1,
			.pattern = pattern,
			.iterations = 1,
			.batch = 1,
		};
		unsigned int sizes[] = { KSLAB_OBJECT_SIZE_MAX + 1, ~0U };
		unsigned int i;

		for (i = 0; i < 2; i++) {
			b.object_size = sizes[i];
			EXPECT_EQ(-EINVAL, kslab_dev_ioctl(self->fd,
							   KSLAB_IOC_BENCH, &b))
				TH_LOG("pattern %u object_size %u", pattern, sizes[i]);
		}
	}
}

/*
 * BENCH's out fields are outputs only: a struct run twice reports the
 * second run alone, and patterns without a pool report no pool figures
 * whatever the caller left in them.
 */
TEST_F(abi, bench_out_fields_overwritten)
{
	static const unsigned int patterns[] = {
		KSLAB_BENCH_BURN, KSLAB_BENCH_EMPTY, KSLAB_BENCH_COPY,
	};
	char buf[64] = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		struct kslab_bench b = {
			.size = sizeof(b),
			.backend = KSLAB_BACKEND_KSLAB,
			.object_size = 64,
			.pattern = patterns[i],
			.iterations = 16,
			.user_buf = patterns[i] == KSLAB_BENCH_COPY ?
				    (uintptr_t)buf : 0,
		};
		int run;

		for (run = 0; run < 2; run++) {
			ASSERT_EQ(0, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH,
						     &b));
			EXPECT_EQ(16, b.ops) TH_LOG("pattern %u run %d",
						    patterns[i], run);
			EXPECT_EQ(1, b.nr_threads);
			if (patterns[i] == KSLAB_BENCH_BURN)
				continue;
			EXPECT_EQ(0, b.objects_per_slab);
			EXPECT_EQ(0, b.pages);
			EXPECT_EQ(0, b.pages_shrunk);
			EXPECT_EQ(0, b.slabs_shrunk);
			/* what a caller might leave in them */
			b.objects_per_slab = 1234;
			b.pages = b.pages_shrunk = b.slabs_shrunk = 99;
		}
	}
}

/*
 * BENCH's CPU list (KSLAB_BENCH_SIZE_VER1): any number of CPUs, each
 * online and once, instead of the 64-bit mask; an older caller's struct
 * (without it) still runs.
 */
TEST_F(abi, bench_cpu_list)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	__u32 *all = calloc(online, sizeof(*all));
	__u32 dup[] = { 0, 0 }, far[] = { 1U << 20 };
	struct kslab_bench b = {
		.size = sizeof(b),
		.backend = KSLAB_BACKEND_KSLAB,
		.object_size = 64,
		.pattern = KSLAB_BENCH_BURN,
		.iterations = 16,
	};
	long i;

	ASSERT_NE(NULL, all);
	for (i = 0; i < online; i++)
		all[i] = i;
	b.cpus = (uintptr_t)all;
	b.nr_cpus = online;
	ASSERT_EQ(0, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH, &b));
	EXPECT_EQ(online, b.nr_threads);
	EXPECT_EQ(16 * online, b.ops);
	/* the list or the mask, not both */
	b.cpu_mask = 1;
	EXPECT_EQ(-EINVAL, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH, &b));
	b.cpu_mask = 0;
	b.cpus = (uintptr_t)dup;
	b.nr_cpus = 2;
	EXPECT_EQ(-EINVAL, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH, &b));
	b.cpus = (uintptr_t)far;
	b.nr_cpus = 1;
	EXPECT_EQ(-EINVAL, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH, &b));
	b.cpus = (uintptr_t)UNMAPPED_PTR;
	EXPECT_EQ(-EFAULT, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH, &b));
	b.cpus = 0;
	EXPECT_EQ(-EINVAL, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH, &b));
	b.nr_cpus = 0;
	b.reserved2 = 1;
	EXPECT_EQ(-EINVAL, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH, &b));
	/* a caller built before the list: its struct ends before it */
	b.reserved2 = 0;
	b.size = KSLAB_BENCH_SIZE_VER0;
	EXPECT_EQ(0, kslab_dev_ioctl(self->fd, KSLAB_IOC_BENCH, &b));
	EXPECT_EQ(16, b.ops);
	free(all);
}

TEST_HARNESS_MAIN
