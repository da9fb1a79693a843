#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-log.sh LOG: fail (exit 1) when a guest console log shows an oops,
# BUG, WARNING, KASAN/UBSAN report, lockdep splat, kmemleak report, panic,
# hung task or RCU stall, and print that part of the log.
#
# KSLAB_EXPECTED_WARN (a regex) names functions whose WARNINGs a test
# provokes on purpose (kslab's debug-mode reports); those are allowed only
# when the WARNING line says the warning came from such a function.
set -eu
log=$1
expected=${KSLAB_EXPECTED_WARN:-}

awk -v expected="$expected" '
function report(line) {
	bad++
	start = NR > 5 ? NR - 5 : 1
	print "---- " FILENAME ":" NR ": " line
	for (i = start; i <= NR; i++) print hist[i % 64]
	show = 40
}
{ sub(/\r$/, ""); hist[NR % 64] = $0 }
show > 0 { print; show--; }
{
	msg = $0
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", msg)
}
msg ~ /^WARNING: / {
	if (expected != "" && msg ~ ("WARNING: CPU: [0-9]+ PID: [0-9]+ at .* (" expected ")\\+"))
		next
	report(msg); next
}
msg ~ /^(BUG:|Oops|general protection fault|Kernel panic|kernel BUG at|UBSAN:|INFO: task .* blocked|unreferenced object 0x|Unable to handle kernel|------------\[ cut here \]------------ *$)/ {
	if (msg ~ /cut here/) next
	report(msg); next
}
msg ~ /(rcu: INFO: .* detected stalls|possible (circular|recursive) locking|inconsistent lock state|BUG: KASAN|BUG: sleeping function|suspicious RCU usage)/ {
	report(msg); next
}
END { exit bad ? 1 : 0 }
' "$log"
