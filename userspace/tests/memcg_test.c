// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: a memory cgroup bounds what a session makes kslab hold. The
 * test process moves itself into a cgroup2 group with memory.max set:
 * creating caches charges their metadata to the group; at the limit RENT
 * answers -ENOMEM (no OOM kill); memory pressure inside the group makes
 * kslab give back the free objects it holds; after the session ends the
 * group's memory.current is back where it started. SKIPs without the
 * memory controller.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("makes a cgroup2 group");

#define CG		"/sys/fs/cgroup"
#define GROUP		CG "/kslab-memcg"
#define NR_CACHES	8
/* What the per-CPU memcg stocks may hold: 64 pages a CPU, 2 CPUs. */
#define SLACK		(2 * 64 * 4096L)
#define OBJ		1024
#define BATCH		256
#define LOCKED_CAP	8192

static long cg_read(const char *file)
{
	char path[128];

	snprintf(path, sizeof(path), GROUP "/%s", file);
	return read_long(path);
}

/* A key of a flat keyed file such as memory.events. */
static long cg_key(const char *file, const char *key)
{
	char path[128], name[64];
	long value = -1, v;
	FILE *f;

	snprintf(path, sizeof(path), GROUP "/%s", file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %ld", name, &v) == 2)
		if (!strcmp(name, key))
			value = v;
	fclose(f);
	return value;
}

static int cg_write_long(const char *file, long value)
{
	char path[128];

	snprintf(path, sizeof(path), GROUP "/%s", file);
	return write_long(path, value);
}

/* cgroup2 with the memory controller, and a group of our own; or 0. */
static int cgroup_setup(void)
{
	char buf[256] = "";
	int fd;

	if (access(CG "/cgroup.controllers", R_OK) &&
	    mount("none", CG, "cgroup2", 0, NULL))
		return -errno;
	fd = open(CG "/cgroup.controllers", O_RDONLY);
	if (fd < 0)
		return -errno;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	if (!strstr(buf, "memory"))
		return -EOPNOTSUPP;
	write_file(CG "/cgroup.subtree_control", "+memory");
	if (mkdir(GROUP, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static long stats_pages(int fd, int id)
{
	struct kslab_stats st;

	return kslab_dev_stats(fd, id, &st) ? -1 : (long)st.pages;
}

/* The kernel's release as major * 100 + minor. */
static int kernel_version(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

FIXTURE(memcg) {
	int fd;
	long c0, oom0;
	char name[KSLAB_NAME_MAX];
	char pid[32];
	uint64_t *h;
};

FIXTURE_SETUP(memcg)
{
	int ret = cgroup_setup();

	self->fd = -1;
	self->h = NULL;
	if (ret)
		SKIP(return, "no cgroup2 memory controller: %s", strerror(-ret));
	self->h = calloc(LOCKED_CAP * 2, sizeof(*self->h));
	ASSERT_NE(NULL, self->h);
	snprintf(self->pid, sizeof(self->pid), "%d", getpid());
	ASSERT_EQ(0, write_file(GROUP "/cgroup.procs", self->pid));
	ASSERT_EQ(0, cg_write_long("memory.max", 1L << 30));
	self->oom0 = cg_key("memory.events", "oom_kill");
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	self->c0 = cg_read("memory.current");
	ASSERT_LT(0, self->c0);
}

FIXTURE_TEARDOWN(memcg)
{
	if (self->fd >= 0)
		kslab_dev_close(self->fd);
	if (self->h)
		write_file(CG "/cgroup.procs", self->pid);
	free(self->h);
}

/* A kslab-locked cache of OBJ-byte objects with a LOCKED_CAP magazine. */
static int locked_cache(FIXTURE_DATA(memcg) *self)
{
	struct kslab_cache_create req = {
		.backend = KSLAB_BACKEND_LOCKED,
		.object_size = OBJ,
		.capacity = LOCKED_CAP,
		.name = (uintptr_t)test_name(self->name, sizeof(self->name),
					     "l"),
	};

	return kslab_dev_cache_create_args(self->fd, &req);
}

/* Rent until RENT fails or @max objects; returns how many, *@err the end. */
static int rent_until(FIXTURE_DATA(memcg) *self, int id, int max, int *err)
{
	int rented = 0, n = 0;

	while (rented + BATCH <= max) {
		n = kslab_dev_rent(self->fd, id, self->h + rented, BATCH);
		if (n < 0)
			break;
		rented += n;
	}
	*err = n < 0 ? n : 0;
	return rented;
}

static int return_all(FIXTURE_DATA(memcg) *self, int id, int rented)
{
	int i, n;

	for (i = 0; i < rented; i += n) {
		n = kslab_dev_return(self->fd, id, self->h + i,
				     rented - i < KSLAB_BATCH_MAX ?
				     rented - i : KSLAB_BATCH_MAX);
		if (n <= 0)
			return n;
	}
	return 0;
}

/*
 * Caches charge their metadata: here the shared magazine of kslab-locked
 * caches, 512 KiB each at the largest capacity. Charges reach
 * memory.current in batches of up to 64 pages per CPU (the memcg stock),
 * hence the large amounts.
 */
TEST_F(memcg, metadata_is_charged)
{
	struct kslab_cache_create req = { 0 };
	int ids[NR_CACHES], i;
	long c1;

	for (i = 0; i < NR_CACHES; i++) {
		req.backend = KSLAB_BACKEND_LOCKED;
		req.object_size = 64;
		req.capacity = KSLAB_CAPACITY_MAX;
		req.name = (uintptr_t)test_name(self->name, sizeof(self->name),
						"m");
		ids[i] = kslab_dev_cache_create_args(self->fd, &req);
		ASSERT_LT(0, ids[i]);
	}
	c1 = cg_read("memory.current");
	EXPECT_LE(NR_CACHES * (KSLAB_CAPACITY_MAX * 8L) - SLACK, c1 - self->c0)
		TH_LOG("%d caches charged %ld bytes", NR_CACHES, c1 - self->c0);
	for (i = 0; i < NR_CACHES; i++)
		EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, ids[i]));
}

/*
 * At the limit RENT is -ENOMEM, and nothing is OOM-killed. The test's own
 * files are opened before: at the limit, opening one (a struct file is
 * charged) would OOM the group itself.
 */
TEST_F(memcg, limit_is_enomem)
{
	int id = locked_cache(self), rented, err;
	int maxfd = open(GROUP "/memory.max", O_WRONLY);
	char buf[32];

	ASSERT_LT(0, id);
	ASSERT_LE(0, maxfd);
	snprintf(buf, sizeof(buf), "%ld",
		 cg_read("memory.current") + (12L << 20));
	ASSERT_LT(0, write(maxfd, buf, strlen(buf)));
	rented = rent_until(self, id, LOCKED_CAP * 2, &err);
	/* No room for our own reads at the limit: lift it first. */
	ASSERT_LT(0, write(maxfd, "max", 3));
	close(maxfd);
	EXPECT_EQ(-ENOMEM, err) TH_LOG("RENT at the limit: %s", strerror(-err));
	EXPECT_LE(8L << 20, (long)rented * OBJ)
		TH_LOG("rented %d objects before the limit", rented);
	EXPECT_EQ(self->oom0, cg_key("memory.events", "oom_kill"));
	EXPECT_EQ(0, return_all(self, id, rented));
}

/* Pressure in the group makes kslab give back the free objects it holds. */
TEST_F(memcg, pressure_takes_back)
{
	int id, rented, err;
	long pages, cur, anon, left;
	char *mem;

	if (kernel_version() < 608)
		SKIP(return, "kslab's shrinker is memcg-aware from 6.8 (list_lru_add() with a memcg)");
	id = locked_cache(self);
	ASSERT_LT(0, id);
	rented = rent_until(self, id, LOCKED_CAP, &err);
	ASSERT_EQ(LOCKED_CAP, rented) TH_LOG("RENT: %s", strerror(-err));
	ASSERT_EQ(0, return_all(self, id, rented));
	pages = stats_pages(self->fd, id);
	ASSERT_LT(1024, pages) TH_LOG("kslab holds %ld pages", pages);
	cur = cg_read("memory.current");
	/* Room for 2 MiB; touch 2 MiB and half of what kslab holds. */
	anon = (2L << 20) + pages * 4096 / 2;
	mem = mmap(NULL, anon, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, cg_write_long("memory.max", cur + (2L << 20)));
	memset(mem, 1, anon);
	munmap(mem, anon);
	ASSERT_EQ(0, cg_write_long("memory.max", 1L << 30));
	left = stats_pages(self->fd, id);
	EXPECT_GT(pages / 2, left) TH_LOG("kslab still holds %ld of %ld pages",
					  left, pages);
	EXPECT_EQ(self->oom0, cg_key("memory.events", "oom_kill"));
}

/* The session gone, the group is back where it started. */
TEST_F(memcg, session_end_uncharges)
{
	int id = locked_cache(self), rented, err, i;
	long cur = 0;

	ASSERT_LT(0, id);
	rented = rent_until(self, id, LOCKED_CAP / 2, &err);
	ASSERT_EQ(LOCKED_CAP / 2, rented);
	ASSERT_EQ(0, return_all(self, id, rented / 2));
	kslab_dev_close(self->fd);
	self->fd = -1;
	for (i = 0; i < 50; i++) {
		cur = cg_read("memory.current");
		if (cur <= self->c0 + SLACK)
			break;
		usleep(100 * 1000);
	}
	EXPECT_GE(self->c0 + SLACK, cur)
		TH_LOG("memory.current %ld, was %ld", cur, self->c0);
}

TEST_HARNESS_MAIN
