#!/bin/sh
# Guest memory: allocated on demand through the VM descriptor, accounted, freed.
# denali-timeout: 300
. /tests/vm/lib.sh

load_denali || { fail "load" "insmod failed"; exit 0; }
vm_id() { denalictl show "$1" -j | sed -n 's/.*"id": *\([0-9]*\).*/\1/p'; }
resident() { denalictl show "$1" -j | sed -n 's/.*"resident_pages": *\([0-9]*\).*/\1/p'; }
total() { denalictl stats -j | sed -n 's/.*"resident_pages": *\([0-9]*\).*/\1/p'; }

denalictl create m1 --mem 8M
id=$(vm_id m1)
check "write one byte" vmfd "$id" pwrite 0x100000 1
check_output "one page resident" '^1$' resident m1
check "write across a page boundary" vmfd "$id" pwrite 0x101ff0 32
check_output "three pages resident" '^3$' resident m1
check "write 1 MiB" vmfd "$id" pwrite 0x200000 1048576
check_output "259 pages resident" '^259$' resident m1
check "read it back" vmfd "$id" pread 0x200000 1048576
check "reading untouched memory is zero" vmfd "$id" preadz 0x500000 65536
check_output "reading allocates nothing" '^259$' resident m1
check "write the last byte" vmfd "$id" pwrite 0x7fffff 1
check_output "module total matches" '^260$' total

# A descriptor outliving its VM: every access fails with ENODEV, nothing leaks.
rm -f "$CASE_TMP/go"
vmfd "$id" pread 0x100000 1 waitfile "$CASE_TMP/go" pread 0x100000 1 pwrite 0x100000 1 > "$CASE_TMP/out" 2>&1 &
pid=$!
sleep 1
check "destroy while a descriptor is open" denalictl destroy m1
touch "$CASE_TMP/go"
wait $pid
check_output "read before destroy worked" "^pread 0x100000 1: ok 1" cat "$CASE_TMP/out"
check_output "read after destroy gets ENODEV" "^pread 0x100000 1: ENODEV" cat "$CASE_TMP/out"
check_output "write after destroy gets ENODEV" "^pwrite 0x100000 1: ENODEV" cat "$CASE_TMP/out"
check_output "pages freed on destroy" '^0$' total

# 100 VMs, each with memory touched, then all destroyed: back to zero.
i=0
while [ $i -lt 100 ]; do
	denalictl create "v$i" --mem 2M --image /guests/hello.elf || break
	i=$((i + 1))
done
if [ $i -eq 100 ]; then pass "100 VMs with an image each"; else fail "100 VMs with an image each" "stopped at $i"; fi
per=$(resident v0)
check_output "total is 100 times one VM's pages" "^$((per * 100))\$" total
i=0
while [ $i -lt 100 ]; do denalictl destroy "v$i" || break; i=$((i + 1)); done
check_output "all pages back after destroying 100 VMs" '^0$' total

# Two writers racing on the same fresh page agree on one page.
denalictl create race --mem 4M
id=$(vm_id race)
vmfd "$id" pwrite 0x180000 4096 > /dev/null & vmfd "$id" pwrite 0x180000 4096 > /dev/null & wait
check_output "racing first touches allocate one page" '^1$' resident race
check "race content intact" vmfd "$id" pread 0x180000 4096
denalictl destroy race
check_kernel_log "kernel log clean"
unload_denali
