// SPDX-License-Identifier: GPL-2.0
/* Shared helpers of the reliability programs; see stress.h. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stress.h"

/* ---------------- options ---------------- */

void stress_parse(int argc, char **argv, struct stress_opts *o,
		  const char *what)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "threads", required_argument, NULL, 'j' },
		{ "probability", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool seeded = false;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:t:j:p:vqh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'n':
			o->count = strtoull(optarg, NULL, 0);
			break;
		case 't':
			o->seconds = strtod(optarg, NULL);
			break;
		case 'j':
			o->threads = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			o->probability = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		default:
			printf("usage: %s [--seed N] [--count N] [--seconds S] [--threads N]\n"
			       "          [--probability PCT] [--verbose] [--quiet]\n%s\n",
			       argv[0], what);
			exit(c == 'h' ? 0 : 2);
		}
	}
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		o->seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ ts.tv_nsec ^
			  (uint64_t)getpid() << 32;
	}
	stress_set_seed(o->seed);
}

/* ---------------- PRNG ---------------- */

uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

bool rng_pct(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

uint8_t pattern_byte(uint64_t tag, uint64_t i)
{
	uint64_t x = tag ^ (i >> 3) * 0x9e3779b97f4a7c15ULL;

	x = splitmix64(&x);
	/* 0x00..0x7e: never 0xff, so no pattern looks like a kernel pointer */
	return (uint8_t)(x >> (8 * (i & 7))) % 0x7f;
}

void pattern_fill(void *buf, uint64_t tag, uint64_t from, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern_byte(tag, from + i);
}

long pattern_check(const void *buf, uint64_t tag, uint64_t from, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern_byte(tag, from + i))
			return (long)i;
	return -1;
}

/* ---------------- time ---------------- */

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------- kernel pointers ---------------- */

bool kernel_pointer_like(uint64_t v)
{
	return (v >= 0xffff800000000000ULL && v < 0xfffffe0000000000ULL) ||
	       (v >= 0xffffffff80000000ULL && v < 0xffffffffff000000ULL);
}

long scan_kernel_pointers(const void *buf, size_t len, uint64_t *val)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i + 8 <= len; i++) {
		uint64_t v;

		/* cheap filter: a kernel pointer's top byte is 0xff */
		if (p[i + 7] != 0xff)
			continue;
		memcpy(&v, p + i, 8);
		if (kernel_pointer_like(v)) {
			*val = v;
			return (long)i;
		}
	}
	return -1;
}

/* ---------------- slabinfo ---------------- */

int listed_rows(const char *prefix, struct kslab_slabinfo *rows,
		unsigned int max)
{
	char sprefix[sizeof(KSLAB_SLABINFO_PREFIX) + 64];
	int k, s;

	snprintf(sprefix, sizeof(sprefix), KSLAB_SLABINFO_PREFIX "%s", prefix);
	k = kslab_slabinfo_rows("/proc/kslabinfo", prefix, rows, max);
	if (k < 0)
		k = 0;
	if ((unsigned int)k < max)
		s = kslab_slabinfo_rows("/proc/slabinfo", sprefix, rows + k,
					max - k);
	else
		s = kslab_slabinfo_rows("/proc/slabinfo", sprefix, NULL, 0);
	return k + (s < 0 ? 0 : s);
}

int rows_with_prefix(const char *prefix, char *first, size_t first_len)
{
	struct kslab_slabinfo row;
	int n = listed_rows(prefix, &row, 1);

	if (first_len)
		snprintf(first, first_len, "%s", n ? row.name : "");
	return n;
}

/* ---------------- failures ---------------- */

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long fail_count[STRESS_MAX_CHECKS];
static uint64_t the_seed;

void stress_set_seed(uint64_t seed)
{
	the_seed = seed;
}

void stress_fail(unsigned int check, const char *fmt, ...)
{
	va_list ap;

	if (check >= STRESS_MAX_CHECKS)
		check = STRESS_MAX_CHECKS - 1;
	pthread_mutex_lock(&fail_lock);
	if (fail_count[check]++ < 5) {
		printf("# FAIL (seed %llu): ", (unsigned long long)the_seed);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		fflush(stdout);
	}
	pthread_mutex_unlock(&fail_lock);
}

unsigned long stress_failures(unsigned int check)
{
	unsigned long n;

	pthread_mutex_lock(&fail_lock);
	n = fail_count[check];
	pthread_mutex_unlock(&fail_lock);
	return n;
}

/* ---------------- the device ---------------- */

int dev_pick_backend(const struct kslab_version *ver, uint64_t r)
{
	int avail[KSLAB_BACKEND_NR], n = 0, b;

	for (b = 0; b < KSLAB_BACKEND_NR; b++)
		if (ver->backends & (1ULL << b))
			avail[n++] = b;
	return n ? avail[r % n] : -1;
}

int stats_read(int fd, uint32_t id, struct kslab_stats *st)
{
	memset(st, 0xa5, sizeof(*st));
	st->cache_id = id;
	return kslab_dev_stats_args(fd, st);
}

const char *stats_problem(const struct kslab_stats *st)
{
	static __thread char why[160];
	uint64_t v;
	long at;
	unsigned int i;

	if (st->nr_counters > KSLAB_STAT_MAX)
		return "nr_counters > KSLAB_STAT_MAX";
	for (i = st->nr_counters; i < KSLAB_STAT_MAX; i++)
		if (st->counters[i]) {
			snprintf(why, sizeof(why),
				 "counters[%u] = %#llx past nr_counters %u (uninitialised?)",
				 i, (unsigned long long)st->counters[i], st->nr_counters);
			return why;
		}
	at = scan_kernel_pointers(st, sizeof(*st), &v);
	if (at >= 0) {
		snprintf(why, sizeof(why), "kernel-pointer-like %#llx at byte %ld",
			 (unsigned long long)v, at);
		return why;
	}
	if (st->counters[KSLAB_STAT_RETURN] > st->counters[KSLAB_STAT_RENT]) {
		snprintf(why, sizeof(why), "return %llu > rent %llu",
			 (unsigned long long)st->counters[KSLAB_STAT_RETURN],
			 (unsigned long long)st->counters[KSLAB_STAT_RENT]);
		return why;
	}
	if (st->active_objects > (1ULL << 40)) {
		snprintf(why, sizeof(why), "active_objects %#llx (underflow?)",
			 (unsigned long long)st->active_objects);
		return why;
	}
	return NULL;
}

int dev_open_checked(struct kslab_version *ver)
{
	int fd = kslab_dev_open(NULL), ret;

	if (fd < 0) {
		printf("# open %s: %s\n", KSLAB_DEVICE_PATH, strerror(-fd));
		return fd;
	}
	ret = kslab_dev_version(fd, ver);
	if (ret) {
		printf("# VERSION: %s\n", strerror(-ret));
		kslab_dev_close(fd);
		return ret;
	}
	if ((ver->commands & STRESS_NEEDED_CMDS) != STRESS_NEEDED_CMDS ||
	    !ver->backends) {
		printf("# the module implements commands %#llx and backends %#llx; "
		       "needs commands %#llx and a backend\n",
		       (unsigned long long)ver->commands,
		       (unsigned long long)ver->backends,
		       (unsigned long long)STRESS_NEEDED_CMDS);
		kslab_dev_close(fd);
		return -EOPNOTSUPP;
	}
	return fd;
}

void figures(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("# kslab-figures %s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}
