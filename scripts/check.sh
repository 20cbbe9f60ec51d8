#!/bin/bash
# make check: compile checks, checkpatch, the YNL spec, host-side unit
# tests, the QEMU (AMD-V) suite with KUnit on the debug kernel, the Bochs
# (VT-x) suite on the plain one; ends with one line "N passed, N failed"
# over all of them.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1
kdir_debug=$2
O=$3
start=$(date +%s)
rm -f "$O"/results-*.txt

step() {
	echo
	echo "=== $* ==="
	"$@"
	echo "=== done in $(( $(date +%s) - step_start )) s ==="
}

for s in "scripts/compile-checks.sh $O" "scripts/checkpatch.sh $kdir $O" "scripts/ynl-check.sh $kdir $O" \
	 "scripts/host-tests.sh $O" \
	 "scripts/run-tests.sh svm $kdir_debug $O debug" "scripts/run-tests.sh vmx $kdir $O plain"; do
	step_start=$(date +%s)
	# shellcheck disable=SC2086
	step "$top"/$s
done

echo
echo "=== summary ($(( $(date +%s) - start )) s) ==="
cat "$O"/results-*.txt > "$O/results.txt"
grep '^FAIL' "$O/results.txt" | sed 's/^FAIL /not ok - /'
passed=$(grep -c '^PASS' "$O/results.txt")
failed=$(grep -c '^FAIL' "$O/results.txt")
for s in compile checkpatch ynl host svm vmx; do
	[ -f "$O/results-$s.txt" ] || { echo "not ok - step $s produced no results"; failed=$((failed + 1)); }
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
