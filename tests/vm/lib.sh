# Shared helpers for the test cases in /tests/cases (busybox sh).
#
# A case does ". /tests/vm/lib.sh" and reports verdicts. Verdict lines:
#   DENALI-TEST PASS <name>
#   DENALI-TEST FAIL <name>: <reason>
# (a name may contain spaces but not ": "; name and reason are one line).
#
#   pass NAME                      report a pass
#   fail NAME REASON...            report a failure
#   check NAME CMD...              pass if CMD exits 0; else fail with its exit
#                                  status and its last output lines
#   check_fails NAME STATUS CMD... pass if CMD exits exactly STATUS ("any" =
#                                  any non-zero status); prints CMD's output
#   check_output NAME PATTERN CMD...  pass if CMD's stdout+stderr matches the
#                                  grep -E PATTERN (exit status ignored)
# Each returns 0 when it reported a pass, 1 when it reported a failure.
# CMD runs in the case's shell (shell functions work) with stdin /dev/null.
#
#   load_denali [PARAMS...]        insmod /lib/modules/denali/denali.ko PARAMS
#   unload_denali                  rmmod denali
#   load_denali_kunit              insmod denali-kunit.ko
#   load_kvm [svm|vmx]             insmod irqbypass, kvm, kvm-amd|kvm-intel
#                                  (default: $BACKEND)
#   unload_kvm                     rmmod whatever of those is loaded
#   module_loaded NAME             true if NAME is in /proc/modules
#   dmesg_mark                     put a mark in the kernel log
#   dmesg_since_mark               kernel log lines after the last mark
#   dmesg_since_boot               kernel log lines since /init started
#   kernel_log_problems [since-mark]  print BUG/WARNING/Oops/... lines logged
#                                  since /init started (or since the last
#                                  dmesg_mark); true if there are none
#   check_kernel_log NAME [since-mark]  pass if kernel_log_problems is clean,
#                                  else fail and show the offending lines
#   wait_for SECONDS CMD...        retry CMD every 0.2 s until it succeeds
#   vm_field NAME KEY              one member of denalictl show NAME -j
#   vm_ended NAME                  true once the VM is halted, crashed or stopped
#   emit LINE...                   print a line on the console and the
#                                  results channel (used for KTAP)
#
#   ip ...                         the real iproute2 ip (see below)
#
# Variables: $BACKEND (svm, vmx or none), $CASE (this case's name),
# $CASE_TMP (an empty per-case directory under /tmp), $DENALI_KO,
# $DENALI_KUNIT_KO, $KVM_MOD_DIR.

# Busybox sh runs its own applets in preference to PATH, and busybox has an
# "ip" applet: this function makes "ip" the real iproute2 in every case (and
# in "check NAME ip ..."). Inside "sh -c '...'" strings, or under busybox
# timeout/env/setsid, write /usr/sbin/ip. ("bridge" is no applet: no issue.)
ip() { /usr/sbin/ip "$@"; }

DENALI_MOD_DIR=/lib/modules/denali
DENALI_KO=$DENALI_MOD_DIR/denali.ko
DENALI_KUNIT_KO=$DENALI_MOD_DIR/denali-kunit.ko
KVM_MOD_DIR=/lib/modules/kvm

if [ -z "${BACKEND:-}" ]; then
	BACKEND=${DENALI_BACKEND:-}
	if [ -z "$BACKEND" ]; then
		if grep -qw svm /proc/cpuinfo; then BACKEND=svm
		elif grep -qw vmx /proc/cpuinfo; then BACKEND=vmx
		else BACKEND=none
		fi
	fi
fi
CASE=${DENALI_CASE:-$(basename "$0" .sh)}
CASE_TMP=${DENALI_CASE_TMP:-/tmp/case-$CASE}
mkdir -p "$CASE_TMP"

# The helpers below run for every check, thousands of times a boot; on the
# debug kernel in an emulator each fork costs a large part of a second, so
# they use the shell's own builtins and fork nothing themselves.
_denali_nl='
'
_denali_tab='	'
_denali_cr=$(printf '\r')

# One line in $_denali_line: newlines, carriage returns and tabs become spaces.
_denali_flat() {
	_denali_line=$*
	_denali_line=${_denali_line//"$_denali_nl"/ }
	_denali_line=${_denali_line//"$_denali_cr"/ }
	_denali_line=${_denali_line//"$_denali_tab"/ }
}

emit() {
	echo "$*"
	if [ -n "${DENALI_CHANNEL_FD:-}" ]; then
		{ echo "$*" >&9; } 2>/dev/null
	fi
}

_denali_verdict() {
	emit "$1"
	if [ -n "${DENALI_VERDICTS:-}" ]; then
		echo "$1" >> "$DENALI_VERDICTS"
	fi
}

pass() {
	_denali_flat "$1"
	_denali_verdict "DENALI-TEST PASS $_denali_line"
	return 0
}

fail() {
	local name reason
	_denali_flat "$1"
	name=$_denali_line
	shift
	reason="$*"
	[ -n "$reason" ] || reason="failed"
	_denali_flat "$reason"
	_denali_verdict "DENALI-TEST FAIL $name: $_denali_line"
	return 1
}

# Prints the last N (30) lines of an output file, indented (builtins only).
_denali_show() {
	[ -s "$1" ] || return 0
	local line total=0 i=0
	while IFS= read -r line || [ -n "$line" ]; do
		total=$((total + 1))
	done <"$1"
	while IFS= read -r line || [ -n "$line" ]; do
		i=$((i + 1))
		[ "$i" -gt $((total - ${2:-30})) ] && printf '  | %s\n' "$line"
	done <"$1"
	return 0
}

# The last three non-empty lines of a file, joined, at most 300 characters.
_denali_last() {
	grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 3 | tr '\n\r\t' '|  ' | sed 's/|$//; s/|/ | /g' | cut -c1-300
}

# Runs CMD... with its output in $_denali_out, sets $_denali_rc. The file
# is named after the shell process (a subshell in the background has its
# own) and the depth of nested checks, and reused: nothing to create or
# remove per check.
_denali_run() {
	local self _ out
	read -r self _ </proc/self/stat
	_denali_depth=$((${_denali_depth:-0} + 1))
	out=$CASE_TMP/out.$self.$_denali_depth
	"$@" </dev/null >"$out" 2>&1
	_denali_rc=$?
	_denali_depth=$((_denali_depth - 1))
	_denali_out=$out
}

check() {
	local name="$1"
	shift
	_denali_run "$@"
	if [ "$_denali_rc" -eq 0 ]; then
		pass "$name"
		return 0
	fi
	echo "  \$ $*"
	_denali_show "$_denali_out"
	local last
	last=$(_denali_last "$_denali_out")
	fail "$name" "exit status $_denali_rc${last:+: $last}"
}

check_fails() {
	local name="$1" want="$2"
	shift 2
	_denali_run "$@"
	echo "  \$ $* (exit status $_denali_rc)"
	_denali_show "$_denali_out" 40
	if [ "$want" = any ] && [ "$_denali_rc" -ne 0 ]; then
		pass "$name"
		return 0
	fi
	if [ "$want" != any ] && [ "$_denali_rc" -eq "$want" ]; then
		pass "$name"
		return 0
	fi
	local last
	last=$(_denali_last "$_denali_out")
	if [ "$want" = any ]; then
		fail "$name" "expected a non-zero exit status, got 0${last:+: $last}"
		return 1
	fi
	fail "$name" "expected exit status $want, got $_denali_rc${last:+: $last}"
}

check_output() {
	local name="$1" pattern="$2"
	shift 2
	_denali_run "$@"
	if grep -qE -- "$pattern" "$_denali_out"; then
		pass "$name"
		return 0
	fi
	echo "  \$ $* (exit status $_denali_rc)"
	_denali_show "$_denali_out"
	local last
	last=$(_denali_last "$_denali_out")
	fail "$name" "output does not match /$pattern/ (exit status $_denali_rc)${last:+: $last}"
}

module_loaded() {
	grep -q "^${1//-/_} " /proc/modules
}

load_denali() {
	if [ ! -f "$DENALI_KO" ]; then
		echo "lib: $DENALI_KO is not in this image"
		return 127
	fi
	insmod "$DENALI_KO" "$@"
}

# QEMU's multi-threaded TCG now and then corrupts virtual CPU 0 (and
# only it) right after #VMEXIT (Documentation/testing.rst, "An emulator
# flaw at scale"): in QEMU, cases that make guests exit very often run
# the module's workers on the last CPU only (a check of its own).
workers_off_cpu0() {
	[ "$BACKEND" = svm ] && [ "$(nproc)" -gt 1 ] || return 0
	workers_to_cpu $(($(nproc) - 1))
	check_output "the workers run on the last CPU only" "^$_denali_nw\$" cat /sys/module/denali/parameters/workers
}

# workers_to_cpu N: every worker of the module to CPU N only; their number
# in $_denali_nw.
workers_to_cpu() {
	local t comm
	_denali_nw=0
	for t in /proc/[0-9]*; do
		read -r comm 2>/dev/null <"$t/comm" || continue
		case "$comm" in
		denali/w*) taskset -p "$(printf '%x' $((1 << $1)))" "${t#/proc/}" >/dev/null 2>&1 &&
			_denali_nw=$((_denali_nw + 1)) ;;
		esac
	done
}

unload_denali() {
	rmmod denali
}

load_denali_kunit() {
	if [ ! -f "$DENALI_KUNIT_KO" ]; then
		echo "lib: $DENALI_KUNIT_KO is not in this image"
		return 127
	fi
	insmod "$DENALI_KUNIT_KO" "$@"
}

load_kvm() {
	local vendor dep=
	case "${1:-$BACKEND}" in
	svm) vendor=kvm-amd dep=ccp ;;
	vmx) vendor=kvm-intel ;;
	*) echo "lib: load_kvm: no vendor module for backend '${1:-$BACKEND}'"; return 2 ;;
	esac
	local m
	# ccp: kvm-amd's dependency in Debian's kernel (the plain flavour)
	for m in irqbypass kvm $dep $vendor; do
		module_loaded "$m" && continue
		[ -f "$KVM_MOD_DIR/$m.ko" ] || { [ "$m" = irqbypass ] || [ "$m" = ccp ] && continue; echo "lib: $KVM_MOD_DIR/$m.ko missing"; return 127; }
		insmod "$KVM_MOD_DIR/$m.ko" || return $?
	done
}

unload_kvm() {
	local m rc=0
	for m in kvm_amd kvm_intel ccp kvm irqbypass; do
		if module_loaded "$m"; then
			rmmod "$m" || rc=$?
		fi
	done
	return $rc
}

_denali_mark=0
dmesg_mark() {
	_denali_mark=$((_denali_mark + 1))
	echo "denali-test: mark $CASE $$ $_denali_mark" > /dev/kmsg
}

dmesg_since_mark() {
	dmesg | sed -n "/denali-test: mark $CASE $$ $_denali_mark\$/,\$p" | sed 1d
}

dmesg_since_boot() {
	dmesg | sed -n '/denali-test: init started$/,$p' | sed 1d
}

DENALI_KERNEL_PROBLEMS='BUG:|WARNING:|Oops|Call Trace|general protection|Kernel panic|kernel BUG|list_(add|del) corruption|refcount_t:|UBSAN|KASAN|soft lockup|hung task|RCU stall|rcu_sched self-detected|sleeping function called from invalid context'

kernel_log_problems() {
	local lines
	if [ "${1:-}" = since-mark ]; then
		lines=$(dmesg_since_mark)
	else
		lines=$(dmesg_since_boot)
	fi
	if echo "$lines" | grep -qE "$DENALI_KERNEL_PROBLEMS"; then
		echo "$lines" | grep -E -A 12 "$DENALI_KERNEL_PROBLEMS" | head -n 80
		return 1
	fi
	return 0
}

check_kernel_log() {
	local name="$1"
	shift
	local out
	if out=$(kernel_log_problems "$@"); then
		pass "$name"
		return 0
	fi
	echo "$out" | sed 's/^/  | /'
	fail "$name" "kernel log: $(echo "$out" | grep -E "$DENALI_KERNEL_PROBLEMS" | head -n 1 | cut -c1-200)"
}

# each_vm PREFIX N CMD [ARGS]: writes a denalictl batch (denalictl -b) of N
# lines "CMD PREFIX<i> ARGS", i from 0, and prints its path; CMD may be
# several words ("run --name"). One denalictl
# for a thousand commands: a fork and an exec cost a large part of a second
# on the debug kernel under emulation.
each_vm() {
	local prefix=$1 n=$2 cmd=$3 i=0 file=$CASE_TMP/batch.$1
	shift 3
	while [ $i -lt "$n" ]; do
		echo "$cmd $prefix$i $*"
		i=$((i + 1))
	done > "$file"
	echo "$file"
}

# expect_in NAME REGEX FILE: a verdict on FILE holding a line that
# matches REGEX (grep -E); a failure shows the file. One fork, where
# check_output with cat takes two.
expect_in() {
	if grep -qE -- "$2" "$3"; then
		pass "$1"
		return 0
	fi
	echo "  \$ cat $3"
	head -n 20 "$3" | cut -c1-300 | sed 's/^/  | /'
	fail "$1" "$(basename "$3") does not match /$2/"
	return 1
}

# batch_check FILE: FILE's lines are "VERDICT NAME|COMMAND"; runs the
# commands with one denalictl -b (--force: on past a failure) and gives
# each line its verdict: a pass, or a failure with what the command said.
batch_check() {
	local cmds=$1.cmds out=$1.out n=0 rc failed name
	cut -d'|' -f2- "$1" > "$cmds"
	denalictl --force -b "$cmds" > "$out" 2>&1
	rc=$?
	failed=$(grep -c ": $cmds:[0-9]*: command failed\$" "$out")
	while IFS= read -r name; do
		n=$((n + 1))
		if grep -qF ": $cmds:$n: command failed" "$out" ||
		   { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
			echo "  \$ denalictl $(sed -n "${n}p" "$cmds") (in a batch, exit status $rc)"
			sed 's/^/  | /' "$out"
			fail "$name" "command failed"
		else
			pass "$name"
		fi
	done <<-EOF
	$(cut -d'|' -f1 "$1")
	EOF
}

# json_member JSON KEY: the last member KEY of the one-line JSON, up to the
# next comma, quote or brace (strings unquoted); nothing if it has none.
# Shell only: on the debug kernel under TCG each process costs a good
# part of a second, and these run in every wait loop.
json_member() {
	local v
	case "$1" in *"\"$2\":"*) ;; *) return 0 ;; esac
	v=${1##*\"$2\":}
	v=${v#\"}
	echo "${v%%[\",\}]*}"
}

# json_num JSON KEY: the last number member KEY of the one-line JSON.
json_num() {
	local v
	case "$1" in *"\"$2\":"*) ;; *) return 0 ;; esac
	v=${1##*\"$2\":}
	v=${v#"${v%%[! ]*}"}
	echo "${v%%[!0-9]*}"
}

# vm_field NAME KEY: one member of "denalictl show NAME -j" (strings unquoted).
vm_field() {
	local j
	j=$(denalictl show "$1" -j 2>/dev/null)
	json_member "$j" "$2"
}

# vm_num NAME KEY: a number of "denalictl show NAME -j" (the last member of that name).
vm_num() {
	local j
	j=$(denalictl show "$1" -j 2>/dev/null)
	json_num "$j" "$2"
}

# vm_hypercalls NAME CALL NUMBER: the VM's count of one hypercall, by name
# (or by number, for a call denalictl has no name for); 0 if none.
vm_hypercalls() {
	local n
	n=$(denalictl show "$1" -j | sed -n 's/.*"hypercalls":{\([^}]*\)}.*/\1/p' | tr ',' '\n' |
		sed -n "s/^\"\\($2\\|$3\\)\": *\\([0-9]*\\)\$/\\2/p" | head -n 1)
	echo "${n:-0}"
}

# vm_ended NAME: true once the VM no longer runs (halted, crashed or stopped).
vm_ended() {
	case "$(vm_field "$1" state)" in
	halted | crashed | stopped) return 0 ;;
	*) return 1 ;;
	esac
}

# expect_ge NAME VALUE MIN: a verdict on VALUE >= MIN (an empty VALUE fails).
expect_ge() {
	if [ -n "$2" ] && [ "$2" -ge "$3" ]; then
		pass "$1"
	else
		fail "$1" "got '${2}', expected at least $3"
	fi
}

# expect_eq NAME VALUE WANT: a verdict on VALUE = WANT.
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got '${2}', expected $3"
	fi
}

wait_for() {
	local secs="$1"
	shift
	local tries=$((secs * 5))
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		tries=$((tries - 1))
		sleep 0.2
	done
	"$@"
}
