#!/bin/sh
# Runs the selected test cases inside the test VM (started by /init in
# denali.mode=test).
#
# Case files: /tests/cases/NAME.sh, run in sorted order. Headers (any of the
# first 30 lines):
#   # denali-boot: NAME          boot group (default main); a case runs only
#                                in the boot whose denali.boot= names it
#                                (a comma-separated list)
#   # denali-backends: svm vmx   backends it runs on (default all)
#   # denali-timeout: SECONDS    default 120
# Selection: denali.tests=GLOB,GLOB (case names without .sh; default all).
#
# Each case runs as "sh NAME.sh" in its own session (so the whole process
# group can be killed), stdin /dev/null, output to the console. A case that
# times out, or exits non-zero without a FAIL verdict, or reports no verdict
# at all, gets "DENALI-TEST FAIL <case>: <why>".

. /tests/vm/lib.sh

CASES_DIR=${DENALI_CASES_DIR:-/tests/cases}
BOOT=${DENALI_BOOT:-main}
DEFAULT_TIMEOUT=120

header() { # FILE KEY -> value of "# KEY: value" or empty
	sed -n "1,30s/^#[[:space:]]*$2:[[:space:]]*//p" "$1" | head -n 1 | tr ',' ' ' | sed 's/[[:space:]]*$//'
}

selected() { # NAME -> true if it matches denali.tests
	[ -z "$DENALI_TESTS" ] && return 0
	local g
	set -f
	for g in $(echo "$DENALI_TESTS" | tr ',' ' '); do
		# shellcheck disable=SC2254
		case "$1" in $g) set +f; return 0 ;; esac
	done
	set +f
	return 1
}

cleanup_modules() { # CASE
	local left m
	left=$(for m in denali_kunit denali kvm_amd kvm_intel kvm irqbypass; do module_loaded $m && echo $m; done)
	[ -n "$left" ] || return 0
	echo "runner: note: $1 left modules loaded: $(echo $left); unloading them"
	for m in $left; do rmmod "$m" 2>&1; done
}

# kmemleak (debug kernel): what the kernel leaked while booting is not
# ours; forget it. The scan at the end reports what the cases leaked.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w "$KMEMLEAK" ]; then
	echo scan > "$KMEMLEAK"
	echo clear > "$KMEMLEAK"
fi

emit "DENALI-RUNNER-START boot=$BOOT backend=$BACKEND"
total=0
failed_cases=0
for f in "$CASES_DIR"/*.sh; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .sh)
	selected "$name" || continue
	boot=$(header "$f" denali-boot)
	# denali.boot= may name several groups (net,scale: one Bochs boot)
	case ",$BOOT," in *",${boot:-main},"*) ;; *) continue ;; esac
	backends=$(header "$f" denali-backends)
	if [ -n "$backends" ]; then
		case " $backends " in
		*" $BACKEND "*) ;;
		*) echo "runner: skip $name (denali-backends: $backends; this is $BACKEND)"; continue ;;
		esac
	fi
	timeout=$(header "$f" denali-timeout)
	case "$timeout" in ''|*[!0-9]*) timeout=$DEFAULT_TIMEOUT ;; esac
	# The debug kernel's checkers make everything several times slower.
	[ "${DENALI_FLAVOUR:-plain}" = debug ] && timeout=$((timeout * 4))
	# Longer runs on demand (make fuzz): denali.env.DENALI_CASE_TIMEOUT=S.
	case "${DENALI_CASE_TIMEOUT:-}" in ''|*[!0-9]*) ;; *) timeout=$DENALI_CASE_TIMEOUT ;; esac

	total=$((total + 1))
	export DENALI_CASE="$name"
	export DENALI_CASE_TMP="/tmp/case-$name"
	export DENALI_VERDICTS="/tmp/verdicts-$name"
	rm -rf "$DENALI_CASE_TMP" "$DENALI_VERDICTS"
	mkdir -p "$DENALI_CASE_TMP"
	: > "$DENALI_VERDICTS"
	flag=/tmp/timeout-$name
	rm -f "$flag"

	echo "=== RUN $name (boot $BOOT, backend $BACKEND, timeout ${timeout}s)"
	/bin/ttydrain # on the wire before the case's kernel messages
	start=$(date +%s)
	(cd "$DENALI_CASE_TMP" && exec setsid sh "$f" </dev/null) &
	pid=$!
	setsid sh -c "sleep $timeout; echo x > $flag; kill -TERM -$pid 2>/dev/null; sleep 5; kill -KILL -$pid 2>/dev/null" </dev/null >/dev/null 2>&1 &
	wd=$!
	wait $pid
	rc=$?
	kill -KILL -$wd 2>/dev/null
	wait $wd 2>/dev/null
	# Whatever the case left running in its session goes too.
	kill -KILL -$pid 2>/dev/null
	secs=$(($(date +%s) - start))

	if [ -f "$flag" ]; then
		fail "$name" "timed out after ${timeout} s"
	elif [ "$rc" -ne 0 ] && ! grep -q '^DENALI-TEST FAIL ' "$DENALI_VERDICTS"; then
		fail "$name" "exited with status $rc without reporting a failure"
	elif [ ! -s "$DENALI_VERDICTS" ]; then
		fail "$name" "reported no verdict (exit status $rc)"
	fi
	grep -q '^DENALI-TEST FAIL ' "$DENALI_VERDICTS" && failed_cases=$((failed_cases + 1))
	echo "=== END $name: exit status $rc, ${secs} s, $(grep -c '^DENALI-TEST PASS ' "$DENALI_VERDICTS") passed, $(grep -c '^DENALI-TEST FAIL ' "$DENALI_VERDICTS") failed"
	cleanup_modules "$name"
	rm -rf "$DENALI_CASE_TMP" "$flag"
done
echo "runner: $total case(s) run in boot $BOOT, $failed_cases with failures"
# kmemleak reports objects unreferenced for at least 5 s, and a second
# scan drops those whose only pointer sat in a register during the first.
if [ -w "$KMEMLEAK" ]; then
	echo "runner: kmemleak scan"
	sleep 5
	echo scan > "$KMEMLEAK"
	echo scan > "$KMEMLEAK"
	leaks=$(cat "$KMEMLEAK")
	if [ -n "$leaks" ]; then
		echo "DENALI-KMEMLEAK-BEGIN"
		echo "$leaks"
		echo "DENALI-KMEMLEAK-END"
	else
		echo "runner: kmemleak found no leak"
	fi
fi
emit "DENALI-RUNNER-END cases=$total failed=$failed_cases"
