/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/kslab: the misc device and its ioctls (dev.c). */
#ifndef _KSLAB_DEVICE_H
#define _KSLAB_DEVICE_H

int kslab_device_init(void);
void kslab_device_exit(void);

#endif /* _KSLAB_DEVICE_H */
