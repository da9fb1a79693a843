# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest script of `make bench`: load kslab, run kslab-bench with the
# arguments scripts/bench.sh wrote to /kslab/bench.conf, and print the
# table, JSON, CSV and the slab rows between markers for the host to keep.
# Progress goes to the console outside the markers.
. /kslab/lib.sh
BENCH_ARGS=
[ -f /kslab/bench.conf ] && . /kslab/bench.conf

echo "kslab-bench: cmdline: $(cat /proc/cmdline)"
section load kslab insmod /kslab/kslab.ko
# Let the work the boot and the load queued finish before the first case
# (under icount it would count in the first rows' instructions).
sleep 2
rc=0
# shellcheck disable=SC2086
/kslab/kslab-bench --progress --json /tmp/bench.json --csv /tmp/bench.csv \
	$BENCH_ARGS >/tmp/table.txt || rc=$?
echo "KSLAB-BEGIN bench table"
cat /tmp/table.txt
echo "KSLAB-END bench table rc=$rc"
section bench json cat /tmp/bench.json
section bench csv cat /tmp/bench.csv
section bench slabinfo sh -c 'head -n 2 /proc/slabinfo; grep "^kslab" /proc/slabinfo; cat /proc/kslabinfo 2>/dev/null; true'
section unload kslab rmmod kslab
