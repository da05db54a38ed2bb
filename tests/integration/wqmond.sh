#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqmond as a service: configuration checks, the API on a real kernel
# workload, HTTP misuse, bounded memory, reload, the local socket without
# root, refwq instances coming and going, and a clean stop.
set -u
. "$(dirname "$0")/tap.bash"
need_root
private_dev_shm "$0" "$@"
D="$B/wqmond"
tmp=$(mktemp -d)
chmod 755 "$tmp"
dpid=
cleanup() { [ -n "$dpid" ] && kill "$dpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# --- configuration: --check-config, one line per problem, exit 2 ---
printf '[daemon]\ninterval = 2\nlisten = 127.0.0.1:1\n' >"$tmp/good.conf"
"$D" --check-config -c "$tmp/good.conf" >"$tmp/out" 2>&1
ok $? "--check-config accepts a valid file"
bad_config() {	# bad_config PATTERN CONTENT
	printf "$2" >"$tmp/bad.conf"
	"$D" --check-config -c "$tmp/bad.conf" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "$1" "$tmp/err"
	ok $? "bad config -> exit 2, one line: $(cat "$tmp/err")"
}
bad_config 'bad.conf:2: interval' '[daemon]\ninterval = fast\n'
bad_config "bad.conf:3: unknown key 'colour'" '[daemon]\n\ncolour = 1\n'
bad_config 'unknown section \[nope\]' '[nope]\nx = 1\n'
bad_config 'bad.conf:2: syntax error' '[daemon]\nno equals sign\n'
"$D" --check-config -c "$tmp/missing.conf" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'cannot open' "$tmp/err"
ok $? "a missing config file is named: $(cat "$tmp/err")"
"$D" --check-config -o daemon.interval=0 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'option daemon.interval' "$tmp/err"
ok $? "flags are validated like the file: $(cat "$tmp/err")"
"$D" --print-config | "$D" --check-config -c /dev/stdin >/dev/null 2>&1
ok $? "the built-in configuration passes its own check"

# --- start, on a real workload ---
sock="$tmp/wqmond.sock"
printf '[daemon]\ninterval = 0.5\nhistory_bytes = 1M\n' >"$tmp/run.conf"
"$D" -c "$tmp/run.conf" -l 127.0.0.1:0 -s "$sock" >"$tmp/log" 2>&1 &
dpid=$!
port=$(bound_port "$tmp/log" $dpid) || bail "wqmond did not start: $(tail -3 "$tmp/log")"
U="http://127.0.0.1:$port"
wait_http "$U/healthz" 15
ok $? "wqmond answers /healthz ($(tail -2 "$tmp/log" | tr '\n' ' '))"
"$B/tests/gen/aiogen" -n 100000 >/dev/null
sleep 1.2
curl -sf "$U/api/v1/snapshot" >"$tmp/snap.json"
ok $? "GET /api/v1/snapshot"
python3 - "$tmp/snap.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "wqmon-snapshot", d["format"]
k = [s for s in d["snapshots"] if s["source"] == "kernel"][0]
done = sum(r["completed"] for r in k["series"] if r["function"] == "aio_fsync_work")
assert done >= 100000, done
PY
ok $? "the kernel source holds the 100000 aio items"
curl -sf "$U/api/v1/history" >"$tmp/hist.json"
python3 - "$tmp/hist.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = d["views"]
assert len(v) >= 2, len(v)
assert all(x["interval_ns"] > 0 for x in v)
assert [x["mono_ns"] for x in v] == sorted(x["mono_ns"] for x in v)
PY
ok $? "history holds interval views in time order"
# ?since=T: the views after T, none at or before it.  Asked from the
# second-to-last view held, the answer starts with the last one; how many
# came after it depends on how long this took, so is not counted.
prev=$(python3 -c 'import json,sys; print([v for v in json.load(open(sys.argv[1]))["views"] if v["source"] == "kernel"][-2]["mono_ns"])' "$tmp/hist.json")
curl -sf "$U/api/v1/history?since=$prev" >"$tmp/since.json"
python3 - "$tmp/hist.json" "$tmp/since.json" "$prev" <<'PY'
import json, sys
# The kernel's views only: a refwq instance may come and go.
kern = lambda f: [v for v in json.load(open(f))["views"] if v["source"] == "kernel"]
held, got = kern(sys.argv[1]), kern(sys.argv[2])
prev = int(sys.argv[3])
assert got and all(v["mono_ns"] > prev for v in got), [v["mono_ns"] for v in got]
assert got[0]["mono_ns"] == held[-1]["mono_ns"], (got[0]["mono_ns"], held[-1]["mono_ns"])
PY
ok $? "?since= returns only newer views, from the next one on"
curl -sf "$U/workqueues" | "$B/wqctl" cat - >/dev/null 2>"$tmp/err"
ok $? "/workqueues is the text view wqctl reads ($(head -c 200 "$tmp/err"))"
code=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/history?since=abc")
is "$code" 400 "a bad ?since= is a 400"

# --- HTTP misuse: the daemon answers and keeps serving ---
hdr=$(curl -s -o /dev/null -D - -X POST "$U/metrics")
echo "$hdr" | grep -q '^HTTP/1.1 405' && echo "$hdr" | grep -qi '^Allow: GET, HEAD'
ok $? "POST is 405 with Allow: GET, HEAD"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$U/")
is "$code" 405 "DELETE is 405"
curl -s "$U/no/such/page" >"$tmp/404" ; code=$(curl -s -o /dev/null -w '%{http_code}' "$U/no/such/page")
is "$code" 404 "an unknown path is 404"
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["error"] and d["hint"]' "$tmp/404"
ok $? "404 body is JSON with error and hint"
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$U/metrics")
is "$code" 200 "HEAD /metrics"
big=$(head -c 100000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$U/metrics")
[ "$code" = 431 ] || [ "$code" = 413 ] || [ "$code" = 000 ]
ok $? "a 100 kB header is refused ($code)"
rss0=$(rss_kb $dpid)
seq 400 | xargs -P 40 -I{} curl -s -o /dev/null "$U/api/v1/snapshot"
seq 200 | xargs -P 40 -I{} curl -s -o /dev/null -H "X-Big: $big" "$U/metrics"
wait_http "$U/healthz" 5
ok $? "still serving after 600 concurrent requests, 200 of them oversized"
rss1=$(rss_kb $dpid)
[ "$rss1" -lt $((rss0 + 20000)) ]
ok $? "memory stays bounded under load (RSS $rss0 kB -> $rss1 kB)"

# --- the local socket, without root ---
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	curl -sf --unix-socket "$sock" http://localhost/api/v1/sources >"$tmp/src.json"
ok $? "an unprivileged user reads the API on the local socket"
grep -q '"name":"kernel"' "$tmp/src.json"
ok $? "the socket serves the same API"

# --- refwq instances come and go ---
"$B/refwq-demo" -t 3 -q -n itest &
demo=$!
sleep 2
curl -sf "$U/api/v1/sources" | grep -q "\"name\":\"refwq:itest\",\"kind\":\"refwq\",\"state\":\"up\""
ok $? "a running refwq instance is the source refwq:itest"
curl -sf "$U/api/v1/snapshot" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = [s for s in d["snapshots"] if s["source"] == "refwq:itest"][0]
assert sum(x["completed"] for x in r["series"]) > 100' 
ok $? "its work is in the snapshot"
wait $demo
sleep 1.5
curl -sf "$U/api/v1/sources" | grep -q 'refwq:itest'
[ $? -ne 0 ]
ok $? "an instance that exited is gone"

# --- what the daemon shows for a refwq instance is exactly what it did ---
coproc KNOWN { exec "$B/tests/itest/refwq_known" exact 1000 7; }
read -r -t 10 line <&"${KNOWN[0]}"
is "$line" ready "refwq_known did 1000 items and cancelled 7"
sleep 1.5	# one daemon interval
curl -sf "$U/api/v1/snapshot" >"$tmp/exact.json"
python3 - "$tmp/exact.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
src = [s for s in d["snapshots"] if s["source"] == "refwq:exact"]
assert src, "no refwq:exact source"
rows = {r["function"]: r for r in src[0]["series"]}
k = rows["known_fn"]
assert (k["queued"], k["activated"], k["started"], k["completed"], k["cancelled"]) == (1000, 1000, 1000, 1000, 0), k
assert k["workqueue"] == "known", k["workqueue"]
assert k["hist"]["lat"]["count"] == 1000 and k["hist"]["run"]["count"] == 1000
c = rows["cancelled_fn"]
assert (c["queued"], c["started"], c["completed"], c["cancelled"]) == (7, 0, 0, 7), c
PY
ok $? "the daemon shows exactly 1000 queued/started/completed and 7 cancelled"
kill $KNOWN_PID; wait $KNOWN_PID 2>/dev/null

# --- reload: a bad file keeps the running configuration ---
printf '[daemon]\ninterval = oops\n' >"$tmp/run.conf"
kill -HUP $dpid; sleep 0.5
grep -q 'reload failed: keeping the running configuration' "$tmp/log"
ok $? "a bad reload is refused and logged"
wait_http "$U/healthz" 3
ok $? "still serving after a bad reload"
printf '[daemon]\ninterval = 1\nhistory_bytes = 2M\n' >"$tmp/run.conf"
kill -HUP $dpid; sleep 0.5
grep -q 'configuration reloaded' "$tmp/log"
ok $? "SIGHUP reloads a good file"

# --- a second daemon on the same socket does not take it over ---
timeout 10 "$D" -l none -s "$sock" -o kernel.enabled=no -o refwq.enabled=no \
	>"$tmp/second.out" 2>"$tmp/second.err"
rc=$?
[ $rc -eq 1 ] && grep -q "another wqmond serves $sock" "$tmp/second.err"
ok $? "a second wqmond on a live socket exits 1 and says so: $(tail -1 "$tmp/second.err")"
curl -sf --unix-socket "$sock" -o /dev/null http://wqmond/healthz
ok $? "and the first still answers on its socket"

# --- stop ---
kill -TERM $dpid
for _ in $(seq 30); do kill -0 $dpid 2>/dev/null || break; sleep 0.1; done
wait $dpid
is "$?" 0 "SIGTERM: exit status 0"
dpid=
[ ! -e "$sock" ]
ok $? "the local socket is removed"
# A dead daemon's socket file (no one answers) is taken over.
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$sock"
"$D" -l none -s "$sock" -o kernel.enabled=no -o refwq.enabled=no >"$tmp/stale.log" 2>&1 &
spid=$!
wait_for_sock() { curl -sf --unix-socket "$sock" -o /dev/null http://wqmond/api/v1/sources; }
for _ in $(seq 50); do wait_for_sock && break; sleep 0.1; done
wait_for_sock
ok $? "a stale socket file left by a dead daemon is replaced"
kill $spid; wait $spid 2>/dev/null

# --- web_root: files beneath it only, never through a symlink or a FIFO ---
mkdir -p "$tmp/web/static" "$tmp/secret"
echo 'console.log("wqmon")' >"$tmp/web/app.js"
echo 'root-only' >"$tmp/secret/shadow"
ln -s "$tmp/secret/shadow" "$tmp/web/shadow.css"
ln -s "$tmp/secret" "$tmp/web/leak"
mkfifo "$tmp/web/fifo.js"
start_wqmond "$tmp/logw" -s none -o kernel.enabled=no -o refwq.enabled=no \
	-o "daemon.web_root=$tmp/web"
wpid=$DPID
curl -sf "$U/static/app.js" | grep -q wqmon
ok $? "web_root: a file beneath it is served"
code=$(curl -s --max-time 5 -o "$tmp/body" -w '%{http_code}' "$U/static/shadow.css")
[ "$code" = 404 ] && ! grep -q root-only "$tmp/body"
ok $? "web_root: a symlink to a file outside is not followed (HTTP $code)"
code=$(curl -s --max-time 5 -o "$tmp/body" -w '%{http_code}' "$U/static/leak/shadow")
[ "$code" = 404 ] && ! grep -q root-only "$tmp/body"
ok $? "web_root: a symlinked directory exposes nothing (HTTP $code)"
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$U/static/fifo.js")
is "$code" 404 "web_root: a FIFO is refused at once, not waited on"
curl -sf --max-time 5 -o /dev/null "$U/healthz" || curl -s --max-time 5 -o /dev/null "$U/api/v1/sources"
ok $? "and the daemon still answers"
kill $wpid; wait $wpid 2>/dev/null

# --- without root: the kernel source fails and says why, refwq goes on ---
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$D" -l 127.0.0.1:0 -s none -i 0.5 >"$tmp/log2" 2>&1 &
upid=$!
port2=$(bound_port "$tmp/log2" $upid) || bail "wqmond did not start: $(tail -3 "$tmp/log2")"
U2="http://127.0.0.1:$port2"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$B/refwq-demo" -t 4 -q -n nobody &
npid=$!
wait_http "$U2/healthz" 10
ok $? "an unprivileged daemon serves, with a refwq source up"
sleep 1.5
curl -sf "$U2/api/v1/sources" | python3 -c '
import json, sys
s = {x["name"]: x for x in json.load(sys.stdin)["sources"]}
k = s["kernel"]
assert k["state"] == "failed" and "wqctl check" in k["last_error"], k
assert s["refwq:nobody"]["state"] == "up", s'
ok $? "/api/v1/sources: kernel failed with the reason, refwq:nobody up"
curl -sf "$U2/metrics" | grep -q '^wqmon_source_up{source="kernel"} 0$'
ok $? "/metrics reports the failed source as down"
grep -q 'source kernel: .*retrying every 30 s' "$tmp/log2"
ok $? "the failure is logged once with the retry period"
kill $upid; wait $upid 2>/dev/null; wait $npid 2>/dev/null

# --- kmod: a /proc/workqueues in the text format is a source ---
# A checked-in capture: an idle machine's own may have no series.
cp "$(dirname "$0")/../unit/fixtures/text_basic.txt" "$tmp/workqueues"
"$D" -l 127.0.0.1:0 -s none -i 0.3 -o kernel.enabled=no -o refwq.enabled=no \
	-o kmod.enabled=yes -o "kmod.path=$tmp/workqueues" >"$tmp/logk" 2>&1 &
pk=$!
portk=$(bound_port "$tmp/logk" $pk) || bail "wqmond did not start: $(tail -3 "$tmp/logk")"
wait_http "http://127.0.0.1:$portk/healthz" 5
ok $? "a /proc/workqueues file makes the kmod source ($(tail -1 "$tmp/logk"))"
sleep 0.5
curl -sf "http://127.0.0.1:$portk/api/v1/snapshot" | python3 -c '
import json, sys
d = json.load(sys.stdin)
k = [s for s in d["snapshots"] if s["source"] == "kmod"][0]
assert len(k["series"]) > 0 and len(k["pools"]) > 0, k' 
ok $? "its pools and series are in the snapshot, as source kmod"
printf 'wqmon-workqueues v2 broken\n' >"$tmp/workqueues"
sleep 1
curl -sf "http://127.0.0.1:$portk/api/v1/sources" | grep -q '"last_error":"[^"]*workqueues: line 1'
ok $? "a malformed file is reported with its line, and the daemon goes on"
kill $pk; wait $pk 2>/dev/null

# --- IPv6 ---
"$D" -l "[::1]:0" -s none -o kernel.enabled=no -o refwq.enabled=no >"$tmp/log6" 2>&1 &
p6=$!
port6=$(bound_port "$tmp/log6" $p6) || bail "wqmond did not start on [::1]: $(tail -3 "$tmp/log6")"
wait_http "http://[::1]:$port6/api/v1/sources" 5
ok $? "--listen [::1]:PORT serves over IPv6 ($(tail -1 "$tmp/log6"))"
kill $p6; wait $p6 2>/dev/null

# --- a port in use: one line that says what to do ---
# Held by this test, so the port is surely in use.
python3 -c '
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
time.sleep(5)' >"$tmp/held.log" 2>&1 &
port=$(bound_port "$tmp/held.log" $!) || bail "cannot hold a port"
timeout 5 "$D" -l "127.0.0.1:$port" -s none -o kernel.enabled=no -o refwq.enabled=no >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'Address already in use' "$tmp/err" && grep -q -- '--listen' "$tmp/err"
ok $? "port in use -> exit 1 and what to do: $(cat "$tmp/err" | tail -1)"
wait
finish
