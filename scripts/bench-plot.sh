#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Draw the charts of a `make bench` run with gnuplot, from its bench.csv,
# each as SVG and PNG: the median of the R repetitions, with the minimum and
# the maximum as error bars (every comparison of kslab-bench uses medians).
#   burn         time per rent+return pair by backend and size
#   hold         time per object of hold-N against N (first size)
#   scaling      throughput against CPU count (all-CPUs, first size)
#
#   bench-plot.sh RESULTS_DIR
set -eu
dir=$1
csv="$dir/bench.csv"
[ -s "$csv" ] || { echo "bench-plot: no $csv" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "bench-plot: no gnuplot" >&2; exit 1; }
unit=$(awk -F, 'NR == 2 { print $8 }' "$csv")
head -n 1 "$csv" | tr , '\n' | grep -qx max ||
	echo "bench-plot: $csv has no max column (an older kslab-bench): the bars stop at the median" >&2

# table PATTERN ROWKEY [ops]: rows keyed by the column ROWKEY (size or
# param), three columns per backend: median, min and max of the time per
# object, or with "ops" the throughput of all CPUs together in Mops/s
# (param CPUs / time: the slowest repetition gives the lowest). Columns
# are found by name in the CSV's header; only the first size for the
# per-param charts.
table() {
	awk -F, -v pat="$1" -v keyname="$2" -v ops="${3:-}" '
	NR == 1 {
		for (i = 1; i <= NF; i++)
			col[$i] = i
		key = col[keyname]
		hi = "max" in col ? col["max"] : col["median"]
		next
	}
	$col["pattern"] != pat || $col["error"] != 0 { next }
	keyname == "param" && first == "" { first = $col["size"] }
	keyname == "param" && $col["size"] != first { next }
	{
		b = $col["backend"]
		if (!(b in seen)) { seen[b] = 1; cols[++nc] = b }
		if (!($key in rseen)) { rseen[$key] = 1; rows[++nr] = $key }
		med = $col["median"]; lo = $col["min"]; up = $hi
		if (ops != "") {
			n = $col["param"] * 1e3
			med = n / med; t = n / up; up = n / lo; lo = t
		}
		v[$key, b] = med " " lo " " up
	}
	END {
		printf "x"
		for (c = 1; c <= nc; c++)
			printf " %s %s_min %s_max", cols[c], cols[c], cols[c]
		printf "\n"
		for (r = 1; r <= nr; r++) {
			printf "%s", rows[r]
			for (c = 1; c <= nc; c++)
				printf " %s", ((rows[r], cols[c]) in v) ? v[rows[r], cols[c]] : "NaN NaN NaN"
			printf "\n"
		}
	}' "$csv"
}

# plot OUT TITLE YLABEL DATA STYLE XLABEL USING: OUT.svg and OUT.png;
# USING is the plot's using clause, column c the median of a backend, c+1
# and c+2 its min and max.
plot() {
	[ "$(wc -l <"$4")" -gt 1 ] || return 0
	plot_one "set terminal svg size 900,520 dynamic background rgb 'white'" \
		"$1.svg" "$@"
	plot_one "set terminal pngcairo size 900,520 background rgb 'white'" \
		"$1.png" "$@"
}

# plot_one TERMINAL FILE OUT TITLE YLABEL DATA STYLE XLABEL USING
plot_one() {
	term=$1 file=$2
	shift 3
	ncol=$(head -n 1 "$3" | wc -w)
	using=$6
	gnuplot <<EOF
$term
set output '$file'
set termoption noenhanced
set title '$1'
set ylabel '$2'
set xlabel '$5'
set key outside right
set grid ytics
$4
plot for [c=2:$ncol:3] '$3' using $using title columnheader(c)
EOF
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
table burn size >"$tmp/burn"
table hold param >"$tmp/hold"
table all-cpus param ops >"$tmp/all"
bars='c:c+1:c+2:xtic(1)'
lines='0:c:c+1:c+2:xtic(1)'
ops="Mops/s, all CPUs together"
[ "$unit" = instr ] && ops="M objects per 10^9 instructions, all CPUs together"
plot "$dir/burn" "burn-after-reading, in-kernel: time per rent+return pair (median, min-max)" \
	"$unit per pair (log)" "$tmp/burn" \
	"set style data histograms; set style histogram errorbars gap 2 lw 1; set style fill solid 0.8; set logscale y" \
	"object size (bytes)" "$bars"
plot "$dir/hold" "hold-N, in-kernel: time per object (median, min-max)" \
	"$unit per object (log)" "$tmp/hold" \
	"set style data yerrorlines; set logscale y" "N objects held" "$lines"
plot "$dir/scaling" "all-CPUs burn-after-reading: throughput (median, min-max)" \
	"$ops" "$tmp/all" "set style data yerrorlines; set yrange [0:*]" \
	"CPUs" "$lines"
ls "$dir"/*.svg "$dir"/*.png
