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
usage_error "unknown command 'shwo' (did you mean show?)" shwo
usage_error "unknown option '--intervl' (did you mean --interval?)" show --intervl 2
usage_error 'show: --json takes no value' show --json=3
usage_error 'show: -i needs a value' show -i
usage_error 'give one of name, queued, started' show -s latency
usage_error 'did you mean lat_p99' show -s lat_p9
# No command: a short usage (at most 8 lines), exit 2, not the whole help.
"$W" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -le 8 ] && grep -q '^usage: wqctl' "$tmp/err"; echo $?) \
	"wqctl alone: exit $rc, a short usage ($(wc -l <"$tmp/err") lines)"
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
# A saved JSON view reads back too: the same snapshot as the text's (the
# text view's config section, written as root, has no JSON twin here:
# the snapshots are compared, as JSON).
"$W" cat -j "$tmp/one" >"$tmp/one.json" && "$W" cat -j "$tmp/one.json" >"$tmp/back" 2>"$tmp/caterr"
cmp -s "$tmp/one.json" "$tmp/back" && "$W" cat "$tmp/one.json" | grep -q '^series '
ok $? "cat reads a saved JSON view: the same snapshot as from the text ($(head -c 200 "$tmp/caterr"))"
"$W" show -i 1 -n 1 -q -w events -f aio_fsync_work >"$tmp/q" 2>>"$tmp/err"
ok $? "show --queuers exits 0"
# The host's top queuer, and each pool's of the function: the generator,
# in task context, with its pid, thousands of items and kworker CPU.
awk -v pid=$gen_pid '/^queuers of kernel \(the interval\)/ { on = 1; next }
	on && $1 == "CONTEXT" { next }
	on { f = $1 == "task" && $2 == "aiogen" && $3 == pid && $4 > 1000 && $6 > 0; exit }
	END { exit !f }' "$tmp/q"
ok $? "--queuers: the host's top queuer is aiogen ($gen_pid), task context, with kworker CPU ($(grep -A2 '^queuers of kernel' "$tmp/q" | tail -1))"
grep -q '^queuers of events/aio_fsync_work pool [0-9]*:$' "$tmp/q"
ok $? "--queuers: a section per series of aio_fsync_work"
# One ranking for every section: the host's rows and the series' rows of
# one view count the same items.
awk '/^queuers of kernel/ { s = "h"; next } /^queuers of / { s = "f"; next }
	/^$/ { s = "" } s != "" && $1 != "CONTEXT" { n[s] += $4 }
	END { print n["h"] + 0, n["f"] + 0; exit !(n["h"] > 0 && n["h"] == n["f"]) }' "$tmp/q" >"$tmp/qsum"
ok $? "--queuers: the host's rows and the per-series rows sum to the same items ($(cat "$tmp/qsum"))"
kill $gen_pid; wait $gen_pid 2>/dev/null; gen_pid=

# --- show from a running wqmond, as nobody (--source) ---
# The daemon attaches before the load, so its counts of the generator's
# items are exact; wqctl's interval views, taken through its socket by a
# user with no privilege, must add up to them.
usage_error 'bad source' show --source ftp://x
usage_error 'bad source' show --source file:
usage_error 'set them in wqmond.conf' show --source daemon --raw-tp
chmod 755 "$tmp"
"$B/wqmond" -l none -s "$tmp/wqmond.sock" -i 0.5 -o refwq.enabled=no >"$tmp/d.log" 2>&1 &
dpid=$!
for _ in $(seq 150); do
	curl -sf --unix-socket "$tmp/wqmond.sock" -o /dev/null http://l/healthz && break
	sleep 0.1
done
bg_nobody "$W" show --source "unix:$tmp/wqmond.sock" -i 0.5 -j --check-invariants \
	>"$tmp/views.jsonl" 2>"$tmp/views.err" &
wpid=$!
for _ in $(seq 100); do [ -s "$tmp/views.jsonl" ] && break; sleep 0.1; done
# A copy of the generator with a name of this run's own: its queuer row
# is its alone, whatever else queues aio work on the machine.
qgen="$tmp/ag$$"
cp "$GEN" "$qgen"
"$qgen" -n 20000 -b 8 >/dev/null 2>&1
sleep 1.5	# the daemon's next snapshots, and wqctl's views of them
kill -INT $wpid
wait $wpid
rc=$?
ok $([ $rc -eq 0 ] && [ ! -s "$tmp/views.err" ]; echo $?) \
	"show --source unix:SOCK as nobody: exit $rc, invariants hold ($(head -c 200 "$tmp/views.err"))"
n=$(python3 -c '
import json, sys
print(sum(s["completed"] for l in open(sys.argv[1]) if l.strip()
          for s in json.loads(l)["series"] if s["function"] == "aio_fsync_work"))' "$tmp/views.jsonl")
is "$n" 20000 "its interval views add up to the generator's 20000 aio items"
as_nobody "$W" show --source "unix:$tmp/wqmond.sock" -c -j -n 1 -i 0.6 >"$tmp/cum.json" 2>>"$tmp/err"
want=$(curl -s --unix-socket "$tmp/wqmond.sock" http://l/api/v1/snapshot | python3 -c '
import json, sys
d = json.load(sys.stdin)["snapshots"][0]
print(sum(s["started"] for s in d["series"] if s["function"] == "aio_fsync_work"))')
got=$(python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).readline())
print(sum(s["started"] for s in d["series"] if s["function"] == "aio_fsync_work"))' "$tmp/cum.json")
ok $([ "$got" = 20000 ] && [ "$want" = 20000 ]; echo $?) \
	"-c through the daemon: $got aio starts, as its /api/v1/snapshot ($want)"
# Attached, the queuers come in the daemon's snapshots (JSON "queuers"):
# its count of the generator's items is exact too.
as_nobody "$W" show --source "unix:$tmp/wqmond.sock" -q -c -n 1 -i 0.6 \
	-w events -f aio_fsync_work >"$tmp/dq" 2>>"$tmp/err"
awk -v comm="ag$$" '/^queuers of kernel \(since start\)/ { on = 1; next }
	/^$/ { on = 0 }
	on && $1 == "task" && $2 == comm && $4 == 20000 { f = 1 }
	END { exit !f }' "$tmp/dq"
ok $? "-q through the daemon: ag$$ queued the 20000 items ($(grep " ag$$ " "$tmp/dq" | head -1))"
kill $dpid; wait $dpid 2>/dev/null
as_nobody "$W" show --source "unix:$tmp/wqmond.sock" -n 1 >/dev/null 2>"$tmp/err"
rc=$?
ok $([ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "is wqmond running" "$tmp/err"
     echo $?) "no daemon: exit $rc, one line ($(cat "$tmp/err"))"

# --- the other sources, as nobody: refwq instances and a saved view ---
DEMO="$B/refwq-demo"
name="wqctl$$"
bg_nobody "$DEMO" -t 30 -n "$name" -q &
demo_pid=$!
gen_pid=$demo_pid	# the trap stops it
for _ in $(seq 100); do ls /dev/shm/refwq.*."$name" >/dev/null 2>&1 && break; sleep 0.1; done
as_nobody "$W" show --source "refwq:$name" -j -n 2 -i 1 >"$tmp/refwq.jsonl" 2>"$tmp/err"
rc=$?
rate=$(python3 -c '
import json, sys
views = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
v = views[-1]
n = sum(s["queued"] for s in v["series"] if s["function"] == "demo_fast")
print("%s %d" % (v["source"], round(n * 1e9 / v["interval_ns"])))' "$tmp/refwq.jsonl" 2>/dev/null)
ok $([ $rc -eq 0 ] && [ "${rate% *}" = "refwq:$name" ]; echo $?) \
	"show --source refwq:NAME as nobody: exit $rc, its source ($rate; $(head -c 200 "$tmp/err"))"
near "${rate#* }" 2000 40 0 "demo_fast queued/s through --source refwq near the demo's 2000/s"
kill $demo_pid; wait $demo_pid 2>/dev/null; gen_pid=
"$W" show -j --source "file:$tmp/one" >"$tmp/saved" 2>"$tmp/err"
rc=$?
"$W" cat -j "$tmp/one" >"$tmp/catted"
ok $([ $rc -eq 0 ] && cmp -s "$tmp/saved" "$tmp/catted"; echo $?) \
	"show --source file:VIEW prints the saved view once, as cat does (exit $rc)"
# In text, a v3 view (root's: it has the config section) whole, byte for byte.
"$W" show --source "file:$tmp/one" >"$tmp/saved.txt" 2>"$tmp/err"
rc=$?
ok $([ $rc -eq 0 ] && grep -q '^config ' "$tmp/saved.txt" && cmp -s "$tmp/saved.txt" "$tmp/one"; echo $?) \
	"show --source file:VIEW in text: the saved v3 view, config section included, byte for byte (exit $rc)"

# -w/-f: only the matching series, in text and JSON.
"$W" show --source "file:$tmp/one" -j -f 'aio_*' >"$tmp/only.json" 2>"$tmp/err"
rc=$?
fns=$(python3 -c 'import json, sys; print(" ".join(sorted({s["function"] for s in json.load(open(sys.argv[1]))["series"]})))' "$tmp/only.json")
ok $([ $rc -eq 0 ] && [ "$fns" = aio_fsync_work ]; echo $?) "-f 'aio_*' keeps aio_fsync_work alone (exit $rc: $fns)"
"$W" show --source "file:$tmp/one" -w 'no-such-*' | grep -q '^functions 0$'
ok $? "-w with no match: no function rows"

# --- check --json: one document, as root and as nobody ---
"$W" check --json >"$tmp/check.json" 2>"$tmp/err"
rc=$?
python3 - "$tmp/check.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "wqmon-check" and d["version"] == 1, d
assert d["ok"] is True, d
assert all(c["status"] in ("ok", "warn") for c in d["checks"]), d["checks"]
assert {"privileges", "kernel", "BTF", "tracepoints"} <= {c["name"] for c in d["checks"]}
p = d["probes"]
assert p["status"] in ("ok", "warn") and p["mode"] in ("tp_btf", "raw_tp"), p
assert p["seconds"] == 2 and "probe_missed" in p["lost"], p
PY
ok $([ $? -eq 0 ] && [ $rc -eq 0 ] && [ ! -s "$tmp/err" ]; echo $?) "check --json as root: exit $rc, ok, every check and the probes' losses ($(head -c 150 "$tmp/check.json"))"
as_nobody "$W" check --json >"$tmp/check.json" 2>"$tmp/err"
rc=$?
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
priv = [c for c in d["checks"] if c["name"] == "privileges"][0]
sys.exit(not (d["ok"] is False and priv["status"] == "fail" and d["probes"]["status"] == "skipped"))' "$tmp/check.json"
ok $([ $? -eq 0 ] && [ $rc -eq 1 ] && [ ! -s "$tmp/err" ]; echo $?) "check --json as nobody: exit $rc, not ok, privileges fail, probes skipped, nothing on stderr"

# --- queuers of a source that records none: said, not left blank ---
"$W" show -q --source "file:$(dirname "$0")/../unit/fixtures/text_basic.txt" >"$tmp/q" 2>"$tmp/err"
ok $([ $? -eq 0 ] && grep -q '^  none recorded by this source$' "$tmp/q" && [ ! -s "$tmp/err" ]; echo $?) \
	"show -q of a saved view with no queuers: 'none recorded by this source'"

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
