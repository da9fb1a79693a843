// SPDX-License-Identifier: GPL-2.0
/* kselftest: /dev/kslab exists, answers VERSION and rejects what it lacks. */
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"

#include "kslab_test.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = kslab_dev_open(NULL);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", KSLAB_DEVICE_PATH,
				       strerror(-self->fd));
}

FIXTURE_TEARDOWN(dev)
{
	kslab_dev_close(self->fd);
}

TEST_F(dev, version)
{
	struct kslab_version ver;

	ASSERT_EQ(0, kslab_dev_version(self->fd, &ver));
	EXPECT_EQ(KSLAB_ABI_VERSION, ver.abi_version);
	EXPECT_EQ(KSLAB_CMD_NR, ver.nr_commands);
	EXPECT_TRUE(ver.commands & (1ULL << KSLAB_CMD_VERSION));
	EXPECT_EQ(0, ver.commands >> KSLAB_CMD_NR);
	EXPECT_EQ(0, ver.reserved[0]);
	EXPECT_EQ(0, ver.reserved[1]);
}

TEST_F(dev, version_bad_pointer)
{
	EXPECT_EQ(-EFAULT, kslab_dev_ioctl(self->fd, KSLAB_IOC_VERSION, NULL));
}

TEST_F(dev, unknown_commands)
{
	unsigned long bad[] = {
		_IO(KSLAB_IOC_MAGIC, KSLAB_IOC_BASE + KSLAB_CMD_NR),
		_IO(KSLAB_IOC_MAGIC, 0x00),
		_IOR('x', KSLAB_IOC_BASE, struct kslab_version),
		/* right number, wrong direction and size */
		_IOW(KSLAB_IOC_MAGIC, KSLAB_IOC_BASE + KSLAB_CMD_VERSION, __u32),
		0,
	};
	struct kslab_version ver;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned long cmd = bad[i];

		EXPECT_EQ(-ENOTTY, kslab_dev_ioctl(self->fd, cmd, &ver))
			TH_LOG("cmd %#lx", cmd);
	}
}

/*
 * The node has the module's device_mode (0600 unless loaded with another;
 * the lifecycle runs of scripts/guest/stress.sh check the default).
 */
TEST(device_mode)
{
	long mode = param_read("device_mode");
	struct stat st;

	ASSERT_EQ(0, stat(KSLAB_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_LE(0, mode);
	EXPECT_EQ(mode, st.st_mode & 07777);
}

TEST_HARNESS_MAIN
