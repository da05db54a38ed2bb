#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqctl audit-isolation: CPU 1 is declared isolated with --cpus, and a
# per-CPU load (the aio generator pinned to CPU 1) runs there during the
# audit.  The report names aio_fsync_work as per-CPU work on CPU 1's pool,
# with exactly the generator's item count (the probes count each item on
# the CPU that ran it); an audit of CPU 0 over the same load does not list
# it.  Assumes no one else makes aio fsync work on this machine meanwhile.
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
apid= dpid=
trap 'for p in $apid $dpid; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT
[ "$(nproc)" -ge 2 ] || bail "needs 2 CPUs"
N=50000

# audit CPUS OUT: start an audit of 6 s, wait until it watches.
audit() {
	"$B/wqctl" audit-isolation --cpus "$1" -d 6 --json >"$2" 2>"$2.err" &
	apid=$!
	for _ in $(seq 100); do
		grep -q 'watching' "$2.err" && return 0
		sleep 0.1
	done
	bail "the audit did not start: $(cat "$2.err")"
}
finish_audit() { wait $apid; local rc=$?; apid=; return $rc; }
items() {	# items FILE FUNCTION: items of FUNCTION in the audit's JSON
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(w["items"] for w in d["work"] if w["function"] == sys.argv[2]))' "$1" "$2"
}

audit 1 "$tmp/cpu1.json"
"$B/tests/gen/aiogen" -n $N -b 8 -c 1 >/dev/null
finish_audit
is $? 1 "work ran on CPU 1: exit status 1"
is "$(items "$tmp/cpu1.json" aio_fsync_work)" $N "aio_fsync_work ran $N times on CPU 1, the generator's count"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
w = [w for w in d["work"] if w["function"] == "aio_fsync_work"]
assert d["format"] == "wqmon-isolation-audit" and d["version"] == 1
assert d["cpus"] == "1" and d["pass"] is False
assert w and all(x["kind"] == "per-cpu" and x["pool_cpu"] == 1 for x in w), w
assert all(x["run_ns"] > 0 for x in w), w' "$tmp/cpu1.json"
ok $? "it is per-CPU work of CPU 1's pool, with its run time"

audit 0 "$tmp/cpu0.json"
"$B/tests/gen/aiogen" -n $N -b 8 -c 1 >/dev/null
finish_audit
is "$(items "$tmp/cpu0.json" aio_fsync_work)" 0 "an audit of CPU 0 does not list the work pinned to CPU 1"

# The report for a person says the same.
"$B/tests/gen/aiogen" -d 3 -b 8 -c 1 >/dev/null &
gen=$!
"$B/wqctl" audit-isolation --cpus 1 -d 1 >"$tmp/text" 2>&1
rc=$?
wait $gen
is $rc 1 "text report: exit status 1"
grep -q '^isolation audit of CPU 1, .*: FAIL: ' "$tmp/text" &&
	grep -Eq '^aio_fsync_work +events +[0-9]+ \(cpu 1\) +[0-9]+ +[0-9.]+ +per-cpu$' "$tmp/text" &&
	grep -q '^per-cpu: queued on that CPU by its caller' "$tmp/text"
ok $? "text report names aio_fsync_work, per-CPU, and what to do ($(sed -n 3p "$tmp/text"))"

# wqmond keeps the same counts for /metrics ([kernel] isolated_cpus).
start_wqmond "$tmp/log" -s none -i 0.25 -o refwq.enabled=no \
	-o kernel.isolated_cpus=1
dpid=$DPID
grep -q 'watching isolated CPUs 1 for kworker work' "$tmp/log"
ok $? "wqmond says it watches CPU 1"
metric() {	# metric NAME: the aio_fsync_work sample of wqmon_NAME (sum)
	curl -sf "$U/metrics" | awk -v n="wqmon_$1" '
		index($0, n "{") == 1 && /function="aio_fsync_work"/ &&
		/cpus="1"/ && /kind="per-cpu"/ { s += $NF } END { print s + 0 }'
}
base=$(metric isolated_cpu_work_items_total)
"$B/tests/gen/aiogen" -n $N -b 8 -c 1 >/dev/null
got=0
for _ in $(seq 50); do
	got=$(( $(metric isolated_cpu_work_items_total) - base ))
	[ "$got" -eq $N ] && break
	sleep 0.2
done
is "$got" $N "/metrics: wqmon_isolated_cpu_work_items_total of aio_fsync_work on CPU 1 grew by $N"
awk -v r="$(metric isolated_cpu_work_run_seconds_total)" 'BEGIN { exit !(r > 0) }'
ok $? "/metrics: its run time is counted too"
kill $dpid; wait $dpid 2>/dev/null
"$B/wqmond" --check-config -o kernel.isolated_cpus=1-x >"$tmp/cc" 2>&1
[ $? -ne 0 ] && [ "$(wc -l <"$tmp/cc")" -eq 1 ] && grep -q "isolated_cpus = '1-x' in \[kernel\]: give auto, none or a CPU list" "$tmp/cc"
ok $? "a bad isolated_cpus is refused in one line: $(cat "$tmp/cc")"

# Bad input: one line that says what to give, exit status 2.
bad() {	# bad WANT ARGS...
	local want=$1
	shift
	"$B/wqctl" audit-isolation "$@" >"$tmp/bad" 2>&1
	local rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/bad")" -eq 1 ] && grep -q "$want" "$tmp/bad"
	ok $? "audit-isolation $*: exit 2, one line: $(cat "$tmp/bad")"
}
bad 'bad CPU list' --cpus 1-x
bad 'not on this machine' --cpus 4095
bad 'bad --duration' --cpus 1 -d 0
bad 'unknown option' --cpu-set 1
if [ -z "$(tr -d '\n' </sys/devices/system/cpu/isolated)" ]; then
	bad 'no isolated CPUs here' -d 1
fi
finish
