/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kselftests of /dev/kslab; included after
 * kselftest_harness.h. The ABI comes from libkslab.h only.
 */
#ifndef _KSLAB_TEST_H
#define _KSLAB_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../libkslab.h"

/* An address in the kernel half: access_ok() refuses it. */
#define KERNEL_PTR	((void *)0xffff888000000000UL)
/* Below vm.mmap_min_addr: never mapped. */
#define UNMAPPED_PTR	((void *)0x1000UL)
#define PARAM_DIR	"/sys/module/kslab/parameters/"

/*
 * Before any test: a program that cannot reach the device here (kslab.ko
 * not loaded, or not allowed to open it) SKIPs as a whole with the reason
 * and exit status 4, the kselftest way, instead of failing every test.
 */
__attribute__((constructor)) static void kslab_test_need_device(void)
{
	int fd = open(KSLAB_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return;
	}
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
		ksft_exit_skip("no %s: kslab.ko is not loaded\n",
			       KSLAB_DEVICE_PATH);
	if (errno == EACCES || errno == EPERM)
		ksft_exit_skip("cannot open %s: %s (root, or the module's device_mode)\n",
			       KSLAB_DEVICE_PATH, strerror(errno));
}

/*
 * KSLAB_TEST_NEEDS_ROOT(why), once in a program whose tests need root
 * beyond opening the device (CAP_SYS_ADMIN commands, module parameters,
 * root-only /proc, /sys and cgroup files): not run as root, the program
 * SKIPs as a whole with @why and exit status 4, rather than failing where
 * the module's device_mode lets a user open /dev/kslab.
 */
#define KSLAB_TEST_NEEDS_ROOT(why)					\
__attribute__((constructor)) static void kslab_test_need_root(void)	\
{									\
	if (geteuid())							\
		ksft_exit_skip("not root: %s\n", why);			\
}

/* Whether the running module has @backend (VERSION's bitmap). */
static inline int backend_works(int fd, unsigned int backend)
{
	struct kslab_version ver;

	return !kslab_dev_version(fd, &ver) && (ver.backends >> backend & 1);
}

/* A cache name unique to this process and call: "t<pid>-<tag>-<n>". */
static inline const char *test_name(char *buf, size_t len, const char *tag)
{
	static int seq;

	snprintf(buf, len, "t%d-%s-%d", (int)getpid(), tag, seq++);
	return buf;
}

/*
 * Two pages, the second PROT_NONE: the first byte after the first page
 * faults. Returns the first page, or NULL.
 */
static inline void *guarded_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + page, page, PROT_NONE))
		return NULL;
	return p;
}

/* A page that is mapped PROT_NONE, or NULL. */
static inline void *prot_none_page(void)
{
	void *p = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Write @val to the file at @path (a sysfs, procfs or cgroup knob). */
static inline int write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n != (ssize_t)len)
		ret = n < 0 ? -errno : -EIO;
	close(fd);
	return ret;
}

/* The number in the file at @path; -errno when it cannot be read. */
static inline long read_long(const char *path)
{
	long value;
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &value) != 1)
		ret = -EIO;
	fclose(f);
	return ret ? ret : value;
}

/* Write @value to the file at @path; 0 or -errno. */
static inline int write_long(const char *path, long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", value);
	return write_file(path, buf);
}

/* Run the caller on CPU @cpu only; 0 or -1 (errno set). */
static inline int run_on(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Read a kslab module parameter; -1 when it cannot be read. */
static inline long param_read(const char *name)
{
	char path[128];
	long value;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	value = read_long(path);
	return value < 0 ? -1 : value;
}

/* Write a kslab module parameter; 0 or -errno. */
static inline int param_write(const char *name, long value)
{
	char path[128];

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	return write_long(path, value);
}

/* Objects the module says @cache_id has rented out, or -1. */
static inline long active_objects(int fd, unsigned int cache_id)
{
	struct kslab_stats st;

	if (kslab_dev_stats(fd, cache_id, &st))
		return -1;
	return (long)st.active_objects;
}

/* The backends every per-backend fixture runs over. */
#define BACKEND_VARIANTS(fixture)					\
	FIXTURE_VARIANT_ADD(fixture, kslab) {				\
		.backend = KSLAB_BACKEND_KSLAB,				\
	};								\
	FIXTURE_VARIANT_ADD(fixture, kslab_locked) {			\
		.backend = KSLAB_BACKEND_LOCKED,			\
	};								\
	FIXTURE_VARIANT_ADD(fixture, kmem_cache) {			\
		.backend = KSLAB_BACKEND_KMEM_CACHE,			\
	};								\
	FIXTURE_VARIANT_ADD(fixture, kmalloc) {				\
		.backend = KSLAB_BACKEND_KMALLOC,			\
	};								\
	FIXTURE_VARIANT_ADD(fixture, mempool) {				\
		.backend = KSLAB_BACKEND_MEMPOOL,			\
	};								\
	FIXTURE_VARIANT_ADD(fixture, objpool) {				\
		.backend = KSLAB_BACKEND_OBJPOOL,			\
	}

#endif /* _KSLAB_TEST_H */
