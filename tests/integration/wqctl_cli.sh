#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqctl as a user runs it: the views on a live kernel workload, the text
# view read back, JSON, and one clear line for every kind of bad input.
set -u
. "$(dirname "$0")/tap.bash"
need_root
W="$B/wqctl"
GEN="$B/tests/gen/aiogen"
tmp=$(mktemp -d)
gen_pid=
trap '[ -n "$gen_pid" ] && kill $gen_pid 2>/dev/null; rm -rf "$tmp"' EXIT

# --- help, version, usage errors: exit 2 and one line saying what to do ---
"$W" --version | grep -qE '^wqctl [0-9]+\.[0-9]+\.[0-9]+$'
ok $? "--version prints the version"
"$W" --help | grep -q 'Examples:'
ok $? "--help has examples"
usage_error() {	# usage_error PATTERN ARGS...: exit 2, one stderr line matching
	local pat=$1; shift
	"$W" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "$pat" "$tmp/err" && [ ! -s "$tmp/out" ]
	ok $? "wqctl $* -> exit 2 and one line ($(head -c 120 "$tmp/err"))"
}
usage_error 'bad --interval' show -i abc
usage_error 'bad --interval' show -i 0
usage_error 'bad --count' show -n -3
usage_error 'unknown sort column' show --sort bogus
usage_error 'unknown command' frobnicate
usage_error 'unexpected argument' show extra
usage_error 'which file' cat

# --- check ---
"$W" check >"$tmp/check" 2>&1
ok $? "check exits 0 on this machine"
grep -q 'the probes can run here' "$tmp/check"
ok $? "check says the probes can run"

# --- missing privileges: one actionable line, exit 1 ---
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$W" show -n 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
is "$rc" 1 "show as an unprivileged user exits 1"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'run as root' "$tmp/err"
ok $? "unprivileged: one line that says to run as root ($(cat "$tmp/err"))"

# --- live views under a real workload ---
"$GEN" -d 30 -b 16 >/dev/null &
gen_pid=$!
sleep 0.5
"$W" show -i 1 -n 2 -s completed -t 5 >"$tmp/show" 2>"$tmp/err"
ok $? "show -i 1 -n 2 exits 0"
is "$(grep -c '^wqmon-workqueues' "$tmp/show")" 2 "two views printed"
grep -q 'aio_fsync_work' "$tmp/show"
ok $? "the aio work function is in the view"
"$W" show -i 1 -n 1 >"$tmp/one" 2>>"$tmp/err"
ok $? "show -n 1 exits 0"
"$W" cat "$tmp/one" >"$tmp/again" 2>"$tmp/caterr"
ok $? "cat reads back a live view ($(head -c 200 "$tmp/caterr"))"
cmp -s "$tmp/one" "$tmp/again"
ok $? "text view round-trips byte for byte through the parser"
"$W" show -i 1 -n 1 --json >"$tmp/json" 2>>"$tmp/err"
ok $? "show --json exits 0"
python3 - "$tmp/json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = [s for s in doc["series"] if s["function"] == "aio_fsync_work"]
assert rows, "no aio_fsync_work series"
assert sum(s["completed"] for s in rows) > 1000, "too few completions"
PY
ok $? "JSON parses and holds thousands of aio_fsync_work completions"
"$W" cat -j "$tmp/one" | python3 -c 'import json,sys; json.load(sys.stdin)'
ok $? "cat -j turns a text view into valid JSON"
"$W" show -i 1 -n 1 -q >"$tmp/q" 2>>"$tmp/err"
ok $? "show --queuers exits 0"
awk '/^queuers/ { on = 1; next } on && $1 == "aiogen" && $NF == "aio_fsync_work" && $2 > 1000 { f = 1 } END { exit !f }' "$tmp/q"
ok $? "--queuers names aiogen as the task queuing aio_fsync_work"
kill $gen_pid; wait $gen_pid 2>/dev/null; gen_pid=

# --- malformed input to cat: one line, exit 1, no crash ---
printf 'wqmon-workqueues 1 garbage\n\x01\x02pools:\n' >"$tmp/bad"
"$W" cat "$tmp/bad" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
ok $? "cat of a malformed view: exit 1, one line ($(cat "$tmp/err"))"
head -c 100 "$tmp/one" | "$W" cat - >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
ok $? "cat of a truncated view: exit 1, one line"
finish
