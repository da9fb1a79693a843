# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the kslab harness; sourced, not run.

KSLAB_CACHE=${KSLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kslab}
# The stock Debian kernel series that deps.sh installs and check.sh tests:
# a series is a version ("6.12"), or a version and a Debian flavour
# ("6.12-rt": the PREEMPT_RT kernel, releases "6.12.*+deb12-rt-amd64").
KSLAB_KERNELS=${KERNELS:-6.1 6.12 6.12-rt}

# stock_release SERIES: the newest installed Debian kernel release of SERIES
# (6.1, 6.12, 6.12-rt) that has both an image and headers. A series without
# a flavour is the plain -amd64 kernel, never -rt-amd64 or -cloud-amd64.
stock_release() {
	case "$1" in
	*-*) s_ver=${1%%-*} s_flavour=${1#*-}- ;;
	*) s_ver=$1 s_flavour= ;;
	esac
	for d in /lib/modules/*; do
		r=${d##*/}
		case "$r" in
		*-[a-z]*-amd64) [ -n "$s_flavour" ] || continue ;;
		esac
		case "$r" in
		"$s_ver".*-"$s_flavour"amd64) ;;
		*) continue ;;
		esac
		[ -e "/boot/vmlinuz-$r" ] && [ -d "$d/build" ] && echo "$r"
	done | sort -V | tail -n 1
}

# source_version: the Debian version of the installed linux-source-6.12.
source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12
}

# source_tree: the extracted linux-source-6.12 tree, extracting it once.
source_tree() {
	ver=$(source_version) || return 1
	dir="$KSLAB_CACHE/src-$ver/linux-source-6.12"
	if [ ! -e "$dir/.kslab-extracted" ]; then
		rm -rf "$KSLAB_CACHE/src-$ver"
		mkdir -p "$KSLAB_CACHE/src-$ver"
		tar -C "$KSLAB_CACHE/src-$ver" -xf /usr/src/linux-source-6.12.tar.xz
		touch "$dir/.kslab-extracted"
	fi
	echo "$dir"
}

# debug_build_dir: where the debug kernel for the repo's config is built,
# keyed by the source version and a hash of the config.
debug_build_dir() {
	top=$(cd "$(dirname "$0")/.." && pwd)
	hash=$(sha256sum "$top/scripts/config/debug.kunitconfig" | cut -c1-12)
	echo "$KSLAB_CACHE/debug-$(source_version)-$hash"
}

# snapshot_tree TOP DIR: copy the sources of the tree at TOP to DIR (emptied
# first), without build products, so that a run builds from a fixed copy
# and concurrent runs with their own DIR share no objects.
snapshot_tree() {
	rm -rf "$2"
	mkdir -p "$2"
	cp -r "$1/Makefile" "$1/Kbuild" "$1/kmod" "$1/kunit" "$1/include" \
		"$1/userspace" "$1/Documentation" "$1/README.md" "$2/"
	(cd "$2" && find . \( -name "*.o" -o -name "*.ko" -o -name "*.mod*" \
		-o -name ".*.cmd" -o -name "*.a" -o -name "*_test" \
		-o -name "*_stress" -o -name kslab-bench -o -name kslabinfo \
		-o -name "libkslab.so*" \) \
		\( -type f -o -type l \) -delete)
}
