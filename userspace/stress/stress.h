/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the reliability programs in userspace/stress/: option
 * parsing, a seeded PRNG, time, the kernel-pointer scan, /proc/slabinfo and
 * /proc/kslabinfo rows, and thread-safe failure records.
 *
 * Each program prints kselftest TAP (tools/testing/selftests/kselftest.h)
 * from its main thread only (kselftest.h's counters are not thread-safe)
 * and one line "# kslab-figures NAME key=value ..." that scripts/stress.sh
 * collects.
 */
#ifndef _KSLAB_STRESS_H
#define _KSLAB_STRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../libkslab.h"

/* Command-line options every program takes (not all use all of them). */
struct stress_opts {
	uint64_t seed;		/* --seed; random (and printed) when absent */
	uint64_t count;		/* --count: ioctls, kills, operations ... */
	double seconds;		/* --seconds: upper bound of the run */
	unsigned int threads;	/* --threads */
	unsigned int probability; /* --probability (fault_stress), percent */
	bool verbose;		/* --verbose */
	bool quiet;		/* --quiet: no TAP, exit status only */
};

/*
 * stress_parse() - parse argv into @o (which holds the defaults); prints a
 * usage text naming @what and exits on --help or a bad option.
 */
void stress_parse(int argc, char **argv, struct stress_opts *o,
		  const char *what);

/* ---------------- PRNG (xoshiro256**, seeded by splitmix64) ----------- */

struct rng {
	uint64_t s[4];
};

uint64_t splitmix64(uint64_t *x);
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* True with probability pct / 100. */
bool rng_pct(struct rng *r, unsigned int pct);
/* The byte at @i of the deterministic pattern @tag (never 0xff, see below). */
uint8_t pattern_byte(uint64_t tag, uint64_t i);
void pattern_fill(void *buf, uint64_t tag, uint64_t from, size_t len);
/* Index of the first byte that differs from the pattern, or -1. */
long pattern_check(const void *buf, uint64_t tag, uint64_t from, size_t len);

/* ---------------- time ---------------- */

double now_s(void);

/* ---------------- kernel-pointer scan ---------------- */

/*
 * A value that looks like an x86-64 kernel address: the direct map,
 * vmalloc, vmemmap and KASAN shadow (0xffff8000_00000000 up to
 * 0xfffffe00_00000000) or kernel text and modules (0xffffffff_80000000 up
 * to 0xffffffff_ff000000). Small negative numbers (-1 .. -2^24) are not.
 * The test patterns never contain 0xff bytes, so they cannot look like one.
 */
bool kernel_pointer_like(uint64_t v);
/*
 * Scan every byte offset of @buf for an 8-byte little-endian value that
 * looks like a kernel pointer; returns the first offset or -1 and stores
 * the value in *@val.
 */
long scan_kernel_pointers(const void *buf, size_t len, uint64_t *val);

/* ---------------- /proc/slabinfo and /proc/kslabinfo ---------------- */

/*
 * The rows of the caches whose name starts with @prefix, read by libkslab:
 * of /proc/kslabinfo ("<name>"), then of /proc/slabinfo
 * (KSLAB_SLABINFO_PREFIX "<name>"). The first @max go to @rows; returns
 * how many there are. A file that cannot be read or is not slabinfo 2.1
 * counts nothing (slabinfo_test checks that both files parse).
 */
int listed_rows(const char *prefix, struct kslab_slabinfo *rows,
		unsigned int max);
/* How many rows listed_rows() finds; the first one's name goes to @first. */
int rows_with_prefix(const char *prefix, char *first, size_t first_len);

/* ---------------- failures ---------------- */

/*
 * Record a failure of check @check (an index below STRESS_MAX_CHECKS that
 * the program names): counted, and the first few of each are printed as
 * TAP diagnostics with the seed. Thread-safe; not for forked children.
 */
#define STRESS_MAX_CHECKS 16
void stress_fail(unsigned int check, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
unsigned long stress_failures(unsigned int check);
void stress_set_seed(uint64_t seed);

/* ---------------- the device ---------------- */

/* The calls themselves are libkslab's kslab_dev_*(). */

/* Does the module implement command @nr? */
static inline bool dev_has(const struct kslab_version *ver, unsigned int nr)
{
	return ver->commands & (1ULL << nr);
}
/* A backend @ver lists, chosen by @r; -1 when it lists none. */
int dev_pick_backend(const struct kslab_version *ver, uint64_t r);

/*
 * STATS of cache @id into @st, which is filled with 0xa5 first, so that
 * stats_problem() sees any counter the module left unwritten; 0 or -errno.
 */
int stats_read(int fd, uint32_t id, struct kslab_stats *st);
/*
 * Check a STATS reply: counters past nr_counters and beyond are zero, no
 * byte looks like a kernel pointer, rent >= return. Returns NULL or a
 * description of the first problem.
 */
const char *stats_problem(const struct kslab_stats *st);

/* The cache is of a backend whose objects are charged to a fixed capacity. */
static inline bool backend_fixed(unsigned int b)
{
	return KSLAB_BACKENDS_FIXED & _BITULL(b);
}

/*
 * The cache flags a backend can honour: only KSLAB_BACKENDS_DEBUG have a
 * debug mode (the others' create answers -EOPNOTSUPP, as documented).
 */
static inline unsigned int backend_flags(unsigned int b, unsigned int flags)
{
	if (!(KSLAB_BACKENDS_DEBUG & _BITULL(b)))
		flags &= ~KSLAB_CACHE_DEBUG;
	return flags;
}

/* The commands a stress program needs to do anything. */
#define STRESS_NEEDED_CMDS ((1ULL << KSLAB_CMD_CACHE_CREATE) |	\
			    (1ULL << KSLAB_CMD_CACHE_DESTROY) |	\
			    (1ULL << KSLAB_CMD_RENT) |		\
			    (1ULL << KSLAB_CMD_RETURN) |		\
			    (1ULL << KSLAB_CMD_OBJ_WRITE) |		\
			    (1ULL << KSLAB_CMD_OBJ_READ) |		\
			    (1ULL << KSLAB_CMD_STATS))

/*
 * Open the device and read VERSION into @ver. Returns the descriptor, or
 * prints why and returns -errno: the device cannot be opened, VERSION
 * fails, or the module lacks STRESS_NEEDED_CMDS or lists no backend
 * (-EOPNOTSUPP; the module implements every command, so that is a
 * failure too).
 */
int dev_open_checked(struct kslab_version *ver);

/* Print the figures line. */
void figures(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* _KSLAB_STRESS_H */
