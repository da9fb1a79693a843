/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/kslab: the misc device and its ioctls. */
#ifndef _KSLAB_DEV_H
#define _KSLAB_DEV_H

int kslab_dev_init(void);
void kslab_dev_exit(void);

#endif /* _KSLAB_DEV_H */
