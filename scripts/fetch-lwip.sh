#!/bin/bash
# Fetches Debian's lwip source package into DEST once (apt-get source), for the Ilwaco build.
#
#   scripts/fetch-lwip.sh DEST
#
# Leaves the unpacked tree (Debian's patches applied) in DEST/lwip-VERSION,
# a symbolic link DEST/src to it, and the stamp DEST/.stamp, which names
# the version. With the stamp in place it does nothing. lwIP is third-party
# and never enters the repository: this is the only way it reaches the
# build. apt needs the archive's deb-src entry (scripts/install-deps.sh).
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 DEST" >&2
	exit 2
fi
dest=$1
stamp=$dest/.stamp
if [ -f "$stamp" ] && [ -d "$dest/src/src/core" ]; then
	exit 0
fi

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
work=$(mktemp -d "$dest/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

# As root, apt downloads as the unprivileged _apt user, who cannot write
# into a build tree; the download is checked against the signed index
# either way.
apt_opts=()
[ "$(id -u)" != 0 ] || apt_opts=(-o APT::Sandbox::User=root)

echo "fetch-lwip: apt-get source lwip into $dest"
if ! (cd "$work" && apt-get -qq "${apt_opts[@]}" source --download-only lwip); then
	echo "fetch-lwip: apt-get source lwip failed; apt needs a deb-src entry for the archive" >&2
	echo "fetch-lwip: (scripts/install-deps.sh adds one and runs apt-get update)" >&2
	exit 1
fi
dscs=("$work"/lwip_*.dsc)
dsc=${dscs[0]}
version=$(sed -n 's/^Version: *//p' "$dsc" | head -n1)
upstream=${version#*:}
upstream=${upstream%-*}
dir=lwip-$upstream
rm -rf "${dest:?}/$dir"
if ! dpkg-source -q -x "$dsc" "$work/$dir" >"$work/log" 2>&1; then
	cat "$work/log" >&2
	exit 1
fi
mv "$work/$dir" "$dest/$dir"
ln -sfn "$dir" "$dest/src"
echo "$version" >"$stamp"
echo "fetch-lwip: lwip $version in $dest/$dir"
