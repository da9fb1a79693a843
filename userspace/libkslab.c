// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libkslab: see libkslab.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libkslab.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ================== Session ================== */

int kslab_dev_open(const char *path)
{
	int fd = open(path ? path : KSLAB_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int kslab_dev_close(int fd)
{
	return close(fd) ? -errno : 0;
}

int kslab_dev_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

int kslab_dev_version(int fd, struct kslab_version *ver)
{
	memset(ver, 0, sizeof(*ver));
	return kslab_dev_ioctl(fd, KSLAB_IOC_VERSION, ver);
}

int kslab_dev_nop(int fd)
{
	return kslab_dev_ioctl(fd, KSLAB_IOC_NOP, NULL);
}

/* ================== Caches ================== */

int kslab_dev_cache_create_args(int fd, struct kslab_cache_create *req)
{
	int ret;

	req->size = sizeof(*req);
	ret = kslab_dev_ioctl(fd, KSLAB_IOC_CACHE_CREATE, req);
	return ret < 0 ? ret : (int)req->cache_id;
}

int kslab_dev_cache_create(int fd, unsigned int backend, const char *name,
			   unsigned int object_size, unsigned int flags)
{
	struct kslab_cache_create req = {
		.backend = backend,
		.object_size = object_size,
		.flags = flags,
		.name = (uintptr_t)name,
	};

	return kslab_dev_cache_create_args(fd, &req);
}

int kslab_dev_cache_destroy(int fd, unsigned int cache_id)
{
	struct kslab_cache_destroy req = {
		.size = sizeof(req),
		.cache_id = cache_id,
	};

	return kslab_dev_ioctl(fd, KSLAB_IOC_CACHE_DESTROY, &req);
}

int kslab_dev_cache_tune(int fd, unsigned int cache_id,
			 unsigned int magazine_size)
{
	struct kslab_cache_tune req = {
		.size = sizeof(req),
		.cache_id = cache_id,
		.magazine_size = magazine_size,
	};

	return kslab_dev_ioctl(fd, KSLAB_IOC_CACHE_TUNE, &req);
}

int kslab_dev_stats_args(int fd, struct kslab_stats *stats)
{
	stats->size = sizeof(*stats);
	return kslab_dev_ioctl(fd, KSLAB_IOC_STATS, stats);
}

int kslab_dev_stats(int fd, unsigned int cache_id, struct kslab_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	stats->cache_id = cache_id;
	return kslab_dev_stats_args(fd, stats);
}

/* ================== Objects ================== */

static int kslab_dev_batch(int fd, unsigned long cmd, unsigned int cache_id,
			   const uint64_t *handles, unsigned int count)
{
	struct kslab_batch req = {
		.size = sizeof(req),
		.cache_id = cache_id,
		.count = count,
		.handles = (uintptr_t)handles,
	};

	return kslab_dev_ioctl(fd, cmd, &req);
}

int kslab_dev_rent(int fd, unsigned int cache_id, uint64_t *handles,
		   unsigned int count)
{
	return kslab_dev_batch(fd, KSLAB_IOC_RENT, cache_id, handles, count);
}

int kslab_dev_return(int fd, unsigned int cache_id, const uint64_t *handles,
		     unsigned int count)
{
	return kslab_dev_batch(fd, KSLAB_IOC_RETURN, cache_id, handles, count);
}

int64_t kslab_dev_rent_one(int fd, unsigned int cache_id)
{
	int ret = kslab_dev_ioctl(fd, KSLAB_IOC_RENT_ONE,
				  (void *)(uintptr_t)cache_id);

	return ret < 0 ? ret : (int64_t)KSLAB_HANDLE(cache_id, ret);
}

int kslab_dev_return_one(int fd, uint64_t handle)
{
	return kslab_dev_ioctl(fd, KSLAB_IOC_RETURN_ONE,
			       (void *)(uintptr_t)handle);
}

static int kslab_dev_obj_io(int fd, unsigned long cmd, unsigned int cache_id,
			    uint64_t handle, unsigned int offset,
			    const void *buf, unsigned int len)
{
	struct kslab_obj_io req = {
		.size = sizeof(req),
		.cache_id = cache_id,
		.handle = handle,
		.offset = offset,
		.length = len,
		.buf = (uintptr_t)buf,
	};

	return kslab_dev_ioctl(fd, cmd, &req);
}

int kslab_dev_obj_write(int fd, unsigned int cache_id, uint64_t handle,
			unsigned int offset, const void *buf, unsigned int len)
{
	return kslab_dev_obj_io(fd, KSLAB_IOC_OBJ_WRITE, cache_id, handle,
				offset, buf, len);
}

int kslab_dev_obj_read(int fd, unsigned int cache_id, uint64_t handle,
		       unsigned int offset, void *buf, unsigned int len)
{
	return kslab_dev_obj_io(fd, KSLAB_IOC_OBJ_READ, cache_id, handle,
				offset, buf, len);
}

/* ================== Names ================== */

static const char *const kslab_backend_names[KSLAB_BACKEND_NR] =
	KSLAB_BACKEND_NAMES;

const char *kslab_backend_name(unsigned int backend)
{
	return backend < KSLAB_BACKEND_NR ? kslab_backend_names[backend] : "?";
}

int kslab_backend_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < KSLAB_BACKEND_NR; i++)
		if (!strcmp(name, kslab_backend_names[i]))
			return i;
	return -EINVAL;
}

const char *kslab_cmd_name(unsigned int cmd)
{
	static const char *const names[KSLAB_CMD_NR] = {
		[KSLAB_CMD_VERSION] = "VERSION",
		[KSLAB_CMD_CACHE_CREATE] = "CACHE_CREATE",
		[KSLAB_CMD_CACHE_DESTROY] = "CACHE_DESTROY",
		[KSLAB_CMD_CACHE_TUNE] = "CACHE_TUNE",
		[KSLAB_CMD_RENT] = "RENT",
		[KSLAB_CMD_RETURN] = "RETURN",
		[KSLAB_CMD_OBJ_WRITE] = "OBJ_WRITE",
		[KSLAB_CMD_OBJ_READ] = "OBJ_READ",
		[KSLAB_CMD_STATS] = "STATS",
		[KSLAB_CMD_NOP] = "NOP",
		[KSLAB_CMD_BENCH] = "BENCH",
		[KSLAB_CMD_RENT_ONE] = "RENT_ONE",
		[KSLAB_CMD_RETURN_ONE] = "RETURN_ONE",
	};

	return cmd < KSLAB_CMD_NR && names[cmd] ? names[cmd] : "?";
}

const char *kslab_stat_name(unsigned int stat)
{
	static const char *const names[] = KSLAB_STAT_NAMES;

	return stat < ARRAY_SIZE(names) && names[stat] ? names[stat] : "?";
}

/* ================== slabinfo ================== */

/* One data row of slabinfo 2.1; 0 or -EPROTO. */
static int kslab_slabinfo_row(const char *line, struct kslab_slabinfo *r)
{
	int n = sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu"
		       " : slabdata %lu %lu %lu", r->name, &r->active_objs,
		       &r->num_objs, &r->objsize, &r->objperslab,
		       &r->pagesperslab, &r->limit, &r->batchcount,
		       &r->sharedfactor, &r->active_slabs, &r->num_slabs,
		       &r->sharedavail);

	return n == 12 ? 0 : -EPROTO;
}

/*
 * The rows named @name (@prefix false) or whose name starts with @name
 * (@prefix true): how many, the first @max of them at @rows; or -EPROTO
 * when any line of @f is not slabinfo 2.1, -EIO when it cannot be read.
 */
static int kslab_slabinfo_scan(FILE *f, const char *name, bool prefix,
			       struct kslab_slabinfo *rows, unsigned int max)
{
	size_t len = strlen(name);
	struct kslab_slabinfo r;
	unsigned int n = 0;
	char line[512];

	if (!fgets(line, sizeof(line), f) ||
	    strncmp(line, "slabinfo - version: 2.1", 23))
		return -EPROTO;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "# name ", 7))
		return -EPROTO;
	while (fgets(line, sizeof(line), f)) {
		if (kslab_slabinfo_row(line, &r))
			return -EPROTO;
		if (prefix ? strncmp(r.name, name, len) : strcmp(r.name, name))
			continue;
		if (n < max)
			rows[n] = r;
		n++;
	}
	return ferror(f) ? -EIO : (int)n;
}

static int kslab_slabinfo_read(const char *path, const char *name,
			       bool prefix, struct kslab_slabinfo *rows,
			       unsigned int max)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	ret = kslab_slabinfo_scan(f, name, prefix, rows, max);
	fclose(f);
	return ret;
}

int kslab_slabinfo_find(const char *path, const char *name,
			struct kslab_slabinfo *row)
{
	int n = kslab_slabinfo_read(path, name, false, row, 1);

	return n < 0 ? n : n ? 0 : -ENOENT;
}

int kslab_slabinfo_rows(const char *path, const char *prefix,
			struct kslab_slabinfo *rows, unsigned int max)
{
	return kslab_slabinfo_read(path, prefix, true, rows, max);
}

const char *kslab_slabinfo_locate(unsigned int backend, const char *name,
				  char *row, size_t len)
{
	uint64_t bit = backend < 64 ? _BITULL(backend) : 0;

	if (KSLAB_BACKENDS_SLABINFO & bit) {
		snprintf(row, len, KSLAB_SLABINFO_PREFIX "%s", name);
		return "/proc/slabinfo";
	}
	if (KSLAB_BACKENDS_KSLABINFO & bit) {
		snprintf(row, len, "%s", name);
		return "/proc/kslabinfo";
	}
	if (len)
		row[0] = 0;
	return NULL;
}
