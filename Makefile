# SPDX-License-Identifier: GPL-2.0
#
# kslab: `make` builds the module, the KUnit module (when KDIR has KUnit) and
# the userspace programs; `make check` runs every test in QEMU guests;
# `make bench` runs the benchmark. See README.md.

# DKMS and kbuild pass KERNELRELEASE; otherwise the running kernel's build
# tree, else the newest Debian 6.12 headers that `make deps` installed.
ifneq ($(KERNELRELEASE),)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
endif
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell . scripts/lib.sh; r=$$(stock_release 6.12); [ -n "$$r" ] && echo /lib/modules/$$r/build))

# The kernel source tree (kselftest_harness.h for the tests), extracted
# from Debian's linux-source-6.12 on first use; only userspace needs it.
KSRC ?= $(shell . scripts/lib.sh; source_tree 2>/dev/null)

# Where `make install` puts the in-kernel API for other modules: the header
# as $(KSLAB_API)/include/kslab/kslab.h, kslab.ko's Module.symvers as
# $(KSLAB_API)/<kernel release>/Module.symvers (see kmod/sample/).
KSLAB_API ?= /usr/local/lib/kslab

.PHONY: all modules install install-modules install-user userspace \
	kselftest-install docs deps check bench stress clean help

all: modules userspace

modules:
	@test -d "$(KDIR)" || { echo "no kernel build tree; run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: install-modules install-user

# modules_install honours INSTALL_MOD_PATH; DESTDIR prefixes the API files.
install-modules: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	rel=$$(cat $(KDIR)/include/config/kernel.release) && \
	install -D -m 0644 include/kslab/kslab.h \
		$(DESTDIR)$(KSLAB_API)/include/kslab/kslab.h && \
	install -D -m 0644 Module.symvers \
		$(DESTDIR)$(KSLAB_API)/$$rel/Module.symvers

# libkslab, its headers (<kslab/libkslab.h>, <linux/kslab.h>), libkslab.pc,
# kslab-bench, kslabinfo and the documentation under PREFIX (/usr/local),
# DESTDIR first.
install-user:
	$(MAKE) -C userspace install
	$(MAKE) -C Documentation install

userspace:
	$(MAKE) -C userspace KSRC="$(KSRC)"

# HTML in build/docs/html, with Debian's Sphinx (Documentation/Makefile).
docs:
	$(MAKE) -C Documentation KSRC="$(KSRC)"

# The kselftests laid out for run_kselftest.sh in KSFT_INSTALL_PATH.
kselftest-install: userspace
	$(MAKE) -C userspace/tests KSRC="$(KSRC)" kselftest-install

deps:
	scripts/deps.sh

check:
	scripts/check.sh

bench:
	scripts/bench.sh

stress:
	scripts/stress.sh

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	test ! -d userspace || $(MAKE) -C userspace clean KSRC=
	test ! -d Documentation || $(MAKE) -C Documentation clean KSRC=

help:
	@echo "make          build kmod/kslab.ko, the KUnit module and userspace (KDIR=...)"
	@echo "make install  install-modules and install-user"
	@echo "make install-modules  modules_install, plus <kslab/kslab.h> and Module.symvers in KSLAB_API"
	@echo "make install-user     libkslab, its headers and libkslab.pc, kslab-bench, kslabinfo, the docs (PREFIX=/usr/local)"
	@echo "make docs     Documentation/*.rst to HTML in build/docs/html (Sphinx, kernel-doc)"
	@echo "make kselftest-install  the kselftests for run_kselftest.sh (KSFT_INSTALL_PATH=...)"
	@echo "make deps     install what building and testing needs (apt-get)"
	@echo "make check    build and run every test in QEMU guests"
	@echo "make bench    run the benchmark in a QEMU guest"
	@echo "make stress   the long reliability runs in the debug kernel"
