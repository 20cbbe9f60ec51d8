# shellcheck shell=bash
# Host-side helpers for booting the Denali test VM (sourced by run-tests.sh,
# demo.sh, vm-shell.sh). bash.
#
# Environment knobs:
#   DENALI_ACCEL=auto|tcg|kvm     QEMU accelerator (auto: KVM only when it
#                                 really runs a guest with the extension)
#   DENALI_QEMU_TIMEOUT=1800      hard timeout of one QEMU boot (s; 3600 on
#                                 the debug kernel)
#   DENALI_BOCHS_TIMEOUT=2700     hard timeout of one Bochs boot (s)
#   DENALI_QEMU_MEM=1G            QEMU guest memory
#   DENALI_BOCHS_MEGS=512         Bochs guest memory (MiB)
#   DENALI_QEMU_EXTRA=            more QEMU arguments (word-split)
#   DENALI_QEMU_TCG_OPTS=         more -accel tcg options (thread=single)
#   DENALI_INITRAMFS=O/initramfs.cpio.gz

vm_note() { echo "vm: $*" >&2; }

# The test kernel's image: KDIR is a built tree (the debug kernel) or the
# headers of an installed Debian kernel (the plain flavour,
# scripts/testkernel.sh), whose image is /boot/vmlinuz-RELEASE.
vm_kernel_image() { # KDIR
	if [ -f "$1/arch/x86/boot/bzImage" ]; then
		echo "$1/arch/x86/boot/bzImage"
	elif [ -f "$1/include/config/kernel.release" ]; then
		echo "/boot/vmlinuz-$(cat "$1/include/config/kernel.release")"
	else
		echo "$1/arch/x86/boot/bzImage"
	fi
}

# Kernel arguments for Debian's kernel (empty for the debug one): it has
# IPv6 built in, the test kernels none; its router solicitations and
# multicast reports would reach every Denali NIC on a bridge.
vm_kernel_args() { # KDIR
	[ -f "$1/arch/x86/boot/bzImage" ] || echo "ipv6.disable=1"
}

# QEMU -cpu for a boot group under TCG / KVM ("" if the group is unknown).
vm_qemu_cpu() { # GROUP ACCEL
	local base=qemu64
	[ "$2" = kvm ] && base=host
	case "$1" in
	main | faults | smp | net | volume | scale | flaw) [ "$2" = kvm ] && echo "host" || echo "qemu64,+svm,+npt" ;;
	# checkers: the nohw cases share its boot on the debug kernel
	nohw | checkers) echo "$base,-svm,-vmx" ;;
	nonpt) echo "$base,+svm,-npt" ;;
	*) echo "" ;;
	esac
}

# Kills a process group, politely first.
vm_killpg() { # PGID
	kill -TERM -- "-$1" 2>/dev/null || return 0
	local i
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 -- "-$1" 2>/dev/null || return 0
		sleep 0.3
	done
	kill -KILL -- "-$1" 2>/dev/null
	return 0
}

# vm_cpu_ticks PID: the CPU time (user and system, in clock ticks) that
# PID and its children have used so far.
vm_cpu_ticks() {
	local p f t=0
	for p in $1 $(pgrep -P "$1"); do
		f=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
		[ -n "$f" ] && t=$((t + ${f% *} + ${f#* }))
	done
	echo $t
}

# Watches a running emulator until it exits, the guest reports
# DENALI-SUITE-DONE (then allows GRACE s for the power-off), the kernel
# panics, or TIMEOUT passes. Sets VM_STATUS to done, panic, timeout or
# exited, VM_SECS to the wall time, VM_USER_SECS to the wall time until
# /init started (empty if it never did) and VM_CPU_SECS to the CPU time the
# emulator used (as last seen). The emulator is dead on return.
# KILL is a command run to kill it.
vm_watch() { # PID CONSOLE RESULTS TIMEOUT GRACE KILL...
	local pid=$1 log=$2 res=$3 timeout=$4 grace=$5
	shift 5
	local start=$SECONDS done_at="" panic_at="" nmark=0 nres=0 marks n ticks hz
	hz=$(getconf CLK_TCK)
	VM_STATUS=exited
	VM_USER_SECS=
	VM_CPU_SECS=0
	: > "$log.times"
	while kill -0 "$pid" 2>/dev/null; do
		# The host's clock at each case's start and end and at each
		# verdict (CONSOLE.times): a Bochs guest's clock counts
		# instructions, not seconds.
		marks=$(grep -a -o -e '=== RUN [^ ]*' -e '=== END [^:]*' "$log" 2>/dev/null)
		n=$(printf '%s' "$marks" | grep -c .)
		if [ "$n" -gt "$nmark" ]; then
			printf '%s\n' "$marks" | tail -n +$((nmark + 1)) | sed "s/^=== /$((SECONDS - start)) /" >> "$log.times"
			nmark=$n
		fi
		n=$(wc -l < "$res" 2>/dev/null || echo 0)
		if [ "$n" -gt "$nres" ]; then
			sed -n "$((nres + 1)),${n}p" "$res" | tr -d '\r' | sed "s/^/$((SECONDS - start)) /" >> "$log.times"
			nres=$n
		fi
		ticks=$(vm_cpu_ticks "$pid")
		[ "$ticks" -gt 0 ] && VM_CPU_SECS=$((ticks / hz))
		if [ -z "$VM_USER_SECS" ] && grep -qa 'init: Denali test VM' "$log" 2>/dev/null; then
			VM_USER_SECS=$((SECONDS - start))
		fi
		if [ -z "$panic_at" ] && grep -qa 'Kernel panic' "$log" 2>/dev/null; then
			panic_at=$SECONDS
		fi
		if [ -n "$panic_at" ]; then
			# Let the end of the panic message reach the log.
			if grep -qa 'end Kernel panic' "$log" 2>/dev/null || ((SECONDS - panic_at >= 10)); then
				sleep 1
				VM_STATUS=panic
				break
			fi
		elif [ -z "$done_at" ] && grep -qa 'DENALI-SUITE-DONE' "$log" "$res" 2>/dev/null; then
			done_at=$SECONDS
		fi
		if [ -n "$done_at" ] && ((SECONDS - done_at >= grace)); then
			vm_note "the guest did not power off ${grace} s after DENALI-SUITE-DONE; killing it"
			VM_STATUS="done"
			break
		fi
		if ((SECONDS - start >= timeout)); then
			VM_STATUS=timeout
			break
		fi
		sleep 1
	done
	"$@"
	wait "$pid" 2>/dev/null
	VM_SECS=$((SECONDS - start))
	if [ "$VM_STATUS" = exited ]; then
		if grep -qa 'Kernel panic' "$log" 2>/dev/null; then
			VM_STATUS=panic
		elif grep -qa 'DENALI-SUITE-DONE' "$log" "$res" 2>/dev/null; then
			VM_STATUS="done"
		fi
	fi
}

# Decides, once, whether QEMU may use KVM for BACKEND: the host CPU must
# show the extension, /dev/kvm must be usable, and a probe boot of the test
# VM under KVM must come up and see the extension. Sets VM_ACCEL to kvm or
# tcg.
vm_pick_accel() { # BACKEND KERNEL INITRAMFS WORKDIR
	local backend=$1 kernel=$2 initrd=$3 work=$4
	[ -n "${VM_ACCEL:-}" ] && return 0
	case "${DENALI_ACCEL:-auto}" in
	tcg) VM_ACCEL=tcg; return 0 ;;
	kvm) VM_ACCEL=kvm; return 0 ;;
	auto) ;;
	*) vm_note "DENALI_ACCEL must be auto, tcg or kvm"; exit 2 ;;
	esac
	VM_ACCEL=tcg
	grep -qw "$backend" /proc/cpuinfo || return 0
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 0
	mkdir -p "$work"
	local log=$work/kvm-probe.log
	rm -f "$log"
	setsid timeout -k 5 60 qemu-system-x86_64 -accel kvm -M q35 -cpu host -smp 1 -m 512M \
		-nographic -no-reboot -monitor none -serial "file:$log" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0,115200 panic=-1 quiet denali.mode=probe" \
		</dev/null >/dev/null 2>&1
	if grep -qa "DENALI-PROBE-OK $backend" "$log" 2>/dev/null; then
		VM_ACCEL=kvm
		vm_note "KVM runs the test VM with $backend: using KVM"
	else
		vm_note "/dev/kvm cannot run the test VM with $backend: using TCG"
	fi
}

# Starts QEMU in its own process group. Sets VM_PID.
vm_qemu_start() { # CPU ACCEL KERNEL INITRAMFS CMDLINE CONSOLE RESULTS
	local cpu=$1 accel=$2 kernel=$3 initrd=$4 cmdline=$5 log=$6 res=$7
	# DENALI_QEMU_TCG_OPTS: more TCG options (thread=single: one host
	# thread for both virtual CPUs, no multi-threaded TCG).
	local accelarg="-accel tcg${DENALI_QEMU_TCG_OPTS:+,$DENALI_QEMU_TCG_OPTS}"
	[ "$accel" = kvm ] && accelarg="-accel kvm"
	rm -f "$log" "$res"
	: > "$log"
	: > "$res"
	# shellcheck disable=SC2086
	setsid qemu-system-x86_64 $accelarg -M q35 -cpu "$cpu" -smp 2 -m "${DENALI_QEMU_MEM:-1G}" \
		-nographic -no-reboot -monitor none \
		-serial "file:$log" -serial "file:$res" \
		-nic none ${DENALI_QEMU_EXTRA:-} \
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
		</dev/null >"$log.qemu" 2>&1 &
	VM_PID=$!
}

# Builds the isolinux boot ISO for Bochs.
vm_make_iso() { # KERNEL INITRAMFS CMDLINE WORKDIR ISO
	local kernel=$1 initrd=$2 cmdline=$3 work=$4 iso=$5
	local isolinux=/usr/lib/ISOLINUX/isolinux.bin
	local ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
	[ -f "$isolinux" ] && [ -f "$ldlinux" ] || { vm_note "isolinux/syslinux-common missing"; return 1; }
	rm -rf "$work/iso"
	mkdir -p "$work/iso/isolinux"
	cp "$isolinux" "$ldlinux" "$work/iso/isolinux/"
	cp "$kernel" "$work/iso/vmlinuz"
	cp "$initrd" "$work/iso/initrd.gz"
	cat > "$work/iso/isolinux/isolinux.cfg" <<-EOF
	DEFAULT linux
	PROMPT 0
	TIMEOUT 0
	LABEL linux
	  KERNEL /vmlinuz
	  APPEND initrd=/initrd.gz $cmdline
	EOF
	xorriso -as mkisofs -quiet -o "$iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table "$work/iso" >/dev/null 2>"$work/xorriso.log" || {
		cat "$work/xorriso.log" >&2
		return 1
	}
}

# Starts Bochs (under script(1), since its term display needs a tty) with
# the serial ports in files. Sets VM_PID (the script process; its group)
# and VM_BOCHS_PIDFILE (Bochs itself runs in script's own session).
vm_bochs_start() { # ISO CONSOLE RESULTS WORKDIR
	local iso=$1 log=$2 res=$3 work=$4
	rm -f "$log" "$res" "$work/bochs.pid" "$work/bochs.log"
	: > "$log"
	: > "$res"
	cat > "$work/bochsrc" <<-EOF
	cpu: model=corei7_skylake_x, count=${DENALI_BOCHS_CPUS:-1}, ips=200000000
	megs: ${DENALI_BOCHS_MEGS:-512}
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
	ata0-master: type=cdrom, path=$iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=$log
	com2: enabled=1, mode=file, dev=$res
	display_library: term
	clock: sync=none
	speaker: enabled=0
	log: $work/bochs.log
	panic: action=fatal
	EOF
	echo c > "$work/bochs.cmds"
	(
		cd "$work" || exit 1
		export TERM=xterm LINES=25 COLUMNS=80 SHELL=/bin/sh
		exec setsid script -qfc "echo \$\$ > '$work/bochs.pid'; exec bochs -q -f '$work/bochsrc' -rc '$work/bochs.cmds'" /dev/null
	) </dev/null >"$work/bochs.term" 2>&1 &
	VM_PID=$!
	VM_BOCHS_PIDFILE=$work/bochs.pid
	vm_bochs_drain_screen "$work/bochs.term" &
}

# Bochs built with its debugger draws the term GUI's screen on a pty of its
# own ('Bochs connected to screen "/dev/pts/N"'), meant for a terminal to
# attach to. Nobody does here, so once the guest has written a few KiB of
# text to its VGA console, the pty's buffer is full and Bochs blocks in
# write() for good: the test VM freezes, with nothing in any log. Read
# that pty and throw the screen away. cat ends when Bochs closes it.
vm_bochs_drain_screen() { # TERM-LOG
	local pts= i
	for i in $(seq 300); do
		pts=$(sed -n 's/.*Bochs connected to screen "\(\/dev\/pts\/[0-9]*\)".*/\1/p' "$1" 2>/dev/null | head -n 1)
		[ -n "$pts" ] && break
		sleep 0.2
	done
	if [ -z "$pts" ]; then
		echo "vm: Bochs did not say which pty its screen is on; the VM may freeze once it fills" >&2
		return 0
	fi
	stty -F "$pts" raw -echo 2>/dev/null
	exec cat "$pts" >/dev/null 2>&1 </dev/null
}

vm_bochs_kill() { # SCRIPT-PID PIDFILE
	local bpid
	bpid=$(cat "$2" 2>/dev/null)
	[ -n "$bpid" ] && vm_killpg "$bpid"
	vm_killpg "$1"
}
