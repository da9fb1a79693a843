// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: sessions. Isolation between two descriptors, what close and
 * kill -9 give back, rmmod while a session is open, the per-session limits
 * (module parameters), and many threads on one descriptor.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("writes module parameters");

/* The cache @name of a KSLAB_BACKENDS_SLABINFO @backend is in slabinfo. */
static int slabinfo_has(unsigned int backend, const char *name)
{
	char full[KSLAB_SLABINFO_ROW_MAX];
	struct kslab_slabinfo row;
	const char *path;

	path = kslab_slabinfo_locate(backend, name, full, sizeof(full));
	return kslab_slabinfo_find(path, full, &row) == 0;
}

TEST(isolation)
{
	int a = kslab_dev_open(NULL), b = kslab_dev_open(NULL);
	char name[KSLAB_NAME_MAX];
	struct kslab_stats st;
	unsigned char c = 0;
	int ida, idb;
	uint64_t h;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ida = kslab_dev_cache_create(a, KSLAB_BACKEND_KMALLOC,
				     test_name(name, sizeof(name), "a"), 64, 0);
	idb = kslab_dev_cache_create(b, KSLAB_BACKEND_KMALLOC,
				     test_name(name, sizeof(name), "b"), 64, 0);
	ASSERT_LT(0, ida);
	ASSERT_LT(0, idb);
	ASSERT_EQ(1, kslab_dev_rent(a, ida, &h, 1));
	/* a's cache is not b's ... */
	EXPECT_EQ(-ENOENT, kslab_dev_stats(b, ida, &st));
	EXPECT_EQ(-ENOENT, kslab_dev_rent(b, ida, &h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_return(b, ida, &h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_obj_read(b, ida, h, 0, &c, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_cache_tune(b, ida, 8));
	EXPECT_EQ(-ENOENT, kslab_dev_cache_destroy(b, ida));
	/* ... nor is a's handle one of b's objects. */
	EXPECT_EQ(-ENOENT, kslab_dev_return(b, idb, &h, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_obj_write(b, idb, h, 0, &c, 1));
	EXPECT_EQ(-ENOENT, kslab_dev_return_one(b, h));
	EXPECT_EQ(-ENOENT, kslab_dev_rent_one(b, ida));
	EXPECT_EQ(0, active_objects(b, idb));
	EXPECT_EQ(1, active_objects(a, ida));
	EXPECT_EQ(1, kslab_dev_return(a, ida, &h, 1));
	kslab_dev_close(a);
	kslab_dev_close(b);
}

/* close() returns every object and destroys every cache. */
TEST(close_returns_everything)
{
	int fd = kslab_dev_open(NULL);
	char name[KSLAB_NAME_MAX];
	static uint64_t h[200];
	int id;

	ASSERT_LE(0, fd);
	id = kslab_dev_cache_create(fd, KSLAB_BACKEND_KMEM_CACHE,
				    test_name(name, sizeof(name), "close"),
				    128, 0);
	ASSERT_LT(0, id);
	ASSERT_EQ(100, kslab_dev_rent(fd, id, h, 100));
	ASSERT_EQ(100, kslab_dev_rent(fd, id, h + 100, 100));
	EXPECT_TRUE(slabinfo_has(KSLAB_BACKEND_KMEM_CACHE, name));
	EXPECT_EQ(0, kslab_dev_close(fd));
	EXPECT_FALSE(slabinfo_has(KSLAB_BACKEND_KMEM_CACHE, name));
}

/*
 * A child rents in a loop and is killed with SIGKILL in the middle: its
 * session ends, every object goes back, its caches (and their slabinfo
 * rows) go away, and the name is free again.
 */
static void kill9_child(const char *name, unsigned int backend, int ready)
{
	static uint64_t h[KSLAB_BATCH_MAX];
	int fd = kslab_dev_open(NULL), id, n;

	id = kslab_dev_cache_create(fd, backend, name, 64, 0);
	if (id <= 0)
		_exit(1);
	for (;;) {
		n = kslab_dev_rent(fd, id, h, KSLAB_BATCH_MAX);
		if (ready >= 0) {
			if (write(ready, "r", 1) != 1)
				_exit(2);
			close(ready);
			ready = -1;
		}
		/* Keep half: the session holds more and more objects. */
		if (n > 1)
			kslab_dev_return(fd, id, h, n / 2);
	}
}

static void kill9(struct __test_metadata *_metadata, unsigned int backend)
{
	char name[KSLAB_NAME_MAX], c;
	int fd, id, status, pipefd[2];
	pid_t pid;

	fd = kslab_dev_open(NULL);
	ASSERT_LE(0, fd);
	if (!backend_works(fd, backend))
		SKIP(return, "backend %s is not in this kernel (VERSION bitmap)",
		     kslab_backend_name(backend));
	test_name(name, sizeof(name), "kill");
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pipefd[0]);
		kill9_child(name, backend, pipefd[1]);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	usleep(20000);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	if (KSLAB_BACKENDS_SLABINFO & _BITULL(backend))
		EXPECT_FALSE(slabinfo_has(backend, name));
	if (KSLAB_BACKENDS_KSLABINFO & _BITULL(backend)) {
		struct kslab_slabinfo row;

		EXPECT_EQ(-ENOENT, kslab_slabinfo_find("/proc/kslabinfo", name,
						       &row));
	}
	/* The cache is gone: its name can be taken again, and is empty. */
	id = kslab_dev_cache_create(fd, backend, name, 64, 0);
	EXPECT_LT(0, id);
	EXPECT_EQ(0, active_objects(fd, id));
	kslab_dev_close(fd);
}

TEST(kill9_kmem_cache)
{
	kill9(_metadata, KSLAB_BACKEND_KMEM_CACHE);
}

TEST(kill9_kslab)
{
	kill9(_metadata, KSLAB_BACKEND_KSLAB);
}

TEST(kill9_objpool)
{
	kill9(_metadata, KSLAB_BACKEND_OBJPOOL);
}

static long module_refcnt(void)
{
	long n = -1;
	FILE *f = fopen("/sys/module/kslab/refcnt", "re");

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* An open session pins the module. */
TEST(rmmod_refused_while_open)
{
	long before = module_refcnt();
	int fd, ret;

	ASSERT_LE(0, before);
	fd = kslab_dev_open(NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(before + 1, module_refcnt());
	ret = system("rmmod kslab 2>/dev/null");
	EXPECT_TRUE(WIFEXITED(ret) && WEXITSTATUS(ret) != 0);
	EXPECT_EQ(0, access("/dev/kslab", F_OK));
	EXPECT_EQ(0, kslab_dev_nop(fd));
	kslab_dev_close(fd);
	EXPECT_EQ(before, module_refcnt());
}

/* ================== Limits ================== */

FIXTURE(limits) {
	long max_caches, max_objects, max_bytes;
	int fd;
	char name[KSLAB_NAME_MAX];
};

FIXTURE_SETUP(limits)
{
	self->max_caches = param_read("max_caches");
	self->max_objects = param_read("max_objects");
	self->max_bytes = param_read("max_bytes");
	ASSERT_LT(0, self->max_caches);
	ASSERT_LT(0, self->max_objects);
	ASSERT_LT(0, self->max_bytes);
	self->fd = -1;
}

/*
 * In the parent, after the test's process is gone (its session with it):
 * the harness skips a child's teardown when an ASSERT fails (the child
 * aborts), and lowered limits would then fail every test after this one.
 */
FIXTURE_TEARDOWN_PARENT(limits)
{
	param_write("max_caches", self->max_caches);
	param_write("max_objects", self->max_objects);
	param_write("max_bytes", self->max_bytes);
}

TEST_F(limits, max_objects)
{
	uint64_t h[20];
	int id;

	ASSERT_EQ(0, param_write("max_objects", 16));
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	id = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
				    test_name(self->name, sizeof(self->name),
					      "o"),
				    64, 0);
	ASSERT_LT(0, id);
	/* A batch that would cross the limit is refused whole. */
	EXPECT_EQ(-ENOSPC, kslab_dev_rent(self->fd, id, h, 17));
	EXPECT_EQ(0, active_objects(self->fd, id));
	EXPECT_EQ(10, kslab_dev_rent(self->fd, id, h, 10));
	EXPECT_EQ(6, kslab_dev_rent(self->fd, id, h + 10, 6));
	EXPECT_EQ(-ENOSPC, kslab_dev_rent(self->fd, id, h + 16, 1));
	EXPECT_EQ(-ENOSPC, kslab_dev_rent_one(self->fd, id));
	EXPECT_EQ(16, active_objects(self->fd, id));
	EXPECT_EQ(1, kslab_dev_return(self->fd, id, h, 1));
	h[0] = kslab_dev_rent_one(self->fd, id);
	EXPECT_LT(0, (int64_t)h[0]);
	EXPECT_EQ(-ENOSPC, kslab_dev_rent_one(self->fd, id));
	EXPECT_EQ(0, kslab_dev_return_one(self->fd, h[0]));
	EXPECT_EQ(1, kslab_dev_rent(self->fd, id, h, 1));
	EXPECT_EQ(16, kslab_dev_return(self->fd, id, h, 16));
}

TEST_F(limits, max_bytes)
{
	uint64_t h[8];
	int small, big;

	ASSERT_EQ(0, param_write("max_bytes", 8192));
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	big = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
				     test_name(self->name, sizeof(self->name),
					       "b"),
				     4096, 0);
	small = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
				       test_name(self->name,
						 sizeof(self->name), "s"),
				       1024, 0);
	ASSERT_LT(0, big);
	ASSERT_LT(0, small);
	EXPECT_EQ(1, kslab_dev_rent(self->fd, big, h, 1));
	EXPECT_EQ(4, kslab_dev_rent(self->fd, small, h + 1, 4));
	/* 8 KiB rented in all, across caches. */
	EXPECT_EQ(-ENOSPC, kslab_dev_rent(self->fd, small, h + 5, 1));
	EXPECT_EQ(-ENOSPC, kslab_dev_rent(self->fd, big, h + 5, 1));
	EXPECT_EQ(-ENOSPC, kslab_dev_rent_one(self->fd, small));
	EXPECT_EQ(1, kslab_dev_return(self->fd, big, h, 1));
	EXPECT_EQ(1, kslab_dev_rent(self->fd, big, h, 1));
}

/* The @nth CPU of @allowed, or -1. */
static int nth_cpu(const cpu_set_t *allowed, int nth)
{
	int cpu;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, allowed) && !nth--)
			return cpu;
	return -1;
}

/*
 * The limits are exact although each CPU keeps a reserve of them: what a
 * rent on one CPU left in that CPU's reserve goes back when another CPU
 * needs it.
 */
TEST_F(limits, exact_across_cpus)
{
	static uint64_t h[101];
	cpu_set_t allowed;
	int id, a, b;

	ASSERT_EQ(0, sched_getaffinity(0, sizeof(allowed), &allowed));
	a = nth_cpu(&allowed, 0);
	b = nth_cpu(&allowed, 1);
	if (b < 0)
		SKIP(return, "may run on one CPU only");
	ASSERT_EQ(0, param_write("max_objects", 100));
	ASSERT_EQ(0, param_write("max_bytes", 100 * 64));
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	id = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
				    test_name(self->name, sizeof(self->name),
					      "x"),
				    64, 0);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, run_on(a));
	ASSERT_EQ(1, kslab_dev_rent(self->fd, id, h, 1));
	ASSERT_EQ(1, kslab_dev_return(self->fd, id, h, 1));
	ASSERT_EQ(0, run_on(b));
	EXPECT_EQ(100, kslab_dev_rent(self->fd, id, h, 100));
	EXPECT_EQ(-ENOSPC, kslab_dev_rent(self->fd, id, h + 100, 1));
	ASSERT_EQ(0, run_on(a));
	EXPECT_EQ(-ENOSPC, kslab_dev_rent_one(self->fd, id));
	EXPECT_EQ(100, kslab_dev_return(self->fd, id, h, 100));
	/* and back the other way */
	EXPECT_EQ(100, kslab_dev_rent(self->fd, id, h, 100));
	EXPECT_EQ(100, kslab_dev_return(self->fd, id, h, 100));
}

/*
 * A fixed-size backend's capacity is bytes the session holds: it counts
 * against max_bytes, across the session's caches, once its arguments are
 * valid, with capacity 0 as the default it stands for. Backends that
 * ignore capacity reserve nothing.
 */
TEST_F(limits, capacity_counts_against_max_bytes)
{
	struct kslab_cache_create req = { 0 };
	int a, b;

	ASSERT_EQ(0, param_write("max_bytes", 1 << 20));
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	req.name = (uintptr_t)test_name(self->name, sizeof(self->name), "f");
	/* kslab ignores capacity: 128 MiB of it is nothing held */
	req.backend = KSLAB_BACKEND_KSLAB;
	req.object_size = 2048;
	req.capacity = KSLAB_CAPACITY_MAX;
	a = kslab_dev_cache_create_args(self->fd, &req);
	ASSERT_LT(0, a) TH_LOG("kslab, capacity ignored: %s", strerror(-a));
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, a));
	/* a bad size is -EINVAL, not -ENOSPC */
	req.backend = KSLAB_BACKEND_MEMPOOL;
	req.object_size = KSLAB_OBJECT_SIZE_MAX + 1;
	EXPECT_EQ(-EINVAL, kslab_dev_cache_create_args(self->fd, &req));
	/* capacity 0 is KSLAB_CAPACITY_DEFAULT objects: 4 MiB here */
	req.object_size = 4096;
	req.capacity = 0;
	EXPECT_EQ(-ENOSPC, kslab_dev_cache_create_args(self->fd, &req));
	/* 600 KiB each: one fits in 1 MiB, two do not */
	req.capacity = 150;
	a = kslab_dev_cache_create_args(self->fd, &req);
	ASSERT_LT(0, a);
	req.name = (uintptr_t)test_name(self->name, sizeof(self->name), "f");
	EXPECT_EQ(-ENOSPC, kslab_dev_cache_create_args(self->fd, &req));
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, a));
	b = kslab_dev_cache_create_args(self->fd, &req);
	EXPECT_LT(0, b);
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, b));
}

TEST_F(limits, max_caches)
{
	int ids[3], i;

	ASSERT_EQ(0, param_write("max_caches", 2));
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	for (i = 0; i < 2; i++) {
		ids[i] = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
						test_name(self->name,
							  sizeof(self->name),
							  "c"),
						64, 0);
		ASSERT_LT(0, ids[i]);
	}
	EXPECT_EQ(-ENOSPC,
		  kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
					 test_name(self->name,
						   sizeof(self->name), "c"),
					 64, 0));
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, ids[0]));
	ids[2] = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
					test_name(self->name,
						  sizeof(self->name), "c"),
					64, 0);
	EXPECT_LT(0, ids[2]);
}

/* Limits are taken when the session opens. */
TEST_F(limits, snapshot_at_open)
{
	uint64_t h[4];
	int id;

	ASSERT_EQ(0, param_write("max_objects", 2));
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, param_write("max_objects", 1000));
	id = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KMALLOC,
				    test_name(self->name, sizeof(self->name),
					      "n"),
				    64, 0);
	ASSERT_LT(0, id);
	EXPECT_EQ(-ENOSPC, kslab_dev_rent(self->fd, id, h, 3));
	EXPECT_EQ(2, kslab_dev_rent(self->fd, id, h, 2));
}

/* ================== Threads on one descriptor ================== */

#define THREADS		4
#define ROUNDS		300
#define PER_ROUND	8

struct hammer {
	int fd;
	int id;
	int tid;
	int errors;
};

/* Rent, write a pattern, read it back, return; also return stale ones. */
static void *hammer_fn(void *arg)
{
	struct hammer *t = arg;
	uint64_t h[PER_ROUND], stale = 0;
	unsigned char in[64], out[64];
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		if (kslab_dev_rent(t->fd, t->id, h, PER_ROUND) != PER_ROUND) {
			t->errors++;
			continue;
		}
		for (i = 0; i < PER_ROUND; i++) {
			memset(in, t->tid * 16 + i, sizeof(in));
			if (kslab_dev_obj_write(t->fd, t->id, h[i], 0,
						in, 64) ||
			    kslab_dev_obj_read(t->fd, t->id, h[i], 0,
					       out, 64) ||
			    memcmp(in, out, 64))
				t->errors++;
		}
		if (stale &&
		    kslab_dev_return(t->fd, t->id, &stale, 1) != -ENOENT)
			t->errors++;
		stale = h[r % PER_ROUND];
		if (kslab_dev_return(t->fd, t->id, h, PER_ROUND) != PER_ROUND)
			t->errors++;
	}
	return NULL;
}

TEST(threads_one_fd)
{
	struct hammer t[THREADS];
	pthread_t th[THREADS];
	char name[KSLAB_NAME_MAX];
	int fd = kslab_dev_open(NULL), id, i;

	ASSERT_LE(0, fd);
	id = kslab_dev_cache_create(fd, KSLAB_BACKEND_KMEM_CACHE,
				    test_name(name, sizeof(name), "th"), 64, 0);
	ASSERT_LT(0, id);
	for (i = 0; i < THREADS; i++) {
		t[i] = (struct hammer){ .fd = fd, .id = id, .tid = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, hammer_fn, &t[i]));
	}
	for (i = 0; i < THREADS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, t[i].errors) TH_LOG("thread %d", i);
	}
	EXPECT_EQ(0, active_objects(fd, id));
	EXPECT_EQ(0, kslab_dev_cache_destroy(fd, id));
	kslab_dev_close(fd);
}

struct reader {
	int fd;
	int id;
	uint64_t h;
	int result;
};

/* Read one object until its handle goes stale. */
static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	unsigned char buf[4096];
	int ret;

	do {
		ret = kslab_dev_obj_read(r->fd, r->id, r->h, 0, buf,
					 sizeof(buf));
	} while (!ret);
	r->result = ret;
	return NULL;
}

/*
 * RETURN while other threads copy out of the object: the handle dies at
 * once, the object goes back when the last copy ends, nothing leaks.
 */
TEST(return_while_reading)
{
	char name[KSLAB_NAME_MAX];
	int fd = kslab_dev_open(NULL), id, i, round;
	struct reader r[THREADS];
	pthread_t th[THREADS];

	ASSERT_LE(0, fd);
	id = kslab_dev_cache_create(fd, KSLAB_BACKEND_KMEM_CACHE,
				    test_name(name, sizeof(name), "rd"),
				    4096, 0);
	ASSERT_LT(0, id);
	for (round = 0; round < 20; round++) {
		uint64_t h;

		ASSERT_EQ(1, kslab_dev_rent(fd, id, &h, 1));
		for (i = 0; i < THREADS; i++) {
			r[i] = (struct reader){ .fd = fd, .id = id, .h = h };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, reader_fn,
						    &r[i]));
		}
		usleep(2000);
		EXPECT_EQ(1, kslab_dev_return(fd, id, &h, 1));
		EXPECT_EQ(-ENOENT, kslab_dev_return(fd, id, &h, 1));
		for (i = 0; i < THREADS; i++) {
			ASSERT_EQ(0, pthread_join(th[i], NULL));
			EXPECT_EQ(-ENOENT, r[i].result);
		}
		EXPECT_EQ(0, active_objects(fd, id));
	}
	EXPECT_EQ(0, kslab_dev_cache_destroy(fd, id));
	kslab_dev_close(fd);
}

TEST_HARNESS_MAIN
