#!/bin/sh
# Networking: virtual NICs that are Linux devices on a Linux bridge, lwIP
# guests (httpd, udpecho, netclient) reached with the real curl and
# busybox ping (busybox's static wget crashes on this libc: not used);
# VM to VM through the bridge; 1,000 requests (300 on Bochs and on the
# debug kernel); a request storm; malformed
# frames from a raw socket; a hostile and a flooding guest; destroy and
# unload while traffic flows.
# denali-boot: net
# denali-timeout: 3000
. /tests/vm/lib.sh

# Bochs (VT-x) is about 100 times slower than QEMU, and its clock counts
# emulated instructions: a VM exit costs it much host time for little
# emulated time, so a storm "for 3 seconds" there is hundreds of thousands
# of requests and an hour. On Bochs storms and floods are counted instead.
# A second of its guest clock with VMs running costs 25 s or more, so
# pings, idle spells and request loops are shorter there too.
case "$BACKEND" in
vmx) STORM="-n 60000" STORM_CONNS=4 STORM_PAGE=/hello.txt FLOOD="seconds=60 frames=5000"
     GEN=131072 RAW=100 BIG=0 PINGS=1 IDLE_SECS=3 REQS=300 ;;
*) STORM="-t 10" STORM_CONNS=32 STORM_PAGE=/big.bin FLOOD="seconds=5"
   GEN=1000000 RAW=3000 BIG=200 PINGS=3 IDLE_SECS=10 REQS=1000 ;;
esac
# On the debug kernel (KASAN and lockdep on every frame's path, under TCG)
# the same paths with fewer repetitions; the plain kernel's volume is the
# scale boot's (1,000 web VMs on a bridge).
if [ "$BACKEND" = svm ] && [ "${DENALI_FLAVOUR:-plain}" = debug ]; then
	STORM_CONNS=8 RAW=1000 BIG=50 PINGS=1 IDLE_SECS=5 REQS=300
fi
WEBS="1 2 3"
out=$CASE_TMP/out

ip_of() { echo "10.0.0.1$1"; }
# console_has NAME REGEX: the VM's console (what the module holds) matches.
console_has() {
	denalictl console "$1" --no-input </dev/null 2>/dev/null | grep -q "$2"
}
nic_num() { # NAME KEY: KEY of the VM's first NIC in show -j
	denalictl show "$1" -j | sed -n 's/.*"nics":\[\(.*\)\].*/\1/p' |
		sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" | head -n 1
}
link_stat() { # IF rx|tx FIELD: from /sys/class/net
	cat "/sys/class/net/$1/statistics/$2_$3" 2>/dev/null
}
http_code() { # URL
	curl -s -o /dev/null -m 20 -w '%{http_code}' "$1"
}
# web_answers N: web N serves hello.txt right now.
web_answers() {
	[ "$(curl -s -m 20 "http://$(ip_of "$1")/hello.txt")" = "Hello from Ilwaco on Denali." ]
}

dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

# --- The bridge, and three web servers on it ----------------------------------
check "create bridge br0" ip link add br0 type bridge
check "br0 gets 10.0.0.1/24" ip addr add 10.0.0.1/24 dev br0
check "br0 up" ip link set br0 up

for i in $WEBS; do
	check "create web$i with a NIC on br0" denalictl create "web$i" --image /guests/httpd.elf \
		--cmdline "ip=$(ip_of "$i")/24 gw=10.0.0.1" --nic "name=dnlw$i,bridge=br0"
	check "start web$i" denalictl start "web$i"
done
for i in $WEBS; do
	if wait_for 120 console_has "web$i" '^httpd: listening'; then
		pass "web$i listens"
	else
		fail "web$i listens" "$(denalictl console "web$i" --no-input </dev/null 2>&1 | tail -n 5)"
	fi
	check_output "dnlw$i is a Linux device on br0, up" 'UP,LOWER_UP.*master br0' ip link show dnlw$i
	check_output "dnlw$i forwards at once" 'master br0 state forwarding' bridge link show dev dnlw$i
	check_output "web$i shows its NIC" "\"ifname\": *\"dnlw$i\"" denalictl show "web$i" -j
done
check_output "denalictl show lists the NIC" '^nic 0: *dnlw1 ' denalictl show web1

# --- ping, and the MAC the guest uses is the NIC's ------------------------------
for i in $WEBS; do
	check "ping web$i" ping -c $PINGS -W 5 "$(ip_of "$i")"
	mac=$(denalictl show "web$i" -j | sed -n 's/.*"mac": *"\([0-9a-f:]*\)".*/\1/p' | head -n 1)
	check_output "web$i answers ARP with its NIC's MAC ($mac)" "lladdr $mac" ip neigh show "$(ip_of "$i")"
	check_output "dnlw$i, the host end, has its own MAC" "link/ether f[ae]:${mac#??:}" ip link show dnlw$i
done

# --- Pages, byte-exact -------------------------------------------------------
for i in $WEBS; do
	a=$(ip_of "$i")
	check "web$i hello.txt with curl" sh -c "curl -sf -m 30 -o $out http://$a/hello.txt"
	check "web$i hello.txt is byte-exact" sh -c "printf 'Hello from Ilwaco on Denali.\n' | cmp - $out"
	check "web$i big.bin with curl" sh -c "curl -sf -m 60 -o $out http://$a/big.bin"
	check "web$i big.bin is byte-exact (65536 bytes)" sh -c "pattern 65536 | cmp - $out"
	for p in index.html style.css big.bin; do
		rm -f "$out"
		check "web$i $p is byte-exact" sh -c \
			"curl -sf -m 60 -o $out http://$a/$p && cmp /tests/httpd-pages/$p $out"
	done
	check "web$i / is index.html" sh -c \
		"curl -sf -m 30 -o $out http://$a/ && cmp /tests/httpd-pages/index.html $out"
	check_output "web$i index.html is the page" '<h1>Ilwaco httpd</h1>' cat "$out"
	check_output "web$i index.html Content-Length is its size" \
		"^Content-Length: $(wc -c < "$out")" sh -c "curl -sI -m 30 http://$a/index.html | tr -d '\r'"
done
a=$(ip_of 1)
check "a $GEN-byte page is byte-exact" sh -c "curl -sf -m 300 -o $out http://$a/gen/$GEN && pattern $GEN | cmp - $out"
check_output "Content-Type text/html for .html" '^Content-Type: text/html' \
	sh -c "curl -sI -m 30 http://$a/index.html | tr -d '\r'"
check_output "Content-Type text/plain for .txt" '^Content-Type: text/plain' \
	sh -c "curl -sI -m 30 http://$a/hello.txt | tr -d '\r'"
check_output "Content-Type text/css for .css" '^Content-Type: text/css' \
	sh -c "curl -sI -m 30 http://$a/style.css | tr -d '\r'"
check_output "a missing path is 404" '^404$' http_code "http://$a/no/such/page"
check_output "garbage is 400" '^HTTP/1.1 400' \
	sh -c "printf 'HELLO THERE\r\n\r\n' | nc -w 10 $a 80"
check_output "keep-alive: two requests on one connection" 'Re-using existing connection|Reusing existing' \
	sh -c "curl -sv -m 30 -o /dev/null -o /dev/null http://$a/hello.txt http://$a/style.css 2>&1"
# Clients that go away mid-request and mid-response.
printf 'GET /big.bin HTTP/1.1\r\nHo' | nc -w 1 "$a" 80 > /dev/null 2>&1
printf 'GET /gen/%s HTTP/1.1\r\nHost: x\r\n\r\n' "$GEN" | timeout 1 nc "$a" 80 > /dev/null 2>&1
pids=
for n in 1 2 3 4 5 6 7 8; do
	printf 'GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 1 nc "$a" 80 > /dev/null 2>&1 &
	pids="$pids $!"
done
wait $pids
check "web1 answers after clients vanished mid-request" web_answers 1

# --- An idle web server sleeps until lwIP's next timer -----------------------------
# lwIP's timers: ARP's once a second, TCP's four times a second while a
# connection (TIME_WAIT ones included) exists. The VM wakes for those and
# nothing else; a spinning idle loop would take every quantum instead,
# about 1,000 a second. The bound leaves room for the host's ARP.
w0=$(denalictl show web3 -j | sed -n 's/.*"wake_timeout": *\([0-9]*\).*/\1/p')
q0=$(denalictl show web3 -j | sed -n 's/.*"quanta": *\([0-9]*\).*/\1/p')
sleep $IDLE_SECS
w1=$(denalictl show web3 -j | sed -n 's/.*"wake_timeout": *\([0-9]*\).*/\1/p')
q1=$(denalictl show web3 -j | sed -n 's/.*"quanta": *\([0-9]*\).*/\1/p')
echo "  idle web3 in $IDLE_SECS s: $((w1 - w0)) timeout wake-ups, $((q1 - q0)) quanta"
expect_ge "idle web3 woke for lwIP's timers" "$((w1 - w0))" $((IDLE_SECS / 2))
check "idle web3 took at most $((IDLE_SECS * 15)) quanta in $IDLE_SECS s" test "$((q1 - q0))" -le $((IDLE_SECS * 15))

# --- 1,000 requests in a loop to one VM ------------------------------------------
check_output "$REQS requests to web1, all answered" "requests=$REQS errors=0 " \
	httpload -c 1 -n $REQS -p /hello.txt "$a"
[ "$BIG" -gt 0 ] && check_output "$BIG requests of big.bin on 4 connections, all answered" \
	"requests=$BIG errors=0 " httpload -c 4 -n "$BIG" -p /big.bin "$a"

# --- A storm against web1 does not stop web2 from answering ----------------
httpload -q -c "$STORM_CONNS" $STORM -p "$STORM_PAGE" "$a" > "$CASE_TMP/storm" 2>&1 &
storm=$!
# "During": web1 took storm frames between web2's first and last answer
# (counted, not timed: Bochs' clock is no measure of overlap).
f0=$(link_stat dnlw1 tx packets)
ok=0
for n in 1 2 3 4 5; do web_answers 2 && ok=$((ok + 1)); done
f1=$(link_stat dnlw1 tx packets)
# The storm has done its part: it ran while web2 answered. Its count or
# time is only an upper bound; httpload prints its line when stopped.
kill $storm 2>/dev/null
wait $storm
echo "  storm: $(cat "$CASE_TMP/storm")"
check_output "web2 answered 5 of 5 during a storm against web1" '^5$' echo $ok
expect_ge "web1 took storm frames meanwhile" "$((f1 - f0))" 100
check "web1 answers after the storm" web_answers 1

# --- VM to VM through the bridge: UDP echo ---------------------------------------
check "create udpecho" denalictl create echo1 --image /guests/udpecho.elf \
	--cmdline "ip=10.0.0.21/24" --nic "name=dnle1,bridge=br0"
check "start udpecho" denalictl start echo1
wait_for 60 console_has echo1 '^udpecho: listening'
check "create netclient" denalictl create client1 --image /guests/netclient.elf \
	--cmdline "ip=10.0.0.22/24 peer=10.0.0.21 n=100" --nic "name=dnlc1,bridge=br0"
check "start netclient" denalictl start client1
wait_for 300 vm_ended client1
check_output "netclient got 100 echoes from udpecho, VM to VM" '^netclient ok 100' \
	denalictl console client1 --no-input
check_output "netclient halts with 0" '"state":"halted".*"exit_code":0[,}]' denalictl show client1 -j
check_output "the host's UDP datagram is echoed too" '^denali-udp$' \
	udpsend 10.0.0.21 7 denali-udp
denalictl destroy client1

# --- Malformed frames from a raw socket: on the bridge and straight into a NIC ---
for mode in short runt random ipjunk big; do
	for dev in br0 dnlw1; do
		check "rawframe $mode on $dev" rawframe "$dev" "$mode" "$RAW"
	done
done
# Random frames are unicast to a random MAC half the time: the NIC's
# address filter keeps those from the guest (the bridge floods them to
# every port, so web2 and web3 see those sent on br0).
expect_ge "web1's NIC filtered the unicast frames for other MACs" "$(nic_num web1 rx_filtered)" $((RAW / 4))
expect_ge "web2's NIC filtered the flooded ones" "$(nic_num web2 rx_filtered)" $((RAW / 8))
for i in $WEBS; do
	check "web$i answers after the malformed frames" web_answers "$i"
	check_output "web$i still runs" '^running$' vm_field "web$i" state
done

# --- Honest counters -------------------------------------------------------------
expect_ge "dnlw1 rx_packets (frames from the guest)" "$(link_stat dnlw1 rx packets)" $REQS
expect_ge "dnlw1 tx_packets (frames the guest took)" "$(link_stat dnlw1 tx packets)" $REQS
expect_ge "dnlw1 rx_bytes" "$(link_stat dnlw1 rx bytes)" $((BIG * 65536 + REQS * 29))
check_output "ip -s link shows the counters" 'RX:.*bytes' ip -s link show dnlw1

# --- A hostile guest: bad lengths and NICs refused, then killed for a bad gpa ----
check "create bad-netsend with a NIC" denalictl create badnet --image /guests/bad-netsend.elf \
	--nic "name=dnlbad,bridge=br0"
check "start bad-netsend" denalictl start badnet
wait_for 60 vm_ended badnet
# Reading the console takes what it holds: once, into a file.
denalictl console badnet --no-input > "$CASE_TMP/badnet.console" 2>&1
sed 's/^/  | /' "$CASE_TMP/badnet.console"
check_output "bad-netsend is killed for its gpa" '"state":"crashed".*"crash_reason":"bad_argument"' \
	denalictl show badnet -j
expect_ge "bad-netsend's bad lengths and source were refused and counted" "$(nic_num badnet tx_rejected)" 5
check_output "a frame from another MAC is refused (EPERM)" '^bad-netsend: NET_SEND from another MAC: -1[[:space:]]*$' \
	cat "$CASE_TMP/badnet.console"
expect_ge "dnlbad counted it as a frame error" "$(link_stat dnlbad rx frame_errors)" 1
expect_ge "dnlbad counted them as length errors" "$(link_stat dnlbad rx length_errors)" 4
check "destroy bad-netsend" denalictl destroy badnet
check "its NIC is gone" sh -c '! ip link show dnlbad 2>/dev/null'
# A NIC for a guest that bridges may send from any address.
check "create bad-netsend with a source=any NIC" denalictl create badnet2 --image /guests/bad-netsend.elf \
	--nic "name=dnlbad2,bridge=br0,source=any"
check_output "its NIC says source any" '"source":"any"' denalictl show badnet2 -j
check "start it" denalictl start badnet2
wait_for 60 vm_ended badnet2
check_output "a frame from another MAC goes out on a source=any NIC" \
	'^bad-netsend: NET_SEND from another MAC: 60[[:space:]]*$' denalictl console badnet2 --no-input
check_output "and is not counted as a frame error" '^0$' link_stat dnlbad2 rx frame_errors
check "destroy it" denalictl destroy badnet2
check_fails "source=maybe is a usage error" any denalictl create badnet3 --nic "source=maybe"

# --- A flooding guest does not starve the others -----------------------------------
check "create netflood" denalictl create flood --image /guests/netflood.elf \
	--cmdline "$FLOOD" --nic "name=dnlf,bridge=br0"
check "start netflood" denalictl start flood
sleep 1
ok=0
for n in 1 2 3 4 5; do web_answers 3 && ok=$((ok + 1)); done
check_output "web3 answered 5 of 5 during a flood" '^5$' echo $ok
wait_for 300 vm_ended flood
check_output "netflood sent frames" '^netflood: sent [1-9]' denalictl console flood --no-input
check "web1 answers after the flood" web_answers 1
check "destroy netflood" denalictl destroy flood

# --- Destroy while traffic flows; unload with NICs left --------------------------
t0=$(link_stat dnlw3 tx packets)
web3_busy() { [ "$(link_stat dnlw3 tx packets)" -gt $((t0 + 200)) ]; }
httpload -q -c 8 -t 600 -p "$STORM_PAGE" "$(ip_of 3)" > /dev/null 2>&1 &
load=$!
check "traffic flows to web3" wait_for 60 web3_busy
check "destroy web3 while it serves a storm" denalictl destroy web3
check "dnlw3 is gone" sh -c '! ip link show dnlw3 2>/dev/null'
kill $load 2>/dev/null
wait $load
check "web2 answers after web3 went" web_answers 2
check "ip link del removes a NIC" ip link del dnlw2
check_output "web2 has no NIC left" '"nics":\[\]' denalictl show web2 -j
check "web1 still answers" web_answers 1
check "unload with VMs and NICs still there" unload_denali
check_output "no dnl device left" '^0$' sh -c 'ip -o link show | grep -c dnl'
check "delete br0" ip link del br0
check_kernel_log "net kernel log clean" since-mark
