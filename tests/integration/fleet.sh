#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A fleet on one machine, with the real components of docs/FLEET.md: three
# wqmond "hosts", each in a network namespace of its own (its address on a
# private bridge) and a mount namespace of its own (its own /dev/shm, so
# it sees only its own refwq instances); a site Prometheus that finds them
# by file-based service discovery and evaluates the packaged rules; a
# global Prometheus that federates the site; a Prometheus in agent mode
# that remote_writes to VictoriaMetrics; Alertmanager with the packaged
# routing, notifying a webhook receiver.  Everything but the hosts runs in
# a "site" namespace that holds the bridge: no traffic leaves the
# namespaces this test makes, so its fixed ports cannot meet anyone's.
#
# Exact assertions: each host runs refwq_known (1000, 2000, 3000 items)
# and a known set of refwq-demo instances.  The hosts' own /metrics, the
# site, the global and VictoriaMetrics must give the same numbers; the
# fleet rules' results must be the same samples on site and global, and
# the rules' expressions on VictoriaMetrics must agree with them.  A stall
# of the same refwq instance on two hosts is one notification; a host
# whose wqmond stops is down (up 0) while the others go on.  On the same
# site: every query of the Grafana fleet dashboard returns data, and
# wqtop --prometheus (batch, and in tmux: open a host, attach to its
# wqmond) shows what the site records.  Each host's series count is
# printed for docs/FLEET.md's cardinality table.
set -u
. "$(dirname "$0")/tap.bash"
need_root
top=$(cd "$(dirname "$0")/../.." && pwd)
for c in prometheus prometheus-alertmanager victoria-metrics ip nsenter unshare python3 curl tmux; do
	command -v "$c" >/dev/null || bail "$c missing (scripts/deps.sh installs prometheus, prometheus-alertmanager, victoria-metrics)"
done
python3 -c 'import yaml' 2>/dev/null || bail "python3-yaml missing"
for f in wqmond refwq-demo tests/itest/refwq_known; do
	[ -x "$B/$f" ] || bail "$B/$f not built (make all test-build)"
done
t0=$(date +%s)
tmp=$(mktemp -d)
tag=wqf$$	# namespace names unique to this run
SITE=$tag-site
NET=10.203.0
pids=()		# stopped with SIGTERM at exit
kill9=()	# stopped with SIGKILL (a refwq-demo blocked in a 60 s sleep)
agent=		# stopped first: with VictoriaMetrics gone it would retry
made_ns=()
tsock=wqmon-fleet-$$	# a tmux server of this run's own
tpid=		# its PID
tpath=		# its socket
tm() { tmux -L "$tsock" "$@"; }
cleanup() {
	local p ns
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null && rm -f "$tpath"
	[ -n "$agent" ] && kill "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	for p in "${kill9[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for ns in "${made_ns[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# wait_for SECONDS COMMAND...: until it succeeds, polled every 0.2 s, for
# at most SECONDS however long COMMAND takes (its local is named so that
# an eval'd COMMAND's $n is the caller's)
wait_for() {
	local _wf_end=$((SECONDS + $1))
	shift
	while :; do
		"$@" 2>/dev/null && return 0
		[ $SECONDS -lt $_wf_end ] || return 1
		sleep 0.2
	done
}
site() { ip netns exec "$SITE" "$@"; }
# bg_site CMD... &: the same in the background; exec, so that $! is CMD
# itself, which the cleanup stops
bg_site() { exec ip netns exec "$SITE" "$@"; }

# --- the network: a site namespace with a bridge, a host per veth ---
ip netns add "$SITE" || bail "cannot create network namespace $SITE"
made_ns+=("$SITE")
ip -n "$SITE" link set lo up &&
	ip -n "$SITE" link add br0 type bridge &&
	ip -n "$SITE" addr add "$NET.1/24" dev br0 &&
	ip -n "$SITE" link set br0 up || bail "cannot set up the bridge in $SITE"

declare -A anchor addr dpid
# host_up N: namespace $tag-hN, address $NET.1N, and an anchor process
# holding a mount namespace with an empty /dev/shm of its own.
host_up() {
	local n=$1 ns=$tag-h$1
	ip netns add "$ns" || bail "cannot create network namespace $ns"
	made_ns+=("$ns")
	addr[$n]=$NET.1$n
	ip -n "$SITE" link add "h$n" type veth peer name eth0 netns "$ns" &&
		ip -n "$SITE" link set "h$n" master br0 up &&
		ip -n "$ns" link set lo up &&
		ip -n "$ns" addr add "${addr[$n]}/24" dev eth0 &&
		ip -n "$ns" link set eth0 up || bail "cannot link host $n to the bridge"
	ip netns exec "$ns" unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && echo ready && exec sleep infinity' \
		>"$tmp/anchor$n" 2>&1 &
	anchor[$n]=$!
	pids+=($!)
	wait_for 10 grep -qx ready "$tmp/anchor$n" || bail "host $n: no private /dev/shm: $(cat "$tmp/anchor$n")"
}
# on_host N CMD...: CMD in host N's network and mount namespaces (exec:
# $! of `on_host ... &` is CMD itself)
on_host() { local n=$1; shift; exec nsenter -t "${anchor[$n]}" -m -n "$@"; }
hcurl() { local n=$1; shift; nsenter -t "${anchor[$n]}" -m -n curl -sf "$@"; }

# known N: refwq_known "known" with N*1000 items and N cancelled, ready
known() {
	on_host "$1" "$B/tests/itest/refwq_known" known $(($1 * 1000)) "$1" >"$tmp/known$1" 2>&1 &
	pids+=($!)
	wait_for 20 grep -qx ready "$tmp/known$1" || bail "refwq_known on host $1 did not start: $(cat "$tmp/known$1")"
}
# demo N NAME [ARGS]: a light refwq-demo on host N until stopped
demo() {
	local n=$1 name=$2
	shift 2
	on_host "$n" "$B/refwq-demo" -t 0 -q -n "$name" -f 100 -b 5 -s 5 --slow-ms=10 \
		--hog-every=300 --hog-ms=20 -p 100 --block-every=0 -c 2 "$@" \
		>"$tmp/demo.$n.$name" 2>&1 &
	pids+=($!)
}
# wqmond_up N ARGS...: host N's wqmond on its address, port 9464
wqmond_up() {
	local n=$1
	shift
	on_host "$n" "$B/wqmond" -s none -l "${addr[$n]}:9464" -o kmod.enabled=no "$@" \
		>"$tmp/wqmond$n.log" 2>&1 &
	dpid[$n]=$!
	pids+=($!)
	wait_for 20 hcurl "$n" -o /dev/null "http://${addr[$n]}:9464/healthz" ||
		bail "wqmond of host $n does not answer: $(tail -3 "$tmp/wqmond$n.log")"
}

# Host 1 watches the kernel too; hosts 2 and 3 only their refwq instances
# (the kernel's counts move by themselves), and take a refwq stall after
# 1 s (it then starts well before the 5 s of WorkqueuePoolStalled).  The
# kernel is this machine's, shared with whatever else runs on it: its
# stalls are not this test's to count, so host 1 raises none.
for n in 1 2 3; do host_up $n; done
known 1
known 2
known 3
demo 1 app
demo 2 app
demo 3 app
demo 3 extra
wqmond_up 1 -o stalls.pending=1h -o stalls.starved=1h -o stalls.running=1h \
	-o stalls.cpu_hog=1h -o stalls.kmsg=no
wqmond_up 2 -o kernel.enabled=no -o stalls.pending=1s -o stalls.starved=1s
wqmond_up 3 -o kernel.enabled=no -o stalls.pending=1s -o stalls.starved=1s
declare -A want_sources=([1]="kernel refwq:app refwq:known" [2]="refwq:app refwq:known"
	[3]="refwq:app refwq:extra refwq:known")
host_sources() {	# host_sources N: the sources host N's /metrics reports up
	hcurl "$1" "http://${addr[$1]}:9464/metrics" |
		sed -n 's/^wqmon_source_up{source="\([^"]*\)"} 1$/\1/p' | sort | tr '\n' ' ' | sed 's/ $//'
}
for n in 1 2 3; do
	wait_for 15 eval '[ "$(host_sources $n)" = "${want_sources[$n]}" ]'
	is "$(host_sources $n)" "${want_sources[$n]}" "host $n (${addr[$n]}) sees only its own sources"
done
known_on_host() {	# known_on_host N: completed items of refwq:known in host N's /metrics
	hcurl "$1" "http://${addr[$1]}:9464/metrics" |
		awk '/^wqmon_work_completed_total\{source="refwq:known",workqueue="known",function="known_fn"\}/ { print $2 }'
}
for n in 1 2 3; do
	is "$(known_on_host $n)" $((n * 1000)) "host $n's own /metrics: refwq:known completed $((n * 1000))"
done

# --- the site, the global, the agent, VictoriaMetrics, Alertmanager ---
# Fixed ports, all inside $SITE on its loopback.
S=http://127.0.0.1:9090 G=http://127.0.0.1:9091 A=http://127.0.0.1:9092
V=http://127.0.0.1:8428 AM=http://127.0.0.1:9093 R=http://127.0.0.1:9095
mkdir -p "$tmp/sd" "$tmp/site" "$tmp/global" "$tmp/agent"
python3 - "$tmp/sd/hosts.json" $NET.11 $NET.12 $NET.13 <<'PY'
import json, sys
json.dump([{"targets": ["%s:9464" % a for a in sys.argv[2:]],
            "labels": {"env": "fleet-test"}}], open(sys.argv[1], "w"))
PY
# The packaged rules; only the stall alerts' for: 1m is cut to 2 s so the
# alert fires within the test (the rules' own tests check the 1m).
sed 's/^\( *\)for: 1m$/\1for: 2s/' "$top/packaging/prometheus/wqmon.rules.yml" >"$tmp/site/wqmon.rules.yml"
cp "$top/packaging/prometheus/wqmon-fleet.rules.yml" "$tmp/site/"
[ "$(grep -c 'for: 2s' "$tmp/site/wqmon.rules.yml")" = 2 ] || bail "the stall alerts' for: 1m changed: update this test"
sd_job() {	# the scrape job of the wqmond hosts, as in docs/FLEET.md
	cat <<YML
  - job_name: wqmon
    file_sd_configs:
      - files: ['$tmp/sd/*.json']
        refresh_interval: 1s
YML
}
cat >"$tmp/site/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels: {site: lab}
rule_files: ['$tmp/site/wqmon.rules.yml', '$tmp/site/wqmon-fleet.rules.yml']
alerting:
  alertmanagers:
    - static_configs: [{targets: ['127.0.0.1:9093']}]
scrape_configs:
$(sd_job)
YML
cat >"$tmp/global/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: federate-lab
    honor_labels: true
    metrics_path: /federate
    params:
      'match[]':
        - '{__name__=~"instance:.+|function:.+|fleet:.+"}'
        - '{job="wqmon",__name__=~"up|wqmon_build_info|wqmon_source_up|wqmon_work_completed_total|wqmon_work_cancelled_total"}'
    static_configs: [{targets: ['127.0.0.1:9090']}]
YML
cat >"$tmp/agent/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  external_labels: {site: lab}
scrape_configs:
$(sd_job)
remote_write:
  - url: $V/api/v1/write
    queue_config: {batch_send_deadline: 1s}
YML
# The packaged Alertmanager routing, its receivers pointed at ours and
# group_wait cut from 30 s to 8 s (both hosts' stalls fire within it).
sed -e "s|http://alert-router.example:9095|$R|" -e 's/group_wait: 30s/group_wait: 8s/' \
	"$top/packaging/alertmanager/wqmon.yml" >"$tmp/am.yml"
grep -q 'group_wait: 8s' "$tmp/am.yml" && ! grep -q example "$tmp/am.yml" ||
	bail "packaging/alertmanager/wqmon.yml changed: update this test"
cat >"$tmp/recv.py" <<'PY'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[1], "a") as f:
            f.write(json.dumps({"path": self.path, "body": json.loads(body)}) + "\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 9095), H)
print("listening on 127.0.0.1:9095", flush=True)
s.serve_forever()
PY
: >"$tmp/notified"
bg_site python3 "$tmp/recv.py" "$tmp/notified" >"$tmp/recv.log" 2>&1 &
pids+=($!)
bg_site victoria-metrics -httpListenAddr=127.0.0.1:8428 -storageDataPath="$tmp/vm" \
	-search.latencyOffset=0s -search.disableCache -loggerLevel=ERROR >"$tmp/vm.log" 2>&1 &
pids+=($!)
bg_site prometheus-alertmanager --config.file="$tmp/am.yml" --storage.path="$tmp/am" \
	--web.listen-address=127.0.0.1:9093 --cluster.listen-address= >"$tmp/am.log" 2>&1 &
pids+=($!)
for p in site:9090 global:9091; do
	bg_site prometheus --config.file="$tmp/${p%:*}/prometheus.yml" --storage.tsdb.path="$tmp/${p%:*}/data" \
		--web.listen-address=127.0.0.1:${p#*:} >"$tmp/${p%:*}/log" 2>&1 &
	pids+=($!)
done
bg_site prometheus --enable-feature=agent --config.file="$tmp/agent/prometheus.yml" \
	--storage.agent.path="$tmp/agent/data" --web.listen-address=127.0.0.1:9092 \
	--storage.remote.flush-deadline=1s >"$tmp/agent/log" 2>&1 &
agent=$!
for u in "$S/-/ready site" "$G/-/ready global" "$A/-/ready agent" "$V/health victoria-metrics" \
	"$AM/-/ready alertmanager"; do
	wait_for 30 site curl -sf -o /dev/null "${u% *}" || bail "${u#* } not ready: $(tail -3 "$tmp"/*/log "$tmp"/*.log 2>/dev/null | tail -8)"
done
grep -q listening "$tmp/recv.log" || wait_for 10 grep -q listening "$tmp/recv.log" || bail "the receiver did not start"
ok 0 "site, global and agent Prometheus, VictoriaMetrics, Alertmanager and a receiver are up"

# --- queries ---
cat >"$tmp/q.py" <<'PY'
# q.py paths SITE-EXPR GLOBAL-EXPR VM-EXPR [REGEX [values|keys|top]]:
#   three lines, what site, global and VictoriaMetrics answer: the series
#   as "{labels} value" (or only their labels, or only the one with the
#   largest value), those matching REGEX, sorted, on one line; without
#   the labels a path adds (site; the federation's job and instance).
# q.py same END SECONDS NAME...: per NAME, "N" (samples compared) when
#   the global has samples of every series of NAME the site has in the
#   window that ends at END (Unix time) and each is a sample of the
#   site's, same time, same value; else what differs.
import json, re, sys, urllib.parse, urllib.request
URLS = {"site": "http://127.0.0.1:9090", "global": "http://127.0.0.1:9091",
        "vm": "http://127.0.0.1:8428"}
def get(path, expr, t=None):
    args = {"query": expr}
    if t is not None:
        args["time"] = t
    u = URLS[path] + "/api/v1/query?" + urllib.parse.urlencode(args)
    d = json.load(urllib.request.urlopen(u, timeout=10))
    assert d["status"] == "success", d
    return d["data"]["result"]
def key(m, path):
    m = dict(m)
    for k in ("__name__", "site"):
        m.pop(k, None)
    if path == "global" and m.get("job") == "federate-lab":
        m.pop("job")
    if path == "global" and m.get("instance") == "127.0.0.1:9090":
        m.pop("instance")
    return "{%s}" % ",".join("%s=%s" % kv for kv in sorted(m.items()))
if sys.argv[1] == "paths":
    exprs = sys.argv[2:5]
    rx = re.compile(sys.argv[5] if len(sys.argv) > 5 else "")
    mode = sys.argv[6] if len(sys.argv) > 6 else "values"
    for path, expr in zip(("site", "global", "vm"), exprs):
        rows = sorted((key(r["metric"], path), round(float(r["value"][1]), 9))
                      for r in get(path, expr))
        rows = [r for r in rows if rx.search("%s %r" % r)]
        if mode == "top":
            rows = sorted(rows, key=lambda r: r[1])[-1:]
        print(" ".join(k if mode != "values" else "%s %r" % (k, v) for k, v in rows))
elif sys.argv[1] == "same":
    end, secs = sys.argv[2:4]
    for name in sys.argv[4:]:
        s, g = ({key(r["metric"], p): dict(("%.3f" % float(t), v) for t, v in r["values"])
                 for r in get(p, "%s[%ss]" % (name, secs), end)} for p in ("site", "global"))
        bad = [k for k in set(s) ^ set(g)] or \
              [(k, t) for k in g for t in g[k] if s[k].get(t) != g[k][t]] or \
              [k for k in g if not g[k]] or ([] if s else ["no series"])
        print(bad[:3] if bad else sum(len(x) for x in g.values()))
PY
Q() { nsenter --net="/run/netns/$SITE" python3 "$tmp/q.py" "$@"; }
# The recording rules' expressions, for VictoriaMetrics (raw series only).
declare -A rexpr
while IFS=$'\t' read -r k v; do rexpr[$k]=$v; done < <(python3 - \
	"$top/packaging/prometheus/wqmon-fleet.rules.yml" <<'PY'
import sys, yaml
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        if "record" in r:
            print("%s\t%s" % (r["record"], " ".join(r["expr"].split())))
PY
)
[ ${#rexpr[@]} -ge 10 ] || bail "cannot read the recording rules"
LAST=
# on3 SITE-EXPR GLOBAL-EXPR VM-EXPR [REGEX [MODE]]: LAST = the 3 answers
on3() { LAST=$(Q paths "$@"); }
# all3 WANT EXPR [REGEX [MODE]]: EXPR on every path answers WANT
all3() { local w=$1 e=$2; shift 2; on3 "$e" "$e" "$e" "$@" && [ "$LAST" = "$w"$'\n'"$w"$'\n'"$w" ]; }
# rule3 WANT NAME [REGEX [MODE]]: the recorded NAME on site and global,
# and its expression on VictoriaMetrics, answer WANT
rule3() {
	local w=$1 n=$2
	shift 2
	on3 "$n" "$n" "${rexpr[$n]}" "$@" && [ "$LAST" = "$w"$'\n'"$w"$'\n'"$w" ]
}
said() { echo "$LAST" | paste -d'|' - - - | sed 's/^/site: /; s/|/ | global: /; s/|\([^|]*\)$/| vm: \1/'; }
i1="instance=$NET.11:9464" i2="instance=$NET.12:9464" i3="instance=$NET.13:9464"

# --- discovery, and raw per-host counts on every path ---
up3() {	# up3 U1 U2 U3: up of the three hosts on every path
	all3 "{env=fleet-test,$i1,job=wqmon} $1 {env=fleet-test,$i2,job=wqmon} $2 {env=fleet-test,$i3,job=wqmon} $3" \
		'up{job="wqmon"}'
}
wait_for 30 up3 1.0 1.0 1.0
ok $? "the three hosts, found through file_sd, are up on site, global and VictoriaMetrics ($(said))"
k="job=wqmon,source=refwq:known,workqueue=known"
wait_for 20 all3 "{env=fleet-test,function=known_fn,$i1,$k} 1000.0 {env=fleet-test,function=known_fn,$i2,$k} 2000.0 {env=fleet-test,function=known_fn,$i3,$k} 3000.0" \
	'wqmon_work_completed_total{source="refwq:known",function="known_fn"}'
ok $? "refwq:known completed 1000/2000/3000 as on the hosts' own /metrics, on site, global and VictoriaMetrics ($(said))"
all3 "{$i1} 1.0 {$i2} 2.0 {$i3} 3.0" 'sum by (instance) (wqmon_work_cancelled_total{source="refwq:known"})'
ok $? "and cancelled 1/2/3 on every path ($(said))"

# --- what a host costs the TSDB (docs/FLEET.md: cardinality) ---
on3 'count by (instance) ({job="wqmon"})' 'count by (instance) ({job="wqmon"})' 'count by (instance) ({job="wqmon"})'
echo "# series per host (site): $(echo "$LAST" | head -1)"
site curl -sf "$S/metrics" | awk '/^prometheus_tsdb_head_(series|samples_appended_total)[{ ]/ { print "# site TSDB:", $0 }'
# A refwq-only host's series: 57 per function row, 6 per pool, and a few
# dozen of the daemon's own; far below the bound of docs/METRICS.md.
python3 -c 'import re, sys; v = [float(x) for x in re.findall(r"\} ([0-9.]+)", sys.argv[1])]; sys.exit(not (len(v) == 3 and all(0 < x < 9100 for x in v)))' "$(echo "$LAST" | head -1)"
ok $? "every host's series count is within the per-source bound of METRICS.md ($(echo "$LAST" | head -1))"

# --- the fleet rules on every path ---
wait_for 20 rule3 "{$i1} 3.0 {$i2} 2.0 {$i3} 3.0" instance:wqmon_source_up:sum
ok $? "instance:wqmon_source_up:sum is 3/2/3 on every path ($(said))"
wait_for 20 rule3 "{} 3.0" fleet:wqmon_hosts_reporting:count
ok $? "fleet:wqmon_hosts_reporting:count is 3 on every path ($(said))"
rule3 "{} 0.0" fleet:wqmon_hosts_stalled:count
ok $? "fleet:wqmon_hosts_stalled:count is 0 on every path ($(said))"
# The refwq hosts lose nothing (their tables cannot overflow); the kernel
# host may: whatever the site says, the others say the same.
same3() { on3 "$@" && [ "$(echo "$LAST" | sort -u | wc -l)" = 1 ]; }
# shellcheck disable=SC2034 # used in the eval below
losers='instance:wqmon_probe_missed_events:increase10m or instance:wqmon_events_dropped:increase10m'
wait_for 10 eval 'same3 fleet:wqmon_hosts_losing_events:count fleet:wqmon_hosts_losing_events:count \
	"${rexpr[fleet:wqmon_hosts_losing_events:count]}" && ! Q paths "$losers" "$losers" "$losers" "$NET\.1[23]" keys | grep -q .'
ok $? "hosts losing events: the same count on every path, never a refwq-only host ($(said))"
wait_for 30 rule3 "{function=demo_hog,source=refwq:app,workqueue=events} 3.0" function:wqmon_work_cpu_hosts:count \
	'function=demo_hog,source=refwq:app,'
ok $? "function:wqmon_work_cpu_hosts:count: demo_hog of refwq:app costs CPU on 3 hosts, on every path ($(said))"
rule3 "{function=demo_hog,source=refwq:app,workqueue=events}" function:wqmon_work_cpu_seconds:rate5m \
	'source=refwq:app,' top
ok $? "refwq:app's costliest function over the fleet is demo_hog on every path ($(said))"
p=instance:wqmon_work_latency_seconds:p99_rate5m
wait_for 10 eval 'on3 $p fleet:wqmon_work_latency_seconds:p99_rate5m_top10 "${rexpr[$p]}" "" keys &&
	[ "$LAST" = "{$i1} {$i2} {$i3}"$'"'"'\n'"'"'"{$i1} {$i2} {$i3}"$'"'"'\n'"'"'"{$i1} {$i2} {$i3}" ]'
ok $? "every host has a p99 latency on the site, the global's top 10 and VictoriaMetrics ($(said))"

# --- a stall of one refwq instance on two hosts: one notification ---
for n in 2 3; do
	on_host $n "$B/refwq-demo" -t 0 -q -n stall -f 20 -s 0 --hog-every=0 -p 0 \
		--block-every=500 --block-ms=60000 -c 2 >"$tmp/stall$n" 2>&1 &
	kill9+=($!)
done
wait_for 30 eval 'rule3 "{} 2.0" fleet:wqmon_hosts_stalled:count &&
	rule3 "{$i2,kind=pending,source=refwq:stall} 1.0 {$i3,kind=pending,source=refwq:stall} 1.0" instance:wqmon_stall_active:sum'
ok $? "both stalled hosts, and only they, on every path ($(said))"
# Now every recorded rule but those of losses has data: the same samples
# on site and global.  The configuration drift rules are left out like the
# losses: one host here has a kernel configuration, so there is no drift
# to record (promtool tests them on synthetic series,
# prometheus_rules.sh).
names=$(printf '%s\n' "${!rexpr[@]}" | grep -vE 'events_dropped|probe_missed|wqmon_workqueue_' | sort)
end=$(python3 -c 'import time; print(time.time() - 3)')
# shellcheck disable=SC2086
paste <(echo "$names") <(Q same "$end" 20 $names) >"$tmp/same"
while IFS=$'\t' read -r r n; do
	[[ $n =~ ^[1-9][0-9]*$ ]]
	ok $? "$r: the global's federated samples are the site's, same times and values ($n)"
done <"$tmp/same"
# The Grafana fleet dashboard: every query runs on the site and returns
# data (the checks of tests/integration/grafana_dashboard.sh), with the
# metrics of a kernel host and of a stalled refwq host.
{ hcurl 1 "http://$NET.11:9464/metrics" && hcurl 2 "http://$NET.12:9464/metrics"; } >"$tmp/metrics" ||
	bail "cannot read the hosts' /metrics"
site python3 "$top/tests/integration/grafana_dashboard.py" "$top/packaging/grafana/wqmon-fleet.json" \
	"$tmp/metrics" "$S" "$top/packaging/prometheus/wqmon-fleet.rules.yml" datasource >"$tmp/grafana" 2>&1
grep -qE '^(not )?ok ' "$tmp/grafana" || bail "grafana_dashboard.py: $(tail -3 "$tmp/grafana")"
while read -r l; do
	case $l in
	"ok "*) ok 0 "fleet dashboard: ${l#ok * - }" ;;
	"not ok "*) ok 1 "fleet dashboard: ${l#not ok * - }" ;;
	esac
done <"$tmp/grafana"
oncall() {	# oncall: the notifications to the on-call receiver
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    n = json.loads(l)
    if n["path"] == "/wqmon":
        print(json.dumps(n["body"]))' "$tmp/notified"
}
wait_for 40 eval '[ -n "$(oncall)" ]'
ok $? "Alertmanager notified the on-call receiver"
# WorkqueuePoolStalled fires too (the pools' oldest items wait past 5 s):
# Alertmanager must hold it back under WorkqueueStall.
pool_suppressed() {
	site curl -sf "$AM/api/v2/alerts" | python3 -c '
import json, sys
a = [x for x in json.load(sys.stdin) if x["labels"]["alertname"] == "WorkqueuePoolStalled"]
assert len(a) == 2 and all(x["status"]["state"] == "suppressed" and x["status"]["inhibitedBy"] for x in a), a'
}
wait_for 30 pool_suppressed
ok $? "WorkqueuePoolStalled fired on both hosts and is inhibited by WorkqueueStall"

# --- a host goes down; the others go on ---
kill "${dpid[1]}"
wait "${dpid[1]}" 2>/dev/null
stopped=$(date +%s)
wait_for 20 eval 'on3 "up{job=\"wqmon\"}" up up && [ "$(echo "$LAST" | head -1)" = \
	"{env=fleet-test,$i1,job=wqmon} 0.0 {env=fleet-test,$i2,job=wqmon} 1.0 {env=fleet-test,$i3,job=wqmon} 1.0" ]'
ok $? "host 1's wqmond stopped: up 0 on the site, the others 1 ($(echo "$LAST" | head -1))"
wait_for 20 up3 0.0 1.0 1.0
ok $? "the same on the global and VictoriaMetrics ($(said))"
# Data keeps flowing from the others: samples newer than the stop.
wait_for 20 all3 "{$i2} {$i3}" "max by (instance) (timestamp(wqmon_build_info)) > $stopped + 1" "" keys
ok $? "hosts 2 and 3 keep reporting after host 1 stopped, on every path ($(said))"
wait_for 20 rule3 "{} 2.0" fleet:wqmon_hosts_reporting:count
ok $? "fleet:wqmon_hosts_reporting:count is 2 on every path ($(said))"

# --- wqtop's fleet view of the site, in batch mode, under ASan ---
W="$B/wqtop-asan"
[ -x "$W" ] || bail "$W not built (make test-build)"
site "$W" -b -n 1 -w 200 --prometheus "$S" >"$tmp/wqtop" 2>"$tmp/wqtop.err"
ok $? "wqtop -b -n 1 --prometheus: exit 0 ($(head -c 300 "$tmp/wqtop.err"))"
sed 's/^/# /' "$tmp/wqtop"
head -1 "$tmp/wqtop" | grep -qF "wqtop fleet: $S  3 hosts, 2 up, 2 stalled"
ok $? "its title: 3 hosts, 2 up, 2 stalled ($(head -1 "$tmp/wqtop"))"
row() {	# row N: host N's STATE SOURCES STALLS in wqtop's table
	awk -v h="$NET.1$1:9464" '$1 == h { print $2, $3, $5; exit }' "$tmp/wqtop"
}
on3 instance:wqmon_source_up:sum instance:wqmon_source_up:sum instance:wqmon_source_up:sum "$NET\.1[23]"
is "$(row 1)/$(row 2)/$(row 3)" "down - -/up 3 1/up 4 1" \
	"host rows: state, sources and stalls as the site records them (site: $(echo "$LAST" | head -1))"
[ "$(echo "$LAST" | head -1)" = "{$i2} 3.0 {$i3} 4.0" ]
ok $? "the site's sources per host are those wqtop shows"
hosts=$(awk '$1 == "refwq:app" && $2 == "events/demo_hog" { print $4 }' "$tmp/wqtop")
rule3 "{function=demo_hog,source=refwq:app,workqueue=events} ${hosts:-none}.0" function:wqmon_work_cpu_hosts:count \
	'function=demo_hog,source=refwq:app,'
ok $? "the fleet's functions: demo_hog of refwq:app on ${hosts:-no} hosts, as recorded ($(said))"

# One host in detail (-f): its stalls and functions, as the site has them.
site "$W" -b -n 1 -w 200 --prometheus "$S" -f "$NET.12:" >"$tmp/wqtop1" 2>"$tmp/wqtop.err"
ok $? "wqtop -b -n 1 --prometheus -f $NET.12: exit 0 ($(head -c 300 "$tmp/wqtop.err"))"
sed 's/^/# /' "$tmp/wqtop1"
[ "$(awk '$1 ~ /:9464$/' "$tmp/wqtop1" | wc -l)" = 1 ] &&
	grep -qxF "HOST $NET.12:9464: up, sources 3, p99 $(awk -v h="$NET.12:9464" '$1 == h { print $4 }' "$tmp/wqtop1"), stalls 1" "$tmp/wqtop1" &&
	[ "$(grep '^  stall: ' "$tmp/wqtop1")" = "  stall: pending refwq:stall pool 0" ]
ok $? "only host 2, with its stall (pending refwq:stall pool 0) and its numbers of the fleet table"
grep -qE '^refwq:app events/demo_hog +[0-9.]+ +[0-9.]+(ns|us|ms|s)$' "$tmp/wqtop1"
ok $? "and its functions with CPU and p99: demo_hog of refwq:app among them"

# --- and in a terminal (tmux): open a host, attach to its wqmond, q ---
screen() { tm capture-pane -p -t w; }
tm -f /dev/null new-session -d -s w -x 160 -y 30 \
	"env -i PATH=$PATH HOME=/root TERM=tmux-256color LANG=C.UTF-8 PS1='PROMPT\$ ' bash --norc --noprofile"
tpid=$(tm display-message -p '#{pid}')
tpath=$(tm display-message -p '#{socket_path}')
tm set-option -g status off
wait_for 5 eval 'screen | grep -q "PROMPT\\$"' || bail "no shell prompt in tmux"
tm send-keys -t w "ip netns exec $SITE $W --prometheus $S -d 0.5 2>$tmp/tui.err; echo EXITED:\$?" Enter
wait_for 15 eval 'screen | grep -qF "wqtop fleet: $S  3 hosts, 2 up, 2 stalled" && screen | grep -q "q quit"'
ok $? "the terminal view shows the same title and a q key ($(screen | head -1))"
# The first row is a stalled host (stalled hosts come first): open it.
first=$(screen | awk -v n="$NET" 'index($1, n ".") == 1 { print $1; exit }')
# The selection bar (a background colour, or reverse video without
# colours) is on that row and on no other host's.
tm capture-pane -p -e -t w | grep -F ":9464 " >"$tmp/rows"
bar=$'^(\e\\[[0-9;]*m)*\e\\[(4[0-7]|7)m'
[ "$(grep -cE "$bar" "$tmp/rows")" = 1 ] && head -1 "$tmp/rows" | grep -E "$bar" | grep -qF "$first"
ok $? "the selection is on the first host row, $first"
tm send-keys -t w Enter
wait_for 10 eval 'screen | grep -qF "HOST $first: up," && screen | grep -qF "  stall: pending refwq:stall pool 0"'
ok $? "Enter opens the selected host, $first, with its stall ($(screen | head -2 | tr '\n' ' '))"
tm send-keys -t w a
wait_for 15 eval 'screen | grep -qF "http://$first/" && screen | grep -q demo_fast'
ok $? "a attaches wqtop to that host's wqmond: its own functions ($(screen | head -1))"
tm send-keys -t w q
wait_for 10 eval 'screen | grep -q "EXITED:0"'
ok $? "q quits, exit 0, no sanitizer report ($(head -c 300 "$tmp/tui.err"))"

# --- exactly one notification, by now well past group_wait of the
#     suppressed and of the stall groups ---
oncall >"$tmp/oncall.json"
python3 - "$tmp/oncall.json" "$NET" <<'PY'
import json, sys
n = [json.loads(l) for l in open(sys.argv[1])]
assert len(n) == 1, "%d notifications: %s" % (len(n), n)
n = n[0]
# function="" is no label at all to Prometheus: the group has none either.
assert n["status"] == "firing" and n["groupLabels"] == {
    "alertname": "WorkqueueStall", "source": "refwq:stall"}, n["groupLabels"]
hosts = sorted(a["labels"]["instance"] for a in n["alerts"])
assert hosts == ["%s.12:9464" % sys.argv[2], "%s.13:9464" % sys.argv[2]], hosts
PY
ok $? "exactly one notification, for WorkqueueStall of refwq:stall, listing both hosts ($(head -c 400 "$tmp/oncall.json"))"
echo "# fleet.sh: $(($(date +%s) - t0)) s"
finish
