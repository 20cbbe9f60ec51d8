#!/bin/sh
# Bad requests are refused with a reason (extack), and leave existing VMs untouched.
# denali-timeout: 240
. /tests/vm/lib.sh

load_denali max_vms=6 max_vm_mem_mb=64 || { fail "load" "insmod failed"; exit 0; }

# A VM that every rejection below must leave alone.
denalictl create keep --mem 4M
keep=$(denalictl show keep -j | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
vmfd "$keep" pwrite 0x100000 10000 >/dev/null
before=$(denalictl show keep -j)

# expect_nl NAME ERRNO PATTERN ARGS...: nlraw must fail with ERRNO and an extack text.
expect_nl() {
	local name="$1" errno="$2" pattern="$3"
	shift 3
	check_output "$name" "^error $errno: .*$pattern" nlraw "$@"
}

long=$(printf 'x%.0s' $(seq 1 32))
hex300=$(printf '61%.0s' $(seq 1 300))

expect_nl "netlink missing NAME" EINVAL "missing VM NAME" new mem:u64:16777216
expect_nl "netlink unknown attribute type" EINVAL "nknown attribute" new name:str:a 200:u32:1
expect_nl "netlink attribute not taken by the op" EINVAL "." new name:str:a state:u32:1
expect_nl "netlink oversized name attribute" EINVAL "." new name:hex:${hex300}00
expect_nl "netlink name not NUL-terminated" EINVAL "." new name:hex:6162
expect_nl "netlink oversized mem attribute" EINVAL "length" new name:str:a mem:zero:16
expect_nl "netlink short mem attribute" EINVAL "length" new name:str:a mem:u32:4096
expect_nl "netlink name too long" EINVAL "longer than 31" new name:str:$long
expect_nl "netlink name with a slash" EINVAL "only contain" new name:str:a/b
expect_nl "netlink name with Latin-1 letters" EINVAL "only contain" new name:hex:77c0c9d800
expect_nl "netlink name with a UTF-8 letter" EINVAL "only contain" new name:hex:636166c3a900
expect_nl "netlink empty name" EINVAL "empty" new name:str:
expect_nl "netlink memory size 0" EINVAL "memory size is 0" new name:str:a mem:u64:0
expect_nl "netlink memory unaligned" EINVAL "multiple of 4 KiB" new name:str:a mem:u64:4194305
expect_nl "netlink memory below minimum" EINVAL "minimum" new name:str:a mem:u64:4096
expect_nl "netlink memory above the limit" EINVAL "above the limit" new name:str:a mem:u64:68719476736
expect_nl "netlink memory 2^64-4096" EINVAL "above the limit" new name:str:a mem:u64:0xfffffffffffff000
expect_nl "netlink entry below 1 MiB" EINVAL "entry point" new name:str:a entry:u64:4096
expect_nl "netlink entry outside memory" EINVAL "entry point outside" new name:str:a mem:u64:4194304 entry:u64:4194304
# Attribute 20 is DENALI_A_VM_CMDLINE: at most 511 bytes, NUL-terminated, printable.
cmd512=$(printf 'c%.0s' $(seq 1 512))
expect_nl "netlink command line of 512 bytes" EINVAL "." new name:str:a 20:str:$cmd512
expect_nl "netlink command line not NUL-terminated" EINVAL "." new name:str:a 20:hex:6162
expect_nl "netlink command line with a tab" EINVAL "printable ASCII" new name:str:a 20:hex:61096200
check_fails "denalictl command line too long exits 2" 2 denalictl create a --cmdline "$cmd512"
# Attribute 56 is DENALI_A_VM_TLB_SIZE: a u32 of 16 to 2048. Out of range is
# the policy's ERANGE ("integer out of range"), a wrong width its EINVAL.
# None of them leaves a VM behind.
for n in 0 15 2049 0xffffffff; do
	expect_nl "netlink TLB size $n" ERANGE "out of range" new name:str:tlb$n 56:u32:$n
	check_fails "netlink TLB size $n leaves no VM" 1 denalictl show tlb$n
done
expect_nl "netlink TLB size as a u16" EINVAL "length" new name:str:tlbw2 56:u16:512
check_fails "netlink TLB size as a u16 leaves no VM" 1 denalictl show tlbw2
expect_nl "netlink TLB size as a u64" EINVAL "length" new name:str:tlbw8 56:u64:512
check_fails "netlink TLB size as a u64 leaves no VM" 1 denalictl show tlbw8
for n in 16 2048; do
	check_output "netlink TLB size $n taken" "^msg cmd=[0-9]+ .* 56=$n( |$)" nlraw new name:str:tlb$n 56:u32:$n
	check "netlink TLB size $n VM destroyed" denalictl destroy tlb$n
done
check_output "denalictl --tlb 5000 gives a reason" "tlbx: --tlb 5000: a TLB holds 16 to 2048 entries" \
	denalictl create tlbx --tlb 5000
check_fails "denalictl --tlb 5000 exits 1" 1 denalictl create tlbx --tlb 5000
check_fails "denalictl --tlb 5000 leaves no VM" 1 denalictl show tlbx
check_fails "denalictl --tlb 15 for run exits 1" 1 denalictl run /guests/hello.elf --name tlbr --tlb 15
check_fails "denalictl --tlb 15 for run leaves no VM" 1 denalictl show tlbr
check_fails "denalictl --tlb not a number exits 2" 2 denalictl create tlbx --tlb 64k
check "denalictl create --tlb 64" denalictl create tlb64 --mem 2M --tlb 64
check_output "show -j has tlb_size 64" '"tlb_size": ?64[,} ]' denalictl show tlb64 -j
check_output "show has the TLB line" '^tlb: +64 entries, vmmu off, 0 loaded, [0-9]+ table pages, 0 loads, 0 flushes, 0 evictions, 0 refused$' \
	denalictl show tlb64
check "denalictl create without --tlb" denalictl create tlbdef --mem 2M
check_output "the default TLB size is 512" '"tlb_size": ?512[,} ]' denalictl show tlbdef -j
check_output "show -j has every TLB member" \
	'"tlb_size":512,"vmmu":false,"tlb_entries":0,"tlb_pages":[0-9]+,"tlb_loads":0,"tlb_flushes":0,"tlb_evictions":0,"tlb_refused":0' \
	denalictl show tlbdef -j
check_output "list -j has both TLB sizes" '"tlb_size":64,.*"tlb_size":512,' denalictl list -j
check "destroy the TLB VMs" sh -c 'denalictl destroy tlb64 && denalictl destroy tlbdef'
expect_nl "netlink name taken" EEXIST "exists" new name:str:keep
expect_nl "netlink get without ID or NAME" EINVAL "missing VM ID or NAME" get
expect_nl "netlink get a VM that does not exist" ENOENT "no such VM" get name:str:nosuch
expect_nl "netlink get ID 0" ERANGE "." get id:u32:0
expect_nl "netlink del an ID that does not exist" ENOENT "no such VM" del id:u32:4000000
expect_nl "netlink ID and NAME disagree" EINVAL "different VMs" del id:u32:$keep name:str:other
expect_nl "netlink unknown command" EOPNOTSUPP "" 99
expect_nl "netlink EVENT is not a request" EOPNOTSUPP "" event

# NICs: every refusal has a reason and leaves no device behind.
denalictl create nicvm --mem 2M
ip link add tbr0 type bridge
expect_nl "nic MAC of 5 bytes" ERANGE "size" nicnew name:str:nicvm mac:hex:0200000000
expect_nl "nic multicast MAC" EINVAL "unicast" nicnew name:str:nicvm mac:hex:010000000001
expect_nl "nic all-zero MAC" EINVAL "unicast" nicnew name:str:nicvm mac:hex:000000000000
expect_nl "nic index 8" ERANGE "." nicnew name:str:nicvm nic:u32:8
expect_nl "nic MTU 67" ERANGE "." nicnew name:str:nicvm mtu:u32:67
expect_nl "nic MTU 1501" ERANGE "." nicnew name:str:nicvm mtu:u32:1501
expect_nl "nic unknown master name" ENODEV "no such master" nicnew name:str:nicvm mastername:str:nosuchbr
expect_nl "nic unknown master ifindex" ENODEV "no such master" nicnew name:str:nicvm master:u32:999999
expect_nl "nic master lo is not a bridge" EOPNOTSUPP "not a bridge" nicnew name:str:nicvm mastername:str:lo
expect_nl "nic master by ifindex and name" EINVAL "not both" nicnew name:str:nicvm master:u32:1 mastername:str:tbr0
expect_nl "nic interface name too long" EINVAL "longer than 15" nicnew name:str:nicvm ifname:str:0123456789abcdef
expect_nl "nic interface name with a slash" EINVAL "invalid interface name" nicnew name:str:nicvm ifname:str:a/b
expect_nl "nic interface name in use" EEXIST "in use" nicnew name:str:nicvm ifname:str:lo
expect_nl "nic for a VM that does not exist" ENOENT "no such VM" nicnew name:str:nosuch
expect_nl "nic without a VM" EINVAL "missing VM ID or NAME" nicnew mtu:u32:1500
expect_nl "nic attribute not taken by the op" EINVAL "." nicnew name:str:nicvm mem:u64:4194304
expect_nl "nic_del of an absent index" ENOENT "no NIC with this index" nicdel name:str:nicvm nic:u32:0
expect_nl "nic_del of an absent name" ENOENT "no NIC with this interface name" nicdel name:str:nicvm ifname:str:dnl99
expect_nl "nic_del without index or name" EINVAL "missing NIC INDEX or IFNAME" nicdel name:str:nicvm
expect_nl "nic_del index 8" ERANGE "." nicdel name:str:nicvm nic:u32:8
check_output "nic refusals left no device" '^0$' sh -c '/usr/sbin/ip -d -o link show | grep -cw denali'
# What works: a NIC on the bridge, its index and name taken, at most eight.
check_output "nic created on the bridge" "nic\{index=3 ifname=tnic3 ifindex=[0-9]+ mac=02:00:00:00:00:03 mtu=1400 master=[0-9]+" \
	nlraw nicnew name:str:nicvm nic:u32:3 ifname:str:tnic3 mac:hex:020000000003 mtu:u32:1400 mastername:str:tbr0
check_output "nic enslaved to the bridge" "master tbr0" ip link show tnic3
check_output "nic on a bridge is up, MTU as asked" "<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 " ip link show tnic3
check_output "nic host end has the guest MAC with fe" "link/ether fe:00:00:00:00:03 " ip link show tnic3
expect_nl "nic index in use" EEXIST "index" nicnew name:str:nicvm nic:u32:3
expect_nl "nic duplicate interface name" EEXIST "in use" nicnew name:str:nicvm ifname:str:tnic3
check "nic seven more, default names" sh -c 'for i in 1 2 3 4 5 6 7; do nlraw nicnew name:str:nicvm >/dev/null || exit 1; done'
expect_nl "nic a ninth" ENOSPC "8 NICs" nicnew name:str:nicvm
check_fails "nic MTU 1501 refused by Linux" any ip link set tnic3 mtu 1501
check "nic MTU 68 accepted by Linux" ip link set tnic3 mtu 68
check "nic del by name" nlraw nicdel name:str:nicvm ifname:str:tnic3
check_output "nic without a bridge starts down" "<BROADCAST,MULTICAST> .*state DOWN" ip link show dnl0
check "nic del by ip link" ip link del dnl0
check_output "nic six left" '^6$' sh -c '/usr/sbin/ip -d -o link show | grep -cw denali'
check_fails "nic ip link add type denali refused" 2 ip link add x type denali
check "nic VM destroy takes its NICs" denalictl destroy nicvm
check_output "nic no device left" '^0$' sh -c '/usr/sbin/ip -d -o link show | grep -cw denali'
ip link del tbr0

check_fails "denalictl usage error exits 2" 2 denalictl create
check_fails "denalictl bad size syntax exits 2" 2 denalictl create a --mem 12Q
check_output "denalictl memory 0 gives the kernel's reason" "memory size is 0" denalictl create a --mem 0
check_fails "denalictl memory 0 exits 1" 1 denalictl create a --mem 0
check_output "denalictl unaligned memory" "multiple of 4 KiB" denalictl create a --mem 4194305
check_output "denalictl memory above limit" "above the limit" denalictl create a --mem 128M
check_output "denalictl name too long" "longer than 31" denalictl create "$long"
check_output "denalictl name taken" "exists" denalictl create keep
check_output "denalictl destroy nonexistent" "no such VM" denalictl destroy nosuch
check_fails "denalictl destroy nonexistent exits 1" 1 denalictl destroy nosuch
check_output "denalictl show nonexistent" "no such VM" denalictl show nosuch

# Images: not ELF, truncated, segment outside memory. None leaves a VM behind.
echo "not an elf at all" > "$CASE_TMP/notelf"
head -c 200 /guests/hello.elf > "$CASE_TMP/trunc1"
head -c 4352 /guests/hello.elf > "$CASE_TMP/trunc2"   # into the first segment (file offset 0x1000)
check_output "image not ELF" "ELF" denalictl create img1 --image "$CASE_TMP/notelf"
check_output "image truncated headers" "truncat" denalictl create img2 --image "$CASE_TMP/trunc1"
check_fails "image truncated segment" 1 denalictl create img3 --image "$CASE_TMP/trunc2"
check_output "image segment outside a 2 MiB guest" "outside" denalictl create img4 --mem 2M --image /guests/bigmem.elf
check "image the same fits in 8 MiB" sh -c "denalictl create img5 --mem 8M --image /guests/bigmem.elf && denalictl destroy img5"
check_output "image no VM left behind by failed loads" '^1$' sh -c 'denalictl list -j | grep -o "\"name\"" | wc -l'

# The VM descriptor: bounds, reserved low megabyte, nonexistent VMs, flags.
check_output "vmfd open nonexistent VM" "ENOENT" vmfd 4000000 open 0
check_output "vmfd open with flags" "EINVAL" vmfd "$keep" open 1
check_output "vmfd write past the end" "EINVAL" vmfd "$keep" pwrite 0x3ffff8 16
check_output "vmfd write at the end" "EINVAL" vmfd "$keep" pwrite 0x400000 1
check_output "vmfd write far past the end" "EINVAL" vmfd "$keep" pwrite 0x7ffffffffffff000 4096
check_output "vmfd write into the low megabyte" "EINVAL" vmfd "$keep" pwrite 0xff000 16
check_output "vmfd read past the end" "EINVAL" vmfd "$keep" pread 0x3fffff 2
check_output "vmfd read untouched memory is zero" "ok 4096" vmfd "$keep" preadz 0x300000 4096

# Disks: DENALI_VM_IOC_DISK_ATTACH/DETACH on a VM descriptor. A file is
# attached read-only by any number of VMs, or read-write by exactly one.
vm_id() { denalictl show "$1" -j | sed -n 's/.*"id": *\([0-9]*\).*/\1/p'; }
denalictl create dka --mem 2M
denalictl create dkb --mem 2M
dka=$(vm_id dka)
dkb=$(vm_id dkb)
d1=$CASE_TMP/d1.img d2=$CASE_TMP/d2.img
dd if=/dev/zero of="$d1" bs=4096 count=16 2>/dev/null
dd if=/dev/zero of="$d2" bs=4096 count=3 2>/dev/null
head -c 4095 /dev/zero > "$CASE_TMP/small.img"
check_output "disk bad fd" "attach: EBADF" diskattach "$dka" attach -fd=999
check_output "disk fd -1" "attach: EBADF" diskattach "$dka" attach -fd=-1
check_output "disk unknown flag" "attach: EINVAL" diskattach "$dka" attach "$d1" flags=2
check_output "disk reserved nonzero" "attach: EINVAL" diskattach "$dka" attach "$d1" reserved=1
check_output "disk a directory" "attach: EINVAL" diskattach "$dka" attach "$CASE_TMP" ro
check_output "disk a pipe" "attach: EINVAL" diskattach "$dka" attach -pipe ro
check_output "disk smaller than a block" "attach: EINVAL" diskattach "$dka" attach "$CASE_TMP/small.img"
check_output "disk read-write from an O_RDONLY file" "attach: EINVAL" diskattach "$dka" attach "$d1" rdonly
check_output "disk read-write from an O_APPEND file" "attach: EINVAL" diskattach "$dka" attach "$d1" append
check_output "disk index 8" "attach: EINVAL" diskattach "$dka" attach "$d1" index=8
check_output "disk attached at index 2" "attach: ok 2" diskattach "$dka" attach "$d1" index=2
check_output "disk index taken" "attach: EEXIST" diskattach "$dka" attach "$d2" index=2
check_output "disk read-write twice in one VM" "attach: EBUSY" diskattach "$dka" attach "$d1"
check_output "disk read-write twice across VMs" "attach: EBUSY" diskattach "$dkb" attach "$d1"
check_output "disk read-only while read-write elsewhere" "attach: EBUSY" diskattach "$dkb" attach "$d1" ro
check_output "disk read-only first free index" "attach: ok 0" diskattach "$dka" attach "$d2" ro
check_output "disk read-write while read-only elsewhere" "attach: EBUSY" diskattach "$dkb" attach "$d2"
check_output "disk read-only in another VM" "attach: ok 0" diskattach "$dkb" attach "$d2" ro
check "disk read-only six more times" sh -c "for i in 1 3 4 5 6 7; do diskattach $dka attach $d2 ro >/dev/null || exit 1; done"
check_output "disk a ninth" "attach: ENOSPC" diskattach "$dka" attach "$d2" ro
check_output "disk netlink nest" "disk\{index=2 path=$d1 blocks=16 ro=0 reads=0 writes=0 flushes=0 errors=0 inflight=0\}" \
	nlraw get name:str:dka
check_output "disk netlink read-only nest" "disk\{index=0 path=$d2 blocks=3 ro=1 " nlraw get name:str:dkb
check_output "disk detach an absent disk" "detach: ENOENT" diskattach "$dkb" detach 5
check_output "disk detach index 8" "detach: ENOENT" diskattach "$dkb" detach 8
check_output "disk detach" "detach: ok" diskattach "$dka" detach 2
check_output "disk read-write once detached" "attach: ok 1" diskattach "$dkb" attach "$d1"
check_output "disk read-write again refused" "attach: EBUSY" diskattach "$dka" attach "$d1" index=2
check "disk VM destroy with disks attached" denalictl destroy dkb
check_output "disk read-write after the VM holding it was destroyed" "attach: ok 2" \
	diskattach "$dka" attach "$d1" index=2
check "disk VM destroy with eight disks" denalictl destroy dka
denalictl create dkc --mem 2M
check_output "disk read-write after every read-only VM was destroyed" "attach: ok 0" \
	diskattach "$(vm_id dkc)" attach "$d2"
check "disk VM dkc destroyed" denalictl destroy dkc

# More VMs than the limit (max_vms=6, one exists).
i=1
while [ $i -le 5 ]; do denalictl create "fill$i" --mem 2M; i=$((i + 1)); done
check_output "netlink more VMs than max_vms" "too many VMs" denalictl create fill6
check_output "netlink ENOSPC at the limit" "^error ENOSPC" nlraw new name:str:fill6
i=1
while [ $i -le 5 ]; do denalictl destroy "fill$i"; i=$((i + 1)); done

# Without CAP_NET_ADMIN: EPERM, for every operation.
check_output "unprivileged netlink create gets EPERM" "^error EPERM" asuser nlraw new name:str:evil
check_output "unprivileged netlink dump gets EPERM" "^error EPERM" asuser nlraw --dump get
check_output "unprivileged netlink destroy gets EPERM" "^error EPERM" asuser nlraw del name:str:keep
check_fails "unprivileged denalictl list exits 1" 1 asuser denalictl list
check_output "unprivileged cannot open /dev/denali" "EACCES|EPERM" asuser vmfd version

# After all that, "keep" is exactly as it was.
check "untouched keep's state, size and pages" test "$(denalictl show keep -j)" = "$before"
check "untouched keep's memory content" vmfd "$keep" pread 0x100000 10000
check_output "untouched one VM exists" '"vms": ?1[,} ]' denalictl stats -j
check_kernel_log "kernel log clean"
unload_denali
