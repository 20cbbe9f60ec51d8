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

# The runner forks as little as it can: on the debug kernel under TCG a
# fork and exec costs some 140 ms, and a header read per case file per
# boot cost 20 s of every boot.

# headers DIR: one line per case file, "NAME|BOOT|BACKENDS|TIMEOUT", from
# the first "# KEY: value" of each key in its first 30 lines (commas in
# the values become spaces).
headers() {
	set -- "$1"/*.sh
	[ -f "$1" ] || return 0
	awk '
	function out() {
		if (f == "") return
		n = f; sub(/.*\//, "", n); sub(/\.sh$/, "", n)
		print n "|" v["boot"] "|" v["backends"] "|" v["timeout"]
	}
	FNR == 1 { out(); f = FILENAME; delete v }
	FNR <= 30 && /^#[ \t]*denali-(boot|backends|timeout):/ {
		k = $0; sub(/^#[ \t]*denali-/, "", k); sub(/:.*/, "", k)
		if (!(k in v)) {
			x = $0; sub(/^#[ \t]*denali-[a-z]*:[ \t]*/, "", x)
			gsub(/,/, " ", x); sub(/[ \t]+$/, "", x)
			v[k] = x
		}
	}
	END { out() }' "$@"
}

selected() { # NAME -> true if it matches denali.tests
	[ -z "$DENALI_TESTS" ] && return 0
	local g IFS=,
	set -f
	for g in $DENALI_TESTS; do
		# shellcheck disable=SC2254
		case "$1" in $g) set +f; return 0 ;; esac
	done
	set +f
	return 1
}

cleanup_modules() { # CASE
	local loaded=' ' left='' m _
	while read -r m _; do loaded="$loaded$m "; done </proc/modules
	for m in denali_kunit denali kvm_amd kvm_intel ccp kvm irqbypass; do
		case "$loaded" in *" $m "*) left="$left $m" ;; esac
	done
	[ -n "$left" ] || return 0
	echo "runner: note: $1 left modules loaded:$left; unloading them"
	for m in $left; do rmmod "$m" 2>&1; done
}

uptime_s() { # -> whole seconds since boot in $_up
	read -r _up _ </proc/uptime
	_up=${_up%.*}
}

# count_verdicts FILE: $_npass, $_nfail
count_verdicts() {
	local line
	_npass=0 _nfail=0
	while IFS= read -r line; do
		case "$line" in
		"DENALI-TEST PASS "*) _npass=$((_npass + 1)) ;;
		"DENALI-TEST FAIL "*) _nfail=$((_nfail + 1)) ;;
		esac
	done <"$1"
}

# kmemleak (debug kernel): what the kernel leaked while booting is not
# ours. The scan at the end reports only objects allocated from here on
# (kmemleak prints each object's allocation time in jiffies): one scan
# fewer than scanning and clearing here, some 15 s of every debug boot
# under TCG (decision 57).
KMEMLEAK=/sys/kernel/debug/kmemleak
kml_since=
if [ -w "$KMEMLEAK" ]; then
	kml_since=$(sed -n 's/^jiffies: *//p' /proc/timer_list | head -n 1)
	case "$kml_since" in '' | *[!0-9]*)
		# No jiffies to compare with: forget the boot's leaks the slow way.
		echo scan > "$KMEMLEAK"
		echo clear > "$KMEMLEAK"
		kml_since=0 ;;
	esac
fi
# kml_report: the objects kmemleak reports now that were allocated after
# the runner started.
kml_report() {
	awk -v since="$kml_since" '
	function flush() { if (rec != "" && (j == 0 || j >= since + 0)) print rec; rec = ""; j = 0 }
	/^unreferenced object/ { flush(); rec = $0; next }
	rec != "" {
		rec = rec "\n" $0
		if (match($0, /jiffies [0-9]+/)) j = substr($0, RSTART + 8, RLENGTH - 8) + 0
	}
	END { flush() }' "$KMEMLEAK"
}

emit "DENALI-RUNNER-START boot=$BOOT backend=$BACKEND"
total=0
failed_cases=0
cases_list=/tmp/runner-cases
headers "$CASES_DIR" >"$cases_list"
while IFS='|' read -r name boot backends timeout <&3; do
	f=$CASES_DIR/$name.sh
	selected "$name" || continue
	# denali.boot= may name several groups (net,scale: one Bochs boot)
	case ",$BOOT," in *",${boot:-main},"*) ;; *) continue ;; esac
	if [ -n "$backends" ]; then
		case " $backends " in
		*" $BACKEND "*) ;;
		*) echo "runner: skip $name (denali-backends: $backends; this is $BACKEND)"; continue ;;
		esac
	fi
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
	uptime_s
	start=$_up
	(cd "$DENALI_CASE_TMP" && exec setsid sh "$f" </dev/null 3<&-) &
	pid=$!
	setsid sh -c "sleep $timeout; echo x > $flag; kill -TERM -$pid 2>/dev/null; sleep 5; kill -KILL -$pid 2>/dev/null" </dev/null >/dev/null 2>&1 3<&- &
	wd=$!
	wait $pid
	rc=$?
	kill -KILL -$wd 2>/dev/null
	wait $wd 2>/dev/null
	# Whatever the case left running in its session goes too.
	kill -KILL -$pid 2>/dev/null
	uptime_s
	secs=$((_up - start))

	count_verdicts "$DENALI_VERDICTS"
	if [ -f "$flag" ]; then
		fail "$name" "timed out after ${timeout} s"
	elif [ "$rc" -ne 0 ] && [ "$_nfail" -eq 0 ]; then
		fail "$name" "exited with status $rc without reporting a failure"
	elif [ ! -s "$DENALI_VERDICTS" ]; then
		fail "$name" "reported no verdict (exit status $rc)"
	fi
	count_verdicts "$DENALI_VERDICTS"
	[ "$_nfail" -gt 0 ] && failed_cases=$((failed_cases + 1))
	echo "=== END $name: exit status $rc, ${secs} s, $_npass passed, $_nfail failed"
	cleanup_modules "$name"
	rm -rf "$DENALI_CASE_TMP" "$flag"
done 3<"$cases_list"
echo "runner: $total case(s) run in boot $BOOT, $failed_cases with failures"
# kmemleak reports objects unreferenced for at least 5 s. When it reports
# any, a second scan drops those whose only pointer sat in a register or
# in flight during the first.
if [ -w "$KMEMLEAK" ]; then
	echo "runner: kmemleak scan"
	sleep 5
	echo scan > "$KMEMLEAK"
	leaks=$(kml_report)
	if [ -n "$leaks" ]; then
		echo "runner: kmemleak suspects; scanning again"
		echo scan > "$KMEMLEAK"
		leaks=$(kml_report)
	fi
	if [ -n "$leaks" ]; then
		echo "DENALI-KMEMLEAK-BEGIN"
		echo "$leaks"
		echo "DENALI-KMEMLEAK-END"
	else
		echo "runner: kmemleak found no leak"
	fi
fi
emit "DENALI-RUNNER-END cases=$total failed=$failed_cases"
