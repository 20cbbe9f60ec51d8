#!/bin/sh
# AMD-V without nested paging is not enough: the module says so and refuses to load.
# denali-boot: nonpt
# denali-backends: svm
. /tests/vm/lib.sh

dmesg_mark
check_fails "insmod fails on AMD-V without NPT" any load_denali
check_output "dmesg names the missing NPT" "denali: AMD-V without nested paging" dmesg_since_mark
check "denali is not loaded" sh -c '! grep -q "^denali " /proc/modules'
