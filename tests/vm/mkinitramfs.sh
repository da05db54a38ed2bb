#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh OUT.cpio.gz SCENARIO [FILE...]: a busybox initramfs whose
# /init (tests/vm/init.sh) runs SCENARIO as /scenario.sh; each FILE goes to
# /bin (executables) or /lib/modules (*.ko).  A dynamically linked FILE
# brings its loader and every library it needs, found by walking DT_NEEDED
# in the host's multiarch directories for its machine (Debian's -dev and
# library packages for that architecture).  VM_BUSYBOX: a static busybox
# for the VM's machine (default: the host's, from busybox-static).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
scenario=$2
shift 2
bb=${VM_BUSYBOX:-/bin/busybox}
if [ -z "${VM_BUSYBOX:-}" ]; then
	file -L "$bb" 2>/dev/null | grep -q 'statically linked' || bb=/usr/bin/busybox
fi
[ -x "$bb" ] || { echo "mkinitramfs: no static busybox at $bb (busybox-static)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/lib/modules" "$root/dev/shm"
cp "$bb" "$root/bin/busybox"
# Busybox lists its applets itself: run it under QEMU's user mode when it
# is not for this machine.
bbrun=
"$bb" true 2>/dev/null || bbrun=qemu-$(file -L "$bb" | sed -n 's/.*ARM aarch64.*/aarch64/p')-static
for a in $($bbrun "$bb" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
install -m 0755 "$here/init.sh" "$root/init"
install -m 0755 "$scenario" "$root/scenario.sh"
install -m 0644 "$here/vmlib.sh" "$root/vmlib.sh"

# libs ELF: the loader and the DT_NEEDED closure of a dynamic ELF, into the
# same paths in the initramfs (the loader searches its multiarch dirs).
libs() {
	interp=$(readelf -l "$1" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	[ -n "$interp" ] || return 0
	case $(readelf -h "$1" | sed -n 's/^ *Machine: *//p') in
	AArch64) triple=aarch64-linux-gnu ;;
	*X86-64) triple=x86_64-linux-gnu ;;
	*) echo "mkinitramfs: $1: no library path for its machine" >&2; return 1 ;;
	esac
	mkdir -p "$root$(dirname "$interp")" "$root/lib/$triple"
	[ -e "$root$interp" ] || cp -L "$interp" "$root$interp"
	todo=$1
	while [ -n "$todo" ]; do
		set -- $todo
		elf=$1
		shift
		todo=$*
		for n in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			# libc names the loader, already in place.
			[ -e "$root/lib/$triple/$n" ] || [ "$n" = "$(basename "$interp")" ] && continue
			for d in /lib/$triple /usr/lib/$triple ""; do
				[ -n "$d" ] || { echo "mkinitramfs: $elf needs $n, not in /lib/$triple or /usr/lib/$triple" >&2; return 1; }
				[ -e "$d/$n" ] && break
			done
			cp -L "$d/$n" "$root/lib/$triple/$n"
			todo="$todo $root/lib/$triple/$n"
		done
	done
}

for f in "$@"; do
	case $f in
	*.ko) install -m 0644 "$f" "$root/lib/modules/" ;;
	*)
		install -m 0755 "$f" "$root/bin/"
		libs "$f"
		;;
	esac
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
