#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# GET /api/v1/queuers (docs/API.md) on a real wqmond, without kernel probes:
# the kmod source reads a text view this test writes.  Its query values are
# checked (a one-line 400 each), a source without queuer rows answers an
# empty list with "tracked": false, and no view yet is a 503; then a v3
# view with a queuers section (the unit tests' golden file) gives rows,
# ranked, folded and selected with the numbers worked out by hand.  No
# root, no TCP port: the daemon answers on its unix socket only.
set -u
. "$(dirname "$0")/tap.bash"
D="$B/wqmond"
fixture="$(dirname "$0")/../unit/fixtures/text_basic.txt"
fixture_v3="$(dirname "$0")/../unit/fixtures/text_v3.txt"
tmp=$(mktemp -d)
pk=
cleanup() { [ -n "$pk" ] && kill "$pk" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
sock="$tmp/wqmond.sock"
wq="$tmp/workqueues"

# get PATH: the body in $tmp/body, the status on stdout
get() {
	curl -s --max-time 5 --unix-socket "$sock" -o "$tmp/body" \
		-w '%{http_code}' "http://localhost$1"
}
# a view written at MONO_NS (the daemon makes an interval view of two
# snapshots with different times): the fixture with its header changed
write_view() {	# write_view SRC MONO_NS
	sed "1s/mono_ns=[0-9]*/mono_ns=$2/" "$1" >"$wq.new" && mv "$wq.new" "$wq"
}

write_view "$fixture" 1000000000
"$D" -l none -s "$sock" -i 0.2 -o kernel.enabled=no -o refwq.enabled=no \
	-o kmod.enabled=yes -o "kmod.path=$wq" >"$tmp/log" 2>&1 &
pk=$!
wait_for 10 test -S "$sock"
ok $? "wqmond listens on its socket ($(tail -1 "$tmp/log"))"
wait_for 10 sh -c "curl -sf --unix-socket '$sock' http://localhost/api/v1/sources | grep -q '\"state\":\"up\"'"
ok $? "the kmod source is up"

# One snapshot, read again and again: no interval, no view.
code=$(get /api/v1/queuers)
is "$code" 503 "no interval view yet: 503"
grep -q '"error":"no interval view of this source yet"' "$tmp/body"
ok $? "with the reason ($(cat "$tmp/body"))"

write_view "$fixture" 3000000000
wait_for 10 sh -c "curl -sf --unix-socket '$sock' http://localhost/api/v1/queuers >/dev/null"
ok $? "a second snapshot makes a view: 200"
get /api/v1/queuers >/dev/null
python3 - "$tmp/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "wqmon-queuers" and d["version"] == 1, d
assert d["source"] == "kmod", d["source"]
assert d["tracked"] is False, d
assert d["queuers"] == [], d["queuers"]
assert d["order"] == "cpu" and d["top"] == 10, d
assert d["interval_ns"] == 2000000000, d["interval_ns"]
assert d["sample_every"] == 1
PY
ok $? "a source that tracks no queuers: an empty list, tracked false"

get '/api/v1/queuers?top=3&order=queued&workqueue=events&function=vmstat_update&pool=0&source=kmod' >/dev/null
python3 - "$tmp/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["order"] == "queued" and d["top"] == 3, d
assert d["workqueue"] == "events" and d["function"] == "vmstat_update", d
assert d["pool_id"] == 0, d
PY
ok $? "every parameter given: the document says what was asked"

bad() {	# bad QUERY STATUS PATTERN
	local code
	code=$(get "/api/v1/queuers?$1")
	[ "$code" = "$2" ] && [ "$(wc -l <"$tmp/body")" -le 1 ] &&
		grep -q "$3" "$tmp/body"
	ok $? "?$1 -> $2: $(cat "$tmp/body")"
}
bad 'top=0' 400 "bad 'top'"
bad 'top=1001' 400 "bad 'top'"
bad 'top=ten' 400 "bad 'top'"
bad 'order=latency' 400 "bad 'order'"
bad 'pool=x' 400 "bad 'pool'"
bad 'pool=2147483648' 400 "bad 'pool'"
bad 'workqueue=' 400 "bad 'workqueue'"
bad "workqueue=$(printf 'w%.0s' $(seq 32))" 400 "bad 'workqueue'"
bad "function=$(printf 'f%.0s' $(seq 64))" 400 "bad 'function'"
bad 'source=nope' 404 'no such source'

# The same counts with who queued them, 2 s later: the view's queuers are
# the v3 file's rows (absent before: counted from zero).
write_view "$fixture_v3" 5000000000
tracked() { get "/api/v1/queuers" >/dev/null && grep -q '"tracked":true' "$tmp/body"; }
wait_for 10 tracked
ok $? "a view with a queuers section: tracked"
python3 - "$tmp/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["interval_ns"] == 2000000000, d["interval_ns"]
q = d["queuers"]
# by kworker CPU: fio 81 us, the hard IRQ 29 us, sshd none
assert [(r["context"], r["comm"]) for r in q] == \
    [("task", "fio"), ("hardirq", ""), ("task", "sshd")], q
fio = q[0]
assert fio["queued"] == 30 and fio["cpu_ns"] == 81000 and fio["lat_ns"] == 150000
assert fio["tgid"] == 1234 and fio["cgroup_id"] == 5678
assert fio["cgroup"] == "/wqmon-test.slice"
assert fio["pool_id"] == -1 and fio["workqueue"] == "" and fio["function"] == ""
# 81 us of 2 s: 0.00405 % -> 0.004; 30 in 2 s
assert str(fio["cpu_percent"]) == "0.004", fio["cpu_percent"]
assert fio["queued_per_second"] == 15.0
assert q[2]["cgroup"] == "/system.slice/ssh.service"
PY
ok $? "rows ranked by CPU, with the file's numbers and the derived ones"
get '/api/v1/queuers?top=1&order=queued' >/dev/null
python3 - "$tmp/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = d["queuers"]
assert len(q) == 2, q
assert q[0]["comm"] == "fio" and q[0]["queued"] == 30, q[0]
# the rest folded: the hard IRQ's 10 and sshd's 7 items, 29 us of CPU
o = q[1]
assert (o["context"], o["comm"]) == ("other", "other"), o
assert o["queued"] == 17 and o["started"] == 16 and o["completed"] == 15, o
assert o["cpu_ns"] == 29000 and o["tgid"] == 0 and o["cgroup"] == "", o
PY
ok $? "top=1: the rest folded into one 'other' row that sums them"
get '/api/v1/queuers?workqueue=events_unbound&function=flush%20to%20ldisc&pool=16' >/dev/null
python3 - "$tmp/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = d["queuers"]
assert len(q) == 1 and q[0]["comm"] == "sshd", q
assert q[0]["pool_id"] == 16 and q[0]["function"] == "flush to ldisc", q[0]
assert q[0]["queued"] == 7 and q[0]["completed"] == 5, q[0]
PY
ok $? "one series (workqueue, function, pool): its own rows"
curl -sf --max-time 5 --unix-socket "$sock" http://localhost/workqueues >"$tmp/text"
head -1 "$tmp/text" | grep -q '^wqmon-workqueues v3 source=kmod ' &&
	grep -q '^queuers 3$' "$tmp/text"
ok $? "/workqueues serves the v3 view with its queuers section"

code=$(get /api/v1/nope)
[ "$code" = 404 ] && grep -q 'v1.*/queuers' "$tmp/body"
ok $? "an unknown endpoint's 404 lists /api/v1/queuers"
kill -0 "$pk"
ok $? "the daemon went on throughout"
finish
