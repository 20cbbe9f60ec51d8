#!/bin/sh
# make demo, inside the test VM: load the module, run guests, show refusals and crashes, unload.
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
ok=1
ip() { /usr/sbin/ip "$@"; }	# iproute2's, not busybox's
must() { "$@" || { echo "demo: FAILED: $*"; ok=0; }; }

backend=$(grep -qw svm /proc/cpuinfo && echo 'AMD-V (svm)' || echo 'VT-x (vmx)')
say "Denali for Linux on $backend, in a test VM running Linux $(uname -r)"
must run insmod /lib/modules/denali/denali.ko
run dmesg | grep 'denali:' | tail -n 2
run ls -l /dev/denali
must run denalictl stats

say "Run a guest: create a VM, load the image, start it, stream its console, exit with its code"
must run denalictl run /guests/hello.elf
echo "(exit status $?)"
run denalictl run /guests/exitcode.elf
code=$?
echo "(exit status $code)"
[ "$code" = 42 ] || { echo "demo: FAILED: exitcode.elf did not exit with 42"; ok=0; }

say "Many VMs side by side: each in its own guest-physical memory, allocated on demand"
for i in 1 2 3 4 5; do must denalictl create "web$i" --mem 16M --image /guests/steady.elf; done
must run denalictl create big --mem 64M --image /guests/bigmem.elf
for v in web1 web2 web3 web4 web5 big; do must denalictl start "$v"; done
run denalictl list
sleep 3
run denalictl list
run denalictl console web1
run denalictl show big

# Bochs (VT-x) is about 100 times slower than QEMU: fewer sleepers there.
case "$backend" in
*vmx*) many=20 spinner=true ;;
*) many=100 spinner=true ;;
esac
say "The scheduler: $many sleeping VMs$($spinner && echo ', a spinner') and a ticker on $(cat /sys/module/denali/parameters/workers) worker thread(s)"
i=1
while [ $i -le $many ]; do
	must denalictl create "sleep$i" --mem 2M --image /guests/sleeper.elf --cmdline "n=1000000 ms=500"
	must denalictl start "sleep$i"
	i=$((i + 1))
done
if $spinner; then
	must denalictl create spinner0 --mem 2M --image /guests/spinner.elf
	must denalictl start spinner0
fi
must run denalictl run --mem 2M --cmdline "hz=100 n=50 busy=1" /guests/ticker.elf < /dev/null
sleep 3
echo "(each sleeper wakes every 500 ms$($spinner && echo '; the spinner never idles; nobody starves'))"
run sh -c "denalictl list | head -n 12; echo ...; denalictl list | tail -n 4"
run denalictl show sleep1
run denalictl stats

say "Keyboard input: bytes written to a console reach the guest as an interrupt"
must denalictl create echo --mem 2M --image /guests/echo.elf
must denalictl start echo
printf '$ printf %s | denalictl console -f echo\n' "'hello from the keyboard\\nquit\\n'"
printf 'hello from the keyboard\nquit\n' | must denalictl console -f echo
run denalictl show echo
i=1
while [ $i -le $many ]; do denalictl destroy "sleep$i"; i=$((i + 1)); done
$spinner && must denalictl destroy spinner0

say "Web servers: three VMs running httpd on lwIP, each NIC a Linux device on the bridge br0,
all serving one site from a shared read-only disk: a tar archive of a directory"
mkdir -p /tmp/www/docs
printf '<!DOCTYPE html>\n<html><body><h1>Served from a Denali disk</h1>\n<p>One tar image, shared read-only by every web server.</p></body></html>\n' > /tmp/www/index.html
printf 'Documentation lives here.\n' > /tmp/www/docs/index.html
must run tar cf /tmp/site.tar -C /tmp/www .
size=$(wc -c < /tmp/site.tar)
must run truncate -s $(((size + 4095) / 4096 * 4096)) /tmp/site.tar   # whole 4 KiB blocks
must run ip link add br0 type bridge
must run ip addr add 10.0.0.1/24 dev br0
must run ip link set br0 up
for i in 1 2 3; do
	must run denalictl create "www$i" --image /guests/httpd.elf --disk /tmp/site.tar:ro \
		--cmdline "ip=10.0.0.1$i/24 gw=10.0.0.1 disk=0" --nic "name=dnl$i,bridge=br0"
	must denalictl start "www$i"
done
for i in 1 2 3; do
	n=0
	until denalictl console "www$i" --no-input </dev/null 2>/dev/null | grep -q '^httpd: listening'; do
		n=$((n + 1))
		[ $n -gt 600 ] && { echo "demo: FAILED: www$i does not listen"; ok=0; break; }
		sleep 0.2
	done
done
run bridge link show
must run ping -c 2 10.0.0.12
printf '$ curl -si http://10.0.0.11/\n'
if curl -si -m 30 -o /tmp/index.out http://10.0.0.11/; then tr -d '\r' < /tmp/index.out; else
	echo "demo: FAILED: curl http://10.0.0.11/"; ok=0
fi
must run curl -s -m 30 http://10.0.0.12/docs/
must run curl -s -m 30 http://10.0.0.13/hello.txt
echo "(hello.txt is not on the disk: httpd's built-in page)"
printf '$ curl -s -o /tmp/big.bin http://10.0.0.13/big.bin; pattern 65536 | cmp - /tmp/big.bin\n'
curl -s -m 60 -o /tmp/big.bin http://10.0.0.13/big.bin && pattern 65536 | cmp - /tmp/big.bin &&
	echo "big.bin: 65536 bytes, byte-exact" || { echo "demo: FAILED: big.bin"; ok=0; }
printf '$ curl -s -o /dev/null -w %%{http_code} http://10.0.0.12/missing\n'
curl -s -m 30 -o /dev/null -w '%{http_code}\n' http://10.0.0.12/missing
must run httpload -c 4 -n 500 -p /hello.txt 10.0.0.11 10.0.0.12 10.0.0.13
run denalictl list
run denalictl show www1
run ip -s link show dnl1
for i in 1 2 3; do must denalictl destroy "www$i"; done
must run ip link del br0

say "The virtual MMU: a software-loaded TLB of 64 entries. Ilwaco's page map has W^X and guard
pages; its page-fault handler refills misses (no exit for the fault, one TLB_LOAD per refill)"
must run denalictl create vmt --tlb 64 --image /guests/vmtest.elf --cmdline "rounds=2"
must denalictl start vmt
pat='^vmtest: (tlb_size|refills [0-9]+ in all|ok (text not writable|data not executable|flushed entry gone)|pass|FAIL)'
printf '$ denalictl console -f vmt | grep -E "%s"\n' "$pat"
denalictl console -f vmt < /dev/null | grep -E "$pat"
run sh -c "denalictl show vmt | grep -E '^(state|tlb|hypercalls):'"
denalictl show vmt | grep -q 'halted (code 0)' || { echo "demo: FAILED: vmtest"; ok=0; }
must denalictl destroy vmt
run denalictl run /guests/vmtest.elf --cmdline "mode=guard"
code=$?
echo "(exit status $code: a thread ran into the guard page below its stack)"
[ "$code" = 255 ] || { echo "demo: FAILED: the guard page was not hit"; ok=0; }

say "Hostile guests die with a recorded reason; the host and the other VMs carry on"
run denalictl run /guests/bad-io.elf
run denalictl run /guests/bad-wrap.elf
run denalictl run /guests/bad-triple.elf
run denalictl run /guests/bad-tlbload.elf
run denalictl list

say "Bad requests are refused with the kernel's reason and change nothing"
run denalictl create web1
run denalictl create 'bad/name'
run denalictl create huge --mem 64G
run denalictl start nosuch
run denalictl stop web1

say "A guest that never stops computing is stopped on request"
must run denalictl create spinner --image /guests/spin.elf
must run denalictl start spinner
sleep 1
must run denalictl stop spinner
run denalictl show spinner

say "Unload with VMs alive: they are torn down, nothing leaks"
run denalictl stats
must run rmmod denali
run dmesg | grep 'denali:' | tail -n 1
must run insmod /lib/modules/denali/denali.ko
run denalictl stats
must run rmmod denali

[ "$ok" = 1 ] && echo DENALI-DEMO-OK
