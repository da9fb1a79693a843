/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/kslab: the misc device and its ioctls. */
#ifndef _KSLAB_DEV_H
#define _KSLAB_DEV_H

#include <linux/compiler.h>
#include <linux/types.h>

int kslab_dev_init(void);
void kslab_dev_exit(void);
int kslab_get_args(void *karg, size_t ksize, const void __user *uarg,
		   u32 *usize);

#endif /* _KSLAB_DEV_H */
