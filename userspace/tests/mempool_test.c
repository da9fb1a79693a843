// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: a RENT on a mempool cache never waits for a return that only
 * the caller could make. With the reserve used up and the backing cache
 * failing (failslab, for this task only), the next RENT answers -ENOMEM
 * at once instead of sleeping uninterruptibly in mempool_alloc() until
 * another object comes back. Needs failslab (the debug kernel); SKIPs
 * elsewhere.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("sets failslab in debugfs");

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define RESERVE		2
#define WAIT_S		10

static const char * const knobs[][2] = {
	{ "probability", "100" }, { "interval", "1" }, { "times", "-1" },
	{ "space", "0" }, { "verbose", "0" }, { "task-filter", "Y" },
	{ "ignore-gfp-wait", "N" },
};

static int knob(const char *name, const char *val, char *old, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), FAILSLAB "%s", name);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	n = old ? read(fd, old, len - 1) : 0;
	if (old && n >= 0)
		old[n] = 0;
	if (val && write(fd, val, strlen(val)) < 0)
		n = -1;
	close(fd);
	return n < 0 ? -EIO : 0;
}

/* The child: every slab allocation of its own fails; rent one past. */
static int rent_past_reserve(int fd, int id)
{
	uint64_t h;
	int i, ret;

	if (write_file("/proc/self/make-it-fail", "1"))
		return 100;
	for (i = 0; i < RESERVE; i++) {
		ret = kslab_dev_rent(fd, id, &h, 1);
		if (ret != 1)
			return 101 + i;
	}
	ret = kslab_dev_rent(fd, id, &h, 1);
	return ret == -ENOMEM ? 0 : 110;
}

TEST(rent_never_waits_for_a_return)
{
	char saved[ARRAY_SIZE(knobs)][32];
	char name[KSLAB_NAME_MAX];
	struct kslab_cache_create req = { 0 };
	uint64_t h[RESERVE];
	int fd, id, status, i, waited;
	pid_t pid;

	if (access(FAILSLAB "probability", W_OK))
		SKIP(return, "no failslab in this kernel");
	fd = kslab_dev_open(NULL);
	ASSERT_LE(0, fd);
	req.backend = KSLAB_BACKEND_MEMPOOL;
	req.object_size = 64;
	req.capacity = RESERVE;
	req.name = (uintptr_t)test_name(name, sizeof(name), "mp");
	id = kslab_dev_cache_create_args(fd, &req);
	ASSERT_LT(0, id);
	/* grow the handle table now: the child's rents must not allocate it */
	ASSERT_EQ(RESERVE, kslab_dev_rent(fd, id, h, RESERVE));
	ASSERT_EQ(RESERVE, kslab_dev_return(fd, id, h, RESERVE));
	for (i = 0; i < (int)ARRAY_SIZE(knobs); i++)
		ASSERT_EQ(0, knob(knobs[i][0], knobs[i][1], saved[i],
				  sizeof(saved[i])));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(rent_past_reserve(fd, id));
	for (waited = 0; waited < WAIT_S * 10; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(100 * 1000);
	}
	for (i = 0; i < (int)ARRAY_SIZE(knobs); i++)
		knob(knobs[i][0], saved[i], NULL, 0);
	ASSERT_LT(waited, WAIT_S * 10)
		TH_LOG("RENT past the reserve still waits after %d s", WAIT_S);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	kslab_dev_close(fd);
}

TEST_HARNESS_MAIN
