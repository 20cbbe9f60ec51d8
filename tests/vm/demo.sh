#!/bin/sh
# make demo, inside the test VM: load the module, create and list VMs, show a refusal, unload.
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Denali for Linux: the module on $(grep -qw svm /proc/cpuinfo && echo 'AMD-V (svm)' || echo 'VT-x (vmx)') in a test VM ($(uname -r))"
run insmod /lib/modules/denali/denali.ko || exit 1
run dmesg | grep 'denali:' | tail -n 2
run ls -l /dev/denali
run denalictl stats

say "Create VMs: one with the default 16 MiB, one with 64 MiB, one loaded with the 'hello' guest image"
run denalictl create web1
run denalictl create web2 --mem 64M
run denalictl create hello --image /guests/hello.elf
run denalictl list
run denalictl show hello
run denalictl list -j

say "Bad requests are refused with the kernel's reason and change nothing"
run denalictl create web1
run denalictl create 'bad/name'
run denalictl create huge --mem 64G
run denalictl destroy nosuch
run denalictl list

say "Memory is allocated on demand: only the image's pages are resident"
run denalictl stats
run denalictl destroy hello
run denalictl stats

say "Unload with VMs alive: they are torn down, nothing leaks"
run rmmod denali
run dmesg | grep 'denali:' | tail -n 1
run insmod /lib/modules/denali/denali.ko
run denalictl list
run rmmod denali

say "VMs do not run guest code yet (issues 3 and 4: the VT-x and AMD-V backends)."
echo DENALI-DEMO-OK
