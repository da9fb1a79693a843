// SPDX-License-Identifier: GPL-2.0
/*
 * kslab-bench: the in-kernel cases, one KSLAB_IOC_BENCH call per
 * repetition (see bench_repeat() for the repetition scheme).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench_client.h"

static const unsigned int bench_pattern[BK_NR] = {
	[BK_BURN] = KSLAB_BENCH_BURN,
	[BK_HOLD] = KSLAB_BENCH_HOLD,
	[BK_CROSS] = KSLAB_BENCH_CROSS,
	[BK_ALL] = KSLAB_BENCH_BURN,
	[BK_BULK] = KSLAB_BENCH_BULK,
	[BK_COPY] = KSLAB_BENCH_COPY,
	[BK_EMPTY] = KSLAB_BENCH_EMPTY,
};

struct kernel_ctx {
	int fd;
	const struct bench_result *r;
	void *buf;
	__u32 *cpus;
};

static uint64_t bench_cpu_mask(const struct bench_result *r)
{
	switch (r->kind) {
	case BK_COPY:
		return 0;		/* the caller's CPU */
	case BK_CROSS:
		return 3;		/* producer on CPU 0, consumer on CPU 1 */
	case BK_ALL:
		/* past 64 CPUs the mask cannot say it: the CPU list does */
		return r->param > 64 ? 0 : r->param == 64 ? ~0ULL :
		       (1ULL << r->param) - 1;
	default:
		return 1;		/* CPU 0 */
	}
}

static bool bench_batched(const struct bench_result *r)
{
	return r->kind == BK_HOLD || r->kind == BK_BULK;
}

static int kernel_once(void *data, uint64_t iters, struct bench_sample *s)
{
	const struct kernel_ctx *c = data;
	const struct bench_result *r = c->r;
	struct kslab_bench b = {
		.size = sizeof(b),
		.backend = r->backend == BENCH_NO_BACKEND ? 0 : r->backend,
		.object_size = r->size,
		.pattern = bench_pattern[r->kind],
		.iterations = iters,
		.cpu_mask = bench_cpu_mask(r),
		.batch = bench_batched(r) ? r->param : 0,
		.user_buf = r->kind == BK_COPY ? (uintptr_t)c->buf : 0,
	};
	int ret;

	/* all-CPUs on more CPUs than the mask has bits: CPUs 0..param-1 */
	if (r->kind == BK_ALL && r->param > 64) {
		b.cpus = (uintptr_t)c->cpus;
		b.nr_cpus = r->param;
	}
	ret = kslab_dev_ioctl(c->fd, KSLAB_IOC_BENCH, &b);

	if (ret)
		return ret;
	if (!b.ops)
		return -ENOMEM;
	*s = (struct bench_sample) {
		.t = (double)b.ns * bench_loops(r) / b.ops,
		.cyc = (double)b.cycles * bench_loops(r) / b.ops,
		.reuse = (double)b.reused / b.ops,
		.failed = b.failed,
		.objects_per_slab = b.objects_per_slab,
		.pages = b.pages,
		.pages_shrunk = b.pages_shrunk,
		.init_on_alloc = b.init_on_alloc,
	};
	return 0;
}

int bench_kernel_case(int fd, const struct bench_opts *o,
		      struct bench_result *r)
{
	struct kernel_ctx c = { .fd = fd, .r = r };
	unsigned int i;
	int ret;

	c.buf = calloc(1, r->size);
	c.cpus = calloc(r->kind == BK_ALL && r->param ? r->param : 1,
			sizeof(*c.cpus));
	if (!c.buf || !c.cpus) {
		free(c.buf);
		free(c.cpus);
		return -ENOMEM;
	}
	for (i = 0; r->kind == BK_ALL && i < r->param; i++)
		c.cpus[i] = i;
	ret = bench_repeat(o, r, bench_batched(r) ? r->param : 1,
			   kernel_once, &c);
	free(c.buf);
	free(c.cpus);
	return ret;
}
