#!/bin/bash
# Boots the test VM in demo mode and streams its console: /init runs
# /tests/vm/demo.sh, which ends by printing DENALI-DEMO-OK when everything it
# showed worked. svm (default): QEMU with AMD-V and nested paging, seconds;
# vmx: Bochs with VT-x and EPT, about 11 minutes.
#
#   scripts/demo.sh KDIR O [svm|vmx [SCRIPT]]
#
# SCRIPT: another script of the image to run instead of the demo, such as a
# benchmark (/bench/NAME.sh); it prints DENALI-DEMO-OK when it succeeded.
#
# Exit status 0 only if the console shows DENALI-DEMO-OK. Hard timeout:
# DENALI_DEMO_TIMEOUT (default 600 s). Console log: O/logs/demo.log.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/vm-lib.sh"

[ $# -ge 2 ] && [ $# -le 4 ] || { echo "usage: $0 KDIR O [svm|vmx [SCRIPT]]" >&2; exit 2; }
kdir=$1
o=$(cd "$2" && pwd) || exit 2
backend=${3:-svm}
script=${4:-/tests/vm/demo.sh}
kernel=$(vm_kernel_image "$kdir")
initrd=${DENALI_INITRAMFS:-$o/initramfs.cpio.gz}
[ -f "$kernel" ] || { echo "demo: no kernel $kernel" >&2; exit 2; }
[ -f "$initrd" ] || { echo "demo: no initramfs $initrd (make initramfs)" >&2; exit 2; }
work=$o/vm-demo
mkdir -p "$o/logs" "$work"
log=$o/logs/demo.log
res=$work/demo.results

cmdline="console=ttyS0,115200 panic=-1 quiet loglevel=4 denali.mode=demo denali.backend=$backend denali.script=$script $(vm_kernel_args "$kdir")"
if [ "$backend" = vmx ]; then
	echo "demo: booting the test VM (Bochs, VT-x with EPT: two to three minutes to boot); console follows" >&2
	vm_make_iso "$kernel" "$initrd" "$cmdline" "$work" "$work/boot.iso" || exit 1
	vm_bochs_start "$work/boot.iso" "$log" "$res" "$work"
	kill_vm() { vm_bochs_kill "$VM_PID" "$VM_BOCHS_PIDFILE"; }
	timeout=${DENALI_DEMO_TIMEOUT:-1200}
else
	vm_pick_accel svm "$kernel" "$initrd" "$work"
	cpu=$(vm_qemu_cpu main "$VM_ACCEL")
	echo "demo: booting the test VM (QEMU, -accel $VM_ACCEL -cpu $cpu); console follows" >&2
	vm_qemu_start "$cpu" "$VM_ACCEL" "$kernel" "$initrd" "$cmdline" "$log" "$res"
	kill_vm() { vm_killpg "$VM_PID"; }
	timeout=${DENALI_DEMO_TIMEOUT:-600}
fi
qpid=$VM_PID
# Stream the console; drop the firmware's screen clearing and the CRs.
# tail ends by itself once the emulator is gone.
tail -n +1 -F --pid="$qpid" "$log" 2>/dev/null |
	sed -u -e 's/\x1bc/\n/g; s/\x1b\[2J//g; s/\x1b\[?7l//g; s/\r$//' &
streampid=$!
trap 'kill_vm; exit 130' INT TERM
vm_watch "$qpid" "$log" "$res" "$timeout" 10 kill_vm
wait "$streampid" 2>/dev/null
trap - INT TERM
[ -s "$log.qemu" ] && sed 's/^/qemu: /' "$log.qemu" >&2

if grep -qa 'DENALI-DEMO-OK' "$log"; then
	echo "demo: DENALI-DEMO-OK ($VM_SECS s)" >&2
	[ "$backend" = svm ] &&
		echo "demo: the same on VT-x (Bochs emulating VMX with EPT, about 11 minutes): make demo-vmx" >&2
	exit 0
fi
case "$VM_STATUS" in
panic) why="the kernel panicked" ;;
timeout) why="hard timeout after $VM_SECS s" ;;
*) why="the VM stopped without DENALI-DEMO-OK" ;;
esac
echo "demo: FAILED: $why (console log: $log)" >&2
exit 1
