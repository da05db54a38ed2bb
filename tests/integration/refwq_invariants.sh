#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqmond -v checks lib/core/invariants.h on every snapshot of every source:
# here a refwq-demo instance (fast and slow items, CPU hogs, periodic
# delayed work, a blocked CPU), whose numbers come from the shared model
# and not the probes.  Over many of its intervals no violation is logged.
# In a private mount namespace with its own /dev/shm: no other refwq
# instance on this machine is a source.
set -u
. "$(dirname "$0")/tap.bash"
need_root
private_dev_shm "$0" "$@"

tmp=$(mktemp -d)
sock="$tmp/wqmond.sock"
pids=()
trap scratch_cleanup EXIT
get() { curl -sf --max-time 5 --unix-socket "$sock" "http://wqmond$1"; }

"$B/refwq-demo" -t 0 -q -n inv --block-every=2000 --block-ms=300 \
	>"$tmp/demo.log" 2>&1 &
pids+=($!)
printf '[daemon]\ninterval = 0.5\n[kernel]\nenabled = no\n' >"$tmp/run.conf"
"$B/wqmond" -v -c "$tmp/run.conf" -l none -s "$sock" >"$tmp/log" 2>&1 &
dpid=$!
pids+=($dpid)
# The source's cumulative started count, from its last snapshot.
started() {
	get /api/v1/snapshot 2>/dev/null | python3 -c '
import json, sys
for d in json.load(sys.stdin)["snapshots"]:
    if d.get("source") == "refwq:inv":
        print(sum(s["started"] for s in d["series"]))
        sys.exit(0)
sys.exit(1)'
}
wait_for 20 started >/dev/null
ok $? "wqmond -v watches the refwq instance refwq:inv ($(tail -2 "$tmp/log" | tr '\n' ' '))"
first=$(started)
# Several of the segment's one-second updates, each a new view checked.
grew() { local n; n=$(started) && [ "$n" -gt $((first + 20000)) ]; }
wait_for 60 grew
ok $? "its numbers moved over many intervals (started $first -> $(started))"
kill "$dpid"
wait "$dpid" 2>/dev/null
! grep 'invariant:' "$tmp/log"
ok $? "no invariant violation logged for the refwq source ($(grep -c 'invariant:' "$tmp/log") lines)"
finish
