// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: /sys/kernel/kslab/<name>.<id>/ of the caches made through
 * /dev/kslab (kslab and kslab-locked backends): the figures follow rents,
 * magazine_size tunes, shrink shrinks, each counters/ file equals the
 * STATS counter of its name, the directory goes with CACHE_DESTROY and a
 * file open across the destroy answers -ENODEV; and kslabinfo's report
 * of the same caches. kslabinfo is found next to this program or one
 * directory up (the build tree), or at $KSLABINFO.
 */
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("reads /sys/kernel/kslab files (mode 0400)");

#define SYSFS_DIR	"/sys/kernel/kslab"
#define NR_RENT		100
/* Room for SYSFS_DIR "/<name>.<id>". */
#define DIR_MAX		128

/* The directory of the cache called @name into @dir: 0, or -errno. */
static int cache_dir(const char *name, char *dir, size_t len)
{
	char pattern[PATH_MAX];
	glob_t g;
	int ret;

	snprintf(pattern, sizeof(pattern), SYSFS_DIR "/%s.[0-9]*", name);
	ret = glob(pattern, 0, NULL, &g);
	if (ret == GLOB_NOMATCH)
		return -ENOENT;
	if (ret)
		return -EIO;
	ret = g.gl_pathc == 1 ? 0 : -EEXIST;
	if (!ret)
		snprintf(dir, len, "%s", g.gl_pathv[0]);
	globfree(&g);
	return ret;
}

/* The number in @dir/@file, -errno when it cannot be read. */
static long cache_read(const char *dir, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return read_long(path);
}

/* Write @val to @dir/@file: 0 or -errno. */
static int cache_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, val);
}

FIXTURE(sysfs) {
	int fd;
	int id;
	char name[KSLAB_NAME_MAX];
	char dir[DIR_MAX];
	uint64_t h[NR_RENT];
	int rented;
};

FIXTURE_VARIANT(sysfs) {
	unsigned int backend;
};

FIXTURE_VARIANT_ADD(sysfs, kslab) {
	.backend = KSLAB_BACKEND_KSLAB,
};

FIXTURE_VARIANT_ADD(sysfs, kslab_locked) {
	.backend = KSLAB_BACKEND_LOCKED,
};

FIXTURE_SETUP(sysfs)
{
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	self->id = kslab_dev_cache_create(self->fd, variant->backend,
					  test_name(self->name,
						    sizeof(self->name), "sy"),
					  200, 0);
	ASSERT_LT(0, self->id);
	ASSERT_EQ(0, cache_dir(self->name, self->dir, sizeof(self->dir)))
		TH_LOG("no directory %s/%s.<id>", SYSFS_DIR, self->name);
}

FIXTURE_TEARDOWN(sysfs)
{
	if (self->rented)
		kslab_dev_return(self->fd, self->id, self->h, self->rented);
	kslab_dev_close(self->fd);
}

/* The layout files equal STATS; objects, slabs and total_objects follow rents. */
TEST_F(sysfs, figures_follow_rents)
{
	struct kslab_stats st;
	long per_slab;

	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	EXPECT_EQ(200, cache_read(self->dir, "object_size"));
	EXPECT_EQ(st.stride, cache_read(self->dir, "slab_size"));
	EXPECT_EQ(st.objects_per_slab, cache_read(self->dir, "objs_per_slab"));
	EXPECT_EQ(st.order, cache_read(self->dir, "order"));
	EXPECT_EQ(0, cache_read(self->dir, "objects"));
	per_slab = cache_read(self->dir, "objs_per_slab");
	ASSERT_LT(0, per_slab);

	ASSERT_EQ(NR_RENT, kslab_dev_rent(self->fd, self->id, self->h, NR_RENT));
	self->rented = NR_RENT;
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	EXPECT_EQ(NR_RENT, cache_read(self->dir, "objects"));
	EXPECT_EQ(st.slabs, cache_read(self->dir, "slabs"));
	EXPECT_LE((NR_RENT + per_slab - 1) / per_slab,
		  cache_read(self->dir, "slabs"));
	EXPECT_EQ(cache_read(self->dir, "slabs") * per_slab,
		  cache_read(self->dir, "total_objects"));
	EXPECT_LE(cache_read(self->dir, "partial"),
		  cache_read(self->dir, "slabs"));

	ASSERT_EQ(NR_RENT,
		  kslab_dev_return(self->fd, self->id, self->h, NR_RENT));
	self->rented = 0;
	EXPECT_EQ(0, cache_read(self->dir, "objects"));
}

/*
 * kslab-locked rents one object at a time from the slabs while its shared
 * magazine is empty: on one CPU (one node), one rent makes a partial slab,
 * objs_per_slab rents a full one, one more a second partial one.
 */
TEST(partial)
{
	char name[KSLAB_NAME_MAX], dir[DIR_MAX];
	uint64_t h[NR_RENT];
	long per_slab;
	int fd, id;

	ASSERT_EQ(0, run_on(0));
	fd = kslab_dev_open(NULL);
	ASSERT_LE(0, fd);
	id = kslab_dev_cache_create(fd, KSLAB_BACKEND_LOCKED,
				    test_name(name, sizeof(name), "pa"),
				    200, 0);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, cache_dir(name, dir, sizeof(dir)));
	per_slab = cache_read(dir, "objs_per_slab");
	ASSERT_LT(1, per_slab);
	ASSERT_GE(NR_RENT, per_slab + 1);
	EXPECT_EQ(0, cache_read(dir, "partial"));
	ASSERT_EQ(1, kslab_dev_rent(fd, id, h, 1));
	EXPECT_EQ(1, cache_read(dir, "slabs"));
	EXPECT_EQ(1, cache_read(dir, "partial"));
	ASSERT_EQ(per_slab - 1, kslab_dev_rent(fd, id, h + 1, per_slab - 1));
	EXPECT_EQ(1, cache_read(dir, "slabs"));
	EXPECT_EQ(0, cache_read(dir, "partial"));
	ASSERT_EQ(1, kslab_dev_rent(fd, id, h + per_slab, 1));
	EXPECT_EQ(2, cache_read(dir, "slabs"));
	EXPECT_EQ(1, cache_read(dir, "partial"));
	ASSERT_EQ(per_slab + 1, kslab_dev_return(fd, id, h, per_slab + 1));
	/* the objects went to the shared magazine: the slabs are unchanged */
	EXPECT_EQ(1, cache_read(dir, "partial"));
	kslab_dev_close(fd);
}

TEST_F(sysfs, magazine_size)
{
	struct kslab_stats st;
	long before = cache_read(self->dir, "magazine_size");

	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	if (variant->backend == KSLAB_BACKEND_LOCKED) {
		/*
		 * One shared magazine of a fixed size, the capacity: sysfs
		 * shows the core's figure, STATS 0 (no per-CPU magazine).
		 */
		EXPECT_EQ(0, st.magazine_size);
		EXPECT_EQ(KSLAB_CAPACITY_DEFAULT, before);
		EXPECT_EQ(-EOPNOTSUPP,
			  cache_write(self->dir, "magazine_size", "7"));
		EXPECT_EQ(before, cache_read(self->dir, "magazine_size"));
		return;
	}
	EXPECT_EQ(st.magazine_size, before);
	ASSERT_NE(7, before);
	EXPECT_EQ(0, cache_write(self->dir, "magazine_size", "7"));
	EXPECT_EQ(7, cache_read(self->dir, "magazine_size"));
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	EXPECT_EQ(7, st.magazine_size);
	EXPECT_EQ(1, cache_read(self->dir, "counters/magazine_resize"));
	EXPECT_EQ(-EINVAL, cache_write(self->dir, "magazine_size", "0"));
	EXPECT_EQ(-EINVAL, cache_write(self->dir, "magazine_size", "100000"));
	EXPECT_EQ(-EINVAL, cache_write(self->dir, "magazine_size", "-1"));
	EXPECT_EQ(-EINVAL, cache_write(self->dir, "magazine_size", "seven"));
	EXPECT_EQ(7, cache_read(self->dir, "magazine_size"));
}

TEST_F(sysfs, shrink)
{
	long shrinks = cache_read(self->dir, "counters/shrink");

	ASSERT_LE(0, shrinks);
	ASSERT_EQ(NR_RENT, kslab_dev_rent(self->fd, self->id, self->h, NR_RENT));
	ASSERT_EQ(NR_RENT,
		  kslab_dev_return(self->fd, self->id, self->h, NR_RENT));
	/* the returned objects are cached: the slabs stay */
	EXPECT_LT(0, cache_read(self->dir, "slabs"));
	EXPECT_EQ(0, cache_read(self->dir, "shrink"));
	EXPECT_EQ(-EINVAL, cache_write(self->dir, "shrink", "2"));
	EXPECT_EQ(-EINVAL, cache_write(self->dir, "shrink", "x"));
	EXPECT_EQ(shrinks, cache_read(self->dir, "counters/shrink"));
	EXPECT_EQ(0, cache_write(self->dir, "shrink", "1"));
	EXPECT_EQ(shrinks + 1, cache_read(self->dir, "counters/shrink"));
	EXPECT_EQ(0, cache_read(self->dir, "slabs"));
	EXPECT_EQ(0, cache_read(self->dir, "partial"));
	EXPECT_EQ(0, cache_read(self->dir, "total_objects"));
}

/* Every core counter has a file equal to the STATS counter of its name. */
TEST_F(sysfs, counters_equal_stats)
{
	char file[128];
	struct kslab_stats st;
	unsigned int i, seen = 0;

	ASSERT_EQ(NR_RENT, kslab_dev_rent(self->fd, self->id, self->h, NR_RENT));
	ASSERT_EQ(NR_RENT / 2,
		  kslab_dev_return(self->fd, self->id, self->h, NR_RENT / 2));
	memmove(self->h, self->h + NR_RENT / 2,
		(NR_RENT - NR_RENT / 2) * sizeof(self->h[0]));
	self->rented = NR_RENT - NR_RENT / 2;
	ASSERT_EQ(0, kslab_dev_stats(self->fd, self->id, &st));
	EXPECT_EQ(NR_RENT, st.counters[KSLAB_STAT_RENT]);
	for (i = 0; i < KSLAB_STAT_NR; i++) {
		long v;

		snprintf(file, sizeof(file), "counters/%s", kslab_stat_name(i));
		v = cache_read(self->dir, file);
		/* the ABI's one counter that only the peers keep */
		if (i == KSLAB_STAT_BULK_FALLBACK) {
			EXPECT_EQ(-ENOENT, v);
			continue;
		}
		EXPECT_EQ((long)st.counters[i], v) TH_LOG("%s", file);
		seen++;
	}
	EXPECT_EQ(KSLAB_STAT_NR - 1, seen);
	EXPECT_EQ(NR_RENT, cache_read(self->dir, "counters/rent"));
	EXPECT_EQ(NR_RENT / 2, cache_read(self->dir, "counters/return"));
}

/*
 * The directory goes with the cache; a file opened before the destroy
 * answers -ENODEV after it (KASAN in the debug guest would report a use
 * after free otherwise).
 */
TEST_F(sysfs, gone_after_destroy)
{
	char path[PATH_MAX], buf[32];
	int rfd, wfd;

	snprintf(path, sizeof(path), "%s/objects", self->dir);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, rfd);
	snprintf(path, sizeof(path), "%s/shrink", self->dir);
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wfd);
	ASSERT_EQ(0, kslab_dev_cache_destroy(self->fd, self->id));
	EXPECT_EQ(-1, read(rfd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, write(wfd, "1", 1));
	EXPECT_EQ(ENODEV, errno);
	close(rfd);
	close(wfd);
	EXPECT_EQ(-1, access(self->dir, F_OK));
	EXPECT_EQ(-ENOENT, cache_dir(self->name, path, sizeof(path)));
}

/* ---- kslabinfo ---- */

/* Where kslabinfo is, into @path: 0 or -ENOENT. */
static int kslabinfo_path(char *path, size_t len)
{
	const char *env = getenv("KSLABINFO");
	char self[PATH_MAX], *dir;
	ssize_t n;

	if (env) {
		snprintf(path, len, "%s", env);
		return access(path, X_OK) ? -ENOENT : 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -ENOENT;
	self[n] = '\0';
	dir = dirname(self);
	snprintf(path, len, "%s/kslabinfo", dir);
	if (!access(path, X_OK))
		return 0;
	snprintf(path, len, "%s/../kslabinfo", dir);
	return access(path, X_OK) ? -ENOENT : 0;
}

/* One row of kslabinfo's report. */
struct row {
	char name[128];
	unsigned long objects, objsize, slabs, partial, per_slab, order;
	unsigned long mag, rents, slab_alloc;
	int line;
	char text[512];
};

/*
 * Run kslabinfo @args; find the rows of @dirs[0..n) (their "<name>.<id>")
 * and whether a line starts with "Total:". Returns kslabinfo's exit status.
 */
static int kslabinfo(const char *args, char dirs[][DIR_MAX], struct row *rows,
		     int n, int *total)
{
	char prog[PATH_MAX], cmd[PATH_MAX + 64], line[512], space[32], hit[16];
	int nr = 0, i, status;
	struct row r;
	FILE *f;

	if (kslabinfo_path(prog, sizeof(prog)))
		return -ENOENT;
	snprintf(cmd, sizeof(cmd), "%s %s", prog, args);
	f = popen(cmd, "r");
	if (!f)
		return -errno;
	*total = 0;
	for (i = 0; i < n; i++)
		rows[i].line = -1;
	while (fgets(line, sizeof(line), f)) {
		nr++;
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "Total:", 6))
			*total = 1;
		if (sscanf(line, "%127s %lu %lu %31s %lu/%lu %lu %lu %lu %lu %15s %lu",
			   r.name, &r.objects, &r.objsize, space, &r.slabs,
			   &r.partial, &r.per_slab, &r.order, &r.mag, &r.rents,
			   hit, &r.slab_alloc) != 12)
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(r.name, basename(dirs[i]))) {
				rows[i] = r;
				rows[i].line = nr;
				snprintf(rows[i].text, sizeof(rows[i].text),
					 "%s", line);
			}
	}
	status = pclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -ECHILD;
}

/* Two caches: "small" (1 object rented), "big" (NR_RENT rented). */
FIXTURE(report) {
	int fd;
	int id[2];
	char name[2][KSLAB_NAME_MAX];
	char dir[2][DIR_MAX];
	uint64_t h[NR_RENT];
};

FIXTURE_SETUP(report)
{
	char prog[PATH_MAX];
	const char *tag[2] = { "ri-a", "ri-b" };
	int i;

	ASSERT_EQ(0, kslabinfo_path(prog, sizeof(prog)))
		TH_LOG("no kslabinfo next to this program (or set KSLABINFO)");
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	for (i = 0; i < 2; i++) {
		self->id[i] = kslab_dev_cache_create(self->fd,
						     KSLAB_BACKEND_KSLAB,
						     test_name(self->name[i],
							       KSLAB_NAME_MAX,
							       tag[i]),
						     200, 0);
		ASSERT_LT(0, self->id[i]);
		ASSERT_EQ(0, cache_dir(self->name[i], self->dir[i], DIR_MAX));
	}
	ASSERT_EQ(1, kslab_dev_rent(self->fd, self->id[0], self->h, 1));
	ASSERT_EQ(NR_RENT,
		  kslab_dev_rent(self->fd, self->id[1], self->h, NR_RENT));
}

FIXTURE_TEARDOWN(report)
{
	kslab_dev_close(self->fd);
}

/* The default report has each cache's row with the sysfs figures. */
TEST_F(report, rows)
{
	struct row rows[2];
	int total, i;

	ASSERT_EQ(0, kslabinfo("", self->dir, rows, 2, &total));
	EXPECT_EQ(0, total);
	for (i = 0; i < 2; i++) {
		ASSERT_LT(0, rows[i].line) TH_LOG("no row %s",
						  basename(self->dir[i]));
		TH_LOG("%s", rows[i].text);
		EXPECT_EQ(i ? NR_RENT : 1, rows[i].objects);
		EXPECT_EQ(200, rows[i].objsize);
		EXPECT_EQ(cache_read(self->dir[i], "slabs"), rows[i].slabs);
		EXPECT_EQ(cache_read(self->dir[i], "partial"),
			  rows[i].partial);
		EXPECT_EQ(cache_read(self->dir[i], "objs_per_slab"),
			  rows[i].per_slab);
		EXPECT_EQ(cache_read(self->dir[i], "order"), rows[i].order);
		EXPECT_EQ(cache_read(self->dir[i], "magazine_size"),
			  rows[i].mag);
		EXPECT_EQ(i ? NR_RENT : 1, rows[i].rents);
		EXPECT_EQ(cache_read(self->dir[i], "counters/slab_alloc"),
			  rows[i].slab_alloc);
	}
}

/* -n: by name (a before b); -s: by size (b, with more slabs, first); -T. */
TEST_F(report, sort_and_totals)
{
	struct row rows[2];
	int total;

	ASSERT_LT(cache_read(self->dir[0], "slabs"),
		  cache_read(self->dir[1], "slabs"));
	ASSERT_EQ(0, kslabinfo("-n", self->dir, rows, 2, &total));
	ASSERT_LT(0, rows[0].line);
	EXPECT_LT(rows[0].line, rows[1].line);
	ASSERT_EQ(0, kslabinfo("-s -T", self->dir, rows, 2, &total));
	ASSERT_LT(0, rows[1].line);
	EXPECT_LT(rows[1].line, rows[0].line);
	EXPECT_EQ(1, total);
}

/* -h is usage and success; a bad option or directory is a failure. */
TEST_F(report, usage_and_errors)
{
	struct row rows[2];
	int total;

	EXPECT_EQ(0, kslabinfo("-h", self->dir, rows, 2, &total));
	EXPECT_EQ(-1, rows[0].line);
	EXPECT_EQ(2, kslabinfo("-x 2>/dev/null", self->dir, rows, 2, &total));
	EXPECT_EQ(1, kslabinfo("-d /nonexistent 2>/dev/null", self->dir, rows,
			       2, &total));
}

TEST_HARNESS_MAIN
