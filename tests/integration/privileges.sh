#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqmond gives up its privileges once the probes are loaded: started as root
# with daemon.user, and started the way the systemd unit starts it (an
# unprivileged uid with ambient CAP_BPF, CAP_PERFMON and CAP_SYSLOG), it ends with CAP_BPF alone, no_new_privs, and the probes
# still count a known workload exactly.
set -u
. "$(dirname "$0")/tap.bash"
need_root
private_dev_shm "$0" "$@"
D="$B/wqmond"
GEN="$B/tests/gen/aiogen"
N=20000
tmp=$(mktemp -d)
chmod 0777 "$tmp"
dpid=
cleanup() { [ -n "$dpid" ] && kill "$dpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
CAP_BPF_MASK=0000008000000000	# 1 << 39

# aio_done URL: aio_fsync_work completions the daemon holds.
aio_done() {
	curl -sf "$1/api/v1/snapshot" | python3 -c '
import json, sys
d = json.load(sys.stdin)
k = [s for s in d["snapshots"] if s["source"] == "kernel"][0]
print(sum(r["completed"] for r in k["series"] if r["function"] == "aio_fsync_work"))'
}

# start_daemon LOG CMD...: start, wait for the drop; URL in $U.
start_daemon() {
	local log=$1
	shift
	"$@" -l 127.0.0.1:0 -s none -i 0.25 >"$log" 2>&1 &
	dpid=$!
	port=$(bound_port "$log" $dpid) || bail "wqmond did not start: $(tail -3 "$log")"
	U="http://127.0.0.1:$port"
	wait_http "$U/healthz" 20 || bail "wqmond did not start: $(tail -3 "$log")"
	for _ in $(seq 40); do
		grep -q 'privileges dropped' "$log" && return 0
		sleep 0.25
	done
	return 1
}

# check_dropped LOG UID BOUNDING WHAT: the credentials /proc shows, then
# exact counts.  The bounding set shrinks only where the daemon may shrink
# it (CAP_SETPCAP); under systemd, CapabilityBoundingSet= has done it.
check_dropped() {
	local log=$1 uid=$2 bnd=$3 what=$4 st="/proc/$dpid/status" before after
	grep -q "privileges dropped: uid $uid, capabilities cap_bpf=ep" "$log"
	ok $? "$what: the log says so ($(grep -m1 'privileges' "$log"))"
	awk -v u="$uid" '/^Uid:/ { exit !($2 == u && $3 == u && $4 == u && $5 == u) }' "$st"
	ok $? "$what: real, effective, saved and fs uid are $uid ($(grep '^Uid' "$st"))"
	for set in CapPrm CapEff; do
		is "$(awk -v k="$set:" '$1 == k { print $2 }' "$st")" $CAP_BPF_MASK \
			"$what: $set holds CAP_BPF alone"
	done
	is "$(awk '$1 == "CapBnd:" { print $2 }' "$st")" "$bnd" "$what: the bounding set"
	for set in CapInh CapAmb; do
		is "$(awk -v k="$set:" '$1 == k { print $2 }' "$st")" 0000000000000000 \
			"$what: $set is empty"
	done
	is "$(awk '$1 == "NoNewPrivs:" { print $2 }' "$st")" 1 "$what: no_new_privs is set"
	before=$(aio_done "$U")
	"$GEN" -n $N >/dev/null
	sleep 1
	after=$(aio_done "$U")
	is "$((after - before))" $N "$what: the probes still count $N aio items exactly"
	! grep -E -q 'warning|error|fail' "$log"
	ok $? "$what: nothing went wrong after the drop ($(grep -E -m1 'warning|error|fail' "$log"))"
	kill "$dpid"
	wait "$dpid"
	ok $? "$what: a clean stop on SIGTERM"
	dpid=
}

# --- root, told to run as nobody ---
start_daemon "$tmp/root.log" "$D" -o daemon.user=nobody
ok $? "root + daemon.user=nobody: privileges dropped ($(tail -1 "$tmp/root.log"))"
check_dropped "$tmp/root.log" 65534 $CAP_BPF_MASK "root -> nobody"

# --- root, no user: uid 0 stays, every capability but CAP_BPF goes ---
start_daemon "$tmp/root0.log" "$D"
ok $? "root without daemon.user: privileges dropped"
check_dropped "$tmp/root0.log" 0 $CAP_BPF_MASK "root, uid kept"

# --- as the unit starts it: an unprivileged uid with ambient caps ---
# The capabilities the unit gives (packaging/systemd/wqmond.service.in),
# as setpriv spells them: "+bpf,+perfmon,+syslog".
caps=$(sed -n 's/^AmbientCapabilities=//p' "$(dirname "$0")/../../packaging/systemd/wqmond.service.in" |
	tr 'A-Z ' 'a-z,' | sed 's/cap_/+/g')
[ -n "$caps" ] || bail "no AmbientCapabilities= in packaging/systemd/wqmond.service.in"
start_daemon "$tmp/unit.log" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=$caps --ambient-caps=$caps --bounding-set=-all,$caps "$D"
ok $? "uid nobody with the unit's ambient capabilities loads the probes ($(grep -m1 'source kernel' "$tmp/unit.log"))"
check_dropped "$tmp/unit.log" 65534 000000c400000000 "unit-style start"

# --- without the capabilities the probes need: say so, keep serving ---
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$D" -l 127.0.0.1:0 -s none -i 0.25 >"$tmp/none.log" 2>&1 &
dpid=$!
port=$(bound_port "$tmp/none.log" $dpid) || bail "wqmond did not start: $(tail -3 "$tmp/none.log")"
for _ in $(seq 40); do
	code=$(curl -s -o "$tmp/health" -w '%{http_code}' "http://127.0.0.1:$port/healthz")
	[ "$code" = 503 ] && break
	sleep 0.25
done
is "$code" 503 "without capabilities the daemon serves, /healthz says no source is up ($(cat "$tmp/health"))"
! grep -q 'privileges dropped' "$tmp/none.log"
ok $? "and keeps what it has, for the kernel source's retries"
grep -q 'source kernel' "$tmp/none.log" && ! grep -q 'source kernel: up' "$tmp/none.log"
ok $? "the kernel source failure is reported: $(grep -m1 'source kernel' "$tmp/none.log")"
kill "$dpid"; wait "$dpid"; dpid=

# --- configuration ---
"$D" --check-config -o daemon.user=no-such-user-wqmon 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "no such user" "$tmp/err"
ok $? "an unknown daemon.user fails --check-config in one line: $(cat "$tmp/err")"
finish
