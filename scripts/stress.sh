#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make stress: the long reliability runs (Documentation/testing.rst) in the
# debug kernel (KASAN, lockdep, kmemleak, failslab, fail_page_alloc): the
# ioctl fuzzer, fault injection, kill -9 of children mid-ioctl, load on all
# CPUs and insmod/rmmod cycles, then rmmod and a kmemleak scan. Fails on a
# failed test, a kernel splat (scripts/check-log.sh) or a leak, and prints
# the figures.
#
# Environment: FUZZ_IOCTLS (100000), FAULTS (injected allocation failures,
# 1000), KILLS (100), CYCLES (50), LOAD_SECONDS (60), SEED (random; every
# program prints the seed it used), STRESS_TIMEOUT (guest seconds, 7200),
# SMP, MEM, KSLAB_BUILD_DIR (default build/ in the tree).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

base=${KSLAB_BUILD_DIR:-$top/build}
out="$base/stress"
logs="$base/logs"
log="$logs/stress.log"
FUZZ_IOCTLS=${FUZZ_IOCTLS:-100000}
FAULTS=${FAULTS:-1000}
KILLS=${KILLS:-100}
CYCLES=${CYCLES:-50}
LOAD_SECONDS=${LOAD_SECONDS:-60}
SEED=${SEED:-}

die() {
	echo "stress: $*" >&2
	exit 1
}

"$here/deps.sh" >/dev/null || die "installing packages failed (scripts/deps.sh)"
KSRC=$(source_tree) || die "no kernel source tree"
export KSRC
dbg=$("$here/debug-kernel.sh") || die "debug kernel build failed"
mkdir -p "$out" "$logs"

# A snapshot of the tree, so that a concurrent edit does not change the run.
src="$out/src"
snapshot_tree "$top" "$src"
echo "stress: building the module against $dbg"
make -C "$dbg" M="$src" W=1 KCFLAGS=-Werror modules >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; die "module build failed (log: $out/build.log)"; }
make -C "$src/userspace" KSRC="$KSRC" >"$out/userspace.log" 2>&1 ||
	{ tail -n 30 "$out/userspace.log"; die "userspace build failed (log: $out/userspace.log)"; }

cat >"$out/run.sh" <<EOF
export FUZZ_IOCTLS=$FUZZ_IOCTLS FAULTS=$FAULTS KILLS=$KILLS CYCLES=$CYCLES
export LOAD_SECONDS=$LOAD_SECONDS SEED=$SEED
. /kslab/lib.sh
section load kslab insmod /kslab/kslab.ko
. /kslab/stress.sh long
section unload kslab rmmod kslab
section kmemleak scan kmemleak_scan
EOF
files="--file $src/kmod/kslab.ko --file $here/guest/stress.sh"
for f in "$src"/userspace/stress/*_stress; do
	files="$files --file $f"
done

echo "stress: FUZZ_IOCTLS=$FUZZ_IOCTLS FAULTS=$FAULTS KILLS=$KILLS CYCLES=$CYCLES" \
	"LOAD_SECONDS=$LOAD_SECONDS SEED=${SEED:-random}; log: $log"
start=$(date +%s)
rc=0
# shellcheck disable=SC2086
"$here/guest.sh" --kernel "$dbg/arch/x86/boot/bzImage" --log "$log" \
	--run "$out/run.sh" --timeout "${STRESS_TIMEOUT:-7200}" $files || rc=$?
elapsed=$(($(date +%s) - start))
failed=0
[ "$rc" -eq 0 ] || { echo "stress: FAIL guest did not finish (rc=$rc)"; failed=1; }

splats=0
KSLAB_EXPECTED_WARN="${KSLAB_EXPECTED_WARN:-kslab_debug_report}" \
	"$here/check-log.sh" "$log" >"$out/check-log.out" 2>&1 ||
	splats=$(grep -c '^---- ' "$out/check-log.out")
leaks=$(awk '/^KSLAB-BEGIN kmemleak/ { on = 1; next } /^KSLAB-END kmemleak/ { on = 0 }
	on && /^unreferenced object/ { n++ } END { print n + 0 }' "$log")
res=$(python3 "$here/results.py" --ksrc "$KSRC" --label stress "$log")
echo "$res" | sed '$d'
# shellcheck disable=SC2046
set -- $(echo "$res" | tail -n 1)
passed=$1
[ "$2" -eq 0 ] || failed=1
[ "$splats" -eq 0 ] || { head -n 60 "$out/check-log.out"; failed=1; }
[ "$leaks" -eq 0 ] || failed=1

# The figures: "# kslab-figures NAME key=value ..." lines of each program.
fig() {	# fig NAME KEY: the value, or "-"
	sed -n "s/^# kslab-figures $1 .*\\b$2=\\([^ ]*\\).*/\\1/p" "$log" | tail -n 1 |
		grep . || echo -
}
verified=$(for n in fuzz load fault; do fig $n verified; done |
	awk '$1 != "-" { s += $1 } END { print s + 0 }')
echo "stress: figures of the long run ($(date -u +%Y-%m-%d), $(uname -m), ${elapsed}s," \
	"kernel $(basename "$dbg")):"
echo "  fuzz:      ioctls=$(fig fuzz ioctls) seed=$(fig fuzz seed)" \
	"forks=$(fig fuzz forks) killed=$(fig fuzz kills) rented=$(fig fuzz rented)"
echo "  fault:     injected=$(fig fault faults) operations=$(fig fault ops)" \
	"enomem=$(fig fault enomem) partial=$(fig fault partial)"
echo "  crash:     kills=$(fig crash kills) mid_ioctl=$(fig crash mid_ioctl)" \
	"slowest_reap_s=$(fig crash max_reap_s)"
echo "  load:      seconds=$(fig load seconds) threads=$(fig load threads)" \
	"rented=$(fig load rented) handoffs=$(fig load handoffs)"
echo "  lifecycle: cycles=$(fig lifecycle cycles) failed=$(fig lifecycle failed)"
echo "  objects verified: $verified; splats: $splats; kmemleak leaks: $leaks;" \
	"tests passed: $passed"
if [ "$failed" -ne 0 ]; then
	echo "stress: FAILED (log: $log)"
	exit 1
fi
echo "stress: passed"
