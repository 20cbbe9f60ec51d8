#!/bin/bash
# Builds (once) and caches the Denali test kernel from Debian's linux-source-6.12.
#
# The cache key is the source package version plus the hash of the committed
# config fragment, so a second build happens only when one of them changes.
# Prints the cached build directory on stdout; progress goes to stderr.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/scripts/testkernel.config
tarball=/usr/src/linux-source-6.12.tar.xz
cache=${DENALI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/denali}

[ -r "$tarball" ] || { echo "testkernel: $tarball missing (apt-get install linux-source-6.12)" >&2; exit 1; }
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$(printf '%s\n' "$ver" | cat - "$frag" | sha256sum | cut -c1-16)
dir=$cache/kernel-$key

if [ -f "$dir/.denali-done" ]; then
	echo "$dir"
	exit 0
fi

echo "testkernel: building linux-source-6.12 $ver (key $key) in $dir" >&2
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
tar -xf "$tarball" -C "$dir.tmp" --strip-components=1
cd "$dir.tmp"
make -s tinyconfig >&2
scripts/kconfig/merge_config.sh -m .config "$frag" >&2
make -s olddefconfig >&2
# Every line of the fragment must have survived olddefconfig.
missing=0
while read -r line; do
	case "$line" in CONFIG_*=n) opt=${line%=n}; grep -q "^$opt=" .config && { echo "testkernel: $opt still set" >&2; missing=1; }; continue ;; CONFIG_*) ;; *) continue ;; esac
	grep -qx "$line" .config || { echo "testkernel: fragment line '$line' not in final .config" >&2; missing=1; }
done < "$frag"
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
