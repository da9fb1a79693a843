# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The reliability runs (Documentation/testing.rst): the ioctl fuzzer,
# crash (kill -9), load, fault injection and module lifecycle.
# Sourced by the guest scripts with kslab.ko loaded, after /kslab/lib.sh:
#
#   . /kslab/stress.sh short    # make check: about a minute in all
#   . /kslab/stress.sh long     # make stress: FUZZ_IOCTLS, FAULTS, KILLS,
#                               # CYCLES, LOAD_SECONDS, SEED from the env
#
# Each program prints kselftest TAP in its own section; kslab is left
# loaded. The seed of every run is printed, so a failure can be replayed
# with --seed.

stress_mode=${1:-short}
if [ "$stress_mode" = long ]; then
	s_fuzz="--count ${FUZZ_IOCTLS:-100000} --seconds 1800 --threads 4"
	s_crash="--count ${KILLS:-100} --seconds 1800 --threads 4"
	s_load="--seconds ${LOAD_SECONDS:-60} --threads 4"
	s_fault="--count ${FAULTS:-1000} --seconds 900 --probability 10 --threads 2"
	s_cycles=${CYCLES:-50}
else
	# about a minute in all under KASAN and TCG
	s_fuzz="--count 3000 --seconds 15 --threads 3"
	s_crash="--count 6 --seconds 60 --threads 3"
	s_load="--seconds 5 --threads 2"
	s_fault="--count 150 --seconds 15 --probability 10 --threads 2"
	s_cycles=3
fi
s_seed=
[ -n "${SEED:-}" ] && s_seed="--seed $SEED"

# lifecycle N: rmmod/insmod cycles with sessions opened and closed in
# between, as TAP: the module unloads only when no session is open, the
# device comes back with mode 0600, and a session works after each load.
lifecycle() {
	n=$1 i=0 fails=0
	echo "TAP version 13"
	echo "1..$n"
	while [ "$i" -lt "$n" ]; do
		i=$((i + 1))
		why=
		# a failed exec redirection would end the shell: test first
		if [ -c /dev/kslab ]; then
			exec 3<>/dev/kslab
		else
			why="no /dev/kslab"
		fi
		if [ -z "$why" ] && rmmod kslab 2>/dev/null; then
			why="rmmod succeeded with a session open"
			insmod /kslab/kslab.ko
		fi
		exec 3>&-
		[ -n "$why" ] || rmmod kslab || why="rmmod with no session open failed"
		[ -n "$why" ] || [ ! -e /dev/kslab ] || why="/dev/kslab still there after rmmod"
		[ -n "$why" ] || insmod /kslab/kslab.ko || why="insmod failed"
		if [ -z "$why" ]; then
			mode=$(stat -c %a /dev/kslab 2>/dev/null)
			[ "$mode" = 600 ] || why="/dev/kslab mode $mode, not 600"
		fi
		# a session that creates caches, rents, writes and returns
		[ -n "$why" ] || /kslab/load_stress --seconds 0.5 --threads 1 \
			--seed "$i" >/tmp/lifecycle.out 2>&1 ||
			why="a session after insmod failed: $(grep -m1 -E '^(not ok|Bail)' /tmp/lifecycle.out)"
		if [ -z "$why" ]; then
			echo "ok $i cycle $i: rmmod refused while open, unload, load, session"
		else
			fails=$((fails + 1))
			echo "not ok $i cycle $i: $why"
			grep -q '^kslab ' /proc/modules || insmod /kslab/kslab.ko
		fi
	done
	echo "# kslab-figures lifecycle cycles=$n failed=$fails"
	echo "# Totals: pass:$((n - fails)) fail:$fails xfail:0 xpass:0 skip:0 error:0"
	[ "$fails" -eq 0 ]
}

for s_prog in fuzz crash load fault; do
	[ -x "/kslab/${s_prog}_stress" ] || continue
	case $s_prog in
	fuzz) s_args=$s_fuzz ;;
	crash) s_args=$s_crash ;;
	load) s_args=$s_load ;;
	fault) s_args=$s_fault ;;
	esac
	# shellcheck disable=SC2086
	section kselftest "${s_prog}_stress" "/kslab/${s_prog}_stress" $s_args $s_seed
done
if [ -x /kslab/load_stress ]; then
	section kselftest lifecycle lifecycle "$s_cycles"
fi
grep -q '^kslab ' /proc/modules || insmod /kslab/kslab.ko
