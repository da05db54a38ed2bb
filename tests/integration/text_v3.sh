#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The text view v3 on the real kernel (docs/FORMAT.md, "Text view"):
# wqctl show as root writes the config section, with what wqctl config
# --json reads (workqueues, flags, limits, the per-CPU pool map, pools);
# the view reads back; with -q its queuers section holds the interval's
# rows; a source without either still writes v2.
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
W="$B/wqctl"

"$W" show -n 1 -i 0.3 >"$tmp/view.txt" 2>"$tmp/err"
is $? 0 "wqctl show runs ($(head -c 200 "$tmp/err"))"
head -1 "$tmp/view.txt" | grep -q '^wqmon-workqueues v3 source=kernel '
ok $? "as root: a v3 view ($(head -1 "$tmp/view.txt" | cut -c1-40)...)"
[ ! -s "$tmp/err" ]
ok $? "nothing on stderr"
"$W" cat "$tmp/view.txt" >/dev/null 2>"$tmp/err"
ok $? "wqctl cat reads it back ($(head -c 200 "$tmp/err"))"
"$W" config --json >"$tmp/c.json"
python3 - "$tmp/view.txt" "$tmp/c.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
d = json.load(open(sys.argv[2]))
i = [n for n, l in enumerate(lines) if l.startswith("config ")]
assert len(i) == 1, "one config section"
i = i[0]
nw, np = map(int, lines[i].split()[1:])
system = dict(kv.split("=", 1) for kv in lines[i + 1].split()[1:])
rows = [l.split() for l in lines[i + 2:] if l and not l.startswith("#")]
wqs = [r for r in rows if r[0] == "wq"]
pools = [r for r in rows if r[0] == "pool"]
assert len(wqs) == nw and len(pools) == np, (nw, np, len(wqs), len(pools))
assert int(system["nr_cpus"]) == d["nr_cpus"], system
assert system["effective"] == (d["cpumasks"]["effective"] or "-"), system
assert system["complete"] == "yes"
# Two readings: the same workqueues (a module may come or go in between).
jw = {}
for w in d["workqueues"]:
    jw.setdefault(w["name"], []).append(w)
same = 0
for r in wqs:
    for w in jw.get(r[1], []):
        flags = ",".join(w["flags"]) or "-"
        maxa = "-" if w["max_active"] == 2**31 - 1 else str(w["max_active"])
        cpu = ",".join("-" if p is None else str(p) for p in w["cpu_pools"])
        pl = ",".join(map(str, w["pools"])) or "-"
        if (r[2], r[3], r[14], r[15]) == (flags, maxa, pl, cpu):
            same += 1
            break
assert same >= len(wqs) - 2, (same, len(wqs))
assert "events" in jw and len(wqs) >= 20, len(wqs)
jp = {p["id"]: p for p in d["pools"]}
for r in pools:
    p = jp[int(r[1])]
    assert r[2] == ("u" if p["cpu"] is None else str(p["cpu"])), (r, p)
    assert r[5] == ("yes" if p["bh"] else "no"), (r, p)
    assert r[9] == p["cpus"], (r, p)
PY
ok $? "the config section says what wqctl config --json reads"

"$W" show -q -n 1 -i 0.5 >"$tmp/q.txt" 2>"$tmp/err" &&
	python3 - "$tmp/q.txt" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
# The section's header ("queuers N"), not -q's tables after the view.
i = [n for n, l in enumerate(lines) if re.fullmatch(r"queuers \d+", l)][0]
n = int(lines[i].split()[1])
rows = [l.split() for l in lines[i + 1:i + 3 + n] if l and not l.startswith("#")]
assert n > 0 and len(rows) == n, (n, len(rows))
assert all(r[3] in ("task", "softirq", "hardirq", "nmi", "other") for r in rows)
# every row's items are of its series: the rows of a series never count
# more than it queued (the histograms section has the series)
series = {}
for l in lines:
    if l.startswith("series "):
        f = l.split()
        series[(f[2], f[3], f[1])] = int(f[4].split("=")[1])
for r in rows:
    assert (r[0], r[1], r[2]) in series, r
tot = {}
for r in rows:
    tot[(r[0], r[1], r[2])] = tot.get((r[0], r[1], r[2]), 0) + int(r[8])
assert all(tot[k] <= series[k] for k in tot), tot
PY
ok $? "show -q: a queuers section of the interval's rows, each of a series"

# A source that has neither section: v2, as before v3 existed.
timeout 20 "$W" -v show --source "file:$(dirname "$0")/../unit/fixtures/text_basic.txt" \
	>"$tmp/k.txt" 2>"$tmp/err"
head -1 "$tmp/k.txt" | grep -q '^wqmon-workqueues v2 ' &&
	! grep -q 'config' "$tmp/k.txt" "$tmp/err"
ok $? "a saved v2 view: v2 again, no config section, no note even with -v ($(head -c 200 "$tmp/err"))"
finish
