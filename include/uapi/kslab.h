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
 * @KSLAB_CMD_NR: number of commands.
 */
enum kslab_cmd {
	KSLAB_CMD_VERSION = 0,
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

#endif /* _UAPI_LINUX_KSLAB_H */
