#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Draw the charts of a `make bench` run with gnuplot, from its bench.csv,
# each as SVG and PNG:
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

# table PATTERN ROWKEY VALUE: rows keyed by column ROWKEY (3 = size,
# 4 = param), one column per backend, cells from column VALUE (9 = mean,
# 15 = ops/s); only the first size for the per-param charts.
table() {
	awk -F, -v pat="$1" -v key="$2" -v val="$3" '
	NR == 1 { next }
	$1 != pat || $5 != 0 { next }
	key == 4 && first == "" { first = $3 }
	key == 4 && $3 != first { next }
	{
		if (!($2 in seen)) { seen[$2] = 1; cols[++nc] = $2 }
		if (!($key in rseen)) { rseen[$key] = 1; rows[++nr] = $key }
		v[$key, $2] = (val == 15) ? $val / 1e6 : $val
	}
	END {
		printf "x"
		for (c = 1; c <= nc; c++) printf " %s", cols[c]
		printf "\n"
		for (r = 1; r <= nr; r++) {
			printf "%s", rows[r]
			for (c = 1; c <= nc; c++)
				printf " %s", ((rows[r], cols[c]) in v) ? v[rows[r], cols[c]] : "NaN"
			printf "\n"
		}
	}' "$csv"
}

# plot OUT TITLE YLABEL DATA STYLE XLABEL: OUT.svg and OUT.png
plot() {
	[ "$(wc -l <"$4")" -gt 1 ] || return 0
	plot_one "set terminal svg size 900,520 dynamic background rgb 'white'" \
		"$1.svg" "$@"
	plot_one "set terminal pngcairo size 900,520 background rgb 'white'" \
		"$1.png" "$@"
}

# plot_one TERMINAL FILE OUT TITLE YLABEL DATA STYLE XLABEL
plot_one() {
	term=$1 file=$2
	shift 3
	ncol=$(head -n 1 "$3" | wc -w)
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
plot for [c=2:$ncol] '$3' using c:xtic(1) title columnheader(c)
EOF
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
table burn 3 9 >"$tmp/burn"
table hold 4 9 >"$tmp/hold"
table all-cpus 4 15 >"$tmp/all"
plot "$dir/burn" "burn-after-reading, in-kernel: time per rent+return pair" \
	"$unit per pair (log)" "$tmp/burn" \
	"set style data histograms; set style histogram clustered; set style fill solid 0.8; set logscale y" \
	"object size (bytes)"
plot "$dir/hold" "hold-N, in-kernel: time per object" "$unit per object (log)" \
	"$tmp/hold" "set style data linespoints; set logscale y" "N objects held"
plot "$dir/scaling" "all-CPUs burn-after-reading: throughput" \
	"Mops/s, all CPUs together" "$tmp/all" "set style data linespoints; set yrange [0:*]" \
	"CPUs"
ls "$dir"/*.svg "$dir"/*.png
