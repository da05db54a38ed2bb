# SPDX-License-Identifier: GPL-2.0
# The VM's machine, sourced by the host-side scripts after kernel.conf:
# VM_ARCH (wqmon's ARCH names: x86, the default, or arm64) gives Debian's
# architecture and kernel, the QEMU that runs it and its serial console.
VM_ARCH=${VM_ARCH:-x86}
case $VM_ARCH in
x86)
	VM_DEB_ARCH=amd64
	VM_QEMU=qemu-system-x86_64 VM_QEMU_PKG=qemu-system-x86
	VM_MACHINE=
	VM_CONSOLE=ttyS0
	;;
arm64)
	VM_DEB_ARCH=arm64
	VM_QEMU=qemu-system-aarch64 VM_QEMU_PKG=qemu-system-arm
	# QEMU's own pointer-authentication cipher: the architected one
	# (QARMA) costs TCG several times more on every return.
	VM_MACHINE="-M virt -cpu max,pauth-impdef=on"
	VM_CONSOLE=ttyAMA0
	;;
*)
	echo "VM_ARCH=$VM_ARCH: no such VM; use x86 or arm64" >&2
	exit 2
	;;
esac
VM_KVER=$VM_KABI-$VM_DEB_ARCH
