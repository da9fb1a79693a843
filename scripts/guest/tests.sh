# SPDX-License-Identifier: GPL-2.0
# Guest script of `make check`: load kslab, run the KUnit suites (when the
# KUnit module is here, i.e. in the debug kernel) and every kselftest, unload,
# and let kmemleak scan. Results go to the console between markers.
. /kslab/lib.sh

# Without the module a kselftest SKIPs as a whole (status 4), the
# kselftest way, rather than fail.
section skip without-module sh -c '/kslab/version_test; [ $? -eq 4 ]'
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
for t in /kslab/*_test; do
	[ -x "$t" ] || continue
	section kselftest "${t##*/}" "$t"
done
# The short reliability runs (fuzzer, fault injection, kills, load, module
# cycles) of scripts/guest/stress.sh, when present; they leave kslab loaded.
[ -f /kslab/stress.sh ] && . /kslab/stress.sh short
section unload kslab rmmod kslab
section kmemleak scan kmemleak_scan
