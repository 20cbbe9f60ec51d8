#!/bin/sh
# denali-backends: svm
# denali-timeout: 300
#
# KUnit: loads denali.ko, then denali-kunit.ko (its suites run at load), and
# prints the results file of every suite the module added, each between the
# lines DENALI-KTAP-BEGIN and DENALI-KTAP-END. The host harness parses every
# block with the kernel's kunit.py and counts each KUnit case as one test
# ("kunit <suite>.<case>").
. /tests/vm/lib.sh

debugfs=/sys/kernel/debug/kunit
if [ ! -d "$debugfs" ]; then
	fail "kunit debugfs" "$debugfs missing (CONFIG_KUNIT_DEBUGFS, debugfs mount)"
	exit 1
fi
if [ ! -f "$DENALI_KUNIT_KO" ]; then
	fail "kunit module" "denali-kunit.ko is not in the image (not built?)"
	exit 1
fi
if [ ! -f "$DENALI_KO" ]; then
	fail "kunit module" "denali.ko is not in the image (not built?)"
	exit 1
fi

before=$(ls "$debugfs")
check "kunit load denali" load_denali || exit 1
if check "kunit load denali-kunit" load_denali_kunit; then
	suites=0
	for dir in "$debugfs"/*; do
		[ -f "$dir/results" ] || continue
		# Only the suites the module added.
		echo "$before" | grep -qx "$(basename "$dir")" && continue
		suites=$((suites + 1))
		emit "DENALI-KTAP-BEGIN"
		while IFS= read -r line; do
			emit "$line"
		done < "$dir/results"
		emit "DENALI-KTAP-END"
	done
	[ "$suites" -gt 0 ] || fail "kunit suites" "denali-kunit.ko added no suite under $debugfs"
	check "kunit unload denali-kunit" rmmod denali_kunit
fi
check "kunit unload denali" unload_denali
