#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel-side cost of the probes per work item: the kernel's own run-time
# statistics (kernel.bpf_stats_enabled=1, bpf_prog_info run_time_ns),
# summed over every program a tool attached, divided by the work items the
# aio generator made.  Conditions are interleaved, ROUNDS times; medians.
#
#   tests/bench/kernel_cost.sh OUTPUT_DIR [OTHER_BUILD_DIR]
#
# OTHER_BUILD_DIR (a build of another commit) is measured side by side as
# "wqmon@other": before/after figures from one run (docs/BENCHMARKS.md).
# Only the tool's own programs are counted; other load on the machine
# still adds noise, so each condition runs ROUNDS times, interleaved.
set -u
. "$(dirname "$0")/../integration/bpf_vars.bash"
OUT=${1:-build}
OTHER=${2:-}
ROUNDS=${ROUNDS:-5}
ITEMS=${ITEMS:-200000}
GEN="$OUT/tests/gen/aiogen"
COUNT="$OUT/tests/bench/countonly"
tmp=$(mktemp -d)
tool=

die() { echo "kernel_cost: $*" >&2; exit 1; }
cleanup() {
	[ -n "$tool" ] && kill "$tool" 2>/dev/null && wait "$tool" 2>/dev/null
	[ -n "${old_stats:-}" ] && sysctl -qw kernel.bpf_stats_enabled="$old_stats"
	rm -rf "$tmp"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || die "needs root (BPF)"
for x in "$GEN" "$COUNT" "$OUT/wqctl"; do
	[ -x "$x" ] || die "missing $x: run make test-build"
done
[ -z "$OTHER" ] || [ -x "$OTHER/wqctl" ] || die "missing $OTHER/wqctl"

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1

# Run time of the tracing programs the tool holds (their ids from its fds'
# fdinfo), so another tool's probes on the machine are never counted.  The
# sweep is a syscall program, run by user space, not per item.
tool_progs() {
	grep -hs '^prog_id:' /proc/"$tool"/fdinfo/* | awk '{ print $2 }' | sort -u
}
prog_ns() {
	bpftool prog show -j | python3 -c '
import json, sys
ids = {int(x) for x in sys.argv[1:]}
print(sum(p.get("run_time_ns", 0) for p in json.load(sys.stdin)
          if p["id"] in ids and p.get("type") in ("tracing", "raw_tracepoint")))' $(tool_progs)
}
# Per program: "name run_time_ns", for the per-program table.
prog_each() {
	bpftool prog show -j | python3 -c '
import json, sys
ids = {int(x) for x in sys.argv[1:]}
for p in json.load(sys.stdin):
    if p["id"] in ids and p.get("type") in ("tracing", "raw_tracepoint"):
        print(p.get("name", "?"), p.get("run_time_ns", 0))' $(tool_progs)
}
nprogs() {
	bpftool prog show -j | python3 -c '
import json, sys
ids = {int(x) for x in sys.argv[1:]}
print(sum(1 for p in json.load(sys.stdin)
          if p["id"] in ids and p.get("type") in ("tracing", "raw_tracepoint")))' $(tool_progs)
}

# CONDITION@other runs CONDITION with OTHER_BUILD_DIR's wqctl.
start() {
	local w="$OUT/wqctl" c=$1

	case $c in *@other) w="$OTHER/wqctl" c=${c%@other} ;; esac
	case $c in
	count) "$COUNT" >"$tmp/tool.log" 2>&1 & ;;
	count+clock) "$COUNT" --clock >"$tmp/tool.log" 2>&1 & ;;
	wqmon) "$w" show -i 1 >"$tmp/tool.log" 2>&1 & ;;
	wqmon-nocpu) "$w" show -i 1 --no-cpu >"$tmp/tool.log" 2>&1 & ;;
	wqmon-s16) "$w" show -i 1 --sample 16 >"$tmp/tool.log" 2>&1 & ;;
	wqmon-q) "$w" show -i 1 -q >"$tmp/tool.log" 2>&1 & ;;
	wqmon-s16-q) "$w" show -i 1 --sample 16 -q >"$tmp/tool.log" 2>&1 & ;;
	wqmon-rawtp) "$w" show -i 1 --raw-tp >"$tmp/tool.log" 2>&1 & ;;
	esac
	tool=$!
	for _ in $(seq 100); do
		[ "$(nprogs)" -gt 0 ] && break
		sleep 0.1
	done
	sleep 0.5	# every program attached, not only the first
	[ "$(nprogs)" -gt 0 ] || die "$1 attached no program: $(cat "$tmp/tool.log")"
	# This build's probes time unsampled items by a clock the sweeps
	# calibrate (a second of them): measure once it is in use, as it is
	# in a daemon that has run for two seconds.
	case $1 in
	wqmon*@other) ;;
	wqmon*) wait_coarse >/dev/null || die "$1: the coarse clock was never calibrated" ;;
	esac
}

# wqmon-q: queuers too, as wqmond's defaults (their interrupt probes'
# time is in the total: all the tool's programs, per item).
conds="count count+clock wqmon wqmon-q wqmon-nocpu wqmon-s16 wqmon-s16-q wqmon-rawtp"
[ -n "$OTHER" ] && conds="$conds wqmon@other wqmon-q@other wqmon-s16@other"
for r in $(seq "$ROUNDS"); do
	for c in $(printf '%s\n' $conds | shuf); do
		start "$c"
		before=$(prog_ns)
		prog_each >"$tmp/each.before"
		"$GEN" -n "$ITEMS" -b 32 >/dev/null || die "aiogen failed"
		after=$(prog_ns)
		prog_each >"$tmp/each.after"
		kill "$tool"; wait "$tool" 2>/dev/null; tool=
		echo "$c $(( (after - before) / ITEMS ))" >>"$tmp/ns"
		awk -v c="$c" -v n="$ITEMS" 'NR == FNR { b[$1] = $2; next }
			{ printf "%s %s %.1f\n", c, $1, ($2 - b[$1]) / n }' \
			"$tmp/each.before" "$tmp/each.after" >>"$tmp/each"
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "-"; exit } print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "| condition | kernel ns per item (median of $ROUNDS, all programs) | runs |"
echo "|---|---:|---|"
declare -A NS
for c in $conds; do
	NS[$c]=$(awk -v c="$c" '$1 == c { print $2 }' "$tmp/ns" | median)
	echo "| $c | ${NS[$c]} | $(awk -v c="$c" '$1 == c { printf "%s ", $2 }' "$tmp/ns")|"
done
echo
echo "Per program, kernel ns per work item (median of $ROUNDS):"
echo
awk '{ print $2 }' "$tmp/each" | sort -u >"$tmp/names"
printf '| program |'; for c in $conds; do printf ' %s |' "$c"; done; echo
printf '|---|'; for c in $conds; do printf -- '---:|'; done; echo
while read -r name; do
	printf '| %s |' "$name"
	for c in $conds; do
		v=$(awk -v c="$c" -v p="$name" '$1 == c && $2 == p { print $3 }' "$tmp/each" | median)
		printf ' %s |' "${v:--}"
	done
	echo
done <"$tmp/names"
echo
ratio() { awk -v a="${NS[$1]}" -v b="${NS[$2]}" 'BEGIN { printf "%.2f", a / b }'; }
echo "- wqmon / count-only: $(ratio wqmon count) (target <= 1.5)"
echo "- wqmon --sample 16 / count-only: $(ratio wqmon-s16 count) (target <= 1.2)"
echo "- wqmon --no-cpu / count-only: $(ratio wqmon-nocpu count)"
echo "- wqmon -q (queuers, wqmond's default) / count-only: $(ratio wqmon-q count); / wqmon: $(ratio wqmon-q wqmon)"
echo "- count+clock / count-only: $(ratio count+clock count): one bpf_ktime_get_ns() per event"
echo "- wqmon --sample 16 -q / count-only: $(ratio wqmon-s16-q count)"
echo "- wqmon --raw-tp / wqmon (tp_btf): $(ratio wqmon-rawtp wqmon): raw_tp reads arguments by probe reads"
if [ -n "$OTHER" ]; then
	for c in wqmon wqmon-q wqmon-s16; do
		echo "- $c / $c@other: $(ratio "$c" "$c@other")"
	done
fi
exit 0
