#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing kslab needs, idempotently: only the
# packages that are missing, with apt-get (sudo when not root). The Debian
# 6.12 point release is resolved at install time, never hard-coded.
set -eu
. "$(dirname "$0")/lib.sh"

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

BASE_PKGS="qemu-system-x86 busybox-static cpio xz-utils ccache bc flex bison
	libelf-dev libssl-dev dwarves python3 make gcc perl kmod procps
	gnuplot-nox sparse rsync dkms pkgconf python3-sphinx"

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || echo "$p"
	done
}

updated=
apt_update() {
	[ -n "$updated" ] && return 0
	$SUDO apt-get update -q >/dev/null
	updated=1
}

# newest_release SERIES: newest "<ver>+deb12-[<flavour>-]amd64" or
# "<ver>-[<flavour>-]amd64" release of the Debian kernel series (6.12, 6.1,
# 6.12-rt, 6.1-rt; see lib.sh) with an unsigned image package.
newest_release() {
	case "$1" in
	*-*) flavour="-${1#*-}" ;;
	*) flavour= ;;
	esac
	case "${1%%-*}" in
	6.12) pat="^linux-image-6\\.12\\.[0-9]+\\+deb12$flavour-amd64-unsigned\$" ;;
	6.1) pat="^linux-image-6\\.1\\.0-[0-9]+$flavour-amd64-unsigned\$" ;;
	*) echo "deps: unknown kernel series $1" >&2; return 1 ;;
	esac
	apt-cache pkgnames linux-image- | grep -E "$pat" |
		sed -e 's/^linux-image-//' -e 's/-unsigned$//' | sort -V | tail -n 1
}

want=$(missing $BASE_PKGS)
if [ -n "$want" ]; then
	apt_update
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $want
fi

for series in $KSLAB_KERNELS; do
	[ -n "$(stock_release "$series")" ] && continue
	# A kernel's postinst runs DKMS for every module it knows: not while a
	# concurrent make check has kslab in DKMS (scripts/dkms-test.sh).
	exec 8>/tmp/kslab-dkms.lock
	flock 8
	apt_update
	rel=$(newest_release "$series")
	[ -n "$rel" ] || { echo "deps: no Debian $series kernel found" >&2; exit 1; }
	$SUDO apt-get install -y -q --no-install-recommends \
		"linux-image-$rel-unsigned" "linux-headers-$rel"
done

if [ -n "$(missing linux-source-6.12)" ]; then
	apt_update
	$SUDO apt-get install -y -q --no-install-recommends linux-source-6.12
fi
exit 0
