#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# fetch-kernel.sh OUTDIR: put Debian's vmlinuz for the pinned ABI
# (kernel.conf) at OUTDIR/vmlinuz-VER.  The image package is downloaded and
# unpacked, never installed (that would drag in initramfs-tools and a
# systemd upgrade).  Cached: a second run costs one stat.
set -eu
here=$(dirname "$0")
. "$here/kernel.conf"
out=$1
[ -s "$out/vmlinuz-$VM_KVER" ] && exit 0
mkdir -p "$out/deb"
tmp=$(mktemp -d "$out/deb/dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt's sandbox user must be able to write the download directory.
chmod 0777 "$tmp"
(cd "$tmp" && apt-get download -q "linux-image-$VM_KVER" >/dev/null)
dpkg-deb -x "$tmp"/linux-image-"$VM_KVER"_*.deb "$tmp/x"
install -m 0644 "$tmp/x/boot/vmlinuz-$VM_KVER" "$out/vmlinuz-$VM_KVER.tmp"
mv "$out/vmlinuz-$VM_KVER.tmp" "$out/vmlinuz-$VM_KVER"
