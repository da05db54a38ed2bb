#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh VMDIR INITRD LOG [SECONDS] [CMDLINE...]: boot the pinned Debian
# kernel for VM_ARCH (arch.sh) with INITRD under TCG (kvm hangs this host),
# serial console into LOG.  QEMU's exit status means nothing: callers read
# the markers in LOG.
#
# One TCG thread for both vCPUs (thread=single): with a thread per vCPU,
# two guest CPUs kept busy (aiogen, process churn) took both of this
# host's CPUs, QEMU's main loop thread, which delivers the guest's timer
# interrupts, was starved, and the 6.1 guest hit RCU stalls ("timer wakeup
# didn't happen") and never finished: 1 run in 4 of vm_probes.sh, with this
# tree and with the build of a day before alike.  The guest keeps 2 CPUs.
set -eu
here=$(dirname "$0")
. "$here/kernel.conf"
. "$here/arch.sh"
vmdir=$1
initrd=$2
log=$3
secs=${4:-60}
[ $# -ge 4 ] && shift 4 || shift $#
# shellcheck disable=SC2086
timeout --kill-after=5 "$secs" $VM_QEMU -accel tcg,thread=single $VM_MACHINE \
	-nographic -no-reboot -m 512 -smp 2 \
	-kernel "$vmdir/vmlinuz-$VM_KVER" -initrd "$initrd" \
	-append "console=$VM_CONSOLE panic=-1 panic_on_warn=1 oops=panic quiet loglevel=4 $*" \
	</dev/null >"$log" 2>&1 || true
