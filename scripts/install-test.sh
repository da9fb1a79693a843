#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# install-test.sh TREE: `make install-user` of the kslab tree TREE into a
# temporary DESTDIR, then build scripts/install-test.c against that copy
# alone, through `pkg-config --cflags --libs libkslab`: linked shared (it
# must need libkslab.so.0) and static (it must need no libkslab.so), and
# run both without the device. Also checks the soname and that the
# installed kslab-bench and documentation are there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tree=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A prefix that is not on the host, so nothing but the DESTDIR copy is
# found; pkg-config's sysroot maps its paths into DESTDIR.
prefix=/opt/kslab-install-test
root=$tmp/root
lib=$root$prefix/lib

make -C "$tree" install-user PREFIX="$prefix" DESTDIR="$root"

export PKG_CONFIG_LIBDIR="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
unset PKG_CONFIG_PATH
pkg-config --exists --print-errors libkslab
echo "pkg-config: $(pkg-config --cflags --libs libkslab)"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -o "$tmp/shared" "$here/install-test.c" \
	$(pkg-config --cflags --libs libkslab)
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -static -o "$tmp/static" "$here/install-test.c" \
	$(pkg-config --static --cflags --libs libkslab)

soname=$(readelf -d "$lib/libkslab.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libkslab.so.0 ] || { echo "soname: '$soname'" >&2; exit 1; }
readelf -d "$tmp/shared" | grep -q "(NEEDED).*\[$soname\]" ||
	{ echo "the shared build does not need $soname" >&2; exit 1; }
if readelf -d "$tmp/static" | grep -q 'libkslab'; then
	echo "the static build needs libkslab.so" >&2
	exit 1
fi

LD_LIBRARY_PATH=$lib "$tmp/shared" "$tmp/no-device"
"$tmp/static" "$tmp/no-device"

"$root$prefix/bin/kslab-bench" --version
for f in README.md index.rst userspace-api.rst; do
	[ -s "$root$prefix/share/doc/kslab/$f" ] ||
		{ echo "no $prefix/share/doc/kslab/$f" >&2; exit 1; }
done
