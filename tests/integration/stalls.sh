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
private_dev_shm "$0" "$@"
tmp=$(mktemp -d)
dpid=
ampid=
trap '[ -n "$dpid" ] && kill $dpid 2>/dev/null; [ -n "$ampid" ] && kill $ampid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
[ "$(nproc)" -ge 2 ] || bail "needs 2 CPUs: the hog takes CPU 1"

start_daemon() {	# start_daemon ARGS...: sets U, dpid
	start_wqmond "$tmp/log" -s none -i 0.25 "$@"
	dpid=$DPID
}
stop_daemon() { kill $dpid; wait $dpid 2>/dev/null; dpid=; }

# --- healthy heavy load: no stall with the default thresholds ---
start_daemon -o refwq.enabled=no
"$B/tests/gen/aiogen" -d 4 -b 32 >/dev/null
sleep 0.5
n=$(curl -sf "$U/api/v1/stalls" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["active"]) + len(d["recent"]))')
is "$n" 0 "4 s of aio load at full speed raises no stall"
stop_daemon

# --- a real starved pool on this kernel, alerting a real Alertmanager and
#     an exec hook ---
AM=$(command -v prometheus-alertmanager) || bail "prometheus-alertmanager not installed (scripts/deps.sh)"
printf 'route:\n  receiver: none\nreceivers:\n  - name: none\n' >"$tmp/am.yml"
"$AM" --config.file="$tmp/am.yml" --storage.path="$tmp/am" \
	--web.listen-address=127.0.0.1:0 --cluster.listen-address= \
	--log.level=info >"$tmp/am.log" 2>&1 &
ampid=$!
amport=$(bound_port "$tmp/am.log" $ampid) || bail "alertmanager did not start: $(tail -2 "$tmp/am.log")"
A="http://127.0.0.1:$amport"
wait_http "$A/-/ready" 20 || bail "alertmanager did not start: $(tail -2 "$tmp/am.log")"
cat >"$tmp/hook.sh" <<HOOK
#!/bin/sh
env | grep '^WQMON_' >>"$tmp/hook.\$WQMON_STALL_ID.\$WQMON_STALL_STATE"
HOOK
chmod +x "$tmp/hook.sh"
dmesg_before=$(dmesg 2>/dev/null | grep -c 'workqueue lockup')
start_daemon -o refwq.enabled=no -o stalls.starved=300ms -o stalls.pending=300ms \
	-o "alerts.webhook=$A/api/v2/alerts" -o "alerts.exec=$tmp/hook.sh"
sleep 1
"$B/tests/gen/stallgen" -c 1 -t 2500 >"$tmp/gen" &
gen=$!
# While it lasts, the stall is an active alert in Alertmanager.
: >"$tmp/am_firing.json"
for _ in $(seq 30); do
	curl -sf "$A/api/v2/alerts" >"$tmp/am_now.json" &&
		grep -q '"alertname":"WorkqueueStall"' "$tmp/am_now.json" &&
		cp "$tmp/am_now.json" "$tmp/am_firing.json" && break
	sleep 0.1
done
wait $gen
ok $? "stallgen starved CPU 1 ($(cat "$tmp/gen"))"
python3 - "$tmp/am_firing.json" <<'PY'
import json, sys
a = [x for x in json.load(open(sys.argv[1])) if x["labels"]["alertname"] == "WorkqueueStall"]
assert a, "no WorkqueueStall alert while the stall lasted"
l = a[0]["labels"]
assert l["source"] == "kernel" and l["cpu"] == "1" and l["kind"] in ("starved", "pending"), l
assert a[0]["status"]["state"] == "active", a[0]["status"]
PY
ok $? "Alertmanager had the firing alert while the stall lasted (source, cpu, kind labels)"
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
# Alertmanager keeps resolved alerts for a while, with their endsAt.
curl -sf "$A/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true" >"$tmp/am_active.json"
curl -sf --get "$A/api/v2/alerts" --data-urlencode 'filter=alertname="WorkqueueStall"' >"$tmp/am.json"
python3 - "$tmp/stalls.json" "$tmp/am_active.json" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
am = json.load(open(sys.argv[2]))
ids = {str(x["id"]) for x in st["recent"]}
live = [a for a in am if a["labels"].get("stall_id") in ids]
# Resolved: none of our stalls may still be active in Alertmanager.
assert not live, live
PY
ok $? "Alertmanager holds no active alert for the resolved stalls"
sid=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([x for x in d["recent"] if x["cpu"] == 1][-1]["id"])' "$tmp/stalls.json")
grep -q "WorkqueueStall" "$tmp/am.log" 2>/dev/null || true
n_sent=$(curl -sf "$U/api/v1/stalls" | python3 -c 'import json,sys; d=json.load(sys.stdin)["sinks"]; print(d["webhook"]["sent"], d["webhook"]["failed"], d["exec"]["sent"])')
set -- $n_sent
[ "${1:-0}" -ge 2 ] && [ "${2:-1}" -eq 0 ]
ok $? "the webhook delivered firing and resolved to Alertmanager ($1 sent, $2 failed)"
[ -s "$tmp/hook.$sid.firing" ] && [ -s "$tmp/hook.$sid.resolved" ]
ok $? "the exec hook ran for stall #$sid firing and resolved"
grep -q '^WQMON_CPU=1$' "$tmp/hook.$sid.firing" && grep -q '^WQMON_SOURCE=kernel$' "$tmp/hook.$sid.firing" &&
	grep -q '^WQMON_EVIDENCE=pool ' "$tmp/hook.$sid.firing"
ok $? "the hook's environment carries the stall's details"
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

# --- refwq: a function hogging the CPU, once, not flapping ---
start_daemon -o kernel.enabled=no -o stalls.cpu_hog=100ms
"$B/refwq-demo" -t 4 -q -n hogs --hog-every=700 --hog-ms=200 --block-every=0 2>/dev/null
sleep 1.5
curl -sf "$U/api/v1/stalls" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = [x for x in d["active"] + d["recent"] if x["source"] == "refwq:hogs"]
assert len(s) == 1 and s[0]["kind"] == "cpu_hog" and s[0]["function"] == "demo_hog", s
assert s[0]["state"] == "resolved" and s[0]["age_ns"] > 100000000, s[0]'
ok $? "a refwq hog raises one cpu_hog stall for demo_hog, resolved after it stops"
stop_daemon
finish
