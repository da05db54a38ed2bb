#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test VM: mount what wqmon needs, run /scenario.sh, report
# on the serial console, power off.  Every line the host reads starts with
# "WQMON-VM:".
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/shm /sys/kernel/tracing /sys/fs/bpf
mount -t tmpfs shm /dev/shm
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
echo "WQMON-VM: booted $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"
sh /scenario.sh 2>&1
echo "WQMON-VM: done rc=$?"
sync
poweroff -f
