#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqmon on a real ARM64 kernel: Debian's 6.1 arm64 under qemu-system-aarch64
# (TCG, -M virt), with the cross build's programs (make arm64, boards/).
# Boot 1: the static probe_counts counts a known number of aio_fsync_work
# items exactly, through tp_btf and the raw_tp fallback (tests/vm/probes.sh).
# Boot 2: wqmond, dynamically linked with its arm64 libraries, serves
# /metrics whose completion counter rises by exactly that load
# (tests/vm/daemon.sh).
set -u
VM_ARCH=arm64
. "$(dirname "$0")/tap.bash"
. "$(dirname "$0")/../vm/vm.bash"

for f in probe_counts aiogen wqctl busybox; do
	[ -s "$VM_DIR/$f" ] || bail "no $VM_DIR/$f (make test-build builds it: make arm64)"
done
[ -x "$B/arm64/wqmond" ] || bail "no $B/arm64/wqmond (make arm64)"

VM_TIMEOUT=300 vm_boot arm64-probes "$VM_HERE/probes.sh" "$VM_DIR/probe_counts" \
	"$VM_DIR/aiogen" "$VM_DIR/wqctl"
vm_report
VM_TIMEOUT=300 vm_boot arm64-daemon "$VM_HERE/daemon.sh" "$B/arm64/wqmond" \
	"$VM_DIR/aiogen" "$VM_DIR/wqctl"
vm_report
finish
