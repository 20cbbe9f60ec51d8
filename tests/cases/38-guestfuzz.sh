#!/bin/sh
# The guest fuzzer (ilwaco/apps/hostile/bad-fuzz.c): guests that run
# random instruction bytes under their own IDT, random hypercalls, random
# registers-page scribbles and random TLB operations, one seed each, in
# batches beside a steady neighbour that must finish unharmed. Every
# fuzzed guest ends halted, killed with a reason (not invalid_state or
# unknown_exit: those would be the module's gaps), or still runs
# harmlessly at the deadline and is stopped. The harness fails the boot
# on any kernel report. Seeds: GUESTFUZZ_SEEDS (count), from
# GUESTFUZZ_FIRST (1); longer: make fuzz FUZZ=guest SECONDS=N.
# denali-backends: svm
# denali-timeout: 3000
. /tests/vm/lib.sh

case "$BACKEND" in
vmx) SEEDS=${GUESTFUZZ_SEEDS:-30} BATCH=10 ITERS=2000 ;;
*) SEEDS=${GUESTFUZZ_SEEDS:-100} BATCH=20 ITERS=20000 ;;
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
while [ "$first" -lt "$end" ]; do
	[ -n "${deadline:-}" ] && [ "$(date +%s)" -ge "$deadline" ] && break
	last=$((first + BATCH))
	[ $last -gt $end ] && last=$end
	denalictl create nb --image /guests/steady.elf >/dev/null
	s=$first
	while [ $s -lt $last ]; do
		denalictl create "fz$s" --mem 4M --image /guests/bad-fuzz.elf --tlb 16 \
			--cmdline "seed=$s iters=$ITERS" >/dev/null
		s=$((s + 1))
	done
	denalictl start nb >/dev/null
	s=$first
	while [ $s -lt $last ]; do
		denalictl start "fz$s" >/dev/null
		s=$((s + 1))
	done
	s=$first
	while [ $s -lt $last ]; do
		wait_for 60 vm_ended "fz$s" || denalictl stop "fz$s" >/dev/null
		j=$(denalictl show "fz$s" -j)
		case "$j" in
		*'"state":"crashed"'*)
			r=$(echo "$j" | sed -n 's/.*"crash_reason":"\([a-z_0-9]*\)".*/\1/p')
			echo "$r" >> "$reasons"
			case "$r" in
			invalid_state | unknown_exit | "")
				bad=$((bad + 1))
				echo "guestfuzz: seed $s: $(echo "$j" | cut -c1-300)"
				;;
			esac
			;;
		*'"state":"halted"'*) echo halted >> "$reasons" ;;
		*'"state":"stopped"'*) echo "still running, stopped" >> "$reasons" ;;
		*)
			bad=$((bad + 1))
			echo "guestfuzz: seed $s: $(echo "$j" | cut -c1-300)"
			;;
		esac
		denalictl destroy "fz$s" >/dev/null
		s=$((s + 1))
	done
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
