#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqmon's probes on the real kernel: the counts for a known workload must
# equal the generator's arithmetic and perf's independent tracepoint counts,
# and latency and run time must agree with perf kwork on the same items.
set -u
. "$(dirname "$0")/tap.bash"
need_root
ensure_tracefs

N=200000
GEN="$B/tests/gen/aiogen"
PC="$B/tests/itest/probe_counts"
FUNC=aio_fsync_work
ADDR=$(ksym $FUNC)
[ -n "$ADDR" ] || bail "$FUNC not in /proc/kallsyms"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. tp_btf: wqmon vs the generator, and perf stat over the same run.
filter="function == $ADDR"
perf stat -a -x, -o "$tmp/perf.csv" \
	-e workqueue:workqueue_queue_work --filter "$filter" \
	-e workqueue:workqueue_activate_work \
	-e workqueue:workqueue_execute_start --filter "$filter" \
	-e workqueue:workqueue_execute_end --filter "$filter" \
	-- "$PC" $FUNC $N -- "$GEN" -n $N -b 32 >"$tmp/pc.out" 2>"$tmp/pc.err"
ok $? "probe_counts under perf stat exited 0"
grep -E '^(not )?ok' "$tmp/pc.out" | sed 's/^/# tp_btf: /'
grep -c '^not ok' "$tmp/pc.out" >/dev/null
is "$(grep -c '^not ok' "$tmp/pc.out")" 0 "tp_btf: every probe_counts check passed"
q=$(awk -F, '/workqueue_queue_work/ { print $1 }' "$tmp/perf.csv")
s=$(awk -F, '/workqueue_execute_start/ { print $1 }' "$tmp/perf.csv")
e=$(awk -F, '/workqueue_execute_end/ { print $1 }' "$tmp/perf.csv")
is "$q" $N "perf counts $N queue_work events of $FUNC"
is "$s" $N "perf counts $N execute_start events of $FUNC"
is "$e" $N "perf counts $N execute_end events of $FUNC"

# 2. raw_tp fallback, forced: same exact counts.
"$PC" --raw-tp $FUNC 50000 -- "$GEN" -n 50000 -b 8 >"$tmp/raw.out" 2>&1
ok $? "raw_tp: probe_counts exited 0"
grep -q 'probes attached (raw_tp)' "$tmp/raw.out"
ok $? "raw_tp: the fallback programs were the ones attached"
is "$(grep -c '^not ok' "$tmp/raw.out")" 0 "raw_tp: every probe_counts check passed"

# 2b. Sampled mode: counts stay exact, and 1 item in 16 (chosen by a hash
#     of its work pointer and queue time) is in the histograms, scaled.
"$PC" --sample 16 $FUNC $N -- "$GEN" -n $N -b 32 >"$tmp/s16.out" 2>&1
ok $? "sampled: probe_counts --sample 16 exited 0"
grep -E '^(not )?ok' "$tmp/s16.out" | sed 's/^/# sampled: /'
is "$(grep -c '^not ok' "$tmp/s16.out")" 0 "sampled: every probe_counts check passed"
"$B/wqctl" show --sample 16 -i 0.5 -n 1 >"$tmp/s16.txt" 2>&1
head -1 "$tmp/s16.txt" | grep -q ' sample_every=16$'
ok $? "sampled: wqctl show's header says sample_every=16 ($(head -1 "$tmp/s16.txt" | cut -c1-60)...)"

# 3. perf kwork records the same items wqmon measures: mean run time and
#    mean activate->start delay must agree.  Both tools' handlers run on the
#    same events, so each sees the other's overhead in part: 30% + 2 us.
K=20000
perf kwork -k workqueue record -o "$tmp/kwork.data" -- \
	"$PC" $FUNC $K -- "$GEN" -n $K -b 4 >"$tmp/kw.out" 2>"$tmp/kw.err"
ok $? "probe_counts under perf kwork record exited 0"
is "$(grep -c '^not ok' "$tmp/kw.out")" 0 "under perf kwork: every probe_counts check passed"
grep '^not ok' "$tmp/kw.out" | head -5 | sed 's/^/# /'
perf kwork -k workqueue report -i "$tmp/kwork.data" >"$tmp/rep.txt" 2>/dev/null
perf kwork -k workqueue latency -i "$tmp/kwork.data" >"$tmp/lat.txt" 2>/dev/null
# Rows are per work struct: weight by count.  Columns: name|cpu|total|count|...
perf_run=$(awk -F'|' -v f="(w)$FUNC" '{ n=$1; gsub(/ /,"",n) }
	n == f { t=$3; gsub(/[ a-z]/,"",t); c=$4+0; tot += t * 1e6; cnt += c }
	END { if (cnt) printf "%d", tot / cnt }' "$tmp/rep.txt")
perf_lat=$(awk -F'|' -v f="(w)$FUNC" '{ n=$1; gsub(/ /,"",n) }
	n == f { t=$3; gsub(/[ a-z]/,"",t); c=$4+0; tot += t * 1e6 * c; cnt += c }
	END { if (cnt) printf "%d", tot / cnt }' "$tmp/lat.txt")
our_run=$(sed -n 's/^# mean_run_ns=//p' "$tmp/kw.out")
our_a2s=$(sed -n 's/^# mean_a2s_ns=//p' "$tmp/kw.out")
[ -n "$perf_run" ] && [ -n "$our_run" ]
ok $? "both tools measured run time (perf kwork ${perf_run:-none} ns, wqmon ${our_run:-none} ns)"
[ -n "$perf_run" ] && [ -n "$our_run" ] &&
	near "$our_run" "$perf_run" 30 2000 "mean run time agrees with perf kwork"
[ -n "$perf_lat" ] && [ -n "$our_a2s" ]
ok $? "both tools measured delay (perf kwork ${perf_lat:-none} ns, wqmon ${our_a2s:-none} ns)"
[ -n "$perf_lat" ] && [ -n "$our_a2s" ] &&
	near "$our_a2s" "$perf_lat" 30 2000 "mean activate->start delay agrees with perf kwork"
finish
