#!/bin/bash
# Builds (once) and caches a Denali test kernel from Debian's linux-source-6.12.
#
#   scripts/testkernel.sh [plain|debug]
#
# plain: tinyconfig + scripts/testkernel.config (QEMU and Bochs).
# debug: the same + scripts/testkernel-debug.config: KASAN, KFENCE, UBSAN,
#        lockdep, kmemleak, lockup and hang detectors, fault injection
#        (the AMD-V suite and KUnit run on it).
#
# The cache key is the source package version plus the hash of the config
# fragments of the flavour, so a second build happens only when one of them
# changes. Prints the cached build directory on stdout; progress goes to
# stderr.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-plain}
frags=("$top/scripts/testkernel.config")
case "$flavour" in
plain) ;;
debug) frags+=("$top/scripts/testkernel-debug.config") ;;
*) echo "testkernel: flavour must be plain or debug" >&2; exit 2 ;;
esac
tarball=/usr/src/linux-source-6.12.tar.xz
cache=${DENALI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/denali}

[ -r "$tarball" ] || { echo "testkernel: $tarball missing (apt-get install linux-source-6.12)" >&2; exit 1; }
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$(printf '%s\n' "$ver" | cat - "${frags[@]}" | sha256sum | cut -c1-16)
dir=$cache/kernel-$key
[ "$flavour" = plain ] || dir=$cache/kernel-$flavour-$key

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
