#!/bin/sh
# The virtual MMU's price: a TLB miss and its refill (a page fault in the
# guest, its handler's lookup, one TLB_LOAD hypercall), in guest TSC cycles
# and VM exits, from Ilwaco's vmtest walking more pages than the TLB holds
# with the MMU off and on, for a few TLB sizes; then httpd with the MMU off
# and on side by side (requests per second, exits and TLB loads per request),
# loaded by httpload through a Linux bridge.
#
# Run on demand: make bench BENCH=vmmu [BACKEND=svm|vmx]
. /tests/vm/lib.sh

case "$BACKEND" in
vmx) TLBS="64 512" ROUNDS=2 WINDOW=20 CONNS=4 ;;
*) TLBS="32 64 512 2048" ROUNDS=5 WINDOW=10 CONNS=8 ;;
esac
PAGE=/hello.txt

# exits NAME: every VM exit of the VM, all kinds.
exits() {
	denalictl show "$1" -j | sed -n 's/.*"exits":{\([^}]*\)}.*/\1/p' | tr ',' '\n' |
		sed 's/.*: *//' | awk '{ s += $1 } END { print s + 0 }'
}

# walk TLB: one result line for vmtest mode=walk with a TLB of TLB entries.
walk() {
	local tlb=$1 pages=$(($1 * 3)) line
	denalictl create w --tlb "$tlb" --mem 64M --image /guests/vmtest.elf \
		--cmdline "mode=walk pages=$pages rounds=$ROUNDS" > /dev/null &&
		denalictl start w || return 1
	wait_for 1200 vm_ended w
	line=$(denalictl console w --no-input < /dev/null | grep '^vmtest: walk')
	[ "$(vm_field w exit_code)" = 0 ] && [ -n "$line" ] || { denalictl console w; return 1; }
	echo "$line" | awk -v tlb="$tlb" -v pages="$pages" -v loads="$(vm_hypercalls w tlb_load 12)" \
		-v npf="$(vm_hypercalls w npf npf)" -v all="$(exits w)" '{
		for (i = 1; i <= NF; i++) {
			if ($(i + 1) == "cycles/access,") { if (off == "") off = $i; else on = $i }
			if ($i == "refills") refills = $(i + 1) + 0
			if ($(i + 1) == "cycles/refill") per = $i
		}
		printf "%6d %7d %10d %10d %10d %12d %14.3f %14.3f\n", tlb, pages, off, on,
			refills, per, refills ? loads / refills : 0, refills ? all / refills : 0
	}'
	denalictl destroy w
}

# web_one LABEL ADDR VM: one httpload window against one server, one line.
web_one() {
	local label=$1 a=$2 vm=$3 e0 e1 l0 l1 line req rps
	e0=$(exits "$vm") l0=$(vm_num "$vm" tlb_loads)
	line=$(httpload -q -t "$WINDOW" -p "$PAGE" -c "$CONNS" "$a")
	e1=$(exits "$vm") l1=$(vm_num "$vm" tlb_loads)
	req=$(echo "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
	rps=$(echo "$line" | sed -n 's/.*rps=\([0-9.]*\).*/\1/p')
	awk -v l="$label" -v r="${req:-0}" -v rps="${rps:-0}" -v e=$((e1 - e0)) \
		-v t=$((${l1:-0} - ${l0:-0})) -v line="$line" 'BEGIN {
		printf "%-10s %9d %10.1f %10.2f %10.2f   %s\n", l, r, rps, r ? e / r : 0,
			r ? t / r : 0, line
	}'
}

echo "bench vmmu: backend $BACKEND, $(nproc) CPU(s), kernel $(uname -r)"
load_denali || { echo "bench: insmod failed"; exit 1; }
echo "bench vmmu: vmtest mode=walk, $ROUNDS rounds over 3 x tlb_size pages (every access a miss" \
	"with the MMU on: replacement is first in, first out), one write per page; off: the same" \
	"physical pages through the shared identity map"
echo "columns: TLB entries, pages, cycles/access MMU off, cycles/access MMU on, refills," \
	"cycles/refill (on - off), TLB_LOAD exits/refill, all exits/refill (the whole run:" \
	"first touches and console too)"
for t in $TLBS; do
	walk "$t" || { echo "bench: walk with a TLB of $t failed"; exit 1; }
done

ip link add br0 type bridge && ip addr add 10.0.0.1/24 dev br0 && ip link set br0 up ||
	{ echo "bench: no bridge"; exit 1; }
denalictl create weboff --image /guests/httpd.elf --cmdline "ip=10.0.0.11/24" \
	--nic "name=dnlb1,bridge=br0" > /dev/null && denalictl start weboff &&
	denalictl create webon --image /guests/httpd.elf --cmdline "ip=10.0.0.12/24 vmmu=1" \
		--nic "name=dnlb2,bridge=br0" > /dev/null && denalictl start webon ||
	{ echo "bench: httpd failed"; exit 1; }
for a in 10.0.0.11 10.0.0.12; do
	wait_for 120 sh -c "curl -sf -m 5 -o /dev/null http://$a$PAGE" ||
		{ echo "bench: $a does not answer"; exit 1; }
done
echo "bench vmmu: httpd (lwIP), one NIC each on a Linux bridge, page $PAGE, $CONNS keep-alive" \
	"connections, $WINDOW s per line, default TLB ($(vm_num webon tlb_size) entries);" \
	"$(denalictl console webon --no-input < /dev/null | grep 'virtual MMU on')"
echo "columns: MMU, requests, requests/s, VM exits/request, TLB loads/request"
web_one "off" 10.0.0.11 weboff
web_one "on" 10.0.0.12 webon
web_one "off again" 10.0.0.11 weboff
web_one "on again" 10.0.0.12 webon
denalictl list
denalictl destroy weboff
denalictl destroy webon
ip link del br0
unload_denali
echo "DENALI-DEMO-OK"
