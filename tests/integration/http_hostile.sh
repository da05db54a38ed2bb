#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile HTTP clients against the root daemon: slow requests that trickle
# one header line at a time (slowloris) on TCP and, as nobody, on the 0666
# local socket; every scrape must still be answered.  A trickling request
# is cut at its deadline, and a low open-file limit lowers the connection
# limit instead of starving the daemon's own scans.
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
chmod 755 "$tmp"
sock="$tmp/wqmond.sock"
pids=()
trap scratch_cleanup EXIT

# slowloris.py ADDR N SECONDS: N connections that each send the start of a
# request, then one header line every 2 s, reconnecting when cut, for
# SECONDS.  ADDR: host:port or a socket path.  Prints how many it held.
cat >"$tmp/slowloris.py" <<'PY'
import socket, sys, time
addr, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def conn():
    if addr.startswith("/"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(addr)
    else:
        h, p = addr.rsplit(":", 1)
        s = socket.create_connection((h, int(p)))
    s.setblocking(False)
    s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    return s
socks, cut, end = [], 0, time.time() + secs
while len(socks) < n:
    try:
        socks.append(conn())
    except OSError:
        time.sleep(0.01)
print("held %d" % len(socks), flush=True)
while time.time() < end:
    for i, s in enumerate(socks):
        try:
            s.send(b"X-Slow: 1\r\n")
        except OSError:
            cut += 1
            s.close()
            try:
                socks[i] = conn()
            except OSError:
                pass
    time.sleep(2)
print("cut %d" % cut, flush=True)
PY

# scrape_while URL-OR-SOCKET SECONDS: scrape /metrics every 0.25 s; prints
# "answered failed slowest_ms".
scrape_while() {
	local target=$1 end=$(($(date +%s) + $2)) okn=0 bad=0 slow=0 t0 t
	while [ "$(date +%s)" -lt "$end" ]; do
		t0=$(date +%s%N)
		if [ "${target:0:1}" = / ]; then
			curl -sf --max-time 5 --unix-socket "$target" -o /dev/null http://wqmond/metrics
		else
			curl -sf --max-time 5 -o /dev/null "$target/metrics"
		fi && okn=$((okn + 1)) || bad=$((bad + 1))
		t=$((($(date +%s%N) - t0) / 1000000))
		[ "$t" -gt "$slow" ] && slow=$t
		sleep 0.25
	done
	echo "$okn $bad $slow"
}

start_wqmond "$tmp/log" -s "$sock" -i 0.5 -o kernel.enabled=no -o refwq.enabled=no
pids+=($DPID)

# --- slowloris on TCP: 300 trickling requests, while scraping ---
bg_nobody python3 "$tmp/slowloris.py" "127.0.0.1:$PORT" 300 20 >"$tmp/sl.out" 2>&1 &
slp=$!
pids+=($slp)
for _ in $(seq 100); do grep -q held "$tmp/sl.out" && break; sleep 0.1; done
read -r okn bad slow < <(scrape_while "$U" 15)
[ "$bad" -eq 0 ] && [ "$okn" -ge 20 ]
ok $? "TCP: every scrape answered while 300 slow requests are held ($okn answered, $bad failed, slowest $slow ms; $(head -1 "$tmp/sl.out"))"
wait $slp
grep -q '^cut [1-9]' "$tmp/sl.out"
ok $? "the slow requests were cut ($(tail -1 "$tmp/sl.out"))"

# --- the whole-request deadline: one line a second is not a request ---
python3 - "$PORT" >"$tmp/deadline" 2>&1 <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
t0 = time.time()
s.settimeout(1)
while time.time() - t0 < 30:
    try:
        s.send(b"X-Slow: 1\r\n")
        if s.recv(1) == b"":
            break
    except socket.timeout:
        continue
    except OSError:
        break
print("%.1f" % (time.time() - t0))
PY
cut_after=$(tail -1 "$tmp/deadline")
python3 -c "import sys; sys.exit(not 9 <= float('$cut_after') <= 13)"
ok $? "a request trickling a header line a second is cut at its 10 s deadline (after ${cut_after} s)"

# --- slowloris on the local socket, as nobody ---
bg_nobody python3 "$tmp/slowloris.py" "$sock" 300 15 >"$tmp/slu.out" 2>&1 &
slp=$!
pids+=($slp)
for _ in $(seq 100); do grep -q held "$tmp/slu.out" && break; sleep 0.1; done
read -r okn bad slow < <(scrape_while "$sock" 10)
[ "$bad" -eq 0 ] && [ "$okn" -ge 15 ]
ok $? "local socket: root's scrapes answered while nobody holds 300 slow requests ($okn answered, $bad failed, slowest $slow ms)"
n=0
for _ in 1 2 3 4 5; do
	setpriv --reuid=65533 --regid=65533 --clear-groups \
		curl -sf --max-time 5 --unix-socket "$sock" -o /dev/null http://wqmond/metrics && n=$((n + 1))
done
is "$n" 5 "local socket: another user's scrapes are answered too"
wait $slp

# --- random queries: every request gets an HTTP answer it deserves ---
# Seeded, so a failure names the seed and the request to replay.  Only
# since= is ours to parse (libmicrohttpd splits and unescapes the query):
# /api/v1/history?since=V must be 200 exactly when V, unescaped up to a NUL,
# is a decimal number below 2^64, and 400 otherwise.
cat >"$tmp/queries.py" <<'PY'
import random, re, socket, sys, urllib.parse
sock, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
paths = ["/metrics", "/api/v1/history", "/api/v1/snapshot", "/api/v1/sources",
         "/api/v1/stalls", "/api/v1/queuers", "/workqueues", "/healthz", "/",
         "/static/x.css",
         "/api/v2", "/%2e%2e/etc/passwd", "/api/v1/history/"]
atoms = ["since", "0", "1", "18446744073709551615", "18446744073709551616",
         "-1", "%00", "%zz", "%", "%4", "&", "=", ";", "+", "%20", "x" * 300,
         "%E2%82%AC", "1e3", "0x10", " ", "%2B5", "99999999999999999999999",
         "top", "order", "pool", "cpu", "queued", "workqueue", "source"]
def value():
    return "".join(rnd.choice(atoms) for _ in range(rnd.randint(0, 4)))
def oracle(v):
    d = urllib.parse.unquote(v, errors="surrogateescape").split("\0")[0]
    return 200 if re.fullmatch("[0-9]+", d) and int(d) < 2**64 else 400
bad = 0
for i in range(n):
    path = rnd.choice(paths)
    want = None
    if rnd.random() < 0.5:
        v = value().replace(" ", "%20")
        q = "since=" + v
        if path == "/api/v1/history" and not re.search("[&;=+]", v):
            want = oracle(v)
        if rnd.random() < 0.3:
            q += "&" + value().replace(" ", "%20") + "=" + value().replace(" ", "%20")
        path += "?" + q
    method = rnd.choice(["GET"] * 8 + ["HEAD", "POST", "DELETE"])
    req = ("%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % (method, path)).encode()
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sock)
    s.sendall(req)
    data = b""
    while len(data) < 64:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    m = re.match(rb"HTTP/1\.1 (\d{3}) ", data)
    code = int(m.group(1)) if m else None
    allowed = {200, 400, 404, 405, 414, 431, 503}
    if method == "GET" and want is not None and code != want:
        bad += 1
        print("seed %d request %d: %r: %s, want %d" % (seed, i, req[:200], code, want))
    elif code not in allowed:
        bad += 1
        print("seed %d request %d: %r: answered %r" % (seed, i, req[:200], data[:80]))
print("%d requests, %d wrong" % (n, bad))
PY
seed=$(date +%s)
python3 "$tmp/queries.py" "$sock" 3000 "$seed" >"$tmp/queries.out" 2>&1
ok $? "3000 random queries (seed $seed): every answer as deserved ($(tail -1 "$tmp/queries.out"); $(head -c 300 "$tmp/queries.out"))"

alive() { kill -0 "$DPID" 2>/dev/null; }
alive
ok $? "wqmond is alive"
kill "$DPID"; wait "$DPID" 2>/dev/null

# --- history: clients that never read cannot multiply the ring ---
cat >"$tmp/noread.py" <<'PY'
# noread.py SOCK N: N requests for the history, never read; "ready" when sent.
import socket, sys, time
socks = []
for _ in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.send(b"GET /api/v1/history HTTP/1.1\r\nHost: x\r\n\r\n")
    socks.append(s)
print("ready", flush=True)
time.sleep(600)
PY
start_wqmond "$tmp/logh" -s "$sock" -i 0.1 -o daemon.history_bytes=4M -o refwq.enabled=no
hpid=$DPID
pids+=($hpid)
get() { curl -s --max-time 5 --unix-socket "$sock" -o /dev/null -w '%{http_code}' "http://wqmond$1"; }
"$B/tests/gen/aiogen" -n 200000 >/dev/null &
gpid=$!
pids+=($gpid)
size=0
for ((i = 0; i < 300 && size < 1500000; i++)); do
	size=$(curl -s --max-time 5 --unix-socket "$sock" http://wqmond/api/v1/history | wc -c)
	sleep 0.1
done
kill "$gpid" 2>/dev/null; wait "$gpid" 2>/dev/null
[ "$size" -ge 1500000 ]
ok $? "the history answer outgrows the socket buffers ($size bytes)"
bg_nobody python3 "$tmp/noread.py" "$sock" 20 >"$tmp/noread.out" 2>&1 &
npid=$!
pids+=($npid)
for ((i = 0; i < 100; i++)); do grep -q ready "$tmp/noread.out" && break; sleep 0.1; done
busy=1
for ((i = 0; i < 50; i++)); do
	curl -s --max-time 5 --unix-socket "$sock" -D "$tmp/hdr" -o /dev/null http://wqmond/api/v1/history
	grep -q '^HTTP/1.1 503' "$tmp/hdr" && { busy=0; break; }
	sleep 0.1
done
[ $busy -eq 0 ] && grep -qi '^Retry-After: 1' "$tmp/hdr"
ok $? "with 20 clients not reading, a further history request is a 503 with Retry-After"
rss=$(awk '/VmRSS/ {print $2}' /proc/$hpid/status)
[ "$rss" -lt $(( (3 * size + 40000000) / 1024 )) ]
ok $? "RSS stays within 3 answers + 40 MB (${rss} kB, answer $size bytes)"
is "$(get /metrics)" 200 "/metrics is answered meanwhile"
kill "$npid"; wait "$npid" 2>/dev/null
for ((i = 0; i < 50; i++)); do [ "$(get /api/v1/history)" = 200 ] && break; sleep 0.1; done
is "$(get /api/v1/history)" 200 "once they go, history is served again"
kill "$hpid"; wait "$hpid" 2>/dev/null

# --- a low open-file limit: fewer connections, not a starved daemon ---
# 72: the kernel source with queuers holds about 50 descriptors (maps,
# programs, links, the slow items' ring), and OWN_FDS (64) leaves the
# connections the minimum, 4 per listener.
prlimit --nofile=72 "$B/wqmond" -l 127.0.0.1:0 -s none -i 0.5 >"$tmp/log40" 2>&1 &
d40=$!
pids+=($d40)
p40=$(bound_port "$tmp/log40" $d40) || bail "wqmond did not start with 72 fds: $(tail -3 "$tmp/log40")"
grep -q 'max_connections 64 lowered to' "$tmp/log40"
ok $? "with ulimit -n 72 the connection limit is lowered, and said: $(grep -m1 'lowered' "$tmp/log40")"
python3 - "$p40" 60 >"$tmp/idle.out" 2>&1 <<'PY' &
import socket, sys, time
socks = []
for _ in range(int(sys.argv[2])):
    try:
        socks.append(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
    except OSError:
        pass
print("open %d" % len(socks), flush=True)
time.sleep(8)
PY
pids+=($!)
for _ in $(seq 50); do grep -q open "$tmp/idle.out" && break; sleep 0.1; done
sleep 1.5	# a few collection rounds with the idle clients in place
curl -sf --max-time 5 "http://127.0.0.1:$p40/metrics" >"$tmp/m40"
ok $? "with 60 idle clients, /metrics is still answered"
grep -q '^wqmon_source_up{source="kernel"} 1' "$tmp/m40" &&
	! grep -qi 'too many open files' "$tmp/log40"
ok $? "and the kernel source stays up, no fd starvation ($(grep -ci 'too many open' "$tmp/log40") EMFILE lines)"
finish
