#!/bin/sh
# The control-plane fuzzer (tests/fuzz/ctlfuzz.c): valid, boundary and
# mutated requests of every operation of the "denali" family, nested
# junk and interrupted dumps, then random ioctls with random arguments on
# /dev/denali and VM descriptors, from fixed seeds (reproducible: the
# failing seed is printed). Every message must be answered; afterwards no
# VM is left, the module unloads, and the kernel reported nothing.
# On the debug kernel under TCG a message costs about 1.5 ms even when the
# policy refuses it, and 2.5 ms in the full mix, where every request may
# create or destroy VMs and NICs: the check sends 25,000 here, with the
# checkers watching, and 39-ctlfuzz-volume sends 1,000,000 on the plain
# kernel (about 40 times cheaper a message).
# Longer: make fuzz FUZZ=ctl SECONDS=N (FUZZ_SECONDS, from seed 1000 on).
# denali-backends: svm
# denali-timeout: 3000
. /tests/vm/lib.sh

MESSAGES=${FUZZ_MESSAGES:-25000}
IOCTLS=${FUZZ_IOCTLS:-100000}
# The percentage of requests that may create, start, stop or destroy (-l).
LIFE=${FUZZ_LIFE:-100}
SEEDS=${FUZZ_SEEDS:-1}
dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }
ip link add brz type bridge && ip link set brz up

run_seed() { # SEED
	local out
	out=$(ctlfuzz -s "$1" -n "$MESSAGES" -i "$IOCTLS" -l "$LIFE" 2>&1)
	echo "$out" | tail -n 5
	echo "$out" | grep -q "^ctlfuzz: seed $1 messages $MESSAGES answered $MESSAGES "
}
total=0 bad=
if [ -n "${FUZZ_SECONDS:-}" ]; then
	end=$(( $(date +%s) + FUZZ_SECONDS ))
	seed=1000
	while [ "$(date +%s)" -lt $end ]; do
		run_seed $seed || bad="$bad $seed"
		total=$((total + MESSAGES))
		seed=$((seed + 1))
	done
else
	for seed in $SEEDS; do
		run_seed $seed || bad="$bad $seed"
		total=$((total + MESSAGES))
	done
fi
if [ -z "$bad" ]; then
	pass "ctlfuzz: $total messages answered ($LIFE% may create or destroy), ioctls survived"
else
	fail "ctlfuzz: $total messages answered ($LIFE% may create or destroy), ioctls survived" "unanswered messages with seeds$bad"
fi
# Mutated names can create VMs outside the fuzzer's pool: they go too.
left=$(denalictl list -j | tr ',' '\n' | sed -n 's/.*"name":"\([^"]*\)".*/\1/p')
echo "ctlfuzz: VMs left by mutated requests: $(echo $left)"
for n in $left; do denalictl destroy "$n" || fail "destroy $n after the fuzzer" "refused"; done
check_output "no VM left after the fuzzer" '^\[\]$' denalictl list -j
check_output "no fuzzer NIC left" '^0$' sh -c 'ip -o link | grep -c "fzn"'
check "unload after the fuzzer" unload_denali
ip link del brz
check_kernel_log "ctlfuzz kernel log clean" since-mark
