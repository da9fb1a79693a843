#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# results-test.sh KSRC: scripts/results.py counts the cases of a KUnit
# section through `kunit.py parse --json`: a console log with one passed,
# one failed and one skipped case, one of them a parameter, must give
# "2 1 1" (passed, failed, skipped) and name the failed case.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A console log: carriage returns, and a kernel line in the middle.
tr '|' '\r' >"$tmp/log" <<'EOF_LOG'
KSLAB-BEGIN kunit suites|
KTAP version 1|
1..1|
    KTAP version 1|
    # Subtest: demo|
    1..3|
        KTAP version 1|
        # Subtest: param|
        ok 1 one|
[   12.345678] a kernel message|
        not ok 2 two|
    not ok 1 param|
    ok 2 skipped # SKIP not here|
    ok 3 passes|
not ok 1 demo|
KSLAB-END kunit suites rc=0|
EOF_LOG
out=$(python3 "$here/results.py" --ksrc "$1" --label results-test "$tmp/log")
echo "$out"
[ "$(echo "$out" | tail -n 1)" = "2 1 1" ] &&
	echo "$out" | grep -q '^  FAIL demo\.param\.two$'
