#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stall detection end to end.  A real per-CPU pool stall on this kernel
# (tests/gen/stallgen.c: an RT hog starves CPU 1's kworkers) is found
# within threshold + one interval, with its evidence, and resolved after;
# the kernel's watchdog (30 s) says nothing in that time.  A refwq instance
# with a blocked worker raises a pending stall.  Heavy but healthy load
# raises nothing.
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
dpid=
trap '[ -n "$dpid" ] && kill $dpid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
[ "$(nproc)" -ge 2 ] || bail "needs 2 CPUs: the hog takes CPU 1"

start_daemon() {	# start_daemon ARGS...: sets U, dpid
	local port
	port=$(free_port)
	U="http://127.0.0.1:$port"
	"$B/wqmond" -l "127.0.0.1:$port" -s none -i 0.25 "$@" >"$tmp/log" 2>&1 &
	dpid=$!
	wait_http "$U/api/v1/sources" 15 || bail "wqmond did not start: $(tail -3 "$tmp/log")"
}
stop_daemon() { kill $dpid; wait $dpid 2>/dev/null; dpid=; }

# --- healthy heavy load: no stall with the default thresholds ---
start_daemon -o refwq.enabled=no
"$B/tests/gen/aiogen" -d 4 -b 32 >/dev/null
sleep 0.5
n=$(curl -sf "$U/api/v1/stalls" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["active"]) + len(d["recent"]))')
is "$n" 0 "4 s of aio load at full speed raises no stall"
stop_daemon

# --- a real starved pool on this kernel ---
dmesg_before=$(dmesg 2>/dev/null | grep -c 'workqueue lockup')
start_daemon -o refwq.enabled=no -o stalls.starved=300ms -o stalls.pending=300ms
sleep 1
"$B/tests/gen/stallgen" -c 1 -t 2500 >"$tmp/gen"
ok $? "stallgen starved CPU 1 ($(cat "$tmp/gen"))"
sleep 1
curl -sf "$U/api/v1/stalls" >"$tmp/stalls.json"
python3 - "$tmp/stalls.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["active"], d["active"]
s = [x for x in d["recent"] if x["source"] == "kernel" and x["cpu"] == 1
     and x["kind"] in ("starved", "pending")]
assert s, d["recent"]
x = s[-1]
assert x["state"] == "resolved" and x["end_real_ns"] > x["since_real_ns"]
assert x["pool_id"] >= 0 and x["function"] and x["workqueue"], x
assert "pending:" in x["evidence"] and "running" in x["evidence"], x["evidence"]
PY
ok $? "the stall of CPU 1's pool is listed, resolved, with pool, function and evidence"
# Detection delay: the age when it started is at most threshold + interval.
first=$(grep -m1 'stall started: .* cpu=1 ' "$tmp/log" | sed -n 's/.* age=\([0-9.]*\)s .*/\1/p')
[ -n "$first" ] && python3 -c "import sys; sys.exit(not float('$first') <= 0.300 + 0.250 + 0.05)"
ok $? "found at age ${first:-?} s: within the 0.3 s threshold + one 0.25 s interval"
grep -q 'stall resolved: .* cpu=1 ' "$tmp/log"
ok $? "its resolution is logged"
curl -sf "$U/metrics" | grep -Eq '^wqmon_stalls_total\{source="kernel",kind="(starved|pending)"\} [1-9]'
ok $? "wqmon_stalls_total counts it"
curl -sf "$U/metrics" | grep -q '^# TYPE wqmon_stall_active gauge'
ok $? "wqmon_stall_active is exposed"
is "$(dmesg 2>/dev/null | grep -c 'workqueue lockup')" "$dmesg_before" \
	"the kernel's own watchdog reported nothing (it waits 30 s)"
stop_daemon

# --- refwq: a worker blocked outside refwq's primitives stalls its pool ---
start_daemon -o kernel.enabled=no -o stalls.pending=500ms -o stalls.starved=500ms
"$B/refwq-demo" -t 4 -q -n stalls --block-every=1000 --block-ms=1500 --hog-every=0 2>/dev/null
sleep 1
curl -sf "$U/api/v1/stalls" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = [x for x in d["active"] + d["recent"] if x["source"] == "refwq:stalls"]
assert s and s[0]["kind"] in ("pending", "starved"), d'
ok $? "a blocked refwq worker raises a pending stall for refwq:stalls"
stop_daemon
finish
