#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Alert sinks against the real thing: a real Alertmanager on loopback gets
# the webhook's firing alert and its resolution and notifies its own
# receiver; a closed port gets retries, then a failure, and post() does not
# wait; the exec hook sees every variable; a hung hook is killed.
set -u
. "$(dirname "$0")/tap.bash"
S="$B/tests/itest/alert_send"
AM=$(command -v prometheus-alertmanager) || bail "prometheus-alertmanager not installed (scripts/deps.sh)"
[ -x "$S" ] || bail "$S not built (make test-build)"
tmp=$(mktemp -d)
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# --- a receiver that records Alertmanager's notifications ---
cat >"$tmp/recv.py" <<'PY'
import http.server, sys
out = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(out, "ab") as f:
            f.write(body + b"\n")
        self.send_response(200)
        self.end_headers()
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print("listening on 127.0.0.1:%d" % s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$tmp/recv.py" "$tmp/notified" >"$tmp/recv.log" 2>&1 &
pids="$pids $!"
rport=$(bound_port "$tmp/recv.log" $!) || bail "the receiver did not start: $(tail -2 "$tmp/recv.log")"

# --- Alertmanager, loopback only, no cluster ---
cat >"$tmp/am.yml" <<EOF
route:
  receiver: rec
  group_by: [alertname, stall_id]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: rec
    webhook_configs:
      - url: http://127.0.0.1:$rport/
        send_resolved: true
EOF
"$AM" --config.file="$tmp/am.yml" --storage.path="$tmp/am" \
	--web.listen-address=127.0.0.1:0 --cluster.listen-address= \
	--log.level=info >"$tmp/am.log" 2>&1 &
pids="$pids $!"
port=$(bound_port "$tmp/am.log" $!) || bail "alertmanager did not start: $(tail -2 "$tmp/am.log")"
U="http://127.0.0.1:$port"
wait_http "$U/-/ready" 20
ok $? "alertmanager ready on $U ($(tail -1 "$tmp/am.log"))"

# wait_for SECONDS COMMAND...: until it succeeds
wait_for() {
	local i n=$(($1 * 10))
	shift
	for i in $(seq $n); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# --- firing ---
"$S" -w "$U/api/v2/alerts" -s firing -i 7 >"$tmp/out" 2>&1
ok $? "firing alert delivered: $(tr '\n' ' ' <"$tmp/out")"
active_alert() {	# active_alert STATE: the alert of stall 7 is in that state
	curl -sf "$U/api/v2/alerts" >"$tmp/alerts.json" || return 1
	python3 - "$tmp/alerts.json" "$1" <<'PY'
import json, sys
a = [x for x in json.load(open(sys.argv[1]))
     if x["labels"].get("stall_id") == "7"]
if sys.argv[2] == "gone":
    sys.exit(1 if a else 0)
assert len(a) == 1, a
a = a[0]
want = {"alertname": "WorkqueueStall", "kind": "pending", "source": "kernel",
        "pool": "4", "cpu": "2", "workqueue": "events",
        "function": "vmstat_update", "severity": "critical",
        "instance": "alert_send", "stall_id": "7"}
assert a["labels"] == want, a["labels"]
assert a["status"]["state"] == sys.argv[2], a["status"]
assert "12.5s > 5s" in a["annotations"]["summary"], a["annotations"]
assert a["annotations"]["evidence"].startswith("pending: 3"), a["annotations"]
assert a["generatorURL"] == "http://127.0.0.1:9464/", a
PY
}
wait_for 5 active_alert active
ok $? "alertmanager shows the alert active with the right labels ($(head -c 300 "$tmp/alerts.json"))"
notified() {	# notified STATUS
	[ -s "$tmp/notified" ] && python3 - "$tmp/notified" "$1" <<'PY'
import json, sys
n = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert any(m["status"] == sys.argv[2] and m["alerts"][0]["labels"]["function"] == "vmstat_update"
           for m in n)
PY
}
wait_for 10 notified firing 2>/dev/null
ok $? "alertmanager's receiver was notified: firing"

# --- resolved ---
"$S" -w "$U/api/v2/alerts" -s resolved -i 7 >"$tmp/out" 2>&1
ok $? "resolution delivered: $(tr '\n' ' ' <"$tmp/out")"
wait_for 5 active_alert gone
ok $? "the alert is no longer active in alertmanager"
wait_for 10 notified resolved 2>/dev/null
ok $? "alertmanager's receiver was notified: resolved"

# --- a sink that is down: retries, failure, post() unaffected ---
# A port that refuses connections: bound, never listening, held by this
# test until it ends (a port merely found free could be taken meanwhile).
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
time.sleep(600)' >"$tmp/closed.log" 2>&1 &
pids="$pids $!"
closed=$(bound_port "$tmp/closed.log" $!) || bail "cannot hold a closed port"
t0=$(date +%s%N)
"$S" -w "http://127.0.0.1:$closed/api/v2/alerts" -s firing -a 3 -r 100 >"$tmp/out" 2>"$tmp/err"
rc=$?
t=$((($(date +%s%N) - t0) / 1000000))
is "$rc" 1 "closed port: alert_send reports the failure"
grep -q 'webhook sent=0 failed=1 retried=2 dropped=0' "$tmp/out"
ok $? "closed port: 3 attempts, then failed: $(tr '\n' ' ' <"$tmp/out")"
us=$(sed -n 's/.*post_us=\([0-9]*\).*/\1/p' "$tmp/out")
[ "${us:-999999}" -lt 10000 ]
ok $? "closed port: post() returned in ${us} us"
[ "$t" -ge 300 ] && [ "$t" -lt 5000 ]
ok $? "closed port: backoff 100 + 200 ms between attempts (took $t ms)"
grep -q 'not delivered after 3 attempts: Connection refused' "$tmp/err"
ok $? "closed port: the failure is logged: $(cat "$tmp/err")"
"$S" -w "http://[::1]:$closed/api/v2/alerts" -s firing -a 1 >"$tmp/out" 2>&1
grep -q 'webhook sent=0 failed=1' "$tmp/out"
ok $? "IPv6 URL: connects (refused) and fails: $(tr '\n' ' ' <"$tmp/out")"

# --- exec hook: every variable, stdin /dev/null, no shell on our side ---
cat >"$tmp/hook.sh" <<'EOF'
#!/bin/sh
env | grep '^WQMON_' | sort >"$1.$WQMON_STALL_STATE"
readlink /proc/self/fd/0 >>"$1.$WQMON_STALL_STATE"
echo "argv2=$2" >>"$1.$WQMON_STALL_STATE"
EOF
chmod +x "$tmp/hook.sh"
"$S" -i 42 -- "$tmp/hook.sh" "$tmp/env" 'a b;$(touch x)' >"$tmp/out" 2>&1
ok $? "exec hook ran for firing and resolved: $(tr '\n' ' ' <"$tmp/out")"
for v in WQMON_STALL_ID=42 WQMON_STALL_KIND=pending WQMON_SOURCE=kernel WQMON_POOL=4 \
	WQMON_CPU=2 WQMON_WORKQUEUE=events WQMON_FUNCTION=vmstat_update \
	WQMON_WORKER_TID=1234 WQMON_AGE_SECONDS=12.5 WQMON_THRESHOLD_SECONDS=5 \
	'WQMON_EVIDENCE=pending: 3; oldest vmstat_update 12.5s' WQMON_SEVERITY=critical \
	/dev/null 'argv2=a b;$(touch x)'; do
	grep -qxF "$v" "$tmp/env.firing" && grep -qxF "$v" "$tmp/env.resolved"
	ok $? "hook sees $v"
done
grep -qx 'WQMON_STALL_STATE=firing' "$tmp/env.firing" &&
	grep -qx 'WQMON_STALL_STATE=resolved' "$tmp/env.resolved"
ok $? "hook sees WQMON_STALL_STATE firing, then resolved"
grep -qE '^WQMON_STARTED_AT=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' "$tmp/env.firing"
ok $? "hook sees WQMON_STARTED_AT in RFC 3339: $(grep STARTED "$tmp/env.firing")"
grep -qx 'WQMON_ENDED_AT=' "$tmp/env.firing" &&
	grep -qE '^WQMON_ENDED_AT=[0-9-]{10}T' "$tmp/env.resolved"
ok $? "hook sees WQMON_ENDED_AT only when resolved"
[ ! -e x ] && [ ! -e "$tmp/x" ]
ok $? "arguments reach the hook verbatim, no shell expansion"

# --- a hook that hangs (and ignores SIGTERM) is killed at its timeout ---
cat >"$tmp/hang.sh" <<'EOF'
#!/bin/sh
trap '' TERM
echo $$ >"$1"
sleep 30 &
wait
EOF
chmod +x "$tmp/hang.sh"
t0=$(date +%s%N)
"$S" -s firing -t 500 -- "$tmp/hang.sh" "$tmp/hang.pid" >"$tmp/out" 2>"$tmp/err"
rc=$?
t=$((($(date +%s%N) - t0) / 1000000))
is "$rc" 1 "hung hook: reported as failed"
grep -q 'exec sent=0 failed=1' "$tmp/out"
ok $? "hung hook: counted as failed: $(tr '\n' ' ' <"$tmp/out")"
[ "$t" -ge 1400 ] && [ "$t" -lt 4000 ]
ok $? "hung hook: killed after 500 ms + 1 s SIGTERM grace (took $t ms)"
grep -q 'killed after its timeout' "$tmp/err"
ok $? "hung hook: logged: $(cat "$tmp/err")"
pg=$(cat "$tmp/hang.pid" 2>/dev/null)
sleep 0.2
# Zombies do not count: a container's init may be slow to reap them.
[ -n "$pg" ] && ! ps -o stat= -g "$pg" | grep -qv '^Z'
ok $? "hung hook: its children are killed too (process group $pg)"

# --- a hook that fails: exit status logged ---
"$S" -s firing -- /bin/false >"$tmp/out" 2>"$tmp/err"
grep -q 'exec sent=0 failed=1' "$tmp/out" && grep -q 'exit status 1' "$tmp/err"
ok $? "failing hook: exit status logged: $(cat "$tmp/err")"

finish
