#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Scenario (inside the VM): wqmond itself, as built for this machine with
# its shared libraries, on the kernel's probes: it serves /metrics, and the
# completion counter of aio_fsync_work rises by exactly the known load.
# Also its idle footprint (RSS, CPU over wqmon.idle= seconds from the kernel
# command line, default 5) for docs/BOARDS.md (tests/bench/footprint.sh).
. /vmlib.sh
N=${WQMON_VM_N:-20000}
PORT=9464
U=http://127.0.0.1:$PORT
idle=$(sed -n 's/.*wqmon\.idle=\([0-9]*\).*/\1/p' /proc/cmdline)
idle=${idle:-5}

ip link set lo up
vm_ok $? "loopback up"
wqmond --version >/tmp/ver 2>&1
vm_ok $? "wqmond runs: its loader and libraries are here ($(head -c 100 /tmp/ver))"

wqmond -l 127.0.0.1:$PORT -s none -o refwq.enabled=no -o kmod.enabled=no \
	>/tmp/wqmond.log 2>&1 &
pid=$!
up=1
i=0
while [ $i -lt 100 ]; do
	wget -q -O /dev/null $U/healthz 2>/dev/null && { up=0; break; }
	kill -0 $pid 2>/dev/null || break
	sleep 0.2
	i=$((i + 1))
done
vm_ok $up "wqmond answers /healthz (after ${i} tries)"
vm_log /tmp/wqmond.log

# Idle, before any load or scrape but the health check: what the daemon
# costs by itself, its probes attached to a quiet kernel.  /proc/PID/stat
# counts USER_HZ ticks: 100 on every Linux architecture.
ticks=100
cpu() { awk '{ print $14 + $15 }' /proc/$pid/stat; }
u0=$(cpu)
s0=$(cut -d' ' -f1 /proc/uptime)
sleep "$idle"
u1=$(cpu)
s1=$(cut -d' ' -f1 /proc/uptime)
rss=$(awk '/^VmRSS/ { print $2 }' /proc/$pid/status)
anon=$(awk '/^RssAnon/ { print $2 }' /proc/$pid/status)
pct=$(awk -v u=$((u1 - u0)) -v t="$ticks" -v a="$s0" -v b="$s1" \
	'BEGIN { printf "%.2f", u * 100 / t / (b - a) }')
echo "WQMON-VM: | footprint: wqmond idle rss_kb=$rss anon_kb=$anon cpu_pct=$pct" \
	"seconds=$idle kallsyms=$(wc -l </proc/kallsyms)" \
	"btf_bytes=$(stat -c %s /sys/kernel/btf/vmlinux)"
# The daemon's memory target (issue 3, docs/BENCHMARKS.md): under 30 MB.
[ -n "$rss" ] && [ "$rss" -gt 0 ] && [ "$rss" -lt 30720 ]
vm_ok $? "wqmond idle RSS ${rss} kB < 30 MB; CPU ${pct}% of one core over ${idle}s (TCG)"

metric() {	# metric NAME: NAME{source="kernel",...aio_fsync_work} summed
	wget -q -O - $U/metrics | awk -v n="$1" '
		index($1, n "{") == 1 && /source="kernel"/ && /function="aio_fsync_work"/ {
			s += $2 } END { printf "%d\n", s }'
}
wget -q -O /tmp/m0 $U/metrics
vm_ok $? "GET /metrics"
grep -q '^wqmon_source_up{source="kernel"} 1$' /tmp/m0
vm_ok $? "wqmon_source_up{source=\"kernel\"} is 1"
c0=$(metric wqmon_work_completed_total)
q0=$(metric wqmon_work_queued_total)
t0=$(cut -d' ' -f1 /proc/uptime)
aiogen -n "$N" -b 32 -f /dev/shm/aiogen >/tmp/aiogen.out 2>&1
vm_ok $? "aiogen made $N aio_fsync_work items"
t1=$(cut -d' ' -f1 /proc/uptime)
echo "WQMON-VM: | aiogen: ${t0}s..${t1}s"
# The daemon takes a snapshot every second: wait for one after the load.
i=0
while [ $i -lt 30 ]; do
	c1=$(metric wqmon_work_completed_total)
	[ $((c1 - c0)) -ge "$N" ] && break
	sleep 0.5
	i=$((i + 1))
done
sleep 1.5
c1=$(metric wqmon_work_completed_total)
q1=$(metric wqmon_work_queued_total)
vm_is $((c1 - c0)) "$N" "/metrics: wqmon_work_completed_total of aio_fsync_work rose by the load ($c0 -> $c1)"
vm_is $((q1 - q0)) "$N" "/metrics: wqmon_work_queued_total of aio_fsync_work rose by the load ($q0 -> $q1)"
wget -q -O - $U/metrics | grep -q '^wqmon_work_latency_seconds_bucket{source="kernel",.*function="aio_fsync_work"'
vm_ok $? "/metrics: a latency histogram for aio_fsync_work"
wget -q -O /tmp/view.txt $U/workqueues && wqctl cat /tmp/view.txt >/dev/null 2>/tmp/cat.err
vm_ok $? "/workqueues is the text view wqctl reads ($(head -c 200 /tmp/cat.err))"

kill -TERM $pid
wait $pid
vm_ok $? "wqmond stops cleanly on SIGTERM"
vm_log /tmp/wqmond.log
