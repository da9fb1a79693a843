#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel (KUnit, KASAN, lockdep, kmemleak, fault injection)
# from Debian's linux-source-6.12 with the tree's own kunit.py, once: the
# result is cached under ~/.cache/kslab, keyed by the source version and a
# hash of scripts/config/debug.kunitconfig. Prints the build directory.
set -eu
. "$(dirname "$0")/lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
out=$(debug_build_dir)
mkdir -p "$KSLAB_CACHE"
# One build of a config at a time: a concurrent caller waits and reuses it.
exec 9>"$out.lock"
flock 9
if [ -e "$out/.kslab-done" ]; then
	echo "$out"
	exit 0
fi

src=$(source_tree)
mkdir -p "$out"
export CCACHE_DIR="$KSLAB_CACHE/ccache"
echo "debug-kernel: building in $out (about 7 minutes cold)" >&2
(cd "$src" && python3 tools/testing/kunit/kunit.py build --arch=x86_64 \
	--kunitconfig="$top/scripts/config/debug.kunitconfig" \
	--build_dir="$out" --jobs="$(nproc)" \
	--make_options "CC=ccache gcc") >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	exit 1
}
touch "$out/.kslab-done"
echo "$out"
