#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# fetch-deb.sh PACKAGE[:ARCH] MEMBER DEST: put file MEMBER of Debian's
# PACKAGE at DEST: the VM's kernel (linux-image-*, tests/vm/kernel.conf) and,
# for another architecture's VM, its static busybox.  The package is
# downloaded and unpacked, never installed: a kernel image would drag in
# initramfs-tools and a systemd upgrade, an arm64 busybox-static would
# replace the host's.  Cached: DEST is not fetched again while it exists.
set -eu
[ $# -eq 3 ] || { echo "usage: fetch-deb.sh PACKAGE[:ARCH] MEMBER DEST" >&2; exit 2; }
pkg=$1 member=$2 dest=$3
[ -s "$dest" ] && exit 0
dir=$(dirname "$dest")
mkdir -p "$dir/deb"
tmp=$(mktemp -d "$dir/deb/dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt's sandbox user must be able to write the download directory.
chmod 0777 "$tmp"
(cd "$tmp" && apt-get download -q "$pkg" >/dev/null) || {
	echo "fetch-deb: cannot download $pkg; for another architecture: make deps (scripts/deps.d/)" >&2
	exit 1
}
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
[ -f "$tmp/x/$member" ] || { echo "fetch-deb: $pkg has no $member" >&2; exit 1; }
install -m "$(stat -c %a "$tmp/x/$member")" "$tmp/x/$member" "$dest.tmp"
mv "$dest.tmp" "$dest"
