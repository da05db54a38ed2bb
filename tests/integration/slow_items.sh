#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The slow work items themselves (docs/SLOW.md), from the real kernel
# probes.  Kernel work items of a known cost: an aio fsync of a file on a
# FUSE file system whose fsync answers after DELAY ms
# (tests/gen/fuseblock.c) holds a kworker in aio_fsync_work for that long;
# aio fsyncs of a tmpfs file are the same function, run in microseconds.
# Each slow item yields exactly one record and no fast one does, with
# times that agree with the clock; the rate bound drops records and counts
# them.  The host runs other work meanwhile: every count is of
# aio_fsync_work, which nothing else here queues.
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
mnt="$tmp/mnt"
mkdir "$mnt"
fpid= spid= dpid= PROM_PID=
cleanup() {
	mountpoint -q "$mnt" && umount -l "$mnt"
	for p in $spid $PROM_PID $dpid $fpid; do kill $p 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -x "$B/tests/gen/fuseblock" ] || bail "no $B/tests/gen/fuseblock (make test-build; libfuse3-dev)"
[ -c /dev/fuse ] || bail "no /dev/fuse: modprobe fuse"
export TZ=UTC

DELAY=300	# ms: each slow item's run time
SLOW=4		# slow items
FAST=500	# fast items of the same function

"$B/tests/gen/fuseblock" "$mnt" "$tmp/release" 30 $DELAY >"$tmp/fuse.log" 2>&1 &
fpid=$!
wait_for 10 mountpoint -q "$mnt"
ok $? "a FUSE file system whose fsync answers after $DELAY ms is mounted"

# wait_line FILE TEXT: until FILE has a line with TEXT (the probes loaded).
wait_line() { wait_for 30 grep -qs "$2" "$1"; }
# has_lines FILE N [REGEX]: FILE has at least N lines (matching REGEX).
has_lines() { [ "$(grep -c "${3:-}" "$1")" -ge "$2" ]; }

# slow_items: $SLOW slow and $FAST fast aio fsyncs, one at a time.
slow_items() {
	"$B/tests/gen/aiogen" -n $FAST -b 1 >/dev/null &&
		"$B/tests/gen/aiogen" -n $SLOW -b 1 -f "$mnt/f" >/dev/null &&
		"$B/tests/gen/aiogen" -n $FAST -b 1 >/dev/null
}

# ---- wqctl slow: in-process probes, one JSON line per record ----
t0=$(date +%s%N)
"$B/wqctl" slow --run 100ms --latency off -f aio_fsync_work --json -d 60 \
	>"$tmp/slow.json" 2>"$tmp/slow.err" &
spid=$!
wait_line "$tmp/slow.err" '^tracing'
ok $? "wqctl slow loads the probes ($(head -1 "$tmp/slow.err"))"
slow_items
ok $? "$SLOW slow and $((2 * FAST)) fast aio fsyncs ran"
wait_for 10 has_lines "$tmp/slow.json" $SLOW
kill -INT $spid
wait $spid
ok $? "wqctl slow ends cleanly on ^C"
spid=
t1=$(date +%s%N)
cat "$tmp/slow.err" | sed 's/^/# /'

check='import json, sys
t0, t1, n, delay = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
recs = [json.loads(l) for l in open(sys.argv[5]) if l.strip()]
bad = []
if len(recs) != n:
    bad.append("%d records, want %d" % (len(recs), n))
for r in recs:
    run = r["ended_ns"] - r["started_ns"]
    if r["function"] != "aio_fsync_work" or r["workqueue"] != "events":
        bad.append("not aio_fsync_work on events: %s/%s" % (r["workqueue"], r["function"]))
    if r["run_ns"] != run or not delay * 1e6 <= run < delay * 1e6 + 2e9:
        bad.append("run %d ns for a %d ms item" % (r["run_ns"], delay))
    if r["slow"] != ["run"]:
        bad.append("slow %s, want [run]" % r["slow"])
    lat = r["latency_ns"]
    if lat is None or lat != r["started_ns"] - r["queued_ns"] or lat >= run:
        bad.append("latency %s: not started - queued" % lat)
    if not t0 <= r["queued_real_ns"] <= r["started_real_ns"] <= r["ended_real_ns"] <= t1:
        bad.append("wall times outside the test: %d..%d" % (r["queued_real_ns"], r["ended_real_ns"]))
    if r["cpu_ns"] > run:
        bad.append("on-CPU %d ns of a %d ns run" % (r["cpu_ns"], run))
    comm = open("/proc/%d/comm" % r["worker_tid"]).read() if r["worker_tid"] else ""
    if r["bh"] or not comm.startswith("kworker/"):
        bad.append("worker %d (%s) is no kworker" % (r["worker_tid"], comm.strip()))
    q = r["queuer"] or {}
    if (q.get("context"), q.get("comm")) != ("task", "aiogen") or not q.get("tgid"):
        bad.append("queuer %s, not the task aiogen" % r["queuer"])
print("; ".join(bad[:3]) or "ok")'
res=$(python3 -c "$check" "$t0" "$t1" $SLOW $DELAY "$tmp/slow.json" 2>&1)
is "$res" ok "wqctl slow: exactly one record per slow item, none of the $((2 * FAST)) fast ones, times that agree"

# The text view: a header and one line per record.
"$B/wqctl" slow --run 100ms --latency off -f aio_fsync_work -d 60 \
	>"$tmp/slow.txt" 2>"$tmp/slow.err" &
spid=$!
wait_line "$tmp/slow.err" '^tracing'
"$B/tests/gen/aiogen" -n 1 -b 1 -f "$mnt/f" >/dev/null
wait_for 10 has_lines "$tmp/slow.txt" 2
kill -INT $spid
wait $spid
spid=
head -1 "$tmp/slow.txt" | grep -q '^TIME  *CPU POOL WORKQUEUE  *FUNCTION  *LAT_MS  *RUN_MS  *CPU_MS WORKER'
ok $? "the text view has its header"
awk 'NR == 2 && $4 == "events" && $5 == "aio_fsync_work" && $7 >= '$DELAY' && $7 < '$DELAY' + 2000 { f = 1 }
     END { exit !(f && NR == 2) }' "$tmp/slow.txt"
ok $? "one text line for one slow item: $(tail -1 "$tmp/slow.txt")"

# ---- the rate bound: 50 records a second per CPU, every item "slow" ----
# aiogen's items come every few microseconds, so they take nearly every
# token as it comes back, whatever else the host runs.
"$B/wqctl" slow --run 1ns --latency off --max-per-second 50 \
	-f aio_fsync_work --json -d 60 >"$tmp/rate.json" 2>"$tmp/rate.err" &
spid=$!
wait_line "$tmp/rate.err" '^tracing'
r0=$(date +%s%N)
"$B/tests/gen/aiogen" -d 1 >"$tmp/gen.out"
kill -INT $spid
wait $spid
r1=$(date +%s%N)
spid=
summary=$(tail -1 "$tmp/rate.err")
echo "# $summary"
dropped=$(echo "$summary" | sed -n 's/.*, \([0-9]*\) dropped by the probes.*/\1/p')
shown=$(wc -l <"$tmp/rate.json")
[ "${dropped:-0}" -gt 0 ]
ok $? "over the rate bound, records are dropped and counted ($dropped)"
# A full bucket (50) per CPU at the start, then 50 a second per CPU.
ncpu=$(nproc --all)
max=$(awk -v c=$ncpu -v a=$r0 -v b=$r1 'BEGIN { printf "%d", c * 50 * (1 + (b - a) / 1e9) }')
[ "$shown" -ge 1 ] && [ "$shown" -le "$max" ]
ok $? "records within the bound: $shown for $(cat "$tmp/gen.out"), at most $max"

# ---- wqmond: /api/v1/slow and its live stream ----
start_wqmond "$tmp/d.log" -s none -i 0.25 -o refwq.enabled=no \
	-o slow.run=100ms -o slow.latency=off -o slow.keep=50 \
	-o 'slow.rule=run */aio_fsync_work 200ms' -o daemon.top_functions=10000
dpid=$DPID
slow() { curl -sf "$U/api/v1/slow${1:-}"; }
wait_for 20 sh -c "curl -sf '$U/api/v1/sources' | grep -q '\"state\": *\"up\"'"
ok $? "wqmond's kernel source is up"
# The stream first, so that it sees the records as they come.
curl -sN "$U/api/v1/slow/stream?function=aio_fsync_work" >"$tmp/sse" 2>/dev/null &
cpid=$!
wait_line "$tmp/sse" '^: wqmon slow records after seq'
ok $? "the stream answers at once ($(grep -m1 '^:' "$tmp/sse"))"
t0=$(date +%s%N)
slow_items
ok $? "$SLOW slow and $((2 * FAST)) fast aio fsyncs ran again"
t1=$(date +%s%N)
wait_for 10 has_lines "$tmp/sse" $SLOW '^data: '
kill $cpid; wait $cpid 2>/dev/null
grep '^data: ' "$tmp/sse" | sed 's/^data: //' >"$tmp/sse.json"
res=$(python3 -c "$check" "$t0" "$t1" $SLOW $DELAY "$tmp/sse.json" 2>&1)
is "$res" ok "the stream: one event per slow item, none of the fast ones"
awk '/^id: / { id = $2 } /^data: / { if (!id) bad = 1; id = "" } END { exit bad }' "$tmp/sse"
ok $? "each event carries its seq as id"

slow '?function=aio_fsync_work' >"$tmp/api.json"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
open(sys.argv[2], "w").write("".join(json.dumps(r) + "\n" for r in d["records"]))
seqs = [r["seq"] for r in d["records"]]
assert d["format"] == "wqmon-slow" and seqs == sorted(seqs, reverse=True), seqs
assert d["rules"]["rules"][0]["threshold_ns"] == 200000000, d["rules"]
' "$tmp/api.json" "$tmp/api.lines"
ok $? "/api/v1/slow: a wqmon-slow document, newest first, with the rules in force"
res=$(python3 -c "$check" "$t0" "$t1" $SLOW $DELAY "$tmp/api.lines" 2>&1)
is "$res" ok "/api/v1/slow holds the same records"
is "$(slow '?function=aio_fsync_work&limit=2' | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["records"]))')" 2 "?limit=2: two records"
is "$(slow '?workqueue=nosuchwq' | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["records"]))')" 0 "?workqueue= filters"
# Reconnecting with Last-Event-ID: the records after it, from the ring.
first=$(grep -m1 '^id: ' "$tmp/sse" | cut -d' ' -f2)
curl -sN -m 3 -H "Last-Event-ID: $first" "$U/api/v1/slow/stream?function=aio_fsync_work" >"$tmp/sse2" 2>/dev/null
is "$(grep -c '^data: ' "$tmp/sse2")" $((SLOW - 1)) "a stream resumed after id $first replays the $((SLOW - 1)) records after it"

# Bad queries: 400 with one line saying what to give.
badq() {
	local code
	code=$(curl -s -o "$tmp/q" -w '%{http_code}' "$U$1")
	[ "$code" = 400 ] && python3 -c 'import json, sys; e = json.load(open(sys.argv[1]))["error"]; assert e and "\n" not in e' "$tmp/q"
	ok $? "$1: 400, $(cat "$tmp/q")"
}
badq '/api/v1/slow?limit=0'
badq '/api/v1/slow?limit=-1'
badq '/api/v1/slow?limit=1x'
badq '/api/v1/slow?function='
badq '/api/v1/slow?pool=3'
badq '/api/v1/slow?after=3'
badq '/api/v1/slow/stream?after=x'
badq '/api/v1/slow/stream?limit=3'

# At most 8 streams at once: the ninth is refused with Retry-After.  The
# streams above end within a second of their clients (the loop wakes them
# and they see the closed socket).
streams() { slow | python3 -c 'import json, sys; print(json.load(sys.stdin)["streams"])'; }
no_streams() { [ "$(streams)" = 0 ]; }
wait_for 10 no_streams
ok $? "the streams whose clients left are gone ($(streams) left)"
pids=
for i in $(seq 8); do
	curl -sN "$U/api/v1/slow/stream" >"$tmp/s$i" 2>/dev/null &
	pids="$pids $!"
done
n=0
for i in $(seq 8); do wait_line "$tmp/s$i" '^: wqmon' && n=$((n + 1)); done
is $n 8 "eight streams at once"
code=$(curl -s -D "$tmp/h9" -o /dev/null -w '%{http_code}' -m 5 "$U/api/v1/slow/stream")
grep -qi '^Retry-After:' "$tmp/h9"
ok $? "a ninth stream: $code with Retry-After"
is "$code" 503 "the ninth stream is refused"
kill $pids; wait $pids 2>/dev/null
wait_for 10 no_streams
ok $? "their slots come back once their clients have gone"

# ---- exemplars: the slow records on the histogram buckets ----
om() { curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' "$U/metrics"; }
om >"$tmp/om.txt"
newest=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["records"][0]["seq"])' "$tmp/api.json")
line=$(grep '^wqmon_work_runtime_seconds_bucket{source="kernel",workqueue="events",function="aio_fsync_work",le="0.536870912"}' "$tmp/om.txt")
echo "# $line"
echo "$line" | grep -Eq "} [0-9]+ # \{work=\"$newest\"\} 0\.[3-5][0-9]* [0-9]+\.[0-9]+\$"
ok $? "OpenMetrics: the newest slow record (seq $newest) is the exemplar of its run-time bucket"
n=$(grep -c ' # {work=' "$tmp/om.txt")
is "$(grep ' # {work=' "$tmp/om.txt" | grep -vc '^wqmon_work_\(runtime\|latency\)_seconds_bucket{')" 0 "exemplars only on the latency and run-time buckets ($n in all)"
curl -sf "$U/metrics" | grep -q ' # {'
ok $((!$?)) "no exemplar in the 0.0.4 text format"

# The records' fate on /metrics, as /api/v1/slow counts it (read until a
# scrape and the API agree: a slow item elsewhere in the kernel may land
# between the two reads).
slow_fate() {
	curl -sf "$U/metrics" | sed -n 's/^wqmon_slow_records_total{source="kernel",outcome="\([a-z_]*\)"} \([0-9]*\)$/\1=\2/p' | tr '\n' ' '
}
api_fate() {
	slow | python3 -c 'import json, sys
d = json.load(sys.stdin)
print("kept=%d under_rules=%d dropped=%d " % (d["last_seq"], d["under_rules"], d["dropped"]), end="")'
}
fate_agrees() { [ "$(slow_fate)" = "$(api_fate)" ]; }
wait_for 10 fate_agrees
ok $? "/metrics: wqmon_slow_records_total by outcome is /api/v1/slow's count ($(slow_fate))"
kept=$(slow_fate | sed -n 's/.*kept=\([0-9]*\).*/\1/p')
[ "${kept:-0}" -ge $SLOW ]
ok $? "/metrics: at least the $SLOW slow items kept ($kept)"

PROM_FLAGS=--enable-feature=exemplar-storage start_prometheus "$tmp" "127.0.0.1:$PORT"
q='wqmon_work_runtime_seconds_bucket{function="aio_fsync_work"}'
ex() {
	curl -sfG "$P/api/v1/query_exemplars" --data-urlencode "query=$q" \
		--data-urlencode "start=$(( $(date +%s) - 600 ))" \
		--data-urlencode "end=$(( $(date +%s) + 60 ))" >"$tmp/ex.json" &&
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["data"]
recs = {str(r["seq"]): r for r in json.load(open(sys.argv[2]))["records"]}
for s in d:
    for e in s["exemplars"]:
        r = recs.get(e["labels"].get("work"))
        if r and abs(float(e["value"]) - r["run_ns"] / 1e9) < 1e-9 and \
           abs(float(e["timestamp"]) - r["ended_real_ns"] / 1e9) < 0.001:
            sys.exit(0)
sys.exit(1)' "$tmp/ex.json" "$tmp/api.json"
}
wait_for 30 ex
ok $? "Prometheus (exemplar storage) holds an exemplar whose value and time are a slow record's ($(head -c 300 "$tmp/ex.json"))"

# ---- bad input: one line each, exit status 2 ----
bad() {	# bad WHAT ARGS...: a usage error of one line
	"$B/wqctl" slow "${@:2}" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ]
	ok $? "$1: exit 2 and one line ($(cat "$tmp/err"))"
}
bad "a bare threshold" --run 5
bad "a rule of an unknown kind" --rule 'stuck events/* 5ms'
bad "a rule without WQ/FUNC" --rule 'run events 5ms'
bad "every threshold off" --run off --latency off
bad "a rate of 0" --max-per-second 0
bad "an empty glob" -f ''
bad "an unknown option" --slow
finish
