#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Scenario (inside the VM): wqmon's eBPF probes on Debian's 6.1 kernel count
# a known number of aio_fsync_work items exactly, with tp_btf and with the
# forced raw_tp fallback: CO-RE relocations on a second kernel.
. /vmlib.sh
N=${WQMON_VM_N:-20000}
R=${WQMON_VM_R:-5000}

[ -s /sys/kernel/btf/vmlinux ]
vm_ok $? "kernel BTF at /sys/kernel/btf/vmlinux"
[ -d /sys/kernel/tracing/events/workqueue/workqueue_queue_work ]
vm_ok $? "workqueue tracepoints in tracefs"
grep -q ' aio_fsync_work$' /proc/kallsyms
vm_ok $? "aio_fsync_work in /proc/kallsyms"

wqctl check >/tmp/check.out 2>&1
vm_ok $? "wqctl check: the environment check passes"
vm_log /tmp/check.out

run_pc() {	# run_pc LABEL N BATCH [probe_counts options]
	label=$1 n=$2 b=$3
	shift 3
	t0=$(cut -d' ' -f1 /proc/uptime)
	probe_counts "$@" aio_fsync_work "$n" -- /bin/aiogen -n "$n" -b "$b" \
		-f /dev/shm/aiogen >/tmp/pc.out 2>/tmp/pc.err
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	vm_ok $rc "$label: probe_counts exited 0 ($n items, ${t0}s..${t1}s)"
	grep -E '^(not )?ok ' /tmp/pc.out | sed "s/^\(not \)\{0,1\}ok [0-9]* - /\1ok - $label: /" |
		sed 's/^/WQMON-VM: /'
	grep '^#' /tmp/pc.out | sed "s/^/WQMON-VM: | $label /"
	sed "s/^/WQMON-VM: | $label stderr: /" /tmp/pc.err | tail -5
	[ "$(grep -c '^ok ' /tmp/pc.out)" -ge 10 ]
	vm_ok $? "$label: probe_counts ran its checks"
}

run_pc tp_btf "$N" 32
run_pc raw_tp "$R" 8 --raw-tp
# Sampled mode: the verifier sees its branches only when it is on.
run_pc sampled "$N" 32 --sample 16
run_pc sampled_raw_tp "$R" 8 --raw-tp --sample 16

# The model's invariants (lib/core/invariants.h) on every interval of a load:
# the aio generator and some process churn, on 6.1's flag layout (no BH).
/bin/aiogen -d 3 -b 8 -f /dev/shm/aiogen >/dev/null 2>&1 &
gen=$!
( i=0; while [ $i -lt 200 ]; do sh -c : ; i=$((i + 1)); done ) &
churn=$!
wqctl show -i 0.5 -n 5 --check-invariants >/dev/null 2>/tmp/inv.err
vm_ok $? "wqctl show --check-invariants: no violation on every view ($(head -c 300 /tmp/inv.err))"
wait $gen $churn

# Queuers on 6.1 (docs/QUEUERS.md): the interrupt probes and the stack
# test load and attach; aio work is the generator's, in task context; the
# queuer invariants hold.  The generator starts once the probes print
# (their loading takes seconds under TCG).
wqctl show -q -j -i 1 -n 4 --check-invariants >/tmp/q.json 2>/tmp/q.err &
show=$!
i=0
while [ ! -s /tmp/q.json ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
/bin/aiogen -d 2 -b 8 -f /dev/shm/aiogen >/dev/null 2>&1
wait $show
vm_ok $? "wqctl show -q --check-invariants: queuers load on 6.1, no violation ($(head -c 300 /tmp/q.err))"
aio=$(grep -o '"function":"aio_fsync_work","context":"[a-z]*","comm":"[^"]*"' /tmp/q.json | sort -u)
[ "$aio" = '"function":"aio_fsync_work","context":"task","comm":"aiogen"' ]
vm_ok $? "aio_fsync_work's queuer: task aiogen only ($(echo $aio | head -c 300); $(grep -o '"function":"[a-z_0-9]*","context":"[a-z]*","comm":"[^"]*"' /tmp/q.json | sort | uniq -c | head -5 | tr '\n' ' '))"
grep -q '"context":"softirq"' /tmp/q.json
vm_ok $? "some work is queued from softirq (timers)"

# The text view wqmon serves, taken from this kernel (v3: as root it has
# the configuration section), read back by its
# parser: the format the module's /proc/workqueues must match.
wqctl show -n 1 -i 0.5 -c >/tmp/view.txt 2>/tmp/view.err
vm_ok $? "wqctl show -c: one cumulative view of the 6.1 kernel"
head -1 /tmp/view.txt | grep -q '^wqmon-workqueues v3 source=kernel kernel=6\.1\.'
vm_ok $? "the view's header names source kernel and 6.1"
wqctl cat /tmp/view.txt >/dev/null 2>/tmp/cat.err
vm_ok $? "wqctl cat parses that view ($(head -c 200 /tmp/cat.err))"

# The workqueue configuration through BTF on 6.1: cpumask_var_t is a
# pointer there (CPUMASK_OFFSTACK), workqueues have no max_active of their
# own (each pwq has one) and the flag bits are anonymous enums.
wqctl config >/tmp/cfg.txt 2>/tmp/cfg.err
vm_ok $? "wqctl config on 6.1 ($(head -c 200 /tmp/cfg.err))"
vm_log /tmp/cfg.txt
grep -Eq '^events_highpri +highpri +[0-9]+ +[0-9]+ +- +- +- +[0-9]+,[0-9]+$' /tmp/cfg.txt
vm_ok $? "events_highpri: per-CPU, highpri, a pool on each CPU"
# writeback has WQ_SYSFS: its max_active and cpumask as sysfs says.
wb=/sys/devices/virtual/workqueue/writeback
max=$(cat $wb/max_active)
[ "$(cat $wb/cpumask)" = 3 ] &&
	grep -Eq "^writeback +unbound,mem_reclaim,sysfs +$max +[0-9]+ +0 +0-1 " /tmp/cfg.txt
vm_ok $? "writeback: unbound, max_active $max and CPUs 0-1 as sysfs says ($(grep '^writeback ' /tmp/cfg.txt))"
# Pools: two per CPU (nice 0 and -20), no BH pool before 6.9, and unbound
# pools whose cpumask came through the pointer.
[ "$(grep -Ec '^ +[0-9]+ +[01] +[01] +[0-9-]+ +(0|-20) +no ' /tmp/cfg.txt)" -eq 4 ] &&
	grep -Eq '^ +[0-9]+ +- +0-1 +[0-9-]+ +0 +no ' /tmp/cfg.txt &&
	! grep -Eq '^ +[0-9]+ .* yes +[0-9]+ +[0-9]+ +[0-9]+$' /tmp/cfg.txt
vm_ok $? "pools: two per CPU, an unbound pool on CPUs 0-1, none BH"
head -1 /tmp/cfg.txt | grep -q '^workqueue cpumask: requested -, effective 0-1, isolated -$\|^workqueue cpumask: requested 0-1, effective 0-1, isolated -$'
vm_ok $? "the workqueue cpumask ($(head -1 /tmp/cfg.txt))"
