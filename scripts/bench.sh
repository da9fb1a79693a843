#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench: install what is missing, build kslab and kslab-bench, boot
# Debian's stock 6.12 kernel in QEMU (TCG), run the benchmark suite there,
# print the table and keep everything under results/<date>/: the table,
# JSON, CSV, the console log and gnuplot charts.
#
# Environment:
#   SMP, MEM        guest CPUs (default 2) and MiB (default 1024)
#   ICOUNT=1        QEMU -icount shift=0: guest time counts instructions,
#                   the figures repeat boot to boot
#   INIT_ON_ALLOC=0 boot with init_on_alloc=0 (Debian's default is 1)
#   NO_HYPERVISOR=1 the guest CPU without the hypervisor flag: its x86
#                   spinlocks are then queued ones, whose contention the
#                   threaded rows' lock count sees
#   FULL=1          every case at every size, more repetitions
#   BENCH_ARGS      more kslab-bench options (see kslab-bench --help)
#   BENCH_TIMEOUT   seconds before the guest is killed (default 1200,
#                   3600 with FULL=1)
#   RESULTS_DIR     where results/<date> goes (default the tree's results/)
#   KSLAB_BUILD_DIR where the build goes (default build/ in the tree)
#   QEMU_ACCEL=kvm  opt in to KVM (fails on the project's machines)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

die() {
	echo "bench: $*" >&2
	exit 1
}

"$here/deps.sh" || die "installing packages failed"
KSRC=$(source_tree) || die "extracting linux-source-6.12 failed"
export KSRC
rel=$(stock_release 6.12)
[ -n "$rel" ] || die "no installed Debian 6.12 kernel"

# --- build from a snapshot of the tree ---
out=${KSLAB_BUILD_DIR:-$top/build}/bench
src="$out/src"
rm -rf "$src"
mkdir -p "$src"
cp -r "$top/Kbuild" "$top/kmod" "$top/kunit" "$top/include" "$top/userspace" "$src/"
echo "bench: building kslab for $rel and kslab-bench"
make -C "/lib/modules/$rel/build" M="$src" modules >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; die "module build failed (log: $out/build.log)"; }
make -C "$src/userspace" clean >/dev/null 2>&1
make -C "$src/userspace" KSRC="$KSRC" >>"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; die "userspace build failed (log: $out/build.log)"; }

# --- what the guest runs ---
# The JSON's context block: the client sees the kernel, the CPUs and the
# command line; what was built and how QEMU runs it only the host knows.
commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
case "${QEMU_ACCEL:-tcg}" in
kvm) platform=qemu-kvm ;;
*) platform=qemu-tcg ;;
esac
context="--commit $commit --platform $platform"
args=${BENCH_ARGS:-}
timeout=${BENCH_TIMEOUT:-1200}
append=
qemu_args=
if [ "${FULL:-0}" = 1 ]; then
	args="--all-sizes --reps 20 $args"
	timeout=${BENCH_TIMEOUT:-3600}
fi
if [ "${ICOUNT:-0}" = 1 ]; then
	# Guest time is instruction count: R need not be large, and QEMU runs
	# the vCPUs one at a time, so keep repetitions short. QEMU 7.2 under
	# icount corrupts EFLAGS after the cmpxchg16b of __kmalloc_noprof's
	# fast path now and then (double fault or stray #DB in 3 boots of 5),
	# so the kmalloc backend is left out unless BENCH_ARGS asks for it.
	args="--unit instr --reps 5 --target-ms 10 --backends kslab,kslab-locked,kmem_cache,mempool,objpool $args"
	qemu_args="-icount shift=0"
	context="$context --icount-shift 0"
fi
if [ "${NO_HYPERVISOR:-0}" = 1 ]; then
	# With the flag and no paravirt spinlocks (TCG), a contended spinlock
	# spins in virt_spin_lock() and fires no lock:contention_begin.
	case "${QEMU_ACCEL:-tcg}" in
	kvm) cpu=host ;;
	*) cpu=max ;;
	esac
	qemu_args="${qemu_args:+$qemu_args }-cpu $cpu,hypervisor=off"
fi
args="$context $args"
[ "${INIT_ON_ALLOC:-1}" = 0 ] && append="init_on_alloc=0"
printf "BENCH_ARGS='%s'\n" "$args" >"$out/bench.conf"

stamp=$(date -u +%Y%m%d-%H%M%S)
res="${RESULTS_DIR:-$top/results}/$stamp"
mkdir -p "$res"
log="$res/console.log"
{
	echo "date: $stamp"
	echo "kernel: $rel (Debian stock), SMP=${SMP:-2} MEM=${MEM:-1024}"
	echo "ICOUNT=${ICOUNT:-0} INIT_ON_ALLOC=${INIT_ON_ALLOC:-1} FULL=${FULL:-0} NO_HYPERVISOR=${NO_HYPERVISOR:-0}"
	echo "kslab-bench $args"
	echo "commit: $commit"
} >"$res/run.txt"

echo "bench: booting $rel (SMP=${SMP:-2}, ICOUNT=${ICOUNT:-0}, INIT_ON_ALLOC=${INIT_ON_ALLOC:-1}, FULL=${FULL:-0}); console: $log"
# QEMU 7.2's icount now and then corrupts EFLAGS right after a
# cmpxchg16b of SLUB's fast path (kmem_cache_alloc, __kmalloc): the guest
# dies of a double fault, or of a stray debug trap (a WARNING in
# exc_debug_kernel, then whatever the bad flags break), or kslab-bench dies
# of an oops whose kernel-mode EFLAGS has reserved bits set (bit 22 and
# up: no CPU sets them; seen as 43dcc606 in a NULL dereference right after
# SLUB's fast path). A fault of the emulator, not of what is measured
# (figures repeat boot to boot): such a boot is run again, up to five times
# in all, each failed log kept.
emulator_fault="PANIC: double fault|traps.c:[0-9]+ exc_debug_kernel"
emulator_fault="$emulator_fault|RSP: 0018:[0-9a-f]+ EFLAGS: ([1-9a-f][0-9a-f]{7}|0[1-9a-f][0-9a-f]{6}|00[4-9a-f][0-9a-f]{5})"
attempt=1
while :; do
	rc=0
	# shellcheck disable=SC2086
	"$here/guest.sh" --kernel "/boot/vmlinuz-$rel" --log "$log" \
		--run "$here/guest/bench.sh" --timeout "$timeout" \
		--file "$src/kmod/kslab.ko" --file "$src/userspace/kslab-bench" \
		--file "$out/bench.conf" \
		${append:+--append "$append"} ${qemu_args:+--qemu-arg "$qemu_args"} ||
		rc=$?
	bench_rc=$(tr -d '\r' <"$log" | sed -n 's/^KSLAB-END bench table rc=//p')
	{ [ "$rc" -ne 0 ] || [ "${bench_rc:-1}" != 0 ]; } &&
		[ "${ICOUNT:-0}" = 1 ] && [ "$attempt" -lt 5 ] &&
		grep -qE "$emulator_fault" "$log" || break
	echo "bench: the guest died of QEMU's icount EFLAGS fault after cmpxchg16b (double fault, stray debug trap or impossible EFLAGS); booting again" >&2
	cp "$log" "$log.emulator-fault.$attempt"
	attempt=$((attempt + 1))
done

# --- results ---
# section NAME: the body of KSLAB-BEGIN bench NAME .. KSLAB-END bench NAME
section() {
	tr -d '\r' <"$log" | awk -v n="$1" '
		$0 == "KSLAB-BEGIN bench " n { on = 1; next }
		on && index($0, "KSLAB-END bench " n " ") == 1 { exit }
		on { print }'
}
section table >"$res/table.txt"
section json >"$res/bench.json"
section csv >"$res/bench.csv"
section slabinfo >"$res/slabinfo.txt"

"$here/bench-plot.sh" "$res" >/dev/null 2>"$res/plot.log" ||
	echo "bench: charts failed (log: $res/plot.log)" >&2

cat "$res/table.txt"
echo
echo "bench: results in $res"
[ "$rc" -eq 0 ] || die "guest failed (status $rc; log: $log)"
[ "${bench_rc:-1}" = 0 ] || die "kslab-bench failed (rc=${bench_rc:-none}; log: $log)"
exit 0
