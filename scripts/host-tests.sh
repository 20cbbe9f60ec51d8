#!/bin/bash
# Tests that run on the build machine itself, without a test VM: for now
# the table-driven test of Ilwaco's HTTP request parser (ilwaco/tests/).
#
#   scripts/host-tests.sh O      results in O/results-host.txt
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
O=${1:-$top/build}
mkdir -p "$O"
res=$O/results-host.txt
: > "$res"
out=$(make -s -C "$top/ilwaco" O="$O/ilwaco" host-test 2>&1)
rc=$?
echo "$out"
if [ $rc -eq 0 ]; then
	echo "PASS ilwaco http parser: $(echo "$out" | grep -o '[0-9]* cases, 0 failed' | tail -n 1)" >> "$res"
else
	echo "FAIL ilwaco http parser: $(echo "$out" | tail -n 1)" >> "$res"
fi
cat "$res"
