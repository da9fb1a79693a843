// SPDX-License-Identifier: GPL-2.0
/*
 * fault_stress: run valid /dev/kslab operations while failslab and
 * fail_page_alloc fail a share of the allocations of this process (and of
 * nothing else: task-filter and /proc/thread-self/make-it-fail, switched on
 * around each call only). Every operation must either succeed (a RENT may
 * rent fewer than asked) or fail with -ENOMEM and change nothing; a model
 * of what was rented is checked against STATS and object contents after
 * the faults stop, everything is returned and destroyed, and the caches
 * are gone. Leaks are for the kmemleak scan that ends the guest run.
 *
 *   fault_stress [--count FAULTS] [--seconds S] [--probability PCT]
 *                [--threads N] [--seed N]
 *
 * Runs until --count failures were injected or --seconds passed. SKIPs
 * when the kernel has no /sys/kernel/debug/failslab (Debian's stock
 * kernel: CONFIG_FAULT_INJECTION is off).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"

#include "stress.h"

#define FAILSLAB	"/sys/kernel/debug/failslab"
#define FAILPAGE	"/sys/kernel/debug/fail_page_alloc"
#define MAX_THREADS	8
#define NCACHES		3
#define MAX_LIVE	512
#define TIMES		10000000L

enum { C_ERRNO, C_MODEL, C_DATA, C_STATS, C_GONE, C_NR };

struct fobj {
	uint64_t h;
	uint64_t tag;
	uint32_t written;
};

struct fcache {
	bool live;
	uint32_t id;
	unsigned int backend, size;
	char name[40];
	unsigned int n;
	struct fobj objs[MAX_LIVE];
};

struct fthread {
	int id;
	struct rng r;
	int mif;		/* /proc/thread-self/make-it-fail */
	int fd;			/* the session, -1 when closed */
	unsigned int gen;
	struct fcache c[NCACHES];
	unsigned long ops, enomem, partial, verified;
	uint8_t buf[4096];
};

static struct stress_opts opt = { .count = 200, .seconds = 15, .probability = 10, .threads = 2 };
static struct kslab_version ver;
static atomic_int stop;
static double deadline;
static long times_start[2];

/* ---------------- debugfs ---------------- */

struct knob {
	const char *dir, *name, *value;
	char saved[64];
};

static struct knob knobs[] = {
	{ FAILSLAB, "probability" }, { FAILSLAB, "interval", "1" },
	{ FAILSLAB, "times" }, { FAILSLAB, "space", "0" },
	{ FAILSLAB, "verbose", "0" }, { FAILSLAB, "task-filter", "Y" },
	{ FAILSLAB, "ignore-gfp-wait", "N" },
	{ FAILPAGE, "probability" }, { FAILPAGE, "interval", "1" },
	{ FAILPAGE, "times" }, { FAILPAGE, "space", "0" },
	{ FAILPAGE, "verbose", "0" }, { FAILPAGE, "task-filter", "Y" },
	{ FAILPAGE, "ignore-gfp-wait", "N" },
	{ FAILPAGE, "ignore-gfp-highmem", "N" }, { FAILPAGE, "min-order", "0" },
};

static int knob_read(const char *dir, const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int knob_write(const char *dir, const char *name, const char *val)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static long times_left(const char *dir)
{
	char b[64];

	return knob_read(dir, "times", b, sizeof(b)) ? -1 : strtol(b, NULL, 0);
}

static unsigned long injected(void)
{
	long a = times_left(FAILSLAB), b = times_left(FAILPAGE);

	return (times_start[0] - a) + (times_start[1] - b);
}

static bool budget_ok(void)
{
	if (now_s() > deadline || injected() >= opt.count)
		atomic_store(&stop, 1);
	return !atomic_load(&stop);
}

/* ---------------- operations ---------------- */

static inline void faults_on(struct fthread *t)
{
	if (pwrite(t->mif, "1", 1, 0) != 1)
		stress_fail(C_ERRNO, "make-it-fail: %s", strerror(errno));
}

static inline void faults_off(struct fthread *t)
{
	if (pwrite(t->mif, "0", 1, 0) != 1)
		stress_fail(C_ERRNO, "make-it-fail: %s", strerror(errno));
}

/* One ioctl with faults on; -errno or the result. */
static long fioctl(struct fthread *t, unsigned long cmd, void *arg)
{
	long ret;

	t->ops++;
	faults_on(t);
	ret = kslab_dev_ioctl(t->fd, cmd, arg);
	faults_off(t);
	if (ret == -ENOMEM)
		t->enomem++;
	return ret;
}

/*
 * Linux 6.12's sysfs_slab_add() leaks the kobject's name when
 * kobject_init_and_add() fails (no kobject_put()), which kmemleak then
 * reports against kslab's kmem_cache_create() call. That is the kernel's
 * bug, not the module's: caches that register with SLUB's sysfs
 * (kmem_cache, mempool) are created with faults off.
 */
static bool sysfs_backend(unsigned int b)
{
	return KSLAB_BACKENDS_SLABINFO & _BITULL(b);
}

#define EXPECT(t, ok, fmt, ...) do {					\
	if (!(ok))							\
		stress_fail(C_ERRNO, "thread %d: " fmt, (t)->id, ##__VA_ARGS__); \
} while (0)

static void f_create(struct fthread *t, struct fcache *c)
{
	static const unsigned int flags[] = { 0, KSLAB_CACHE_ZERO, KSLAB_CACHE_DEBUG,
					      KSLAB_CACHE_ACCOUNT };
	struct kslab_cache_create a = { .size = sizeof(a) };
	long ret;

	c->backend = dev_pick_backend(&ver, rng_next(&t->r));
	c->size = 8 + rng_below(&t->r, rng_pct(&t->r, 80) ? 512 : 4096);
	snprintf(c->name, sizeof(c->name), "ft%d-%d.%u", getpid(), t->id, t->gen++);
	a.backend = c->backend;
	a.object_size = c->size;
	a.flags = backend_flags(c->backend, flags[rng_below(&t->r, 4)]);
	a.capacity = backend_fixed(c->backend) ? MAX_LIVE : 0;
	a.magazine_size = rng_below(&t->r, 32);
	a.name = (uintptr_t)c->name;
	if (sysfs_backend(c->backend)) {
		/* see sysfs_backend(): no faults inside kmem_cache_create() */
		t->ops++;
		ret = kslab_dev_ioctl(t->fd, KSLAB_IOC_CACHE_CREATE, &a);
	} else {
		ret = fioctl(t, KSLAB_IOC_CACHE_CREATE, &a);
	}
	EXPECT(t, ret == 0 || ret == -ENOMEM, "CACHE_CREATE %s %s: %ld", c->name,
	       kslab_backend_name(c->backend), ret);
	if (!ret) {
		c->live = true;
		c->id = a.cache_id;
		c->n = 0;
	}
}

static void f_rent(struct fthread *t, struct fcache *c)
{
	uint64_t h[64];
	unsigned int n = 1 + rng_below(&t->r, 64), i;
	struct kslab_batch b = { .size = sizeof(b), .cache_id = c->id, .handles = (uintptr_t)h };
	long ret;

	if (n > MAX_LIVE - c->n)
		n = MAX_LIVE - c->n;
	if (!n)
		return;
	b.count = n;
	ret = fioctl(t, KSLAB_IOC_RENT, &b);
	EXPECT(t, ret == -ENOMEM || (ret >= 1 && ret <= n), "RENT %u from %s: %ld", n, c->name, ret);
	if (ret > 0 && ret < n)
		t->partial++;
	for (i = 0; ret > 0 && i < (unsigned int)ret; i++)
		c->objs[c->n++] = (struct fobj){ .h = h[i], .tag = rng_next(&t->r) };
}

static void f_return(struct fthread *t, struct fcache *c)
{
	uint64_t h[64];
	unsigned int n = c->n ? 1 + rng_below(&t->r, c->n < 64 ? c->n : 64) : 0, i;
	struct kslab_batch b = { .size = sizeof(b), .cache_id = c->id, .handles = (uintptr_t)h };
	long ret;

	if (!n)
		return;
	for (i = 0; i < n; i++)
		h[i] = c->objs[c->n - 1 - i].h;
	b.count = n;
	ret = fioctl(t, KSLAB_IOC_RETURN, &b);
	EXPECT(t, ret == -ENOMEM || (ret >= 1 && ret <= n), "RETURN %u to %s: %ld", n, c->name, ret);
	if (ret > 0)
		c->n -= ret;
}

static void f_write(struct fthread *t, struct fcache *c)
{
	struct fobj *o;
	struct kslab_obj_io io = { .size = sizeof(io), .cache_id = c->id };
	long ret;

	if (!c->n)
		return;
	o = &c->objs[rng_below(&t->r, c->n)];
	io.handle = o->h;
	io.offset = rng_below(&t->r, (o->written < c->size ? o->written : c->size - 1) + 1);
	io.length = 1 + rng_below(&t->r, c->size - io.offset);
	io.buf = (uintptr_t)t->buf;
	pattern_fill(t->buf, o->tag, io.offset, io.length);
	ret = fioctl(t, KSLAB_IOC_OBJ_WRITE, &io);
	EXPECT(t, ret == 0 || ret == -ENOMEM, "OBJ_WRITE %s: %ld", c->name, ret);
	if (!ret && io.offset + io.length > o->written)
		o->written = io.offset + io.length;
}

/* Read all of @o and compare; with faults on or off. */
static void f_verify(struct fthread *t, struct fcache *c, struct fobj *o, bool faults)
{
	struct kslab_obj_io io = {
		.size = sizeof(io), .cache_id = c->id, .handle = o->h,
		.length = c->size, .buf = (uintptr_t)t->buf,
	};
	uint32_t i;
	long ret;

	memset(t->buf, 0xee, c->size);
	if (faults) {
		ret = fioctl(t, KSLAB_IOC_OBJ_READ, &io);
	} else {
		ret = kslab_dev_ioctl(t->fd, KSLAB_IOC_OBJ_READ, &io);
	}
	if (ret == -ENOMEM && faults)
		return;
	if (ret) {
		stress_fail(C_ERRNO, "thread %d: OBJ_READ %s: %ld", t->id, c->name, ret);
		return;
	}
	for (i = 0; i < c->size; i++) {
		uint8_t want = i < o->written ? pattern_byte(o->tag, i) : 0;

		if (t->buf[i] != want) {
			stress_fail(C_DATA, "thread %d: %s (%s) byte %u reads %#x, want %#x (written %u)",
				    t->id, c->name, kslab_backend_name(c->backend), i,
				    t->buf[i], want, o->written);
			return;
		}
	}
	t->verified++;
}

static void f_stats(struct fthread *t, struct fcache *c, bool faults)
{
	struct kslab_stats st;
	const char *why;
	long ret;

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.cache_id = c->id;
	if (faults) {
		ret = fioctl(t, KSLAB_IOC_STATS, &st);
	} else {
		ret = kslab_dev_ioctl(t->fd, KSLAB_IOC_STATS, &st);
	}
	if (ret == -ENOMEM && faults)
		return;
	if (ret) {
		stress_fail(C_ERRNO, "thread %d: STATS %s: %ld", t->id, c->name, ret);
		return;
	}
	why = stats_problem(&st);
	if (why)
		stress_fail(C_STATS, "thread %d: STATS %s: %s", t->id, c->name, why);
	if (st.active_objects != c->n)
		stress_fail(C_STATS, "thread %d: STATS %s (%s): active_objects %llu, the model has %u",
			    t->id, c->name, kslab_backend_name(c->backend),
			    (unsigned long long)st.active_objects, c->n);
	if (st.counters[KSLAB_STAT_RENT] &&
	    st.counters[KSLAB_STAT_RENT] - st.counters[KSLAB_STAT_RETURN] != st.active_objects)
		stress_fail(C_STATS, "thread %d: STATS %s (%s): rent %llu - return %llu != active %llu",
			    t->id, c->name, kslab_backend_name(c->backend),
			    (unsigned long long)st.counters[KSLAB_STAT_RENT],
			    (unsigned long long)st.counters[KSLAB_STAT_RETURN],
			    (unsigned long long)st.active_objects);
}

static void f_destroy(struct fthread *t, struct fcache *c)
{
	struct kslab_cache_destroy d = { .size = sizeof(d), .cache_id = c->id };
	long ret;

	while (c->n) {
		unsigned int before = c->n;

		f_return(t, c);
		if (c->n == before && !budget_ok())
			return;
	}
	ret = fioctl(t, KSLAB_IOC_CACHE_DESTROY, &d);
	EXPECT(t, ret == 0 || ret == -ENOMEM, "CACHE_DESTROY %s: %ld", c->name, ret);
	if (!ret)
		c->live = false;
}

/* Close the session (everything goes) and open a new one, under faults. */
static void f_reopen(struct fthread *t)
{
	int i, fd;

	faults_on(t);
	close(t->fd);
	fd = kslab_dev_open(NULL);
	faults_off(t);
	t->ops++;
	for (i = 0; i < NCACHES; i++) {
		t->c[i].live = false;
		t->c[i].n = 0;
	}
	if (fd < 0)
		EXPECT(t, fd == -ENOMEM, "open under faults: %s", strerror(-fd));
	t->fd = fd;
}

static void *worker(void *arg)
{
	struct fthread *t = arg;

	t->mif = open("/proc/thread-self/make-it-fail", O_WRONLY);
	if (t->mif < 0) {
		stress_fail(C_ERRNO, "open /proc/thread-self/make-it-fail: %s", strerror(errno));
		return NULL;
	}
	while (budget_ok()) {
		struct fcache *c = &t->c[rng_below(&t->r, NCACHES)];
		unsigned int k = rng_below(&t->r, 100);

		if (t->fd < 0) {
			f_reopen(t);
			continue;
		}
		if (!c->live) {
			f_create(t, c);
			continue;
		}
		if (k < 30)
			f_rent(t, c);
		else if (k < 50)
			f_return(t, c);
		else if (k < 70)
			f_write(t, c);
		else if (k < 80 && c->n)
			f_verify(t, c, &c->objs[rng_below(&t->r, c->n)], true);
		else if (k < 88)
			f_stats(t, c, true);
		else if (k < 92) {
			struct kslab_cache_tune tu = {
				.size = sizeof(tu), .cache_id = c->id,
				.magazine_size = 1 + rng_below(&t->r, 64),
			};
			long ret = fioctl(t, KSLAB_IOC_CACHE_TUNE, &tu);

			EXPECT(t, ret == 0 || ret == -ENOMEM || ret == -EOPNOTSUPP,
			       "CACHE_TUNE %s: %ld", c->name, ret);
		} else if (k < 97) {
			f_destroy(t, c);
		} else if (k < 99 && dev_has(&ver, KSLAB_CMD_BENCH)) {
			struct kslab_bench b = {
				.size = sizeof(b),
				.backend = sysfs_backend(c->backend) ? KSLAB_BACKEND_KSLAB : c->backend,
				.object_size = 64,
				.pattern = KSLAB_BENCH_BURN, .iterations = 200,
			};
			long ret = fioctl(t, KSLAB_IOC_BENCH, &b);

			EXPECT(t, ret == 0 || ret == -ENOMEM, "BENCH %s: %ld",
			       kslab_backend_name(c->backend), ret);
		} else {
			f_reopen(t);
		}
	}
	close(t->mif);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct fthread th[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	unsigned long ops = 0, enomem = 0, partial = 0, verified = 0, faults;
	char prefix[32], first[96], val[32];
	unsigned int nt, i, k;
	double t0;
	int fd;

	stress_parse(argc, argv, &opt,
		     "Inject --count allocation failures (failslab, fail_page_alloc) with\n"
		     "--probability percent into --threads workers' /dev/kslab calls.");
	ksft_print_header();
	ksft_print_msg("fault_stress --seed %llu --count %llu --seconds %g --probability %u --threads %u\n",
		       (unsigned long long)opt.seed, (unsigned long long)opt.count,
		       opt.seconds, opt.probability, opt.threads);
	if (access(FAILSLAB "/probability", W_OK) || access(FAILPAGE "/probability", W_OK)) {
		ksft_set_plan(1);
		ksft_test_result_skip("fault: no %s or %s (kernel without CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and CONFIG_FAULT_INJECTION_DEBUG_FS)\n",
				      FAILSLAB, FAILPAGE);
		ksft_finished();
	}
	if (access("/proc/self/make-it-fail", W_OK)) {
		ksft_set_plan(1);
		ksft_test_result_skip("fault: no /proc/self/make-it-fail (kernel without CONFIG_FAULT_INJECTION)\n");
		ksft_finished();
	}
	fd = dev_open_checked(&ver);
	if (fd < 0)
		ksft_exit_fail_msg("cannot use the device\n");
	close(fd);
	ksft_set_plan(C_NR + 1);
	/* no page fault of ours may need an allocation while faults are on */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		ksft_print_msg("mlockall: %s (user copies may fail with -EFAULT)\n", strerror(errno));

	snprintf(val, sizeof(val), "%u", opt.probability);
	for (k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
		struct knob *kn = &knobs[k];
		const char *v = kn->value;
		char times[32];
		int ret;

		if (knob_read(kn->dir, kn->name, kn->saved, sizeof(kn->saved)))
			kn->saved[0] = 0;
		if (!strcmp(kn->name, "probability"))
			v = val;
		if (!strcmp(kn->name, "times")) {
			snprintf(times, sizeof(times), "%ld", TIMES);
			v = times;
		}
		ret = knob_write(kn->dir, kn->name, v);
		if (ret)
			ksft_exit_fail_msg("%s/%s = %s: %s\n", kn->dir, kn->name, v, strerror(-ret));
	}
	times_start[0] = times_left(FAILSLAB);
	times_start[1] = times_left(FAILPAGE);

	nt = opt.threads ? opt.threads : 1;
	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	t0 = now_s();
	deadline = t0 + opt.seconds;
	for (i = 0; i < nt; i++) {
		pthread_attr_t attr;

		th[i].id = i;
		rng_seed(&th[i].r, opt.seed, i + 1);
		th[i].fd = kslab_dev_open(NULL);
		if (th[i].fd < 0)
			ksft_exit_fail_msg("open: %s\n", strerror(-th[i].fd));
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 256 << 10);
		if (pthread_create(&tid[i], &attr, worker, &th[i]))
			ksft_exit_fail_msg("pthread_create\n");
	}
	for (i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	faults = injected();
	/* faults off for good: restore the knobs */
	for (k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
		struct knob *kn = &knobs[k];

		if (!strcmp(kn->name, "probability"))
			knob_write(kn->dir, kn->name, "0");
		else if (kn->saved[0])
			knob_write(kn->dir, kn->name, kn->saved);
	}

	/* without faults: the model matches, everything goes back */
	for (i = 0; i < nt; i++) {
		struct fthread *t = &th[i];

		for (k = 0; k < NCACHES && t->fd >= 0; k++) {
			struct fcache *c = &t->c[k];
			unsigned int j;

			if (!c->live)
				continue;
			f_stats(t, c, false);
			for (j = 0; j < c->n; j++)
				f_verify(t, c, &c->objs[j], false);
			while (c->n) {
				uint64_t h[64];
				unsigned int n = c->n < 64 ? c->n : 64;
				long ret;

				for (j = 0; j < n; j++)
					h[j] = c->objs[c->n - 1 - j].h;
				ret = kslab_dev_return(t->fd, c->id, h, n);
				if (ret != n) {
					stress_fail(C_MODEL, "RETURN of %u rented objects of %s: %ld",
						    n, c->name, ret);
					break;
				}
				c->n -= n;
			}
			f_stats(t, c, false);
			if (kslab_dev_cache_destroy(t->fd, c->id))
				stress_fail(C_MODEL, "CACHE_DESTROY %s after the faults", c->name);
		}
		if (t->fd >= 0)
			close(t->fd);
		ops += t->ops;
		enomem += t->enomem;
		partial += t->partial;
		verified += t->verified;
	}
	snprintf(prefix, sizeof(prefix), "ft%d-", getpid());
	if (rows_with_prefix(prefix, first, sizeof(first)))
		stress_fail(C_GONE, "%s is still listed after every session closed", first);

	ksft_test_result(faults > 0, "fault: %lu allocation failures injected in %lu operations (%lu -ENOMEM, %lu partial rents)\n",
			 faults, ops, enomem, partial);
	ksft_test_result(!stress_failures(C_ERRNO), "fault: every operation succeeded or failed with -ENOMEM\n");
	ksft_test_result(!stress_failures(C_MODEL), "fault: every rented object returned exactly once afterwards\n");
	ksft_test_result(!stress_failures(C_DATA), "fault: contents intact (%lu objects verified)\n", verified);
	ksft_test_result(!stress_failures(C_STATS), "fault: STATS agrees with the model, counters consistent\n");
	ksft_test_result(!stress_failures(C_GONE), "fault: every cache gone after close\n");
	figures("fault", "seed=%llu faults=%lu ops=%lu enomem=%lu partial=%lu verified=%lu probability=%u seconds=%.1f",
		(unsigned long long)opt.seed, faults, ops, enomem, partial, verified,
		opt.probability, now_s() - t0);
	ksft_finished();
}
