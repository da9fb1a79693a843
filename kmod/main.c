// SPDX-License-Identifier: GPL-2.0
/*
 * kslab: a slab-style object cache with per-CPU magazines (core/, its API
 * in <kslab/kslab.h>), and /dev/kslab (device/), which measures it side by
 * side with kmem_cache and the other in-kernel pools (backends/, bench/).
 * The core comes up first and goes last: the device uses it, never the
 * other way round.
 */
#include <linux/module.h>

#include "core/core.h"
#include "device/device.h"

static int __init kslab_init(void)
{
	int ret;

	ret = kslab_core_init();
	if (ret)
		return ret;
	ret = kslab_device_init();
	if (ret)
		kslab_core_exit();
	return ret;
}

static void __exit kslab_exit(void)
{
	kslab_device_exit();
	kslab_core_exit();
}

module_init(kslab_init);
module_exit(kslab_exit);

MODULE_DESCRIPTION("kslab: slab-style object cache and allocator benchmark device");
MODULE_AUTHOR("kslab developers");
MODULE_LICENSE("GPL");
