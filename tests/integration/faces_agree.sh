#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The faces agree: one known refwq load (refwq-demo) read through a wqmond,
# and for the same interval wqctl show --source, wqtop attached, the
# dashboard's data code (web/model.js) and /metrics give the same numbers,
# because they share one core (docs/DESIGN.md, "Layers and data flow").
#   - wqctl's interval views are the daemon's own (/api/v1/history), series
#     by series, exactly;
#   - each wqtop frame is one of those views: counts exact, rates and
#     percentiles as printed (3 significant digits);
#   - the dashboard's numbers for each view (compactView, binStats) are the
#     same, and its all-work p99 (computed in JavaScript) is wqtop's;
#   - /metrics counters are /api/v1/snapshot's for the same snapshot.
# A private /dev/shm: the demo is the daemon's only source.
set -u
. "$(dirname "$0")/tap.bash"
need_root
private_dev_shm "$0" "$@"
here=$(cd "$(dirname "$0")/../.." && pwd)
for f in "$B/wqmond" "$B/wqctl" "$B/wqtop" "$B/refwq-demo"; do
	[ -x "$f" ] || bail "$f is not built (make all)"
done
command -v node >/dev/null || bail "node is missing (scripts/deps.sh installs it)"
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
trap scratch_cleanup EXIT

"$B/refwq-demo" -t 120 -n faces -q 2>"$tmp/demo.err" &
pids+=($!)
for _ in $(seq 100); do ls /dev/shm/refwq.*.faces >/dev/null 2>&1 && break; sleep 0.1; done
# Two seconds between the daemon's snapshots: every face polls faster, so
# each of its intervals is one of the daemon's.
start_wqmond "$tmp/d.log" -i 2 -o kernel.enabled=no
pids+=($DPID)
for _ in $(seq 100); do
	curl -s "$U/api/v1/history" | grep -q '"source":"refwq:faces"' && break
	sleep 0.2
done

bg_nobody "$B/wqctl" show --source "$U" -i 0.3 -j >"$tmp/wqctl.jsonl" 2>"$tmp/wqctl.err" &
wpid=$!
pids+=($wpid)
as_nobody "$B/wqtop" -b --source "$U" -d 0.3 -n 4 -w 220 --view functions \
	>"$tmp/wqtop.txt" 2>"$tmp/wqtop.err"
ok $? "wqtop attached, as nobody: 4 frames ($(head -c 200 "$tmp/wqtop.err"))"
sleep 2.5	# wqctl's view of the daemon's next snapshot
kill -INT $wpid
wait $wpid
ok $? "wqctl show --source $U, as nobody: exit 0 ($(head -c 200 "$tmp/wqctl.err"))"
curl -s "$U/api/v1/history" >"$tmp/history.json"

# The dashboard's data code on the daemon's views, as the page runs it.
cat >"$tmp/dash.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { compactView, binStats } from 'WEB/model.js';
const h = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = {};
for (const v of h.views) {
	if (v.source !== 'refwq:faces') continue;
	const c = compactView(v);
	const all = binStats({ views: [c] }, null);
	out[v.mono_ns] = {
		rate: all.rate, p99: all.p99,
		series: Object.fromEntries(c.series.map((s) => [JSON.parse(s.key)[3] + '@' + JSON.parse(s.key)[1],
			{ rate: s.rate, p50: s.p50, p99: s.p99, run99: s.run99 }])),
	};
}
console.log(JSON.stringify(out));
JS
sed -i "s|WEB/model.js|$here/web/model.js|" "$tmp/dash.mjs"
node "$tmp/dash.mjs" "$tmp/history.json" >"$tmp/dash.json" 2>"$tmp/dash.err"
ok $? "the dashboard's model.js reads the daemon's history ($(head -c 200 "$tmp/dash.err"))"

python3 - "$tmp" >"$tmp/agree.tap" 2>&1 <<'PY'
import json, re, sys
tmp = sys.argv[1]
hist = [v for v in json.load(open(tmp + "/history.json"))["views"]
        if v["source"] == "refwq:faces"]
by_mono = {v["mono_ns"]: v for v in hist}
dash = json.load(open(tmp + "/dash.json"))
n = 0
def ok(cond, msg):
    global n
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, msg))

def key(s):
    return (s["pool_id"], s["workqueue"], s["function"])

def essentials(s):
    h = s["hist"]
    return (s["queued"], s["activated"], s["started"], s["completed"],
            s["cancelled"], h["lat"]["count"], h["lat"]["sum_ns"],
            h["lat"]["max_ns"], h["lat"]["p50_ns"], h["lat"]["p99_ns"],
            h["run"]["count"], h["run"]["max_ns"], h["run"]["p99_ns"],
            h["cpu"]["sum_ns"])

# 1. wqctl's views are the daemon's, series by series.
views = [json.loads(l) for l in open(tmp + "/wqctl.jsonl") if l.strip()]
views = [v for v in views if v["source"] == "refwq:faces"]
matched = bad = 0
for v in views:
    d = by_mono.get(v["mono_ns"])
    if not d:
        continue
    matched += 1
    a = {key(s): essentials(s) for s in v["series"]}
    b = {key(s): essentials(s) for s in d["series"]}
    if a != b or v["interval_ns"] != d["interval_ns"]:
        bad += 1
        if bad == 1:
            print("# wqctl %s\n# daemon %s" % (sorted(a.items())[:2], sorted(b.items())[:2]))
ok(matched >= 3 and len(views) - matched <= 1,
   "wqctl's interval views are the daemon's intervals (%d of %d by timestamp)" % (matched, len(views)))
ok(matched and bad == 0,
   "wqctl and the daemon: every series' counts, sums, maxima and percentiles equal (%d views differ)" % bad)

# 2. The dashboard's numbers are the views' numbers.
dbad = 0
for mono, v in by_mono.items():
    d = dash.get(str(mono))
    if d is None:
        dbad += 1
        continue
    for s in v["series"]:
        ds = d["series"].get("%s@%d" % (s["function"], s["pool_id"]))
        h = s["hist"]
        if (ds is None or abs(ds["rate"] - s["queued"] * 1e9 / v["interval_ns"]) > 0.001
                or ds["p99"] != h["lat"]["p99_ns"] or ds["p50"] != h["lat"]["p50_ns"]
                or ds["run99"] != h["run"]["p99_ns"]):
            dbad += 1
ok(len(by_mono) >= 3 and dbad == 0,
   "the dashboard's rate and percentiles of each series are the daemon's (%d views, %d differ)" % (len(by_mono), dbad))

# 3. Each wqtop frame is one of the daemon's views.
def dur(t):
    m = re.fullmatch(r"([0-9.]+)(ns|us|ms|s)", t)
    return float(m.group(1)) * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[m.group(2)] if m else None

def near(printed, value):
    # Printed with 3 significant digits (cells.c): within half a unit of
    # the last digit, so within 0.5 % and a nanosecond.
    return printed is not None and abs(printed - value) <= 0.005 * value + 1

frames = open(tmp + "/wqtop.txt").read().split("wqtop 0.1")[1:]
fmatched = 0
for f in frames:
    lines = f.splitlines()
    meter = re.search(r"Queued: ([0-9.]+)/s +Lat p99: (\S+)", f)
    rows = {}
    for l in lines:
        t = l.split()
        if len(t) >= 14 and t[0].startswith("demo_"):
            r = rows.setdefault(t[0], [0, 0, []])
            r[0] += int(t[-10]); r[1] += int(t[-9]); r[2].append(t[-6])
    if not rows or not meter:
        continue
    cands = []
    for mono, v in by_mono.items():
        fn = {}
        for s in v["series"]:
            e = fn.setdefault(s["function"], [0, 0, []])
            e[0] += s["queued"]; e[1] += s["completed"]; e[2].append(s["hist"]["lat"]["p99_ns"])
        if all(fn.get(k, [None])[0] == r[0] and fn[k][1] == r[1] and
               (len(r[2]) > 1 or not fn[k][2][0] or near(dur(r[2][0]), fn[k][2][0]))
               for k, r in rows.items()):
            rate = sum(s["queued"] for s in v["series"]) * 1e9 / v["interval_ns"]
            if abs(float(meter.group(1)) - rate) <= 0.051:
                cands.append(mono)
    # Two intervals that print alike (a steady load) are both candidates.
    if cands:
        fmatched += 1
        p99s = [dash[str(c)]["p99"] or 0 for c in cands]
        # wqtop's all-work p99 (C, lib/core/hist.c) and the dashboard's
        # (JavaScript, web/model.js quantile over merged slots).
        ok(any(near(dur(meter.group(2)), p) for p in p99s),
           "frame %d: wqtop's Lat p99 %s is the dashboard's all-work p99 %s ns" %
           (fmatched, meter.group(2), "/".join("%.0f" % p for p in p99s)))
    else:
        print("# frame with %d candidate views: %s" % (len(cands), sorted(rows.items())[:3]))
ok(len(frames) == 4 and fmatched == len(frames),
   "every wqtop frame is one of the daemon's views: counts, QUEUED/s and LAT99 (%d of %d)" % (fmatched, len(frames)))
print("1..%d" % n)
PY
while read -r line; do
	case "$line" in
	"ok "*) ok 0 "${line#ok [0-9]* - }" ;;
	"not ok "*) ok 1 "${line#not ok [0-9]* - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$tmp/agree.tap"
grep -q '^1\.\.' "$tmp/agree.tap" || { sed 's/^/# /' "$tmp/agree.tap" | tail -5; ok 1 "the comparison ran"; }

# 4. /metrics and /api/v1/snapshot for the same snapshot: the same mono_ns
# before and after the scrape.
mok=1
for _ in $(seq 10); do
	curl -s "$U/api/v1/snapshot" >"$tmp/s1.json"
	curl -s "$U/metrics" >"$tmp/metrics.txt"
	curl -s "$U/api/v1/snapshot" >"$tmp/s2.json"
	res=$(python3 - "$tmp" <<'PY'
import json, re, sys
tmp = sys.argv[1]
a, b = (json.load(open(tmp + f))["snapshots"] for f in ("/s1.json", "/s2.json"))
a = [s for s in a if s["source"] == "refwq:faces"][0]
b = [s for s in b if s["source"] == "refwq:faces"][0]
if a["mono_ns"] != b["mono_ns"]:
    print("retry"); sys.exit()
want = {}
for s in a["series"]:
    want[s["function"]] = want.get(s["function"], 0) + s["queued"]
got = {}
for l in open(tmp + "/metrics.txt"):
    m = re.match(r'wqmon_work_queued_total\{([^}]*)\} (\S+)', l)
    if not m or 'source="refwq:faces"' not in m.group(1):
        continue
    fn = re.search(r'function="([^"]*)"', m.group(1)).group(1)
    got[fn] = got.get(fn, 0) + int(float(m.group(2)))
diff = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
print("same" if want and not diff else "differ %s" % diff)
PY
)
	[ "$res" = retry ] && continue
	[ "$res" = same ]; mok=$?
	break
done
ok $mok "/metrics wqmon_work_queued_total is /api/v1/snapshot's, per function, for the same snapshot ($res)"
finish
