#!/bin/sh
# Guests run: denalictl run and its exit status, start, console, stop, the
# refusals that leave a VM as it was, lifecycle events, unload with a guest
# running, and resident pages back to 0.
# denali-timeout: 900
. /tests/vm/lib.sh

load_denali || { fail "load" "insmod failed"; exit 0; }

# field NAME KEY: one member of "show NAME -j", without the quotes of a string.
field() {
	denalictl show "$1" -j | sed -n "s/.*\"$2\":\"*\([^\",}]*\).*/\1/p"
}
state_is() { [ "$(field "$1" state)" = "$2" ]; }
total_resident() {
	denalictl stats -j | sed -n 's/.*"resident_pages": *\([0-9]*\).*/\1/p'
}
# expect_rc NAME WANT RC OUTFILE: a verdict on an exit status already collected.
expect_rc() {
	if [ "$3" -eq "$2" ]; then
		pass "$1"
	else
		tail -n 20 "$4" | sed 's/^/  | /'
		fail "$1" "expected exit status $2, got $3: $(tail -n 2 "$4" | tr '\n' ' ' | cut -c1-200)"
	fi
}

denalictl monitor > "$CASE_TMP/events" 2>&1 &
mon=$!
sleep 1

# --- denalictl run ---------------------------------------------------------
out=$CASE_TMP/run.out
timeout 120 denalictl run /guests/hello.elf > "$out" 2>&1
expect_rc "run hello exits 0" 0 $? "$out"
check_output "run hello prints the greeting" '^Hello from a Denali guest \(ABI [0-9]*, 16 MiB\)$' cat "$out"
check_output "run hello prints nothing else" '^ *1$' sh -c "wc -l < $out"
check_output "run leaves no VM behind" '^\[\]$' denalictl list -j

timeout 120 denalictl run /guests/exitcode.elf > "$out" 2>&1
expect_rc "run exitcode exits 42" 42 $? "$out"

timeout 120 denalictl run --mem 8M --name runner /guests/hello.elf > "$out" 2>&1
expect_rc "run --mem --name exits 0" 0 $? "$out"
check_output "run --mem 8M gives the guest 8 MiB" '\(ABI [0-9]*, 8 MiB\)' cat "$out"
check "run --name destroys its VM" sh -c '! denalictl list | grep -qw runner'

timeout 120 denalictl run --name crash1 /guests/bad-io.elf > "$out" 2>&1
expect_rc "run of a crashing guest exits 125" 125 $? "$out"
check_output "run names the crash" '^denalictl: crash1: crashed: io at rip 0x[0-9a-f]+$' cat "$out"
check "run destroys a crashed VM" sh -c '! denalictl list | grep -qw crash1'

# Stopped by someone else: exit status 124.
timeout 120 denalictl run --name runspin /guests/spin.elf > "$out" 2>&1 &
pid=$!
check "run spin is running" wait_for 30 state_is runspin running
check "stop the VM under run" denalictl stop runspin
wait $pid
expect_rc "run of a stopped guest exits 124" 124 $? "$out"
check_output "run says it was stopped" '^denalictl: runspin: stopped$' cat "$out"
check "run destroys a stopped VM" sh -c '! denalictl list | grep -qw runspin'

# SIGTERM: run stops and destroys the VM, then dies of the signal (128 + 15).
timeout 120 denalictl run --name runterm /guests/spin.elf > "$out" 2>&1 &
pid=$!
check "run spin again is running" wait_for 30 state_is runterm running
kill -TERM $pid
wait $pid
expect_rc "run killed by SIGTERM dies of it" 143 $? "$out"
check "SIGTERM destroys run's VM" sh -c '! denalictl list | grep -qw runterm'

check_fails "run without an image is a usage error" 2 denalictl run
check_fails "run of a missing file fails" 1 denalictl run /guests/nosuch.elf
check_output "run leaves no VM behind at all" '^\[\]$' denalictl list -j

# --- create, start, console ------------------------------------------------
check "create hello" denalictl create h1 --image /guests/hello.elf
check_output "a created VM is in state created" '"state":"created"' denalictl show h1 -j
check "start hello" denalictl start h1
check_output "console -f shows the greeting" '^Hello from a Denali guest' timeout 60 denalictl console -f h1
check "hello halts" wait_for 30 state_is h1 halted
check_output "show -j says halted with exit_code 0" '"state":"halted".*"exit_code":0[,}]' denalictl show h1 -j
check_output "show -j has no crash" '"crash_reason":null,"crash_rip":null' denalictl show h1 -j
check_output "show says halted (code 0)" '^state: +halted \(code 0\)$' denalictl show h1
check_output "list says halted(0)" ' h1 +halted\(0\) ' denalictl list
check "console -f of a halted VM exits 0" timeout 30 denalictl console -f h1
pages=$(field h1 resident_pages)
if [ -n "$pages" ] && [ "$pages" -ge 1 ]; then
	pass "a halted VM keeps its pages ($pages)"
else
	fail "a halted VM keeps its pages" "resident_pages=$pages"
fi

# --- stop ------------------------------------------------------------------
check "create spin" denalictl create spin1 --image /guests/spin.elf
check "start spin" denalictl start spin1
check "spin is running" wait_for 30 state_is spin1 running
check "console without -f returns while the VM runs" \
	wait_for 30 sh -c 'timeout 20 denalictl console spin1 | grep -q "^spin: computing forever"'
check_output "list says running" ' spin1 +running ' denalictl list
check "stop spin" denalictl stop spin1
check_output "a stopped VM is in state stopped" '"state":"stopped"' denalictl show spin1 -j
check_output "show says stopped" '^state: +stopped$' denalictl show spin1
check "console -f of a stopped VM ends" timeout 30 denalictl console -f spin1

# --- refusals: exit status 1, a reason, and the VM as it was ----------------
# refused WHAT VM CMD...: CMD fails with status 1 and show -j of VM is unchanged.
refused() {
	local name="$1" vm="$2" before after
	shift 2
	before=$(denalictl show "$vm" -j)
	check_fails "$name is refused" 1 "$@"
	after=$(denalictl show "$vm" -j)
	if [ "$before" = "$after" ]; then
		pass "$name changes nothing"
	else
		fail "$name changes nothing" "before $before after $after"
	fi
}
check "create a VM without an image" denalictl create noimg
refused "start twice (halted VM)" h1 denalictl start h1
refused "start a stopped VM" spin1 denalictl start spin1
refused "start a VM without an image" noimg denalictl start noimg
check_output "start without an image gives a reason" '^denalictl: noimg: .' denalictl start noimg
refused "stop a created VM" noimg denalictl stop noimg
refused "stop a halted VM" h1 denalictl stop h1
refused "stop a stopped VM" spin1 denalictl stop spin1
check_output "stop of a VM not running gives a reason" '^denalictl: h1: .' denalictl stop h1
check_fails "start a VM that does not exist" 1 denalictl start nosuch
check_fails "stop a VM that does not exist" 1 denalictl stop nosuch
check_fails "start without a name is a usage error" 2 denalictl start
check_fails "console of a VM that does not exist" 1 denalictl console nosuch

# Starting a running VM: refused, and it keeps running.
check "create spin2" denalictl create spin2 --image /guests/spin.elf
check "start spin2" denalictl start spin2
check "spin2 is running" wait_for 30 state_is spin2 running
check_fails "start a running VM is refused" 1 denalictl start spin2
check_output "the running VM still runs" '"state":"running"' denalictl show spin2 -j
check "stop spin2" denalictl stop spin2

# --- destroy everything: no page left --------------------------------------
for vm in h1 spin1 spin2 noimg; do
	check "destroy $vm" denalictl destroy "$vm"
done
check_output "list is empty" '^\[\]$' denalictl list -j
check_output "resident pages back to 0" '^0$' total_resident

sleep 1
kill $mon 2>/dev/null
wait $mon 2>/dev/null
for ev in "started h1 id [0-9]+$" "halted h1 id [0-9]+ code 0$" "started spin1 id [0-9]+$" \
	"stopped spin1 id [0-9]+$" "crashed crash1 id [0-9]+ io rip 0x[0-9a-f]+$" \
	"halted run-[0-9]+ id [0-9]+ code 42$" "stopped runspin id" "stopped runterm id" \
	"destroyed runterm id"; do
	check_output "monitor saw '$ev'" "^$ev" cat "$CASE_TMP/events"
done
check_output "monitor saw h1 start once" '^1$' sh -c "grep -c '^started h1 ' $CASE_TMP/events"

# --- unload while a guest computes -----------------------------------------
check "create spin3" denalictl create spin3 --image /guests/spin.elf
check "start spin3" denalictl start spin3
check "spin3 is running" wait_for 30 state_is spin3 running
check "unload with a guest running" unload_denali
check "the module is gone" sh -c '! grep -q "^denali " /proc/modules'
check "the module loads again" load_denali
check_output "no VM survived the unload" '^\[\]$' denalictl list -j
check_output "no page survived the unload" '^0$' total_resident
check "a guest runs after the reload" timeout 120 denalictl run /guests/hello.elf
unload_denali

check_kernel_log "guests kernel log clean"
