#!/bin/bash
# Runs the kernel's checkpatch.pl --strict over every kernel-side source file.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${1:-$("$top/scripts/testkernel.sh")}
O=${2:-$top/build}
results=$O/results-checkpatch.txt
mkdir -p "$O"
: > "$results"
cd "$top"
passed=0 failed=0
for f in $(git ls-files 'module/*.[ch]' 'kunit/*.[ch]' 'uapi/*.h' 'tests/kmod/*.[ch]'); do
	out=$("$kdir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "$f" 2>&1)
	if echo "$out" | grep -qE ': (ERROR|WARNING|CHECK):'; then
		echo "not ok - checkpatch $f"
		echo "$out" | grep -E ': (ERROR|WARNING|CHECK):' | sed 's/^/  | /'
		echo "FAIL checkpatch $f" >> "$results"
		failed=$((failed + 1))
	else
		echo "PASS checkpatch $f" >> "$results"
		passed=$((passed + 1))
	fi
done
echo "checkpatch: $passed files clean, $failed not"
[ $failed -eq 0 ]
