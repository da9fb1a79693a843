// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kslab: the misc device, its sessions and the ioctl dispatcher.
 *
 * Every command is listed once, in kslab_ioctls[]; VERSION reports the
 * same table as its command bitmap, so the two never disagree.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include <uapi/kslab.h>

#include "dev.h"

static umode_t device_mode = 0600;
module_param(device_mode, ushort, 0444);
MODULE_PARM_DESC(device_mode, "Mode of /dev/kslab (default 0600)");

struct kslab_ioctl_desc {
	unsigned int cmd;
	long (*handler)(struct file *file, void __user *arg);
};

/* ================== Commands ================== */

static u64 kslab_commands_mask(void);

static long kslab_ioc_version(struct file *file, void __user *arg)
{
	struct kslab_version ver = {
		.abi_version = KSLAB_ABI_VERSION,
		.nr_commands = KSLAB_CMD_NR,
		.commands = kslab_commands_mask(),
		.backends = 0,
	};

	return copy_to_user(arg, &ver, sizeof(ver)) ? -EFAULT : 0;
}

/* ================== Dispatch ================== */

static const struct kslab_ioctl_desc kslab_ioctls[KSLAB_CMD_NR] = {
	[KSLAB_CMD_VERSION] = { KSLAB_IOC_VERSION, kslab_ioc_version },
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

	if (_IOC_TYPE(cmd) != KSLAB_IOC_MAGIC || _IOC_NR(cmd) < KSLAB_IOC_BASE ||
	    nr >= KSLAB_CMD_NR || kslab_ioctls[nr].cmd != cmd ||
	    !kslab_ioctls[nr].handler)
		return -ENOTTY;
	return kslab_ioctls[nr].handler(file, (void __user *)arg);
}

/* ================== Device ================== */

static const struct file_operations kslab_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kslab_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice kslab_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KSLAB_DEVICE_NAME,
	.fops = &kslab_fops,
};

/**
 * kslab_dev_init() - register /dev/kslab.
 *
 * Context: process context, module init; may sleep.
 * Return: 0 on success, a negative errno from misc_register() otherwise.
 */
int kslab_dev_init(void)
{
	kslab_miscdev.mode = device_mode;
	return misc_register(&kslab_miscdev);
}

/**
 * kslab_dev_exit() - unregister /dev/kslab.
 *
 * Context: process context, module exit; may sleep.
 */
void kslab_dev_exit(void)
{
	misc_deregister(&kslab_miscdev);
}
