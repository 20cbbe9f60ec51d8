#!/bin/sh
# The module loads and unloads cleanly, repeatedly, with and without VMs, and
# refuses to share the extension with another hypervisor (KVM).
# denali-timeout: 300
. /tests/vm/lib.sh

dmesg_mark
check "module loads" load_denali
check_output "module names the $BACKEND backend" "denali: loaded \($BACKEND backend" dmesg_since_mark
check_output "/dev/denali is a 0600 character device" "^crw------- " ls -l /dev/denali
check_output "stats report the $BACKEND backend" "\"backend\": ?\"$BACKEND\"" denalictl stats -j
check "module unloads" unload_denali
check "/dev/denali is gone after unload" test ! -e /dev/denali

# Load, use, unload, again: three rounds, each leaving VMs behind at unload.
round=1
while [ $round -le 3 ]; do
	check "round $round load" load_denali
	check "round $round create two VMs" sh -c 'denalictl create r1 --mem 4M && denalictl create r2 --mem 4M --image /guests/hello.elf'
	check "round $round both listed" sh -c 'denalictl list | grep -qw r1 && denalictl list | grep -qw r2'
	check_output "round $round image is resident" '"resident_pages": ?[1-9]' denalictl show r2 -j
	check "round $round unload with VMs alive" unload_denali
	round=$((round + 1))
done
check "load after the rounds" load_denali
check_output "no VM survives an unload" '^\[\]$|^\[ *\]$' denalictl list -j
check_output "no page survives an unload" '"resident_pages": ?0[,} ]' denalictl stats -j
check "unload" unload_denali

# An open VM descriptor pins the module; closing it lets the unload proceed.
load_denali
denalictl create pinned --mem 4M
id=$(denalictl show pinned -j | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
rm -f "$CASE_TMP/go"
vmfd "$id" pwrite 0x100000 16 waitfile "$CASE_TMP/go" pwrite 0x100000 16 > "$CASE_TMP/vmfd.out" 2>&1 &
pid=$!
sleep 1
check_fails "unload refused while a VM descriptor is open" any rmmod denali
touch "$CASE_TMP/go"
wait $pid
check_output "descriptor worked until closed" "^pwrite 0x100000 16: ok 16" cat "$CASE_TMP/vmfd.out"
check "unload once the descriptor is closed" unload_denali

# Another hypervisor owns the extension: one clear line, a failed insmod, no crash.
if load_kvm; then
	dmesg_mark
	check_fails "refused while KVM owns $BACKEND" any load_denali
	check_output "one clear dmesg line about KVM" "denali: .*already in use by another hypervisor" dmesg_since_mark
	check "denali is not loaded" sh -c '! grep -q "^denali " /proc/modules'
	unload_kvm
	check "loads once KVM is gone" load_denali
	check "unload" unload_denali
else
	fail "KVM loads for the ownership test" "could not insmod kvm"
fi

check_kernel_log "kernel log clean"
