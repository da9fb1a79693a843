// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: the caches in /proc/slabinfo (kmem_cache and mempool
 * backends, KSLAB_SLABINFO_PREFIX "<name>") and /proc/kslabinfo (kslab
 * backends), read by one parser, libkslab's kslab_slabinfo_find(), and by
 * procps slabtop.
 */
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("reads /proc/slabinfo (mode 0400)");

#define NR_RENT		50

FIXTURE(info) {
	int fd;
	int id;
	char name[KSLAB_NAME_MAX];
	char row[KSLAB_SLABINFO_ROW_MAX];	/* the name its row has */
	const char *path;		/* the file its row is in */
	uint64_t h[NR_RENT];
};

FIXTURE_VARIANT(info) {
	unsigned int backend;
};

FIXTURE_VARIANT_ADD(info, kslab) {
	.backend = KSLAB_BACKEND_KSLAB,
};

FIXTURE_VARIANT_ADD(info, kslab_locked) {
	.backend = KSLAB_BACKEND_LOCKED,
};

FIXTURE_VARIANT_ADD(info, kmem_cache) {
	.backend = KSLAB_BACKEND_KMEM_CACHE,
};

FIXTURE_VARIANT_ADD(info, mempool) {
	.backend = KSLAB_BACKEND_MEMPOOL,
};

FIXTURE_SETUP(info)
{
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	if (!backend_works(self->fd, variant->backend))
		SKIP(return, "backend %s is not in this kernel (VERSION bitmap)",
		     kslab_backend_name(variant->backend));
	self->id = kslab_dev_cache_create(self->fd, variant->backend,
					  test_name(self->name,
						    sizeof(self->name), "si"),
					  200, 0);
	ASSERT_LT(0, self->id);
	/* every variant is of a backend that has its caches listed */
	self->path = kslab_slabinfo_locate(variant->backend, self->name,
					   self->row, sizeof(self->row));
	ASSERT_EQ(NR_RENT,
		  kslab_dev_rent(self->fd, self->id, self->h, NR_RENT));
}

FIXTURE_TEARDOWN(info)
{
	kslab_dev_close(self->fd);
}

TEST_F(info, row_while_alive)
{
	struct kslab_slabinfo row;

	ASSERT_EQ(0, kslab_slabinfo_find(self->path, self->row, &row));
	EXPECT_STREQ(self->row, row.name);
	EXPECT_LE(NR_RENT, row.active_objs);
	EXPECT_LE(row.active_objs, row.num_objs);
	EXPECT_LE(200, row.objsize);
	EXPECT_LT(0, row.objperslab);
	EXPECT_LT(0, row.pagesperslab);
	EXPECT_LE(row.active_slabs, row.num_slabs);
	EXPECT_EQ(NR_RENT,
		  kslab_dev_return(self->fd, self->id, self->h, NR_RENT));
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, self->id));
	EXPECT_EQ(-ENOENT, kslab_slabinfo_find(self->path, self->row, &row));
}

/* slabtop --once on @proc_file (bind-mounted over /proc/slabinfo) shows @name. */
static int slabtop_shows(const char *proc_file, const char *name)
{
	char line[512];
	int found = 0;
	pid_t pid;
	FILE *f;
	int status;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		if (strcmp(proc_file, "/proc/slabinfo") &&
		    (unshare(CLONE_NEWNS) ||
		     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		     mount(proc_file, "/proc/slabinfo", NULL, MS_BIND, NULL)))
			_exit(2);
		f = popen("slabtop --once --sort=c 2>&1", "r");
		if (!f)
			_exit(3);
		while (fgets(line, sizeof(line), f))
			if (strstr(line, name))
				found = 1;
		_exit(pclose(f) == 0 && found ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

TEST_F(info, slabtop)
{
	if (system("command -v slabtop >/dev/null 2>&1"))
		SKIP(return, "procps slabtop is not installed in this system");
	EXPECT_EQ(0, slabtop_shows(self->path, self->row));
}

/* The parser is strict: anything but slabinfo 2.1 is -EPROTO. */
TEST(parser_rejects_other_formats)
{
	const char *bad[] = {
		"slabinfo - version: 2.0\n# name x\n",
		"slabinfo - version: 2.1\n",
		"slabinfo - version: 2.1\n# name <active_objs>\nfoo 1 2 3\n",
		"slabinfo - version: 2.1\n# name <active_objs>\n"
		"foo 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1\n",
	};
	const char *good = "slabinfo - version: 2.1\n# name <active_objs>\n"
			   "foo 1 2 3 4 5 : tunables 6 7 8 : slabdata 9 10 11\n";
	char path[] = "/tmp/slabinfo-XXXXXX";
	struct kslab_slabinfo row;
	unsigned int i;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "w");

		ASSERT_NE(NULL, f);
		fputs(bad[i], f);
		fclose(f);
		EXPECT_EQ(-EPROTO, kslab_slabinfo_find(path, "foo", &row))
			TH_LOG("case %u", i);
	}
	{
		FILE *f = fopen(path, "w");

		ASSERT_NE(NULL, f);
		fputs(good, f);
		fclose(f);
	}
	ASSERT_EQ(0, kslab_slabinfo_find(path, "foo", &row));
	EXPECT_EQ(1, row.active_objs);
	EXPECT_EQ(5, row.pagesperslab);
	EXPECT_EQ(6, row.limit);
	EXPECT_EQ(11, row.sharedavail);
	EXPECT_EQ(-ENOENT, kslab_slabinfo_find(path, "bar", &row));
	unlink(path);
}

/* The real files parse, whole. */
TEST(proc_files_parse)
{
	struct kslab_slabinfo row;

	EXPECT_EQ(-ENOENT, kslab_slabinfo_find("/proc/slabinfo",
					       "no-such-cache", &row));
	if (access("/proc/kslabinfo", R_OK))
		SKIP(return, "no /proc/kslabinfo in this module");
	EXPECT_EQ(-ENOENT, kslab_slabinfo_find("/proc/kslabinfo",
					       "no-such-cache", &row));
}

TEST_HARNESS_MAIN
