#!/bin/sh
# Destroy does not wait for slow disk I/O under the genetlink mutex: a VM
# with requests in flight on a dm-delay device (every request takes
# seconds) is destroyed; the destroy returns while the device is still
# held, other netlink users (list, create, destroy) go on meanwhile, and
# the device is let go once its requests completed, with nothing leaked.
# Needs dm-delay and loop devices: the debug kernel (the AMD-V suite).
# denali-backends: svm
# denali-timeout: 300
. /tests/vm/lib.sh

DELAY_MS=4000
# No udev in the test VM: dmsetup makes /dev/mapper/NAME itself.
export DM_DISABLE_UDEV=1
if ! grep -qw delay /proc/misc 2>/dev/null && [ ! -e /dev/mapper/control ]; then
	fail "device mapper in the test kernel" "no /dev/mapper/control (CONFIG_BLK_DEV_DM, CONFIG_DM_DELAY)"
	exit 0
fi
dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

img=$CASE_TMP/slow.img
dd if=/dev/zero of="$img" bs=4096 count=256 2>/dev/null
loop=$(losetup -f)
check "a loop device over a 1 MiB file" losetup "$loop" "$img" || exit 0
check "a dm-delay device over it ($DELAY_MS ms a request)" \
	dmsetup create dnslow --table "0 2048 delay $loop 0 $DELAY_MS" || { losetup -d "$loop"; exit 0; }
dmsetup mknodes dnslow 2>/dev/null
check "its node /dev/mapper/dnslow" test -b /dev/mapper/dnslow
opens() { dmsetup info -c --noheadings -o open dnslow 2>/dev/null | tr -d ' '; }

check "create a VM on the slow disk" denalictl create holder --mem 4M --image /guests/diskhold.elf \
	--disk /dev/mapper/dnslow --cmdline "reads=16"
check "start it" denalictl start holder
wait_for 60 sh -c 'denalictl console holder --no-input | grep -q "^diskhold: 16 requests queued"'
check_output "its requests are in flight" '"inflight":1[0-9]' denalictl show holder -j
check_output "the device is held by the VM" '^1$' opens

check "destroy it with 16 slow requests in flight" denalictl destroy holder
check_output "it is gone from the list at once" '^\[\]$' denalictl list -j
# 16 requests of 4 s each are still draining: the family must answer meanwhile.
check_output "the device is still held (its requests drain)" '^1$' opens
check "another VM can be created meanwhile" denalictl create other --mem 2M --image /guests/hello.elf
check_output "and listed" '"name":"other"' denalictl list -j
check "and destroyed" denalictl destroy other
check_output "the slow device is still held after all that" '^1$' opens
released() { [ "$(opens)" = 0 ]; }
check "the device is let go once its requests completed" wait_for 200 released
check "dm-delay device removed" dmsetup remove dnslow
check "loop device detached" losetup -d "$loop"

# A destroy right before unload: unload waits for the drain.
loop=$(losetup -f)
losetup "$loop" "$img"
dmsetup create dnslow --table "0 2048 delay $loop 0 $DELAY_MS"
dmsetup mknodes dnslow 2>/dev/null
denalictl create holder2 --mem 4M --image /guests/diskhold.elf --disk /dev/mapper/dnslow --cmdline "reads=4"
denalictl start holder2
wait_for 60 sh -c 'denalictl console holder2 --no-input | grep -q "^diskhold: 4 requests queued"'
check "destroy with requests in flight, then unload at once" sh -c 'denalictl destroy holder2 && rmmod denali'
# A kernel thread's last reference to a file is put a moment later (delayed fput).
check "unload let go of the device" wait_for 30 released
dmsetup remove dnslow
losetup -d "$loop"
check_kernel_log "slow disk kernel log clean" since-mark
