#!/bin/sh
# The guest fuzzer (ilwaco/apps/hostile/bad-fuzz.c): guests that run
# random instruction bytes under their own IDT, random hypercalls, random
# registers-page scribbles and random TLB operations, one seed each, in
# batches beside a steady neighbour that must finish unharmed. Every
# fuzzed guest ends halted, killed with a reason (not invalid_state or
# unknown_exit: those would be the module's gaps), or still runs
# harmlessly at the deadline and is stopped. The harness fails the boot
# on any kernel report. Seeds: GUESTFUZZ_SEEDS (count, 300), from
# GUESTFUZZ_FIRST (1); longer: make fuzz FUZZ=guest SECONDS=N.
# denali-backends: svm
# denali-timeout: 3000
. /tests/vm/lib.sh

case "$BACKEND" in
vmx) SEEDS=${GUESTFUZZ_SEEDS:-30} BATCH=10 ITERS=2000 ;;
*) SEEDS=${GUESTFUZZ_SEEDS:-300} BATCH=20 ITERS=20000 ;;
esac
FIRST=${GUESTFUZZ_FIRST:-1}
dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

reasons=$CASE_TMP/reasons
: > "$reasons"
bad=0 nbad=0 first=$FIRST
end=$((FIRST + SEEDS))
if [ -n "${FUZZ_SECONDS:-}" ]; then
	deadline=$(( $(date +%s) + FUZZ_SECONDS ))
	end=999999999
fi
# fuzz_states: "NAME STATE REASON" for every fuzzed VM, from one list.
fuzz_states() {
	denalictl list -j | sed 's/"id":/\n/g' | awk '{
		n = ""; st = ""; r = ""
		if (match($0, /"name":"fz[0-9]+"/)) n = substr($0, RSTART + 8, RLENGTH - 9)
		if (match($0, /"state":"[a-z]+"/)) st = substr($0, RSTART + 9, RLENGTH - 10)
		if (match($0, /"crash_reason":"[a-z_0-9]*"/)) r = substr($0, RSTART + 16, RLENGTH - 17)
		if (n != "") print n, st, r }'
}
fuzz_ended() { ! fuzz_states | grep -q ' running'; }
# A batch of seeds: created, started, stopped and destroyed through
# denalictl batches (a process per VM would cost more than the guests).
while [ "$first" -lt "$end" ]; do
	[ -n "${deadline:-}" ] && [ "$(date +%s)" -ge "$deadline" ] && break
	last=$((first + BATCH))
	[ $last -gt $end ] && last=$end
	denalictl create nb --image /guests/steady.elf >/dev/null
	: > "$CASE_TMP/create"
	: > "$CASE_TMP/start"
	: > "$CASE_TMP/stop"
	: > "$CASE_TMP/destroy"
	s=$first
	while [ $s -lt $last ]; do
		echo "create fz$s --mem 4M --image /guests/bad-fuzz.elf --tlb 16 --cmdline 'seed=$s iters=$ITERS'" >> "$CASE_TMP/create"
		echo "start fz$s" >> "$CASE_TMP/start"
		echo "stop fz$s" >> "$CASE_TMP/stop"
		echo "destroy fz$s" >> "$CASE_TMP/destroy"
		s=$((s + 1))
	done
	denalictl -b "$CASE_TMP/create" >/dev/null || bad=$((bad + 1))
	denalictl start nb >/dev/null
	denalictl -b "$CASE_TMP/start" >/dev/null || bad=$((bad + 1))
	# Those still running at the deadline are stopped (a refused stop:
	# it ended meanwhile).
	wait_for 60 fuzz_ended || denalictl --force -b "$CASE_TMP/stop" >/dev/null 2>&1
	fuzz_states > "$CASE_TMP/states"
	n=0
	while read -r name st r; do
		n=$((n + 1))
		case "$st" in
		crashed)
			echo "$r" >> "$reasons"
			case "$r" in
			invalid_state | unknown_exit | "")
				bad=$((bad + 1))
				echo "guestfuzz: seed ${name#fz}: $(denalictl show "$name" -j | cut -c1-300)"
				;;
			esac
			;;
		halted) echo halted >> "$reasons" ;;
		stopped) echo "still running, stopped" >> "$reasons" ;;
		*)
			bad=$((bad + 1))
			echo "guestfuzz: seed ${name#fz}: $(denalictl show "$name" -j | cut -c1-300)"
			;;
		esac
	done < "$CASE_TMP/states"
	if [ $n -ne $((last - first)) ]; then
		bad=$((bad + 1))
		echo "guestfuzz: seeds $first-$((last - 1)): $n of $((last - first)) VMs listed"
	fi
	denalictl -b "$CASE_TMP/destroy" >/dev/null || bad=$((bad + 1))
	wait_for 120 vm_ended nb || denalictl stop nb >/dev/null
	case "$(denalictl show nb -j)" in
	*'"state":"halted"'*'"exit_code":0,'*) ;;
	*) nbad=$((nbad + 1)); echo "guestfuzz: the neighbour of seeds $first-$((last - 1)): $(denalictl show nb -j | cut -c1-200)" ;;
	esac
	denalictl destroy nb >/dev/null
	first=$last
done
echo "guestfuzz: seeds $FIRST to $((first - 1)), how they ended:"
sort "$reasons" | uniq -c | sed 's/^/  /'
check_output "every fuzzed guest ended with a reason or ran on harmlessly" '^0$' echo $bad
check_output "every neighbour finished unharmed" '^0$' echo $nbad
check_output "no VM left" '^\[\]$' denalictl list -j
check_output "no resident page left" '"resident_pages":0' denalictl stats -j
check "unload after the fuzzer" unload_denali
check_kernel_log "guestfuzz kernel log clean" since-mark
