#!/bin/sh
# What idle VMs cost the host: N VMs running "sleeper" (a wake-up every
# PERIOD ms, for ever), first with Ilwaco's idle loop calling IDLE with the
# next timer's deadline, then with the same loop spinning on the clock
# (idle=spin), side by side in one run. For each: the CPU time the
# workers used per second of wall time, the exits, quanta and wake-ups per
# VM per second, and the memory one idle VM costs.
#
# Run on demand: make bench BENCH=idle [BACKEND=svm|vmx]
. /tests/vm/lib.sh

case "$BACKEND" in
vmx) COUNTS="10" WINDOW=20 ;;
*) COUNTS="10 100" WINDOW=10 ;;
esac
PERIOD=100
HZ_USER=$(getconf CLK_TCK 2>/dev/null || echo 100)

# CPU ticks (user + system) of every worker thread so far.
worker_ticks() {
	local t=0 pid comm rest
	for d in /proc/[0-9]*; do
		read -r comm < "$d/comm" 2>/dev/null || continue
		case "$comm" in
		denali/w*)
			set -- $(cut -d' ' -f14,15 "$d/stat")
			t=$((t + $1 + $2))
			;;
		esac
	done
	echo $t
}

uptime_cs() {
	set -- $(cat /proc/uptime)
	echo "$1" | tr -d .
}

mem_avail_kb() {
	sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo
}

total() {
	denalictl stats -j | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -n 1
}

# bench_one N MODE: prints one result line.
bench_one() {
	local n=$1 mode=$2 extra= i mem0 mem1 t0 t1 w0 w1 q0 q1 e0 e1 k0 k1 pages
	[ "$mode" = spin ] && extra=" idle=spin"
	mem0=$(mem_avail_kb)
	i=0
	while [ $i -lt "$n" ]; do
		denalictl create "b$i" --mem 2M --image /guests/sleeper.elf \
			--cmdline "n=1000000000 ms=$PERIOD$extra" > /dev/null || return 1
		denalictl start "b$i" || return 1
		i=$((i + 1))
	done
	sleep 3
	mem1=$(mem_avail_kb)
	pages=$(total resident_pages)
	q0=$(total quanta) e0=$(total hypercall) k0=$(total wake_timeout)
	t0=$(worker_ticks) w0=$(uptime_cs)
	sleep "$WINDOW"
	t1=$(worker_ticks) w1=$(uptime_cs)
	q1=$(total quanta) e1=$(total hypercall) k1=$(total wake_timeout)
	i=0
	while [ $i -lt "$n" ]; do
		denalictl destroy "b$i"
		i=$((i + 1))
	done
	awk -v n="$n" -v mode="$mode" -v t=$((t1 - t0)) -v hz="$HZ_USER" \
		-v w=$((w1 - w0)) -v q=$((q1 - q0)) -v e=$((e1 - e0)) -v k=$((k1 - k0)) \
		-v pages="$pages" -v mem=$((mem0 - mem1)) 'BEGIN {
		secs = w / 100
		printf "%-6s %5d %12.3f %14.1f %14.1f %12.1f %10.1f %12.1f\n", mode, n,
			t / hz / secs, q / n / secs, e / n / secs, k / n / secs,
			pages / n, mem / n
	}'
}

echo "bench idle: backend $BACKEND, $(nproc) CPU(s), kernel $(uname -r)"
load_denali || { echo "bench: insmod failed"; exit 1; }
echo "bench idle: workers $(cat /sys/module/denali/parameters/workers 2>/dev/null)," \
	"quantum_us $(cat /sys/module/denali/parameters/quantum_us)," \
	"irq_delivery $(cat /sys/module/denali/parameters/irq_delivery)," \
	"sleeper period $PERIOD ms, window $WINDOW s"
echo "columns: idle loop, VMs, worker CPU-seconds per second, quanta/VM/s, hypercalls/VM/s," \
	"timeout wake-ups/VM/s, guest pages/VM, host KiB/VM (MemAvailable drop incl. guest pages)"
for n in $COUNTS; do
	for mode in idle spin; do
		bench_one "$n" "$mode" || { echo "bench: $mode with $n VMs failed"; exit 1; }
	done
done
unload_denali
echo "DENALI-DEMO-OK"
