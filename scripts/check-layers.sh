#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-layers.sh [TOP]: the includes of the module point one way,
#   device/ -> bench/ -> backends/ -> core/ -> <kslab/kslab.h>
# and neither the core nor its public header knows of the ABI. Prints
# every include that points the wrong way; exits non-zero if there is one.
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
bad=0

# forbid DIR PATTERN WHY: no file under DIR includes a header matching
# PATTERN (an extended regex on the #include line).
forbid() {
	hits=$(grep -rnE "^#include [<\"]($2)" "$top/$1" \
		--include='*.c' --include='*.h' 2>/dev/null)
	[ -z "$hits" ] && return 0
	echo "$hits" | sed "s|^$top/||; s|\$|  ($3)|"
	bad=1
}

forbid include/kslab 'uapi/|\.\./' 'the public API knows nothing of the ABI'
forbid kmod/core 'uapi/kslab\.h|backends/|bench/|device/|\.\./(backends|bench|device)/' \
	'the core includes only itself, <kslab/kslab.h> and compat.h'
forbid kmod/backends 'bench/|device/|core/|\.\./(bench|device|core)/' \
	'backends use the core through <kslab/kslab.h> only'
forbid kmod/bench 'device/|core/|\.\./(device|core)/' \
	'the benchmark sits below the device, above the backends'
forbid kmod/device 'core/|\.\./core/' \
	'the device reaches the core through the backends'
exit $bad
