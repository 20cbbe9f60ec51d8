#!/bin/bash
# Tests that run on the build machine itself, without a test VM: the
# table-driven test of Ilwaco's HTTP request parser and the test of its
# tar file system on archives made by the host's tar (ilwaco/tests/), the
# test of the harness's kernel report finder (scripts/kreports.py), and
# the test of denalictl's batches (scripts/batch-test.sh, on O/denalictl).
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
kout=$(python3 "$top/scripts/kreports_test.py" 2>&1)
krc=$?
bout=$("$top/scripts/batch-test.sh" "$O/denalictl" 2>&1)
brc=$?
echo "$out"
# Each test prints "NAME: N cases, F failed"; one that did not get to say it failed.
report() {
	local name=$1 what=$2 line
	line=$(echo "$out" | grep "^$name: [0-9]* cases, [0-9]* failed" | tail -n 1)
	if [ $rc -eq 0 ] && echo "$line" | grep -q '[0-9]* cases, 0 failed'; then
		echo "PASS $what: ${line#"$name: "}" >> "$res"
	else
		echo "FAIL $what: ${line:-$(echo "$out" | tail -n 1)}" >> "$res"
	fi
}
report http_test "ilwaco http parser"
report tarfs_test "ilwaco tarfs"
echo "$kout"
out=$kout rc=$krc report kreports_test "harness kernel report finder"
echo "$bout"
out=$bout rc=$brc report batch_test "denalictl batches"
cat "$res"
