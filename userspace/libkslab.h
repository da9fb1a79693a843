/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkslab: a small C library over the /dev/kslab ABI (include/uapi/kslab.h).
 *
 * Every call returns 0 (or a count) on success and a negative errno on
 * failure, never -1 with errno: the caller can pass the value straight to
 * strerror(-ret). The library holds no state besides the file descriptor.
 */
#ifndef _LIBKSLAB_H
#define _LIBKSLAB_H

#include <stdint.h>

#include "../include/uapi/kslab.h"

#define KSLAB_DEVICE_PATH	"/dev/" KSLAB_DEVICE_NAME

/**
 * kslab_open() - open /dev/kslab (a new session).
 * @path: device path, or NULL for KSLAB_DEVICE_PATH.
 *
 * Return: a file descriptor (>= 0) or a negative errno.
 */
int kslab_open(const char *path);

/**
 * kslab_close() - close a session; the module returns every object it holds
 *	and destroys its caches.
 * @fd: descriptor from kslab_open().
 *
 * Return: 0 or a negative errno.
 */
int kslab_close(int fd);

/**
 * kslab_ioctl() - issue one command, mapping -1/errno to -errno.
 * @fd: session descriptor.
 * @cmd: KSLAB_IOC_* command.
 * @arg: the command's struct, or anything for commands without one.
 *
 * Return: the ioctl's non-negative result or a negative errno.
 */
int kslab_ioctl(int fd, unsigned long cmd, void *arg);

/**
 * kslab_version() - query the ABI version and what the module supports.
 * @fd: session descriptor.
 * @ver: filled in on success.
 *
 * Return: 0 or a negative errno.
 */
int kslab_version(int fd, struct kslab_version *ver);

/**
 * kslab_backend_name() - printable name of a backend.
 * @backend: &enum kslab_backend value.
 *
 * Return: a static string, "?" for an unknown backend.
 */
const char *kslab_backend_name(unsigned int backend);

#endif /* _LIBKSLAB_H */
