#!/bin/sh
# Web servers in Denali VMs: requests per second and VM exits per request,
# against one VM and against N VMs with the requests spread over them
# uniformly and Zipf-distributed, with batched and immediate interrupt
# delivery side by side in the same run. The load generator is httpload
# (tests/progs/httpload.c) on the test VM's Linux, through a Linux bridge.
#
# Run on demand: make bench BENCH=http [BACKEND=svm|vmx]
. /tests/vm/lib.sh

# CONNS stays below httpd's 12 connections at once (more get 503).
case "$BACKEND" in
vmx) N=3 WINDOW=20 CONNS=4 ;;
*) N=8 WINDOW=10 CONNS=8 ;;
esac
PAGE=/hello.txt
ZIPF=1.0
PER_CONN=10

total() {
	denalictl stats -j | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -n 1
}
# Every VM exit so far, all kinds, over all VMs.
exits_total() {
	denalictl stats -j | sed -n 's/.*"exits": *{\([^}]*\)}.*/\1/p' | tr ',' '\n' |
		sed 's/.*: *//' | awk '{ s += $1 } END { print s + 0 }'
}

addrs() { # COUNT
	local i=1 a=
	while [ $i -le "$1" ]; do
		a="$a 10.0.0.$((10 + i))"
		i=$((i + 1))
	done
	echo $a
}

# run_one LABEL HTTPLOAD-ARGS...: one result line.
run_one() {
	local label=$1 e0 e1 i0 i1 line req rps
	shift
	e0=$(exits_total) i0=$(total irqs_injected)
	line=$(httpload -q -t "$WINDOW" -p "$PAGE" "$@")
	e1=$(exits_total) i1=$(total irqs_injected)
	req=$(echo "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
	rps=$(echo "$line" | sed -n 's/.*rps=\([0-9.]*\).*/\1/p')
	awk -v l="$label" -v m="$MODE" -v r="$req" -v rps="$rps" -v e=$((e1 - e0)) \
		-v irq=$((i1 - i0)) -v line="$line" 'BEGIN {
		printf "%-10s %-22s %9d %10.1f %10.1f %10.2f   %s\n", m, l, r, rps,
			r ? e / r : 0, r ? irq / r : 0, line
	}'
}

echo "bench http: backend $BACKEND, $(nproc) CPU(s), kernel $(uname -r)"
load_denali || { echo "bench: insmod failed"; exit 1; }
ip link add br0 type bridge && ip addr add 10.0.0.1/24 dev br0 && ip link set br0 up ||
	{ echo "bench: no bridge"; exit 1; }
i=1
for a in $(addrs $N); do
	denalictl create "web$i" --image /guests/httpd.elf --cmdline "ip=$a/24" \
		--nic "name=dnlb$i,bridge=br0" > /dev/null &&
		denalictl start "web$i" || { echo "bench: web$i failed"; exit 1; }
	i=$((i + 1))
done
for a in $(addrs $N); do
	wait_for 120 sh -c "curl -sf -m 5 -o /dev/null http://$a$PAGE" ||
		{ echo "bench: $a does not answer"; exit 1; }
done
echo "bench http: $N VMs running httpd (lwIP), one NIC each on a Linux bridge;" \
	"workers $(cat /sys/module/denali/parameters/workers), quantum_us" \
	"$(cat /sys/module/denali/parameters/quantum_us); page $PAGE;" \
	"$CONNS keep-alive connections, $WINDOW s per line; spread: a new connection" \
	"every $PER_CONN requests, to a host picked uniformly or by Zipf (s=$ZIPF)"
echo "columns: delivery, target, requests, requests/s, VM exits/request, injected interrupts/request"
for MODE in batched immediate; do
	echo "$MODE" > /sys/module/denali/parameters/irq_delivery
	run_one "1 VM" -c "$CONNS" 10.0.0.11
	run_one "$N VMs uniform" -c "$CONNS" -r "$PER_CONN" $(addrs $N)
	run_one "$N VMs zipf" -c "$CONNS" -r "$PER_CONN" -z "$ZIPF" $(addrs $N)
done
echo batched > /sys/module/denali/parameters/irq_delivery
denalictl list
i=1
while [ $i -le $N ]; do
	denalictl destroy "web$i"
	i=$((i + 1))
done
ip link del br0
unload_denali
echo "DENALI-DEMO-OK"
