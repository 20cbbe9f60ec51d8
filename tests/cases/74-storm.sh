#!/bin/sh
# Concurrency storms: several processes at once create, start, stop and
# destroy VMs, add and delete NICs, attach and detach disks, read and type
# into consoles and dump the lists, all on a small pool of overlapping
# names, NIC names and indices, while guests flood the bridge, serve web
# requests and do disk I/O, and a CPU goes offline and online again. In
# the middle of the storm the module is unloaded (with the monitor, dumps
# and console readers open) and loaded again; at the end it is unloaded
# with VMs still running. Every command must end (none hangs) with
# success or a clean refusal (exit status 1 and a message), never a crash;
# nothing may be left behind; the boot's kernel log must stay clean
# (the harness fails any report, and kmemleak scans at the end).
#
# STORM_SECONDS (each half, default 45), STORM_SEED (1): environment.
# denali-boot: smp
# denali-backends: svm
# denali-timeout: 900
. /tests/vm/lib.sh

SECS=${STORM_SECONDS:-45}
SEED=${STORM_SEED:-1}
W=$DENALI_CASE_TMP/storm
mkdir -p "$W"
NAMES="s0 s1 s2 s3 s4 s5"
IFS_POOL="dns0 dns1 dns2 dns3 dns4"

if [ "$(nproc)" -lt 2 ]; then
	fail "two CPUs for the storm" "only $(nproc)"
	exit 0
fi
load_denali || { fail "load" "insmod failed"; exit 0; }
workers_off_cpu0
ip link add brs type bridge && ip addr add 10.7.0.1/24 dev brs && ip link set brs up
i=0
while [ $i -lt 4 ]; do
	dd if=/dev/zero of="$W/d$i.img" bs=4096 count=16 2>/dev/null
	i=$((i + 1))
done

pick() { # WORD...: one of them, at random
	shift $((RANDOM % $#))
	echo "$1"
}

# run WORKER CMD...: the command with a time limit; its exit status and
# output are judged: 0, or 1 with a message, is clean; anything else (a
# crash, a hang, a usage error, silence) is logged to WORKER.bad.
run() {
	local who=$1 rc out
	shift
	out=$(timeout 120 "$@" 2>&1 </dev/null)
	rc=$?
	echo "$rc" >> "$W/$who.rc"
	case $rc in
	0) ;;
	1) [ -n "$out" ] || echo "exit 1 without a message: $*" >> "$W/$who.bad" ;;
	*) echo "exit $rc: $* :: $(echo "$out" | tail -n 2 | tr '\n' ' ')" >> "$W/$who.bad" ;;
	esac
}

# Each worker loops until the stop file appears, with its own seed.
lifecycle() { # N
	RANDOM=$((SEED * 100 + $1))
	local n
	while [ ! -f "$W/stop" ]; do
		n=$(pick $NAMES)
		case $((RANDOM % 9)) in
		0) run life$1 denalictl create "$n" --mem 4M --image /guests/httpd.elf \
			--cmdline "ip=10.7.0.$((RANDOM % 200 + 20))/24" \
			--nic "name=$(pick $IFS_POOL),bridge=brs" ;;
		1) run life$1 denalictl create "$n" --mem 2M --image /guests/disktest.elf \
			--cmdline "blocks=16 threads=2 seed=$RANDOM" --disk "$W/d$((RANDOM % 4)).img" ;;
		2) run life$1 denalictl create "$n" --mem 2M --image /guests/echo.elf --tlb $((RANDOM % 200 + 16)) ;;
		3) run life$1 denalictl create "$n" --mem 2M --image /guests/spin.elf ;;
		4|5) run life$1 denalictl start "$n" ;;
		6) run life$1 denalictl stop "$n" ;;
		*) run life$1 denalictl destroy "$n" ;;
		esac
	done
}
devices() { # N
	RANDOM=$((SEED * 100 + 10 + $1))
	while [ ! -f "$W/stop" ]; do
		case $((RANDOM % 6)) in
		0|1) run dev$1 denalictl nic add "$(pick $NAMES)" "name=$(pick $IFS_POOL),bridge=brs,index=$((RANDOM % 8))" ;;
		2) run dev$1 denalictl nic del "$(pick $NAMES)" "$(pick $IFS_POOL)" ;;
		3) run dev$1 denalictl disk attach "$(pick $NAMES)" "$W/d$((RANDOM % 4)).img$(pick '' :ro)@$((RANDOM % 8))" ;;
		4) run dev$1 denalictl disk detach "$(pick $NAMES)" $((RANDOM % 8)) ;;
		*) run dev$1 denalictl nic del "$(pick $NAMES)" index $((RANDOM % 8)) ;;
		esac
	done
}
readers() { # N: consoles read and typed into, every list and dump
	RANDOM=$((SEED * 100 + 20 + $1))
	local n
	while [ ! -f "$W/stop" ]; do
		n=$(pick $NAMES)
		case $((RANDOM % 7)) in
		0) run read$1 denalictl console "$n" --no-input ;;
		1) run read$1 sh -c "echo storm$RANDOM | denalictl console $n" ;;
		2) run read$1 denalictl list -j ;;
		3) run read$1 denalictl show "$n" -j ;;
		4) run read$1 denalictl nic list "$n" -j ;;
		5) run read$1 denalictl disk list "$n" -j ;;
		*) run read$1 denalictl stats -j ;;
		esac
	done
}
# CPU 1 goes offline and online again; the workers come back to it.
hotplug() {
	local r=0
	while [ ! -f "$W/stop" ]; do
		echo 0 > /sys/devices/system/cpu/cpu1/online || echo "offline $r failed" >> "$W/hp.bad"
		sleep 1
		echo 1 > /sys/devices/system/cpu/cpu1/online || echo "online $r failed" >> "$W/hp.bad"
		r=$((r + 1))
		echo $r > "$W/hp.rounds"
		module_loaded denali && workers_to_cpu 1
		sleep 2
	done
}
# The steady load: a web VM under requests, a flood of broadcasts on the
# bridge that every NIC of the storm receives.
steady() {
	denalictl create web --mem 4M --image /guests/httpd.elf --cmdline "ip=10.7.0.2/24" \
		--nic "name=dnsweb,bridge=brs" >/dev/null &&
		denalictl create flood --mem 2M --image /guests/netflood.elf \
			--cmdline "seconds=$SECS size=200" --nic "name=dnsfl,bridge=brs" >/dev/null &&
		denalictl start web >/dev/null && denalictl start flood >/dev/null
}

storm() { # HALF: start every process of the storm
	rm -f "$W/stop"
	for k in 1 2; do lifecycle $k & done
	devices 1 &
	for k in 1 2; do readers $k & done
	hotplug &
	denalictl monitor > "$W/monitor.$1" 2>&1 &
	echo $! > "$W/monitor.pid"
}
# The storm runs its seconds and, on a slow or loaded machine, on until it
# has run MIN_CMDS commands (at most 4 times its seconds more): a count,
# not a rate, is what is judged.
MIN_CMDS=50
cmds_run() { [ "$(cat "$W"/*.rc 2>/dev/null | wc -l)" -ge "$1" ]; }
calm() { # stop the storm and wait for every process of it (each command
	# is bounded by its timeout)
	local t=0
	while ! cmds_run $MIN_CMDS && [ $t -lt $((SECS * 4)) ]; do
		sleep 2
		t=$((t + 2))
	done
	touch "$W/stop"
	kill "$(cat "$W/monitor.pid")" 2>/dev/null
	wait
}
judge() { # HALF
	local bad ncmd
	ncmd=$(cat "$W"/*.rc 2>/dev/null | wc -l)
	bad=$(cat "$W"/*.bad 2>/dev/null | wc -l)
	echo "storm $1: $ncmd commands, $(cat "$W"/*.rc | grep -c '^0$') succeeded, $(cat "$W/hp.rounds" 2>/dev/null || echo 0) hotplug rounds"
	[ "$bad" -eq 0 ] || head -n 20 "$W"/*.bad
	check_output "storm $1: every command ended cleanly (success, or exit 1 with a message)" '^0$' echo "$bad"
	expect_ge "storm $1: commands run" "$ncmd" $MIN_CMDS
	rm -f "$W"/*.rc "$W"/*.bad "$W/hp.rounds"
}

dmesg_mark
# --- the first half, then rmmod in the middle of it -----------------------
steady
storm 1
httpload -c 4 -t "$SECS" 10.7.0.2 > "$W/load1" 2>&1 &
load=$!
sleep "$SECS"
# The module goes while the storm goes on: refused while a console or a VM
# descriptor is open (EBUSY), so tried until it goes.
tries=0
while ! rmmod denali 2>/dev/null; do
	tries=$((tries + 1))
	[ $tries -ge 600 ] && break
	sleep 0.1
done
not_loaded() { ! module_loaded denali; }
echo "storm: rmmod refused $tries times (module in use) before it went"
check "rmmod in the middle of the storm" not_loaded
wait "$load"
cat "$W/load1"
sleep 5
# Without the module every command is refused cleanly.
check_output "no denali device after the unload" '^0$' sh -c 'ip -o link | grep -c dns'
check "load again under the storm" load_denali
sleep "$SECS"
calm
judge 1

# --- the second half, then rmmod at the end of it -------------------------
steady
storm 2
httpload -c 4 -t "$SECS" 10.7.0.2 > "$W/load2" 2>&1
check_output "the web VM served through the storm" '^httpload: requests=[1-9][0-9]* errors=0 ' cat "$W/load2"
calm
judge 2
check_output "cpu1 online after the storm" '^1$' cat /sys/devices/system/cpu/cpu1/online
# Every VM still there ends now; their pages go back.
for n in $(denalictl list -j | tr ',' '\n' | sed -n 's/.*"name":"\([^"]*\)".*/\1/p'); do
	denalictl destroy "$n" >/dev/null 2>&1
done
check_output "no resident page left" '"resident_pages":0' denalictl stats -j
# Then VMs running again, with NICs and disks, for the unload.
denalictl create s0 --mem 2M --image /guests/spin.elf --nic "name=dns0,bridge=brs" --disk "$W/d0.img" >/dev/null
denalictl start s0 >/dev/null
steady
check "rmmod at the end with VMs running" unload_denali
check_output "no denali device left" '^0$' sh -c 'ip -o link | grep -c dns'
check_output "no bridge port left" '^0$' sh -c 'ls /sys/class/net/brs/brif | wc -l'
ip link del brs
check_kernel_log "storm kernel log clean" since-mark
