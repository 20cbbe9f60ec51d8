#!/bin/bash
# Builds denali.ko (and, where the tree has them, its KUnit and checker
# test modules) with W=1 and sparse (C=2) against the debug test kernel and
# Debian's 6.1 and 6.12 headers (the 6.12 ones are the plain test kernel's);
# any warning fails that check.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
O=${1:-$top/build}
results=$O/results-compile.txt
mkdir -p "$O/logs"
: > "$results"

trees=("test-kernel-debug:$("$top/scripts/testkernel.sh" debug)")
plain=$("$top/scripts/testkernel.sh") && trees+=("test-kernel-plain-$(basename "$plain"):$plain")
for d in /usr/src/linux-headers-6.1.*-amd64 /usr/src/linux-headers-6.12.*-amd64; do
	[ -f "$d/Makefile" ] && [ "$d" != "$plain" ] && trees+=("$(basename "$d"):$d")
done

passed=0 failed=0
for t in "${trees[@]}"; do
	name=${t%%:*} kdir=${t#*:}
	out=$O/compile-$name log=$O/logs/compile-$name.log
	rm -rf "$out"
	mkdir -p "$out"
	(cd "$top" && rsync -aR Kbuild module uapi kunit tests/kmod "$out/")
	# O= : a "make check O=DIR" passes its O down in MAKEFLAGS, and the
	# kernel's make would take it for its own output directory.
	make -C "$kdir" M="$out" O= W=1 C=2 DENALI_VERSION=check modules > "$log" 2>&1
	rc=$?
	warnings=$(grep -cE '(warning|error):' "$log")
	if [ $rc -eq 0 ] && [ "$warnings" -eq 0 ] && [ -f "$out/denali.ko" ]; then
		echo "ok - compile W=1 sparse $name"
		echo "PASS compile W=1 sparse $name" >> "$results"
		passed=$((passed + 1))
	else
		echo "not ok - compile W=1 sparse $name: exit $rc, $warnings warnings"
		grep -E '(warning|error):' "$log" | head -20 | sed 's/^/  | /'
		[ $rc -ne 0 ] && tail -20 "$log" | sed 's/^/  | /'
		echo "FAIL compile W=1 sparse $name" >> "$results"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
