#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh RELEASE...: dkms add, build and install kslab against each
# installed Debian kernel RELEASE (its header package), then remove it
# again. Nothing is loaded on the host. Exits non-zero on any failure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$ver" ] || { echo "dkms-test: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }

# dkms keeps global state (/usr/src, /var/lib/dkms): one run at a time.
exec 8>/tmp/kslab-dkms.lock
flock 8

cleanup() {
	$SUDO dkms remove "kslab/$ver" --all >/dev/null 2>&1 || true
	$SUDO rm -rf "/usr/src/kslab-$ver"
}
cleanup
tree=$(mktemp -d)
trap 'cleanup; rm -rf "$tree"' EXIT
cp -r "$top/Makefile" "$top/Kbuild" "$top/dkms.conf" "$top/kmod" \
	"$top/kunit" "$top/include" "$top/scripts" "$tree/"
(cd "$tree" && find . \( -name "*.o" -o -name "*.ko" -o -name "*.mod*" \
	-o -name ".*.cmd" \) -type f -delete)

$SUDO dkms add "$tree"
for rel in "$@"; do
	$SUDO dkms build "kslab/$ver" -k "$rel"
	$SUDO dkms install "kslab/$ver" -k "$rel" --force
	ls "/lib/modules/$rel/updates/dkms/kslab.ko"* >/dev/null || {
		echo "dkms-test: kslab.ko not installed for $rel" >&2
		exit 1
	}
	echo "dkms-test: built and installed for $rel"
done
