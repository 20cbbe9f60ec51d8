#!/bin/sh
# Isolation at scale: thousands of web VMs (httpd, a NIC each, on bridges
# of at most 1,000 ports) created in batches while the VMs already up
# serve a request load; at the end every VM is alive and answers, none was
# killed, and no VM's control block ever held state it was not given
# (the module checks every VMCB/VMCS around each entry and says so in
# dmesg). Sizes: SCALE_VMS, SCALE_BATCH (environment, for longer runs).
# denali-boot: scale
# denali-timeout: 3000
. /tests/vm/lib.sh

case "$BACKEND" in
vmx) VMS=${SCALE_VMS:-24} BATCH=${SCALE_BATCH:-8} ;;
*) VMS=${SCALE_VMS:-1000} BATCH=${SCALE_BATCH:-100} ;;
esac
PER_BRIDGE=1000

# addr_of N: VM N's bridge in $b, address in $ip (10.(100+bridge).x.y) and
# MAC in $mac (02:de:00:0b:HH:LL), computed without a fork (on the test VM
# a fork costs tens of milliseconds, and this runs thousands of times).
_hex=0123456789abcdef
addr_of() {
	local j=$(($1 % PER_BRIDGE))
	b=$(($1 / PER_BRIDGE))
	ip=10.$((100 + b)).$((j / 250)).$((j % 250 + 2))
	mac=02:de:00:0b:${_hex:$(($1 / 4096 % 16)):1}${_hex:$(($1 / 256 % 16)):1}:${_hex:$(($1 / 16 % 16)):1}${_hex:$(($1 % 16)):1}
}
# batch_listening N: N of the VMs whose consoles $CASE_TMP/consoles reads
# (one denalictl for them all) have said they listen, counted in $heard
# over the calls: reading a console takes what it has said.
batch_listening() {
	heard=$((heard + $(denalictl --force -b "$CASE_TMP/consoles" </dev/null 2>/dev/null | grep -c '^httpd: listening')))
	[ "$heard" -ge "$1" ]
}

# Memory before and after (accounted, not asserted: the kernel keeps
# caches of its own, sysfs and neighbour entries among them).
meminfo() { # FILE: the fields that say where memory went, after dropping caches
	sync
	echo 3 > /proc/sys/vm/drop_caches
	grep -E '^(MemFree|MemAvailable|Cached|Slab|SReclaimable|SUnreclaim|KernelStack|PageTables|Percpu|VmallocUsed):' /proc/meminfo > "$1"
}
meminfo "$CASE_TMP/mem.before"

dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

workers_off_cpu0

nb=$(( (VMS + PER_BRIDGE - 1) / PER_BRIDGE ))
b=0
while [ $b -lt $nb ]; do
	ip link add "brs$b" type bridge && ip addr add "10.$((100 + b)).0.1/16" dev "brs$b" &&
		ip link set "brs$b" up || fail "bridge brs$b" "cannot set it up"
	b=$((b + 1))
done

# Load on the VMs already up, restarted with each batch; every run of it
# must see no error.
load_pid= load_bad=0 load_why=
stop_load() {
	[ -n "$load_pid" ] || return 0
	kill "$load_pid" 2>/dev/null
	wait "$load_pid" 2>/dev/null
	if ! grep -q ' errors=0 ' "$load_file"; then
		load_bad=$((load_bad + 1))
		[ -n "$load_why" ] || load_why=$(tail -n 3 "$load_file" | tr '\n' ' ' | cut -c1-300)
	fi
	load_pid=
}
start_load() { # N: VMs 0..N-1 are up
	local hosts="" k=0 step=$(( $1 / 64 + 1 ))
	stop_load
	while [ $k -lt "$1" ]; do
		addr_of $k
		hosts="$hosts $ip"
		k=$((k + step))
	done
	# shellcheck disable=SC2086
	load_file=$CASE_TMP/load.$1
	httpload -c 8 -r 20 -t 3600 -p /hello.txt $hosts > "$load_file" 2>&1 &
	load_pid=$!
}

# scale_batch FILE: runs a denalictl batch to its end; each command that
# failed counts in bad_create, and the first says why.
scale_batch() {
	local out
	out=$(denalictl --force -b "$1" 2>&1) && return
	bad_create=$((bad_create + $(echo "$out" | grep -c ': command failed$')))
	[ -n "$why" ] || why=$(echo "$out" | head -n 2 | tr '\n' ' ')
}
created=0 bad_create=0 why=
t0=$(date +%s)
while [ $created -lt $VMS ]; do
	end=$((created + BATCH))
	[ $end -gt $VMS ] && end=$VMS
	i=$created
	: > "$CASE_TMP/create"
	: > "$CASE_TMP/start"
	: > "$CASE_TMP/consoles"
	while [ $i -lt $end ]; do
		addr_of $i
		echo "create s$i --mem 4M --image /guests/httpd.elf --cmdline 'ip=$ip/16 gw=10.$((100 + b)).0.1' --nic name=dns$i,bridge=brs$b,mac=$mac" >> "$CASE_TMP/create"
		echo "start s$i" >> "$CASE_TMP/start"
		echo "console s$i --no-input" >> "$CASE_TMP/consoles"
		# Broadcasts on a bridge of 1,000 ports wake every VM on it,
		# and TCG emulates 1,000 wake-ups in about a second. So the
		# host knows every VM's address (it never asks), and the VMs'
		# ports are isolated: what a VM broadcasts (its gratuitous ARP
		# when it starts, its request for the host's address before
		# its first answer) reaches the host only, not the other VMs.
		echo "neigh replace $ip lladdr $mac dev brs$b nud permanent" >> "$CASE_TMP/neigh"
		echo "link set dev dns$i type bridge_slave isolated on" >> "$CASE_TMP/neigh"
		i=$((i + 1))
	done
	# One denalictl for the batch's creations, one for its starts.
	scale_batch "$CASE_TMP/create"
	ip -batch "$CASE_TMP/neigh" || fail "static neighbours and isolated ports of s$created-s$((end - 1))" "ip -batch failed"
	scale_batch "$CASE_TMP/start"
	: > "$CASE_TMP/neigh"
	# Wait for this batch to listen (all consoles read by one denalictl),
	# then load everything up so far.
	heard=0
	wait_for 300 batch_listening $((end - created)) ||
		echo "scale: $heard of s$created-s$((end - 1)) said they listen after 300 s"
	# The load moves on to everything up so far; after the last batch
	# the webcheck below takes over (a load started only to be killed at
	# once could die before it has said anything).
	created=$end
	[ $created -lt $VMS ] && start_load $created
	echo "scale: $created VMs up after $(( $(date +%s) - t0 )) s"
done
[ $bad_create -eq 0 ] && pass "$VMS web VMs created and started in batches of $BATCH under load" ||
	fail "$VMS web VMs created and started in batches of $BATCH under load" "$bad_create failed, first $(echo "$why" | cut -c1-200)"
stop_load
[ $load_bad -eq 0 ] && pass "the load beside the creations saw no error" ||
	fail "the load beside the creations saw no error" "$load_bad runs had errors, first: $load_why"

# Every VM answers (a second try for a slow one), none was killed.
i=0
while [ $i -lt $VMS ]; do
	addr_of $i
	echo "$ip"
	i=$((i + 1))
done > "$CASE_TMP/addrs"
# 16 at a time, 60 s each: under TCG the VMs together answer a few
# requests a second, so more in flight only makes each wait longer (at
# 64 and 20 s, on a loaded machine, every request timed out).
web_all() {
	webcheck -c 16 -t 60 -b "Hello from Ilwaco on Denali." < "$CASE_TMP/addrs" > "$CASE_TMP/webcheck" 2>&1
	local rc=$?
	cat "$CASE_TMP/webcheck"
	return $rc
}
check_output "all $VMS web VMs answer" "^webcheck: hosts=$VMS answered=$VMS failed=0 " web_all
grep '^webcheck: hosts=' "$CASE_TMP/webcheck"
echo "scale: frames dropped at the VMs' receive queues: $(denalictl list -j | grep -o '"rx_dropped":[0-9]*' | awk -F: '{ n += $2 } END { print n + 0 }')"
notrunning=$(denalictl list -j | tr '{' '\n' | grep '"name":"s[0-9]' | grep -vc '"state":"running"')
if [ "$notrunning" -eq 0 ]; then
	pass "no web VM was killed"
else
	denalictl list -j | tr '{' '\n' | grep '"name":"s[0-9]' | grep -v '"state":"running"' | head -n 20 | cut -c1-300
	fail "no web VM was killed" "$notrunning are not running"
fi
check_output "no control block held foreign state" '^0$' sh -c "dmesg | grep -c 'holds state it was never given'"

check "unload with $VMS web VMs" unload_denali
b=0
while [ $b -lt $nb ]; do
	ip link del "brs$b"
	b=$((b + 1))
done
meminfo "$CASE_TMP/mem.after"
echo "scale: memory after unload and bridge removal, against before the load (KiB):"
paste "$CASE_TMP/mem.before" "$CASE_TMP/mem.after" |
	awk '{ printf "scale:   %-14s %9d -> %9d (%+d)\n", $1, $2, $5, $5 - $2 }'
check_kernel_log "scale kernel log clean" since-mark
