// SPDX-License-Identifier: GPL-2.0
/*
 * load_stress: all CPUs x several threads on one session of /dev/kslab,
 * for a bounded time. Each thread, pinned to a CPU, rents batches from a
 * cache of every backend, writes a pattern of its own into each object,
 * reads it back, and then either returns the object or hands it to another
 * thread (preferably on another CPU), which reads the pattern back and
 * returns it: the cross-CPU return path. Bytes past what was written must
 * read as zero. At the end every object has been returned exactly once,
 * STATS shows no active object and every cache is gone.
 *
 *   load_stress [--seconds S] [--threads PER_CPU] [--seed N]
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"

#include "stress.h"

#define MAX_THREADS	256
#define QCAP		128
#define MAX_BATCH	16
#define MAX_CACHES	(KSLAB_BACKEND_NR + 1)

enum { C_ERRNO, C_DATA, C_ZERO, C_COUNT, C_STATS, C_GONE, C_NR };

struct item {
	uint32_t cache;		/* index in caches[] */
	uint32_t len;		/* bytes written */
	uint64_t handle;
	uint64_t tag;
};

struct queue {
	pthread_mutex_t lock;
	unsigned int head, n;
	struct item it[QCAP];
};

struct lcache {
	uint32_t id;
	unsigned int backend;
	unsigned int size;
	unsigned int flags;
};

static struct lcache caches[MAX_CACHES];
static int nr_caches;
static int fd;
static int nr_threads, nr_cpus;
static struct queue queues[MAX_THREADS];
static atomic_int stop;
static atomic_ulong n_rented, n_returned, n_verified, n_handoffs, n_zero_checked;
static struct stress_opts opt = {
	.seconds = 5, .threads = 4,
};

static bool q_push(int t, const struct item *it)
{
	struct queue *q = &queues[t];
	bool ok = false;

	pthread_mutex_lock(&q->lock);
	if (q->n < QCAP) {
		q->it[(q->head + q->n++) % QCAP] = *it;
		ok = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

static bool q_pop(int t, struct item *it)
{
	struct queue *q = &queues[t];
	bool ok = false;

	pthread_mutex_lock(&q->lock);
	if (q->n) {
		*it = q->it[q->head];
		q->head = (q->head + 1) % QCAP;
		q->n--;
		ok = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

/* Read back what @it says was written, check the rest reads zero sometimes. */
static void verify(const struct item *it, struct rng *r, uint8_t *buf, int who)
{
	const struct lcache *c = &caches[it->cache];
	long bad;
	int ret;

	ret = kslab_dev_obj_read(fd, c->id, it->handle, 0, buf, it->len);
	if (ret) {
		stress_fail(C_ERRNO, "thread %d: OBJ_READ %s handle %#llx len %u: %s",
			    who, kslab_backend_name(c->backend),
			    (unsigned long long)it->handle, it->len, strerror(-ret));
		return;
	}
	bad = pattern_check(buf, it->tag, 0, it->len);
	if (bad >= 0)
		stress_fail(C_DATA, "thread %d: %s handle %#llx: byte %ld of %u differs",
			    who, kslab_backend_name(c->backend),
			    (unsigned long long)it->handle, bad, it->len);
	else
		atomic_fetch_add(&n_verified, 1);
	if (it->len < c->size && rng_pct(r, 10)) {
		uint32_t n = c->size - it->len, i;

		ret = kslab_dev_obj_read(fd, c->id, it->handle, it->len, buf, n);
		if (ret) {
			stress_fail(C_ERRNO, "thread %d: OBJ_READ tail: %s", who,
				    strerror(-ret));
			return;
		}
		for (i = 0; i < n && !buf[i]; i++)
			;
		if (i < n)
			stress_fail(C_ZERO, "thread %d: %s: unwritten byte %u of the object reads %#x, not 0",
				    who, kslab_backend_name(c->backend),
				    it->len + i, buf[i]);
		atomic_fetch_add(&n_zero_checked, 1);
	}
}

static void give_back(const struct item *its, unsigned int n, int who)
{
	uint64_t h[MAX_BATCH];
	unsigned int i, j;
	int ret;

	/* one RETURN per run of items of the same cache */
	for (i = 0; i < n; i = j) {
		unsigned int k = 0;

		for (j = i; j < n && its[j].cache == its[i].cache && k < MAX_BATCH; j++)
			h[k++] = its[j].handle;
		ret = kslab_dev_return(fd, caches[its[i].cache].id, h, k);
		if (ret != (int)k)
			stress_fail(C_COUNT, "thread %d: RETURN of %u to %s: %d (%s)",
				    who, k, kslab_backend_name(caches[its[i].cache].backend),
				    ret, ret < 0 ? strerror(-ret) : "partial");
		if (ret > 0)
			atomic_fetch_add(&n_returned, ret);
	}
}

static void drain(int t, struct rng *r, uint8_t *buf, unsigned int max)
{
	struct item its[MAX_BATCH];
	unsigned int n = 0;

	while (n < max && n < MAX_BATCH && q_pop(t, &its[n])) {
		verify(&its[n], r, buf, t);
		n++;
	}
	if (n)
		give_back(its, n, t);
}

static void *worker(void *arg)
{
	int t = (int)(long)arg;
	uint8_t *wbuf = malloc(KSLAB_OBJECT_SIZE_MAX), *rbuf = malloc(KSLAB_OBJECT_SIZE_MAX);
	struct rng r;
	cpu_set_t set;

	rng_seed(&r, opt.seed, t + 1);
	CPU_ZERO(&set);
	CPU_SET(t % nr_cpus, &set);
	sched_setaffinity(0, sizeof(set), &set);

	while (!atomic_load(&stop)) {
		struct item mine[MAX_BATCH];
		uint64_t h[MAX_BATCH];
		unsigned int ci = rng_below(&r, nr_caches), n = 1 + rng_below(&r, MAX_BATCH);
		const struct lcache *c = &caches[ci];
		unsigned int nmine = 0;
		int ret, i;

		drain(t, &r, rbuf, MAX_BATCH);
		ret = kslab_dev_rent(fd, c->id, h, n);
		if (ret != (int)n)
			stress_fail(C_ERRNO, "thread %d: RENT %u from %s: %d (%s)", t, n,
				    kslab_backend_name(c->backend), ret,
				    ret < 0 ? strerror(-ret) : "partial");
		if (ret <= 0)
			continue;
		atomic_fetch_add(&n_rented, ret);
		for (i = 0; i < ret; i++) {
			struct item it = {
				.cache = ci, .handle = h[i], .tag = rng_next(&r),
				.len = 1 + rng_below(&r, c->size),
			};
			int w;

			pattern_fill(wbuf, it.tag, 0, it.len);
			w = kslab_dev_obj_write(fd, c->id, it.handle, 0, wbuf, it.len);
			if (w) {
				stress_fail(C_ERRNO, "thread %d: OBJ_WRITE %u to %s: %s", t,
					    it.len, kslab_backend_name(c->backend), strerror(-w));
				it.len = 0;
			}
			if (it.len)
				verify(&it, &r, rbuf, t);
			if (it.len && nr_threads > 1 && rng_pct(&r, 50)) {
				/* another thread, on another CPU when there is one */
				int to = rng_below(&r, nr_threads - 1);

				to += to >= t;
				if (nr_cpus > 1 && to % nr_cpus == t % nr_cpus)
					to = (to + 1) % nr_threads;
				if (to != t && q_push(to, &it)) {
					atomic_fetch_add(&n_handoffs, 1);
					continue;
				}
			}
			mine[nmine++] = it;
		}
		if (nmine)
			give_back(mine, nmine, t);
	}
	free(wbuf);
	free(rbuf);
	return NULL;
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 64, 256, 1000, 4096, 192, 512, 2048 };
	pthread_t th[MAX_THREADS];
	struct kslab_version ver;
	char name[64], prefix[16], first[96];
	unsigned long create_fail = 0, stats_bad = 0;
	struct rng r;
	uint8_t *buf;
	double t0;
	int b, i, ret;

	stress_parse(argc, argv, &opt,
		     "All CPUs x --threads per CPU rent, write, read back and return (or\n"
		     "hand off) objects of every backend for --seconds.");
	ksft_print_header();
	ksft_print_msg("load_stress --seed %llu --seconds %g --threads %u\n",
		       (unsigned long long)opt.seed, opt.seconds, opt.threads);
	fd = dev_open_checked(&ver);
	if (fd < 0)
		ksft_exit_fail_msg("cannot use the device\n");
	ksft_set_plan(C_NR);

	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	nr_threads = nr_cpus * (opt.threads ? opt.threads : 1);
	if (nr_threads > MAX_THREADS)
		nr_threads = MAX_THREADS;
	rng_seed(&r, opt.seed, 0);
	snprintf(prefix, sizeof(prefix), "ld%d-", getpid());

	for (b = 0; b < KSLAB_BACKEND_NR; b++) {
		unsigned int flags_list[2] = { 0, KSLAB_CACHE_DEBUG }, k;

		if (!(ver.backends & (1ULL << b)))
			continue;
		/* kslab's own backend twice: plain and in debug mode */
		for (k = 0; k < (b == KSLAB_BACKEND_KSLAB ? 2u : 1u); k++) {
			struct lcache *c = &caches[nr_caches];

			c->backend = b;
			c->flags = flags_list[k];
			c->size = sizes[(b + k * 3) % (sizeof(sizes) / sizeof(sizes[0]))];
			snprintf(name, sizeof(name), "%s%d.%u", prefix, b, k);
			ret = kslab_dev_cache_create_args(fd, &(struct kslab_cache_create){
				.backend = b, .flags = c->flags, .object_size = c->size,
				.capacity = backend_fixed(b) ? 8192 : 0,
				.name = (uintptr_t)name,
			});
			if (ret < 0) {
				stress_fail(C_ERRNO, "CACHE_CREATE %s size %u: %s",
					    kslab_backend_name(b), c->size, strerror(-ret));
				create_fail++;
				continue;
			}
			c->id = ret;
			nr_caches++;
		}
	}
	if (!nr_caches)
		ksft_exit_fail_msg("no cache could be created\n");
	for (i = 0; i < nr_threads; i++)
		pthread_mutex_init(&queues[i].lock, NULL);

	t0 = now_s();
	for (i = 0; i < nr_threads; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(long)i))
			ksft_exit_fail_msg("pthread_create\n");
	while (now_s() - t0 < opt.seconds)
		usleep(20000);
	atomic_store(&stop, 1);
	for (i = 0; i < nr_threads; i++)
		pthread_join(th[i], NULL);
	/* what was handed off but not yet taken back */
	buf = malloc(KSLAB_OBJECT_SIZE_MAX);
	for (i = 0; i < nr_threads; i++)
		while (queues[i].n)
			drain(i, &r, buf, MAX_BATCH);
	free(buf);

	for (i = 0; i < nr_caches; i++) {
		struct kslab_stats st;
		const char *why;

		ret = stats_read(fd, caches[i].id, &st);
		why = ret ? strerror(-ret) : stats_problem(&st);
		if (!why && st.active_objects)
			why = "active objects after every object was returned";
		if (!why && st.counters[KSLAB_STAT_RENT] != st.counters[KSLAB_STAT_RETURN])
			why = "rent and return counters differ with nothing rented";
		if (why) {
			stats_bad++;
			ksft_print_msg("STATS %s: %s (active %llu rent %llu return %llu)\n",
				       kslab_backend_name(caches[i].backend), why,
				       (unsigned long long)st.active_objects,
				       (unsigned long long)st.counters[KSLAB_STAT_RENT],
				       (unsigned long long)st.counters[KSLAB_STAT_RETURN]);
		}
		ret = kslab_dev_cache_destroy(fd, caches[i].id);
		if (ret)
			stress_fail(C_GONE, "CACHE_DESTROY %s: %s",
				    kslab_backend_name(caches[i].backend), strerror(-ret));
	}
	close(fd);
	if (rows_with_prefix(prefix, first, sizeof(first)))
		stress_fail(C_GONE, "a destroyed cache is still listed: %s", first);

	ksft_test_result(!stress_failures(C_ERRNO),
			 "load: every create/rent/write/read/return succeeded (%lu errors)\n",
			 stress_failures(C_ERRNO));
	ksft_test_result(!stress_failures(C_DATA) && atomic_load(&n_verified),
			 "load: %lu objects read back intact\n", atomic_load(&n_verified));
	ksft_test_result(!stress_failures(C_ZERO),
			 "load: unwritten bytes read as zero (%lu objects checked)\n",
			 atomic_load(&n_zero_checked));
	ksft_test_result(!stress_failures(C_COUNT) &&
			 atomic_load(&n_rented) == atomic_load(&n_returned),
			 "load: rented %lu, returned %lu, %lu handed to another thread\n",
			 atomic_load(&n_rented), atomic_load(&n_returned),
			 atomic_load(&n_handoffs));
	ksft_test_result(!stats_bad, "load: STATS of %d caches: nothing active, counters agree\n",
			 nr_caches);
	ksft_test_result(!stress_failures(C_GONE) && !create_fail,
			 "load: every cache destroyed and gone from slabinfo/kslabinfo\n");
	figures("load", "seconds=%.1f threads=%d cpus=%d caches=%d rented=%lu verified=%lu handoffs=%lu",
		now_s() - t0, nr_threads, nr_cpus, nr_caches, atomic_load(&n_rented),
		atomic_load(&n_verified), atomic_load(&n_handoffs));
	ksft_finished();
}
