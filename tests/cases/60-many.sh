#!/bin/sh
# Many guests: hello VMs created, run and destroyed one after another, then
# a group running at once; nothing leaks (resident pages back to 0).
# denali-timeout: 1200
. /tests/vm/lib.sh

# Bochs (VT-x) runs about 100 times slower than QEMU: fewer rounds there.
case "$BACKEND" in
vmx) SEQ=30 PAR=8 ;;
*) SEQ=100 PAR=20 ;;
esac

dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

total_resident() {
	denalictl stats -j | sed -n 's/.*"resident_pages": *\([0-9]*\).*/\1/p'
}

# One after another: each "run" creates, loads, starts, reads and
# destroys; all in one denalictl (a batch), which stops at the first run
# that fails.
out=$CASE_TMP/run.out
timeout $((SEQ * 12)) denalictl -b "$(each_vm seq $SEQ "run --name" /guests/hello.elf)" > "$out" 2>&1
rc=$?
hellos=$(grep -c '^Hello from a Denali guest' "$out")
if [ $rc -eq 0 ] && [ "$hellos" -eq $SEQ ]; then
	pass "$SEQ hello VMs run in sequence"
else
	fail "$SEQ hello VMs run in sequence" "exit status $rc, $hellos said hello: $(grep -v '^Hello from' "$out" | head -c 200 | tr '\n' ' ')"
fi
check_output "no VM left after the sequence" '^\[\]$' denalictl list -j
check_output "resident pages back to 0 after the sequence" '^0$' total_resident

# At once: all created, all started, all halted with 0, all destroyed.
check "$PAR hello VMs created" denalictl -b "$(each_vm par $PAR create --mem 2M --image /guests/hello.elf)"
check "$PAR hello VMs started" denalictl -b "$(each_vm par $PAR start)"
i=0 bad=0 why=
while [ $i -lt $PAR ]; do
	wait_for 60 vm_ended "par$i"
	j=$(denalictl show "par$i" -j)
	case "$j" in
	*'"state":"halted"'*'"exit_code":0,'*) ;;
	*)
		bad=$((bad + 1))
		[ -n "$why" ] || why="par$i: $j"
		;;
	esac
	i=$((i + 1))
done
[ $bad -eq 0 ] && pass "$PAR hello VMs at once all halt with 0" ||
	fail "$PAR hello VMs at once all halt with 0" "$bad did not, first $(echo "$why" | cut -c1-200)"
check_output "the 2 MiB guests saw 2 MiB" '^Hello from a Denali guest \(ABI [0-9]*, 2 MiB\)$' \
	timeout 30 denalictl console par0
check "$PAR hello VMs destroyed" denalictl -b "$(each_vm par $PAR destroy)"
check_output "no VM left at the end" '^\[\]$' denalictl list -j
check_output "resident pages back to 0 at the end" '^0$' total_resident

check "unload after many guests" unload_denali
check_kernel_log "many kernel log clean" since-mark
