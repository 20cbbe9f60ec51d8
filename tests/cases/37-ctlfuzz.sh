#!/bin/sh
# The control-plane fuzzer (tests/fuzz/ctlfuzz.c): valid, boundary and
# mutated requests of every operation of the "denali" family, nested
# junk and interrupted dumps, then random ioctls with random arguments on
# /dev/denali and VM descriptors, from fixed seeds (reproducible: the
# failing seed is printed). Every message must be answered; afterwards no
# VM is left, the module unloads, and the kernel reported nothing. The
# debug kernel under TCG answers about 250 requests a second: the check
# sends 25,000 (one seed); make fuzz FUZZ=ctl SECONDS=N sends more.
# Longer: make fuzz FUZZ=ctl SECONDS=N (FUZZ_SECONDS, from seed 1000 on).
# denali-backends: svm
# denali-timeout: 3000
. /tests/vm/lib.sh

MESSAGES=${FUZZ_MESSAGES:-25000}
IOCTLS=${FUZZ_IOCTLS:-10000}
SEEDS=${FUZZ_SEEDS:-1}
dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }
ip link add brz type bridge && ip link set brz up

run_seed() { # SEED
	local out
	out=$(ctlfuzz -s "$1" -n "$MESSAGES" -i "$IOCTLS" 2>&1)
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
	pass "ctlfuzz: $total messages answered, ioctls survived"
else
	fail "ctlfuzz: $total messages answered, ioctls survived" "unanswered messages with seeds$bad"
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
