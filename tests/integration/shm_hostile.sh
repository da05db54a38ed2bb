#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A hostile local user against the root daemon through /dev/shm: a segment
# rewritten and truncated under the reader, a huge one, a FIFO, a symlink,
# squatting every source slot, spoofing another instance.  The user is
# nobody (setpriv); all of it happens in a private mount namespace with its
# own /dev/shm, so the machine's real one is never touched.
set -u
. "$(dirname "$0")/tap.bash"
need_root
private_dev_shm "$0" "$@"
command -v setpriv >/dev/null || bail "setpriv (util-linux) is missing"

D="$B/wqmond"
tmp=$(mktemp -d)
chmod 755 "$tmp"
mkdir -m 1777 "$tmp/nobody"
sock="$tmp/wqmond.sock"
pids=()
trap scratch_cleanup EXIT
get() { curl -sf --max-time 5 --unix-socket "$sock" "http://wqmond$1"; }
refused() {	# refused REASON: the counter's value
	get /metrics | awk -v r="reason=\"$1\"" \
		'index($0, "wqmon_refwq_segments_refused_total{" r "}") == 1 { print $2 }'
}
source_up() { get /api/v1/sources | grep -q "\"name\":\"$1\",\"kind\":\"refwq\",\"state\":\"up\""; }
alive() { kill -0 "$dpid" 2>/dev/null; }

# The real instance, as root, and the daemon watching refwq only.
"$B/refwq-demo" -t 0 -q -n good >"$tmp/demo.log" 2>&1 &
pids+=($!)
good_pid=$!
printf '[daemon]\ninterval = 0.2\n[kernel]\nenabled = no\n' >"$tmp/run.conf"
"$D" -c "$tmp/run.conf" -l none -s "$sock" >"$tmp/log" 2>&1 &
dpid=$!
pids+=($dpid)
wait_for 15 source_up refwq:good
ok $? "the real instance is the source refwq:good"
seg=/dev/shm/refwq.$good_pid.good
[ -f "$seg" ] || bail "no segment $seg"

# Segment forger: python3 FORGE OUT PID NAME [field=value ...] writes a
# copy of the real segment with header fields replaced.
cat >"$tmp/forge.py" <<'PY'
import os, struct, sys
# struct refwq_shm_header (lib/io/refwq_reader.h): offsets of the fields.
F = {"version": (8, "I"), "header_size": (12, "I"), "pool_size": (16, "I"),
     "series_size": (20, "I"), "max_pools": (24, "I"), "max_series": (28, "I"),
     "seq": (32, "Q"), "pid": (40, "i"), "nr_pools": (104, "I"),
     "nr_series": (108, "I")}
def forge(tmpl, out, pid, name, **kw):
    b = bytearray(open(tmpl, "rb").read())
    struct.pack_into("i", b, 40, pid)
    b[48:80] = name.encode()[:31].ljust(32, b"\0")
    size = kw.pop("size", None)
    for k, v in kw.items():
        off, fmt = F[k]
        struct.pack_into(fmt, b, off, v)
    fd = os.open(out, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
    os.write(fd, b)
    if size is not None:
        os.ftruncate(fd, size)
    os.close(fd)
if __name__ == "__main__":
    t, out, pid, name = sys.argv[1:5]
    kw = {k: int(v) for k, v in (a.split("=") for a in sys.argv[5:])}
    forge(t, out, int(pid), name, **kw)
PY
cp "$seg" "$tmp/template"
chmod 644 "$tmp/template"

# --- crash: the header and the size change under the reader ---
cat >"$tmp/mutate.py" <<'PY'
import os, random, struct, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from forge import forge, F
tmpl, secs = sys.argv[1], float(sys.argv[2])
pid = os.getpid()
out = "/dev/shm/refwq.%d.mut" % pid
forge(tmpl, out, pid, "mut")
good = open(tmpl, "rb").read()
fd = os.open(out, os.O_RDWR)
end = time.time() + secs
rounds = 0
while time.time() < end:
    rounds += 1
    r = random.random()
    if r < 0.4:		# a size or count field to anything
        k = random.choice(list(F))
        off, fmt = F[k]
        n = struct.calcsize(fmt)
        os.pwrite(fd, os.urandom(n) if random.random() < 0.5 else
                  struct.pack(fmt, random.choice([0, 1, 152, 4096, 2**31 - 1])
                              if fmt != "i" else pid), off)
    elif r < 0.7:		# truncated, then grown back
        os.ftruncate(fd, random.randrange(0, len(good)))
        os.ftruncate(fd, len(good))
    elif r < 0.8:
        os.ftruncate(fd, 0)
    else:			# valid again
        os.pwrite(fd, good[:152], 0)
        struct.pack_into("i", bytearray(8), 0, pid)
        os.pwrite(fd, struct.pack("i", pid), 40)
        os.pwrite(fd, b"mut".ljust(32, b"\0"), 48)
        os.ftruncate(fd, len(good))
print(rounds)
PY
as_nobody python3 "$tmp/mutate.py" "$tmp/template" 6 >"$tmp/rounds"
ok $? "the mutator ran ($(cat "$tmp/rounds") rewrites in 6 s)"
alive
ok $? "wqmond survived a segment rewritten and truncated under it (no SIGSEGV, no SIGBUS)"
grep -q 'refwq\.[0-9]*\.mut' "$tmp/log"
ok $? "and it did look at that segment: $(grep -m1 'refwq\.[0-9]*\.mut' "$tmp/log")"
get /healthz >/dev/null
ok $? "/healthz still answers"
rm -f /dev/shm/refwq.*.mut

# The mutator's segment may have been refused at some instant for any
# reason (too large, a pid not its owner's, a bad name...), each counted
# once: the counts below start from here, two collection rounds after it
# went (so none of its refusals is still on the way).
scrapes() {
	get /api/v1/sources | python3 -c 'import json,sys; print([s["scrapes"] for s in json.load(sys.stdin)["sources"] if s["name"] == "refwq:good"][0])' 2>/dev/null
}
s0=$(scrapes)
two_rounds() { [ "$(scrapes)" -ge $((${s0:-0} + 2)) ] 2>/dev/null; }
wait_for 10 two_rounds
declare -A base
for r in too_large symlink not_regular not_owner user_limit duplicate_name bad_name; do
	base[$r]=$(refused $r)
	base[$r]=${base[$r]:-0}
done
refused_since() { local v; v=$(refused "$1"); echo $((${v:-0} - ${base[$1]})); }
is_refused() { [ "$(refused_since "$1")" -eq "$2" ]; }	# REASON N, since then
before=$(awk '/^VmRSS/ { print $2 }' /proc/$dpid/status)
bg_nobody bash -c "exec python3 -c '
import sys, time
sys.path.insert(0, \"$tmp\")
from forge import forge
import os
forge(\"$tmp/template\", \"/dev/shm/refwq.%d.huge\" % os.getpid(), os.getpid(), \"huge\",
      max_series=1000000, nr_series=1000000, size=1700000000)
open(\"$tmp/nobody/huge.ready\", \"w\").close()
time.sleep(60)'" &
pids+=($!)
wait_for 10 test -e "$tmp/nobody/huge.ready"
wait_for 10 is_refused too_large 1 && grep -q 'refwq\.[0-9]*\.huge refused: larger than' "$tmp/log"
ok $? "a segment of a million series (1.7 GB) is refused as too large: $(grep huge "$tmp/log" | head -1)"
after=$(awk '/^VmRSS/ { print $2 }' /proc/$dpid/status)
[ "$after" -lt $((before + 65536)) ]
ok $? "and wqmond's memory did not grow for it (RSS ${before} kB -> ${after} kB)"
[ "$(grep -c 'refwq.*huge.*refused' "$tmp/log")" -eq 1 ]
ok $? "it is logged once, not every interval"

# --- freeze: a FIFO and a symlink ---
as_nobody mkfifo /dev/shm/refwq.1.fifo
as_nobody ln -s /dev/zero /dev/shm/refwq.1.link
p0=$(scrapes)
wait_for 10 is_refused symlink 1
ok $? "a symlink is refused, never followed"
wait_for 10 is_refused not_regular 1
ok $? "a FIFO is refused, never opened for reading"
sleep 1
p1=$(scrapes)
[ -n "$p0" ] && [ -n "$p1" ] && [ "$p1" -gt "$p0" ]
ok $? "collection goes on beside the FIFO (scrapes of refwq:good $p0 -> $p1)"
get /healthz >/dev/null
ok $? "/healthz answers ok while collecting"

# --- squatting: pid 1's segments, and a user's own many processes ---
for i in $(seq 0 15); do
	as_nobody python3 "$tmp/forge.py" "$tmp/template" /dev/shm/refwq.1.sq$i 1 sq$i
done
wait_for 10 is_refused not_owner 16
ok $? "16 segments claiming pid 1, made by nobody, are all refused (not_owner)"
# nobody's own processes each publish one: WQD_REFWQ_PER_USER (4) served.
# One parent, six children; the parent takes its children with it.
bg_nobody python3 -c "
import os, signal, sys, time
sys.path.insert(0, '$tmp')
from forge import forge
kids = []
for i in range(6):
    pid = os.fork()
    if pid == 0:
        forge('$tmp/template', '/dev/shm/refwq.%d.own%d' % (os.getpid(), i), os.getpid(), 'own%d' % i)
        time.sleep(120)
        os._exit(0)
    kids.append(pid)
def stop(*a):
    for k in kids:
        os.kill(k, signal.SIGTERM)
    for k in kids:
        os.waitpid(k, 0)
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
time.sleep(120)
stop()" &
pids+=($!)
wait_for 10 is_refused user_limit 2
ok $? "a user's seventh and sixth own segments are refused (user_limit 2)"
n=$(get /api/v1/sources | grep -o '"name":"refwq:own[0-9]"' | wc -l)
is "$n" 4 "nobody has 4 refwq sources"
"$B/refwq-demo" -t 0 -q -n good2 >"$tmp/demo2.log" 2>&1 &
pids+=($!)
wait_for 15 source_up refwq:good2
ok $? "a real instance started after all that is still a source (refwq:good2)"

# --- spoofing: another instance's name, or a name that is not the file's ---
bg_nobody bash -c "exec python3 -c '
import os, sys, time
sys.path.insert(0, \"$tmp\")
from forge import forge
forge(\"$tmp/template\", \"/dev/shm/refwq.%d.good\" % os.getpid(), os.getpid(), \"good\")
forge(\"$tmp/template\", \"/dev/shm/refwq.%d.foo\" % os.getpid(), os.getpid(), \"bar\")
time.sleep(60)'" &
pids+=($!)
wait_for 10 is_refused duplicate_name 1
ok $? "a second refwq:good, by nobody, is refused (duplicate_name)"
wait_for 10 is_refused bad_name 1
ok $? "a header naming another instance than its file is refused (bad_name)"
get /workqueues | grep -q '^\[refwq:good\]\|refwq:good' && get /metrics | grep -q 'source="refwq:good"'
ok $? "refwq:good has one name in /workqueues and /metrics"

alive
ok $? "wqmond is alive at the end"
kill "$dpid"
wait "$dpid"
ok $? "wqmond stops cleanly"
finish
