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

# Hostile guests per neighbour: one by one in QEMU; in Bochs, which is slow,
# a few at once beside one neighbour.
case "$BACKEND" in
vmx) BATCH=6 ;;
*) BATCH=1 ;;
esac

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
	check "create the neighbour of $names" denalictl create $nb --image /guests/steady.elf
	for p; do
		g=${p%%:*}
		check "$g create" denalictl create "$g" --image "/guests/$g.elf"
	done
	check "start the neighbour of $names" denalictl start $nb
	for p; do
		g=${p%%:*}
		check "$g start" denalictl start "$g"
	done
	for p; do
		g=${p%%:*} want=${p#*:}
		if ! wait_for 60 vm_ended "$g"; then
			fail "$g crashes with $want" "still $(vm_field "$g" state) after 60 s"
			denalictl stop "$g"
			continue
		fi
		con=$CASE_TMP/$g.console
		timeout 30 denalictl console "$g" > "$con" 2>&1
		echo "  $g: $(denalictl show "$g" | sed -n 's/^state: *//p')"
		sed 's/^/  | /' "$con"
		check_output "$g crashes with $want" \
			"\"state\":\"crashed\".*\"crash_reason\":\"$want\"" denalictl show "$g" -j
		check_output "$g crash rip is set" '"crash_rip":[1-9][0-9]*[,}]' denalictl show "$g" -j
		check_output "$g got as far as its attack" "^$g: about to " cat "$con"
		check "$g did not survive its attack" sh -c "! grep -q 'survived' $con"
	done
	if ! wait_for 120 vm_ended $nb; then
		denalictl stop $nb
	fi
	con=$CASE_TMP/steady.console
	timeout 30 denalictl console $nb > "$con" 2>&1
	for p; do
		g=${p%%:*}
		check_output "$g neighbour halts with 0" '"state":"halted".*"exit_code":0[,}]' \
			denalictl show $nb -j
		check_output "$g neighbour printed steady done" '^steady done$' cat "$con"
	done
	check "destroy the neighbour of $names" denalictl destroy $nb
	for p; do
		g=${p%%:*}
		check "$g destroy" denalictl destroy "$g"
	done
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
