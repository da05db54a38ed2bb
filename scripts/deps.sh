#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian 12 packages wqmon builds, runs and tests with: the base
# set here, then each extra set in scripts/deps.d/ (the ARM64 cross tool
# chain, Debian packaging), so that each part of the project owns its list.
set -eu
here=$(dirname "$0")
. "$here/deps-lib.sh"
# The VM tests' kernel ABI, pinned once (its headers build refwq.ko).
. "$here/../tests/vm/kernel.conf"

PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config
libncurses-dev libmicrohttpd-dev libjson-c-dev libcmocka-dev libinih-dev
libsystemd-dev libcap-dev libgnutls28-dev libyaml-dev libcrypt-dev gnutls-bin
libfuse3-dev
libglib2.0-dev linux-perf bpftrace curl python3 python3-yaml prometheus tmux bc
prometheus-alertmanager victoria-metrics qemu-system-x86 busybox-static cpio kmod
linux-headers-$VM_KABI-amd64"
# The dashboard's browser test: Debian's chromium, and node/npm unless the
# machine has its own (NodeSource's node conflicts with Debian's npm).
PKGS="$PKGS chromium"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
# shellcheck disable=SC2086
need_pkgs $PKGS

for extra in "$here"/deps.d/*.sh; do
	[ -f "$extra" ] || continue
	# shellcheck disable=SC1090
	. "$extra"
done
