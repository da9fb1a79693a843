// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: the capability policy. Debug caches (which WARN on a bad
 * return) and BENCH (kernel threads on every CPU) need CAP_SYS_ADMIN even
 * when the device mode lets a user open /dev/kslab; plain caches do not.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "../libkslab.h"
#include "kslab_test.h"

KSLAB_TEST_NEEDS_ROOT("drops CAP_SYS_ADMIN it must have");

/* Drop @cap from this process's effective set (raw capset, no libcap). */
static int drop_effective_cap(unsigned int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

static int bench_once(int fd)
{
	struct kslab_bench b = {
		.size = sizeof(b),
		.backend = KSLAB_BACKEND_KMALLOC,
		.object_size = 64,
		.pattern = KSLAB_BENCH_BURN,
		.iterations = 16,
	};

	return kslab_dev_ioctl(fd, KSLAB_IOC_BENCH, &b);
}

FIXTURE(perm) {
	int fd;
	char name[KSLAB_NAME_MAX];
};

FIXTURE_SETUP(perm)
{
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(perm)
{
	kslab_dev_close(self->fd);
}

TEST_F(perm, admin_may_create_debug_caches_and_bench)
{
	int id = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KSLAB,
					test_name(self->name,
						  sizeof(self->name), "dbg"),
					64, KSLAB_CACHE_DEBUG);

	ASSERT_LT(0, id);
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
	EXPECT_EQ(0, bench_once(self->fd));
}

TEST_F(perm, debug_cache_needs_cap_sys_admin)
{
	int id;

	ASSERT_EQ(0, drop_effective_cap(CAP_SYS_ADMIN));
	EXPECT_EQ(-EPERM,
		  kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KSLAB,
					 test_name(self->name,
						   sizeof(self->name), "dbg"),
					 64, KSLAB_CACHE_DEBUG));
	/* a plain cache needs nothing but the open device */
	id = kslab_dev_cache_create(self->fd, KSLAB_BACKEND_KSLAB,
				    test_name(self->name, sizeof(self->name),
					      "plain"),
				    64, 0);
	ASSERT_LT(0, id);
	EXPECT_EQ(0, kslab_dev_cache_destroy(self->fd, id));
}

TEST_F(perm, bench_needs_cap_sys_admin)
{
	ASSERT_EQ(0, drop_effective_cap(CAP_SYS_ADMIN));
	EXPECT_EQ(-EPERM, bench_once(self->fd));
}

TEST_HARNESS_MAIN
