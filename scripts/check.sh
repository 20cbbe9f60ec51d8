#!/bin/bash
# make check: compile checks, checkpatch, the YNL spec, host-side unit
# tests, the QEMU (AMD-V) suite with KUnit, and the Bochs (VT-x) suite on
# the plain kernel (Debian's own 6.12, decision 56); ends with one line
# "N passed, N failed" over all of them. Every QEMU boot of the suite runs
# on the debug kernel: main (every control-plane, guest, hostile,
# scheduler, fuzzing, virtual MMU case and KUnit), faults (fault
# injection), smp, checkers (with the nohw case), net, nonpt and scale
# with 250 web VMs (DENALI_DEBUG_SCALE_VMS). Two boots load the plain kernel, four times
# faster, beside it: volume (a million fuzzed messages) and scale with
# 1,000 web VMs (decisions 50, 52 and 55). make check-svm runs every boot
# on the debug kernel.
#
#   scripts/check.sh KDIR O    (KDIR: the plain test kernel, O/initramfs.cpio.gz built)
#
# Everything that can runs side by side, since a boot leaves part of a
# CPU idle while its guests wait: the Bochs suite starts first and runs
# beside the debug kernel's build (make initramfs-debug); the debug
# kernel's QEMU boots start as soon as that exists and run beside the
# compile checks, checkpatch and the plain kernel's QEMU boots. The
# output of the two background suites is printed after the rest.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1
O=$2
start=$(date +%s)
rm -f "$O"/results-*.txt
mkdir -p "$O"

step() { # CMD...: runs it between headers; its exit status
	local rc
	echo
	echo "=== $* ==="
	"$@"
	rc=$?
	echo "=== done in $(( $(date +%s) - step_start )) s ==="
	return $rc
}

vmx_out=$O/check-vmx.out
step_start=$(date +%s)
( step "$top/scripts/run-tests.sh" vmx "$kdir" "$O" plain ) > "$vmx_out" 2>&1 &
vmx_pid=$!

# The debug kernel builds beside the Bochs suite, each getting what the
# scheduler gives it (each emulator runs in a session, so an autogroup,
# of its own: the build gets about a third of the machine). Weighing the
# build up (nice -10 on this session's autogroup) made it end in 881 s
# instead of 1,534, but pushed Bochs into the QEMU boots: a QEMU guest
# whose virtual CPUs wait for host CPUs spins on its own locks, and the
# plain scale boot used 590 CPU-seconds instead of 322 (decision 57).
step_start=$(date +%s)
kdir_debug=
build_failed=0
if step make -s -C "$top" O="$O" initramfs-debug; then
	kdir_debug=$("$top/scripts/testkernel.sh" debug)
else
	build_failed=1
fi

# The debug kernel's AMD-V boots, the longest part, start as soon as its
# initramfs exists and run beside the rest (output printed after it).
# 250 web VMs need less than the 4 GiB of 1,000, and kmemleak's scans
# take time in proportion to memory. Two boots at a time, the longest
# first: one QEMU alone leaves part of the CPUs idle while its guests wait,
# and the fault injection has a boot of its own (faults) so that the two
# lines of boots end close together.
svm_out=$O/check-svm.out
svm_pid=
if [ -n "$kdir_debug" ]; then
	step_start=$(date +%s)
	( DENALI_PARALLEL_BOOTS=${DENALI_PARALLEL_BOOTS:-2} \
	  DENALI_QEMU_SCALE_MEM=${DENALI_QEMU_SCALE_MEM:-2G} \
	  DENALI_VM_ENV="SCALE_VMS=${DENALI_DEBUG_SCALE_VMS:-250} ${DENALI_VM_ENV:-}" \
	  DENALI_GROUPS="main faults net scale smp checkers nohw nonpt" \
	  step "$top/scripts/run-tests.sh" svm "$kdir_debug" "$O" debug ) > "$svm_out" 2>&1 &
	svm_pid=$!
fi

# checkpatch.pl and the genetlink schema come from the debug kernel's
# source tree (the plain test kernel is Debian's, headers only).
for s in "scripts/compile-checks.sh $O" "scripts/checkpatch.sh $kdir_debug $O" "scripts/ynl-check.sh $kdir_debug $O" \
	 "scripts/host-tests.sh $O"; do
	step_start=$(date +%s)
	# shellcheck disable=SC2086
	step "$top"/$s
done
step_start=$(date +%s)
DENALI_GROUPS="volume scale" DENALI_RESULTS=svm-plain step "$top/scripts/run-tests.sh" svm "$kdir" "$O" plain
if [ -n "$svm_pid" ]; then
	wait "$svm_pid"
	cat "$svm_out"
fi
wait "$vmx_pid"
cat "$vmx_out"

echo
echo "=== summary ($(( $(date +%s) - start )) s) ==="
cat "$O"/results-*.txt > "$O/results.txt"
grep '^FAIL' "$O/results.txt" | sed 's/^FAIL /not ok - /'
passed=$(grep -c '^PASS' "$O/results.txt")
failed=$(grep -c '^FAIL' "$O/results.txt")
if [ "$build_failed" = 1 ]; then
	echo "not ok - the debug test kernel and its initramfs could not be built"
	failed=$((failed + 1))
fi
for s in compile checkpatch ynl host svm svm-plain vmx; do
	[ -f "$O/results-$s.txt" ] || { echo "not ok - step $s produced no results"; failed=$((failed + 1)); }
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
