#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Grafana dashboard (packaging/grafana/wqmon.json) against the real
# thing: a real wqmond on a kernel and refwq workload, scraped by a real
# Prometheus; every query must name metrics and labels that /metrics has,
# and run (grafana_dashboard.py).  Grafana itself is not in Debian 12, so
# the panel JSON is checked for structure, not rendered.
set -u
. "$(dirname "$0")/tap.bash"
need_root
private_dev_shm "$0" "$@"
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT

"$B/refwq-demo" -t 60 -q -n grafana >/dev/null 2>&1 &
pids+=($!)
# Low thresholds, so that the demo's blocked and hogging items raise real
# stalls for the stall panels.
start_wqmond "$tmp/wqmond.log" -s none -i 0.25 -o stalls.pending=500ms \
	-o stalls.cpu_hog=20ms
pids+=($DPID)
dport=$PORT
"$B/tests/gen/aiogen" -d 20 -b 8 >/dev/null &
pids+=($!)

start_prometheus "$tmp" "127.0.0.1:$dport"
pids+=("$PROM_PID")
# rate() over 30 s needs a few scrapes of the load.
sleep 12
curl -sf "http://127.0.0.1:$dport/metrics" >"$tmp/metrics" || bail "no /metrics"
grep -q 'source="refwq:grafana"' "$tmp/metrics" || bail "the refwq demo is not in /metrics"
grep -q '^wqmon_stalls_total{' "$tmp/metrics" || bail "the demo raised no stall: $(tail -3 "$tmp/wqmond.log")"
python3 "$(dirname "$0")/grafana_dashboard.py" "$(dirname "$0")/../../packaging/grafana/wqmon.json" \
	"$tmp/metrics" "$P"
