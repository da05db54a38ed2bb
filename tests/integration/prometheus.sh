#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real Prometheus server (Debian's package, on loopback, with a generated
# config) scrapes a real wqmond while a known kernel workload runs; the
# values Prometheus stores must match the load.  promtool must find
# nothing to say about /metrics, in both exposition formats.
set -u
. "$(dirname "$0")/tap.bash"
need_root
command -v prometheus >/dev/null && command -v promtool >/dev/null ||
	bail "prometheus/promtool missing: apt-get install prometheus (scripts/deps.sh does)"
tmp=$(mktemp -d)
dpid= ppid_=
trap '[ -n "$ppid_" ] && kill $ppid_ 2>/dev/null; [ -n "$dpid" ] && kill $dpid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

N=50000
# Room for every queuer of a busy machine (other tests may run beside
# this one): the generator's own series must not be folded.
start_wqmond "$tmp/wqmond.log" -s none -o refwq.enabled=no \
	-o metrics.queuer_series=20000
dpid=$DPID dport=$PORT

# --- the exposition itself ---
# Work series exist once the probes saw a work item: wait for one (the
# machine always has some; bounded) rather than scrape an empty start.
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$dport/metrics" >"$tmp/m.prom"
	grep -q '^wqmon_work_queued_total{' "$tmp/m.prom" && break
	sleep 0.1
done
promtool check metrics <"$tmp/m.prom" >"$tmp/lint" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$tmp/lint" ]
ok $? "promtool check metrics: nothing to report ($(head -c 300 "$tmp/lint"))"
for m in wqmon_build_info wqmon_work_queued_total wqmon_work_started_total \
	wqmon_work_completed_total wqmon_work_latency_seconds_bucket \
	wqmon_work_runtime_seconds_bucket wqmon_work_cpu_seconds_total \
	wqmon_pool_workers wqmon_pool_idle_workers wqmon_pool_pending \
	wqmon_pool_oldest_pending_seconds wqmon_pool_cpu_seconds_total \
	wqmon_queuer_work_queued_total wqmon_queuer_work_started_total \
	wqmon_queuer_wait_seconds_total wqmon_queuer_kworker_run_seconds_total \
	wqmon_queuer_kworker_cpu_seconds_total wqmon_queuer_rows; do
	grep -q "^$m{" "$tmp/m.prom"
	ok $? "/metrics has $m"
done
grep -q '^wqmon_queuer_series_limit 20000$' "$tmp/m.prom"
ok $? "/metrics has wqmon_queuer_series_limit, as set"
curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' \
	-D "$tmp/om.h" "http://127.0.0.1:$dport/metrics" >"$tmp/m.om"
grep -qi '^Content-Type: application/openmetrics-text' "$tmp/om.h" && [ "$(tail -1 "$tmp/m.om")" = "# EOF" ]
ok $? "OpenMetrics when asked, ending in # EOF"

# --- Prometheus scrapes it ---
start_prometheus "$tmp" "127.0.0.1:$dport"
ppid_=$PROM_PID
q() {	# q PROMQL: the first value, or empty
	curl -sf --get "$P/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
for _ in $(seq 50); do [ "$(q 'up{job="wqmon"}')" = 1 ] && break; sleep 0.2; done
is "$(q 'up{job="wqmon"}')" 1 "Prometheus scrapes wqmond"
# Warm up: the series exist before the measured window, as in production
# (rate() needs a sample of a series from before the increase).
"$B/tests/gen/aiogen" -n 1000 >/dev/null
sleep 2.5
sel='wqmon_work_completed_total{source="kernel",function="aio_fsync_work"}'
v0=$(q "sum($sel) or vector(0)")
"$B/tests/gen/aiogen" -n $N -b 16 >/dev/null
sleep 3.5	# one snapshot interval and two scrapes
v1=$(q "sum($sel)")
d=$(python3 -c "print(int(float('$v1') - float('$v0')))")
is "$d" $N "Prometheus saw exactly $N more completions of aio_fsync_work"
qd=$(python3 -c "print(int(float('$(q "sum(wqmon_work_queued_total{source=\"kernel\",function=\"aio_fsync_work\"})")') - float('$v0')))")
[ "$qd" -ge $N ]
ok $? "and the queued counter moved with it ($qd)"
# Who queued them: the generator's own series (task context, its comm),
# and every queuer series of the function, "other" included, adds up.
qsel='wqmon_queuer_work_queued_total{source="kernel",function="aio_fsync_work"'
g=$(q "sum($qsel,context=\"task\",comm=\"aiogen\"})")
python3 -c "import sys; sys.exit(not float('${g:-0}') >= $N)"
ok $? "Prometheus has aiogen's queuer series for aio_fsync_work (${g:-none} items)"
qa=$(q "sum($qsel})")
qc=$(q "sum(wqmon_queuer_work_queued_total{source=\"kernel\",function=\"aio_fsync_work\"}) - sum(wqmon_work_queued_total{source=\"kernel\",function=\"aio_fsync_work\"})")
is "${qc%.*}" 0 "the queuer series of aio_fsync_work sum to its queued counter (${qa:-none})"
kc=$(q "sum(wqmon_queuer_kworker_cpu_seconds_total{source=\"kernel\",comm=\"aiogen\"})")
python3 -c "import sys; sys.exit(not float('${kc:-0}') > 0)"
ok $? "kworker CPU is charged back to aiogen (${kc:-none} s)"
p99=$(q 'histogram_quantile(0.99, sum by (le) (rate(wqmon_work_latency_seconds_bucket{source="kernel",function="aio_fsync_work"}[1m])))')
python3 -c "import sys; v=float('${p99:-nan}'); sys.exit(not (0 < v < 1))"
ok $? "p99 latency from the histogram is plausible (${p99:-none} s)"
cnt=$(q 'sum(wqmon_work_latency_seconds_count{source="kernel",function="aio_fsync_work"}) - sum(wqmon_work_started_total{source="kernel",function="aio_fsync_work"})')
is "${cnt%.*}" 0 "latency histogram _count equals the started counter"
w=$(q 'sum(wqmon_pool_workers{source="kernel"})')
python3 -c "import sys; sys.exit(not float('${w:-0}') >= 2)"
ok $? "pool worker gauges are stored (${w:-none} kworkers)"
cpu=$(q 'sum(rate(wqmon_pool_cpu_seconds_total{source="kernel"}[1m]))')
python3 -c "import sys; sys.exit(not float('${cpu:-0}') > 0)"
ok $? "kworker CPU rate is positive (${cpu:-none} cores)"
finish
