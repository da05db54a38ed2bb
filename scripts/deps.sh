#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian 12 packages wqmon builds, runs and tests with.
# Idempotent: it asks apt only for what is missing, so repeated `make run`
# or `make test` cost a dpkg query, not a download.
set -eu

PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config
libncurses-dev libmicrohttpd-dev libjson-c-dev libcmocka-dev libinih-dev
libsystemd-dev libglib2.0-dev linux-perf bpftrace curl python3 prometheus tmux bc
prometheus-alertmanager qemu-system-x86 busybox-static cpio kmod
linux-headers-6.1.0-56-amd64"
# The dashboard's browser test: Debian's chromium, and node/npm unless the
# machine has its own (NodeSource's node conflicts with Debian's npm).
PKGS="$PKGS chromium"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing; run as root or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
