// SPDX-License-Identifier: GPL-2.0
/*
 * kslab: a slab-style object cache with per-CPU magazines, and /dev/kslab,
 * which measures it side by side with kmem_cache and the other in-kernel
 * pools.
 */
#include <linux/module.h>

#include "dev.h"

static int __init kslab_init(void)
{
	return kslab_dev_init();
}

static void __exit kslab_exit(void)
{
	kslab_dev_exit();
}

module_init(kslab_init);
module_exit(kslab_exit);

MODULE_DESCRIPTION("kslab: slab-style object cache and allocator benchmark device");
MODULE_AUTHOR("kslab developers");
MODULE_LICENSE("GPL");
