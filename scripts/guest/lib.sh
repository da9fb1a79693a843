# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest scripts; sourced. Each result section is framed by
# KSLAB-BEGIN/KSLAB-END markers that the host (scripts/results.py) reads.

# section KIND NAME CMD...: run CMD with its output captured, then print it
# in one piece between markers so kernel messages do not interleave; the
# end marker also says how long CMD took (guest seconds).
section() {
	kind=$1 name=$2
	shift 2
	rc=0
	t0=$(cut -d' ' -f1 /proc/uptime)
	# Appending: what CMD writes to /dev/stdout (run_kselftest.sh's
	# runner does) then lands after, not over, its other output.
	: >/tmp/section.out
	"$@" >>/tmp/section.out 2>&1 || rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "KSLAB-BEGIN $kind $name"
	cat /tmp/section.out
	echo "KSLAB-END $kind $name rc=$rc secs=$(awk "BEGIN { print $t1 - $t0 }")"
	return 0
}

# kunit_results: every KUnit suite's KTAP from debugfs, as one document
# (each results file is a document of one suite: drop its header, renumber).
kunit_results() {
	n=0
	for d in /sys/kernel/debug/kunit/*/; do
		[ -f "$d/results" ] && n=$((n + 1))
	done
	echo "KTAP version 1"
	echo "1..$n"
	i=0
	for d in /sys/kernel/debug/kunit/*/; do
		[ -f "$d/results" ] || continue
		i=$((i + 1))
		sed -E -e '1,2d' -e "\$ s/^(not ok|ok) 1 /\\1 $i /" "$d/results"
	done
}

# kmemleak_scan: scan twice (new leaks are reported once they are 5 s old)
# and print what kmemleak found.
kmemleak_scan() {
	f=/sys/kernel/debug/kmemleak
	[ -w $f ] || { echo "kmemleak: not available"; return 0; }
	sleep 6
	echo scan >$f
	sleep 1
	echo scan >$f
	cat $f
}
