#!/bin/bash
# Builds the test VM's initramfs (gzip'd newc cpio).
#
#   scripts/mkinitramfs.sh KDIR MODDIR O OUT
#
# KDIR    the test kernel: a built tree (the debug flavour: KVM modules in
#         it), or the headers of an installed Debian kernel (the plain
#         flavour: its modules come from /lib/modules/RELEASE, and the
#         ones the test kernel has built in go to /lib/modules/boot/,
#         which /init loads in the order of its file "order")
# MODDIR  directory holding denali.ko and, if built, denali-kunit.ko
# O       build output: denalictl, ilwaco/*.elf, tests-bin/*
# OUT     the .cpio.gz to write
#
# Layout of the image:
#   /init                       tests/vm/init
#   /bin/busybox + applets      static busybox, one symlink per applet
#   /usr/sbin/ip, /usr/sbin/bridge   the real iproute2 (+ its shared libraries
#                               and the dynamic loader, at their host paths)
#   /usr/local/bin/curl, /bin/curl   the real curl (the same way)
#   /usr/sbin/dmsetup           the real dmsetup (the same way)
#   /lib/modules/denali/        denali.ko, denali-kunit.ko, denali-checkers.ko (debug kernel)
#   /lib/modules/kvm/           irqbypass.ko, kvm.ko, kvm-amd.ko, kvm-intel.ko (if
#                               the kernel's configuration builds it)
#                               (and ccp.ko, kvm-amd's dependency, on Debian's)
#   /lib/modules/boot/          Debian's kernel: llc, stp, bridge, tun, veth
#   /bin/denalictl, /bin/<O/tests-bin/*>
#   /guests/<name>.elf          O/ilwaco/*.elf
#   /tests/httpd-pages/*        O/ilwaco/httpd-pages/* (what httpd serves)
#   /tests/vm/*, /tests/cases/*, /bench/*.sh from the repository
#
# The archive is made by scripts/mkcpio.py from a file list (in the format
# of the kernel's usr/gen_init_cpio), so it needs no root (device nodes,
# owners) and is reproducible.
# It is rebuilt only when an input changed (a stamp of every input's path,
# size and mtime sits next to OUT).
set -euo pipefail

die() { echo "mkinitramfs: $*" >&2; exit 1; }
warn() { echo "mkinitramfs: warning: $*" >&2; }

[ $# -eq 4 ] || die "usage: $0 KDIR MODDIR O OUT"
kdir=$1 moddir=$2 o=$3 out=$4
top=$(cd "$(dirname "$0")/.." && pwd)

[ -d "$kdir" ] || die "KDIR $kdir is not a directory"
release=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) || die "$kdir has no include/config/kernel.release"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "busybox not found (apt-get install busybox-static)"
# "not a dynamic executable" (ldd exits 1) means static.
is_static() { ! ldd "$1" >/dev/null 2>&1; }
is_static "$busybox" || die "$busybox is not static (install busybox-static)"
ipbin=$(PATH=/usr/sbin:/sbin:/usr/bin:/bin:$PATH command -v ip || true)
bridgebin=$(PATH=/usr/sbin:/sbin:/usr/bin:/bin:$PATH command -v bridge || true)
[ -n "$ipbin" ] && [ -n "$bridgebin" ] || die "ip/bridge not found (apt-get install iproute2)"
curlbin=$(PATH=/usr/bin:/bin:$PATH command -v curl || true)
[ -n "$curlbin" ] || die "curl not found (apt-get install curl)"

mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

# --- the file list: "DEST SRC MODE" for files, built in shell arrays -------
declare -a files=()    # "dest|src|mode"
declare -A seen=()     # dest -> 1
declare -A dirs=()     # dir -> 1
declare -a links=()    # "dest|target"

adddir() {
	local d=$1
	while [ -n "$d" ] && [ "$d" != / ] && [ -z "${dirs[$d]:-}" ]; do
		dirs[$d]=1
		d=$(dirname "$d")
	done
}
addfile() { # DEST SRC [MODE]
	local dest=$1 src=$2 mode=${3:-}
	[ -n "${seen[$dest]:-}" ] && return 0
	[ -f "$src" ] || die "missing input $src"
	if [ -z "$mode" ]; then
		if [ -x "$src" ]; then mode=0755; else mode=0644; fi
	fi
	seen[$dest]=1
	adddir "$(dirname "$dest")"
	files+=("$dest|$(readlink -f "$src")|$mode")
}
addlink() { # DEST TARGET
	[ -n "${seen[$1]:-}" ] && return 0
	seen[$1]=1
	adddir "$(dirname "$1")"
	links+=("$1|$2")
}

# A dynamically linked program with every library ldd lists and the loader,
# each at the path ldd prints (the real files behind symlinks are copied to
# those paths, which is what the loader opens).
adddynamic() { # DEST SRC
	local dest=$1 src=$2 line lib
	addfile "$dest" "$src" 0755
	while read -r line; do
		lib=
		case "$line" in
		*"=> not found"*) die "$src: ${line%% *} not found by ldd" ;;
		*"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		esac
		[ -n "$lib" ] && addfile "$lib" "$lib" 0755
	done < <(ldd "$src")
}

# Userspace, guests, test helpers
if [ -f "$o/denalictl" ]; then
	addfile /bin/denalictl "$o/denalictl" 0755
	is_static "$o/denalictl" || warn "$o/denalictl is dynamically linked (its libraries are not in the image)"
else
	warn "no $o/denalictl"
fi
shopt -s nullglob
for f in "$o"/ilwaco/*.elf; do addfile "/guests/$(basename "$f")" "$f" 0644; done
# httpd's built-in pages as files, for byte-exact comparisons
for f in "$o"/ilwaco/httpd-pages/*; do addfile "/tests/httpd-pages/$(basename "$f")" "$f" 0644; done
if [ -d "$o/tests-bin" ]; then
	for f in "$o"/tests-bin/*; do
		[ -f "$f" ] || continue
		b=$(basename "$f")
		if "$busybox" --list | grep -qx -- "$b"; then
			warn "tests-bin/$b has the name of a busybox applet: busybox sh and busybox's timeout/env/setsid run the applet for '$b'; call it as /bin/$b"
		fi
		addfile "/bin/$b" "$f" 0755
	done
fi

# busybox and its applets (the real ip wins over busybox's ip applet)
addfile /bin/busybox "$busybox" 0755
for applet in $("$busybox" --list); do
	case "$applet" in busybox|ip|bridge|curl|init|linuxrc) continue ;; esac
	addlink "/bin/$applet" busybox
done
addlink /sbin bin
adddir /usr
addlink /usr/bin ../bin

adddynamic /usr/sbin/ip "$ipbin"
adddynamic /usr/sbin/bridge "$bridgebin"
addlink /bin/ip ../usr/sbin/ip
addlink /bin/bridge ../usr/sbin/bridge
adddynamic /usr/local/bin/curl "$curlbin"
addlink /bin/curl ../usr/local/bin/curl
# dmsetup: a slow block device (dm-delay) for the disk tests, on the debug kernel
dmsetupbin=$(PATH=/usr/sbin:/sbin:$PATH command -v dmsetup || true)
[ -n "$dmsetupbin" ] || die "dmsetup not found (apt-get install dmsetup)"
adddynamic /usr/sbin/dmsetup "$dmsetupbin"
for d in /etc/iproute2 /usr/share/iproute2 /usr/lib/iproute2; do
	[ -d "$d" ] || continue
	while IFS= read -r f; do addfile "$f" "$f" 0644; done < <(find "$d" -maxdepth 1 -type f)
done

# Kernel modules. Ours without their debugging information (built
# against Debian's headers, denali.ko carries 5 MB of it): the kernel
# unpacks every byte of the image at each boot, in Bochs at some nine
# million instructions a second; reports keep the modules' symbols.
modtmp=$(mktemp -d)
trap 'rm -rf "$modtmp"' EXIT
mkdir -p "$modtmp/denali"
for m in denali.ko denali-kunit.ko denali-checkers.ko; do
	if [ -f "$moddir/$m" ]; then
		strip --strip-debug -o "$modtmp/denali/$m" "$moddir/$m" || die "cannot strip $moddir/$m"
		addfile "/lib/modules/denali/$m" "$modtmp/denali/$m" 0644
	fi
done
[ -f "$moddir/denali.ko" ] || warn "no denali.ko in '$moddir': the image has no Denali module"
# kernel_module DEST PATH: PATH (relative to the kernel tree, without .ko)
# from the built tree, or from an installed kernel's /lib/modules, where
# Debian keeps it xz-compressed (decompressed here: busybox's insmod reads
# the file itself).
kernel_module() {
	local dest=$1 path=$2 inst=/lib/modules/$release/kernel/$2.ko.xz
	if [ -f "$kdir/$path.ko" ]; then
		addfile "$dest/$(basename "$path").ko" "$kdir/$path.ko" 0644
	elif [ -f "$inst" ]; then
		mkdir -p "$modtmp/$(dirname "$path")"
		xz -dc "$inst" > "$modtmp/$path.ko" || die "cannot decompress $inst"
		touch -r "$inst" "$modtmp/$path.ko"
		addfile "$dest/$(basename "$path").ko" "$modtmp/$path.ko" 0644
	else
		return 1
	fi
}
for m in virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-amd arch/x86/kvm/kvm-intel; do
	# A kernel configured without kvm-intel (it runs only under AMD-V).
	[ "$m" = arch/x86/kvm/kvm-intel ] && ! grep -q '^CONFIG_KVM_INTEL=m' "$kdir/.config" && continue
	kernel_module /lib/modules/kvm "$m" || case "$m" in */irqbypass) ;; *) warn "no $m.ko in $kdir or /lib/modules/$release" ;; esac
done
# Debian's kernel has as modules what the test kernel builds in.
if [ ! -f "$kdir/arch/x86/boot/bzImage" ]; then
	kernel_module /lib/modules/kvm drivers/crypto/ccp/ccp || die "no ccp.ko (kvm-amd needs it) in /lib/modules/$release"
	order=$modtmp/order
	: > "$order"
	for m in net/llc/llc net/802/stp net/bridge/bridge drivers/net/tun drivers/net/veth; do
		kernel_module /lib/modules/boot "$m" || die "no $m.ko in /lib/modules/$release"
		basename "$m" >> "$order"
	done
	touch -r "/lib/modules/$release/modules.dep" "$order"
	addfile /lib/modules/boot/order "$order" 0644
fi

# Test scripts
[ -f "$top/tests/vm/init" ] || die "missing $top/tests/vm/init"
addfile /init "$top/tests/vm/init" 0755
for f in "$top"/tests/vm/*; do [ -f "$f" ] && addfile "/tests/vm/$(basename "$f")" "$f" 0755; done
for f in "$top"/tests/cases/*; do [ -f "$f" ] && addfile "/tests/cases/$(basename "$f")" "$f" 0755; done
for f in "$top"/bench/*.sh; do [ -f "$f" ] && addfile "/bench/$(basename "$f")" "$f" 0755; done
shopt -u nullglob

for d in /dev /proc /sys /tmp /run /root /mnt /etc /var; do adddir "$d"; done

# --- up to date? ------------------------------------------------------------
stamp=$( {
	echo "v1 $kdir $moddir $o"
	stat -L -c '%n %s %Y' "$0" "$top/scripts/mkcpio.py" "$busybox"
	for e in "${files[@]}"; do
		IFS='|' read -r dest src mode <<<"$e"
		echo "$dest $mode $(stat -L -c '%s %Y' "$src")"
	done
	printf '%s\n' "${links[@]}"
} | sha256sum | cut -c1-32)
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "mkinitramfs: $out up to date" >&2
	exit 0
fi

# --- the archive ----------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$modtmp"' EXIT
{
	for d in $(printf '%s\n' "${!dirs[@]}" | sort); do
		[ -n "${seen[$d]:-}" ] && continue   # a symlink (/sbin, /usr/bin)
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "nod /dev/ttyS0 0660 0 0 c 4 64"
	echo "nod /dev/ttyS1 0660 0 0 c 4 65"
	for e in "${files[@]}"; do
		IFS='|' read -r dest src mode <<<"$e"
		echo "file $dest $src $mode 0 0"
	done
	for e in "${links[@]}"; do
		IFS='|' read -r dest target <<<"$e"
		echo "slink $dest $target 0777 0 0"
	done
} > "$tmp/list"

python3 "$top/scripts/mkcpio.py" "$tmp/list" > "$tmp/initramfs.cpio" || die "mkcpio.py failed"
gzip -n -6 < "$tmp/initramfs.cpio" > "$out.tmp"
mv "$out.tmp" "$out"
echo "$stamp" > "$out.stamp"
echo "mkinitramfs: wrote $out ($(du -k "$out" | cut -f1) KiB, ${#files[@]} files)" >&2
