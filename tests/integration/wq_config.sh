#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqctl config: the workqueue configuration read through BTF, checked
# against what the kernel says elsewhere, independently:
#  - sysfs, for the workqueues created with WQ_SYSFS (max_active, per_cpu,
#    nice, cpumask, affinity scope and strictness) and the system's
#    workqueue cpumasks;
#  - the kworker threads in /proc: each pool's worker count and nice are
#    those of the threads named after it (kworker/CPU:N[H], kworker/uID:N);
#  - the tracepoints: the pool the probes see a per-CPU item run on is the
#    one the configuration says its CPU queues to.
# Assumes the machine is otherwise idle (kworkers come and go with load).
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
gen= dpid= loopdev=
cleanup() {
	for p in $gen $dpid; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "$loopdev" ] && losetup -d "$loopdev" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
[ "$(nproc)" -ge 2 ] || bail "needs 2 CPUs"
W="$B/wqctl"

"$W" config --json >"$tmp/c.json" 2>"$tmp/err"
is $? 0 "wqctl config --json runs ($(head -c 200 "$tmp/err"))"
python3 - "$tmp/c.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "wqmon-config" and d["version"] == 1, d["format"]
assert d["complete"] is True, "the walk did not go round the list"
assert d["dropped"] == {"workqueues": 0, "pwqs": 0, "pools": 0}, d["dropped"]
names = [w["name"] for w in d["workqueues"]]
for n in ("events", "events_highpri", "events_unbound", "mm_percpu_wq"):
    assert n in names, n
assert len(names) >= 20, len(names)
EOF
ok $? "a whole walk: events, events_highpri, events_unbound, mm_percpu_wq among $(grep -c '"name"' "$tmp/c.json") workqueues, nothing dropped"

# --- sysfs: the WQ_SYSFS workqueues and the system cpumasks ---
python3 - "$tmp/c.json" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1]))
base = "/sys/devices/virtual/workqueue"
def read(*p):
    with open(os.path.join(base, *p)) as f:
        return f.read().strip()
def hexlist(h):
    v = int(h.replace(",", ""), 16)
    cpus = [c for c in range(v.bit_length()) if v >> c & 1]
    out, i = [], 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else "%d-%d" % (cpus[i], cpus[j]))
        i = j + 1
    return ",".join(out) or None
m = d["cpumasks"]
assert m["effective"] == hexlist(read("cpumask")), (m, read("cpumask"))
if os.path.exists(os.path.join(base, "cpumask_requested")):
    assert m["requested"] == hexlist(read("cpumask_requested")), m
if os.path.exists(os.path.join(base, "cpumask_isolated")):
    assert m["isolated"] == hexlist(read("cpumask_isolated")), m
by = {}
for w in d["workqueues"]:
    by.setdefault(w["name"], []).append(w)
checked = 0
for name in sorted(os.listdir(base)):
    if not os.path.exists(os.path.join(base, name, "max_active")):
        continue
    ws = [w for w in by.get(name, []) if "sysfs" in w["flags"]]
    assert len(ws) == 1, (name, ws)
    w = ws[0]
    assert w["saved_max_active"] == int(read(name, "max_active")), (name, w)
    unbound = read(name, "per_cpu") == "0"
    assert ("unbound" in w["flags"]) == unbound, (name, w["flags"])
    if unbound:
        assert w["nice"] == int(read(name, "nice")), (name, w["nice"])
        assert w["cpus"] == hexlist(read(name, "cpumask")), (name, w["cpus"])
        if os.path.exists(os.path.join(base, name, "affinity_scope")):
            scope = read(name, "affinity_scope")
            if scope.startswith("default"):
                assert w["affinity_scope"] == "default", (name, w)
                assert scope == "default (%s)" % d["default_affinity_scope"], (name, scope)
            else:
                assert w["affinity_scope"] == scope, (name, w, scope)
            assert w["affinity_strict"] == (read(name, "affinity_strict") == "1"), name
    checked += 1
assert checked >= 1, "no WQ_SYSFS workqueue to check"
EOF
ok $? "the WQ_SYSFS workqueues and the workqueue cpumasks are as sysfs says"

# --- the pools each CPU queues to ---
python3 - "$tmp/c.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
pools = {p["id"]: p for p in d["pools"]}
def cpus(s):
    out = set()
    for part in (s or "").split(","):
        if part:
            a, _, b = part.partition("-")
            out.update(range(int(a), int(b or a) + 1))
    return out
n = d["nr_cpus"]
for w in d["workqueues"]:
    assert len(w["cpu_pools"]) == n, w
    assert set(w["pools"]) <= set(pools), w
    for c, pid in enumerate(w["cpu_pools"]):
        p = pools[pid]
        if "unbound" in w["flags"]:
            assert p["cpu"] is None and (c in cpus(p["cpus"]) or pid == w["default_pool"]), (w["name"], c, p)
        else:
            assert p["cpu"] == c, (w["name"], c, p)
            assert p["bh"] == ("bh" in w["flags"]), (w["name"], p)
            assert p["nice"] == (-20 if "highpri" in w["flags"] else 0), (w["name"], p)
EOF
ok $? "per-CPU workqueues queue to their CPU's pool (highpri: nice -20, BH: a BH pool); unbound ones to a pool whose CPUs hold that CPU"

# --- the kworkers: each pool's workers are the threads named after it ---
kworkers() {	# pool key (C:0, C:H, uID) and nice of every kworker thread
	ps -e -o ni=,comm= | awk '$2 ~ /^kworker\// {
		n = $2; sub(/^kworker\//, "", n); sub(/-.*/, "", n)
		if (n ~ /^u[0-9]+:[0-9]+$/) { sub(/:.*/, "", n); key = n }
		else if (n ~ /^[0-9]+:[0-9]+H$/) { sub(/:.*/, "", n); key = n ":H" }
		else if (n ~ /^[0-9]+:[0-9]+$/) { sub(/:.*/, "", n); key = n ":0" }
		else next
		print key, $1 }'
}
check_workers() {
	python3 - "$1" "$2" <<'EOF'
import collections, json, sys
d = json.load(open(sys.argv[1]))
seen, nice = collections.Counter(), {}
for line in open(sys.argv[2]):
    key, ni = line.split()
    seen[key] += 1
    nice.setdefault(key, set()).add(int(ni))
want = collections.Counter()
for p in d["pools"]:
    if p["bh"]:
        continue
    key = "u%d" % p["id"] if p["cpu"] is None else "%d:%s" % (p["cpu"], "H" if p["nice"] < 0 else "0")
    want[key] += p["workers"]
    assert nice.get(key, {p["nice"]}) == {p["nice"]}, (key, nice.get(key), p)
assert seen == want, "kworkers %s, config %s" % (dict(seen), dict(want))
EOF
}
good=1
for attempt in 1 2 3 4 5; do
	"$W" config --json >"$tmp/a.json" && kworkers >"$tmp/kw" &&
		"$W" config --json >"$tmp/b.json" || bail "wqctl config failed"
	# Only a quiet moment compares: the same workers before and after.
	cmp -s <(python3 -c 'import json,sys; print([(p["id"],p["workers"]) for p in json.load(open(sys.argv[1]))["pools"]])' "$tmp/a.json") \
		<(python3 -c 'import json,sys; print([(p["id"],p["workers"]) for p in json.load(open(sys.argv[1]))["pools"]])' "$tmp/b.json") ||
		{ sleep 1; continue; }
	check_workers "$tmp/a.json" "$tmp/kw" 2>"$tmp/kw.err" && { good=0; break; }
	sleep 1
done
ok $good "every pool's worker count and nice are its kworker threads' ($(tail -1 "$tmp/kw.err" 2>/dev/null))"

# --- the tracepoints: aio work pinned to CPU 1 runs on events' CPU 1 pool ---
"$B/tests/gen/aiogen" -d 4 -b 8 -c 1 >/dev/null &
gen=$!
"$W" show -j -n 1 -i 2 >"$tmp/show.json" 2>"$tmp/show.err"
wait $gen
gen=
python3 - "$tmp/c.json" "$tmp/show.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
v = json.load(open(sys.argv[2]))
aio = [s for s in v["series"] if s["function"] == "aio_fsync_work" and s["started"]]
assert aio, "no aio_fsync_work seen"
want = {w["cpu_pools"][1] for w in c["workqueues"] if w["name"] == "events"}
for s in aio:
    assert s["workqueue"] == "events" and s["pool_id"] in want, (s["pool_id"], want)
names = {w["name"] for w in c["workqueues"]}
unknown = {s["workqueue"] for s in v["series"]} - names - {"?", ""}
assert not unknown, unknown
EOF
ok $? "the probes saw aio_fsync_work on the pool events queues to on CPU 1; every workqueue they saw is in the configuration"

# --- wqtop's config view, in-process: the same rows as wqctl config ---
"$B/wqtop" -b -n 1 --view config --source local >"$tmp/top" 2>&1
python3 - "$tmp/c.json" "$tmp/top" <<'EOF2'
import json, re, sys
c = json.load(open(sys.argv[1]))
top = open(sys.argv[2]).read().splitlines()
head = [i for i, l in enumerate(top) if re.match(r"WORKQUEUE +FLAGS +MAX +ACTIVE", l)]
assert head, top[:8]
rows = [l.split()[0] for l in top[head[0] + 1:] if l.strip()]
names = sorted(w["name"] for w in c["workqueues"] if not w["name"].startswith("loop"))
assert sorted(r for r in rows if not r.startswith("loop")) == names, (rows, names)
bh = [l for l in top if re.match(r"events_bh +bh", l)]
assert all(l.split()[2] == "-" for l in bh), bh
EOF2
ok $? "wqtop --view config: a row per workqueue, by name, as wqctl config has them"

# --- the text view, a filter, and bad input ---
"$W" config >"$tmp/text" 2>&1
head -1 "$tmp/text" | grep -q '^workqueue cpumask: requested .*, effective .*, isolated ' &&
	grep -Eq '^WORKQUEUE +FLAGS +MAX +ACTIVE +NICE +CPUS +SCOPE +POOLS$' "$tmp/text" &&
	grep -Eq '^events_highpri +highpri' "$tmp/text" &&
	grep -Eq '^ +POOL +CPU +CPUS +NODE +NICE +BH +WORKERS +IDLE +RUNNING$' "$tmp/text"
ok $? "text: the cpumasks, the workqueues and the pools ($(head -1 "$tmp/text"))"
"$W" config -w 'events_h*' >"$tmp/f" 2>&1
[ "$(grep -c '^events_highpri ' "$tmp/f")" -eq 1 ] && ! grep -q '^events ' "$tmp/f" &&
	! grep -Eq '^ +POOL +CPU' "$tmp/f"
ok $? "-w GLOB shows only the matching workqueues"
for args in "--bogus" "extra" "-w"; do
	# shellcheck disable=SC2086
	"$W" config $args >"$tmp/o" 2>"$tmp/e"
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && [ ! -s "$tmp/o" ]
	ok $? "wqctl config $args: exit 2, one line ($(cat "$tmp/e"))"
done
as_nobody "$W" config >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q 'root' "$tmp/e"
ok $? "without privileges: exit 1, one line that says to run as root ($(cat "$tmp/e"))"

# --- wqmond: /api/v1/config, the info metrics, refresh on change ---
# A slow interval (an hour): only a workqueue the probes see and the last
# reading lacks makes it read again.  A loop device makes one: attaching
# a file creates the workqueue "loopN", and its I/O queues work there.
start_wqmond "$tmp/log" -s none -i 0.5 -o refwq.enabled=no \
	-o kernel.config_interval=3600
dpid=$DPID
wait_http "$U/api/v1/config" 10
ok $? "/api/v1/config answers once the kernel source is up"
curl -sf "$U/api/v1/config" >"$tmp/d1.json"
python3 - "$tmp/d1.json" "$tmp/c.json" <<'EOF2'
import json, sys
d, c = (json.load(open(f)) for f in sys.argv[1:3])
assert d["format"] == "wqmon-config" and d["complete"], d["format"]
names = lambda x: sorted(w["name"] for w in x["workqueues"] if not w["name"].startswith("loop"))
assert names(d) == names(c), set(names(d)) ^ set(names(c))
EOF2
ok $? "the daemon's configuration names the same workqueues as wqctl config"
curl -sf "$U/metrics" >"$tmp/m"
grep -q '^wqmon_workqueue_info{source="kernel",workqueue="events_highpri",flags="highpri' "$tmp/m" &&
	grep -Eq '^wqmon_workqueue_max_active\{source="kernel",workqueue="events_unbound",flags="unbound"\} [0-9]+$' "$tmp/m" &&
	grep -q '^wqmon_workqueue_cpumask_info{source="kernel",requested=' "$tmp/m" &&
	grep -Eq '^wqmon_pool_config_info\{source="kernel",pool="[0-9]+",cpus="0",nice="-20",bh="no"\} 1$' "$tmp/m"
ok $? "/metrics: wqmon_workqueue_info, _max_active, _cpumask_info, wqmon_pool_config_info"
# One sample per series: two workqueues of one name and flags (6.17+ has
# two "events") are one series.
dups=$(grep -E '^wqmon_(workqueue|pool_config)_' "$tmp/m" | sed 's/ [^ ]*$//' | sort | uniq -d | head -3)
[ -z "$dups" ]
ok $? "no sample twice ($dups)"
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/m" >"$tmp/lint" 2>&1
	ok $? "promtool check metrics accepts them ($(head -c 200 "$tmp/lint"))"
else
	ok 1 "promtool is missing (scripts/deps.sh installs prometheus)"
fi
# Dropped before the loop device exists: its reading below runs with
# CAP_BPF only.
wait_for 5 grep -q 'privileges dropped: .*capabilities cap_bpf=ep' "$tmp/log"
ok $? "the daemon has dropped its privileges before the new workqueue appears ($(grep -m1 'privileges' "$tmp/log"))"
truncate -s 16M "$tmp/loop.img"
loopdev=$(losetup -f --show "$tmp/loop.img") || bail "losetup failed: the test needs a loop device"
lname=$(basename "$loopdev")
found=1
for _ in $(seq 60); do
	dd if=/dev/zero of="$loopdev" bs=4k count=16 oflag=direct status=none
	if curl -sf "$U/api/v1/config" | grep -q "\"name\":\"$lname\""; then
		found=0
		break
	fi
	sleep 0.25
done
ok $found "a new workqueue ($lname) the probes saw is read at once, not after the hour"
curl -sf "$U/metrics" | grep -q "^wqmon_workqueue_info{source=\"kernel\",workqueue=\"$lname\",flags=\"unbound,freezable\""
ok $? "and is in /metrics as unbound,freezable"
# wqtop's config view, attached to this daemon: the same new workqueue.
"$B/wqtop" -b -n 1 --view config --source "$U" >"$tmp/top" 2>&1
grep -q '^Workqueue cpumask: requested ' "$tmp/top" &&
	grep -Eq "^$lname +unbound,freezable +[0-9]+ +[0-9]+ +0 +[0-9,-]+ +[a-z]+" "$tmp/top" &&
	grep -Eq '^events_highpri +highpri' "$tmp/top"
ok $? "wqtop --view config attached: the daemon's configuration, $lname in it ($(grep "^$lname " "$tmp/top"))"
losetup -d "$loopdev"
loopdev=
kill "$dpid"; wait "$dpid" 2>/dev/null; dpid=

start_wqmond "$tmp/log2" -s none -o refwq.enabled=no -o kernel.config_interval=0
dpid=$DPID
code=$(curl -s -o "$tmp/503" -w '%{http_code}' "$U/api/v1/config")
[ "$code" = 503 ] && grep -q 'config_interval = 0' "$tmp/503"
ok $? "config_interval = 0: 503 that says why ($(cat "$tmp/503"))"
"$B/wqtop" -b -n 1 --view config --source "$U" >"$tmp/top" 2>&1
grep -q '^No workqueue configuration: the daemon has none (503: not read: \[kernel\] config_interval = 0)' "$tmp/top"
ok $? "wqtop says why it has none ($(grep -i 'configuration' "$tmp/top" | head -1))"
kill "$dpid"; wait "$dpid" 2>/dev/null; dpid=
"$B/wqmond" -o kernel.config_interval=-3 --check-config >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -ne 0 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q 'config_interval' "$tmp/e"
ok $? "a bad config_interval: one line ($(cat "$tmp/e"))"
finish
