#!/bin/sh
# The kernel checkers fire, and the harness sees them: denali-checkers.ko
# makes one deliberate KASAN, UBSAN, lockdep and kmemleak report and one
# WARNING, each between DENALI-EXPECT-REPORT markers. The host harness
# (scripts/kreports.py) passes "harness catches a deliberate KIND report"
# only if it found a report of that kind between them. Last in its boot:
# lockdep switches itself off after its first report, and after a KASAN
# report (which taints the kernel). On the debug kernel the boot is the
# nohw one's (04-nohw first), on a CPU without VT-x or AMD-V: the
# checkers module needs neither.
# denali-boot: checkers
# denali-backends: svm
# denali-timeout: 300
. /tests/vm/lib.sh

ko=$DENALI_MOD_DIR/denali-checkers.ko
trigger=/sys/kernel/debug/denali_checkers/trigger
kmemleak=/sys/kernel/debug/kmemleak
if [ ! -f "$ko" ]; then
	fail "checkers module in the image" "$ko missing (built only against a KASAN kernel)"
	exit 0
fi
check "load denali-checkers" insmod "$ko" || exit 0

# The kernel writes its reports to the serial console at once, while the
# markers wait in the terminal's buffer: ttydrain puts each marker on the
# wire before the report (or the next window) can start.
mark() { # BEGIN|END KIND
	echo "DENALI-EXPECT-REPORT $1 $2"
	/bin/ttydrain
}
expect() { # KIND: trigger KIND between the markers
	mark BEGIN "$1"
	echo "$1" > "$trigger"
	sleep 1
	mark END "$1"
}
for kind in lockdep ubsan kasan; do
	expect "$kind"
done
mark BEGIN warning
echo warn > "$trigger"
sleep 1
mark END warning

# The leak: old enough for kmemleak (5 s), then two scans, printed as the
# runner prints them at the end of a boot, then forgotten.
mark BEGIN kmemleak
echo kmemleak > "$trigger"
sleep 6
echo scan > "$kmemleak"
echo scan > "$kmemleak"
echo "DENALI-KMEMLEAK-BEGIN"
cat "$kmemleak"
echo "DENALI-KMEMLEAK-END"
echo clear > "$kmemleak"
mark END kmemleak

check "unload denali-checkers" rmmod denali_checkers
pass "deliberate reports made"
