// SPDX-License-Identifier: GPL-2.0
/*
 * kslab: a slab-style object cache with per-CPU magazines, and /dev/kslab,
 * which measures it side by side with kmem_cache and the other in-kernel
 * pools.
 */
#include <linux/module.h>

#include "dev.h"
#include "kslab_internal.h"

static int __init kslab_init(void)
{
	int ret;

	ret = kslab_core_init();
	if (ret)
		return ret;
	ret = kslab_dev_init();
	if (ret)
		kslab_core_exit();
	return ret;
}

static void __exit kslab_exit(void)
{
	kslab_dev_exit();
	kslab_core_exit();
}

module_init(kslab_init);
module_exit(kslab_exit);

MODULE_DESCRIPTION("kslab: slab-style object cache and allocator benchmark device");
MODULE_AUTHOR("kslab developers");
MODULE_LICENSE("GPL");
