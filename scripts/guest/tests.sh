# SPDX-License-Identifier: GPL-2.0
# Guest script of `make check`: load kslab, run the KUnit suites (when the
# KUnit module is here, i.e. in the debug kernel) and the kselftests (through
# the kernel's run_kselftest.sh, from the install tree check.sh made), unload,
# and let kmemleak scan. Results go to the console between markers.
. /kslab/lib.sh

ksft=/kslab/kselftest_install
# sysfs_test runs kslabinfo, which check.sh copies to /kslab.
export KSLABINFO=/kslab/kslabinfo
# The runner times a program out with /usr/bin/timeout --foreground:
# coreutils' (check.sh copies it in as /bin/timeout); busybox's has no
# --foreground.
mkdir -p /usr/bin && ln -sf /bin/timeout /usr/bin/timeout

# all_skip: without the module every kselftest program SKIPs as a whole
# (status 4) and says why, the kselftest way, rather than fail.
all_skip() {
	: >/tmp/ksft-skip.out
	"$ksft/run_kselftest.sh" >>/tmp/ksft-skip.out 2>&1
	cat /tmp/ksft-skip.out
	n=$(wc -l <"$ksft/kselftest-list.txt")
	skips=$(grep -c '^ok [0-9]* selftests: kslab: [a-z_]* # SKIP$' /tmp/ksft-skip.out)
	why=$(grep -c '^# 1\.\.0 # SKIP no /dev/kslab: kslab.ko is not loaded$' /tmp/ksft-skip.out)
	echo "$n programs, $skips skipped, $why said why"
	[ "$n" -gt 0 ] && [ "$skips" -eq "$n" ] && [ "$why" -eq "$n" ]
}
section skip without-module all_skip

# not_root: with the device open to every user (device_mode=0666), a user
# other than root gets from each program that needs root a SKIP that says
# so (KSLAB_TEST_NEEDS_ROOT), and the others pass.
not_root() {
	insmod /kslab/kslab.ko device_mode=0666 || return 1
	grep -q '^nobody:' /etc/passwd 2>/dev/null ||
		echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
	: >/tmp/ksft-user.out
	chmod 666 /tmp/ksft-user.out
	su -s /bin/sh -c "sh $ksft/run_kselftest.sh" nobody \
		>>/tmp/ksft-user.out 2>&1
	rmmod kslab
	cat /tmp/ksft-user.out
	n=$(wc -l <"$ksft/kselftest-list.txt")
	ok=$(grep -c '^ok [0-9]* selftests: kslab: [a-z_]*$' /tmp/ksft-user.out)
	skips=$(grep -c '^ok [0-9]* selftests: kslab: [a-z_]* # SKIP$' /tmp/ksft-user.out)
	why=$(grep -c '^# 1\.\.0 # SKIP not root: ' /tmp/ksft-user.out)
	echo "$n programs: $ok passed, $skips skipped, $why of them as not root"
	[ "$ok" -gt 0 ] && [ "$why" -gt 0 ] && [ "$skips" -eq "$why" ] &&
		[ $((ok + skips)) -eq "$n" ]
}
section skip not-root not_root
section load kslab insmod /kslab/kslab.ko
# The sample module uses the public API; its init fails if anything does.
section load kslab_sample insmod /kslab/kslab_sample.ko
section unload kslab_sample rmmod kslab_sample
if [ -f /kslab/kslab_kunit.ko ]; then
	# KUnit runs the suites while the module loads.
	insmod /kslab/kslab_kunit.ko
	section kunit suites kunit_results
	rmmod kslab_kunit
fi
section run_kselftest kslab "$ksft/run_kselftest.sh"
# The smoke of the benchmark client (scripts/guest/kslab-bench_test).
for t in /kslab/*_test; do
	[ -x "$t" ] || continue
	section kselftest "${t##*/}" "$t"
done
# The short reliability runs (fuzzer, fault injection, kills, load, module
# cycles) of scripts/guest/stress.sh, when present; they leave kslab loaded.
[ -f /kslab/stress.sh ] && . /kslab/stress.sh short
section unload kslab rmmod kslab
section kmemleak scan kmemleak_scan
