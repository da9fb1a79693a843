/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libkslab: a small C library over the /dev/kslab ABI (include/uapi/kslab.h,
 * installed as <linux/kslab.h>). Installed as <kslab/libkslab.h>; link with
 * `pkg-config --cflags --libs libkslab`.
 *
 * Every call returns 0 (or a count, or an id) on success and a negative
 * errno on failure, never -1 with errno: the caller can pass the value
 * straight to strerror(-ret). The library holds no state besides the file
 * descriptor, and every call is safe from many threads on one descriptor.
 * See Documentation/userspace-api.rst for what each command does and the
 * errors it gives.
 *
 * The functions that use the device are named kslab_dev_*: the in-kernel
 * API (include/kslab/kslab.h) has kslab_cache_create(), kslab_rent() ... of other
 * signatures, and the two must not be taken for each other.
 */
#ifndef _LIBKSLAB_H
#define _LIBKSLAB_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kslab.h>

#define KSLAB_DEVICE_PATH	"/dev/" KSLAB_DEVICE_NAME

/* ================== Session ================== */

/**
 * kslab_dev_open() - open /dev/kslab (a new session).
 * @path: device path, or NULL for KSLAB_DEVICE_PATH.
 *
 * Return: a file descriptor (>= 0) or a negative errno: -ENOENT when there
 * is no such file (the module is not loaded), -EACCES when the caller may
 * not open it.
 */
int kslab_dev_open(const char *path);

/**
 * kslab_dev_close() - close a session; the module returns every object it holds
 *	and destroys its caches.
 * @fd: descriptor from kslab_dev_open().
 *
 * Return: 0 or a negative errno.
 */
int kslab_dev_close(int fd);

/**
 * kslab_dev_ioctl() - issue one command, mapping -1/errno to -errno.
 * @fd: session descriptor.
 * @cmd: KSLAB_IOC_* command.
 * @arg: the command's struct, or anything for commands without one.
 *
 * Return: the ioctl's non-negative result or a negative errno.
 */
int kslab_dev_ioctl(int fd, unsigned long cmd, void *arg);

/**
 * kslab_dev_version() - query the ABI version and what the module supports.
 * @fd: session descriptor.
 * @ver: filled in on success.
 *
 * Return: 0 or a negative errno.
 */
int kslab_dev_version(int fd, struct kslab_version *ver);

/**
 * kslab_dev_nop() - the NOP command: an ioctl that does nothing.
 * @fd: session descriptor.
 *
 * Return: 0 or a negative errno.
 */
int kslab_dev_nop(int fd);

/* ================== Caches ================== */

/**
 * kslab_dev_cache_create() - create a cache with default alignment, magazine
 *	size and capacity.
 * @fd: session descriptor.
 * @backend: &enum kslab_backend.
 * @name: 1..KSLAB_NAME_MAX - 1 characters of [A-Za-z0-9._-], unique among
 *	all live caches.
 * @object_size: bytes per object, KSLAB_OBJECT_SIZE_MIN..MAX.
 * @flags: KSLAB_CACHE_* flags.
 *
 * Return: the cache id (> 0) or a negative errno: -EINVAL (a bad
 * argument), -EOPNOTSUPP (backend unknown or not in this kernel, or
 * unable to honour the flags), -EEXIST (name in use), -ENOSPC (session
 * limit), -ENOMEM.
 */
int kslab_dev_cache_create(int fd, unsigned int backend, const char *name,
			   unsigned int object_size, unsigned int flags);

/**
 * kslab_dev_cache_create_args() - create a cache with every field of the ABI.
 * @fd: session descriptor.
 * @req: the request; @req->size is set here, @req->cache_id is filled in.
 *
 * Return: the cache id (> 0) or a negative errno, as kslab_dev_cache_create().
 */
int kslab_dev_cache_create_args(int fd, struct kslab_cache_create *req);

/**
 * kslab_dev_cache_destroy() - destroy a cache that has no object rented.
 * @fd: session descriptor.
 * @cache_id: the cache.
 *
 * Return: 0, -ENOENT (no such cache in this session) or -EBUSY.
 */
int kslab_dev_cache_destroy(int fd, unsigned int cache_id);

/**
 * kslab_dev_cache_tune() - set the magazine size of a cache.
 * @fd: session descriptor.
 * @cache_id: the cache.
 * @magazine_size: objects per magazine, nonzero.
 *
 * Return: 0, -ENOENT, -EINVAL or -EOPNOTSUPP (no magazines).
 */
int kslab_dev_cache_tune(int fd, unsigned int cache_id,
			 unsigned int magazine_size);

/**
 * kslab_dev_stats() - the counters and figures of a cache.
 * @fd: session descriptor.
 * @cache_id: the cache.
 * @stats: filled in.
 *
 * Return: 0 or a negative errno (-ENOENT for no such cache).
 */
int kslab_dev_stats(int fd, unsigned int cache_id, struct kslab_stats *stats);

/**
 * kslab_dev_stats_args() - STATS into a struct the caller filled in.
 * @fd: session descriptor.
 * @stats: @stats->cache_id names the cache; @stats->size is set here, and
 *	the other fields are left as the caller set them for the module to
 *	overwrite (kslab_dev_stats() zeroes them; a checker fills them with a
 *	pattern to see what the module did not write).
 *
 * Return: 0 or a negative errno, as kslab_dev_stats().
 */
int kslab_dev_stats_args(int fd, struct kslab_stats *stats);

/* ================== Objects ================== */

/**
 * kslab_dev_rent() - rent up to @count objects.
 * @fd: session descriptor.
 * @cache_id: the cache.
 * @handles: where their handles go.
 * @count: 1..KSLAB_BATCH_MAX.
 *
 * Return: objects rented (1..@count; fewer when the backend ran out) or a
 * negative errno when none was: -ENOSPC (session limit), -ENOMEM, ...
 */
int kslab_dev_rent(int fd, unsigned int cache_id, uint64_t *handles,
		   unsigned int count);

/**
 * kslab_dev_return() - return objects, in order, stopping at a bad handle.
 * @fd: session descriptor.
 * @cache_id: the cache they were rented from.
 * @handles: their handles.
 * @count: 1..KSLAB_BATCH_MAX.
 *
 * Return: objects returned, or a negative errno when none was (-ENOENT:
 * the first handle is stale, foreign or of another cache).
 */
int kslab_dev_return(int fd, unsigned int cache_id, const uint64_t *handles,
		     unsigned int count);

/**
 * kslab_dev_rent_one() - rent one object with KSLAB_IOC_RENT_ONE: no struct,
 *	no copy; the handle comes back in the ioctl's result.
 * @fd: session descriptor.
 * @cache_id: the cache.
 *
 * Return: the handle, KSLAB_HANDLE(@cache_id, the ioctl's result), which
 * is positive; or a negative errno as kslab_dev_rent() of one handle.
 */
int64_t kslab_dev_rent_one(int fd, unsigned int cache_id);

/**
 * kslab_dev_return_one() - return one object with KSLAB_IOC_RETURN_ONE: the
 *	handle is the ioctl's argument, and names its cache.
 * @fd: session descriptor.
 * @handle: the object.
 *
 * 64-bit processes only: a 32-bit one gets -ENOTTY.
 *
 * Return: 0, or a negative errno as kslab_dev_return() of that one handle.
 */
int kslab_dev_return_one(int fd, uint64_t handle);

/**
 * kslab_dev_obj_write() - copy bytes into a rented object.
 * @fd: session descriptor.
 * @cache_id: its cache.
 * @handle: the object.
 * @offset: first byte of the object.
 * @buf: the bytes.
 * @len: how many, at least 1; @offset + @len at most the object size.
 *
 * Return: 0 or a negative errno.
 */
int kslab_dev_obj_write(int fd, unsigned int cache_id, uint64_t handle,
			unsigned int offset, const void *buf, unsigned int len);

/**
 * kslab_dev_obj_read() - copy bytes out of a rented object; bytes not written
 *	since it was rented read as zero.
 * @fd: session descriptor.
 * @cache_id: its cache.
 * @handle: the object.
 * @offset: first byte of the object.
 * @buf: where to put them.
 * @len: how many, as kslab_dev_obj_write().
 *
 * Return: 0 or a negative errno.
 */
int kslab_dev_obj_read(int fd, unsigned int cache_id, uint64_t handle,
		       unsigned int offset, void *buf, unsigned int len);

/* ================== Names ================== */

/**
 * kslab_backend_name() - printable name of a backend.
 * @backend: &enum kslab_backend value.
 *
 * Return: a static string, "?" for an unknown backend.
 */
const char *kslab_backend_name(unsigned int backend);

/**
 * kslab_backend_lookup() - the backend of a printable name.
 * @name: as kslab_backend_name() prints it.
 *
 * Return: the &enum kslab_backend value, or -EINVAL.
 */
int kslab_backend_lookup(const char *name);

/**
 * kslab_cmd_name() - printable name of a command: "CACHE_CREATE" for
 *	KSLAB_CMD_CACHE_CREATE.
 * @cmd: &enum kslab_cmd value.
 *
 * Return: a static string, "?" for an unknown command.
 */
const char *kslab_cmd_name(unsigned int cmd);

/**
 * kslab_stat_name() - printable name of a counter.
 * @stat: &enum kslab_stat value.
 *
 * Return: a static string, "?" for an unknown counter.
 */
const char *kslab_stat_name(unsigned int stat);

/* ================== slabinfo ================== */

/**
 * struct kslab_slabinfo - one row of /proc/slabinfo (version 2.1), or of
 *	/proc/kslabinfo, which has the same format.
 * @name: cache name.
 * @active_objs: objects in use.
 * @num_objs: objects in slabs.
 * @objsize: bytes per object.
 * @objperslab: objects per slab.
 * @pagesperslab: pages per slab.
 * @limit: tunables: limit (kslab: magazine size).
 * @batchcount: tunables: batch count (kslab: refill batch).
 * @sharedfactor: tunables: shared factor.
 * @active_slabs: slabs in use.
 * @num_slabs: slabs.
 * @sharedavail: shared available.
 */
struct kslab_slabinfo {
	char name[64];
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long objsize;
	unsigned long objperslab;
	unsigned long pagesperslab;
	unsigned long limit;
	unsigned long batchcount;
	unsigned long sharedfactor;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned long sharedavail;
};

/**
 * kslab_slabinfo_find() - read a slabinfo 2.1 file and find one row.
 * @path: "/proc/slabinfo", "/proc/kslabinfo" or a copy of either.
 * @name: the cache name (first column).
 * @row: filled in when found.
 *
 * The whole file is checked: the version line, the "# name" header and
 * every row must have the slabinfo 2.1 columns.
 *
 * Return: 0; -ENOENT when no row has @name; -EPROTO when the file is not
 * slabinfo 2.1; another negative errno when it cannot be read.
 */
int kslab_slabinfo_find(const char *path, const char *name,
			struct kslab_slabinfo *row);

/**
 * kslab_slabinfo_rows() - read a slabinfo 2.1 file and find the rows whose
 *	name starts with a prefix.
 * @path: as kslab_slabinfo_find().
 * @prefix: the start of the names; "" for every row.
 * @rows: the first @max rows found go here.
 * @max: room at @rows, 0 to count only.
 *
 * The whole file is checked, as kslab_slabinfo_find() does.
 *
 * Return: how many rows have a name that starts with @prefix (those past
 * @max too); -EPROTO when the file is not slabinfo 2.1; another negative
 * errno when it cannot be read.
 */
int kslab_slabinfo_rows(const char *path, const char *prefix,
			struct kslab_slabinfo *rows, unsigned int max);

/* Room for the row name of any cache, KSLAB_SLABINFO_PREFIX "<name>". */
#define KSLAB_SLABINFO_ROW_MAX	(sizeof(KSLAB_SLABINFO_PREFIX) - 1 + \
				 KSLAB_NAME_MAX)

/**
 * kslab_slabinfo_locate() - where a cache of /dev/kslab is listed.
 * @backend: the cache's &enum kslab_backend.
 * @name: the cache's name, as given to CACHE_CREATE.
 * @row: gets the name of its row: KSLAB_SLABINFO_PREFIX "<name>" in
 *	/proc/slabinfo (KSLAB_BACKENDS_SLABINFO), "<name>" in
 *	/proc/kslabinfo (KSLAB_BACKENDS_KSLABINFO), "" in neither.
 * @len: room at @row; KSLAB_SLABINFO_ROW_MAX is enough.
 *
 * Return: "/proc/slabinfo" or "/proc/kslabinfo", the file that lists the
 * caches of @backend; NULL when no file lists them.
 */
const char *kslab_slabinfo_locate(unsigned int backend, const char *name,
				  char *row, size_t len);

#endif /* _LIBKSLAB_H */
