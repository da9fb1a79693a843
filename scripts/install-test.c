// SPDX-License-Identifier: GPL-2.0
/*
 * A program of another project: scripts/install-test.sh builds it against
 * an installed libkslab only (pkg-config), shared and static, and runs it
 * without the device.
 *
 * install-test PATH: PATH must not exist. kslab_dev_open() on it answers
 * the documented -ENOENT, and the names of <kslab/libkslab.h> and the
 * constants of <linux/kslab.h> agree.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <kslab/libkslab.h>

int main(int argc, char **argv)
{
	const char *name;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH (a file that does not exist)\n",
			argv[0]);
		return 2;
	}
	ret = kslab_dev_open(argv[1]);
	if (ret != -ENOENT) {
		fprintf(stderr, "kslab_dev_open(%s): %d, not -ENOENT (%d)\n",
			argv[1], ret, -ENOENT);
		return 1;
	}
	name = kslab_backend_name(KSLAB_BACKEND_KMEM_CACHE);
	if (strcmp(name, "kmem_cache") ||
	    kslab_backend_lookup(name) != KSLAB_BACKEND_KMEM_CACHE ||
	    kslab_backend_lookup("no-such-backend") != -EINVAL) {
		fprintf(stderr, "backend names: \"%s\" does not round-trip\n",
			name);
		return 1;
	}
	printf("%s: -ENOENT without the device; ABI %d, device %s\n",
	       argv[0], KSLAB_ABI_VERSION, KSLAB_DEVICE_PATH);
	return 0;
}
