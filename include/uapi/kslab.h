/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kslab: a slab-style object cache and its benchmark device, /dev/kslab.
 *
 * This header is the only definition of the ABI: the module, libkslab, the
 * client and the tests all include it. Every struct is made of __u32/__u64
 * fields only, naturally aligned, with explicit padding and a size that is
 * a multiple of 8 bytes. Reserved fields must be zero (-EINVAL otherwise).
 * Pointers travel as __u64. Extensible structs start with a __u32 size that
 * the caller sets to sizeof() of the struct it was built with; the module
 * reads them with copy_struct_from_user().
 */
#ifndef _UAPI_LINUX_KSLAB_H
#define _UAPI_LINUX_KSLAB_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define KSLAB_DEVICE_NAME	"kslab"
#define KSLAB_ABI_VERSION	1

/* 'k' 0xb0-0xbf: unused in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define KSLAB_IOC_MAGIC		'k'
#define KSLAB_IOC_BASE		0xb0

/**
 * enum kslab_cmd - command numbers; bit (1 << nr) of
 *	&kslab_version.commands says the module implements command nr.
 * @KSLAB_CMD_VERSION: query the ABI version, see &struct kslab_version.
 * @KSLAB_CMD_CACHE_CREATE: create a cache, see &struct kslab_cache_create.
 * @KSLAB_CMD_CACHE_DESTROY: destroy a cache, see &struct kslab_cache_destroy.
 * @KSLAB_CMD_CACHE_TUNE: set a cache's magazine size, see
 *	&struct kslab_cache_tune.
 * @KSLAB_CMD_RENT: rent a batch of objects, see &struct kslab_batch.
 * @KSLAB_CMD_RETURN: return a batch of objects, see &struct kslab_batch.
 * @KSLAB_CMD_OBJ_WRITE: copy bytes into a rented object, see
 *	&struct kslab_obj_io.
 * @KSLAB_CMD_OBJ_READ: copy bytes out of a rented object, see
 *	&struct kslab_obj_io.
 * @KSLAB_CMD_STATS: a cache's counters, see &struct kslab_stats.
 * @KSLAB_CMD_NOP: do nothing (the cost of the ioctl path alone).
 * @KSLAB_CMD_BENCH: run an in-kernel timed loop, see &struct kslab_bench.
 * @KSLAB_CMD_RENT_ONE: rent one object, see KSLAB_IOC_RENT_ONE.
 * @KSLAB_CMD_RETURN_ONE: return one object, see KSLAB_IOC_RETURN_ONE.
 * @KSLAB_CMD_NR: number of commands.
 */
enum kslab_cmd {
	KSLAB_CMD_VERSION = 0,
	KSLAB_CMD_CACHE_CREATE,
	KSLAB_CMD_CACHE_DESTROY,
	KSLAB_CMD_CACHE_TUNE,
	KSLAB_CMD_RENT,
	KSLAB_CMD_RETURN,
	KSLAB_CMD_OBJ_WRITE,
	KSLAB_CMD_OBJ_READ,
	KSLAB_CMD_STATS,
	KSLAB_CMD_NOP,
	KSLAB_CMD_BENCH,
	KSLAB_CMD_RENT_ONE,
	KSLAB_CMD_RETURN_ONE,
	KSLAB_CMD_NR,
};

/**
 * enum kslab_backend - the object caches that sit behind one interface.
 * @KSLAB_BACKEND_KSLAB: kslab's own cache: slabs, per-CPU magazines, depot.
 * @KSLAB_BACKEND_LOCKED: the naive pool, one spinlock-protected free stack.
 * @KSLAB_BACKEND_KMEM_CACHE: SLUB, kmem_cache_create() with SLAB_NO_MERGE.
 * @KSLAB_BACKEND_KMALLOC: kmalloc()/kfree().
 * @KSLAB_BACKEND_MEMPOOL: mempool_t over a kmem_cache.
 * @KSLAB_BACKEND_OBJPOOL: lib/objpool.c, per-CPU rings.
 * @KSLAB_BACKEND_NR: number of backends.
 */
enum kslab_backend {
	KSLAB_BACKEND_KSLAB = 0,
	KSLAB_BACKEND_LOCKED,
	KSLAB_BACKEND_KMEM_CACHE,
	KSLAB_BACKEND_KMALLOC,
	KSLAB_BACKEND_MEMPOOL,
	KSLAB_BACKEND_OBJPOOL,
	KSLAB_BACKEND_NR,
};

/*
 * Printable backend names, the one table for the module's tests and
 * libkslab: static const char * const names[] = KSLAB_BACKEND_NAMES;
 */
#define KSLAB_BACKEND_NAMES {						\
	[KSLAB_BACKEND_KSLAB] = "kslab",				\
	[KSLAB_BACKEND_LOCKED] = "kslab-locked",			\
	[KSLAB_BACKEND_KMEM_CACHE] = "kmem_cache",			\
	[KSLAB_BACKEND_KMALLOC] = "kmalloc",				\
	[KSLAB_BACKEND_MEMPOOL] = "mempool",				\
	[KSLAB_BACKEND_OBJPOOL] = "objpool",				\
}

/*
 * What each backend can do, as bitmasks over &enum kslab_backend (bit n
 * for backend n, as in &kslab_version.backends), so that the module's
 * tests and userspace state them once:
 * if (KSLAB_BACKENDS_SLABINFO & _BITULL(backend)) ...
 */

/**
 * define KSLAB_BACKENDS_DEBUG - the backends that honour KSLAB_CACHE_DEBUG.
 *
 * The others (kmalloc, objpool) have no debug mode: CACHE_CREATE of one
 * with KSLAB_CACHE_DEBUG is -EOPNOTSUPP.
 */
#define KSLAB_BACKENDS_DEBUG	(_BITULL(KSLAB_BACKEND_KSLAB) |		\
				 _BITULL(KSLAB_BACKEND_LOCKED) |	\
				 _BITULL(KSLAB_BACKEND_KMEM_CACHE) |	\
				 _BITULL(KSLAB_BACKEND_MEMPOOL))

/**
 * define KSLAB_BACKENDS_SLABINFO - the backends built on SLUB caches.
 *
 * kmem_cache and mempool: each of their caches is a SLUB cache named
 * KSLAB_SLABINFO_PREFIX "<name>", a row of /proc/slabinfo and a directory
 * of /sys/kernel/slab.
 */
#define KSLAB_BACKENDS_SLABINFO	(_BITULL(KSLAB_BACKEND_KMEM_CACHE) |	\
				 _BITULL(KSLAB_BACKEND_MEMPOOL))

/**
 * define KSLAB_BACKENDS_KSLABINFO - the backends built on kslab caches.
 *
 * kslab and kslab-locked: each of their caches is a row "<name>" of
 * /proc/kslabinfo, which has the format of /proc/slabinfo.
 */
#define KSLAB_BACKENDS_KSLABINFO (_BITULL(KSLAB_BACKEND_KSLAB) |		\
				  _BITULL(KSLAB_BACKEND_LOCKED))

/**
 * define KSLAB_BACKENDS_FIXED - the backends of a fixed capacity.
 *
 * &kslab_cache_create.capacity is the number of objects they hold
 * (objpool: a rent past it is -ENOMEM) or keep in reserve (mempool).
 */
#define KSLAB_BACKENDS_FIXED	(_BITULL(KSLAB_BACKEND_MEMPOOL) |	\
				 _BITULL(KSLAB_BACKEND_OBJPOOL))

#define KSLAB_NAME_MAX		32

/**
 * define KSLAB_SLABINFO_PREFIX - the start of a cache's name in slabinfo.
 *
 * A cache "<name>" of a backend built on SLUB (KSLAB_BACKENDS_SLABINFO) is
 * the SLUB cache KSLAB_SLABINFO_PREFIX "<name>": its row of /proc/slabinfo
 * and its directory of /sys/kernel/slab have that name.
 */
#define KSLAB_SLABINFO_PREFIX	"kslab-"

/*
 * Cache flags (&struct kslab_cache_create.flags; the kslab backends
 * translate them to the in-kernel API's own KSLAB_* flags).
 * KSLAB_CACHE_DEBUG: poison returned objects, red zones, catch double and
 *	foreign returns (kslab backend; SLAB_* debug flags for kmem_cache).
 *	Through /dev/kslab it needs CAP_SYS_ADMIN (-EPERM otherwise).
 * KSLAB_CACHE_ZERO: zero every object on rent, whatever init_on_alloc says.
 * KSLAB_CACHE_ACCOUNT: charge the cache's memory to the creator's memcg.
 */
#define KSLAB_CACHE_DEBUG	_BITUL(0)
#define KSLAB_CACHE_ZERO	_BITUL(1)
#define KSLAB_CACHE_ACCOUNT	_BITUL(2)
#define KSLAB_CACHE_FLAGS_ALL	(KSLAB_CACHE_DEBUG | KSLAB_CACHE_ZERO | \
				 KSLAB_CACHE_ACCOUNT)

/**
 * enum kslab_stat - per-cache counters, index of each in
 *	&struct kslab_stats.counters. A counter a backend does not keep reads 0.
 * @KSLAB_STAT_RENT: objects rented.
 * @KSLAB_STAT_RETURN: objects returned.
 * @KSLAB_STAT_RENT_LOADED: rents served by the CPU's loaded magazine (kslab).
 * @KSLAB_STAT_RENT_PREVIOUS: rents after swapping in the previous magazine.
 * @KSLAB_STAT_RENT_DEPOT: rents served by a full magazine of the depot
 *	(kslab-locked: by its shared free stack).
 * @KSLAB_STAT_RENT_SLAB: rents served from the slabs.
 * @KSLAB_STAT_RETURN_LOADED: returns into the loaded magazine.
 * @KSLAB_STAT_RETURN_PREVIOUS: returns after swapping in the previous one.
 * @KSLAB_STAT_RETURN_DEPOT: returns after trading a full magazine at the
 *	depot (kslab-locked: into its shared free stack).
 * @KSLAB_STAT_RETURN_SLAB: returns that went to the slabs.
 * @KSLAB_STAT_RETURN_REMOTE: returns of an object of another NUMA node.
 * @KSLAB_STAT_DEPOT_CONTENDED: contended depot lock acquisitions.
 * @KSLAB_STAT_MAGAZINE_RESIZE: magazine size changes.
 * @KSLAB_STAT_SLAB_ALLOC: slabs allocated.
 * @KSLAB_STAT_SLAB_FREE: slabs freed.
 * @KSLAB_STAT_PAGES_ALLOC: pages allocated.
 * @KSLAB_STAT_PAGES_FREE: pages freed.
 * @KSLAB_STAT_RENT_FAIL: rents that got no object.
 * @KSLAB_STAT_BULK_FALLBACK: bulk calls done as a loop of single calls
 *	(backends without a bulk API).
 * @KSLAB_STAT_SHRINK: shrinks, explicit or by the shrinker.
 * @KSLAB_STAT_DEBUG_ERROR: misuses found by KSLAB_CACHE_DEBUG.
 * @KSLAB_STAT_NR: number of counters (at most KSLAB_STAT_MAX).
 */
enum kslab_stat {
	KSLAB_STAT_RENT,
	KSLAB_STAT_RETURN,
	KSLAB_STAT_RENT_LOADED,
	KSLAB_STAT_RENT_PREVIOUS,
	KSLAB_STAT_RENT_DEPOT,
	KSLAB_STAT_RENT_SLAB,
	KSLAB_STAT_RETURN_LOADED,
	KSLAB_STAT_RETURN_PREVIOUS,
	KSLAB_STAT_RETURN_DEPOT,
	KSLAB_STAT_RETURN_SLAB,
	KSLAB_STAT_RETURN_REMOTE,
	KSLAB_STAT_DEPOT_CONTENDED,
	KSLAB_STAT_MAGAZINE_RESIZE,
	KSLAB_STAT_SLAB_ALLOC,
	KSLAB_STAT_SLAB_FREE,
	KSLAB_STAT_PAGES_ALLOC,
	KSLAB_STAT_PAGES_FREE,
	KSLAB_STAT_RENT_FAIL,
	KSLAB_STAT_BULK_FALLBACK,
	KSLAB_STAT_SHRINK,
	KSLAB_STAT_DEBUG_ERROR,
	KSLAB_STAT_NR,
};

/*
 * Printable counter names, the one table for the module (debugfs) and
 * libkslab: static const char * const names[] = KSLAB_STAT_NAMES;
 */
#define KSLAB_STAT_NAMES {					\
	[KSLAB_STAT_RENT] = "rent",				\
	[KSLAB_STAT_RETURN] = "return",				\
	[KSLAB_STAT_RENT_LOADED] = "rent_loaded",		\
	[KSLAB_STAT_RENT_PREVIOUS] = "rent_previous",		\
	[KSLAB_STAT_RENT_DEPOT] = "rent_depot",			\
	[KSLAB_STAT_RENT_SLAB] = "rent_slab",			\
	[KSLAB_STAT_RETURN_LOADED] = "return_loaded",		\
	[KSLAB_STAT_RETURN_PREVIOUS] = "return_previous",	\
	[KSLAB_STAT_RETURN_DEPOT] = "return_depot",		\
	[KSLAB_STAT_RETURN_SLAB] = "return_slab",		\
	[KSLAB_STAT_RETURN_REMOTE] = "return_remote",		\
	[KSLAB_STAT_DEPOT_CONTENDED] = "depot_contended",	\
	[KSLAB_STAT_MAGAZINE_RESIZE] = "magazine_resize",	\
	[KSLAB_STAT_SLAB_ALLOC] = "slab_alloc",			\
	[KSLAB_STAT_SLAB_FREE] = "slab_free",			\
	[KSLAB_STAT_PAGES_ALLOC] = "pages_alloc",		\
	[KSLAB_STAT_PAGES_FREE] = "pages_free",			\
	[KSLAB_STAT_RENT_FAIL] = "rent_fail",			\
	[KSLAB_STAT_BULK_FALLBACK] = "bulk_fallback",		\
	[KSLAB_STAT_SHRINK] = "shrink",				\
	[KSLAB_STAT_DEBUG_ERROR] = "debug_error",		\
}

/* Room for counters in the ABI; KSLAB_STAT_NR may grow up to it. */
#define KSLAB_STAT_MAX		32

/**
 * struct kslab_stats - counters and slab figures of one cache.
 * @size: sizeof(struct kslab_stats) as the caller knows it.
 * @cache_id: the cache (in; used by KSLAB_IOC_STATS).
 * @backend: its &enum kslab_backend.
 * @nr_counters: KSLAB_STAT_NR of the module (out).
 * @object_size: bytes the user asked for per object.
 * @stride: bytes each object takes in a slab, 0 when unknown.
 * @objects_per_slab: objects carved from one slab, 0 when unknown.
 * @order: pages per slab, as a power of two.
 * @magazine_size: objects per magazine, 0 for backends without.
 * @init_on_alloc: 1 when objects are zeroed on rent (init_on_alloc or
 *	KSLAB_CACHE_ZERO), 0 otherwise.
 * @active_objects: objects rented out now.
 * @total_objects: objects in slabs (rented, cached or free).
 * @slabs: slabs held now.
 * @pages: pages held now.
 * @counters: &enum kslab_stat counters, summed over CPUs.
 */
struct kslab_stats {
	__u32 size;
	__u32 cache_id;
	__u32 backend;
	__u32 nr_counters;
	__u32 object_size;
	__u32 stride;
	__u32 objects_per_slab;
	__u32 order;
	__u32 magazine_size;
	__u32 init_on_alloc;
	__u64 active_objects;
	__u64 total_objects;
	__u64 slabs;
	__u64 pages;
	__u64 counters[KSLAB_STAT_MAX];
};

/**
 * struct kslab_version - reply of KSLAB_IOC_VERSION.
 * @abi_version: KSLAB_ABI_VERSION of the running module.
 * @nr_commands: number of command numbers the module knows.
 * @commands: bit n set when command n (&enum kslab_cmd) is implemented.
 * @backends: bit n set when backend n (&enum kslab_backend) works on the
 *	running kernel.
 * @reserved: zero.
 */
struct kslab_version {
	__u32 abi_version;
	__u32 nr_commands;
	__u64 commands;
	__u64 backends;
	__u64 reserved[2];
};

#define KSLAB_IOC_VERSION \
	_IOR(KSLAB_IOC_MAGIC, KSLAB_IOC_BASE + KSLAB_CMD_VERSION, struct kslab_version)

/* ================== Caches ================== */

/* Bounds of &struct kslab_cache_create; anything outside is -EINVAL. */
#define KSLAB_OBJECT_SIZE_MIN	8
#define KSLAB_OBJECT_SIZE_MAX	65536
/* Default and largest capacity of a fixed-size backend (objpool, mempool). */
#define KSLAB_CAPACITY_DEFAULT	1024
#define KSLAB_CAPACITY_MAX	65536

/**
 * define KSLAB_MAGAZINE_SIZE_MAX - the largest magazine, in objects.
 *
 * The kslab backend refuses a larger &kslab_cache_create.magazine_size
 * (CACHE_CREATE) or &kslab_cache_tune.magazine_size (CACHE_TUNE) with
 * -EINVAL.
 */
#define KSLAB_MAGAZINE_SIZE_MAX	256

/**
 * struct kslab_cache_create - argument of KSLAB_IOC_CACHE_CREATE.
 * @size: sizeof(struct kslab_cache_create) as the caller knows it.
 * @flags: KSLAB_CACHE_* flags.
 * @backend: &enum kslab_backend.
 * @object_size: bytes per object, KSLAB_OBJECT_SIZE_MIN..
 *	KSLAB_OBJECT_SIZE_MAX.
 * @align: object alignment: 0 for the backend's default, else a power of
 *	two up to the page size.
 * @magazine_size: objects per magazine of the kslab backend, 0 for its
 *	default, at most KSLAB_MAGAZINE_SIZE_MAX (-EINVAL above); ignored by
 *	the other backends. A magazine also holds at most 64 KiB of objects
 *	(one object at least): a larger size gets that bound, which STATS
 *	reports as &kslab_stats.magazine_size.
 * @capacity: objects a fixed-size backend holds (objpool; the reserve of
 *	mempool) and the size of kslab-locked's shared free stack, 0 for
 *	KSLAB_CAPACITY_DEFAULT, at most KSLAB_CAPACITY_MAX; ignored by the
 *	other backends.
 * @cache_id: (out) the new cache; never 0.
 * @name: user pointer to a NUL-terminated name of 1 to KSLAB_NAME_MAX - 1
 *	characters from [A-Za-z0-9._-], unique among the live caches of all
 *	sessions (-EEXIST otherwise). kmem_cache and mempool caches appear in
 *	/proc/slabinfo as "kslab-<name>", kslab caches in /proc/kslabinfo.
 * @reserved: zero.
 */
struct kslab_cache_create {
	__u32 size;
	__u32 flags;
	__u32 backend;
	__u32 object_size;
	__u32 align;
	__u32 magazine_size;
	__u32 capacity;
	__u32 cache_id;
	__u64 name;
	__u64 reserved[2];
};

#define KSLAB_CACHE_CREATE_SIZE_VER0	56

/**
 * struct kslab_cache_destroy - argument of KSLAB_IOC_CACHE_DESTROY.
 * @size: sizeof(struct kslab_cache_destroy) as the caller knows it.
 * @cache_id: the cache; it must have no object rented (-EBUSY).
 * @reserved: zero.
 */
struct kslab_cache_destroy {
	__u32 size;
	__u32 cache_id;
	__u64 reserved;
};

#define KSLAB_CACHE_DESTROY_SIZE_VER0	16

/**
 * struct kslab_cache_tune - argument of KSLAB_IOC_CACHE_TUNE.
 * @size: sizeof(struct kslab_cache_tune) as the caller knows it.
 * @cache_id: the cache.
 * @magazine_size: new objects per magazine, 1..KSLAB_MAGAZINE_SIZE_MAX
 *	(-EINVAL otherwise), bounded to 64 KiB of objects as at create;
 *	backends without magazines answer -EOPNOTSUPP.
 * @reserved: zero.
 */
struct kslab_cache_tune {
	__u32 size;
	__u32 cache_id;
	__u32 magazine_size;
	__u32 reserved;
};

#define KSLAB_CACHE_TUNE_SIZE_VER0	16

/* ================== Objects ================== */

/* Most handles one KSLAB_IOC_RENT or KSLAB_IOC_RETURN takes. */
#define KSLAB_BATCH_MAX		1024

/**
 * struct kslab_batch - argument of KSLAB_IOC_RENT and KSLAB_IOC_RETURN.
 * @size: sizeof(struct kslab_batch) as the caller knows it.
 * @cache_id: the cache.
 * @count: handles at @handles, 1..KSLAB_BATCH_MAX.
 * @reserved: zero.
 * @handles: user pointer to @count __u64 handles: written by RENT, read by
 *	RETURN. A handle is an opaque token (its cache, an index and a
 *	generation, see KSLAB_HANDLE()), never an address; it is valid in
 *	its session and cache until it is returned.
 *
 * Both commands process the handles in order and stop at the first that
 * fails. They return how many succeeded when that is at least one, and
 * the error otherwise; the handles after the last success are untouched
 * (RENT) or still rented (RETURN).
 */
struct kslab_batch {
	__u32 size;
	__u32 cache_id;
	__u32 count;
	__u32 reserved;
	__u64 handles;
};

#define KSLAB_BATCH_SIZE_VER0	24

/**
 * KSLAB_HANDLE() - the handle of KSLAB_IOC_RENT_ONE's result.
 * @cache_id: the cache id passed to RENT_ONE.
 * @value: its result, positive.
 *
 * A handle is its cache id in bits 32-47 and, in bits 0-30, the object's
 * slot and generation in that cache; the other bits are zero. The ioctl
 * system call returns an int, so RENT_ONE returns the low 31 bits and the
 * caller, who named the cache, puts the id back.
 */
#define KSLAB_HANDLE(cache_id, value) \
	((__u64)(cache_id) << 32 | (__u32)(value))

/**
 * struct kslab_obj_io - argument of KSLAB_IOC_OBJ_WRITE and
 *	KSLAB_IOC_OBJ_READ.
 * @size: sizeof(struct kslab_obj_io) as the caller knows it.
 * @cache_id: the cache the object was rented from.
 * @handle: the object's handle.
 * @offset: first byte of the object to write or read.
 * @length: bytes to copy, at least 1; @offset + @length is at most the
 *	object size.
 * @buf: user pointer to @length bytes.
 *
 * A read shows only bytes written in the current rent: bytes not written
 * since the object was rented read as zero.
 */
struct kslab_obj_io {
	__u32 size;
	__u32 cache_id;
	__u64 handle;
	__u32 offset;
	__u32 length;
	__u64 buf;
};

#define KSLAB_OBJ_IO_SIZE_VER0	32

#define KSLAB_STATS_SIZE_VER0	328

#define KSLAB_IOC_CACHE_CREATE	_IOWR(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_CACHE_CREATE, struct kslab_cache_create)
#define KSLAB_IOC_CACHE_DESTROY	_IOW(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_CACHE_DESTROY, struct kslab_cache_destroy)
#define KSLAB_IOC_CACHE_TUNE	_IOW(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_CACHE_TUNE, struct kslab_cache_tune)
#define KSLAB_IOC_RENT		_IOW(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_RENT, struct kslab_batch)
#define KSLAB_IOC_RETURN	_IOW(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_RETURN, struct kslab_batch)
#define KSLAB_IOC_OBJ_WRITE	_IOW(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_OBJ_WRITE, struct kslab_obj_io)
#define KSLAB_IOC_OBJ_READ	_IOW(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_OBJ_READ, struct kslab_obj_io)
#define KSLAB_IOC_STATS		_IOWR(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_STATS, struct kslab_stats)
#define KSLAB_IOC_NOP		_IO(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_NOP)

/**
 * define KSLAB_IOC_RENT_ONE - rent one object, with no struct and no copy.
 *
 * The argument is the cache id itself (by value). The result is positive,
 * the low 31 bits of the new object's handle: the handle is
 * KSLAB_HANDLE(cache id, result). On failure, -1 with errno set as for a
 * KSLAB_IOC_RENT of one handle (-ENOENT, -ENOSPC, -ENOMEM).
 */
#define KSLAB_IOC_RENT_ONE	_IO(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_RENT_ONE)

/**
 * define KSLAB_IOC_RETURN_ONE - return one object, with no struct and no
 *	copy.
 *
 * The argument is the object's handle itself (by value); the handle names
 * its cache. The result is 0, or -1 with errno set as for a
 * KSLAB_IOC_RETURN of that one handle (-ENOENT for a handle that names no
 * rented object of this session). 64-bit processes only: a 32-bit (compat)
 * caller, whose argument cannot hold a handle, gets -ENOTTY and uses
 * KSLAB_IOC_RETURN.
 */
#define KSLAB_IOC_RETURN_ONE	_IO(KSLAB_IOC_MAGIC, \
	KSLAB_IOC_BASE + KSLAB_CMD_RETURN_ONE)

/* ================== BENCH: in-kernel timed loops ================== */

/**
 * enum kslab_bench_pattern - what the loop of KSLAB_IOC_BENCH does.
 * @KSLAB_BENCH_BURN: burn-after-reading: rent, touch, return at once. With
 *	several CPUs in &kslab_bench.cpu_mask every one runs it at the same
 *	time (the all-CPUs pattern).
 * @KSLAB_BENCH_HOLD: rent &kslab_bench.batch objects one by one, touch
 *	them, then return them in the same order.
 * @KSLAB_BENCH_CROSS: producer/consumer: CPUs of the mask are taken in
 *	pairs (lowest first); the first of a pair rents and touches objects
 *	and passes them through a ring to the second, which returns them.
 * @KSLAB_BENCH_BULK: rent_bulk() of &kslab_bench.batch objects, touch,
 *	return_bulk().
 * @KSLAB_BENCH_COPY: no allocator: copy_from_user() of
 *	&kslab_bench.object_size bytes from &kslab_bench.user_buf, in the
 *	caller's context (the copy component of a round trip).
 * @KSLAB_BENCH_EMPTY: burn-after-reading against an empty pool whose rent
 *	hands out one buffer and whose return does nothing: the cost of the
 *	loop itself, which calls it as it calls every backend
 *	(&kslab_bench.backend is ignored but must be valid).
 * @KSLAB_BENCH_NR: number of patterns.
 */
enum kslab_bench_pattern {
	KSLAB_BENCH_BURN = 0,
	KSLAB_BENCH_HOLD,
	KSLAB_BENCH_CROSS,
	KSLAB_BENCH_BULK,
	KSLAB_BENCH_COPY,
	KSLAB_BENCH_EMPTY,
	KSLAB_BENCH_NR,
};

/* Bounds of &struct kslab_bench; larger values are -EINVAL. */
#define KSLAB_BENCH_MAX_ITERATIONS	_BITULL(24)
#define KSLAB_BENCH_MAX_BATCH		4096
#define KSLAB_BENCH_MAX_THREADS_PER_CPU	8
#define KSLAB_BENCH_MAX_COPY		65536

/**
 * enum kslab_bench_role - what one thread of a run did.
 * @KSLAB_BENCH_ROLE_WORKER: rented and returned (burn, hold, bulk, copy).
 * @KSLAB_BENCH_ROLE_PRODUCER: rented and passed on (cross).
 * @KSLAB_BENCH_ROLE_CONSUMER: returned what its producer passed (cross).
 */
enum kslab_bench_role {
	KSLAB_BENCH_ROLE_WORKER = 0,
	KSLAB_BENCH_ROLE_PRODUCER,
	KSLAB_BENCH_ROLE_CONSUMER,
};

/**
 * struct kslab_bench_thread - result of one kthread of a BENCH run.
 * @cpu: the CPU it was bound to.
 * @role: &enum kslab_bench_role.
 * @ops: objects it rented and returned (producer: rented; consumer:
 *	returned).
 * @ns: time from its start to its end (ktime_get_ns()).
 * @cycles: the same in get_cycles() units (TSC on x86).
 * @reused: rents that got the same address as its previous rent.
 * @failed: rents that returned no object.
 */
struct kslab_bench_thread {
	__u32 cpu;
	__u32 role;
	__u64 ops;
	__u64 ns;
	__u64 cycles;
	__u64 reused;
	__u64 failed;
};

/**
 * struct kslab_bench - argument of KSLAB_IOC_BENCH: run a timed loop over a
 *	pool of its own, created for the run and destroyed after it.
 * @size: sizeof(struct kslab_bench) as the caller knows it.
 * @backend: &enum kslab_backend.
 * @object_size: bytes per object.
 * @pattern: &enum kslab_bench_pattern.
 * @iterations: objects each thread (each producer for cross) rents and
 *	returns, 1..KSLAB_BENCH_MAX_ITERATIONS; hold and bulk round it up to
 *	a multiple of @batch.
 * @cpu_mask: bit n runs the loop on CPU n (online CPUs only); 0 runs it on
 *	the CPU the caller is on (or on @cpus). Cross needs an even number of
 *	CPUs.
 * @batch: objects held (hold) or per bulk call (bulk), 1..
 *	KSLAB_BENCH_MAX_BATCH; 0 or 1 for the other patterns.
 * @threads_per_cpu: kthreads per CPU (pairs per CPU pair for cross),
 *	0 for 1, at most KSLAB_BENCH_MAX_THREADS_PER_CPU.
 * @cache_flags: KSLAB_CACHE_* flags of the pool.
 * @magazine_size: magazine size of the pool, 0 for the backend default.
 * @results: user pointer to @nr_results &struct kslab_bench_thread, or 0.
 * @nr_results: room at @results; the first min(@nr_results, @nr_threads)
 *	threads are written.
 * @nr_threads: (out) threads that ran.
 * @user_buf: user pointer to @object_size bytes (copy only), else 0.
 * @ops: (out) objects rented and returned by all threads.
 * @ns: (out) wall time from the first thread's start to the last one's end.
 * @cycles: (out) the same in get_cycles() units.
 * @reused: (out) sum of &kslab_bench_thread.reused.
 * @failed: (out) sum of &kslab_bench_thread.failed.
 * @objects_per_slab: (out) as the pool's stats say, 0 when unknown.
 * @init_on_alloc: (out) 1 when the kernel zeroes objects on allocation
 *	(init_on_alloc) or @cache_flags has KSLAB_CACHE_ZERO.
 * @pages: (out) pages the pool held at the end of the run.
 * @pages_shrunk: (out) pages it still held after its shrink op.
 * @slabs_shrunk: (out) slabs it still held after its shrink op.
 * @reserved: zero.
 * @cpus: user pointer to @nr_cpus __u32 CPU numbers, any of the machine's
 *	(online, each once): the CPUs of the run in that order, for machines
 *	with more CPUs than @cpu_mask has bits; 0 when @nr_cpus is 0. Since
 *	KSLAB_BENCH_SIZE_VER1.
 * @nr_cpus: CPUs at @cpus; 0 to use @cpu_mask, which must then be the
 *	only CPU set given (both: -EINVAL).
 * @reserved2: zero.
 *
 * Out fields are ignored on input. The run ends early, with -EINTR, when
 * the caller gets a fatal signal, and with -EBUSY when a CPU of the run
 * goes offline (the offline does not wait for the run).
 */
struct kslab_bench {
	__u32 size;
	__u32 backend;
	__u32 object_size;
	__u32 pattern;
	__u64 iterations;
	__u64 cpu_mask;
	__u32 batch;
	__u32 threads_per_cpu;
	__u32 cache_flags;
	__u32 magazine_size;
	__u64 results;
	__u32 nr_results;
	__u32 nr_threads;
	__u64 user_buf;
	__u64 ops;
	__u64 ns;
	__u64 cycles;
	__u64 reused;
	__u64 failed;
	__u32 objects_per_slab;
	__u32 init_on_alloc;
	__u64 pages;
	__u64 pages_shrunk;
	__u64 slabs_shrunk;
	__u64 reserved[4];
	__u64 cpus;
	__u32 nr_cpus;
	__u32 reserved2;
};

#define KSLAB_BENCH_SIZE_VER0	176
#define KSLAB_BENCH_SIZE_VER1	192

#define KSLAB_IOC_BENCH \
	_IOWR(KSLAB_IOC_MAGIC, KSLAB_IOC_BASE + KSLAB_CMD_BENCH, struct kslab_bench)

/**
 * define KSLAB_IOCTL_CMDS - the ioctl number of each &enum kslab_cmd.
 *
 * The one table of the commands, for the module's dispatcher, its tests
 * and userspace: static const unsigned int cmds[KSLAB_CMD_NR] =
 * KSLAB_IOCTL_CMDS;
 */
#define KSLAB_IOCTL_CMDS {						\
	[KSLAB_CMD_VERSION] = KSLAB_IOC_VERSION,			\
	[KSLAB_CMD_CACHE_CREATE] = KSLAB_IOC_CACHE_CREATE,		\
	[KSLAB_CMD_CACHE_DESTROY] = KSLAB_IOC_CACHE_DESTROY,		\
	[KSLAB_CMD_CACHE_TUNE] = KSLAB_IOC_CACHE_TUNE,			\
	[KSLAB_CMD_RENT] = KSLAB_IOC_RENT,				\
	[KSLAB_CMD_RETURN] = KSLAB_IOC_RETURN,				\
	[KSLAB_CMD_OBJ_WRITE] = KSLAB_IOC_OBJ_WRITE,			\
	[KSLAB_CMD_OBJ_READ] = KSLAB_IOC_OBJ_READ,			\
	[KSLAB_CMD_STATS] = KSLAB_IOC_STATS,				\
	[KSLAB_CMD_NOP] = KSLAB_IOC_NOP,				\
	[KSLAB_CMD_BENCH] = KSLAB_IOC_BENCH,				\
	[KSLAB_CMD_RENT_ONE] = KSLAB_IOC_RENT_ONE,			\
	[KSLAB_CMD_RETURN_ONE] = KSLAB_IOC_RETURN_ONE,			\
}

#endif /* _UAPI_LINUX_KSLAB_H */
