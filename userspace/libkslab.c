// SPDX-License-Identifier: GPL-2.0
/* libkslab: see libkslab.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libkslab.h"

int kslab_open(const char *path)
{
	int fd = open(path ? path : KSLAB_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int kslab_close(int fd)
{
	return close(fd) ? -errno : 0;
}

int kslab_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

int kslab_version(int fd, struct kslab_version *ver)
{
	memset(ver, 0, sizeof(*ver));
	return kslab_ioctl(fd, KSLAB_IOC_VERSION, ver);
}

const char *kslab_backend_name(unsigned int backend)
{
	static const char *const names[KSLAB_BACKEND_NR] = {
		[KSLAB_BACKEND_KSLAB] = "kslab",
		[KSLAB_BACKEND_LOCKED] = "kslab-locked",
		[KSLAB_BACKEND_KMEM_CACHE] = "kmem_cache",
		[KSLAB_BACKEND_KMALLOC] = "kmalloc",
		[KSLAB_BACKEND_MEMPOOL] = "mempool",
		[KSLAB_BACKEND_OBJPOOL] = "objpool",
	};

	return backend < KSLAB_BACKEND_NR ? names[backend] : "?";
}
