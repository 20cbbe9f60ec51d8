#!/bin/sh
# Memory cgroups: a VM's guest pages are charged to the memory cgroup of
# the process that created it, although a worker thread allocates them on
# first touch; they are uncharged when it is destroyed. A VM whose
# creator's cgroup is too small dies no_memory when it touches more, and
# the OOM killer kills nobody. Needs CONFIG_MEMCG: the debug kernel.
# denali-backends: svm
# denali-timeout: 300
. /tests/vm/lib.sh

CG=/sys/fs/cgroup
grep -q "^cgroup2 $CG " /proc/mounts || mount -t cgroup2 none $CG 2>/dev/null
if [ ! -f $CG/cgroup.controllers ] || ! grep -qw memory $CG/cgroup.controllers; then
	fail "memory cgroups in the test kernel" "no cgroup2 memory controller (CONFIG_MEMCG)"
	exit 0
fi
echo +memory > $CG/cgroup.subtree_control
mkdir -p $CG/dn
dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

# A process that lives in the cgroup all along: nobody may kill it.
sh -c "echo \$\$ > $CG/dn/cgroup.procs; exec sleep 600" &
keeper=$!
in_cg() { sh -c "echo \$\$ > $CG/dn/cgroup.procs; exec \"\$@\"" sh "$@"; }
current() { cat $CG/dn/memory.current; }

base=$(current)
check "create bigmem from the cgroup" in_cg denalictl create big --mem 8M --image /guests/bigmem.elf
check "start it (from outside the cgroup)" denalictl start big
wait_for 60 vm_ended big
check_output "bigmem touched its 4 MiB and halted 0" '"state":"halted".*"exit_code":0,' denalictl show big -j
grown=$(( $(current) - base ))
echo "memcg: the cgroup grew by $grown bytes for $(vm_num big resident_pages) resident pages"
expect_ge "its pages (touched by a worker) are charged to the creator's cgroup" $grown $((4 << 20))
check "destroy it" denalictl destroy big
left=$(( $(current) - base ))
echo "memcg: $left bytes left charged after destroy"
check_output "destroy uncharged them" '^yes$' sh -c "[ $left -lt $((1 << 20)) ] && echo yes"

# Too small a cgroup: the guest dies, nobody is OOM-killed.
echo $(( $(current) + (2 << 20) )) > $CG/dn/memory.max
check "create bigmem in a cgroup with 2 MiB to spare" in_cg denalictl create big2 --mem 8M --image /guests/bigmem.elf
check "start it" denalictl start big2
wait_for 60 vm_ended big2
check_output "it died no_memory" '"crash_reason":"no_memory"' denalictl show big2 -j
check_output "the OOM killer killed nobody" '^oom_kill 0$' grep '^oom_kill ' $CG/dn/memory.events
check "the cgroup's other process lives" kill -0 $keeper
check "a neighbour outside the cgroup runs to its end" sh -c 'denalictl run /guests/hello.elf | grep -q "^Hello from a Denali guest"'
check "destroy it" denalictl destroy big2
kill $keeper
wait $keeper 2>/dev/null
check "unload" unload_denali
rmdir $CG/dn
check_kernel_log "memcg kernel log clean" since-mark
