#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kmod source (the refwq module's /proc/workqueues, here a file the test
# rewrites): a good file makes it up; a malformed one makes it failed with
# the parse error and its line, and nothing of the last good read is served;
# a good file again makes it up with last_error cleared.  No root, no TCP
# port: the daemon answers on its unix socket only.
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

api() { curl -sf --max-time 5 --unix-socket "$sock" "http://localhost/api/v1/$1"; }
# kmod_state: "STATE|LAST_ERROR|SNAPSHOT-SERIES-OR-none"
kmod_state() {
	{ api sources; echo; api snapshot; } | python3 -c '
import json, sys
src, snap = [json.loads(l) for l in sys.stdin.read().split("\n") if l.strip()]
k = [s for s in src["sources"] if s["kind"] == "kmod"][0]
ks = [s for s in snap["snapshots"] if s["source"] == "kmod"]
print("%s|%s|%s" % (k["state"], k["last_error"],
                    len(ks[0]["series"]) if ks else "none"))' 2>/dev/null
}
# wait_for PATTERN: until kmod_state matches (up to 5 s)
wait_for() {
	for _ in $(seq 50); do
		st=$(kmod_state)
		[[ "$st" =~ $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

install -m 644 "$fixture" "$wq"
"$D" -l none -s "$sock" -i 0.2 -o kernel.enabled=no -o refwq.enabled=no \
	-o kmod.enabled=yes -o "kmod.path=$wq" >"$tmp/log" 2>&1 &
pk=$!
wait_for '^up\|\|[1-9]'
ok $? "a good file: kmod is up, no error, its series served (got '$st')"

printf 'wqmon-workqueues v2 broken\n' >"$wq.new" && mv "$wq.new" "$wq"
wait_for '^failed\|.*workqueues: line 1.*\|none$'
ok $? "a malformed file: kmod failed with the parse error's line, no stale data (got '$st')"
grep -q 'source kmod: .*line 1' "$tmp/log"
ok $? "the failure is logged"
sleep 0.5
[ "$(grep -c 'source kmod: .*line 1' "$tmp/log")" -eq 1 ]
ok $? "once, not every interval ($(grep -c 'source kmod: ' "$tmp/log") lines)"

install -m 644 "$fixture" "$wq.new" && mv "$wq.new" "$wq"
wait_for '^up\|\|[1-9]'
ok $? "a good file again: up, last_error cleared, series served (got '$st')"
kill -0 "$pk"
ok $? "the daemon went on throughout"
finish
