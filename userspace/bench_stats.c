// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench statistics: mean, standard deviation, the half-width of the
 * 99.9 % confidence interval of the mean (Student's t, as BenchmarkDotNet's
 * "Error"), median, minimum and maximum of R samples; and the repetition
 * scheme every case follows: a short run calibrates the iteration count so
 * that one repetition lasts about --target-ms, a warm-up repetition is
 * thrown away, then R repetitions are kept.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_client.h"

/* Two-sided 99.9 % quantiles of Student's t, t(0.9995, df). */
static double t999(unsigned int df)
{
	static const double t[] = {
		0, 636.62, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041,
		4.781, 4.587, 4.437, 4.318, 4.221, 4.140, 4.073, 4.015, 3.965,
		3.922, 3.883, 3.850,
	};

	if (df < sizeof(t) / sizeof(t[0]))
		return t[df];
	if (df <= 30)
		return 3.646;
	if (df <= 60)
		return 3.460;
	return 3.291;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_summarize(const double *x, unsigned int n, struct bench_stat *s)
{
	double sorted[BENCH_MAX_REPS], sum = 0, sq = 0;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (!n)
		return;
	for (i = 0; i < n; i++)
		sum += x[i];
	s->mean = sum / n;
	for (i = 0; i < n; i++)
		sq += (x[i] - s->mean) * (x[i] - s->mean);
	s->sd = n > 1 ? sqrt(sq / (n - 1)) : 0;
	s->err = n > 1 ? t999(n - 1) * s->sd / sqrt(n) : 0;
	memcpy(sorted, x, n * sizeof(*x));
	qsort(sorted, n, sizeof(*x), cmp_double);
	s->median = n % 2 ? sorted[n / 2] :
		(sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	s->min = sorted[0];
	s->max = sorted[n - 1];
}

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Loops that run the iterations at once: one per CPU for all-CPUs. */
unsigned int bench_loops(const struct bench_result *r)
{
	return r->kind == BK_ALL ? r->param : 1;
}

static uint64_t bench_round(const struct bench_opts *o, uint64_t iters,
			    uint64_t step)
{
	if (iters > o->max_iters)
		iters = o->max_iters;
	iters = iters / step * step;
	return iters < step ? step : iters;
}

static void bench_record(struct bench_result *r, const struct bench_sample *s)
{
	unsigned int i = r->reps++;

	r->t[i] = s->t;
	r->cyc[i] = s->cyc;
	r->reuse += s->reuse;
	r->failed += s->failed;
	r->objects_per_slab = s->objects_per_slab;
	r->pages = s->pages;
	r->pages_shrunk = s->pages_shrunk;
	r->init_on_alloc = s->init_on_alloc;
}

static void bench_finish(struct bench_result *r)
{
	if (!r->reps)
		return;
	r->reuse /= r->reps;
	bench_summarize(r->cyc, r->reps, &r->time);
	r->cycles = r->time.mean;
	bench_summarize(r->t, r->reps, &r->time);
	r->ops_s = r->time.mean > 0 ? 1e9 * bench_loops(r) / r->time.mean : 0;
}

int bench_repeat(const struct bench_opts *o, struct bench_result *r,
		 uint64_t step, bench_once_fn once, void *ctx)
{
	struct bench_sample s;
	unsigned int i;
	int ret;

	ret = once(ctx, bench_round(o, 2048, step), &s);
	if (ret)
		return ret;
	if (s.t <= 0)
		return -EIO;
	r->iters = bench_round(o, (uint64_t)(o->target_ms * 1e6 / s.t), step);
	ret = once(ctx, r->iters, &s);		/* warm-up, thrown away */
	for (i = 0; !ret && i < o->reps && i < BENCH_MAX_REPS; i++) {
		ret = once(ctx, r->iters, &s);
		if (!ret)
			bench_record(r, &s);
	}
	bench_finish(r);
	return ret;
}
