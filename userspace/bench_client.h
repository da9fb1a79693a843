/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab-bench: what the client's files share. The ABI comes from
 * libkslab.h (include/uapi/kslab.h), never from here.
 */
#ifndef _KSLAB_BENCH_CLIENT_H
#define _KSLAB_BENCH_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libkslab.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define BENCH_MAX_REPS		64
#define BENCH_MAX_LIST		16
#define BENCH_NO_BACKEND	(~0U)
/* objects a memory row holds while it reads the slab figures */
#define BENCH_MEM_ROWS_HELD	256

/* Case kinds; every result row is one of them. */
enum bench_kind {
	BK_BURN,	/* in-kernel burn-after-reading, one CPU */
	BK_EMPTY,	/* in-kernel burn against an empty pool: the loop alone */
	BK_HOLD,	/* in-kernel hold-N, one CPU */
	BK_CROSS,	/* in-kernel producer/consumer, one CPU pair */
	BK_ALL,		/* in-kernel burn on param CPUs at once */
	BK_BULK,	/* in-kernel bulk of param */
	BK_COPY,	/* in-kernel copy_from_user() of size bytes */
	BK_NOP,		/* NOP ioctl round trip */
	BK_RT,		/* RENT + RETURN ioctls of param objects */
	BK_RTO,		/* RENT_ONE + RETURN_ONE ioctls of one object */
	BK_RTW,		/* RENT + OBJ_WRITE(size) + RETURN ioctls, one object */
	BK_MEM,		/* slabinfo of a cache holding param objects */
	BK_RTT_SHARED,	/* RENT_ONE + RETURN_ONE by param threads, one file */
	BK_RTT_OWN,	/* the same, param threads with a file (session) each */
	BK_NR,
};

/*
 * The kinds whose round trip is RENT_ONE + RETURN_ONE of one object: the
 * cache id and the handle travel by value, with no struct and no copy.
 */
static inline bool bench_by_value(enum bench_kind kind)
{
	return kind == BK_RTO || kind == BK_RTT_SHARED || kind == BK_RTT_OWN;
}

/* The threaded kinds: an untimed pass counts the contended locks. */
static inline bool bench_counts_locks(enum bench_kind kind)
{
	return kind == BK_RTT_SHARED || kind == BK_RTT_OWN;
}

/**
 * struct bench_list - a list of numbers given on the command line.
 * @n: entries used.
 * @v: the entries.
 */
struct bench_list {
	unsigned int n;
	unsigned int v[BENCH_MAX_LIST];
};

/**
 * struct bench_opts - what to run.
 * @backends: bit n: run backend n.
 * @kinds: bit n: run &enum bench_kind n.
 * @sizes: object sizes.
 * @holds: N of hold-N.
 * @bulks: batches of bulk.
 * @cpus: CPU counts of all-CPUs (0: 1..online).
 * @threads: thread counts of the threaded ioctl cases (1 and online).
 * @reps: repetitions R after the warm-up.
 * @target_ms: time one repetition aims at (iterations are calibrated).
 * @max_iters: upper bound on iterations per repetition.
 * @sizes_all: run hold, cross, all-CPUs, bulk and ioctl cases at every
 *	size, not only the first.
 * @unit: "ns", or "instr" when the guest runs with -icount shift=0.
 * @json: file for --json, or NULL.
 * @csv: file for --csv, or NULL.
 * @progress: print a progress line on stderr.
 * @quiet: no table.
 * @require_all: a missing command or backend fails the run.
 * @device: device path.
 * @commit: what was built (git describe), from --commit, or NULL.
 * @platform: from --platform, or NULL: bare-metal, vm, qemu-tcg, qemu-kvm.
 * @icount_shift: QEMU's -icount shift from --icount-shift, or -1.
 * @argc: arguments after the program name.
 * @argv: those arguments, as given.
 */
struct bench_opts {
	uint64_t backends;
	unsigned int kinds;
	struct bench_list sizes, holds, bulks, cpus, threads;
	unsigned int reps;
	unsigned int target_ms;
	uint64_t max_iters;
	bool sizes_all;
	const char *unit;
	const char *json;
	const char *csv;
	bool progress;
	bool quiet;
	bool require_all;
	const char *device;
	const char *commit;
	const char *platform;
	int icount_shift;
	int argc;
	char **argv;
};

/**
 * struct bench_context - where a run took place, for the JSON's context
 *	block (bench_context.c; Documentation/benchmarks.rst has the schema).
 * @date: start of the run, UTC, ISO 8601.
 * @kernel: uname release.
 * @arch: uname machine.
 * @cmdline: /proc/cmdline, or empty.
 * @cpu_model: first "model name" of /proc/cpuinfo, or empty.
 * @hypervisor: the CPU reports the hypervisor flag (CPUID leaf 1 ECX 31).
 * @cpus_online: online CPUs.
 * @numa_nodes: online NUMA nodes (1 without NUMA support).
 * @module_abi: ABI version the module reported.
 */
struct bench_context {
	char date[32];
	char kernel[65];
	char arch[65];
	char cmdline[1024];
	char cpu_model[128];
	bool hypervisor;
	long cpus_online;
	unsigned int numa_nodes;
	unsigned int module_abi;
};

/**
 * struct bench_stat - summary of R samples.
 */
struct bench_stat {
	double mean, sd, err, median, min, max;
};

#define BENCH_LOCK_PATH		128

/**
 * struct bench_lock - contended locks met by the untimed pass of a
 *	threaded row (bench_lock.c), from lock:contention_begin.
 * @inst: the tracefs instance while it exists, else empty.
 * @keys: the hist trigger written, NULL when there is none.
 * @trips: round trips of the pass, all threads; 0 when it did not count.
 * @events: lock:contention_begin events in the whole guest meanwhile.
 * @kslab_events: those whose stack has a kslab function among its
 *	innermost frames.
 * @kslab_known: @kslab_events is exact (every stack found room).
 * @why: why there is no count, or empty.
 */
struct bench_lock {
	char inst[BENCH_LOCK_PATH];
	const char *keys;
	uint64_t trips, events, kslab_events;
	bool kslab_known;
	char why[96];
};

/**
 * struct bench_result - one row: a case and its R repetitions.
 * @kind: &enum bench_kind.
 * @backend: &enum kslab_backend, BENCH_NO_BACKEND for NOP and copy.
 * @size: object size in bytes.
 * @param: N (hold), batch (bulk, RT), CPUs (all-CPUs, cross), threads
 *	of the threaded ioctl cases; 1 for RTO and RTW.
 * @error: 0, or the -errno that stopped the case.
 * @reps: samples taken.
 * @iters: iterations per repetition.
 * @t: time per object per CPU of each repetition (ns, or instructions).
 * @cyc: cycles per object of each repetition (in-kernel cases).
 * @time: summary of @t.
 * @cycles: mean of @cyc.
 * @ops_s: objects per second, all CPUs together (from the mean).
 * @reuse: fraction of rents that got the previous rent's address.
 * @failed: rents that failed, over all repetitions.
 * @objects_per_slab: as the pool reported.
 * @pages: pages the pool held at the end of the last repetition (memory:
 *	while it held param objects).
 * @pages_shrunk: pages it held after its shrink.
 * @stride: bytes per object in a slab (memory rows).
 * @pages_per_slab: pages per slab (memory rows).
 * @slabs: slabs held (memory rows).
 * @pages_returned: pages held after every object was returned, before the
 *	shrink (memory rows).
 * @init_on_alloc: zeroing on allocation was on.
 * @ratio: median over the same case's kmem_cache median (bench_ratios()),
 *	NAN when there is none.
 * @lock: contended locks of the untimed pass (threaded rows).
 */
struct bench_result {
	enum bench_kind kind;
	unsigned int backend;
	unsigned int size;
	unsigned int param;
	int error;
	unsigned int reps;
	uint64_t iters;
	double t[BENCH_MAX_REPS];
	double cyc[BENCH_MAX_REPS];
	struct bench_stat time;
	double cycles;
	double ops_s;
	double reuse;
	uint64_t failed;
	unsigned int objects_per_slab;
	uint64_t pages, pages_shrunk;
	unsigned int stride, pages_per_slab;
	uint64_t slabs, pages_returned;
	bool init_on_alloc;
	double ratio;
	struct bench_lock lock;
};

/**
 * struct bench_results - every row of a run.
 */
struct bench_results {
	unsigned int n, cap;
	struct bench_result *r;
};

/**
 * struct bench_sample - what one repetition measured.
 * @t: time per object per CPU (ns, or instructions under icount).
 * @cyc: cycles per object (0 when not measured).
 * @reuse: fraction of rents that got the previous rent's address.
 * @failed: rents that failed.
 * @objects_per_slab: as the pool reported.
 * @pages: pages the pool held at the end.
 * @pages_shrunk: pages it held after a shrink.
 * @init_on_alloc: objects were zeroed on allocation.
 */
struct bench_sample {
	double t, cyc, reuse;
	uint64_t failed;
	unsigned int objects_per_slab;
	uint64_t pages, pages_shrunk;
	bool init_on_alloc;
};

/**
 * typedef bench_once_fn - run one repetition of @iters iterations.
 * Returns 0 and fills the sample, or a negative errno.
 */
typedef int (*bench_once_fn)(void *ctx, uint64_t iters, struct bench_sample *s);

/* bench_stats.c */
void bench_summarize(const double *x, unsigned int n, struct bench_stat *s);
double bench_now_ns(void);
unsigned int bench_loops(const struct bench_result *r);
int bench_repeat(const struct bench_opts *o, struct bench_result *r,
		 uint64_t step, bench_once_fn once, void *ctx);

/* bench_kernel.c: cases of the BENCH ioctl */
int bench_kernel_case(int fd, const struct bench_opts *o,
		      struct bench_result *r);

/* bench_ioctl.c: round trips from userspace, and the memory rows */
int bench_ioctl_case(int fd, const struct bench_opts *o,
		     struct bench_result *r);

/* bench_lock.c: lock:contention_begin around a pass */
int bench_lock_begin(struct bench_lock *l);
int bench_lock_end(struct bench_lock *l);

/* bench_mem.c: /proc/slabinfo and /proc/kslabinfo */
int bench_mem_read(unsigned int backend, const char *cache,
		   struct bench_result *r, uint64_t *pages);
void bench_mem_shrink(const char *cache);

/* bench_context.c */
void bench_context_read(struct bench_context *c);
const char *bench_platform(const struct bench_context *c,
			   const struct bench_opts *o);

/* bench_report.c */
const char *bench_kind_name(enum bench_kind kind);
const char *bench_param_name(enum bench_kind kind);
int bench_init_on_alloc(const struct bench_results *res);
struct bench_result *bench_find(const struct bench_results *res,
				enum bench_kind kind, unsigned int backend,
				unsigned int size, unsigned int param);
void bench_ratios(struct bench_results *res);
void bench_table(FILE *f, const struct bench_results *res,
		 const struct bench_opts *o, const struct bench_context *c);
void bench_breakdown(FILE *f, const struct bench_results *res,
		     const struct bench_opts *o);
int bench_targets(FILE *f, const struct bench_results *res,
		  const struct bench_opts *o);
int bench_json(const char *path, const struct bench_results *res,
	       const struct bench_opts *o, const struct bench_context *c);
int bench_csv(const char *path, const struct bench_results *res,
	      const struct bench_opts *o);

#endif /* _KSLAB_BENCH_CLIENT_H */
