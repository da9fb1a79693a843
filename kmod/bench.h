/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab: the BENCH ioctl, in-kernel timed loops over any backend.
 */
#ifndef _KSLAB_BENCH_H
#define _KSLAB_BENCH_H

#include <linux/compiler_types.h>

struct file;

/**
 * kslab_ioc_bench() - KSLAB_IOC_BENCH: run one in-kernel timed loop.
 * @file: the session (unused: a run has a pool of its own).
 * @arg: user pointer to &struct kslab_bench; results are written back to
 *	it and to its results array.
 *
 * Creates a pool of the requested backend, runs the pattern on kthreads
 * bound to the CPUs of the mask, waits for them, reports the times and the
 * pool's memory figures, shrinks and destroys the pool.
 *
 * Context: process context, may sleep (for as long as the loop runs).
 * Return: 0 on success; -EPERM without CAP_SYS_ADMIN, -EINVAL for a bad
 * field, -E2BIG for a struct size above a page or nonzero bytes past the
 * known struct, -EFAULT for a bad user pointer, -EOPNOTSUPP for a backend
 * the running kernel lacks, -ENOMEM, -EINTR when a fatal signal ended the
 * run early.
 */
long kslab_ioc_bench(struct file *file, void __user *arg);

#endif /* _KSLAB_BENCH_H */
