# SPDX-License-Identifier: GPL-2.0
# The ARM64 set (docs/BOARDS.md), sourced by scripts/deps.sh: the cross
# tool chain, arm64 multiarch -dev packages for `make ARCH=arm64`, QEMU's
# user-mode and system emulators for tests/integration/*arm64*.sh.  (The
# arm64 busybox for the VM is downloaded, not installed: busybox-static is
# not multiarch and would replace the amd64 one the x86 VM uses.)
# Idempotent: the arm64 architecture is added, and the package lists
# fetched, only when dpkg does not know it yet.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: arm64 is not a dpkg architecture here; run as root or: sudo dpkg --add-architecture arm64 && sudo apt-get update" >&2
		exit 1
	fi
	echo "deps: adding the arm64 architecture"
	dpkg --add-architecture arm64
	apt-get update -qq
fi
need_pkgs gcc-aarch64-linux-gnu libc6-dev:arm64 libbpf-dev:arm64 \
	libelf-dev:arm64 zlib1g-dev:arm64 libncurses-dev:arm64 \
	libmicrohttpd-dev:arm64 libjson-c-dev:arm64 libcmocka-dev:arm64 \
	libinih-dev:arm64 libsystemd-dev:arm64 libcap-dev:arm64 \
	libgnutls28-dev:arm64 libyaml-dev:arm64 libcrypt-dev:arm64 \
	qemu-user-static qemu-system-arm
