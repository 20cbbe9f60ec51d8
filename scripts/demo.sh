#!/bin/bash
# Boots the QEMU test VM (AMD-V, nested paging) in demo mode and streams its
# console: /init runs /tests/vm/demo.sh, which ends by printing
# DENALI-DEMO-OK when everything it showed worked.
#
#   scripts/demo.sh KDIR O
#
# Exit status 0 only if the console shows DENALI-DEMO-OK. Hard timeout:
# DENALI_DEMO_TIMEOUT (default 600 s). Console log: O/logs/demo.log.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/vm-lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 KDIR O" >&2; exit 2; }
kdir=$1
o=$(cd "$2" && pwd) || exit 2
kernel=$kdir/arch/x86/boot/bzImage
initrd=${DENALI_INITRAMFS:-$o/initramfs.cpio.gz}
[ -f "$kernel" ] || { echo "demo: no kernel $kernel" >&2; exit 2; }
[ -f "$initrd" ] || { echo "demo: no initramfs $initrd (make initramfs)" >&2; exit 2; }
work=$o/vm-demo
mkdir -p "$o/logs" "$work"
log=$o/logs/demo.log
res=$work/demo.results

vm_pick_accel svm "$kernel" "$initrd" "$work"
cpu=$(vm_qemu_cpu main "$VM_ACCEL")
echo "demo: booting the test VM (QEMU, -accel $VM_ACCEL -cpu $cpu); console follows" >&2
vm_qemu_start "$cpu" "$VM_ACCEL" "$kernel" "$initrd" \
	"console=ttyS0,115200 panic=-1 quiet loglevel=4 denali.mode=demo denali.backend=svm" "$log" "$res"
qpid=$VM_PID
# Stream the console; drop the firmware's screen clearing and the CRs.
# tail ends by itself once QEMU is gone.
tail -n +1 -F --pid="$qpid" "$log" 2>/dev/null |
	sed -u -e 's/\x1bc/\n/g; s/\x1b\[2J//g; s/\x1b\[?7l//g; s/\r$//' &
streampid=$!
trap 'vm_killpg "$qpid"; exit 130' INT TERM
vm_watch "$qpid" "$log" "$res" "${DENALI_DEMO_TIMEOUT:-600}" 10 vm_killpg "$qpid"
wait "$streampid" 2>/dev/null
trap - INT TERM
[ -s "$log.qemu" ] && sed 's/^/qemu: /' "$log.qemu" >&2

if grep -qa 'DENALI-DEMO-OK' "$log"; then
	echo "demo: DENALI-DEMO-OK ($VM_SECS s)" >&2
	exit 0
fi
case "$VM_STATUS" in
panic) why="the kernel panicked" ;;
timeout) why="hard timeout after $VM_SECS s" ;;
*) why="the VM stopped without DENALI-DEMO-OK" ;;
esac
echo "demo: FAILED: $why (console log: $log)" >&2
exit 1
