#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build the module for every guest
# kernel (W=1, warnings are errors), run checkpatch --strict, boot the debug
# kernel (KUnit + kselftests under KASAN, lockdep, kmemleak) and Debian's
# stock kernels, PREEMPT_RT among them (kselftests), and fail on any failed
# test or kernel splat.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
#
# Environment: KERNELS (stock series, default "6.1 6.12 6.12-rt"), SMP, MEM,
# QEMU_ACCEL=kvm, GUEST_TIMEOUT (seconds per guest, default 900),
# GUESTS (which guests to boot: "debug stock", the default), KSLAB_BUILD_DIR
# (where builds and logs go, default build/ in the tree; give each
# concurrent run its own).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

out=${KSLAB_BUILD_DIR:-$top/build}
guests=${GUESTS:-debug stock}
logs="$out/logs"
passed=0
failed=0
skipped=0
failures=

pass() {
	passed=$((passed + 1))
	echo "check: ok   $1"
}

fail() {
	failed=$((failed + 1))
	failures="$failures
  $1"
	echo "check: FAIL $1"
}

# count LABEL P F S: add a guest section's counts (S: skipped).
count() {
	passed=$((passed + $2))
	failed=$((failed + $3))
	skipped=$((skipped + $4))
	[ "$3" -eq 0 ] || failures="$failures
  $1: $3 failed"
}

finish() {
	[ -z "$failures" ] || echo "check: failures:$failures"
	[ "$skipped" -eq 0 ] || echo "check: $skipped tests skipped (see the lines above)"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

"$here/deps.sh" || { fail "deps: installing packages"; finish; }
KSRC=$(source_tree) || { fail "deps: extracting linux-source-6.12"; finish; }
export KSRC
mkdir -p "$logs"

# Everything builds from a snapshot of the tree in $out/src, so that
# concurrent runs with their own KSLAB_BUILD_DIR do not share objects.
src="$out/src"
snapshot_tree "$top" "$src"

# build_module KDIR DIR [MAKE ARGS]: build kmod/ and kunit/ out of a copy
# of the sources in DIR against KDIR, with W=1 and warnings as errors;
# then `make install-modules` it into DIR/inst and build the sample module there
# against the installed <kslab/kslab.h> and Module.symvers alone, as
# another module would be.
build_module() {
	kdir=$1 dir=$2
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r "$src/Makefile" "$src/Kbuild" "$src/kmod" "$src/kunit" \
		"$src/include" "$dir/"
	mv "$dir/kmod/sample" "$dir/sample"
	make -C "$kdir" M="$dir" W=1 KCFLAGS=-Werror "$@" modules \
		>"$dir/build.log" 2>&1 || return 1
	# install.log: modules_install's signing complains of the missing key
	if ! make -C "$dir" KDIR="$kdir" DESTDIR="$dir/inst" W=1 \
		KCFLAGS=-Werror "$@" INSTALL_MOD_PATH="$dir/inst" \
		KSLAB_API=/api install-modules >"$dir/install.log" 2>&1 ||
		! make -C "$dir/sample" KDIR="$kdir" KSLAB_API="$dir/inst/api" \
			W=1 KCFLAGS=-Werror >>"$dir/install.log" 2>&1; then
		cat "$dir/install.log" >>"$dir/build.log"
		return 1
	fi
}

# sparse_clean DIR: a C=1 build left no sparse warning or error.
sparse_clean() {
	! grep -E '(warning|error):' "$1/build.log"
}

# --- style ---
# checkpatch --strict on every file. kmod/compat.h is the one place that
# tests LINUX_VERSION_CODE (an out-of-tree module must); only that check is
# waived, and only there.
checkpatch() {
	(cd "$KSRC" && ./scripts/checkpatch.pl --strict --no-tree --quiet \
		--show-types "$@")
}
if { checkpatch -f $(find "$src/kmod" "$src/kunit" "$src/include" \
	-name "*.[ch]" ! -name "*.mod.c" ! -name compat.h | sort) &&
	checkpatch --ignore LINUX_VERSION_CODE -f "$src"/kmod/compat.h; } \
	>"$logs/checkpatch.log" 2>&1; then
	pass "checkpatch --strict"
else
	cat "$logs/checkpatch.log"
	fail "checkpatch --strict (log: $logs/checkpatch.log)"
fi

# --- kernel-doc -Wall: every documented comment complete ---
if (find "$src/kmod" "$src/kunit" "$src/include" -name "*.[ch]" \
	! -name "*.mod.c" | sort; echo "$src/userspace/libkslab.h") |
	xargs "$KSRC/scripts/kernel-doc" -Wall -none >"$logs/kernel-doc.log" 2>&1 &&
	! grep -q . "$logs/kernel-doc.log"; then
	pass "kernel-doc -Wall"
else
	cat "$logs/kernel-doc.log"
	fail "kernel-doc -Wall (log: $logs/kernel-doc.log)"
fi

# --- docs: Sphinx HTML, kernel-doc directives resolved, not one warning ---
if make -C "$src/Documentation" KSRC="$KSRC" BUILDDIR="$out/docs" \
	>"$logs/docs.log" 2>&1; then
	pass "docs: Sphinx and kernel-doc build the HTML without a warning"
else
	cat "$logs/docs.log"
	fail "docs (log: $logs/docs.log)"
fi

# --- results.py: KUnit cases counted from kunit.py parse --json ---
if "$here/results-test.sh" "$KSRC" >"$logs/results-test.log" 2>&1; then
	pass "results.py: a failed KUnit case in a log counts as failed"
else
	cat "$logs/results-test.log"
	fail "results.py (log: $logs/results-test.log)"
fi

# --- layers: includes point one way (device -> bench -> backends -> core) ---
if "$here/check-layers.sh" "$src" >"$logs/layers.log" 2>&1; then
	pass "layers: every include points down, the core knows nothing of the ABI"
else
	cat "$logs/layers.log"
	fail "layers: an include points the wrong way (log: $logs/layers.log)"
fi

# --- userspace ---
if make -C "$src/userspace" KSRC="$KSRC" >"$logs/userspace.log" 2>&1; then
	pass "userspace build"
else
	tail -n 30 "$logs/userspace.log"
	fail "userspace build (log: $logs/userspace.log)"
	finish
fi
# --- make install-user: libkslab as another program builds against it ---
if "$here/install-test.sh" "$src" >"$logs/install-user.log" 2>&1; then
	pass "install-user: a program built with pkg-config libkslab, shared and static"
else
	tail -n 30 "$logs/install-user.log"
	fail "install-user (log: $logs/install-user.log)"
fi
# The kselftests, installed the kernel's way for run_kselftest.sh.
tests="$out/kselftest_install"
rm -rf "$tests"
if make -C "$src/userspace/tests" KSRC="$KSRC" KSFT_INSTALL_PATH="$tests" \
	kselftest-install >"$logs/kselftest-install.log" 2>&1 &&
	[ "$(grep -c '^kslab:' "$tests/kselftest-list.txt")" -eq \
		"$(ls "$src"/userspace/tests/*_test.c | wc -l)" ]; then
	pass "kselftest install: run_kselftest.sh lists every *_test.c"
else
	tail -n 30 "$logs/kselftest-install.log"
	fail "kselftest install (log: $logs/kselftest-install.log)"
fi
stress=$(ls "$src"/userspace/stress/*_stress 2>/dev/null)
# Smoke of the benchmark client, run as a kselftest (never timing).
bench_smoke="$src/userspace/kslab-bench $here/guest/kslab-bench_test"

# numa_args: two NUMA nodes, each with half the CPUs and half the memory,
# so that the allocator's per-node paths run (the debug guest uses them).
# Each CPU is a socket of its own: CPUs that share a last-level cache on
# different nodes make the kernel WARN at boot (topology_sane()).
numa_args() {
	smp=${SMP:-2} mem=${MEM:-1024}
	[ "$smp" -ge 2 ] || return 0
	h=$((smp / 2))
	echo "-object memory-backend-ram,id=m0,size=$((mem / 2))M" \
		"-object memory-backend-ram,id=m1,size=$((mem - mem / 2))M" \
		"-numa node,nodeid=0,cpus=0-$((h - 1)),memdev=m0" \
		"-numa node,nodeid=1,cpus=$h-$((smp - 1)),memdev=m1"
}

# start_guest LABEL KERNEL MODDIR [guest.sh options]: boot a guest in the
# background; judge_guest LABEL waits for it and reads its results.
start_guest() {
	label=$1 kernel=$2 moddir=$3
	shift 3
	files=
	for f in "$moddir"/kmod/kslab.ko "$moddir"/kunit/kslab_kunit.ko \
		"$moddir"/sample/kslab_sample.ko $tests "$src/userspace/kslabinfo" \
		$stress "$here/guest/stress.sh" $bench_smoke; do
		[ -e "$f" ] && files="$files --file $f"
	done
	echo "check: booting $label ($kernel)"
	# shellcheck disable=SC2086
	"$here/guest.sh" --kernel "$kernel" --log "$logs/$label.log" \
		--run "$here/guest/tests.sh" --timeout "${GUEST_TIMEOUT:-900}" \
		--host-bin /usr/bin/slabtop --host-bin /usr/bin/timeout \
		$files "$@" \
		>"$logs/$label.guest" 2>&1 &
	echo $! >"$logs/$label.pid"
}

judge_guest() {
	label=$1
	log="$logs/$label.log"
	if wait "$(cat "$logs/$label.pid")"; then
		pass "$label: guest boots and finishes"
	else
		cat "$logs/$label.guest"
		tail -n 40 "$log"
		fail "$label: guest did not finish (log: $log)"
	fi
	if KSLAB_EXPECTED_WARN="${KSLAB_EXPECTED_WARN:-kslab_debug_report}" \
		"$here/check-log.sh" "$log"; then
		pass "$label: no oops, BUG, WARNING, KASAN, lockdep or kmemleak report"
	else
		fail "$label: kernel splat in the console log (log: $log)"
	fi
	[ ! -f "$log.boot-splat" ] ||
		echo "check: note: $label: the kernel splatted while booting, before /init and kslab; booted again (first log: $log.boot-splat)"
	res=$(python3 "$here/results.py" --ksrc "$KSRC" --label "$label" "$log")
	echo "$res" | sed '$d'
	# shellcheck disable=SC2086
	count "$label" $(echo "$res" | tail -n 1)
}

# --- debug kernel: KUnit + kselftests ---
# Its guest (the longest, under KASAN) runs in the background while the
# stock kernels are built and tested one at a time; it is judged last.
debug_started=
case " $guests " in
*" debug "*) want_debug=1 ;;
*) want_debug= ;;
esac
if [ -z "$want_debug" ]; then
	echo "check: debug guest not selected (GUESTS=$guests)"
elif dbg=$("$here/debug-kernel.sh"); then
	if build_module "$dbg" "$out/debug"; then
		pass "module build against the debug kernel (W=1)"
		start_guest debug "$dbg/arch/x86/boot/bzImage" "$out/debug" \
			--smp "${SMP:-2},sockets=${SMP:-2}" --qemu-arg "$(numa_args)"
		debug_started=1
	else
		tail -n 30 "$out/debug/build.log"
		fail "module build against the debug kernel (log: $out/debug/build.log)"
	fi
else
	fail "debug kernel build"
fi

# --- Debian's stock kernels: kselftests ---
case " $guests " in
*" stock "*) stock_series=$KSLAB_KERNELS ;;
*) stock_series= ;;
esac
dkms_releases=
for series in $stock_series; do
	rel=$(stock_release "$series")
	if [ -z "$rel" ]; then
		fail "stock $series: no installed Debian kernel"
		continue
	fi
	if build_module "/lib/modules/$rel/build" "$out/$rel" C=1; then
		pass "module build against $rel (W=1)"
		if sparse_clean "$out/$rel"; then
			pass "sparse against $rel"
		else
			fail "sparse against $rel (log: $out/$rel/build.log)"
		fi
		start_guest "stock-$rel" "/boot/vmlinuz-$rel" "$out/$rel"
		judge_guest "stock-$rel"
		dkms_releases="$dkms_releases $rel"
	else
		tail -n 30 "$out/$rel/build.log"
		fail "module build against $rel (log: $out/$rel/build.log)"
	fi
done

# --- DKMS: add, build and install against the stock header packages ---
if [ -n "$dkms_releases" ]; then
	# shellcheck disable=SC2086
	if "$here/dkms-test.sh" $dkms_releases >"$logs/dkms.log" 2>&1; then
		pass "dkms build and install for$dkms_releases"
	else
		tail -n 30 "$logs/dkms.log"
		fail "dkms build and install (log: $logs/dkms.log)"
	fi
fi

[ -z "$debug_started" ] || judge_guest debug

finish
