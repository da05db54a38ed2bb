#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqtop attached to a daemon: its HTTP client against a scripted server
# (exact numbers; Content-Length and chunked replies; TCP and a unix
# socket; errors), then against a real wqmond when the tree has one.
set -u
. "$(dirname "$0")/tap.bash"
need_root
T="$B/wqtop"
GEN="$B/tests/gen/aiogen"
[ -x "$T" ] || bail "$T is not built"
command -v tmux >/dev/null || bail "tmux is missing (scripts/deps.sh installs it)"
tmp=$(mktemp -d)
pids=()
# One tmux server per screen: kill-server returns before the server has
# exited, and a new session on the same socket can reach the dying server
# ("server exited unexpectedly"), so each screen gets a socket of its own.
tn=0
tm() { tmux -L "wqtop-attach-$$-$tn" "$@"; }
tm_next() { tm kill-server 2>/dev/null; tn=$((tn + 1)); }
trap 'tm kill-server 2>/dev/null; scratch_cleanup' EXIT

# A wqmon-json document with known counters: one series, 100 items and
# a latency slot per "second"; the server scales it by the request count,
# so every interval holds exactly 100 items.  Its /api/v1/stalls is the
# daemon's verdict on the pool pending for 5 s: a stall on the unix
# socket, none on TCP; wqtop must show that, not a rule of its own, and
# the stack the daemon read of its worker.
cat >"$tmp/server.py" <<'PY'
import json, os, socket, socketserver, sys, threading
mode, addr = sys.argv[1], sys.argv[2]
hist = [0] * 36
hist[13] = 100          # 8.19..16.4 us
doc = {"format": "wqmon-json", "version": 1, "source": "kernel",
       "kernel": "test", "mono_ns": 0, "real_ns": 0, "interval_ns": 0,
       "counters": {}, "pools": [{"id": 4, "cpu": 1, "nice": 0, "flags": 0,
       "workers": 3, "idle": 2, "running": 1, "pending": 2,
       "oldest_pending_ns": 5000000000, "cpu_ns": 0}],
       "series": [{"pool_id": 4, "workqueue": "fixture_wq",
       "function": "fixture_fn", "queued": 0, "activated": 0, "started": 0,
       "completed": 0, "cancelled": 0}]}
n = [0]
def body():
    n[0] += 1
    i = n[0]
    d = json.loads(json.dumps(doc))
    d["mono_ns"] = i * 1000000000
    d["pools"][0]["cpu_ns"] = i * 250000000      # 25 % of a CPU
    s = d["series"][0]
    for k in ("queued", "activated", "started", "completed"):
        s[k] = 100 * i
    s["started"] -= 2       # the 2 pending items of pool 4
    s["completed"] -= 2
    s["hist"] = {"lat": {"sum_ns": 1200000 * i, "max_ns": 16000,
                         "slots": [v * i for v in hist]},
                 "run": {"sum_ns": 100000 * i, "max_ns": 2000,
                         "slots": [v * i if j == 10 else 0 for j, v in enumerate([100] * 36)]}}
    return json.dumps({"format": "wqmon-snapshot", "version": 1,
                       "snapshots": [d]}).encode()
def stalls():
    active = [{"id": 7, "kind": "pending", "state": "firing",
               "source": "kernel", "pool_id": 4, "cpu": 1,
               "workqueue": "fixture_wq", "function": "fixture_fn",
               "worker_tid": 0, "threshold_ns": 3000000000,
               "age_ns": 5000000000, "since_real_ns": 1, "end_real_ns": 0,
               "evidence": "pool 4 cpu 1: 2 pending",
               "stack": "tid 13159: request_wait_answer < "
                        "__fuse_simple_request < fuse_fsync_common < "
                        "fuse_fsync < aio_fsync_work < process_one_work < "
                        "worker_thread < kthread < ret_from_fork < "
                        "ret_from_fork_asm"}]
    return json.dumps({"format": "wqmon-stalls", "version": 1,
                       "active": active if mode == "unix" else [],
                       "recent": [], "sinks": {},
                       "thresholds_ns": {"pending": 3000000000,
                                         "running": 10000000000,
                                         "cpu_hog": 100000000,
                                         "starved": 3000000000},
                       "rules": []}).encode()
class H(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode()
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        if line.startswith("GET /api/v1/stalls "):
            b = stalls()
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b))
            return
        if line.startswith("GET /api/v1/slow?"):   # as wqmond without [slow]
            b = b'{"error": "slow records are off"}'
            self.wfile.write(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b))
            return
        if not line.startswith("GET /api/v1/snapshot "):
            self.wfile.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
            return
        b = body()
        if mode == "unix":   # chunked, in pieces
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            for k in range(0, len(b), 700):
                c = b[k:k + 700]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b))
if mode == "unix":
    if os.path.exists(addr):
        os.unlink(addr)
    srv = socketserver.ThreadingUnixStreamServer(addr, H)
else:
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), H)
    print("listening on 127.0.0.1:%d" % srv.server_address[1], flush=True)
print("ready", flush=True)
srv.serve_forever()
PY
# The fixture server binds port 0 and says which port it got.
python3 "$tmp/server.py" tcp - >"$tmp/tcp.log" 2>&1 &
pids+=($!)
port=$(bound_port "$tmp/tcp.log" $!) || bail "the fixture server did not start: $(tail -2 "$tmp/tcp.log")"
python3 "$tmp/server.py" unix "$tmp/fix.sock" >"$tmp/unix.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	grep -q ready "$tmp/tcp.log" && grep -q ready "$tmp/unix.log" && break
	sleep 0.1
done

for src in "http://127.0.0.1:$port" "unix:$tmp/fix.sock"; do
	"$T" -b -n 2 -d 0.2 --source "$src" -w 120 >"$tmp/out" 2>"$tmp/err"
	ok $? "$src: -b -n 2 exits 0 ($(head -c 150 "$tmp/err"))"
	awk '$1 == "fixture_fn" && $2 == "fixture_wq" && $3 == 4 { print $4 }' "$tmp/out" | tail -1 >"$tmp/rate"
	# 100 items per fixture second, however fast wqtop polls
	is "$(cat "$tmp/rate")" 100 "$src: fixture_fn at exactly 100 items/s"
	# The daemon's verdict, whatever the pool's age.
	want=1
	[[ $src == http* ]] && want=0
	grep -q "Stalls: $want" "$tmp/out"
	ok $? "$src: the stalls are the daemon's ($want), not wqtop's own rule"
	grep -q 'kworker CPU: 25.0%' "$tmp/out"
	ok $? "$src: kworker CPU from the pool's cpu_ns (25%)"
done
# Attached there are no threads: the kworkers view says it shows pools.
"$T" -b -n 1 -d 0.2 --source "unix:$tmp/fix.sock" --view kworkers -w 120 >"$tmp/out" 2>&1
grep -q '^View: kworkers by pool ' "$tmp/out" && grep -q '^By pool: attached, there are no threads' "$tmp/out" &&
	grep -Eq '^ +- +4 .* workers: ' "$tmp/out"
ok $? "kworkers view attached: named 'kworkers by pool', a row per pool ($(grep -m1 '^View' "$tmp/out"))"
"$T" -b -n 1 -d 0.2 --source "unix:$tmp/fix.sock" --view stalls -w 120 >"$tmp/out" 2>&1
grep -qE '^pending +4 +1 .*5\.00s +3\.00s +fixture_fn \(fixture_wq\): pool 4' "$tmp/out"
ok $? "stalls view: the daemon's stall, its pool, age, threshold and function ($(grep -m1 '^pending' "$tmp/out"))"
grep -q 'Stalls from wqmond (/api/v1/stalls): pending >= 3.00s' "$tmp/out"
ok $? "stalls view: the daemon's rules in force ($(grep -m1 '^Stalls from' "$tmp/out"))"
# Under the stall, its stack: whole frames, innermost first, wrapped.
grep -A2 '^pending' "$tmp/out" | tail -2 >"$tmp/stack"
is "$(cat "$tmp/stack")" "    tid 13159: request_wait_answer < __fuse_simple_request < fuse_fsync_common < fuse_fsync < aio_fsync_work
      < process_one_work < worker_thread < kthread < ret_from_fork < ret_from_fork_asm" \
	"stalls view: the stall's stack under it, wrapped to -w 120"
# On the screen: the selected stall's stack in a panel under the table.
tm -f /dev/null new-session -d -s w -x 80 -y 24 \
	"env TERM=tmux-256color LANG=C.UTF-8 $T -d 0.2 --source unix:$tmp/fix.sock --view stalls"
tm set-option -g status off
for _ in $(seq 50); do
	tm capture-pane -p -t w >"$tmp/screen" 2>/dev/null
	grep -q 'ret_from_fork_asm' "$tmp/screen" && break
	sleep 0.2
done
grep -A3 '^Stack of the selected stall' "$tmp/screen" >"$tmp/panel"
is "$(cat "$tmp/panel")" "Stack of the selected stall (innermost frame first):
 tid 13159: request_wait_answer < __fuse_simple_request < fuse_fsync_common
   < fuse_fsync < aio_fsync_work < process_one_work < worker_thread < kthread
   < ret_from_fork < ret_from_fork_asm" \
	"screen: the selected stall's stack under the table, whole frames wrapped to 80 columns" ||
	sed 's/^/# | /' "$tmp/screen"
tm_next
# The drill-down of a daemon whose slow records are off (404) says so.
tm -f /dev/null new-session -d -s o -x 100 -y 30 \
	"env TERM=tmux-256color LANG=C.UTF-8 $T -d 0.2 --source unix:$tmp/fix.sock -f fixture_fn"
tm set-option -g status off
for _ in $(seq 50); do
	tm capture-pane -p -t o >"$tmp/screen" 2>/dev/null
	grep -q '^ *fixture_fn' "$tmp/screen" && break
	sleep 0.2
done
tm send-keys -t o Enter
for _ in $(seq 50); do
	tm capture-pane -p -t o >"$tmp/screen" 2>/dev/null
	grep -q 'slow items: off' "$tmp/screen" && break
	sleep 0.2
done
grep -q '^ slow items: off in wqmond (\[slow\] in wqmond.conf)$' "$tmp/screen"
ok $? "screen: the drill-down says the daemon's slow items are off ($(grep -m1 'slow items' "$tmp/screen"))"
tm_next

# A saved view (file:), as any user: the golden text view of the unit
# tests, an interval of 2 s with 40 vmstat_update items: 20.0/s.
view="$(cd "$(dirname "$0")/../unit/fixtures" && pwd)/text_basic.txt"
as_nobody "$T" -b -n 1 -d 0.1 -w 160 --source "file:$view" --view functions >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -qE '^vmstat_update +events +0 +20\.0 +40 +40 +0 ' "$tmp/out"
ok $? "file:VIEW as nobody: exit $rc, the saved interval's rate and counts ($(grep -m1 '^vmstat_update' "$tmp/out"; head -c 200 "$tmp/err"))"
# Its "flush to ldisc" started 6 items with no latency sample: every
# latency and run-time cell is unknown (-), the maximum too, not 0ns.
grep -qE '^flush to ldisc +events_unbound +16 +3\.5 +7 +5 +1( +-){6} ' "$tmp/out"
ok $? "no sample: LAT and RUN cells, maxima included, are - ($(grep -m1 '^flush' "$tmp/out"))"

# -s cpu: wqctl's name of the on-CPU share, in a view with no pool CPU.
as_nobody "$T" -b -n 1 -d 0.1 -w 160 --source "file:$view" --view functions -s cpu >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q 'sort: cpu_pct desc' "$tmp/out"
ok $? "-s cpu in the functions view sorts by CPU%: exit $rc ($(grep -m1 -o 'sort: [^ ]* [a-z]*' "$tmp/out"; head -c 200 "$tmp/err"))"

# Errors: one line, exit 1.
"$T" -b -n 1 --source "unix:$tmp/nothing.sock" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'is wqmond running' "$tmp/err"
ok $? "no daemon at a socket: exit 1, one line ($(cat "$tmp/err"))"
"$T" -b -n 1 --source "ftp://x" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "bad --source" "$tmp/err"
ok $? "a source of no known form is a usage error: exit $rc, one line ($(cat "$tmp/err"))"

# --- a real wqmond, when this tree has one ---
if [ -e daemon/wqmond.c ]; then
	D="$B/wqmond"
	[ -x "$D" ] || bail "daemon/ is in the tree but $D is not built"
	# [slow] run 1us: ordinary work items make slow records.
	"$D" -l 127.0.0.1:0 -s "$tmp/d.sock" -o slow.run=1us >"$tmp/d.log" 2>&1 &
	pids+=($!)
	dport=$(bound_port "$tmp/d.log" $!) || bail "wqmond did not start: $(tail -3 "$tmp/d.log")"
	"$GEN" -d 30 -b 16 >/dev/null &
	pids+=($!)
	gpid=$!
	for _ in $(seq 50); do [ -S "$tmp/d.sock" ] && break; sleep 0.1; done
	sleep 1
	"$T" -b -n 2 --source "unix:$tmp/d.sock" -w 120 >"$tmp/out" 2>"$tmp/err"
	ok $? "wqmond over its unix socket: exit 0 ($(head -c 150 "$tmp/err"))"
	awk '$1 == "aio_fsync_work" && $4 + 0 > 1000 { f = 1 } END { exit !f }' "$tmp/out"
	ok $? "wqmond: aio_fsync_work over 1000 items/s"
	# The queuers come in the daemon's snapshots: the generator, by its
	# pid, is among them.
	"$T" -b -n 2 --source "unix:$tmp/d.sock" --view queuers -w 120 >"$tmp/out" 2>"$tmp/err"
	awk -v pid=$gpid '$1 == "task" && $2 == "aiogen" && $3 == pid && $5 + 0 > 1000 { f = 1 }
		END { exit !f }' "$tmp/out"
	ok $? "wqmond: the queuers view has aiogen ($gpid) over 1000 items/s ($(grep -m1 ' aiogen ' "$tmp/out"))"
	# The drill-down of aiogen's function: wqmond's recent slow items.
	tm -f /dev/null new-session -d -s s -x 120 -y 40 \
		"env TERM=tmux-256color LANG=C.UTF-8 $T -d 0.3 --source unix:$tmp/d.sock -f aio_fsync_work"
	tm set-option -g status off
	for _ in $(seq 50); do
		tm capture-pane -p -t s >"$tmp/screen" 2>/dev/null
		grep -q '^ *aio_fsync_work' "$tmp/screen" && break
		sleep 0.2
	done
	tm send-keys -t s Enter
	for _ in $(seq 50); do
		tm capture-pane -p -t s >"$tmp/screen" 2>/dev/null
		grep -qE '^ +[0-9:.]{12} lat .* run .* on-CPU .* by ' "$tmp/screen" && break
		sleep 0.2
	done
	grep -q 'slow items, newest first:' "$tmp/screen" &&
		[ "$(grep -cE '^ +[0-9:.]{12} lat .* run .* on-CPU .* by ' "$tmp/screen")" -ge 1 ] &&
		[ "$(grep -cE '^ +[0-9:.]{12} lat .* run .* on-CPU .* by ' "$tmp/screen")" -le 5 ]
	ok $? "wqmond [slow] on: the drill-down shows 1 to 5 slow items ($(grep -m1 -E ' lat .* run ' "$tmp/screen"))"
	tm kill-session -t s
	"$T" -b -n 1 --source "http://127.0.0.1:$dport" --view pools -w 120 >"$tmp/out" 2>"$tmp/err"
	ok $? "wqmond over HTTP: exit 0"
	grep -qE '^ +POOL +CPU' "$tmp/out"
	ok $? "wqmond over HTTP: pools view"
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$T" -b -n 1 --source "http://127.0.0.1:$dport" >"$tmp/out" 2>"$tmp/err"
	ok $? "attaching needs no root ($(head -c 150 "$tmp/err"))"
fi
finish
