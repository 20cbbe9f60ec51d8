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

# One guest that computes without end: the scheduler moves its thread (and
# so its VMCS/VMCB) between the CPUs; whichever CPU goes offline may hold it.
# One CPU stays free for this script.
denalictl create spin1 --mem 2M --image /guests/spin.elf
check "start a spinning guest" denalictl start spin1
for round in 1 2; do
	check "round $round cpu1 offline" sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online'
	check_output "round $round guest still running" '^running$' state spin1
	check "round $round cpu1 online" sh -c 'echo 1 > /sys/devices/system/cpu/cpu1/online'
	# time for the guest's thread to move (on Bochs a second of guest
	# time with a guest spinning costs minutes: a fifth of one there)
	if [ "$BACKEND" = vmx ]; then sleep 0.2; else sleep 1; fi
	check_output "round $round guest running on both CPUs" '^running$' state spin1
done
check "stop the spinning guest" denalictl stop spin1
check_output "it is stopped" '^stopped$' state spin1
# A guest started after the hotplug runs to its end.
check_output "a new guest runs and halts with 0" "Hello from a Denali guest" denalictl run /guests/hello.elf
denalictl create spin2 --mem 2M --image /guests/spin.elf
denalictl start spin2
check "unload with a guest still spinning" unload_denali
check "cpu1 offline without the module" sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online && echo 1 > /sys/devices/system/cpu/cpu1/online'
check_kernel_log "kernel log clean"
