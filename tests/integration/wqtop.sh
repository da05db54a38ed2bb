#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqtop as a user sees it: run in tmux (send-keys, capture-pane) against a
# real kernel workload (aiogen) and a refwq-demo instance; the rows, sort,
# filter, drill-down, resize and quit; batch frames; one run under ASan.
set -u
. "$(dirname "$0")/tap.bash"
. "$(dirname "$0")/tmux_screen.bash"
need_root
private_dev_shm "$0" "$@"
ensure_tracefs
command -v tmux >/dev/null || bail "tmux is missing (scripts/deps.sh installs it)"
T="$B/wqtop"
TA="$B/wqtop-asan"
GEN="$B/tests/gen/aiogen"
DEMO="$B/refwq-demo"
for f in "$T" "$TA" "$GEN" "$DEMO"; do
	[ -x "$f" ] || bail "$f is not built (make all test-build)"
done
# wqtop links no refwq code: it reads refwq instances' shared memory
# through lib/'s reader, so no symbol of librefwq is defined in it.
[ -f "$B/librefwq.a" ] || bail "$B/librefwq.a is not built"
common=$(comm -12 <(nm -g --defined-only "$T" | awk '{ print $3 }' | sort -u) \
	<(nm -g --defined-only "$B/librefwq.a" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u))
ok $([ -z "$common" ]; echo $?) "wqtop links no refwq symbol ($(echo $common | head -c 200))"
tmp=$(mktemp -d)
sock="wqtop-test-$$"
gen_pid=
demo_pid=
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	[ -n "$gen_pid" ] && kill "$gen_pid" 2>/dev/null
	[ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null
	tm kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# Rows of the table: lines 6..23 of the screen.
rows() { screen | sed -n '6,23p'; }

# --- options ---
"$T" --version | grep -qE '^wqtop [0-9]+\.[0-9]+\.[0-9]+$'
ok $? "--version prints the version"
"$T" --help | grep -q 'Examples:'
ok $? "--help has examples"
usage_error() {	# usage_error PATTERN ARGS...: exit 2, one stderr line
	local pat=$1; shift
	"$T" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "$pat" "$tmp/err"
	ok $? "wqtop $* -> exit 2 and one line ($(head -c 100 "$tmp/err"))"
}
usage_error 'bad --delay' -d 0
usage_error 'bad --iterations' -n x
usage_error 'unknown view' --view bogus
usage_error 'unknown sort column' -s bogus
usage_error 'bad --threshold' -T lat=5
usage_error 'unexpected argument' extra
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$T" -b -n 1 --source auto >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'run as root' "$tmp/err" && grep -q 'wqmond' "$tmp/err"
ok $? "unprivileged, no daemon: exit 1, one line saying run as root or start wqmond ($(cat "$tmp/err"))"

# --- a real kernel workload ---
"$GEN" -d 120 -b 16 >/dev/null &
gen_pid=$!
sleep 0.3

"$T" -b -n 2 -d 0.5 --source local >"$tmp/batch" 2>"$tmp/err"
ok $? "-b -n 2 exits 0"
is "$(grep -c '^wqtop ' "$tmp/batch")" 2 "-b -n 2 prints two frames"
awk '$1 == "aio_fsync_work" && $4 + 0 > 1000 { f = 1 } END { exit !f }' "$tmp/batch"
ok $? "batch: aio_fsync_work runs at more than 1000 items/s"
"$T" -b -n 1 -d 0.5 --source local --view pools >"$tmp/pools" 2>&1
grep -qE '^ +POOL +CPU' "$tmp/pools" && awk '$1 ~ /^[0-9]+$/ && $2 ~ /^([0-9]+|u)$/ { n++ } END { exit !(n >= 2) }' "$tmp/pools"
ok $? "batch --view pools lists the kernel's pools"

# The queuers view: the generator is the top queuer, by its pid, in task
# context, with its rate and the kworker CPU its items cost.
"$T" -b -n 2 -d 0.5 --source local --view queuers >"$tmp/queuers" 2>&1
ok $? "batch --view queuers exits 0"
grep -qE '^ *CONTEXT +COMM +TGID +CGROUP +QUEUED/s +WAITAVG +KWCPU%' "$tmp/queuers" &&
	grep -q 'Queuers: who queued the work of the last interval' "$tmp/queuers"
ok $? "batch --view queuers: its columns and what it ranks by"
awk -v pid=$gen_pid '$1 == "task" && $2 == "aiogen" && $3 == pid && $5 + 0 > 1000 && $7 + 0 > 0 { f = 1 }
	END { exit !f }' "$tmp/queuers"
ok $? "batch --view queuers: aiogen ($gen_pid) queues more than 1000 items/s, with kworker CPU ($(grep -m1 ' aiogen ' "$tmp/queuers"))"

start_shell 80 24 || bail "no shell prompt in tmux"
tm send-keys -t w "$T --source local; echo EXITED:\$?" Enter
wait_screen 10 'aio_fsync_work'
ok $? "functions view shows aio_fsync_work"
wait_screen 5 'aio_fsync_work +events +[0-9]+ +[0-9]'
rate=$(rows | awk '$1 == "aio_fsync_work" { print $4; exit }')
awk -v r="$rate" 'BEGIN { exit !(r + 0 > 1000) }'
ok $? "aio_fsync_work items/s is plausible ($rate)"
screen | grep -qE 'Queued.*[0-9]+\.[0-9]/s\]' && screen | grep -q 'F10Quit'
ok $? "header meters and F-key footer are drawn"
first=$(rows | awk 'NF { print $1; exit }')
is "$first" aio_fsync_work "sorted by rate, the busiest function is first"

# Sort by FUNCTION through the F6 chooser: rows become alphabetical.
tm send-keys -t w F6
wait_screen 3 'Sort by'
ok $? "F6 opens the sort chooser"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do tm send-keys -t w Up; done
tm send-keys -t w Enter
wait_screen 3 'FUNCTION[△^]'
ok $? "sort by FUNCTION is marked in the header"
sleep 1.2
rows | awk 'NF && $1 !~ /^-/ { print $1 }' | head -8 >"$tmp/names"
LC_ALL=C sort -cf "$tmp/names" && [ "$(head -1 "$tmp/names")" != aio_fsync_work -o "$(wc -l <"$tmp/names")" -ge 2 ]
ok $? "rows are in name order ($(tr '\n' ' ' <"$tmp/names"))"
tm send-keys -t w r
wait_screen 3 'FUNCTION[▽v]'
ok $? "r reverses the order"
sleep 0.5
rows | awk 'NF { print $1 }' | head -8 >"$tmp/rnames"
LC_ALL=C sort -crf "$tmp/rnames"
ok $? "reversed: rows in reverse name order"
# Back to the rate column with < and >: the header marks the new column.
tm send-keys -t w '>'
wait_screen 3 'WORKQUEUE[△^▽v]'
ok $? "> moves the sort to the next column"
tm send-keys -t w F6
for _ in 1 2; do tm send-keys -t w Down; done
tm send-keys -t w Enter
wait_screen 3 'QUEUED/s[▽v]'
ok $? "the chooser sorts by QUEUED/s again"

# Filter.
tm send-keys -t w /
wait_screen 3 'Filter: _'
ok $? "/ opens the filter line"
tm send-keys -t w -l vmstat
tm send-keys -t w Enter
sleep 1.5
! rows | grep -q aio_fsync_work && screen | grep -q 'filter:vmstat'
ok $? "filter 'vmstat' hides aio_fsync_work"
tm send-keys -t w Escape
wait_screen 3 'aio_fsync_work'
ok $? "Esc clears the filter"

# Drill-down on the busiest row.
tm send-keys -t w Home Enter
wait_screen 3 'Latency histogram'
ok $? "Enter drills down: latency histogram"
screen | grep -q 'Run-time histogram' && screen | grep -qE '█|#'
ok $? "drill-down: run-time histogram with bars"
screen | grep -qE 'Latency +min [0-9.]+[nmu]?s +p50 [0-9.]+[nmu]?s +p99 [0-9.]+[nmu]?s +max'
ok $? "drill-down: min/p50/p99/max"
screen | grep -q 'Queuers since start, by kworker CPU' &&
	screen | grep -qE "^ +task +aiogen +$gen_pid +"
ok $? "drill-down names aiogen ($gen_pid) as the top queuer"
screen | grep -qE 'Rate +[0-9.]+/s [▁▂▃▄▅▆▇█]+'
ok $? "drill-down: rate sparkline"
screen >"$tmp/detail.txt"
tm send-keys -t w Escape

# Views.
tm send-keys -t w 1
wait_screen 3 '^ *POOL.? +CPU'
ok $? "1: pools view"
tm send-keys -t w 4
wait_screen 3 'kworker/'
ok $? "4: kworkers view lists kworker threads"
tm send-keys -t w 5
wait_screen 3 'KIND +POOL'
ok $? "5: stalls view"
tm send-keys -t w 2
wait_screen 3 'events +[0-9]'
ok $? "2: workqueues view shows events"
tm send-keys -t w 7
wait_screen 3 'CONTEXT +COMM +TGID'
ok $? "7: queuers view"
wait_screen 5 "task +aiogen +$gen_pid "
ok $? "7: aiogen is among the queuers"
tm send-keys -t w h
wait_screen 3 'Keys \(any key returns\)'
ok $? "h: help screen"
tm send-keys -t w h
tm send-keys -t w 3 t
wait_screen 3 '(├─|\|-) aio_fsync_work'
ok $? "t: functions grouped under their workqueue"
tm send-keys -t w t

# Pause: the clock stops.
tm send-keys -t w z
wait_screen 3 'PAUSED'
ok $? "z pauses"
tm send-keys -t w ' '
sleep 0.3
! screen | grep -q PAUSED
ok $? "space resumes"
tm send-keys -t w +
wait_screen 3 'delay: 2\.0s'
ok $? "+ doubles the delay"
tm send-keys -t w -
wait_screen 3 'delay: 1\.0s'
ok $? "- halves it back"

# Resize: the screen is redrawn at the new size.
tm resize-window -t w -x 132 -y 40
wait_screen 5 'LAT50'
ok $? "resize to 132x40 redraws with the wide columns"
[ "$(screen | awk 'length($0) > 100' | wc -l)" -gt 5 ]
ok $? "lines use the new width"
screen | sed -n '38,40p' | grep -q 'F10Quit'
ok $? "the footer moved to the new bottom line"
cp /dev/null "$tmp/wide"; screen >"$tmp/wide"
tm resize-window -t w -x 80 -y 24
wait_screen 5 'F10Quit'
ok $? "resize back to 80x24"

# Quit: the prompt comes back, no alternate screen left.
tm send-keys -t w q
wait_screen 5 'EXITED:0'
ok $? "q quits with exit status 0"
wait_screen 3 'PROMPT\$ *$'
ok $? "the shell prompt comes back"
is "$(tm display -p -t w '#{alternate_on}')" 0 "no alternate screen left"
screen | grep -qvE 'F10Quit'
! screen | grep -q F10Quit
ok $? "the dashboard is gone from the terminal"

# --- -n in the terminal, ASCII and no colour ---
tm send-keys -t w "clear; NO_COLOR=1 $T --source local --ascii -n 2 -d 0.5; echo EXITED-N:\$?" Enter
wait_screen 10 'EXITED-N:0'
ok $? "-n 2 exits by itself (NO_COLOR, --ascii)"

# --- TERM=dumb: no curses, text frames ---
TERM=dumb "$T" --source local -n 1 -d 0.5 >"$tmp/dumb" 2>"$tmp/dumberr" </dev/null
# stdout is a file here: wqtop must say so rather than draw
[ $? -eq 1 ] && grep -q 'not a terminal' "$tmp/dumberr"
ok $? "no terminal on stdout without -b: exit 1, says to use -b"
tm send-keys -t w "clear; TERM=dumb $T --source local -n 1 -d 0.5 -w 80 --view pools; echo EXITED-DUMB:\$?" Enter
wait_screen 10 'EXITED-DUMB:0'
ok $? "TERM=dumb: exits 0"
screen | grep -q 'cannot be driven' && screen | grep -q 'View: pools'
ok $? "TERM=dumb falls back to text frames"

# --- ASan: the sanitizer build in the terminal, and batch ---
tm send-keys -t w "clear; ASAN_OPTIONS=log_path=$tmp/asan $TA --source local -n 3 -d 0.5; echo EXITED-ASAN:\$?" Enter
# Wait for the echoed status, a digit after the colon: the typed command
# line itself shows 'EXITED-ASAN:$?' until `clear` runs, and a bare
# 'EXITED-ASAN:' matched it on a loaded machine (a flaky failure in CI).
wait_screen 30 'EXITED-ASAN:[0-9]'
screen | grep -q 'EXITED-ASAN:0' && ! ls "$tmp"/asan* >/dev/null 2>&1
ok $? "wqtop-asan -n 3 in tmux: exit 0, no ASan/UBSan report ($(screen | grep -o 'EXITED-ASAN:[0-9]*'; cat "$tmp"/asan* 2>/dev/null | head -3))"
ASAN_OPTIONS=log_path=$tmp/asanb "$TA" --source local -b -n 3 -d 0.3 -t --view functions >"$tmp/batch-asan.out" 2>&1
[ $? -eq 0 ] && ! ls "$tmp"/asanb* >/dev/null 2>&1
ok $? "wqtop-asan -b -n 3: exit 0, no report"
for v in pools workqueues kworkers stalls queuers; do
	ASAN_OPTIONS=log_path=$tmp/asanv "$TA" --source local -b -n 2 -d 0.3 --view $v >/dev/null 2>&1 || echo "$v failed" >>"$tmp/asanv.fail"
done
! ls "$tmp"/asanv* >/dev/null 2>&1
ok $? "wqtop-asan -b every view: no report ($(cat "$tmp"/asanv* 2>/dev/null | head -5))"
kill $gen_pid; wait $gen_pid 2>/dev/null; gen_pid=

# --- the refwq demo, without root ---
name="wqtop$$"
"$DEMO" -t 60 -n "$name" -q &
demo_pid=$!
sleep 1.5
tm send-keys -t w "clear; setpriv --reuid=65534 --regid=65534 --clear-groups $T --source refwq:$name; echo EXITED-REFWQ:\$?" Enter
wait_screen 10 'demo_fast'
ok $? "refwq source: demo_fast appears, as an unprivileged user"
wait_screen 5 'demo_fast +[^ ]+ +[^ ]+ +[0-9]+'

rate=$(rows | awk '$1 == "demo_fast" { r += $4 } END { print r + 0 }')
near "${rate:-0}" 2000 40 0 "demo_fast items/s (all its pools) near the demo's 2000/s"
rows | grep -q "^demo_slow .*$name:"
ok $? "demo_slow is listed, labelled with its instance"
tm send-keys -t w 1
wait_screen 3 "^ *$name:0 "
ok $? "pools view shows the instance's pools"
tm send-keys -t w 3 Home Enter
wait_screen 3 'Latency histogram'
ok $? "drill-down on a refwq function"
tm send-keys -t w Escape q
wait_screen 5 'EXITED-REFWQ:0'
ok $? "q quits"
kill $demo_pid; wait $demo_pid 2>/dev/null; demo_pid=

# --- sampled mode: a saved view whose durations are 1 item in 16 ---
# The basic fixture with the header's field 8, as a sampled collector
# writes it; the label must show, and must not for the basic one.
fx=$(cd "$(dirname "$0")/../unit/fixtures" && pwd)/text_basic.txt
sed '1s/$/ sample_every=16/' "$fx" >"$tmp/s16.txt"
"$T" -b -n 1 --source "file:$tmp/s16.txt" >"$tmp/s16.out" 2>&1
head -1 "$tmp/s16.out" | grep -qE '^wqtop .*  sampled: durations of 1 in 16 items \(scaled\)$'
ok $? "batch, sampled view: the first line ends with the label ($(head -1 "$tmp/s16.out"))"
# The label's words, not "sampl": a path (a worktree's) may hold that.
label='sampled(: durations| 1 in)'
"$T" -b -n 1 --source "file:$fx" >"$tmp/basic.out" 2>&1
[ $? -eq 0 ] && grep -q vmstat_update "$tmp/basic.out" && ! grep -qE "$label" "$tmp/basic.out"
ok $? "batch, basic view: no sampling label ($(head -1 "$tmp/basic.out"))"
tm send-keys -t w "clear; $T --source file:$tmp/s16.txt; echo EXITED-S16:\$?" Enter
# 80 columns: the long label does not fit beside the path, the brief does.
wait_screen 10 '^wqtop .*sampled 1 in 16 +[0-9]{2}:[0-9]{2}:[0-9]{2}$'
ok $? "80 columns: the title line says 'sampled 1 in 16'"
tm send-keys -t w Home Enter
wait_screen 3 'Latency +min .* max \(of samples\) +[0-9.]+[nmu]?s'
ok $? "drill-down: the latency maximum is marked (of samples)"
screen | grep -q 'Durations sampled: 1 item in 16, scaled by 16' &&
	screen | grep -qE 'Run time +min .* max \(of samples\)'
ok $? "drill-down: says the durations are samples scaled by 16"
tm send-keys -t w Escape
tm resize-window -t w -x 140 -y 24
wait_screen 5 '^wqtop .*  sampled: durations of 1 in 16 items \(scaled\) +[0-9:]+$'
ok $? "140 columns: the title line has the long label"
# Back to 80 columns while wqtop runs, and wait for it: a program started
# as tmux resizes may read the old size.
tm resize-window -t w -x 80 -y 24
wait_screen 5 '^wqtop .*sampled 1 in 16 +[0-9:]+$'
ok $? "back to 80 columns: the brief label again"
tm send-keys -t w q
wait_screen 5 'EXITED-S16:0'
ok $? "q quits the sampled view"
tm send-keys -t w "clear; $T --source file:$fx; echo EXITED-BASIC:\$?" Enter
# The title and the rows are one frame: once both show, so would a label.
# The title cuts the fixture's path where the clock begins, at a column
# that depends on where the clone lives: match only the path's start.
wait_screen 10 '^wqtop .*source: file:/' &&
	wait_screen 10 '^vmstat_update +events'
ok $? "basic view: its title and rows are drawn"
! screen | grep -qE "$label"
ok $? "basic view: no sampling label on the screen ($(screen | head -1))"
tm send-keys -t w Home Enter
wait_screen 3 'Latency histogram'
ok $? "basic view: drill-down"
! screen | grep -qE 'of samples|Durations sampled'
ok $? "basic view: the drill-down marks nothing as sampled"
tm send-keys -t w Escape q
wait_screen 5 'EXITED-BASIC:0'
ok $? "q quits the basic view"
finish
