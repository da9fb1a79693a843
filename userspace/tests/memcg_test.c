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

#include "kselftest_harness.h"

#include "kslab_test.h"

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
	char path[128], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), GROUP "/%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
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

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int cg_write_long(const char *file, long value)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), GROUP "/%s", file);
	snprintf(buf, sizeof(buf), "%ld", value);
	return write_str(path, buf);
}

/* cgroup2 with the memory controller, and a group of our own; or 0. */
static int memcg_setup(void)
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
	write_str(CG "/cgroup.subtree_control", "+memory");
	if (mkdir(GROUP, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static long stats_pages(int fd, int id)
{
	struct kslab_stats st;

	return kslab_dev_stats(fd, id, &st) ? -1 : (long)st.pages;
}

TEST(memcg_bounds_a_session)
{
	uint64_t *h = calloc(LOCKED_CAP * 2, sizeof(*h));
	struct kslab_cache_create req = { 0 };
	char name[KSLAB_NAME_MAX], pid[32];
	long c0, c1, cur, pages, oom0, anon;
	int fd, ids[NR_CACHES], locked, i, n, rented = 0, ret;
	char *mem;

	ASSERT_NE(NULL, h);
	ret = memcg_setup();
	if (ret)
		SKIP(return, "no cgroup2 memory controller: %s", strerror(-ret));
	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, write_str(GROUP "/cgroup.procs", pid));
	ASSERT_EQ(0, cg_write_long("memory.max", 1L << 30));
	oom0 = cg_key("memory.events", "oom_kill");
	fd = kslab_dev_open(NULL);
	ASSERT_LE(0, fd);
	c0 = cg_read("memory.current");
	ASSERT_LT(0, c0);

	/*
	 * 1. Caches charge their metadata: here the shared magazine of
	 * kslab-locked caches, 512 KiB each at the largest capacity. Charges
	 * reach memory.current in batches of up to 64 pages per CPU (the
	 * memcg stock), hence the large amounts.
	 */
	for (i = 0; i < NR_CACHES; i++) {
		req.backend = KSLAB_BACKEND_LOCKED;
		req.object_size = 64;
		req.capacity = KSLAB_CAPACITY_MAX;
		req.name = (uintptr_t)test_name(name, sizeof(name), "m");
		ids[i] = kslab_dev_cache_create_args(fd, &req);
		ASSERT_LT(0, ids[i]);
	}
	c1 = cg_read("memory.current");
	EXPECT_LE(NR_CACHES * (KSLAB_CAPACITY_MAX * 8L) - SLACK, c1 - c0)
		TH_LOG("%d caches charged %ld bytes", NR_CACHES, c1 - c0);
	for (i = 0; i < NR_CACHES; i++)
		EXPECT_EQ(0, kslab_dev_cache_destroy(fd, ids[i]));

	/* 2. At the limit RENT is -ENOMEM, and nothing is OOM-killed. */
	req.backend = KSLAB_BACKEND_LOCKED;
	req.object_size = OBJ;
	req.magazine_size = 0;
	req.capacity = LOCKED_CAP;
	req.name = (uintptr_t)test_name(name, sizeof(name), "l");
	locked = kslab_dev_cache_create_args(fd, &req);
	ASSERT_LT(0, locked);
	ASSERT_EQ(0, cg_write_long("memory.max",
				   cg_read("memory.current") + (12L << 20)));
	for (;;) {
		n = kslab_dev_rent(fd, locked, h + rented, BATCH);
		if (n < 0)
			break;
		rented += n;
		ASSERT_GE(LOCKED_CAP * 2, rented + BATCH);
	}
	EXPECT_EQ(-ENOMEM, n) TH_LOG("RENT at the limit: %s", strerror(-n));
	EXPECT_LE(8L << 20, (long)rented * OBJ)
		TH_LOG("rented %d objects before the limit", rented);
	EXPECT_EQ(oom0, cg_key("memory.events", "oom_kill"));

	/* 3. Pressure in the group makes kslab give back what it holds. */
	for (i = 0; i < rented; i += n) {
		n = kslab_dev_return(fd, locked, h + i,
				     rented - i < KSLAB_BATCH_MAX ?
				     rented - i : KSLAB_BATCH_MAX);
		ASSERT_LT(0, n);
	}
	pages = stats_pages(fd, locked);
	ASSERT_LT(1024, pages) TH_LOG("kslab holds %ld pages", pages);
	cur = cg_read("memory.current");
	anon = cg_read("memory.max") - cur + pages * 4096 / 2;
	mem = mmap(NULL, anon, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memset(mem, 1, anon);
	EXPECT_GT(pages / 2, stats_pages(fd, locked))
		TH_LOG("kslab still holds %ld of %ld pages",
		       stats_pages(fd, locked), pages);
	EXPECT_EQ(oom0, cg_key("memory.events", "oom_kill"));
	munmap(mem, anon);

	/* 4. The session gone, the group is back where it started. */
	kslab_dev_close(fd);
	for (i = 0; i < 50; i++) {
		cur = cg_read("memory.current");
		if (cur <= c0 + SLACK)
			break;
		usleep(100 * 1000);
	}
	EXPECT_GE(c0 + SLACK, cur) TH_LOG("memory.current %ld, was %ld",
					  cur, c0);
	write_str(CG "/cgroup.procs", pid);
	free(h);
}

TEST_HARNESS_MAIN
