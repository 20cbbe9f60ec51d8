#!/bin/bash
# An interactive shell in the QEMU test VM, for debugging by hand.
#
#   scripts/vm-shell.sh KDIR O [main|nohw|nonpt]
#
# The serial console is this terminal (Ctrl-A X quits QEMU); the helpers of
# /tests/vm/lib.sh are loaded (load_denali, load_kvm, check ...). Run the
# suite by hand with "sh /tests/vm/runner.sh" (DENALI_TESTS=GLOB to select).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/vm-lib.sh"

[ $# -ge 2 ] || { echo "usage: $0 KDIR O [main|nohw|nonpt]" >&2; exit 2; }
kdir=$1
o=$(cd "$2" && pwd) || exit 2
group=${3:-main}
kernel=$(vm_kernel_image "$kdir")
initrd=${DENALI_INITRAMFS:-$o/initramfs.cpio.gz}
[ -f "$initrd" ] || { echo "vm-shell: no initramfs $initrd (make initramfs)" >&2; exit 2; }
mkdir -p "$o/vm-shell"
vm_pick_accel svm "$kernel" "$initrd" "$o/vm-shell"
cpu=$(vm_qemu_cpu "$group" "$VM_ACCEL")
[ -n "$cpu" ] || { echo "vm-shell: unknown boot group $group" >&2; exit 2; }
exec qemu-system-x86_64 -accel "$VM_ACCEL" -M q35 -cpu "$cpu" -smp 2 -m "${DENALI_QEMU_MEM:-1G}" \
	-nographic -no-reboot -serial mon:stdio -serial null \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0,115200 panic=-1 loglevel=7 denali.mode=shell denali.backend=svm denali.boot=$group $(vm_kernel_args "$kdir")"
