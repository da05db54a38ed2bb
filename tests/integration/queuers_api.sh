#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# GET /api/v1/queuers (docs/API.md) on a real wqmond, without kernel probes:
# the kmod source reads a text view this test writes.  Its query values are
# checked (a one-line 400 each), a source without queuer rows answers an
# empty list with "tracked": false, and no view yet is a 503.  No root, no
# TCP port: the daemon answers on its unix socket only.
set -u
. "$(dirname "$0")/tap.bash"
D="$B/wqmond"
fixture="$(dirname "$0")/../unit/fixtures/text_basic.txt"
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

code=$(get /api/v1/nope)
[ "$code" = 404 ] && grep -q 'v1.*/queuers' "$tmp/body"
ok $? "an unknown endpoint's 404 lists /api/v1/queuers"
kill -0 "$pk"
ok $? "the daemon went on throughout"
finish
