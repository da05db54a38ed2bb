#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What the stuck worker is doing.  A real kworker held in a real kernel work
# item: an aio fsync (aio_fsync_work) of a file on a FUSE file system whose
# fsync does not answer until this test says so (tests/gen/fuseblock.c).
# wqmond raises a running stall for it, and the stall's evidence holds the
# worker's kernel stack, naming the FUSE client it waits in, in
# /api/v1/stalls, the log line and an exec hook's WQMON_STACK; the stack is
# kept when the stall resolves.  The stall is bounded: fuseblock answers
# after 30 s whatever happens.
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
mnt="$tmp/mnt"
mkdir "$mnt"
dpid= fpid= gpid=
cleanup() {
	touch "$tmp/release"
	[ -n "$gpid" ] && wait $gpid 2>/dev/null
	mountpoint -q "$mnt" && umount "$mnt"
	for p in $dpid $fpid; do kill $p 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -x "$B/tests/gen/fuseblock" ] || bail "no $B/tests/gen/fuseblock (make test-build; libfuse3-dev)"
[ -c /dev/fuse ] || bail "no /dev/fuse: modprobe fuse"

cat >"$tmp/hook.sh" <<HOOK
#!/bin/sh
env | grep '^WQMON_' >>"$tmp/hook.\$WQMON_STALL_ID.\$WQMON_STALL_STATE"
HOOK
chmod +x "$tmp/hook.sh"
start_wqmond "$tmp/log" -s none -i 0.25 -o refwq.enabled=no \
	-o stalls.running=1s -o "alerts.exec=$tmp/hook.sh"
dpid=$DPID

"$B/tests/gen/fuseblock" "$mnt" "$tmp/release" 30 >"$tmp/fuse.log" 2>&1 &
fpid=$!
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
mountpoint -q "$mnt"
ok $? "the blocking FUSE file system is mounted ($(tail -1 "$tmp/fuse.log"))"

# One aio fsync of its file: a kworker runs aio_fsync_work and waits.
"$B/tests/gen/aiogen" -n 1 -b 1 -f "$mnt/f" >"$tmp/gen.log" 2>&1 &
gpid=$!

stalls() { curl -sf "$U/api/v1/stalls"; }
pick='import json, sys
d = json.load(sys.stdin)
for s in d[sys.argv[1]]:
    if s["kind"] == "running" and s["function"] == "aio_fsync_work":
        print(json.dumps(s)); break'
# wait_stall LIST FILE: the stall, once in /api/v1/stalls' LIST (20 s).
wait_stall() {
	: >"$2"
	for _ in $(seq 100); do
		stalls | python3 -c "$pick" "$1" >"$2"
		[ -s "$2" ] && return 0
		sleep 0.2
	done
	return 1
}
wait_stall active "$tmp/firing.json"
ok $? "a running stall of aio_fsync_work fires"
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
stack=$(field "$tmp/firing.json" stack 2>/dev/null)
tid=$(field "$tmp/firing.json" worker_tid 2>/dev/null)
echo "# worker tid ${tid:-?}: ${stack:-no stack}"
case $stack in
"tid $tid: "*) ok 0 "the stack names the stalled worker (tid $tid)" ;;
*) ok 1 "the stack names the stalled worker (tid ${tid:-?})" ;;
esac
echo "$stack" | grep -q 'fuse_fsync'
ok $? "the stack shows the worker waiting in the FUSE client (fuse_fsync)"
echo "$stack" | grep -q 'aio_fsync_work < process_one_work < worker_thread'
ok $? "the stack goes down through the work item to the kworker's loop"
grep 'stall started' "$tmp/log" | grep -q 'stack tid [0-9]*: .*fuse_fsync'
ok $? "the log line carries the stack"
hook=$(ls "$tmp"/hook.*.firing 2>/dev/null | head -1)
[ -n "$hook" ] && grep -q '^WQMON_STACK=tid [0-9]*: .*fuse_fsync' "$hook"
ok $? "the exec hook gets WQMON_STACK"

# Released: the item ends, the stall resolves and keeps its stack.
touch "$tmp/release"
wait $gpid
ok $? "the aio fsync completes once released ($(cat "$tmp/gen.log"))"
gpid=
wait_stall recent "$tmp/resolved.json"
ok $? "the stall resolves"
is "$(field "$tmp/resolved.json" stack 2>/dev/null)" "$stack" "the resolved stall keeps the stack captured at its start"
finish
