// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kslab: the misc device, its sessions and the ioctl dispatcher.
 *
 * Every command is listed once, in kslab_ioctls[]; VERSION reports the
 * same table as its command bitmap, so the two never disagree. The
 * handlers here read and check the user's structs (size, reserved fields,
 * pointers) and leave the work to the session (session.c) or, for BENCH,
 * to the benchmark (bench/bench.c).
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/minmax.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <uapi/kslab.h>

#include "backends/backend.h"
#include "bench/bench.h"
#include "device.h"
#include "session.h"

static umode_t device_mode = 0600;
module_param(device_mode, ushort, 0444);
MODULE_PARM_DESC(device_mode, "Mode of /dev/kslab (default 0600)");

/**
 * struct kslab_ioctl_desc - one command; its KSLAB_IOC_* number is the
 *	ABI's (KSLAB_IOCTL_CMDS).
 * @extensible: its struct starts with a __u32 size, read with
 *	copy_struct_from_user(); the size encoded in the number is not
 *	compared, so that a caller built with a larger struct still matches.
 * @handler: does it, given the ioctl's argument (a user pointer, or for
 *	RENT_ONE and RETURN_ONE a value); the result is the ioctl's.
 */
struct kslab_ioctl_desc {
	bool extensible;
	long (*handler)(struct file *file, unsigned long arg);
};

/* ================== Arguments ================== */

/*
 * kslab_get_args_ver() - read an extensible ioctl struct.
 * @karg: where to put it, @ksize bytes.
 * @ksize: the size of the struct this module knows.
 * @ver0: the size of its first version: a caller built with any size from
 *	there up is served (fields it does not know read as zero).
 * @uarg: user pointer to the struct, whose first __u32 is the size the
 *	caller built it with.
 * @usize: set to that size on success.
 *
 * Context: process context; may sleep (user copy).
 * Return: 0; -EFAULT for an unreadable @uarg; -EINVAL when the caller's
 * size is smaller than @ver0; -E2BIG when it is larger than a page or the
 * bytes past @ksize are not zero.
 */
static __always_inline int kslab_get_args_ver(void *karg, size_t ksize,
					      size_t ver0,
					      const void __user *uarg,
					      u32 *usize)
{
	u32 size;
	int ret;

	if (get_user(size, (const u32 __user *)uarg))
		return -EFAULT;
	if (size < ver0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, size);
	if (ret)
		return ret;
	*usize = size;
	return 0;
}

/* A struct with no older version: its size is its first. */
static int kslab_get_args(void *karg, size_t ksize, const void __user *uarg,
			  u32 *usize)
{
	return kslab_get_args_ver(karg, ksize, ksize, uarg, usize);
}

/* ================== Commands ================== */

static u64 kslab_commands_mask(void);

static long kslab_ioc_version(struct file *file, unsigned long uarg)
{
	void __user *arg = (void __user *)uarg;
	struct kslab_version ver = {
		.abi_version = KSLAB_ABI_VERSION,
		.nr_commands = KSLAB_CMD_NR,
		.commands = kslab_commands_mask(),
		.backends = kslab_backends_available(),
	};

	return copy_to_user(arg, &ver, sizeof(ver)) ? -EFAULT : 0;
}

static long kslab_ioc_cache_create(struct file *file, unsigned long arg)
{
	struct kslab_cache_create __user *uarg = (void __user *)arg;
	struct kslab_cache_create req;
	struct kslab_pool_args pa;
	char name[KSLAB_NAME_MAX];
	long len;
	u32 usize, id;
	int ret;

	ret = kslab_get_args(&req, sizeof(req), uarg, &usize);
	if (ret)
		return ret;
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	/* a debug cache WARNs on a bad return: admin only */
	if ((req.flags & KSLAB_CACHE_DEBUG) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	len = strncpy_from_user(name, u64_to_user_ptr(req.name), sizeof(name));
	if (len < 0)
		return len;
	if (len == sizeof(name))
		return -EINVAL;
	pa = (struct kslab_pool_args) {
		.name = name,
		.object_size = req.object_size,
		.align = req.align,
		.flags = req.flags,
		.magazine_size = req.magazine_size,
		.capacity = req.capacity,
	};
	ret = kslab_session_create(file->private_data, req.backend, &pa, &id);
	if (ret)
		return ret;
	if (put_user(id, &uarg->cache_id)) {
		kslab_session_destroy(file->private_data, id);
		return -EFAULT;
	}
	return 0;
}

static long kslab_ioc_cache_destroy(struct file *file, unsigned long uarg)
{
	void __user *arg = (void __user *)uarg;
	struct kslab_cache_destroy req;
	u32 usize;
	int ret;

	ret = kslab_get_args(&req, sizeof(req), arg, &usize);
	if (ret)
		return ret;
	if (req.reserved)
		return -EINVAL;
	return kslab_session_destroy(file->private_data, req.cache_id);
}

static long kslab_ioc_cache_tune(struct file *file, unsigned long uarg)
{
	void __user *arg = (void __user *)uarg;
	struct kslab_cache_tune req;
	u32 usize;
	int ret;

	ret = kslab_get_args(&req, sizeof(req), arg, &usize);
	if (ret)
		return ret;
	if (req.reserved || !req.magazine_size)
		return -EINVAL;
	return kslab_session_tune(file->private_data, req.cache_id,
				  req.magazine_size);
}

static long kslab_ioc_batch(struct file *file, unsigned long arg, bool rent)
{
	struct kslab_batch req;
	u32 usize;
	int ret;

	ret = kslab_get_args(&req, sizeof(req), (void __user *)arg, &usize);
	if (ret)
		return ret;
	if (req.reserved)
		return -EINVAL;
	if (rent)
		return kslab_session_rent(file->private_data, req.cache_id,
					  u64_to_user_ptr(req.handles),
					  req.count);
	return kslab_session_return(file->private_data, req.cache_id,
				    u64_to_user_ptr(req.handles), req.count);
}

static long kslab_ioc_rent(struct file *file, unsigned long arg)
{
	return kslab_ioc_batch(file, arg, true);
}

static long kslab_ioc_return(struct file *file, unsigned long arg)
{
	return kslab_ioc_batch(file, arg, false);
}

/* RENT_ONE: the argument is the cache id, the result the handle's low half. */
static long kslab_ioc_rent_one(struct file *file, unsigned long arg)
{
	if (arg > U32_MAX)
		return -ENOENT;
	return kslab_session_rent_one(file->private_data, arg);
}

/* RETURN_ONE: the argument is the handle. */
static long kslab_ioc_return_one(struct file *file, unsigned long arg)
{
	return kslab_session_return_one(file->private_data, arg);
}

static long kslab_ioc_obj(struct file *file, unsigned long arg, bool write)
{
	struct kslab_obj_io req;
	u32 usize;
	int ret;

	ret = kslab_get_args(&req, sizeof(req), (void __user *)arg, &usize);
	if (ret)
		return ret;
	if (write)
		return kslab_session_obj_write(file->private_data, &req);
	return kslab_session_obj_read(file->private_data, &req);
}

static long kslab_ioc_obj_write(struct file *file, unsigned long arg)
{
	return kslab_ioc_obj(file, arg, true);
}

static long kslab_ioc_obj_read(struct file *file, unsigned long arg)
{
	return kslab_ioc_obj(file, arg, false);
}

/* Out fields the caller passed in are ignored and overwritten. */
static long kslab_ioc_stats(struct file *file, unsigned long uarg)
{
	void __user *arg = (void __user *)uarg;
	struct kslab_stats req, st = {};
	u32 usize;
	int ret;

	ret = kslab_get_args(&req, sizeof(req), arg, &usize);
	if (ret)
		return ret;
	ret = kslab_session_stats(file->private_data, req.cache_id, &st);
	if (ret)
		return ret;
	st.size = req.size;
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long kslab_ioc_nop(struct file *file, unsigned long arg)
{
	return 0;
}

/*
 * BENCH: the run works on kernel copies of the struct and of its CPU list;
 * its per-thread results come back through a kernel array of at most
 * kslab_bench_max_threads() entries.
 */
static long kslab_ioc_bench(struct file *file, unsigned long uarg)
{
	void __user *arg = (void __user *)uarg;
	struct kslab_bench_thread *results = NULL;
	u32 *cpus = NULL;
	struct kslab_bench a;
	unsigned int nr;
	u32 usize;
	int ret;

	/* kthreads on every CPU for up to 2^24 iterations: admin only */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = kslab_get_args_ver(&a, sizeof(a), KSLAB_BENCH_SIZE_VER0, arg,
				 &usize);
	if (ret)
		return ret;
	/* the CPU list, any length up to the machine's CPU ids */
	if (a.nr_cpus) {
		if (a.nr_cpus > nr_cpu_ids || !a.cpus)
			return -EINVAL;
		cpus = memdup_user(u64_to_user_ptr(a.cpus),
				   array_size(a.nr_cpus, sizeof(*cpus)));
		if (IS_ERR(cpus))
			return PTR_ERR(cpus);
	}
	nr = min(a.nr_results, kslab_bench_max_threads());
	if (nr && a.results) {
		results = kvcalloc(nr, sizeof(*results), GFP_KERNEL);
		if (!results) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = kslab_bench_run(&a, cpus, results, results ? nr : 0);
	if (ret)
		goto out;
	nr = min(nr, a.nr_threads);
	if ((nr && copy_to_user(u64_to_user_ptr(a.results), results,
				nr * sizeof(*results))) ||
	    copy_to_user(arg, &a, min_t(size_t, usize, sizeof(a))))
		ret = -EFAULT;
out:
	kvfree(results);
	kfree(cpus);
	return ret;
}

/* ================== Dispatch ================== */

static const unsigned int kslab_ioctl_cmds[KSLAB_CMD_NR] = KSLAB_IOCTL_CMDS;

#define KSLAB_IOCTL(_nr, _ext, _handler) \
	[_nr] = { .extensible = (_ext), .handler = (_handler) }

static const struct kslab_ioctl_desc kslab_ioctls[KSLAB_CMD_NR] = {
	KSLAB_IOCTL(KSLAB_CMD_VERSION, false, kslab_ioc_version),
	KSLAB_IOCTL(KSLAB_CMD_CACHE_CREATE, true, kslab_ioc_cache_create),
	KSLAB_IOCTL(KSLAB_CMD_CACHE_DESTROY, true, kslab_ioc_cache_destroy),
	KSLAB_IOCTL(KSLAB_CMD_CACHE_TUNE, true, kslab_ioc_cache_tune),
	KSLAB_IOCTL(KSLAB_CMD_RENT, true, kslab_ioc_rent),
	KSLAB_IOCTL(KSLAB_CMD_RETURN, true, kslab_ioc_return),
	KSLAB_IOCTL(KSLAB_CMD_OBJ_WRITE, true, kslab_ioc_obj_write),
	KSLAB_IOCTL(KSLAB_CMD_OBJ_READ, true, kslab_ioc_obj_read),
	KSLAB_IOCTL(KSLAB_CMD_STATS, true, kslab_ioc_stats),
	KSLAB_IOCTL(KSLAB_CMD_NOP, false, kslab_ioc_nop),
	KSLAB_IOCTL(KSLAB_CMD_BENCH, true, kslab_ioc_bench),
	KSLAB_IOCTL(KSLAB_CMD_RENT_ONE, false, kslab_ioc_rent_one),
	KSLAB_IOCTL(KSLAB_CMD_RETURN_ONE, false, kslab_ioc_return_one),
};

static u64 kslab_commands_mask(void)
{
	u64 mask = 0;
	unsigned int nr;

	for (nr = 0; nr < KSLAB_CMD_NR; nr++)
		if (kslab_ioctls[nr].handler)
			mask |= BIT_ULL(nr);
	return mask;
}

static long kslab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	unsigned int nr = _IOC_NR(cmd) - KSLAB_IOC_BASE;
	const struct kslab_ioctl_desc *desc;
	unsigned int ignore = 0;

	if (_IOC_TYPE(cmd) != KSLAB_IOC_MAGIC || _IOC_NR(cmd) < KSLAB_IOC_BASE ||
	    nr >= KSLAB_CMD_NR)
		return -ENOTTY;
	nr = array_index_nospec(nr, KSLAB_CMD_NR);
	desc = &kslab_ioctls[nr];
	if (desc->extensible)
		ignore = _IOC_SIZEMASK << _IOC_SIZESHIFT;
	if (!desc->handler ||
	    (cmd & ~ignore) != (kslab_ioctl_cmds[nr] & ~ignore))
		return -ENOTTY;
	/* the single-object commands, called directly (no retpoline) */
	return INDIRECT_CALL_2(desc->handler, kslab_ioc_rent_one,
			       kslab_ioc_return_one, file, arg);
}

#ifdef CONFIG_COMPAT
/* A 32-bit caller's argument is 32 bits: RETURN_ONE's handle is not. */
static long kslab_compat_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	if (cmd == KSLAB_IOC_RETURN_ONE)
		return -ENOTTY;
	return compat_ptr_ioctl(file, cmd, arg);
}
#else
#define kslab_compat_ioctl NULL
#endif

/* ================== Device ================== */

static int kslab_open(struct inode *inode, struct file *file)
{
	struct kslab_session *s = kslab_session_open();

	if (!s)
		return -ENOMEM;
	file->private_data = s;
	return nonseekable_open(inode, file);
}

static int kslab_release(struct inode *inode, struct file *file)
{
	kslab_session_release(file->private_data);
	return 0;
}

/* .owner pins the module while any session is open: rmmod gets -EBUSY. */
static const struct file_operations kslab_fops = {
	.owner = THIS_MODULE,
	.open = kslab_open,
	.release = kslab_release,
	.unlocked_ioctl = kslab_ioctl,
	.compat_ioctl = kslab_compat_ioctl,
};

static struct miscdevice kslab_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KSLAB_DEVICE_NAME,
	.fops = &kslab_fops,
};

/**
 * kslab_device_init() - register /dev/kslab.
 *
 * Context: process context, module init; may sleep.
 * Return: 0 on success, a negative errno from misc_register() otherwise.
 */
int kslab_device_init(void)
{
	kslab_miscdev.mode = device_mode;
	return misc_register(&kslab_miscdev);
}

/**
 * kslab_device_exit() - unregister /dev/kslab.
 *
 * Context: process context, module exit; may sleep.
 */
void kslab_device_exit(void)
{
	misc_deregister(&kslab_miscdev);
	kslab_session_exit();
}
