/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab benchmark: in-kernel timed loops over any backend (bench.c). The
 * device decodes KSLAB_IOC_BENCH and calls kslab_bench_run() with kernel
 * copies of the user's structs.
 */
#ifndef _KSLAB_BENCH_H
#define _KSLAB_BENCH_H

#include <uapi/kslab.h>

/* CPUs the mask can name: the bits of &kslab_bench.cpu_mask. */
#define KSLAB_BENCH_MAX_CPUS	64U

unsigned int kslab_bench_max_threads(void);
int kslab_bench_run(struct kslab_bench *a, const u32 *cpu_list,
		    struct kslab_bench_thread *results, unsigned int nr);

#endif /* _KSLAB_BENCH_H */
