#!/bin/sh
# The emulator flaw of Documentation/testing.rst ("An emulator flaw at
# scale"), reproduced without the module: KVM runs a guest on CPU 0 that
# exits to its host all the time (tests/progs/kvmflaw.c) while two
# processes on CPU 1 make the kernel restore their FPU registers just as
# often. Every exit must be the guest's own OUT. Under QEMU 7.2's
# multi-threaded TCG some are not; with thread=single none. Runs only
# when its boot group is asked for by name (make emulator-flaw).
# denali-boot: flaw
# denali-backends: svm
# denali-timeout: 900
. /tests/vm/lib.sh

SECS=${KVMFLAW_SECONDS:-120}
# KVMFLAW_CPUS=G,F: the guest on CPU G, the FPU restores on CPU F.
CPUS=${KVMFLAW_CPUS:-0,1}
G=${CPUS%,*} F=${CPUS#*,}
dmesg_mark
load_kvm svm || { fail "load kvm-amd" "insmod failed"; exit 0; }
check "/dev/kvm is there" test -c /dev/kvm
kvmflaw -s "$SECS" -g "$G" -f "$F" > "$CASE_TMP/out" 2>&1
cat "$CASE_TMP/out"
check_output "a KVM guest on CPU $G sees only its own exits for $SECS s, FPU restores on CPU $F" \
	'anomalies=0 ' tail -n 1 "$CASE_TMP/out"
dmesg_since_mark | grep -i "kvm" | tail -n 20
check "unload kvm-amd" unload_kvm
