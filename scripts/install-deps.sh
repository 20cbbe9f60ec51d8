#!/bin/bash
# Installs, from Debian's archive, everything the build and the tests need.
set -euo pipefail

pkgs=(
	build-essential bc flex bison libelf-dev libssl-dev dwarves kmod cpio rsync
	python3 python3-yaml python3-jsonschema linux-source-6.12 linux-headers-amd64 linux-headers-6.12-amd64 sparse
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev pkg-config
	busybox-static iproute2
	qemu-system-x86 bochs bochsbios vgabios bochs-term isolinux syslinux-common xorriso
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: everything is installed"
	exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
