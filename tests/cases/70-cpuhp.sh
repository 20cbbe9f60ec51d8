#!/bin/sh
# CPU hotplug: a CPU going offline leaves VMX/SVM cleanly (clearing the VMCS
# of a guest that ran there), comes back, and the running guests carry on.
# denali-boot: smp
# denali-timeout: 300
. /tests/vm/lib.sh

if [ "$(grep -c ^processor /proc/cpuinfo)" -lt 2 ]; then
	fail "two CPUs for the hotplug test" "only one CPU"
	exit 0
fi
load_denali || { fail "load" "insmod failed"; exit 0; }
state() { denalictl show "$1" -j | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }

# Two spinning guests, so both CPUs have run one.
denalictl create spin1 --mem 2M --image /guests/spin.elf
denalictl create spin2 --mem 2M --image /guests/spin.elf
check "start two spinning guests" sh -c 'nlraw 6 name:str:spin1 && nlraw 6 name:str:spin2'
sleep 1
for round in 1 2; do
	check "round $round cpu1 offline" sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online'
	check_output "round $round guests still running" '^running running$' sh -c 'echo $(state spin1) $(state spin2)'
	check "round $round cpu1 online" sh -c 'echo 1 > /sys/devices/system/cpu/cpu1/online'
	sleep 1
	check_output "round $round guests running on both CPUs" '^running running$' sh -c 'echo $(state spin1) $(state spin2)'
done
check "stop a spinning guest" nlraw 7 name:str:spin1
check_output "it is stopped" '^stopped$' state spin1
# A guest started after the hotplug runs to its end.
denalictl create hello --image /guests/hello.elf
nlraw 6 name:str:hello
wait_for 60 sh -c '[ "$(state hello)" = halted ]'
check_output "a new guest halts with 0" '"exit_code":0' denalictl show hello -j
check "unload with a guest still spinning" unload_denali
check "cpu1 offline without the module" sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online && echo 1 > /sys/devices/system/cpu/cpu1/online'
check_kernel_log "kernel log clean"
