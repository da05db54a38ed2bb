#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqmond's own cost: CPU (% of one core) and RSS at idle and under the aio
# generator at 100k work items/s, with /metrics scraped every second as
# Prometheus would.  Target (issue 3): < 1% of a core and < 30 MB RSS.
#   tests/bench/daemon_cost.sh [OUTPUT_DIR]   (env: SECONDS_PER_RUN=20)
set -u
OUT=${1:-build}
DUR=${SECONDS_PER_RUN:-20}
tmp=$(mktemp -d)
dpid= spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; [ -n "$dpid" ] && kill $dpid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "daemon_cost: needs root" >&2; exit 1; }
"$OUT/wqmond" -l 127.0.0.1:0 -s none -o refwq.enabled=no 2>"$tmp/log" &
dpid=$!
sleep 2
# Port 0: the kernel picked a free port at bind time; the log says which.
port=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$tmp/log" | grep -oE '[0-9]+$')
[ -n "$port" ] || { echo "daemon_cost: wqmond did not start: $(tail -3 "$tmp/log")" >&2; exit 1; }
(while :; do curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; sleep 1; done) &
spid=$!
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$dpid/stat"; }
rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$dpid/status"; }
measure() {	# measure LABEL COMMAND...
	local label=$1 t0 t1; shift
	t0=$(cpu_ticks)
	"$@"
	t1=$(cpu_ticks)
	printf '| %s | %s | %.2f | %s |\n' "$label" "$DUR" \
		"$(echo "($t1 - $t0) * 100 / $ticks / $DUR" | bc -l)" "$(rss_mb)"
}
echo "| condition | seconds | wqmond CPU (% of one core) | RSS (MB) |"
echo "|---|---:|---:|---:|"
measure "idle (scraped every 1 s)" sleep "$DUR"
quiet() { "$@" >/dev/null; }
measure "aio load, 100k items/s" quiet "$OUT/tests/gen/aiogen" -d "$DUR" -r 100000 -b 16
measure "aio load, as fast as it goes" quiet "$OUT/tests/gen/aiogen" -d "$DUR" -b 32
