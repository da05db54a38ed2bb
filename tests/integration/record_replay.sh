#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Recordings: wqctl record keeps the kernel's snapshots under a real load;
# wqctl show --replay and wqtop --replay play them back; recording a
# replay gives the same file, byte for byte; the intervals replayed add up
# to what the recording's first and last views say; a truncated, corrupt
# or foreign file gives one line naming the view, after the views that
# could be read.
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
trap 'wait 2>/dev/null; rm -rf "$tmp"' EXIT
R="$tmp/r.gz"

"$B/tests/gen/aiogen" -d 3 -b 8 -r 20000 >/dev/null &
gen=$!
"$B/wqctl" record -o "$R" -d 2 -i 0.25 2>"$tmp/rec.log"
ok $? "wqctl record exits 0 ($(tail -1 "$tmp/rec.log"))"
wait $gen
n=$(zcat "$R" | grep -c '^wqmon-workqueues v2 source=kernel ')
[ "$n" -ge 6 ]
ok $? "the recording holds a view per interval ($n views in 2 s at 0.25 s)"
is "$(zcat "$R" | head -1)" "wqmon-recording v1" "it starts with its format line"
grep -q "recorded $n views into $R" "$tmp/rec.log"
ok $? "record says how many views it kept"

# Replayed and recorded again: the same bytes.
"$B/wqctl" record --source "replay:$R" -o "$tmp/r2.gz" 2>"$tmp/rec2.log"
ok $? "recording the replay exits 0"
zcat "$R" >"$tmp/r.txt"
zcat "$tmp/r2.gz" >"$tmp/r2.txt"
cmp -s "$tmp/r.txt" "$tmp/r2.txt"
ok $? "record -> replay -> record: byte for byte the same ($(wc -c <"$tmp/r.txt") bytes)"

# The intervals add up to the difference of the first and last views.
"$B/wqctl" show --replay "$R" -j >"$tmp/iv.jsonl"
ok $? "show --replay exits 0 at the end of the recording"
is "$(wc -l <"$tmp/iv.jsonl")" $((n - 1)) "show --replay gives $((n - 1)) intervals for $n views"
"$B/wqctl" show --replay "$R" -c -j >"$tmp/cum.jsonl"
python3 - "$tmp/iv.jsonl" "$tmp/cum.jsonl" >"$tmp/sum" <<'PY'
import json, sys
def aio(d):
    return sum(s["completed"] for s in d["series"] if s["function"] == "aio_fsync_work")
iv = [json.loads(l) for l in open(sys.argv[1])]
cum = [json.loads(l) for l in open(sys.argv[2])]
print(sum(aio(d) for d in iv), aio(cum[-1]) - aio(cum[0]), len(cum))
PY
read -r got want ncum <"$tmp/sum"
is "$ncum" "$n" "show --replay -c gives every view as recorded"
[ "$want" -gt 20000 ] && [ "$got" -eq "$want" ]
ok $? "replayed intervals add up: $got aio items = last - first view ($want)"

# wqtop plays it back, frame after frame, and ends with it.
timeout 30 "$B/wqtop" --replay "$R" -b -d 0.1 -w 140 --view functions >"$tmp/top" 2>&1
ok $? "wqtop --replay -b exits 0 at the end"
is "$(grep -c '^wqtop .*source: replay:' "$tmp/top")" $((n - 1)) "wqtop shows one frame per recorded interval"
grep -q '^aio_fsync_work ' "$tmp/top"
ok $? "its frames show the recorded work"

# Interactive: with a delay of an hour nothing moves by itself; n steps one
# interval, and the one after the last says the recording has ended.
command -v tmux >/dev/null || bail "tmux not installed (scripts/deps.sh)"
sock="wqmon-replay-$$"
tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -p -t w; }
wait_screen() {	# wait_screen ERE: 10 s at most
	for _ in $(seq 50); do
		screen | grep -qE "$1" && return 0
		sleep 0.2
	done
	screen | sed 's/^/# | /'
	return 1
}
tm -f /dev/null new-session -d -s w -x 120 -y 30 \
	"env TERM=tmux-256color LANG=C.UTF-8 $B/wqtop --replay $R -d 3600 --view functions; echo EXITED:\$?; sleep 60"
wait_screen 'replay:'
ok $? "wqtop --replay starts in tmux"
for _ in $(seq $((n - 1))); do tm send-keys -t w n; done
wait_screen 'aio_fsync_work'
ok $? "n steps through the recorded intervals"
tm send-keys -t w n
wait_screen "end of the recording \\($n views\\)"
ok $? "$n steps in all: the end of the recording ($n views)"
tm send-keys -t w q
wait_screen 'EXITED:0'
ok $? "q quits with status 0"
tm kill-server 2>/dev/null

# Damaged files: what could be read, then one line; exit 1.  Bytes
# overwritten inside the deflate stream are found by zlib, or decode to
# text the parser refuses (gzip's CRC is only checked at the end).
bytes=$(stat -c %s "$R")
head -c $((bytes * 2 / 3)) "$R" >"$tmp/cut.gz"
"$B/wqctl" show --replay "$tmp/cut.gz" -c >"$tmp/cut.out" 2>"$tmp/cut.err"
rc=$?
good=$(grep -c '^wqmon-workqueues' "$tmp/cut.out")
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/cut.err")" -eq 1 ] &&
	grep -q "cut.gz: view $((good + 1)) (line [0-9]*): the file ends inside it (truncated); $good views read" "$tmp/cut.err"
ok $? "a truncated recording: $good views shown, then: $(cat "$tmp/cut.err")"
[ "$good" -ge 1 ] && [ "$good" -lt "$n" ]
ok $? "the views before the cut are shown ($good of $n)"
cp "$R" "$tmp/bad.gz"
printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' | dd of="$tmp/bad.gz" bs=1 seek=$((bytes / 2)) conv=notrunc status=none
"$B/wqctl" show --replay "$tmp/bad.gz" -c >/dev/null 2>"$tmp/bad.err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] &&
	grep -qE 'bad.gz: (the compressed data is corrupt|view [0-9]+ \((from )?line [0-9]+\): .*; [0-9]+ views read)' "$tmp/bad.err"
ok $? "a corrupt recording: exit 1, one line: $(cat "$tmp/bad.err")"
printf 'hello\n' | gzip >"$tmp/foreign.gz"
"$B/wqctl" show --replay "$tmp/foreign.gz" 2>"$tmp/f.err"
[ $? -eq 1 ] && grep -q 'not a wqmon-recording v1 file' "$tmp/f.err"
ok $? "a foreign file: $(cat "$tmp/f.err")"
"$B/wqctl" record -d 0 -o "$tmp/x.gz" 2>"$tmp/u.err"
is $? 2 "record -d 0 is a usage error: $(cat "$tmp/u.err")"
finish
