#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# refwq.ko on Debian's 6.1 kernel under QEMU: the self-test at load, a
# known load read back through /proc/workqueues by wqmon's own parser
# (a static wqctl cat) with exact counts, rmmod releasing everything, and a
# second load with other pool sizes.
set -u
. "$(dirname "$0")/tap.bash"
. "$(dirname "$0")/../vm/vm.bash"

[ -s "$VM_DIR/kmod/refwq.ko" ] || bail "no $VM_DIR/kmod/refwq.ko (make test-build builds it)"
vm_boot kmod "$VM_HERE/kmod.sh" "$VM_DIR/kmod/refwq.ko" "$VM_DIR/wqctl"
vm_report
finish
