#!/bin/sh
# Hostile guests: each bad-* guest attempts one thing the Denali ISA forbids
# and must end crashed with the expected reason, beside a well-behaved
# neighbour (steady) that must finish unharmed; the host log stays clean.
# denali-timeout: 1200
. /tests/vm/lib.sh

# guest:expected crash reason (the same on VT-x and AMD-V). XSETBV with
# CR4.OSXSAVE clear, as the entry state has it, raises #UD before any VM
# exit (SDM: #UD has priority over VM exits; APM: instruction intercepts are
# checked after #UD), and with no IDT that is a triple fault.
EXPECTED="bad-io:io bad-msr:msr bad-wrmsr:msr bad-cpuid:cpuid bad-invd:invd
bad-wbinvd:invd bad-xsetbv:triple_fault bad-virt:virt_insn bad-triple:triple_fault
bad-memory:memory bad-hltcli:hlt_if0 bad-bigwrite:bad_argument
bad-wrap:bad_argument bad-hypercall:bad_hypercall bad-hypercall0:bad_hypercall
bad-ptwrite:triple_fault bad-cr3:cr_access bad-cr0:cr_access bad-dr:dr_access
bad-rdpmc:priv_insn bad-jump:triple_fault bad-jumpmem:memory
bad-consoleread:bad_argument bad-irqnoidt:triple_fault bad-netsend:bad_argument
bad-tlbload:triple_fault"

# Hostile guests per neighbour: a few at once beside one neighbour, which
# must finish whatever they do. Each denalictl costs a fork and an exec
# (about 0.24 s on the debug kernel under TCG), so each VM is shown once
# and its verdicts are read from that.
BATCH=6

dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

total_resident() {
	denalictl stats -j | sed -n 's/.*"resident_pages": *\([0-9]*\).*/\1/p'
}

# Every hostile guest in the image has an expectation, and the other way round.
# bad-idlecli does not crash: it sleeps with interrupts off (65-sched);
# bad-disk needs a disk and ends halted (80-disk); bad-tlbflood survives
# its storm of TLB loads and ends halted (85-vmmu); bad-fuzz ends in any
# of many ways, one per seed (38-guestfuzz).
for f in /guests/bad-*.elf; do
	g=$(basename "$f" .elf)
	case "$g" in bad-idlecli | bad-disk | bad-tlbflood | bad-fuzz) continue ;; esac
	case " $(echo $EXPECTED) " in
	*" $g:"*) ;;
	*) fail "$g has an expected crash reason" "not in this test's table" ;;
	esac
done
for p in $EXPECTED; do
	g=${p%%:*}
	[ -f "/guests/$g.elf" ] || fail "$g is in the image" "no /guests/$g.elf"
done

# batch PAIRS...: a steady neighbour and these hostile guests, started
# together; verdicts for each hostile guest and, per hostile guest, for the
# neighbour.
batch() {
	local p g want nb=steady con names=
	for p; do names="$names ${p%%:*}"; done
	names=${names# }
	# created and started with one denalictl, a verdict per line
	{
		echo "create the neighbour of $names|create $nb --image /guests/steady.elf"
		for p; do echo "${p%%:*} create|create ${p%%:*} --image /guests/${p%%:*}.elf"; done
		echo "start the neighbour of $names|start $nb"
		for p; do echo "${p%%:*} start|start ${p%%:*}"; done
	} > "$CASE_TMP/up"
	batch_check "$CASE_TMP/up"
	for p; do
		g=${p%%:*} want=${p#*:}
		if ! wait_for 60 vm_ended "$g"; then
			fail "$g crashes with $want" "still $(vm_field "$g" state) after 60 s"
			denalictl stop "$g"
			continue
		fi
		con=$CASE_TMP/$g.console
		timeout 30 denalictl console "$g" > "$con" 2>&1
		denalictl show "$g" -j > "$CASE_TMP/$g.json" 2>&1
		sed 's/^/  | /' "$con"
		expect_in "$g crashes with $want" \
			"\"state\":\"crashed\".*\"crash_reason\":\"$want\"" "$CASE_TMP/$g.json"
		expect_in "$g crash rip is set" '"crash_rip":[1-9][0-9]*[,}]' "$CASE_TMP/$g.json"
		expect_in "$g got as far as its attack" "^$g: about to " "$con"
		if grep -q 'survived' "$con"; then
			fail "$g did not survive its attack" "its console says it survived"
		else
			pass "$g did not survive its attack"
		fi
	done
	if ! wait_for 120 vm_ended $nb; then
		denalictl stop $nb
	fi
	con=$CASE_TMP/steady.console
	timeout 30 denalictl console $nb > "$con" 2>&1
	denalictl show $nb -j > "$CASE_TMP/$nb.json" 2>&1
	for p; do
		g=${p%%:*}
		expect_in "$g neighbour halts with 0" '"state":"halted".*"exit_code":0[,}]' "$CASE_TMP/$nb.json"
		expect_in "$g neighbour printed steady done" '^steady done$' "$con"
	done
	{
		echo "destroy the neighbour of $names|destroy $nb"
		for p; do echo "${p%%:*} destroy|destroy ${p%%:*}"; done
	} > "$CASE_TMP/down"
	batch_check "$CASE_TMP/down"
}

set -- $EXPECTED
while [ $# -gt 0 ]; do
	group=
	i=0
	while [ $i -lt $BATCH ] && [ $# -gt 0 ]; do
		group="$group $1"
		shift
		i=$((i + 1))
	done
	batch $group
done

check_output "no VM left" '^\[\]$' denalictl list -j
check_output "no page left" '^0$' total_resident
check "unload after the hostile guests" unload_denali
check_kernel_log "hostile kernel log clean" since-mark
