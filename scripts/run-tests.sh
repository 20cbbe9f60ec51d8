#!/bin/bash
# Runs the in-VM test cases (tests/cases/*.sh) on one backend.
#
#   scripts/run-tests.sh svm|vmx KDIR O [plain|debug]
#
# The flavour (default plain) says which test kernel KDIR is: with debug,
# the image is O/initramfs-debug.cpio.gz and the boot group "checkers"
# runs (deliberate reports each checker must catch).
#
# svm: QEMU (TCG unless KVM really runs a guest with SVM), one boot per boot
#      group ("# denali-boot: NAME" header of a case, default main):
#        main  -cpu qemu64,+svm,+npt    nohw  no svm, no vmx
#        nonpt -cpu qemu64,+svm,-npt
#        smp   as main (QEMU always has 2 CPUs); on Bochs, 2 CPUs instead of 1
#        net   as main: the networking cases, a boot of their own so that
#              on Bochs they run beside the main boot
#        volume as main: the control-plane fuzzer's million messages
#              (make check boots it on the plain kernel)
#        scale as main, with 4 GiB: thousands of web VMs
#        checkers  as main (debug kernel only): deliberate checker reports
# vmx: Bochs (corei7_skylake_x: VMX with EPT): one boot per group (main,
#      net with the scale cases, smp with 2 CPUs), side by side up to one
#      per CPU; cases of other boot groups are skipped with a note.
#
# Uses O/initramfs.cpio.gz (make initramfs). Console logs in
# O/logs/<backend>-<group>.log, the results channel (second serial port) in
# O/logs/<backend>-<group>.results, host times of each case and verdict in
# O/logs/<backend>-<group>.log.times (DENALI_RESULTS=NAME: NAME instead of
# <backend>). Prints "ok - <name> <backend>" or
# "not ok - <name> <backend>: <reason>" per test, then "N passed, N failed";
# writes "PASS <name> <backend>" / "FAIL <name> <backend>" lines to
# O/results-<backend>.txt. Exit status 0 only if nothing failed.
#
# Every boot's console is searched for kernel reports (scripts/kreports.py:
# KASAN, KFENCE, UBSAN, lockdep, WARNING, BUG, Oops, RCU stalls, lockups,
# hung tasks, kmemleak's leaks from the scan that ends each boot): each one
# fails "kernel report in <case>", whatever the case asserted, and its text
# is printed. A boot with none passes "no kernel report in boot <group>".
#
# Environment: DENALI_TESTS=GLOB,GLOB selects cases by name (default all);
# DENALI_GROUPS="main smp ..." only these boot groups; DENALI_RESULTS=NAME
# writes O/results-NAME.txt instead of O/results-<backend>.txt;
# DENALI_VM_ENV="NAME=VALUE ..." is exported to the cases (SCALE_VMS=5000);
# see scripts/vm-lib.sh for timeouts, memory and the accelerator.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/vm-lib.sh"

[ $# -eq 3 ] || [ $# -eq 4 ] || { echo "usage: $0 svm|vmx KDIR O [plain|debug]" >&2; exit 2; }
backend=$1 kdir=$2 o=$3 flavour=${4:-plain}
case "$backend" in svm|vmx) ;; *) echo "run-tests: backend must be svm or vmx" >&2; exit 2 ;; esac
case "$flavour" in plain|debug) ;; *) echo "run-tests: flavour must be plain or debug" >&2; exit 2 ;; esac
o=$(cd "$o" && pwd) || exit 2
# The debug kernel's checkers make a boot several times slower.
qemu_timeout=1800
[ "$flavour" = debug ] && qemu_timeout=3600
# KDIR is a built tree (the debug kernel) or the headers of an installed
# Debian kernel (the plain flavour: scripts/testkernel.sh).
kernel=$(vm_kernel_image "$kdir")
stock=
[ -f "$kdir/arch/x86/boot/bzImage" ] || stock=$(cat "$kdir/include/config/kernel.release" 2>/dev/null)
if [ "$flavour" = debug ]; then
	initrd=${DENALI_INITRAMFS:-$o/initramfs-debug.cpio.gz}
else
	initrd=${DENALI_INITRAMFS:-$o/initramfs.cpio.gz}
fi
[ -f "$kernel" ] || { echo "run-tests: no kernel $kernel" >&2; exit 2; }
[ -f "$initrd" ] || { echo "run-tests: no initramfs $initrd (make initramfs)" >&2; exit 2; }
logs=$o/logs
mkdir -p "$logs"
results=$o/results-${DENALI_RESULTS:-$backend}.txt
# log names O/logs/<backend or DENALI_RESULTS>-<group>.log, and a work
# directory of that name, so that two runs can share O at once
lname=${DENALI_RESULTS:-$backend}
work=$o/vm-$lname
mkdir -p "$work"
: > "$results"

npass=0
nfail=0
report_pass() { # NAME
	echo "ok - $1 $backend"
	echo "PASS $1 $backend" >> "$results"
	npass=$((npass + 1))
}
report_fail() { # NAME REASON
	echo "not ok - $1 $backend: $2"
	echo "FAIL $1 $backend" >> "$results"
	nfail=$((nfail + 1))
}

header() { # FILE KEY
	sed -n "1,30s/^#[[:space:]]*$2:[[:space:]]*//p" "$1" | head -n 1 | tr ',' ' ' | sed 's/[[:space:]]*$//'
}
selected() { # NAME
	[ -z "${DENALI_TESTS:-}" ] && return 0
	local g
	local IFS=,
	for g in $DENALI_TESTS; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 0
	done
	return 1
}

# --- which boots ---------------------------------------------------------
declare -A groupcases=()
declare -A bootsel=()	# boot -> the groups its denali.boot= names, if more than itself
groups=()
for f in "$top"/tests/cases/*.sh; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .sh)
	selected "$name" || continue
	backends=$(header "$f" denali-backends)
	if [ -n "$backends" ] && [[ " $backends " != *" $backend "* ]]; then
		continue
	fi
	group=$(header "$f" denali-boot)
	group=${group:-main}
	if [ -n "${DENALI_GROUPS:-}" ] && [[ " $DENALI_GROUPS " != *" $group "* ]]; then
		continue
	fi
	# The emulator's own flaw (make emulator-flaw): only when named.
	if [ "$group" = flaw ] && [[ " ${DENALI_GROUPS:-} " != *" flaw "* ]]; then
		continue
	fi
	if [ "$group" = checkers ] && [ "$flavour" != debug ]; then
		echo "note: $name skipped (boot group 'checkers' needs the debug kernel)"
		continue
	fi
	if [ "$name" = kunit ] && [ -n "$stock" ]; then
		echo "note: kunit skipped (Debian's kernel $stock has no KUnit; the debug kernel runs it)"
		continue
	fi
	if [ "$backend" = vmx ] && [ "$group" != main ] && [ "$group" != smp ] && [ "$group" != net ] && [ "$group" != scale ]; then
		echo "note: $name skipped on vmx (boot group '$group' runs only on svm)"
		continue
	fi
	# On Bochs the scale cases (a few dozen VMs there) ride in the net
	# boot: a boot costs Bochs two to three minutes before /init.
	if [ "$backend" = vmx ] && [ "$group" = scale ]; then
		bootsel[net]="net,scale"
		group=net
	fi
	if [ -z "${groupcases[$group]:-}" ]; then
		groups+=("$group")
	fi
	groupcases[$group]+="$name "
done
# On the debug kernel the nohw cases ride in the checkers boot, on a CPU
# without VT-x or AMD-V (the deliberate reports need neither, and go
# last: 04-nohw sorts before 05-checkers): a debug boot costs more than a
# minute before its first case and after its last (decision 57).
if [ "$flavour" = debug ] && [ -n "${groupcases[nohw]:-}" ] && [ -n "${groupcases[checkers]:-}" ]; then
	groupcases[checkers]="${groupcases[nohw]}${groupcases[checkers]}"
	bootsel[checkers]="nohw,checkers"
	unset 'groupcases[nohw]'
	mapfile -t groups < <(printf '%s\n' "${groups[@]}" | grep -vx nohw)
fi
if [ ${#groups[@]} -eq 0 ]; then
	echo "run-tests: no test case selected for $backend${DENALI_TESTS:+ (DENALI_TESTS=$DENALI_TESTS)}" >&2
	report_fail "run-tests selection" "no test case selected"
	echo "$npass passed, $nfail failed"
	exit 1
fi
# the long boots first (main, faults, net, scale, smp: the order of their
# lengths on the debug kernel), then the others in name order, so that
# boots side by side end together
mapfile -t groups < <(printf '%s\n' "${groups[@]}" | sort |
	awk 'BEGIN{split("main faults net scale smp", long, " "); for(i in long) rank[long[i]]=i}
	     ($0 in rank){seen[rank[$0]]=$0; next} {a[n++]=$0}
	     END{for(i=1;i<=5;i++) if(i in seen) print seen[i]; for(i=0;i<n;i++) print a[i]}')

# --- results -------------------------------------------------------------
# KTAP block -> one test per KUnit case.
kunit_block() { # FILE INDEX
	local ktap=$1 idx=$2 json=$1.json out=$1.out rc
	local kunitpy=$kdir/tools/testing/kunit/kunit.py
	if [ ! -f "$kunitpy" ]; then
		report_fail "kunit block $idx" "no $kunitpy"
		return
	fi
	rm -f "$json"
	python3 "$kunitpy" parse --json="$json" "$ktap" > "$out" 2>&1
	rc=$?
	sed 's/^/    /' "$out"
	if [ ! -s "$json" ]; then
		report_fail "kunit block $idx" "kunit.py parse failed (exit status $rc)"
		return
	fi
	local line st name ncase=0 nbad=0
	while IFS=$'\t' read -r st name; do
		case "$st" in
		PASS) report_pass "kunit $name" ;;
		SKIP) report_pass "kunit $name"; echo "    (skipped)" ;;
		ERR) report_fail "kunit block $idx" "$name"; nbad=$((nbad + 1)); continue ;;
		*) report_fail "kunit $name" "KUnit status $st"; nbad=$((nbad + 1)) ;;
		esac
		ncase=$((ncase + 1))
	done < <(python3 - "$json" <<-'EOF'
	import json, sys
	try:
	    top = json.load(open(sys.argv[1]))
	except Exception as e:
	    print("ERR\tunreadable kunit.py JSON: %s" % e)
	    sys.exit(0)
	def worst(g):
	    st = [c["status"] for c in g.get("test_cases", [])]
	    st += [worst(s) for s in g.get("sub_groups", [])]
	    for s in ("ERROR", "FAIL"):
	        if s in st:
	            return s
	    if st and all(s == "SKIP" for s in st):
	        return "SKIP"
	    return "PASS" if st else "FAIL"
	n = 0
	def suite(g, prefix):
	    global n
	    for c in g.get("test_cases", []):
	        print("%s\t%s.%s" % (c["status"], prefix, c["name"] or "<unnamed>")); n += 1
	    for s in g.get("sub_groups", []):
	        # a parameterised case: one test, the worst of its parameters
	        print("%s\t%s.%s" % (worst(s), prefix, s["name"])); n += 1
	for s in top.get("sub_groups", []):
	    suite(s, s["name"])
	for c in top.get("test_cases", []):
	    print("%s\t%s" % (c["status"], c["name"] or "<unnamed>")); n += 1
	if n == 0:
	    print("ERR\tthe KTAP holds no test")
	EOF
	)
	if [ "$rc" -ne 0 ] && [ "$nbad" -eq 0 ]; then
		report_fail "kunit block $idx" "kunit.py parse reports a failure (exit status $rc) that no case shows"
	fi
}

collect() { # GROUP CONSOLE RESULTS
	local group=$1 log=$2 res=$3
	local clean=$work/$group.verdicts
	# The results channel carries nothing but verdicts and KTAP; the
	# console is the fallback (a verdict may follow kernel text there).
	if grep -qa 'DENALI-RUNNER-START' "$res" 2>/dev/null; then
		tr -d '\r' < "$res" > "$clean"
	else
		[ -s "$log" ] && echo "note: no results channel for boot $group; reading the console"
		tr -d '\r' < "$log" | sed -n 's/^.*\(DENALI-\(TEST\|KTAP\|RUNNER\|SUITE\)\)/\1/p; /DENALI-KTAP-BEGIN/,/DENALI-KTAP-END/{/DENALI-/!p}' > "$clean"
	fi
	local line rest inktap=0 nblock=0 ktap=
	while IFS= read -r line; do
		if [ "$inktap" = 1 ]; then
			case "$line" in
			DENALI-KTAP-END)
				inktap=0
				kunit_block "$ktap" "$group.$nblock"
				continue
				;;
			DENALI-*)
				# The case died inside the block; this line is not KTAP.
				inktap=0
				report_fail "kunit block $group.$nblock" "KTAP output cut off (no DENALI-KTAP-END)"
				;;
			*)
				printf '%s\n' "$line" >> "$ktap"
				continue
				;;
			esac
		fi
		case "$line" in
		"DENALI-TEST PASS "*)
			report_pass "${line#DENALI-TEST PASS }"
			;;
		"DENALI-TEST FAIL "*)
			rest=${line#DENALI-TEST FAIL }
			if [[ $rest == *": "* ]]; then
				report_fail "${rest%%: *}" "${rest#*: }"
			else
				report_fail "$rest" "failed"
			fi
			;;
		DENALI-KTAP-BEGIN*)
			nblock=$((nblock + 1))
			inktap=1
			ktap=$work/$group.ktap.$nblock
			: > "$ktap"
			;;
		esac
	done < "$clean"
	if [ "$inktap" = 1 ]; then
		report_fail "kunit block $group.$nblock" "KTAP output cut off (no DENALI-KTAP-END)"
	fi
}

# Kernel reports on a boot's console (see the header).
reports() { # GROUP CONSOLE
	local group=$1 log=$2 kind name first state nrep=0
	[ -s "$log" ] || return 0
	local found=$work/$group.reports
	python3 "$top/scripts/kreports.py" "$log" > "$found" || {
		report_fail "kernel reports of boot $group" "kreports.py failed"
		return
	}
	while IFS=$'\t' read -r kind name first state; do
		case "$kind" in
		REPORT)
			nrep=$((nrep + 1))
			report_fail "kernel report in $name" "$first (${state:-})"
			;;
		EXPECT)
			# name: the case, first: the checker, state: seen or missing
			if [ "$state" = seen ]; then
				report_pass "harness catches a deliberate $first report"
			else
				report_fail "harness catches a deliberate $first report" "no $first report between the case's markers"
			fi
			;;
		'|'*) echo "    $kind${name:+	$name}${first:+	$first}" ;;
		esac
	done < <(python3 - "$found" <<-'EOF'
	import sys
	for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
	    line = line.rstrip('\n')
	    if line.startswith('REPORT\t'):
	        _, case, kind, first = (line.split('\t', 3) + ['', '', ''])[:4]
	        print('REPORT\t%s\t%s\t%s' % (case, first, kind))
	    elif line.startswith('EXPECT\t'):
	        print(line)
	    elif line.startswith('KNOWN\t'):
	        print('|note: known emulator warning while booting, not counted: ' + line.split('\t', 3)[3])
	    else:
	        print(line.replace('\t', ' '))
	EOF
	)
	[ "$nrep" -eq 0 ] && report_pass "no kernel report in boot $group"
}

boot_failed() { # GROUP CONSOLE WHY
	report_fail "boot $1" "$3"
	echo "--- last 60 lines of $2 ---"
	tr -d '\r' < "$2" | tail -n 60
	echo "--- end of $2 ---"
}

# --- boots ----------------------------------------------------------------
cmdline_for() { # GROUP LOGLEVEL
	local c="console=ttyS0,115200 panic=-1 loglevel=$2 denali.mode=test denali.backend=$backend denali.boot=${bootsel[$1]:-$1} denali.flavour=$flavour"
	# every KASAN report, not only the first
	[ "$flavour" = debug ] && c+=" kasan_multi_shot"
	local extra
	extra=$(vm_kernel_args "$kdir")
	[ -n "$extra" ] && c+=" $extra"
	[ -n "${DENALI_TESTS:-}" ] && c+=" denali.tests=$DENALI_TESTS"
	local kv
	for kv in ${DENALI_VM_ENV:-}; do c+=" denali.env.$kv"; done
	echo "$c"
}

# Ctrl-C or a kill of this script takes the emulators (own sessions) along:
# each boot runs in a subshell that kills its emulator when told to end.
on_signal() {
	local j
	for j in $(jobs -p); do kill -TERM "$j" 2>/dev/null; done
	wait
	echo "run-tests: interrupted" >&2
	exit 130
}
trap on_signal INT TERM HUP

# boot_one GROUP: boots the test VM for GROUP and waits for it; writes
# "STATUS SECS USER-SECS" to $work/GROUP.status. Its own work directory,
# so that boots can run side by side.
boot_one() {
	local group=$1 gwork=$work/$1 log=$logs/$lname-$1.log res=$logs/$lname-$1.results
	local cpu cpus iso
	VM_PID=
	VM_BOCHS_PIDFILE=
	trap '[ -n "$VM_BOCHS_PIDFILE" ] && vm_bochs_kill "${VM_PID:-0}" "$VM_BOCHS_PIDFILE"
	      [ -n "$VM_PID" ] && vm_killpg "$VM_PID"; exit 130' INT TERM HUP
	mkdir -p "$gwork"
	rm -f "$work/$group.status"
	echo "# boot $group on $backend: ${groupcases[$group]% }"
	if [ "$backend" = svm ]; then
		vm_pick_accel svm "$kernel" "$initrd" "$gwork"
		cpu=$(vm_qemu_cpu "$group" "$VM_ACCEL")
		if [ -z "$cpu" ]; then
			echo "unknown 0" > "$work/$group.status"
			return
		fi
		echo "# qemu -accel $VM_ACCEL -cpu $cpu"
		# thousands of VMs need room (the scale group)
		[ "$group" = scale ] && local DENALI_QEMU_MEM=${DENALI_QEMU_SCALE_MEM:-4G}
		# QEMU's multi-threaded TCG now and then runs virtual CPU 0's
		# host code through a guest's nested tables right after #VMEXIT
		# (Documentation/testing.rst, "An emulator flaw at scale");
		# 90-scale keeps the workers off CPU 0. DENALI_QEMU_SCALE_TCG_OPTS
		# (thread=single) runs the scale boot on one host thread instead.
		[ "$group" = scale ] && local DENALI_QEMU_TCG_OPTS=${DENALI_QEMU_SCALE_TCG_OPTS:-${DENALI_QEMU_TCG_OPTS:-}}
		[ -n "${DENALI_QEMU_TCG_OPTS:-}" ] && echo "# tcg: $DENALI_QEMU_TCG_OPTS"
		vm_qemu_start "$cpu" "$VM_ACCEL" "$kernel" "$initrd" "$(cmdline_for "$group" 7)" "$log" "$res"
		local boot_timeout=$qemu_timeout
		[ "$group" = scale ] && [ "$boot_timeout" -lt 3600 ] && boot_timeout=3600
		vm_watch "$VM_PID" "$log" "$res" "${DENALI_QEMU_TIMEOUT:-$boot_timeout}" 10 vm_killpg "$VM_PID"
		if [ -s "$log.qemu" ]; then sed 's/^/qemu: /' "$log.qemu"; fi
	else
		iso=$gwork/boot.iso
		# Bochs charges a serial character its 87 us at 115200 baud of
		# guest time, which the kernel's console spends polling: about
		# 3 ms of host time a character. Only warnings and worse (every
		# report the harness looks for) go to its console; the tests
		# read the rest with dmesg.
		if ! vm_make_iso "$kernel" "$initrd" "$(cmdline_for "$group" 5)" "$gwork" "$iso"; then
			echo "noiso 0" > "$work/$group.status"
			return
		fi
		# The smp group needs a second CPU (to take one offline); it costs speed.
		cpus=1
		[ "$group" = smp ] && cpus=2
		echo "# bochs corei7_skylake_x, $cpus CPU(s), ${DENALI_BOCHS_MEGS:-512} MiB (two to three minutes to boot)"
		DENALI_BOCHS_CPUS=$cpus vm_bochs_start "$iso" "$log" "$res" "$gwork"
		vm_watch "$VM_PID" "$log" "$res" "${DENALI_BOCHS_TIMEOUT:-2700}" 60 vm_bochs_kill "$VM_PID" "$VM_BOCHS_PIDFILE"
		cp "$gwork/bochs.log" "$logs/$lname-$group.bochs.log" 2>/dev/null
		if [ "$VM_STATUS" != done ] && [ -s "$gwork/bochs.log" ]; then
			echo "--- last lines of the Bochs log ---"
			grep -aE 'PANIC|ERROR|panic|error' "$gwork/bochs.log" | tail -n 10
		fi
	fi
	echo "$VM_STATUS $VM_SECS ${VM_CPU_SECS:-0} ${VM_USER_SECS:-}" > "$work/$group.status"
}

# collect_one GROUP: the verdicts of a boot that ended.
collect_one() {
	local group=$1 log=$logs/$lname-$1.log res=$logs/$lname-$1.results
	local status=exited secs=0 cpu=0 user=
	[ -f "$work/$group.status" ] && read -r status secs cpu user < "$work/$group.status"
	case "$status" in
	unknown) report_fail "boot $group" "unknown boot group '$group' (known: main faults smp net volume nohw nonpt checkers scale)"; return ;;
	noiso) report_fail "boot $group" "cannot build the boot ISO"; return ;;
	esac
	echo "# boot $group on $backend: $status after $secs s${user:+ (/init started after $user s)}, the emulator used ${cpu:-0} s of CPU"
	# host seconds per case, from vm_watch's stamps
	[ -s "$log.times" ] && awk '$2 == "RUN" { t[$3] = $1 } $2 == "END" && ($3 in t) { printf "%s%s %d s", sep, $3, $1 - t[$3]; sep = ", " } END { if (sep) print "" }' "$log.times" | sed "s/^/# case times on $backend (host clock): /"
	collect "$group" "$log" "$res"
	reports "$group" "$log"
	case "$status" in
	done) ;;
	panic) boot_failed "$group" "$log" "kernel panic" ;;
	timeout) boot_failed "$group" "$log" "hard timeout; the VM was killed" ;;
	*) boot_failed "$group" "$log" "the VM stopped without DENALI-SUITE-DONE" ;;
	esac
}

# Bochs is single-threaded: its boots run side by side, as many at once as
# there are CPUs (DENALI_PARALLEL_BOOTS overrides; 1: one after the
# other). A QEMU boot keeps both CPUs busy by itself (a thread per vCPU),
# so its boots run one after the other unless DENALI_PARALLEL_BOOTS says
# otherwise. Output is printed in group order once all have ended.
if [ "$backend" = vmx ]; then
	par=${DENALI_PARALLEL_BOOTS:-$(nproc)}
else
	par=${DENALI_PARALLEL_BOOTS:-1}
fi
if [ "$par" -gt 1 ] && [ ${#groups[@]} -gt 1 ]; then
	for group in "${groups[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do wait -n; done
		echo "# starting boot $group on $backend (up to $par at once)"
		boot_one "$group" > "$work/$group.out" 2>&1 &
	done
	wait
	for group in "${groups[@]}"; do
		cat "$work/$group.out"
		collect_one "$group"
	done
else
	for group in "${groups[@]}"; do
		boot_one "$group"
		collect_one "$group"
	done
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
