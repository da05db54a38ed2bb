#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqtop's drill-down lists slow items when it runs the probes itself
# (docs/SLOW.md, --slow): an aio fsync on a FUSE file system whose fsync
# answers after DELAY ms (tests/gen/fuseblock.c) holds a kworker in
# aio_fsync_work that long; wqtop in tmux, as root, in-process.
set -u
. "$(dirname "$0")/tap.bash"
. "$(dirname "$0")/tmux_screen.bash"
need_root
command -v tmux >/dev/null || bail "tmux is missing (scripts/deps.sh installs it)"
T="$B/wqtop"
for f in "$T" "$B/tests/gen/aiogen" "$B/tests/gen/fuseblock"; do
	[ -x "$f" ] || bail "$f is not built (make all test-build)"
done
[ -c /dev/fuse ] || bail "no /dev/fuse: modprobe fuse"
tmp=$(mktemp -d)
mnt="$tmp/mnt"
mkdir "$mnt"
sock="wqtop-slow-$$"
fpid= bgpid=
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null
	mountpoint -q "$mnt" && umount -l "$mnt"
	for p in $bgpid $fpid; do kill $p 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

DELAY=300	# ms: the slow item's run time

"$B/tests/gen/fuseblock" "$mnt" "$tmp/release" 30 $DELAY >"$tmp/fuse.log" 2>&1 &
fpid=$!
wait_for 10 mountpoint -q "$mnt"
ok $? "a FUSE file system whose fsync answers after $DELAY ms is mounted"

# ---- default threshold (100ms): the slow fsync is listed ----
start_shell 100 40 || bail "no shell prompt in tmux"
tm send-keys -t w "$T --source kernel -d 1 -f aio_fsync_work; echo EXITED:\$?" Enter
# Fast items of the same function all along (tmpfs): the row to drill
# into stays on the screen.
"$B/tests/gen/aiogen" -d 120 -r 200 -b 1 >/dev/null &
bgpid=$!
wait_screen 15 'aio_fsync_work'
ok $? "wqtop in-process shows aio_fsync_work"
tm send-keys -t w Home Enter
wait_screen 5 'slow items: none yet \(over 100(\.0)?ms\)'
ok $? "drill-down: no slow item yet, the threshold said"
"$B/tests/gen/aiogen" -n 1 -b 1 -f "$mnt/f" >/dev/null &
gpid=$!
wait $gpid
ok $? "one slow aio fsync ran (pid $gpid)"
wait_screen 10 'slow items \(over 100(\.0)?ms\), newest first:'
ok $? "drill-down: slow items listed"
line=$(screen | grep -E '^ +[0-9:.]+ +lat ' | head -1)
echo "# $line"
run=$(sed -nE 's/.* run ([0-9.]+)(ms|s) .*/\1 \2/p' <<<"$line")
awk -v r="$run" -v d=$DELAY 'BEGIN { split(r, a, " "); v = a[2] == "s" ? a[1] * 1000 : a[1]; exit !(v >= d && v < d + 2000) }'
ok $? "the slow item's run time ($run) is at least $DELAY ms"
# The queuer as slow_items.sh checks it: the task aiogen, a tgid.
grep -qE "by aiogen/[0-9]+ *\$" <<<"$line"
ok $? "the slow item was queued by the task aiogen"
tm send-keys -t w Escape
tm send-keys -t w q
wait_screen 5 'EXITED:0'
ok $? "wqtop quits with 0"

# ---- --slow off: the drill-down says how to turn it on ----
tm send-keys -t w "clear; $T --source kernel -d 1 --slow off -f aio_fsync_work; echo EXITED:\$?" Enter
wait_screen 15 'aio_fsync_work'
tm send-keys -t w Home Enter
wait_screen 5 'slow items: off \(wqtop --slow 100ms\)'
ok $? "--slow off: the drill-down says off and how to turn it on"
tm send-keys -t w Escape
tm send-keys -t w q
wait_screen 5 'EXITED:0'
ok $? "wqtop quits with 0"

# ---- bad input ----
"$T" --slow soon >/dev/null 2>"$tmp/err"
is "$?" 2 "--slow soon is a usage error"
grep -q "bad --slow 'soon': give a duration" "$tmp/err"
ok $? "and says what to give ($(cat "$tmp/err"))"
finish
