#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh OUT.cpio.gz SCENARIO [FILE...]: a busybox initramfs whose
# /init (tests/vm/init.sh) runs SCENARIO as /scenario.sh; each FILE goes to
# /bin (executables) or /lib/modules (*.ko).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
scenario=$2
shift 2
bb=/bin/busybox
file -L "$bb" 2>/dev/null | grep -q 'statically linked' || bb=/usr/bin/busybox
[ -x "$bb" ] || { echo "mkinitramfs: no static busybox (busybox-static)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/lib/modules" "$root/dev/shm"
cp "$bb" "$root/bin/busybox"
for a in $("$bb" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
install -m 0755 "$here/init.sh" "$root/init"
install -m 0755 "$scenario" "$root/scenario.sh"
install -m 0644 "$here/vmlib.sh" "$root/vmlib.sh"
for f in "$@"; do
	case $f in
	*.ko) install -m 0644 "$f" "$root/lib/modules/" ;;
	*) install -m 0755 "$f" "$root/bin/" ;;
	esac
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
