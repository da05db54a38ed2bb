#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Probe cost per work item, measured side by side in one run.
#
# The aio generator (tests/gen/aiogen.c) makes kernel work items as fast as
# it can; each tool that watches the workqueue tracepoints slows it down.
# cost(tool) = 1/rate(tool) - 1/rate(none), per item.  Conditions run
# interleaved, ROUNDS times, and we report medians: the machine is noisy,
# so only ratios measured in the same run mean anything.
#
#   tests/bench/probe_cost.sh [OUTPUT_DIR]   (env: ROUNDS=5 SECONDS_PER_RUN=3)
set -u
. "$(dirname "$0")/../integration/bpf_vars.bash"
OUT=${1:-build}
ROUNDS=${ROUNDS:-5}
DUR=${SECONDS_PER_RUN:-3}
GEN="$OUT/tests/gen/aiogen"
WQCTL="$OUT/wqctl"
COUNT="$OUT/tests/bench/countonly"
tmp=$(mktemp -d)
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

die() { echo "probe_cost: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (BPF, perf)"
for x in "$GEN" "$WQCTL" "$COUNT"; do [ -x "$x" ] || die "missing $x: run make test-build"; done
command -v perf >/dev/null || die "perf missing: apt-get install linux-perf"
command -v bpftrace >/dev/null || die "bpftrace missing: apt-get install bpftrace"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

cat >"$tmp/agg.bt" <<'EOF'
// The same aggregation as wqmon, written the straightforward way.
tracepoint:workqueue:workqueue_queue_work {
	@queued[args->function] = count(); @q[args->work] = nsecs;
}
tracepoint:workqueue:workqueue_activate_work { @a[args->work] = nsecs; }
tracepoint:workqueue:workqueue_execute_start {
	$t = @q[args->work];
	if ($t) { @lat[args->function] = hist(nsecs - $t); delete(@q[args->work]); }
	delete(@a[args->work]);
	@s[tid] = nsecs;
}
tracepoint:workqueue:workqueue_execute_end {
	$t = @s[tid];
	if ($t) { @run[args->function] = hist(nsecs - $t); delete(@s[tid]); }
}
EOF

# wait_for FILE PATTERN: the tool says it is attached
wait_for() {
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

start_tool() {	# start_tool NAME; sets TOOL_PID
	local log="$tmp/$1.log"
	: >"$log"
	# wqmon's tools: attached, and their coarse clock calibrated (a
	# second of sweeps), as in a daemon that has run for two seconds.
	case $1 in
	none) TOOL_PID= ; return 0 ;;
	count) "$COUNT" >"$log" 2>&1 & TOOL_PID=$!; wait_for "$log" attached ;;
	wqmon) "$WQCTL" show -i 1 >/dev/null 2>"$log" & TOOL_PID=$!; wait_coarse >/dev/null ;;
	wqmon-nocpu) "$WQCTL" show -i 1 --no-cpu >/dev/null 2>"$log" & TOOL_PID=$!; wait_coarse >/dev/null ;;
	wqmon-s16) "$WQCTL" show -i 1 --sample 16 >/dev/null 2>"$log" & TOOL_PID=$!; wait_coarse >/dev/null ;;
	wqmon-q) "$WQCTL" show -i 1 -q >/dev/null 2>"$log" & TOOL_PID=$!; wait_coarse >/dev/null ;;
	wqmond-noq) "$OUT/wqmond" -l 127.0.0.1:0 -s none -o refwq.enabled=no -o kmod.enabled=no \
		-o kernel.queuers=no >"$log" 2>&1 & TOOL_PID=$!; wait_coarse >/dev/null ;;
	wqmond) "$OUT/wqmond" -l 127.0.0.1:0 -s none -o refwq.enabled=no -o kmod.enabled=no \
		>"$log" 2>&1 & TOOL_PID=$!; wait_coarse >/dev/null ;;
	perf) perf kwork -k workqueue record -o "$tmp/kwork.data" -- sleep $((DUR + 30)) \
		>"$log" 2>&1 & TOOL_PID=$!; sleep 2 ;;
	bpftrace) bpftrace "$tmp/agg.bt" >"$log" 2>&1 & TOOL_PID=$!; wait_for "$log" Attaching; sleep 0.5 ;;
	esac
	pids+=("$TOOL_PID")
}

stop_tool() {
	[ -n "$TOOL_PID" ] || return 0
	kill -INT "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID" 2>/dev/null
	TOOL_PID=
}

CONDS="none count wqmond wqmond-noq wqmon wqmon-q wqmon-nocpu wqmon-s16 bpftrace perf"
echo "probe_cost: $ROUNDS rounds x $DUR s per condition: $CONDS" >&2
for r in $(seq "$ROUNDS"); do
	for c in $CONDS; do
		start_tool "$c" || die "$c did not start: $(tail -3 "$tmp/$c.log")"
		rate=$("$GEN" -d "$DUR" -b 32 | sed -n 's/.*rate=//p')
		stop_tool
		echo "$c $rate" >>"$tmp/rates"
		printf '  round %d %-12s %s items/s\n' "$r" "$c" "$rate" >&2
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A RATE
for c in $CONDS; do
	RATE[$c]=$(awk -v c="$c" '$1 == c { print $2 }' "$tmp/rates" | median)
done
cost() { awk -v a="${RATE[$1]}" -v b="${RATE[none]}" 'BEGIN { printf "%.3f", 1e6 / a - 1e6 / b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f", a / b }'; }

echo
echo "| condition | items/s (median of $ROUNDS) | cost per item (µs) |"
echo "|---|---:|---:|"
for c in $CONDS; do
	printf '| %s | %.0f | %s |\n' "$c" "${RATE[$c]}" "$([ "$c" = none ] && echo 0 || cost "$c")"
done
echo
w=$(cost wqmon); k=$(cost count); p=$(cost perf); t=$(cost bpftrace)
d=$(cost wqmond); s=$(cost wqmon-s16); dq=$(cost wqmond-noq); wq=$(cost wqmon-q)
echo "- wqmond (defaults: queuers on) / count-only cost: $(ratio "$d" "$k")"
echo "- wqmond without queuers / count-only cost: $(ratio "$dq" "$k")"
echo "- queuers' share: wqmond / wqmond without queuers: $(ratio "$d" "$dq"); wqctl show -q / wqctl show: $(ratio "$wq" "$w")"
echo "- wqctl show -i 1 / count-only cost: $(ratio "$w" "$k")"
echo "- wqmon --sample 16 / count-only cost: $(ratio "$s" "$k")"
echo "- perf kwork record / wqmond cost: $(ratio "$p" "$d") (target >= 4)"
echo "- bpftrace / wqmond cost: $(ratio "$t" "$d") (target >= 4)"
echo "- item without probes: $(awk -v b="${RATE[none]}" 'BEGIN { printf "%.3f", 1e6 / b }') µs"

# Where the nanoseconds go: the kernel's own per-program run-time stats,
# without and with queuers.
old=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
for c in wqmon wqmon-q; do
	start_tool $c
	"$GEN" -d "$DUR" -b 32 >/dev/null
	bpftool prog show -j >"$tmp/progs-$c.json"
	stop_tool
done
sysctl -qw kernel.bpf_stats_enabled="$old"
echo
echo "| wqmon program | ns per run: wqctl show | ns per run: wqctl show -q |"
echo "|---|---:|---:|"
python3 - "$tmp/progs-wqmon.json" "$tmp/progs-wqmon-q.json" <<'EOF'
import json, sys
def ns(path):
    out = {}
    for p in json.load(open(path)):
        n = p.get("name", "")
        # names are cut to 15 characters by the kernel
        if n.startswith(("queue_work_", "activate_work", "execute_start",
                         "execute_end_", "sched_switch_", "softirq_", "irq_")):
            cnt = p.get("run_cnt", 0)
            if cnt:
                out[n] = (p.get("run_time_ns", 0) / cnt, cnt)
    return out
a, b = ns(sys.argv[1]), ns(sys.argv[2])
for n in sorted(set(a) | set(b)):
    f = lambda d: "%.0f" % d[n][0] if n in d else "-"
    print(f"| {n} | {f(a)} | {f(b)} |")
item = ("queue_work_", "activate_work", "execute_start", "execute_end_")
tot = lambda d: sum(v[0] for k, v in d.items() if k.startswith(item))
print(f"| per item (queue+activate+start+end) | {tot(a):.0f} | {tot(b):.0f} |")
EOF
