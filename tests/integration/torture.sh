#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The probes on a busy machine, both CPUs at once: a TCP stream through a
# rate-limited qdisc in a private network namespace (TCP Small Queues: BH
# work on 6.9+), a pty flood that re-queues flush_to_ldisc as soon as it
# runs, pty open/write/close churn (each close cancels a pending
# flush_to_ldisc and frees it), process churn, writes with fsync, and the
# aio generator.  Every
# snapshot must pass lib/core/invariants.c (wqctl show --check-invariants), the
# aio counts must stay exact beside everything else, and an independent
# tracer (bpftrace on the same tracepoints, attached after wqmon and
# detached before it, with every load inside its window) must count the
# same items for the loads' functions.
#
# Assumes no one else loads the machine: the aio counts are exact whatever
# the load, but a machine already busy makes the run slow, not wrong.
set -u
. "$(dirname "$0")/tap.bash"
need_root
ensure_tracefs	# bpftrace attaches to tracepoints by name through it
command -v tc >/dev/null || bail "tc (iproute2) is missing"
command -v bpftrace >/dev/null ||
	bail "bpftrace missing: apt-get install bpftrace (scripts/deps.sh does)"
tmp=$(mktemp -d)
pids=()
trap scratch_cleanup EXIT
SECS=10
N=200000

# Checked: nobody else runs aio fsync work now (the exact counts need it).
"$B/wqctl" show -i 1 -n 1 -j 2>/dev/null | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
n = sum(s["started"] for s in d["series"] if s["function"] == "aio_fsync_work")
sys.exit(n > 0)' || bail "another process runs aio fsync work: this test needs the machine to itself"

# wqctl first: the aio items all start after it attached.  It runs until
# told to stop, after the tracer.
"$B/wqctl" show -i 1 -c -j --check-invariants \
	>"$tmp/show.jsonl" 2>"$tmp/show.err" &
wq=$!
for _ in $(seq 100); do [ -s "$tmp/show.jsonl" ] && break; sleep 0.1; done
[ -s "$tmp/show.jsonl" ] || bail "wqctl show did not start: $(tail -3 "$tmp/show.err")"
# And a second one in sampled mode, under the same load: its invariants
# (samples scaled by 16) and its counts, which must stay exact.
"$B/wqctl" show -i 1 -c -j --check-invariants --sample 16 \
	>"$tmp/s16.jsonl" 2>"$tmp/s16.err" &
wq16=$!
for _ in $(seq 100); do [ -s "$tmp/s16.jsonl" ] && break; sleep 0.1; done
[ -s "$tmp/s16.jsonl" ] || bail "wqctl show --sample 16 did not start: $(tail -3 "$tmp/s16.err")"

# The independent count: bpftrace on the same three tracepoints, by
# function name, from now until every load has ended.
cat >"$tmp/count.bt" <<'BT'
BEGIN { printf("attached\n"); }
tracepoint:workqueue:workqueue_queue_work { @queued[ksym(args->function)] = count(); }
tracepoint:workqueue:workqueue_execute_start { @started[ksym(args->function)] = count(); }
tracepoint:workqueue:workqueue_execute_end { @completed[ksym(args->function)] = count(); }
BT
bpftrace -f json "$tmp/count.bt" >"$tmp/bt.json" 2>"$tmp/bt.err" &
bt=$!
pids+=($bt)
for _ in $(seq 300); do grep -q attached "$tmp/bt.json" && break; sleep 0.1; done
grep -q attached "$tmp/bt.json" || bail "bpftrace did not attach: $(tail -3 "$tmp/bt.err")"
# BEGIN runs before bpftrace attaches its other probes (bpftrace's docs):
# wait until the kernel lists all three on bpftrace's perf events, or the
# first items of a load that starts at once are not in its count (seen:
# 2768 aio items fewer in a CI run, beyond its counted misses).
bt_attached() {
	bpftool perf -j 2>/dev/null | python3 -c '
import json, sys
tps = {p.get("tracepoint") for p in json.load(sys.stdin) if p.get("pid") == int(sys.argv[1])}
sys.exit(not {"workqueue_queue_work", "workqueue_execute_start", "workqueue_execute_end"} <= tps)' "$bt"
}
for _ in $(seq 300); do bt_attached && break; sleep 0.1; done
bt_attached || bail "bpftrace's three tracepoints are not attached: $(bpftool perf 2>&1 | tail -3)"

# The daemon in debug mode checks the same invariants on every snapshot.
# Its pending and starved thresholds are low: an entry of a pty freed by
# its close (the churn below) that the sweep took for a queued item would
# age past them and raise a stall.
"$B/wqmond" -v -l none -s none -i 1 -o refwq.enabled=no \
	-o stalls.pending=3s -o stalls.starved=3s >"$tmp/wqmond.log" 2>&1 &
dpid=$!
pids+=($dpid)

# A TCP stream in a network namespace of its own, through tbf.
cat >"$tmp/tcp.sh" <<'SH'
ip link set lo up mtu 1500  # tbf drops packets larger than its burst
# Per network namespace: small, so TSQ throttles the socket at once and
# tcp_tsq_workfn (BH work on 6.9+) runs often.
sysctl -qw net.ipv4.tcp_limit_output_bytes=8192 || exit 1
tc qdisc add dev lo root tbf rate 200mbit burst 64kb latency 20ms
python3 - "$1" <<'PY'
import socket, sys, threading, time
end = time.time() + float(sys.argv[1])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
def sink():
    c, _ = srv.accept()
    while c.recv(1 << 16):
        pass
threading.Thread(target=sink, daemon=True).start()
s = socket.create_connection(srv.getsockname())
buf = b"x" * (1 << 16)
sent = 0
while time.time() < end:
    sent += s.send(buf)
print("tcp sent %d bytes" % sent)
PY
SH
unshare -n bash "$tmp/tcp.sh" $SECS >"$tmp/tcp.out" 2>&1 &
pids+=($!)
loads=($!)
# A pty flood: one byte at a time, so flush_to_ldisc is queued again as
# soon as it clears PENDING.
python3 - $SECS >"$tmp/pty.out" 2>&1 <<'PY' &
import os, pty, sys, time, threading
end = time.time() + float(sys.argv[1])
m, s = pty.openpty()
def drain():
    while True:
        try:
            os.read(m, 4096)
        except OSError:
            return
threading.Thread(target=drain, daemon=True).start()
n = 0
while time.time() < end:
    os.write(s, b"x")
    n += 1
print("pty bytes %d" % n)
PY
pids+=($!)
loads+=($!)
# pty churn: each close cancels the pty's pending flush_to_ldisc and frees
# it, and the next pty often gets the same address back.
python3 - $SECS >"$tmp/churn.out" 2>&1 <<'PY' &
import os, pty, sys, time
end = time.time() + float(sys.argv[1])
n = 0
while time.time() < end:
    m, s = pty.openpty()
    os.write(s, b"x" * 64)
    os.close(s)
    os.close(m)
    n += 1
print("ptys %d" % n)
PY
pids+=($!)
loads+=($!)
# Process churn, and writes with fsync.
(end=$((SECONDS + SECS)); while [ $SECONDS -lt $end ]; do /bin/true; done) &
pids+=($!)
loads+=($!)
(end=$((SECONDS + SECS)); while [ $SECONDS -lt $end ]; do
	dd if=/dev/zero of="$tmp/fsync.dat" bs=64k count=4 conv=fsync status=none; done) &
pids+=($!)
loads+=($!)
"$B/tests/gen/aiogen" -n $N -b 16 >"$tmp/aio.out" 2>&1
ok $? "aiogen queued $N aio_fsync_work items beside the other loads"
wait "${loads[@]}"
sleep 1		# the last items of the loads run
# bpftrace's own losses: a tracepoint program is skipped, and counted in
# its recursion_misses, when it fires while another one runs on that CPU
# (softirq work queued or run inside one, as TCP's is).
bpftool prog show -j >"$tmp/bt_progs.json"
kill -INT $bt
wait $bt
sleep 2.5	# wqctl shows a view taken after the tracer let go
kill -INT $wq
wait $wq
rc=$?
kill -INT $wq16
wait $wq16
rc16=$?
[ $rc -eq 0 ] && [ ! -s "$tmp/show.err" ]
ok $? "every snapshot passes the invariants (wqctl exit $rc): $(head -3 "$tmp/show.err" | tr '\n' ' ')"
[ $rc16 -eq 0 ] && [ ! -s "$tmp/s16.err" ]
ok $? "sampled mode: every snapshot passes the invariants (wqctl --sample 16 exit $rc16): $(head -3 "$tmp/s16.err" | tr '\n' ' ')"
python3 - "$tmp/s16.jsonl" $N >"$tmp/s16.out" 2>&1 <<'PY'
import json, math, sys
last = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
n = int(sys.argv[2])
aio = [s for s in last["series"] if s["function"] == "aio_fsync_work"]
q, st, c = (sum(s[k] for s in aio) for k in ("queued", "started", "completed"))
lat = sum(s["hist"]["lat"]["count"] for s in aio) // 16
want, sd = n / 16, math.sqrt(n / 16 * 15 / 16)
print("aio %d/%d/%d, %d latency samples (want %.0f +- %.0f)" % (q, st, c, lat, want, 5 * sd))
assert last["sample_every"] == 16
assert (q, st, c) == (n, n, n), (q, st, c)
assert abs(lat - want) <= 5 * sd, lat
PY
ok $? "sampled mode under the same load: counts exact, 1 in 16 sampled: $(tr '\n' ';' <"$tmp/s16.out")"
python3 - "$tmp/show.jsonl" $N >"$tmp/check.out" 2>&1 <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
n = int(sys.argv[2])
last = lines[-1]
aio = [s for s in last["series"] if s["function"] == "aio_fsync_work"]
q = sum(s["queued"] for s in aio)
st = sum(s["started"] for s in aio)
c = sum(s["completed"] for s in aio)
print("aio queued %d started %d completed %d" % (q, st, c))
assert (q, st, c) == (n, n, n), (q, st, c)
fl = [s for s in last["series"] if s["function"] == "flush_to_ldisc"]
print("flush_to_ldisc started %d" % sum(s["started"] for s in fl))
assert sum(s["started"] for s in fl) > 0
bh = [s for s in last["series"] if s["function"] == "tcp_tsq_workfn"]
print("tcp_tsq_workfn started %d" % sum(s["started"] for s in bh))
# BH workqueues (6.9+): TSQ's work runs in softirq, and is seen.
major, minor = (int(x) for x in last["kernel"].split(".")[:2])
if (major, minor) >= (6, 9):
    assert sum(s["started"] for s in bh) > 0, "no BH work seen"
lost = last["counters"]
print("losses %s" % {k: v for k, v in lost.items() if v})
PY
ok $? "aio counts exact, and the pty flood seen: $(tr '\n' ';' <"$tmp/check.out")"
# The tracer's counts against wqmon's, per function of the loads.  Each
# side may miss events it counts as missed: bpftrace's tracepoint programs
# (recursion_misses: any BPF program running on that CPU makes them skip),
# wqmon's probe_missed (only its own program re-entered).  So, per function
# and event, the counts may differ by the other side's misses of that
# event, plus 0.2 % + 20 for other ptys' and sockets' items in the few
# seconds where wqmon's window holds the tracer's and more.
python3 - "$tmp/show.jsonl" "$tmp/bt.json" "$tmp/bt_progs.json" >"$tmp/bt.out" 2>&1 <<'PY'
import json, sys
last = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
bt = {}
for l in open(sys.argv[2]):
    if not l.startswith("{"):
        continue	# bpftrace's blank lines between maps
    l = json.loads(l)
    if l.get("type") == "map":
        for k, v in l["data"].items():
            bt[k.lstrip("@")] = v
progs = json.load(open(sys.argv[3]))
def bt_missed(name):	# bpftrace names a program after its tracepoint
    return sum(p.get("recursion_misses", 0) for p in progs
               if p.get("type") == "tracepoint" and p.get("name") == name)
bt_miss = {"queued": bt_missed("workqueue_queue"),
           "started": bt_missed("workqueue_execu"),
           "completed": bt_missed("workqueue_execu")}
wq_miss = last["counters"].get("probe_missed", 0)
print("misses: bpftrace %s, wqmon %d" % (bt_miss, wq_miss))
# The churn's cancels: what the tracer saw queued and never started was
# cancelled, and wqmon counted it (its last view comes after the loads
# ended, so none of the ptys' items is still pending).  Each side may miss
# what it counts as missed, and other ptys' items are in wqmon's window.
fl = [s for s in last["series"] if s["function"] == "flush_to_ldisc"]
wc = sum(s["cancelled"] for s in fl)
bq = bt.get("queued", {}).get("flush_to_ldisc", 0)
bs = bt.get("started", {}).get("flush_to_ldisc", 0)
tol = int(bq * 0.002) + 20
cancel_ok = bq - bs > 0 and abs(wc - (bq - bs)) <= bt_miss["queued"] + bt_miss["started"] + wq_miss + tol
print("flush_to_ldisc cancelled wqmon %d, bpftrace queued - started %d%s" % (wc, bq - bs, "" if cancel_ok else " WRONG"))
# Every start of an item seen queued has its latency sample.
for fn in ("flush_to_ldisc", "tcp_tsq_workfn"):
    rows = [s for s in last["series"] if s["function"] == fn]
    st = sum(s["started"] - s["unseen"] for s in rows)
    lat = sum(s["hist"]["lat"]["count"] for s in rows)
    unp = sum(s["unpaired"] for s in rows)
    lat_ok = st - unp - 2 * len(rows) <= lat <= st
    cancel_ok &= lat_ok
    print("%s latency samples %d, started - unseen %d (unpaired %d)%s" % (fn, lat, st, unp, "" if lat_ok else " WRONG"))
fns = ["aio_fsync_work", "flush_to_ldisc"]
if "tcp_tsq_workfn" in bt.get("started", {}):
    fns.append("tcp_tsq_workfn")
bad = 0
for fn in fns:
    for what in ("queued", "started", "completed"):
        w = sum(s[what] for s in last["series"] if s["function"] == fn)
        b = bt.get(what, {}).get(fn, 0)
        tol = int(max(w, b) * 0.002) + 20
        ok = b > 0 and w - b <= bt_miss[what] + tol and b - w <= wq_miss + tol
        bad += not ok
        print("%s %s wqmon %d bpftrace %d%s" % (fn, what, w, b, "" if ok else " WRONG"))
sys.exit(bad + (not cancel_ok))
PY
ok $? "an independent tracer counts the same: $(tr '\n' ';' <"$tmp/bt.out")"
kill $dpid; wait $dpid 2>/dev/null
grep -q 'source kernel: up\|probes attached' "$tmp/wqmond.log" && ! grep -q 'invariant:' "$tmp/wqmond.log"
ok $? "wqmond -v found no invariant violation either ($(grep -c 'invariant:' "$tmp/wqmond.log") lines: $(grep -m3 'invariant:' "$tmp/wqmond.log" | tr '\n' ' '))"
! grep -E 'stall started: #[0-9]+ (pending|starved) .*flush_to_ldisc' "$tmp/wqmond.log"
ok $? "the pty churn's freed items raised no pending or starved stall (3 s thresholds)"
grep -q 'ptys [1-9]' "$tmp/churn.out"
ok $? "the pty churn ran ($(cat "$tmp/churn.out"))"
grep -q 'tcp sent [1-9]' "$tmp/tcp.out"
ok $? "the TCP stream ran in its own namespace ($(cat "$tmp/tcp.out" | tr '\n' ' '))"
finish
