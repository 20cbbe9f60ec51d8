#!/bin/sh
# The virtual MMU (software-loaded TLB): Ilwaco's vmtest (its page map on the
# TLB, refills in its page-fault handler, W^X, loads and flushes by hand,
# off and on again) with the default and a small TLB, the VM's TLB counters,
# guard pages below thread stacks, the hostile bad-tlbload and bad-tlbflood
# (the latter beside a neighbour), and the TLB sizes create refuses.
# denali-timeout: 1500
. /tests/vm/lib.sh

# Bochs (VT-x) is about 40 times slower than QEMU in emulated time, and
# every exit costs it much host time: smaller walks and floods there. The
# window needs more pages than the TLB holds for every walk to miss.
case "$BACKEND" in
vmx) WALK="pages=600 rounds=2" SMALL="pages=100 rounds=2" FLOOD=20000 ;;
*) WALK="rounds=3" SMALL="rounds=4" FLOOD=200000 ;;
esac
SMALL_TLB=32
FLOOD_TLB=64
D=$CASE_TMP

# Reading a console takes what it holds: keep it all in $D/NAME.con.
console_of() {
	denalictl console "$1" --no-input </dev/null 2>/dev/null >> "$D/$1.con"
	cat "$D/$1.con"
}
halted_with() { # NAME CODE
	[ "$(vm_field "$1" state)" = halted ] && [ "$(vm_field "$1" exit_code)" = "$2" ]
}
# run_guest NAME SECONDS CREATE-ARGS...: create, start, wait for the end, show the console.
run_guest() {
	local name=$1 secs=$2
	shift 2
	rm -f "$D/$name.con"
	check "$name create" denalictl create "$name" "$@" || return 1
	check "$name start" denalictl start "$name" || return 1
	if ! wait_for "$secs" vm_ended "$name"; then
		fail "$name ends" "still $(vm_field "$name" state) after $secs s"
		denalictl stop "$name"
	fi
	console_of "$name" > /dev/null
	echo "  $name: $(denalictl show "$name" | sed -n 's/^state: *//p')"
	sed 's/^/  | /' "$D/$name.con"
}
# vmtest_verdicts NAME: vmtest's own verdict, its FAIL lines named.
vmtest_verdicts() {
	local name=$1
	check "$name halts with 0" halted_with "$name" 0
	check_output "$name passes" '^vmtest: pass$' cat "$D/$name.con"
	if grep -q '^vmtest: FAIL' "$D/$name.con"; then
		fail "$name has no failed check" "$(grep '^vmtest: FAIL' "$D/$name.con" | head -n 3)"
	else
		pass "$name has no failed check"
	fi
}
# counters NAME: the TLB counters against what vmtest reported.
counters() {
	local name=$1 size=$2 refills loads pages
	denalictl show "$name" -j | tr ',' '\n' | grep -E '"(tlb_|vmmu)' | sed 's/^/  | /'
	refills=$(sed -n 's/^vmtest: refills \([0-9]*\) in all$/\1/p' "$D/$name.con")
	loads=$(vm_num "$name" tlb_loads)
	pages=$(vm_num "$name" tlb_pages)
	expect_eq "$name tlb_size is $size" "$(vm_num "$name" tlb_size)" "$size"
	expect_ge "$name made refills" "$refills" 1
	expect_ge "$name tlb_loads >= refills" "$loads" "${refills:-1}"
	expect_ge "$name one TLB_LOAD exit per load" "$(vm_hypercalls "$name" tlb_load 12)" "${loads:-1}"
	expect_ge "$name tlb_evictions > 0" "$(vm_num "$name" tlb_evictions)" 1
	expect_ge "$name tlb_flushes > 0" "$(vm_num "$name" tlb_flushes)" 1
	expect_ge "$name tlb_refused counts the refusals" "$(vm_num "$name" tlb_refused)" 10
	expect_ge "$name tlb_entries <= tlb_size" "$size" "$(vm_num "$name" tlb_entries)"
	expect_ge "$name tlb_pages <= tlb_size + 6" "$((size + 6))" "${pages:-99999}"
}

dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }
workers_off_cpu0

# --- vmtest on the default TLB (512 entries) --------------------------------------
run_guest vt 900 --image /guests/vmtest.elf --mem 32M --cmdline "$WALK"
vmtest_verdicts vt
check_output "vt ran with 512 entries" '^vmtest: tlb_size 512 ' cat "$D/vt.con"
counters vt 512
check_output "vt's MMU is on at its end" '"vmmu":(true|1)' denalictl show vt -j
check "destroy vt" denalictl destroy vt

# --- vmtest on a small TLB: evictions of its own code and stack too -----------------
run_guest vs 900 --image /guests/vmtest.elf --mem 16M --tlb $SMALL_TLB --cmdline "$SMALL"
vmtest_verdicts vs
check_output "vs ran with $SMALL_TLB entries" "^vmtest: tlb_size $SMALL_TLB " cat "$D/vs.con"
counters vs $SMALL_TLB
check "destroy vs" denalictl destroy vs

# --- Guard pages: a thread's, and the boot stack's ------------------------------------
for t in 1 0; do
	run_guest "guard$t" 600 --image /guests/vmtest.elf --cmdline "mode=guard thread=$t"
	check "guard$t halts with 255" halted_with "guard$t" 255
	check_output "guard$t: stack overflow in thread $t" \
		"^ilwaco: stack overflow in thread $t \\(guard page at 0x[0-9a-f]+\\)$" cat "$D/guard$t.con"
	check "destroy guard$t" denalictl destroy "guard$t"
done

# --- bad-tlbload: every refusal as documented, then an empty address space -----------
run_guest badload 120 --image /guests/bad-tlbload.elf
check_output "bad-tlbload crashes with triple_fault" \
	'"state":"crashed".*"crash_reason":"triple_fault"' denalictl show badload -j
check_output "bad-tlbload's refusals are as documented" \
	'^bad-tlbload: [0-9]+ refused as documented, 0 wrong$' cat "$D/badload.con"
check_output "bad-tlbload got as far as its attack" '^bad-tlbload: about to ' cat "$D/badload.con"
check "bad-tlbload did not survive" sh -c "! grep -q survived $D/badload.con"
expect_ge "bad-tlbload's refusals are counted" "$(vm_num badload tlb_refused)" 20
check "destroy bad-tlbload" denalictl destroy badload

# --- bad-tlbflood beside a neighbour ----------------------------------------------------
rm -f "$D/flood.con" "$D/nb.con"
check "create the neighbour" denalictl create nb --image /guests/steady.elf
check "create bad-tlbflood" denalictl create flood --image /guests/bad-tlbflood.elf \
	--tlb $FLOOD_TLB --cmdline "n=$FLOOD"
check "start the neighbour" denalictl start nb
check "start bad-tlbflood" denalictl start flood
# The table pages while it floods: the most seen (for 600 s at most).
most=0
i=0
while [ "$(vm_field flood state)" = running ] && [ $i -lt 3000 ]; do
	p=$(vm_num flood tlb_pages)
	[ -n "$p" ] && [ "$p" -gt "$most" ] && most=$p
	sleep 0.2
	i=$((i + 1))
done
p=$(vm_num flood tlb_pages)
[ -n "$p" ] && [ "$p" -gt "$most" ] && most=$p
console_of flood | sed 's/^/  | /'
check "bad-tlbflood halts with 0" halted_with flood 0
check_output "the flood ran with the MMU on" '^bad-tlbflood: pinned [0-9]+ pages, vmmu on: 0$' cat "$D/flood.con"
check_output "every flood load got the result it should" \
	"^bad-tlbflood: flood: $FLOOD loads, [0-9]+ ok, [0-9]+ refused as expected, 0 unexpected$" \
	cat "$D/flood.con"
check_output "tlb_size - 1 global entries fit, then ENOSPC" \
	"^bad-tlbflood: globals: $((FLOOD_TLB - 1)) loaded, then -28$" cat "$D/flood.con"
check_output "a TLB of globals still takes loads" \
	'^bad-tlbflood: 1000 loads into a TLB of globals: 1000 ok$' cat "$D/flood.con"
check_output "bad-tlbflood got to its end" '^bad-tlbflood: done$' cat "$D/flood.con"
expect_ge "its table pages stayed <= tlb_size + 6 (most seen: $most)" $((FLOOD_TLB + 6)) "$most"
expect_ge "the flood built level-1 tables (most pages seen: $most)" "$most" 8
expect_ge "its evictions are counted" "$(vm_num flood tlb_evictions)" 1000
wait_for 300 vm_ended nb
console_of nb | tail -n 2 | sed 's/^/  | /'
check "the neighbour halts with 0" halted_with nb 0
check_output "the neighbour printed steady done" '^steady done$' cat "$D/nb.con"
check "destroy bad-tlbflood" denalictl destroy flood
check "destroy the neighbour" denalictl destroy nb

# --- TLB sizes ---------------------------------------------------------------------------
for n in 0 15 2049 5000; do
	check_fails "create --tlb $n is refused" 1 denalictl create t$n --image /guests/hello.elf --tlb $n
	check_fails "and leaves no VM t$n" 1 denalictl show t$n
done
for n in 16 2048; do
	check "create --tlb $n" denalictl create t$n --image /guests/hello.elf --tlb $n
	expect_eq "t$n tlb_size" "$(vm_num t$n tlb_size)" $n
	check "destroy t$n" denalictl destroy t$n
done

check_output "no VM left" '^\[\]$' denalictl list -j
check "unload after the vmmu tests" unload_denali
check_kernel_log "vmmu kernel log clean" since-mark
