#!/bin/bash
# Installs, from Debian's archive, everything the build and the tests need.
#
# It also makes sure apt knows the archive's source packages (deb-src):
# the Ilwaco build fetches lwIP with `apt-get source lwip`
# (scripts/fetch-lwip.sh). Idempotent: it changes nothing that is already
# in place.
set -euo pipefail

pkgs=(
	build-essential bc flex bison libelf-dev libssl-dev dwarves kmod cpio rsync
	python3 python3-yaml python3-jsonschema linux-source-6.12 linux-headers-amd64 linux-headers-6.12-amd64 linux-image-6.12-amd64 sparse
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev pkg-config
	busybox-static iproute2 curl dmsetup
	qemu-system-x86 bochs bochsbios vgabios bochs-term isolinux syslinux-common xorriso
	dpkg-dev xz-utils
)

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

SRC_LIST=/etc/apt/sources.list.d/denali-src.sources
need_update=0

# The first stanza of a deb822 file, as "Field: value" lines (continuations joined).
first_stanza() {
	awk '
		/^[[:space:]]*#/ { next }
		/^[[:space:]]*$/ { if (n) exit; next }
		/^[[:space:]]/ { if (n) line[n] = line[n] " " substr($0, match($0, /[^[:space:]]/)); next }
		{ line[++n] = $0 }
		END { for (i = 1; i <= n; i++) print line[i] }
	' "$1"
}

field() { # field NAME < stanza
	sed -n "s/^$1:[[:space:]]*//Ip" | head -n1 | sed 's/[[:space:]]*$//'
}

# Writes $SRC_LIST: a deb-src stanza for the archive the machine installs from.
write_src_list() {
	local uris="" suites="" comps="" signed="" st line opts
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		st=$(first_stanza /etc/apt/sources.list.d/debian.sources)
		uris=$(field URIs <<<"$st")
		suites=$(field Suites <<<"$st")
		comps=$(field Components <<<"$st")
		signed=$(field Signed-By <<<"$st")
	elif [ -f /etc/apt/sources.list ]; then
		# The first "deb [options] URI suite components..." line.
		line=$(grep -E '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list | head -n1 || true)
		if [ -n "$line" ]; then
			line=${line#*deb}
			if [[ $line =~ ^[[:space:]]*\[([^]]*)\](.*)$ ]]; then
				opts=${BASH_REMATCH[1]}
				line=${BASH_REMATCH[2]}
				if [[ $opts =~ signed-by=([^[:space:]]+) ]]; then
					signed=${BASH_REMATCH[1]}
				fi
			fi
			read -r uris suites comps <<<"$line"
		fi
	fi
	if [ -z "$uris" ] || [ -z "$suites" ]; then
		uris=http://deb.debian.org/debian
		# shellcheck disable=SC1091
		suites=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-bookworm}")
	fi
	[ -n "$comps" ] || comps=main
	if [ -z "$signed" ] && [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
		signed=/usr/share/keyrings/debian-archive-keyring.gpg
	fi
	echo "install-deps: adding source packages ($uris $suites) in $SRC_LIST"
	{
		echo "Types: deb-src"
		echo "URIs: $uris"
		echo "Suites: $suites"
		echo "Components: $comps"
		[ -z "$signed" ] || echo "Signed-By: $signed"
	} | $SUDO tee "$SRC_LIST" >/dev/null
}

# lwIP's source package known to apt already: nothing to do.
if ! apt-cache showsrc lwip 2>/dev/null | grep -q '^Package: lwip'; then
	if [ ! -e "$SRC_LIST" ] && ! grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/; then
		write_src_list
	fi
	need_update=1
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ $need_update = 0 ]; then
	echo "install-deps: everything is installed"
	exit 0
fi
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
