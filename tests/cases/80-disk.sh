#!/bin/sh
# Disks: host files attached to VMs (denalictl opens them, the module never
# opens a path), asynchronous 4 KiB block I/O with a completion ring,
# read-only sharing of one site image by many web servers, durability of
# flushed writes across a killed guest, the read-write exclusivity rule,
# a hostile guest, and teardown with I/O in flight.
# denali-boot: net
# denali-timeout: 3000
. /tests/vm/lib.sh

# Bochs (VT-x) is about 100 times slower than QEMU, and the debug kernel
# several times: fewer web servers.
case "$BACKEND" in
vmx) SITES=10 ;;
*) SITES=50 ;;
esac
[ "$BACKEND" = svm ] && [ "${DENALI_FLAVOUR:-plain}" = debug ] && SITES=20
D=$CASE_TMP
out=$D/out

# Reading a console takes what it holds: keep it all in $D/NAME.con.
console_of() {
	denalictl console "$1" --no-input </dev/null 2>/dev/null >> "$D/$1.con"
	cat "$D/$1.con"
}
console_has() { console_of "$1" | grep -q "$2"; }
disk_num() { # NAME INDEX KEY: KEY of disk INDEX in show -j
	denalictl show "$1" -j | sed -n 's/.*"disks":\[\(.*\)\].*/\1/p' | sed 's/},{/}\n{/g' |
		grep "\"index\": *$2[,}]" | sed -n "s/.*\"$3\": *\([0-9a-z]*\).*/\1/p" | head -n 1
}
halted0() {
	[ "$(vm_field "$1" state)" = halted ] && [ "$(vm_field "$1" exit_code)" = 0 ]
}
# pad FILE: round FILE up to whole 4 KiB blocks (the module uses whole blocks).
pad() {
	local size
	size=$(wc -c < "$1")
	truncate -s $(((size + 4095) / 4096 * 4096)) "$1"
}

dmesg_mark
load_denali || { fail "load" "insmod failed"; exit 0; }

dd if=/dev/zero of=$D/rw.img bs=4096 count=256 2>/dev/null
dd if=/dev/zero of=$D/ro.img bs=4096 count=16 2>/dev/null
dd if=/dev/zero of=$D/dur.img bs=4096 count=64 2>/dev/null
dd if=/dev/zero of=$D/dur2.img bs=4096 count=64 2>/dev/null
dd if=/dev/zero of=$D/bad.img bs=4096 count=64 2>/dev/null

# --- disktest: patterns, flush, read back; the errors a request can get -------
check "create disktest with a rw and a ro disk" denalictl create dt --image /guests/disktest.elf \
	--disk $D/rw.img --disk $D/ro.img:ro --cmdline "disk=0 ro=1 blocks=128 seed=7"
check "start disktest" denalictl start dt
wait_for 600 vm_ended dt
console_of dt > $out
sed 's/^/  | /' $out
check "disktest halts with 0" halted0 dt
check_output "disktest wrote, flushed, read back and checked 128 blocks" '^disktest ok 128 blocks seed 7' cat $out
check_output "a block past the end fails with EINVAL, for that request only" \
	'^disktest: past the end: read -22, write -22' cat $out
check_output "a write to the read-only disk fails with EROFS" '^disktest: ro disk 1: write -30, read 0' cat $out
check_output "show lists both disks" '^disk 1: .*ro\.img' denalictl show dt
expect_ge "disk 0 counted the writes" "$(disk_num dt 0 writes)" 128
expect_ge "disk 0 counted the reads" "$(disk_num dt 0 reads)" 128
expect_ge "disk 0 counted a flush" "$(disk_num dt 0 flushes)" 1
expect_ge "disk 0 counted the errors" "$(disk_num dt 0 errors)" 2
check_output "the ro disk is read-only in show -j" '"ro": *true' sh -c "denalictl show dt -j | sed 's/.*\"disks\"//'"
check "destroy disktest" denalictl destroy dt

# --- A file is read-write in one VM at most; read-only in any number ---------
check "create rw1 with rw.img read-write" denalictl create rw1 --image /guests/hello.elf --disk $D/rw.img
check_fails "a second read-write attachment of rw.img is refused" 1 \
	denalictl create rw2 --image /guests/hello.elf --disk $D/rw.img
check_output "the refusal says why" 'already attached' sh -c \
	"denalictl create rw2 --image /guests/hello.elf --disk $D/rw.img 2>&1"
check_fails "and leaves no half-made VM" 1 denalictl show rw2
check_fails "rw.img read-only while read-write elsewhere is refused" 1 \
	denalictl create rw3 --image /guests/hello.elf --disk $D/rw.img:ro
check "ro.img read-only in a first VM" denalictl create ro1 --image /guests/hello.elf --disk $D/ro.img:ro
check "ro.img read-only in a second VM" denalictl create ro2 --image /guests/hello.elf --disk $D/ro.img:ro
check_fails "ro.img read-write while shared read-only is refused" 1 \
	denalictl disk attach rw1 $D/ro.img
check "disk attach: ro.img read-only to rw1 too" denalictl disk attach rw1 $D/ro.img:ro
check_output "disk list shows two disks" '^disk 1: ' denalictl disk list rw1
check "disk detach" denalictl disk detach rw1 1
check_fails "detach of a disk that is not there" 1 denalictl disk detach rw1 1
check "destroy rw1" denalictl destroy rw1
check "rw.img read-write again once rw1 is gone" denalictl create rw4 --image /guests/hello.elf --disk $D/rw.img
for v in ro1 ro2 rw4; do denalictl destroy $v; done

# --- Durability: a guest killed after its flush loses nothing it flushed ---------
check "create a writer on dur.img" denalictl create dur --image /guests/disktest.elf \
	--disk $D/dur.img --cmdline "mode=write-then-hang blocks=48 seed=11"
check "start the writer" denalictl start dur
if wait_for 300 console_has dur '^disktest: flushed 48 blocks seed 11'; then
	pass "the writer flushed 48 blocks"
else
	fail "the writer flushed 48 blocks" "$(console_of dur | tail -n 3)"
fi
check "kill the writer right after its flush" denalictl stop dur
check "destroy the writer" denalictl destroy dur
# bad_blocks FILE N SEED: how many of the first N blocks of FILE, on the
# host side, do not start with their number and SEED (u64 each, LE).
bad_blocks() {
	local file=$1 n=$2 seed=$3 bad=0 b=0
	while [ $b -lt "$n" ]; do
		set -- $(od -An -tu8 -j $((b * 4096)) -N 16 "$file")
		[ "$1" = "$b" ] && [ "$2" = "$seed" ] || bad=$((bad + 1))
		b=$((b + 1))
	done
	echo $bad
}
check_output "the file on the host has all 48 flushed blocks" '^0$' bad_blocks $D/dur.img 48 11
check "a writer that crashes right after its flush" denalictl create crash --image /guests/disktest.elf \
	--disk $D/dur2.img --cmdline "mode=write-then-crash blocks=40 seed=12"
denalictl start crash
wait_for 300 vm_ended crash
check_output "it crashed" '"state":"crashed".*"crash_reason":"hlt_if0"' denalictl show crash -j
check_output "after its flush" '^disktest: flushed 40 blocks seed 12' console_of crash
denalictl destroy crash
check_output "the crashed guest's 40 flushed blocks are all in the file" '^0$' \
	bad_blocks $D/dur2.img 40 12
check "a new VM reads every flushed block back" denalictl create ver --image /guests/disktest.elf \
	--disk $D/dur.img:ro --cmdline "mode=verify blocks=48 seed=11"
denalictl start ver
wait_for 300 vm_ended ver
check_output "verify: all 48 blocks as written" '^disktest ok verify 48 blocks seed 11' console_of ver
denalictl destroy ver

# --- One read-only site image, many web servers ----------------------------------
mkdir -p $D/www/docs $D/www/img/deep
printf '<!DOCTYPE html>\n<html><body><h1>Site on a Denali disk</h1></body></html>\n' > $D/www/index.html
printf 'body { color: #123; }\n' > $D/www/style.css
printf '<html><body>docs</body></html>\n' > $D/www/docs/index.html
pattern 300000 > $D/www/big.dat
head -c 5000 /dev/urandom > $D/www/img/deep/random.bin
check "build the site image with tar" tar cf $D/site.tar -C $D/www .
pad $D/site.tar
check "create br0" sh -c 'ip link add br0 type bridge && ip addr add 10.0.0.1/24 dev br0 && ip link set br0 up'
i=1
while [ $i -le $SITES ]; do
	denalictl create "site$i" --image /guests/httpd.elf --disk $D/site.tar:ro \
		--cmdline "ip=10.0.0.$((100 + i))/24 disk=0" --nic "name=dnls$i,bridge=br0" > /dev/null &&
		denalictl start "site$i" || fail "site$i starts" "create or start failed"
	i=$((i + 1))
done
pass "$SITES web servers share site.tar read-only"
serving() { console_has "$1" '^httpd: listening'; }
bad=0
i=1
while [ $i -le $SITES ]; do
	wait_for 120 serving "site$i" || bad=$((bad + 1))
	i=$((i + 1))
done
check_output "all $SITES listen" '^0$' echo $bad
check_output "site1 mounted the archive" '^httpd: serving disk 0: ' console_of site1
# Every file from the first ten, the front page from the others (each
# file from all fifty moved 16 MB through emulated TCP: minutes of the
# suite for nothing the first ten do not show).
bad=0
i=1
while [ $i -le $SITES ]; do
	a=10.0.0.$((100 + i))
	files="index.html style.css docs/index.html big.dat img/deep/random.bin"
	[ $i -gt 10 ] && files=index.html
	for f in $files; do
		rm -f $out
		if ! curl -sf -m 60 -o $out "http://$a/$f" || ! cmp -s $D/www/$f $out; then
			bad=$((bad + 1))
			echo "  site$i /$f: not byte-exact"
		fi
	done
	curl -sf -m 30 -o $out "http://$a/" && cmp -s $D/www/index.html $out || bad=$((bad + 1))
	i=$((i + 1))
done
check_output "every server served its files byte-exact" '^0$' echo $bad
check_output "a file not on the disk falls back to the built-in pages" '^Hello from Ilwaco on Denali.$' \
	curl -s -m 30 http://10.0.0.101/hello.txt
check_output "a missing file is 404" '^404$' curl -s -o /dev/null -m 30 -w '%{http_code}' http://10.0.0.101/nope.html
expect_ge "site1's disk counted its reads" "$(disk_num site1 0 reads)" 1
i=1
while [ $i -le $SITES ]; do denalictl destroy "site$i"; i=$((i + 1)); done
ip link del br0

# --- A hostile guest: flood, bad blocks, bad gpas, bad disks, halt mid-flight ----
check "create a neighbour writing its own disk" denalictl create nb --image /guests/disktest.elf \
	--disk $D/rw.img --cmdline "blocks=64 seed=3"
check "create bad-disk" denalictl create bad --image /guests/bad-disk.elf --disk $D/bad.img
check "start the neighbour" denalictl start nb
check "start bad-disk" denalictl start bad
wait_for 300 vm_ended bad
console_of bad | sed 's/^/  | /'
check_output "bad-disk's flood ended in EAGAIN, not a stall" '^bad-disk: flood: [0-9]* accepted, then -11' console_of bad
check_output "bad block numbers fail with EINVAL" '^bad-disk: READ block 1<<63: 0, completed -22' console_of bad
check_output "bad gpas fail with EFAULT" '^bad-disk: READ gpa ~0-2047: 0, completed -14' console_of bad
check_output "bad disk numbers get ENODEV" '^bad-disk: READ disk 1<<40: -19' console_of bad
check_output "bad-disk halted with requests in flight" '"state":"halted"' denalictl show bad -j
wait_for 600 vm_ended nb
check_output "the neighbour's disk test passed meanwhile" '^disktest ok 64 blocks seed 3' console_of nb
check "destroy bad-disk" denalictl destroy bad
check "destroy the neighbour" denalictl destroy nb

# --- Destroy and unload with I/O in flight ------------------------------------------
check "create a busy writer" denalictl create busy --image /guests/disktest.elf \
	--disk $D/rw.img --cmdline "blocks=256 threads=8 seed=5"
check "start the busy writer" denalictl start busy
sleep 0.2
check "destroy it mid-I/O" denalictl destroy busy
check "its file is free again" denalictl create again --image /guests/disktest.elf \
	--disk $D/rw.img --cmdline "blocks=256 threads=8 seed=6"
check "start another" denalictl start again
sleep 0.2
check "unload with a VM doing disk I/O" unload_denali
check_kernel_log "disk kernel log clean" since-mark
