#!/bin/bash
# Prints the tree a Denali test kernel's modules build against.
#
#   scripts/testkernel.sh [plain|debug]
#
# plain: Debian's own build of linux 6.12 (linux-image-6.12-amd64 and its
#        headers, which scripts/install-deps.sh installs): prints its
#        headers directory; the image is /boot/vmlinuz-RELEASE and its
#        modules are in /lib/modules/RELEASE. Nothing is built (Bochs, the
#        plain QEMU boots and make demo run on it; decision 56).
# debug: built once from Debian's linux-source-6.12, the same source, and
#        cached: tinyconfig + scripts/testkernel.config +
#        scripts/testkernel-debug.config: KASAN, KFENCE, UBSAN, lockdep,
#        kmemleak, lockup and hang detectors, fault injection (the AMD-V
#        suite and KUnit run on it). The cache key is the source package
#        version plus the hash of the config fragments, so a second build
#        happens only when one of them changes. Prints the cached build
#        directory.
#
# Progress and errors go to stderr.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-plain}
case "$flavour" in
plain)
	# linux-headers-6.12-amd64 depends on the headers of one release;
	# those depend on its image.
	rel=$(dpkg-query -W -f='${Depends}' linux-headers-6.12-amd64 2>/dev/null |
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
	hdr=/usr/src/linux-headers-$rel
	if [ -z "$rel" ] || [ ! -f "$hdr/include/config/kernel.release" ] ||
	   [ ! -r "/boot/vmlinuz-$rel" ] || [ ! -d "/lib/modules/$rel/kernel" ]; then
		echo "testkernel: Debian's linux 6.12 is not installed (make deps: linux-headers-6.12-amd64 and linux-image-${rel:-6.12-amd64})" >&2
		exit 1
	fi
	echo "$hdr"
	exit 0
	;;
debug) frags=("$top/scripts/testkernel.config" "$top/scripts/testkernel-debug.config") ;;
*) echo "testkernel: flavour must be plain or debug" >&2; exit 2 ;;
esac
tarball=/usr/src/linux-source-6.12.tar.xz
cache=${DENALI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/denali}

[ -r "$tarball" ] || { echo "testkernel: $tarball missing (apt-get install linux-source-6.12)" >&2; exit 1; }
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$(printf '%s\n' "$ver" | cat - "${frags[@]}" | sha256sum | cut -c1-16)
dir=$cache/kernel-$flavour-$key

if [ -f "$dir/.denali-done" ]; then
	echo "$dir"
	exit 0
fi

echo "testkernel: building the $flavour flavour of linux-source-6.12 $ver (key $key) in $dir" >&2
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
tar -xf "$tarball" -C "$dir.tmp" --strip-components=1
cd "$dir.tmp"
make -s tinyconfig >&2
scripts/kconfig/merge_config.sh -m .config "${frags[@]}" >&2
make -s olddefconfig >&2
# Every line of the fragments must have survived olddefconfig (a later
# fragment's line wins over an earlier one's).
missing=0
while read -r line; do
	case "$line" in CONFIG_*=n) opt=${line%=n}; grep -q "^$opt=" .config && { echo "testkernel: $opt still set" >&2; missing=1; }; continue ;; CONFIG_*) ;; *) continue ;; esac
	grep -qx "$line" .config || { echo "testkernel: fragment line '$line' not in final .config" >&2; missing=1; }
done < <(cat "${frags[@]}" | awk -F= '/^CONFIG_/ { last[$1] = $0; order[++n] = $1 } END { for (i = 1; i <= n; i++) if (!seen[order[i]]++) print last[order[i]] }')
[ "$missing" = 0 ] || exit 1
start=$(date +%s)
make -j"$(nproc)" bzImage modules >&2
# modules_prepare leaves what an external module build needs.
make -j"$(nproc)" modules_prepare >&2
echo "testkernel: built in $(( $(date +%s) - start )) s" >&2
touch .denali-done
cd /
mv "$dir.tmp" "$dir"
echo "$dir"
