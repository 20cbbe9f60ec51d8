#!/bin/bash
# Runs the kernel's checkpatch.pl --strict over every kernel-side source file.
#
#   scripts/checkpatch.sh [KDIR [O]]   (KDIR: a kernel source tree; default
#                                       the debug test kernel's)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${1:-$("$top/scripts/testkernel.sh" debug)}
O=${2:-$top/build}
results=$O/results-checkpatch.txt
mkdir -p "$O"
: > "$results"
cd "$top"
[ -x "$kdir/scripts/checkpatch.pl" ] || { echo "not ok - checkpatch: no $kdir/scripts/checkpatch.pl"; echo "FAIL checkpatch" >> "$results"; exit 1; }
mapfile -t files < <(git ls-files 'module/*.[ch]' 'kunit/*.[ch]' 'uapi/*.h' 'tests/kmod/*.[ch]')
# One run over all files (perl's start-up per file cost a minute); its
# terse lines start with the file's name.
out=$("$kdir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "${files[@]}" 2>&1)
passed=0 failed=0
for f in "${files[@]}"; do
	found=$(grep -E "^$f:[0-9]+: (ERROR|WARNING|CHECK):" <<<"$out")
	if [ -n "$found" ]; then
		echo "not ok - checkpatch $f"
		sed 's/^/  | /' <<<"$found"
		echo "FAIL checkpatch $f" >> "$results"
		failed=$((failed + 1))
	else
		echo "PASS checkpatch $f" >> "$results"
		passed=$((passed + 1))
	fi
done
# a finding of no listed file (the run itself failed)
if grep -E ': (ERROR|WARNING|CHECK):' <<<"$out" | grep -vqE "^($(IFS='|'; echo "${files[*]}")):"; then
	echo "not ok - checkpatch: findings outside the listed files"
	grep -E ': (ERROR|WARNING|CHECK):' <<<"$out" | sed 's/^/  | /' | head -20
	echo "FAIL checkpatch run" >> "$results"
	failed=$((failed + 1))
fi
echo "checkpatch: $passed files clean, $failed not"
[ $failed -eq 0 ]
