// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench output: the aligned table (one section per pattern, in the
 * style of Google Benchmark and BenchmarkDotNet), the component breakdown
 * of the ioctl round trip, the targets (Documentation/benchmarks.rst), JSON
 * and CSV.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "bench_client.h"

static const char *const kind_names[BK_NR] = {
	[BK_BURN] = "burn",
	[BK_HOLD] = "hold",
	[BK_CROSS] = "cross",
	[BK_ALL] = "all-cpus",
	[BK_BULK] = "bulk",
	[BK_COPY] = "copy",
	[BK_NOP] = "nop",
	[BK_RT] = "ioctl-rent-return",
	[BK_RTO] = "ioctl-rent-one-return-one",
	[BK_RTW] = "ioctl-rent-write-return",
	[BK_MEM] = "memory",
	[BK_EMPTY] = "empty",
	[BK_RTT_SHARED] = "ioctl-threads-one-file",
	[BK_RTT_OWN] = "ioctl-threads-file-each",
};

static const char *const kind_titles[BK_NR] = {
	[BK_BURN] = "burn-after-reading, in-kernel, CPU 0: time per rent+return pair",
	[BK_HOLD] = "hold-N, in-kernel, CPU 0: rent N, return N; time per object",
	[BK_CROSS] = "cross-CPU, in-kernel: rent on CPU 0, return on CPU 1; time per object",
	[BK_ALL] = "all-CPUs, in-kernel: burn on every CPU at once; time per object per CPU",
	[BK_BULK] = "bulk, in-kernel, CPU 0: rent_bulk + return_bulk; time per object",
	[BK_COPY] = "copy_from_user() of Size bytes, in the ioctl caller: the copy components of the round trips",
	[BK_NOP] = "NOP ioctl from userspace: time per call",
	[BK_RT] = "RENT + RETURN ioctls from userspace, batch = param; time per object",
	[BK_RTO] = "RENT_ONE + RETURN_ONE ioctls from userspace (cache id and handle by value, no struct): time per object",
	[BK_RTW] = "RENT + OBJ_WRITE(size) + RETURN ioctls from userspace; time per object",
	[BK_MEM] = "memory: slabinfo row of a cache holding N objects, after they are all returned, after shrink",
	[BK_EMPTY] = "the loop alone: burn-after-reading against an empty pool, called as every backend is; burn minus this is the backend's own cost",
	[BK_RTT_SHARED] = "RENT_ONE + RETURN_ONE (the fast path) from userspace by N threads sharing one file (one session, one cache); wall time per round trip, all threads together",
	[BK_RTT_OWN] = "RENT_ONE + RETURN_ONE by N threads with a file (session, cache) each; wall time per round trip, all threads together",
};

static const char *const param_names[BK_NR] = {
	[BK_HOLD] = "N",
	[BK_CROSS] = "cpus",
	[BK_ALL] = "cpus",
	[BK_BULK] = "batch",
	[BK_RT] = "batch",
	[BK_MEM] = "N",
	[BK_RTT_SHARED] = "thrds",
	[BK_RTT_OWN] = "thrds",
};

const char *bench_kind_name(enum bench_kind kind)
{
	return kind_names[kind];
}

const char *bench_param_name(enum bench_kind kind)
{
	return param_names[kind] ? param_names[kind] : "-";
}

static const char *backend_name(unsigned int backend)
{
	return backend == BENCH_NO_BACKEND ? "-" : kslab_backend_name(backend);
}

struct bench_result *bench_find(const struct bench_results *res,
				enum bench_kind kind, unsigned int backend,
				unsigned int size, unsigned int param)
{
	unsigned int i;

	for (i = 0; i < res->n; i++) {
		struct bench_result *r = &res->r[i];

		if (r->kind == kind && r->backend == backend &&
		    r->size == size && r->param == param)
			return r;
	}
	return NULL;
}

/*
 * The row's median when it ran, else NAN. Every comparison (ratios,
 * breakdown, targets) uses medians: the host's preemption of a vCPU thread,
 * or the other vCPU's work under icount, moves them less than means.
 */
static double median_of(const struct bench_result *r)
{
	return r && !r->error && r->reps ? r->time.median : NAN;
}

/*
 * Whether the kernel zeroed objects on allocation, as the first in-kernel
 * row with a pool reported it: 1, 0, or -1 when no such row ran.
 */
int bench_init_on_alloc(const struct bench_results *res)
{
	static const unsigned int kinds = (1U << BK_BURN) | (1U << BK_EMPTY) |
		(1U << BK_HOLD) | (1U << BK_CROSS) | (1U << BK_ALL) |
		(1U << BK_BULK);
	unsigned int i;

	for (i = 0; i < res->n; i++) {
		const struct bench_result *r = &res->r[i];

		if (!r->error && r->reps && (kinds & (1U << r->kind)))
			return r->init_on_alloc;
	}
	return -1;
}

void bench_ratios(struct bench_results *res)
{
	unsigned int i;

	for (i = 0; i < res->n; i++) {
		struct bench_result *r = &res->r[i];
		double base = median_of(bench_find(res, r->kind,
						   KSLAB_BACKEND_KMEM_CACHE,
						   r->size, r->param));

		r->ratio = r->backend != BENCH_NO_BACKEND && base > 0 ?
			median_of(r) / base : NAN;
	}
}

/* ================== Table ================== */

static void table_head(FILE *f, enum bench_kind kind, const char *u)
{
	fprintf(f, "\n%s\n", kind_titles[kind]);
	fprintf(f, "| %-12s | %6s | %5s | %9s | %8s | %8s | %9s | %9s | %6s | %8s | %8s | %5s | %5s | %6s | %6s |\n",
		"Backend", "Size", bench_param_name(kind), u, "StdDev",
		"Error", "Median", "Min", "Ratio", "Mops/s", "Cycles",
		"Reuse", "Obj/sl", "Pages", "Shrunk");
	fprintf(f, "|%.14s|%.8s|%.7s|%.11s|%.10s|%.10s|%.11s|%.11s|%.8s|%.10s|%.10s|%.7s|%.7s|%.8s|%.8s|\n",
		"---------------", "---------", "--------", "------------",
		"-----------", "-----------", "------------", "------------",
		"---------", "-----------", "-----------", "--------",
		"--------", "---------", "---------");
}

/* The threaded sections' columns of contended locks per 10^6 round trips. */
static void lock_head(FILE *f)
{
	fprintf(f, "| %-12s | %6s | %5s | %9s | %9s | %12s |\n",
		"Backend", "Size", "thrds", "Cont/M", "kslab/M", "Round trips");
	fprintf(f, "|%.14s|%.8s|%.7s|%.11s|%.11s|%.14s|\n",
		"---------------", "---------", "--------", "------------",
		"------------", "---------------");
}

/* Events per 10^6 round trips of the row's untimed pass, or NAN. */
static double per_million(const struct bench_lock *l, uint64_t events)
{
	return l->trips ? events * 1e6 / l->trips : NAN;
}

static double kslab_per_million(const struct bench_lock *l)
{
	return l->kslab_known ? per_million(l, l->kslab_events) : NAN;
}

static void lock_row(FILE *f, const struct bench_result *r)
{
	const struct bench_lock *l = &r->lock;

	fprintf(f, "| %-12s | %6u | %5u | ", backend_name(r->backend),
		r->size, r->param);
	if (r->error || !l->trips) {
		fprintf(f, "%-9s | %s\n", "n/a", r->error ?
			"the row failed" : l->why[0] ? l->why : "not counted");
		return;
	}
	fprintf(f, "%9.1f | ", per_million(l, l->events));
	if (l->kslab_known)
		fprintf(f, "%9.1f | ", kslab_per_million(l));
	else
		fprintf(f, "%9s | ", "n/a");
	fprintf(f, "%12llu |\n", (unsigned long long)l->trips);
}

/*
 * Contended locks of the threaded rows, below their section: a count that
 * is not there says why, never 0.
 */
static void lock_table(FILE *f, const struct bench_results *res,
		       enum bench_kind kind, const struct bench_context *c)
{
	unsigned int i;

	fprintf(f, "Contended locks of an untimed pass of as many round trips as the timed ones: lock:contention_begin events per 10^6 round trips in the whole guest (Cont/M: an upper bound for kslab's own locks), and those whose kernel stack has a kslab function among its 16 innermost frames, below any interrupt entry (kslab/M; n/a when the hist table overflowed)\n");
	if (c->hypervisor)
		fprintf(f, "The CPU has the hypervisor flag: on x86 without paravirt spinlocks (QEMU TCG) a contended spinlock spins in virt_spin_lock() with no event, so only sleeping locks and rwlocks count here (make bench NO_HYPERVISOR=1 boots without the flag)\n");
	lock_head(f);
	for (i = 0; i < res->n; i++)
		if (res->r[i].kind == kind)
			lock_row(f, &res->r[i]);
}

static void table_row(FILE *f, const struct bench_result *r)
{
	char param[16] = "-";

	if (param_names[r->kind])
		snprintf(param, sizeof(param), "%u", r->param);
	fprintf(f, "| %-12s | %6u | %5s | ", backend_name(r->backend),
		r->size, param);
	if (r->error) {
		fprintf(f, "%-9s | %s\n", "n/a", strerror(-r->error));
		return;
	}
	fprintf(f, "%9.1f | %8.1f | %8.1f | %9.1f | %9.1f | ",
		r->time.mean, r->time.sd, r->time.err, r->time.median,
		r->time.min);
	if (isnan(r->ratio))
		fprintf(f, "%6s | ", "-");
	else
		fprintf(f, "%6.2f | ", r->ratio);
	fprintf(f, "%8.2f | ", r->ops_s / 1e6);
	if (r->cycles > 0)
		fprintf(f, "%8.1f | ", r->cycles);
	else
		fprintf(f, "%8s | ", "-");
	fprintf(f, "%4.0f%% | %6u | %6llu | %6llu |\n",
		r->reuse * 100, r->objects_per_slab,
		(unsigned long long)r->pages,
		(unsigned long long)r->pages_shrunk);
}

static void mem_head(FILE *f, enum bench_kind kind)
{
	fprintf(f, "\n%s\n", kind_titles[kind]);
	fprintf(f, "| %-12s | %6s | %5s | %6s | %6s | %6s | %6s | %6s | %8s | %8s | %8s |\n",
		"Backend", "Size", "N", "Stride", "Obj/sl", "Pg/sl", "Ratio",
		"Slabs", "Pages", "Returned", "Shrunk");
	fprintf(f, "|%.14s|%.8s|%.7s|%.8s|%.8s|%.8s|%.8s|%.8s|%.10s|%.10s|%.10s|\n",
		"---------------", "---------", "--------", "---------",
		"---------", "---------", "---------", "---------",
		"-----------", "-----------", "-----------");
}

/* Objects per slab of @r over kmem_cache's at the same size, or NAN. */
static double objs_vs_slub(const struct bench_results *res,
			   const struct bench_result *r)
{
	const struct bench_result *b = bench_find(res, BK_MEM,
						  KSLAB_BACKEND_KMEM_CACHE,
						  r->size, r->param);

	if (r->error || !b || b->error || !b->objects_per_slab)
		return NAN;
	return (double)r->objects_per_slab / b->objects_per_slab;
}

static void mem_row(FILE *f, const struct bench_results *res,
		    const struct bench_result *r)
{
	fprintf(f, "| %-12s | %6u | %5u | ", backend_name(r->backend),
		r->size, r->param);
	if (r->error) {
		fprintf(f, "%-6s | %s\n", "n/a", strerror(-r->error));
		return;
	}
	fprintf(f, "%6u | %6u | %6u | %6.2f | %6llu | %8llu | %8llu | %8llu |\n",
		r->stride, r->objects_per_slab, r->pages_per_slab,
		objs_vs_slub(res, r), (unsigned long long)r->slabs,
		(unsigned long long)r->pages,
		(unsigned long long)r->pages_returned,
		(unsigned long long)r->pages_shrunk);
}

void bench_table(FILE *f, const struct bench_results *res,
		 const struct bench_opts *o, const struct bench_context *c)
{
	unsigned int kind, i;

	for (kind = 0; kind < BK_NR; kind++) {
		bool head = false;

		for (i = 0; i < res->n; i++) {
			if (res->r[i].kind != kind)
				continue;
			if (!head && kind == BK_MEM)
				mem_head(f, kind);
			else if (!head)
				table_head(f, kind, o->unit);
			head = true;
			if (kind == BK_MEM)
				mem_row(f, res, &res->r[i]);
			else
				table_row(f, &res->r[i]);
		}
		if (head && bench_counts_locks(kind))
			lock_table(f, res, kind, c);
	}
	if (bench_find(res, BK_MEM, KSLAB_BACKEND_KMEM_CACHE, o->sizes.v[0],
		       BENCH_MEM_ROWS_HELD))
		fprintf(f, "Ratio = objects per slab over SLUB's (kmem_cache) at the same size; Slabs = slabs after shrink\n");
}

/* ================== Breakdown ================== */

/**
 * struct bench_parts - a round trip and the components it is made of.
 * @total: the measured round trip, per object.
 * @syscall: NOP ioctls it takes.
 * @alloc: the in-kernel burn-after-reading pair.
 * @copy: the user copies it makes: the argument struct and the handles of
 *	RENT and RETURN, plus the object and its struct for OBJ_WRITE; none
 *	for RENT_ONE + RETURN_ONE, whose arguments are values.
 */
struct bench_parts {
	double total, syscall, alloc, copy;
};

/* copy_from_user() of @bytes, as measured in this run. */
static double copy_of(const struct bench_results *res, unsigned int bytes)
{
	return median_of(bench_find(res, BK_COPY, BENCH_NO_BACKEND, bytes, 0));
}

/* Medians throughout: the parts of one round trip, per object. */
static bool bench_parts(const struct bench_results *res,
			const struct bench_result *r, struct bench_parts *p)
{
	double nop = median_of(bench_find(res, BK_NOP, BENCH_NO_BACKEND, 0, 0));
	double n = r->param;

	p->total = median_of(r);
	p->alloc = median_of(bench_find(res, BK_BURN, r->backend, r->size, 0));
	p->syscall = 2 * nop / n;
	p->copy = bench_by_value(r->kind) ? 0 :
		  (2 * copy_of(res, sizeof(struct kslab_batch)) +
		   2 * copy_of(res, r->param * sizeof(__u64))) / n;
	if (r->kind == BK_RTW) {
		p->syscall += nop;
		p->copy += copy_of(res, sizeof(struct kslab_obj_io)) +
			   copy_of(res, r->size);
	}
	return !isnan(p->total + p->syscall + p->alloc + p->copy);
}

static double parts_gap(const struct bench_parts *p)
{
	return (p->total - p->syscall - p->alloc - p->copy) / p->total;
}

void bench_breakdown(FILE *f, const struct bench_results *res,
		     const struct bench_opts *o)
{
	struct bench_parts p;
	bool head = false;
	unsigned int i;

	for (i = 0; i < res->n; i++) {
		const struct bench_result *r = &res->r[i];

		if ((r->kind != BK_RT && r->kind != BK_RTO &&
		     r->kind != BK_RTW) || !bench_parts(res, r, &p))
			continue;
		if (!head) {
			fprintf(f, "\nComponent breakdown of the ioctl round trip (%s per object, medians): syscall = NOP ioctls, allocator = in-kernel burn pair, copy = copy_from_user() of the argument structs, the handles and (OBJ_WRITE) the object, none for RENT_ONE + RETURN_ONE\n", o->unit);
			fprintf(f, "| %-25s | %-12s | %6s | %5s | %9s | %9s | %9s | %9s | %9s | %7s | %-9s |\n",
				"Case", "Backend", "Size", "batch", "Total",
				"Syscall", "Allocator", "Copy", "Rest",
				"Rest %", "Adds up");
		}
		head = true;
		fprintf(f, "| %-25s | %-12s | %6u | %5u | %9.1f | %9.1f | %9.1f | %9.1f | %9.1f | %6.1f%% | %-9s |\n",
			kind_names[r->kind], backend_name(r->backend), r->size,
			r->param, p.total, p.syscall, p.alloc, p.copy,
			p.total - p.syscall - p.alloc - p.copy,
			parts_gap(&p) * 100,
			fabs(parts_gap(&p)) <= 0.10 ? "yes" : "NO");
	}
	if (head)
		fprintf(f, "Rows marked NO do not add up within 10 %%: the rest is work no component measures alone (session lookup, handle table, per-handle checks).\n");
}

/* ================== Targets ================== */

enum { T_NA = -1, T_MISSED = 0, T_MET = 1 };

/**
 * struct bench_target - one target of the benchmark: a bound on a figure.
 * @name: what is compared.
 * @value: the measured figure.
 * @limit: the bound it must meet.
 * @at_most: true for value <= limit, false for value >= limit.
 * @met: T_MET, T_MISSED or T_NA (a row it needs did not run).
 */
struct bench_target {
	char name[96];
	double value, limit;
	bool at_most;
	int met;
};

static void target(struct bench_target *t, const char *name, double value,
		   double limit, bool at_most)
{
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->value = value;
	t->limit = limit;
	t->at_most = at_most;
	if (isnan(value))
		t->met = T_NA;
	else
		t->met = at_most ? value <= limit : value >= limit;
}

#define KSLAB	KSLAB_BACKEND_KSLAB
#define KMEM	KSLAB_BACKEND_KMEM_CACHE

static double row(const struct bench_results *res, enum bench_kind kind,
		  unsigned int backend, unsigned int size, unsigned int param)
{
	return median_of(bench_find(res, kind, backend, size, param));
}

/*
 * Pages kslab still held at @size after a shrink: @kind BK_BURN for the
 * in-kernel pool after its shrink op (kslab_cache_shrink()), BK_MEM for a
 * cache that held 256 objects after the shrinker ran (drop_caches).
 */
static double shrunk(const struct bench_results *res, enum bench_kind kind,
		     unsigned int size)
{
	const struct bench_result *r = bench_find(res, kind, KSLAB, size,
						  kind == BK_MEM ?
						  BENCH_MEM_ROWS_HELD : 0);

	return r && !r->error ? (double)r->pages_shrunk : NAN;
}

static double objs_ratio(const struct bench_results *res, unsigned int size)
{
	const struct bench_result *r = bench_find(res, BK_MEM, KSLAB, size,
						  BENCH_MEM_ROWS_HELD);

	return r ? objs_vs_slub(res, r) : NAN;
}

static unsigned int bench_eval(const struct bench_results *res,
			       const struct bench_opts *o,
			       struct bench_target *t)
{
	double nop = row(res, BK_NOP, BENCH_NO_BACKEND, 0, 0);
	double rt1 = row(res, BK_RT, KSLAB, 64, 1);
	/*
	 * Under icount the vCPUs take turns and guest time counts the
	 * instructions of both: all-CPUs cannot show scaling. Cross-CPU then
	 * compares the work per object handed over, which still means
	 * something (a free hand-off costs what a local pair costs).
	 */
	bool multi = strcmp(o->unit, "instr") != 0;
	char name[96];
	unsigned int n = 0, i;

	const struct bench_result *burn = bench_find(res, BK_BURN, KSLAB, 64, 0);
	/* Zeroing costs both allocators the same: a looser ratio with it. */
	bool zero = burn && burn->init_on_alloc;

	target(&t[n++], zero ? "burn 64 B: kslab / kmem_cache time, init_on_alloc=1" :
			       "burn 64 B: kslab / kmem_cache time, init_on_alloc=0",
	       row(res, BK_BURN, KSLAB, 64, 0) / row(res, BK_BURN, KMEM, 64, 0),
	       zero ? 0.35 : 0.25, true);
	if (!strcmp(o->unit, "instr") && !zero)
		target(&t[n++], "burn 64 B: kslab instructions per pair, net of the loop (empty)",
		       row(res, BK_BURN, KSLAB, 64, 0) -
		       row(res, BK_EMPTY, BENCH_NO_BACKEND, 64, 0), 30, true);
	target(&t[n++], "bulk 16, 64 B: kslab / kmem_cache time per object",
	       row(res, BK_BULK, KSLAB, 64, 16) / row(res, BK_BULK, KMEM, 64, 16),
	       0.3, true);
	target(&t[n++], "cross-CPU 64 B: kslab / kmem_cache throughput",
	       row(res, BK_CROSS, KMEM, 64, 2) / row(res, BK_CROSS, KSLAB, 64, 2),
	       2, false);
	target(&t[n++], "cross-CPU 64 B: kslab / its single-CPU throughput",
	       row(res, BK_BURN, KSLAB, 64, 0) / row(res, BK_CROSS, KSLAB, 64, 2),
	       0.8, false);
	target(&t[n++], "all-CPUs 64 B: kslab per-CPU throughput, 2 / 1 CPUs",
	       row(res, BK_ALL, KSLAB, 64, 1) / row(res, BK_ALL, KSLAB, 64, 2),
	       0.9, false);
	target(&t[n++], "all-CPUs 64 B: kslab-locked, 2 / 1 CPUs (collapse shown)",
	       row(res, BK_ALL, KSLAB_BACKEND_LOCKED, 64, 1) /
	       row(res, BK_ALL, KSLAB_BACKEND_LOCKED, 64, 2), 0.9, true);
	for (i = 0; !multi && i < n; i++)
		if (!strncmp(t[i].name, "all", 3))
			t[i].met = T_NA;
	target(&t[n++], "ioctl 64 B: kslab rent+return / two NOPs",
	       rt1 / (2 * nop), 1.2, true);
	target(&t[n++], "ioctl 64 B: kslab RENT_ONE + RETURN_ONE / two NOPs",
	       row(res, BK_RTO, KSLAB, 64, 1) / (2 * nop), 1.2, true);
	target(&t[n++], "ioctl 64 B: kslab batch 64 per object / single",
	       row(res, BK_RT, KSLAB, 64, 64) / rt1, 0.1, true);
	for (i = 0; i < 2; i++) {
		enum bench_kind k = i ? BK_RTT_OWN : BK_RTT_SHARED;
		unsigned int nt = o->threads.n ?
				  o->threads.v[o->threads.n - 1] : 1;

		snprintf(name, sizeof(name),
			 "ioctl 64 B: %u threads %s / 1 thread, throughput",
			 nt, i ? "with a file each" : "on one file");
		target(&t[n], name, row(res, k, KSLAB, 64, 1) /
		       row(res, k, KSLAB, 64, nt), 0.9 * nt, false);
		/* Under icount the vCPUs take turns: no scaling to show. */
		if (!multi || nt < 2)
			t[n].met = T_NA;
		n++;
	}
	for (i = 0; i < o->sizes.n; i++) {
		snprintf(name, sizeof(name),
			 "memory %u B: kslab / SLUB objects per slab",
			 o->sizes.v[i]);
		target(&t[n++], name, objs_ratio(res, o->sizes.v[i]), 1, false);
		snprintf(name, sizeof(name),
			 "memory %u B: kslab pages held after shrink",
			 o->sizes.v[i]);
		target(&t[n++], name, shrunk(res, BK_BURN, o->sizes.v[i]), 0,
		       true);
		snprintf(name, sizeof(name),
			 "memory %u B: the same after the shrinker (256 held)",
			 o->sizes.v[i]);
		target(&t[n++], name, shrunk(res, BK_MEM, o->sizes.v[i]), 0,
		       true);
	}
	return n;
}

#define BENCH_MAX_TARGETS	(18 + 3 * BENCH_MAX_LIST)

static const char *met_name(int met)
{
	return met == T_MET ? "met" : met == T_MISSED ? "MISSED" : "n/a";
}

int bench_targets(FILE *f, const struct bench_results *res,
		  const struct bench_opts *o)
{
	struct bench_target t[BENCH_MAX_TARGETS];
	unsigned int n = bench_eval(res, o, t), i;
	int missed = 0;

	fprintf(f, "\nTargets (medians measured side by side in this boot)\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "  %-6s %-60s %10.3f  (%s %g)\n", met_name(t[i].met),
			t[i].name, t[i].value, t[i].at_most ? "<=" : ">=",
			t[i].limit);
		missed += t[i].met == T_MISSED;
	}
	return missed;
}

/* ================== JSON and CSV ================== */

static FILE *open_out(const char *path)
{
	return strcmp(path, "-") ? fopen(path, "w") : stdout;
}

static int close_out(FILE *f)
{
	if (f == stdout)
		return fflush(f) ? -errno : 0;
	return fclose(f) ? -errno : 0;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* "key": "value", or "key": null for an empty or NULL @v. */
static void jkey_str(FILE *f, const char *key, const char *v, const char *sep)
{
	fprintf(f, "\"%s\": ", key);
	if (v && *v)
		jstr(f, v);
	else
		fputs("null", f);
	fputs(sep, f);
}

/* A double for JSON: null for NAN. */
static void jnum(FILE *f, const char *key, double v, const char *sep)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "\"%s\": null%s", key, sep);
	else
		fprintf(f, "\"%s\": %.4f%s", key, v, sep);
}

static void json_row(FILE *f, const struct bench_result *r, const char *sep)
{
	unsigned int i;

	fprintf(f, "    {\"pattern\": \"%s\", \"backend\": \"%s\", \"size\": %u, \"param\": %u, ",
		kind_names[r->kind], backend_name(r->backend), r->size,
		r->param);
	fprintf(f, "\"error\": %d, \"reps\": %u, \"iterations\": %llu, ",
		r->error, r->reps, (unsigned long long)r->iters);
	jnum(f, "mean", r->time.mean, ", ");
	jnum(f, "stddev", r->time.sd, ", ");
	jnum(f, "error999", r->time.err, ", ");
	jnum(f, "median", r->time.median, ", ");
	jnum(f, "min", r->time.min, ", ");
	jnum(f, "max", r->time.max, ", ");
	jnum(f, "ratio", r->ratio, ", ");
	jnum(f, "ops_per_s", r->ops_s, ", ");
	jnum(f, "cycles", r->cycles, ", ");
	jnum(f, "reuse", r->reuse, ", ");
	fprintf(f, "\"contended_round_trips\": %llu, ",
		(unsigned long long)r->lock.trips);
	jnum(f, "contended_per_million",
	     per_million(&r->lock, r->lock.events), ", ");
	jnum(f, "contended_kslab_per_million", kslab_per_million(&r->lock),
	     ", ");
	jkey_str(f, "contended_why", r->lock.trips ? NULL : r->lock.why, ", ");
	fprintf(f, "\"failed\": %llu, \"objects_per_slab\": %u, \"stride\": %u, \"pages_per_slab\": %u, \"slabs\": %llu, \"pages\": %llu, \"pages_after_return\": %llu, \"pages_after_shrink\": %llu, \"init_on_alloc\": %d, \"samples\": [",
		(unsigned long long)r->failed, r->objects_per_slab, r->stride,
		r->pages_per_slab, (unsigned long long)r->slabs,
		(unsigned long long)r->pages,
		(unsigned long long)r->pages_returned,
		(unsigned long long)r->pages_shrunk, r->init_on_alloc);
	for (i = 0; i < r->reps; i++)
		fprintf(f, "%s%.4f", i ? ", " : "", r->t[i]);
	fprintf(f, "]}%s\n", sep);
}

/* "key": [v, ...] of a list of numbers. */
static void jlist(FILE *f, const char *key, const struct bench_list *l,
		  unsigned int n)
{
	unsigned int i;

	fprintf(f, "\"%s\": [", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%u", i ? ", " : "", l->v[i]);
	fputs("], ", f);
}

/* The client's options, as they took effect. */
static void json_options(FILE *f, const struct bench_opts *o)
{
	unsigned int i, n = 0;

	fputs("      \"options\": {\"backends\": [", f);
	for (i = 0; i < KSLAB_BACKEND_NR; i++)
		if (o->backends & (1ULL << i))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "",
				kslab_backend_name(i));
	fputs("], \"patterns\": [", f);
	for (i = n = 0; i < BK_NR; i++)
		if (o->kinds & (1U << i))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "", kind_names[i]);
	fputs("], ", f);
	jlist(f, "sizes", &o->sizes, o->sizes.n);
	jlist(f, "holds", &o->holds, o->holds.n);
	jlist(f, "bulks", &o->bulks, o->bulks.n);
	jlist(f, "cpus", &o->cpus, o->cpus.n);
	jlist(f, "threads", &o->threads, o->threads.n);
	fprintf(f, "\"all_sizes\": %s, \"reps\": %u, \"target_ms\": %u, \"max_iters\": %llu, ",
		o->sizes_all ? "true" : "false", o->reps, o->target_ms,
		(unsigned long long)o->max_iters);
	jkey_str(f, "unit", o->unit, ", ");
	fprintf(f, "\"require_all\": %s, ", o->require_all ? "true" : "false");
	jkey_str(f, "device", o->device, "}\n");
}

/*
 * Where the run took place: one field per line, so that the block reads
 * (and diffs) well. Documentation/benchmarks.rst has the schema.
 */
static void json_context(FILE *f, const struct bench_results *res,
			 const struct bench_opts *o,
			 const struct bench_context *c)
{
	int zero = bench_init_on_alloc(res), i;

	fputs("  \"context\": {\n    \"schema\": 1,\n    ", f);
	jkey_str(f, "date", c->date, ",\n    ");
	jkey_str(f, "commit", o->commit, ",\n    ");
	jkey_str(f, "platform", bench_platform(c, o), ",\n    ");
	jkey_str(f, "platform_from", o->platform ? "option" : "cpuid",
		 ",\n    ");
	if (o->icount_shift >= 0)
		fprintf(f, "\"icount_shift\": %d,\n", o->icount_shift);
	else
		fputs("\"icount_shift\": null,\n", f);
	fputs("    ", f);
	jkey_str(f, "kernel", c->kernel, ",\n    ");
	jkey_str(f, "arch", c->arch, ",\n    ");
	jkey_str(f, "cmdline", c->cmdline, ",\n    ");
	jkey_str(f, "cpu_model", c->cpu_model, ",\n");
	fprintf(f, "    \"cpus_online\": %ld,\n    \"numa_nodes\": %u,\n",
		c->cpus_online, c->numa_nodes);
	fprintf(f, "    \"init_on_alloc\": %s,\n",
		zero < 0 ? "null" : zero ? "true" : "false");
	fprintf(f, "    \"module_abi\": %u,\n", c->module_abi);
	fprintf(f, "    \"client\": {\n      \"abi\": %d,\n      \"argv\": [",
		KSLAB_ABI_VERSION);
	for (i = 0; i < o->argc; i++) {
		fputs(i ? ", " : "", f);
		jstr(f, o->argv[i]);
	}
	fputs("],\n", f);
	json_options(f, o);
	fputs("    }\n  },\n", f);
}

int bench_json(const char *path, const struct bench_results *res,
	       const struct bench_opts *o, const struct bench_context *c)
{
	struct bench_target t[BENCH_MAX_TARGETS];
	unsigned int n = bench_eval(res, o, t), i;
	FILE *f = open_out(path);

	if (!f)
		return -errno;
	fputs("{\n", f);
	json_context(f, res, o, c);
	fprintf(f, "  \"unit\": \"%s\", \"reps\": %u, \"target_ms\": %u,\n",
		o->unit, o->reps, o->target_ms);
	fprintf(f, "  \"results\": [\n");
	for (i = 0; i < res->n; i++)
		json_row(f, &res->r[i], i + 1 < res->n ? "," : "");
	fprintf(f, "  ],\n  \"targets\": [\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "    {\"name\": \"%s\", ", t[i].name);
		jnum(f, "value", t[i].value, ", ");
		fprintf(f, "\"limit\": %g, \"at_most\": %s, \"result\": \"%s\"}%s\n",
			t[i].limit, t[i].at_most ? "true" : "false",
			met_name(t[i].met), i + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return close_out(f);
}

/* A CSV field: empty for NAN. */
static void csv_num(FILE *f, double v, const char *sep)
{
	if (!isnan(v))
		fprintf(f, "%.4f", v);
	fputs(sep, f);
}

int bench_csv(const char *path, const struct bench_results *res,
	      const struct bench_opts *o)
{
	FILE *f = open_out(path);
	unsigned int i;

	if (!f)
		return -errno;
	fprintf(f, "pattern,backend,size,param,error,reps,iterations,unit,mean,stddev,error999,median,min,ratio,ops_per_s,cycles,reuse,failed,objects_per_slab,stride,pages_per_slab,slabs,pages,pages_after_return,pages_after_shrink,init_on_alloc,max,contended_round_trips,contended_per_million,contended_kslab_per_million\n");
	for (i = 0; i < res->n; i++) {
		const struct bench_result *r = &res->r[i];

		fprintf(f, "%s,%s,%u,%u,%d,%u,%llu,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.1f,%.2f,%.4f,%llu,%u,%u,%u,%llu,%llu,%llu,%llu,%d,%.4f",
			kind_names[r->kind], backend_name(r->backend), r->size,
			r->param, r->error, r->reps,
			(unsigned long long)r->iters, o->unit, r->time.mean,
			r->time.sd, r->time.err, r->time.median, r->time.min,
			r->ratio, r->ops_s, r->cycles, r->reuse,
			(unsigned long long)r->failed, r->objects_per_slab,
			r->stride, r->pages_per_slab,
			(unsigned long long)r->slabs,
			(unsigned long long)r->pages,
			(unsigned long long)r->pages_returned,
			(unsigned long long)r->pages_shrunk, r->init_on_alloc,
			r->time.max);
		/* no count: empty fields */
		fprintf(f, ",%llu,", (unsigned long long)r->lock.trips);
		csv_num(f, per_million(&r->lock, r->lock.events), ",");
		csv_num(f, kslab_per_million(&r->lock), "\n");
	}
	return close_out(f);
}
