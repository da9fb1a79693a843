// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: a BENCH run does not hold up CPU hotplug. A CPU of a run
 * that goes offline ends the run early (-EBUSY) instead of keeping the
 * offline waiting until the loop is done.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("takes CPU 1 offline; BENCH needs CAP_SYS_ADMIN");

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

struct run {
	int fd;
	long ret;
	atomic_bool done;
};

/* A burn loop on CPU 1 as long as BENCH allows. */
static void *bench_cpu1(void *arg)
{
	struct run *r = arg;
	struct kslab_bench b = {
		.size = sizeof(b),
		.backend = KSLAB_BACKEND_KSLAB,
		.object_size = 64,
		.pattern = KSLAB_BENCH_BURN,
		.iterations = KSLAB_BENCH_MAX_ITERATIONS,
		.cpu_mask = 1ULL << 1,
		/* eight loops on one CPU: seconds even on fast hardware */
		.threads_per_cpu = KSLAB_BENCH_MAX_THREADS_PER_CPU,
	};

	r->ret = kslab_dev_ioctl(r->fd, KSLAB_IOC_BENCH, &b);
	atomic_store(&r->done, true);
	return NULL;
}

static int cpu1_set_online(int on)
{
	return write_file(CPU1_ONLINE, on ? "1" : "0");
}

TEST(offline_ends_the_run)
{
	struct run r = { .done = false };
	pthread_t th;
	int ret;

	if (access(CPU1_ONLINE, W_OK))
		SKIP(return, "no hotpluggable CPU 1");
	r.fd = kslab_dev_open(NULL);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, pthread_create(&th, NULL, bench_cpu1, &r));
	usleep(300 * 1000);
	ASSERT_FALSE(atomic_load(&r.done)) TH_LOG("BENCH: %ld", r.ret);
	ret = cpu1_set_online(0);
	EXPECT_EQ(0, ret) TH_LOG("offline: %s", strerror(-ret));
	pthread_join(th, NULL);
	/* The run ended when its CPU left, not when its loop was done. */
	EXPECT_EQ(-EBUSY, r.ret) TH_LOG("BENCH: %s", strerror(-r.ret));
	EXPECT_EQ(0, cpu1_set_online(1));
	kslab_dev_close(r.fd);
}

TEST_HARNESS_MAIN
