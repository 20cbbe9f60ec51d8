#!/bin/sh
# On a CPU with neither VT-x nor AMD-V the module refuses to load, with one clear line.
# denali-boot: nohw
. /tests/vm/lib.sh

dmesg_mark
check_fails "insmod fails without VT-x or AMD-V" any load_denali
check_output "dmesg says why" "denali: no usable VT-x or AMD-V" dmesg_since_mark
check "denali is not loaded" sh -c '! grep -q "^denali " /proc/modules'
check "/dev/denali does not exist" test ! -e /dev/denali
check_kernel_log "kernel log clean"
