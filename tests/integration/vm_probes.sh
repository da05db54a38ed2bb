#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqmon's eBPF probes on a second kernel: Debian's 6.1 under QEMU.  The
# static probe_counts counts a known number of aio_fsync_work items there,
# through tp_btf and the raw_tp fallback, and the counts must be exact (the
# same checks kernel_probes.sh makes on the host kernel).
set -u
. "$(dirname "$0")/tap.bash"
. "$(dirname "$0")/../vm/vm.bash"

vm_boot probes "$VM_HERE/probes.sh" "$VM_DIR/probe_counts" "$VM_DIR/aiogen" \
	"$VM_DIR/wqctl"
vm_report
finish
