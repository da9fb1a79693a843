#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel in a QEMU guest with a busybox initramfs that holds the
# given files under /kslab, run a guest script there, capture the serial
# console to a log and end the guest with `reboot -f` under -no-reboot.
#
#   guest.sh --kernel BZIMAGE --log LOG --run SCRIPT [--file FILE]...
#            [--timeout SECONDS] [--smp N] [--mem MIB] [--append ARGS]
#            [--qemu-arg ARG]... [--host-bin PROGRAM]...
#
# A --file may be a directory: it is copied whole. --host-bin copies a
# dynamically linked program of the host (e.g. procps slabtop) to the
# guest's /bin with the shared libraries ldd names.
# QEMU_ACCEL=kvm opts in to KVM (TCG with -cpu max otherwise: KVM guests die
# on these machines). Exits with QEMU's status, 124 on timeout, and 3 when
# the guest did not reach its final marker.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

kernel= log= run= timeout=600 smp=${SMP:-2} mem=${MEM:-1024} append= files=
qemu_extra= host_bins=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2 ;;
	--log) log=$2 ;;
	--run) run=$2 ;;
	--file) files="$files $2" ;;
	--timeout) timeout=$2 ;;
	--smp) smp=$2 ;;
	--mem) mem=$2 ;;
	--append) append="$append $2" ;;
	--qemu-arg) qemu_extra="$qemu_extra $2" ;;
	--host-bin) host_bins="$host_bins $2" ;;
	*) echo "guest.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
[ -n "$kernel" ] && [ -n "$log" ] && [ -n "$run" ] || {
	echo "guest.sh: --kernel, --log and --run are required" >&2
	exit 2
}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# the guest's / (mktemp made it 0700): other users too may run programs
chmod 755 "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/kslab" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
cp "$here/guest/init" "$root/init"
cp "$here/guest/lib.sh" "$root/kslab/lib.sh"
cp "$run" "$root/kslab/run.sh"
for f in $files; do
	cp -r "$f" "$root/kslab/"
done
for b in $host_bins; do
	cp "$b" "$root/bin/"
	for lib in $(ldd "$b" | grep -o '/[^ ]*'); do
		mkdir -p "$root${lib%/*}"
		cp -L "$lib" "$root$lib"
	done
done
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$root.cpio.gz"
trap 'rm -rf "$root" "$root.cpio.gz"' EXIT

case "${QEMU_ACCEL:-tcg}" in
kvm) accel="-accel kvm -cpu host" ;;
*) accel="-accel tcg -cpu max" ;;
esac

# boot: run QEMU once; sets rc.
boot() {
	rc=0
	# shellcheck disable=SC2086
	timeout -k 10 "$timeout" qemu-system-x86_64 $accel -m "$mem" \
		-smp "$smp" -display none -monitor none -serial "file:$log" \
		-no-reboot -kernel "$kernel" -initrd "$root.cpio.gz" \
		-append "console=ttyS0 panic=-1 loglevel=7 $append" \
		$qemu_extra </dev/null || rc=$?
}

# boot_splat: the kernel splatted while booting, before /init ran, i.e.
# before anything of kslab was in the guest.
boot_splat() {
	sed '/^KSLAB-GUEST-START/q' "$log" >"$log.boot"
	! "$here/check-log.sh" "$log.boot" >/dev/null
}

rm -f "$log.boot-splat"
boot
# A splat of the kernel's own boot (seen once: a KASAN wild access in
# handle_edge_irq during start_kernel, debug kernel under TCG) says nothing
# about kslab: keep that log as LOG.boot-splat and boot once more. The
# second boot is judged as usual; check.sh reports the retry.
if [ "$rc" -ne 124 ] && boot_splat; then
	mv "$log" "$log.boot-splat"
	echo "guest.sh: the kernel splatted while booting, before /init (log: $log.boot-splat); booting again" >&2
	boot
fi
rm -f "$log.boot"
if [ "$rc" -eq 124 ]; then
	echo "guest.sh: QEMU timed out after ${timeout}s; log: $log" >&2
	exit 124
fi
[ "$rc" -eq 0 ] || exit "$rc"
grep -q '^KSLAB-GUEST-EXIT' "$log" || {
	echo "guest.sh: guest did not finish; log: $log" >&2
	exit 3
}
exit 0
