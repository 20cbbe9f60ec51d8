#!/bin/bash
# make check: compile checks, checkpatch, the YNL spec, host-side unit
# tests, the QEMU (AMD-V) suite with KUnit, and the Bochs (VT-x) suite on
# the plain kernel; ends with one line "N passed, N failed" over all of
# them. The QEMU boots main (every control-plane, guest, hostile,
# scheduler, fault injection, fuzzing, virtual MMU case and KUnit), smp,
# checkers and scale (1,000 web VMs) run on the debug kernel; net, nohw
# and nonpt on the plain one, which is four times faster, to keep a cold
# run within CI's time (make check-svm runs every boot on the debug
# kernel).
#
# The two emulator suites run at the same time: a QEMU boot leaves part
# of a CPU idle while its guests wait, and Bochs is single-threaded. The
# Bochs suite's output is printed after the QEMU suite's.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1
kdir_debug=$2
O=$3
start=$(date +%s)
rm -f "$O"/results-*.txt
mkdir -p "$O"

step() {
	echo
	echo "=== $* ==="
	"$@"
	echo "=== done in $(( $(date +%s) - step_start )) s ==="
}

for s in "scripts/compile-checks.sh $O" "scripts/checkpatch.sh $kdir $O" "scripts/ynl-check.sh $kdir $O" \
	 "scripts/host-tests.sh $O"; do
	step_start=$(date +%s)
	# shellcheck disable=SC2086
	step "$top"/$s
done

vmx_out=$O/check-vmx.out
step_start=$(date +%s)
( step "$top/scripts/run-tests.sh" vmx "$kdir" "$O" plain ) > "$vmx_out" 2>&1 &
vmx_pid=$!
step_start=$(date +%s)
DENALI_GROUPS="net nohw nonpt" DENALI_RESULTS=svm-plain step "$top/scripts/run-tests.sh" svm "$kdir" "$O" plain
step_start=$(date +%s)
DENALI_GROUPS="main smp checkers scale" step "$top/scripts/run-tests.sh" svm "$kdir_debug" "$O" debug
wait "$vmx_pid"
cat "$vmx_out"

echo
echo "=== summary ($(( $(date +%s) - start )) s) ==="
cat "$O"/results-*.txt > "$O/results.txt"
grep '^FAIL' "$O/results.txt" | sed 's/^FAIL /not ok - /'
passed=$(grep -c '^PASS' "$O/results.txt")
failed=$(grep -c '^FAIL' "$O/results.txt")
for s in compile checkpatch ynl host svm svm-plain vmx; do
	[ -f "$O/results-$s.txt" ] || { echo "not ok - step $s produced no results"; failed=$((failed + 1)); }
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
