#!/bin/sh
# System suspend with guests running: the workers are freezable kernel
# threads (no PF_NOFREEZE), the kernel's freezer test (pm_test=freezer:
# freeze every task, wait, thaw) succeeds with a spinning and an idling
# guest, and both carry on afterwards. Needs CONFIG_SUSPEND and
# CONFIG_PM_DEBUG: the debug kernel (the AMD-V suite).
# denali-boot: smp
# denali-backends: svm
# denali-timeout: 300
. /tests/vm/lib.sh

if [ ! -w /sys/power/pm_test ] || ! grep -q freezer /sys/power/pm_test; then
	fail "pm_test in the test kernel" "no /sys/power/pm_test with freezer (CONFIG_PM_DEBUG)"
	exit 0
fi
dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

# PF_NOFREEZE (0x8000) is the ninth field of /proc/PID/stat.
nofreeze=0 nworkers=0
for t in /proc/[0-9]*; do
	case "$(cat $t/comm 2>/dev/null)" in
	denali/w*)
		nworkers=$((nworkers + 1))
		flags=$(cut -d' ' -f9 $t/stat)
		[ $((flags & 0x8000)) -ne 0 ] && nofreeze=$((nofreeze + 1))
		;;
	esac
done
check_output "there are workers" '^[1-9]' echo $nworkers
check_output "every worker is freezable" '^0$' echo $nofreeze

denalictl create spin --mem 2M --image /guests/spin.elf >/dev/null
denalictl create tick --mem 2M --image /guests/echo.elf >/dev/null
check "start a spinning guest" denalictl start spin
check "start an idling guest (echo, waiting for input)" denalictl start tick
sleep 1
q0=$(vm_num spin quanta)
check "the freezer test passes with guests running" sh -c 'echo freezer > /sys/power/pm_test && echo freeze > /sys/power/state'
echo none > /sys/power/pm_test
sleep 1
check_output "the spinning guest still runs" '^running$' vm_field spin state
check_output "the idling guest still runs" '^running$' vm_field tick state
expect_more() { [ "$(vm_num spin quanta)" -gt "$q0" ]; }
check "the spinning guest got quanta after the thaw" wait_for 10 expect_more
check_output "the freezer froze the workers (no task refused)" '^0$' sh -c "dmesg | grep -c 'refusing to freeze'"
check "stop and destroy them" sh -c 'denalictl stop spin && denalictl destroy spin && denalictl stop tick && denalictl destroy tick'
check "unload" unload_denali
check_kernel_log "suspend kernel log clean" since-mark
