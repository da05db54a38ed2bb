#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who queued it, on the real kernel: a generator in a cgroup of its own
# must be its series' only queuer, named by cgroup, comm and process, and
# be charged exactly its items' wait, run and on-CPU time; the kworkers'
# own CPU clock (schedstat, not the probes) bounds that charge.  Timer-fired
# delayed work (vmstat_update) must read as softirq, never as the task it
# interrupted.  Counts assume nobody else makes aio fsync work meanwhile
# (the first check says so when someone does).
set -u
. "$(dirname "$0")/tap.bash"
need_root

N=20000
GEN="$B/tests/gen/aiogen"
tmp=$(mktemp -d)
pids=()
CG2=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -1)
[ -n "$CG2" ] || bail "no cgroup2 mount in /proc/self/mountinfo (mount -t cgroup2 none /sys/fs/cgroup)"
CG_NAME="wqmon-queuers-$$"
CG="$CG2/$CG_NAME"
cleanup() {
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done
	wait 2>/dev/null
	rmdir "$CG" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$CG" || bail "cannot create the cgroup $CG"

# On-CPU nanoseconds of CPU 1's normal-priority kworkers, from schedstat.
kworker_cpu() {
	local t sum=0 v
	for t in /proc/[0-9]*; do
		case "$(cat "$t/comm" 2>/dev/null)" in
		kworker/1:*H*) ;;
		kworker/1:*) v=$(awk '{ print $1 }' "$t/schedstat" 2>/dev/null) && sum=$((sum + ${v:-0})) ;;
		esac
	done
	echo $sum
}

"$B/wqctl" show -q -c -j -i 1 >"$tmp/snaps" 2>"$tmp/err" &
pids+=($!)
wait_for 20 test -s "$tmp/snaps" || bail "wqctl show -q printed nothing: $(tail -3 "$tmp/err")"

before=$(kworker_cpu)
# The generator joins the cgroup before it execs: every item is its own.
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -n "$3" -b 32 -c 1' sh "$CG" "$GEN" $N \
	>"$tmp/gen.out" 2>&1 &
gen=$!
wait $gen
ok $? "aiogen ran $N items pinned to CPU 1 in cgroup $CG_NAME ($(cat "$tmp/gen.out"))"
after=$(kworker_cpu)

# A snapshot taken after every item ended.
done_items() {
	tail -1 "$tmp/snaps" | python3 -c '
import json, sys
d = json.load(sys.stdin)
n = sum(s["completed"] for s in d["series"] if s["function"] == "aio_fsync_work")
sys.exit(0 if n >= int(sys.argv[1]) else 1)' "$N" 2>/dev/null
}
wait_for 20 done_items || bail "no snapshot shows $N aio_fsync_work items completed"
# Two more snapshots: vmstat_update's timer fires every second.
n=$(wc -l <"$tmp/snaps")
wait_for 20 test "$(wc -l <"$tmp/snaps")" -ge $((n + 2))
tail -1 "$tmp/snaps" >"$tmp/last.json"

python3 - "$tmp/last.json" "$N" "/$CG_NAME" "$gen" "$before" "$after" >"$tmp/checks" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
n, cg, gen, before, after = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
out = []
def check(cond, what):
    out.append(("ok" if cond else "not ok") + " " + what)

series = [s for s in d["series"] if s["function"] == "aio_fsync_work"]
rows = [q for q in d["queuers"] if q["function"] == "aio_fsync_work"]
check(sum(s["queued"] for s in series) == n,
      "the aio series counted %d queued: nobody else made aio work" % n)
mine = [q for q in rows if q["cgroup"] == cg]
check(len(mine) == 1, "one queuer row in cgroup %s (rows: %s)" %
      (cg, [(q["context"], q["comm"], q["cgroup"], q["queued"]) for q in rows]))
if mine:
    q = mine[0]
    check(q["context"] == "task" and q["comm"] == "aiogen" and q["tgid"] == gen,
          "it is task aiogen, pid %d (got %s %s %d)" % (gen, q["context"], q["comm"], q["tgid"]))
    check(q["queued"] == n and q["started"] == n and q["completed"] == n,
          "charged every item: queued %d started %d completed %d" % (q["queued"], q["started"], q["completed"]))
    top = max(rows, key=lambda r: (r["cpu_ns"], r["queued"]))
    check(top is q, "it is the series' top queuer by kworker CPU")
    # Its items are the whole series: the charge equals the series' sums.
    h = {k: sum(s["hist"][k]["sum_ns"] for s in series) for k in ("lat", "run", "cpu")}
    check((q["lat_ns"], q["run_ns"], q["cpu_ns"]) == (h["lat"], h["run"], h["cpu"]),
          "charged the series' wait, run and CPU sums exactly (%d %d %d vs %d %d %d)" %
          (q["lat_ns"], q["run_ns"], q["cpu_ns"], h["lat"], h["run"], h["cpu"]))
    # Independent: CPU 1's kworkers ran at least the charge (their own
    # loop and other work besides), and the charge is most of it.
    ran = after - before
    check(q["cpu_ns"] <= ran + 2000000 and q["cpu_ns"] >= ran * 0.25,
          "kworker CPU charged %.1f ms within CPU 1's kworkers' schedstat %.1f ms (25-100%%)" %
          (q["cpu_ns"] / 1e6, ran / 1e6))
# Every item queued is charged to exactly one row (unattributed ones too).
check(sum(q["queued"] for q in d["queuers"]) == sum(s["queued"] for s in d["series"]),
      "queuer rows add up to every item queued (%d vs %d)" %
      (sum(q["queued"] for q in d["queuers"]), sum(s["queued"] for s in d["series"])))
seen = sum(s["started"] - s["unseen"] for s in d["series"])
check(sum(q["started"] for q in d["queuers"]) == seen,
      "queuer rows add up to every start whose queueing was seen (%d vs %d)" %
      (sum(q["started"] for q in d["queuers"]), seen))
# mm/vmstat.c: vmstat_update re-arms itself with a delay (its timer
# fires in softirq); vmstat_shepherd, itself work on a kworker, queues it
# with none (task context, a kworker).
vm = [q for q in d["queuers"] if q["function"] == "vmstat_update"]
check(any(q["context"] == "softirq" and q["queued"] > 0 for q in vm) and
      all(q["context"] == "softirq" or
          (q["context"] == "task" and q["comm"].startswith("kworker/")) for q in vm),
      "vmstat_update is queued from softirq (its timer) and by kworkers only: %s" %
      sorted(set((q["context"], q["comm"][:8]) for q in vm)))
irq = [q for q in d["queuers"] if q["context"] in ("softirq", "hardirq")]
check(all(q["comm"] == "" and q["tgid"] == 0 and q["cgroup_id"] == 0 for q in irq),
      "softirq and hard-IRQ rows name no task (%d rows)" % len(irq))
print("\n".join(out))
EOF
ok $? "the checks ran"
while read -r verdict rest; do
	[ "$verdict" = ok ]
	ok $? "$rest"
done < <(sed 's/^not ok/notok/' "$tmp/checks")
finish
