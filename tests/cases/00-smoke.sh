#!/bin/sh
# Smoke test of the test VM itself: the tools the other cases rely on
# (busybox, the real iproute2), the CPU's virtualization extension, debugfs,
# and loading and unloading another hypervisor (KVM) by plain insmod.
. /tests/vm/lib.sh

check "smoke ip link" ip link show lo
check_output "smoke lo is up" "<LOOPBACK,UP" ip link show lo
check_output "smoke real iproute2" "iproute2" ip -V

# A bridge with one end of a veth pair in it, as the VM NICs will be used.
check "smoke bridge add" ip link add dnsmk0 type bridge
check "smoke veth add" ip link add dnsmk1 type veth peer name dnsmk2
check "smoke veth master" ip link set dnsmk1 master dnsmk0
ip link set dnsmk0 up
ip link set dnsmk1 up
check_output "smoke bridge link" "dnsmk1.*master dnsmk0" bridge link show
check_output "smoke bridge fdb" "dnsmk1" bridge fdb show br dnsmk0
check "smoke bridge del" ip link del dnsmk0
check "smoke veth del" ip link del dnsmk1

check_output "smoke debugfs" ' /sys/kernel/debug debugfs ' cat /proc/mounts
# KUnit is in the debug test kernel (Debian's, the plain flavour, has none)
[ "${DENALI_FLAVOUR:-plain}" = debug ] && check "smoke kunit debugfs" test -d /sys/kernel/debug/kunit
check "smoke tmpfs" sh -c 'echo x > /tmp/smoke && rm /tmp/smoke'

case "$BACKEND" in
svm) vendor=kvm-amd ;;
vmx) vendor=kvm-intel ;;
*) vendor= ;;
esac
if [ -z "$vendor" ]; then
	fail "smoke backend" "unknown backend '$BACKEND'"
	exit 0
fi

check_output "smoke cpu has $BACKEND" "^flags.* $BACKEND( |\$)" cat /proc/cpuinfo

# Another hypervisor: kvm.ko (and irqbypass.ko, its dependency) first, then
# the vendor module; it takes the extension, then gives it back.
insmod_kvm() {
	if [ -f "$KVM_MOD_DIR/irqbypass.ko" ] && ! module_loaded irqbypass; then
		insmod "$KVM_MOD_DIR/irqbypass.ko" || return
	fi
	insmod "$KVM_MOD_DIR/kvm.ko"
}
dmesg_mark
if check "smoke insmod kvm" insmod_kvm; then
	if check "smoke insmod $vendor" insmod "$KVM_MOD_DIR/$vendor.ko"; then
		check "smoke /dev/kvm" test -c /dev/kvm
		if [ "$BACKEND" = svm ]; then
			check_output "smoke kvm-amd nested paging" "Nested Paging enabled" dmesg_since_mark
		fi
		check "smoke rmmod $vendor" rmmod "$(echo "$vendor" | tr - _)"
	fi
	check "smoke rmmod kvm" rmmod kvm
	module_loaded irqbypass && rmmod irqbypass
fi
check_kernel_log "smoke kernel log clean"
