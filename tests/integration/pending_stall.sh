#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real per-CPU pool stall on this kernel (tests/gen/stallgen.c: an RT hog
# starves CPU 1's kworkers for 2.5 s while items wait there).  wqmon must
# show the pool's pending item and its age while it waits, and the longest
# latency once it ran, in agreement with the generator's own clock.  The
# hog ends by itself; the machine is left as it was.
set -u
. "$(dirname "$0")/tap.bash"
. "$(dirname "$0")/bpf_vars.bash"
need_root
W="$B/wqctl"
tmp=$(mktemp -d)
wpid=
trap '[ -n "$wpid" ] && kill $wpid 2>/dev/null; rm -rf "$tmp"' EXIT
[ "$(nproc)" -ge 2 ] || bail "needs 2 CPUs: the hog takes CPU 1"

# stall_through LABEL: a 2.5 s stall of CPU 1 while the wqctl show
# started as $wpid runs through it; sets pending_ms (the generator's clock).
stall_through() {
	"$B/tests/gen/stallgen" -c 1 -t 2500 >"$tmp/gen" 2>&1
	ok $? "$1stallgen ran ($(cat "$tmp/gen"))"
	wait $wpid
	ok $? "$1wqctl show ran through the stall ($(head -c 200 "$tmp/err"))"
	wpid=
	pending_ms=$(sed -n "s/.*pending_ms=//p" "$tmp/gen")
}
# The oldest pending age (us) any view showed on CPU 1's normal pool.
# pools: id cpu nice flags workers idle running pending oldest_us cpu_us
oldest_on_cpu1() {
	awk '/^pools / { on = 1; next } /^$/ { on = 0 }
		on && $2 == "1" && $3 == "0" && $4 !~ /B/ && $8 >= 1 && $9 > m { m = $9 }
		END { printf "%d", m }' "$tmp/views"
}

"$W" show -i 0.25 -n 20 -s completed >"$tmp/views" 2>"$tmp/err" &
wpid=$!
sleep 1
stall_through ""
[ -n "$pending_ms" ] && [ "$pending_ms" -ge 200 ]
ok $? "an item really waited (longest ${pending_ms:-?} ms by the generator's clock)"

oldest=$(oldest_on_cpu1)
[ "$oldest" -ge 200000 ]
ok $? "a view showed CPU 1's pool with a pending item aged ${oldest} us (>= 200 ms)"
# The oldest item may be any kernel item the hog starved (vmstat_update...),
# not only the generator's; none can have waited longer than the stall.
[ "$oldest" -le $(( (2500 + 300) * 1000 )) ]
ok $? "that age is within the stall (2500 ms + one interval)"

# functions: function workqueue pool queued started completed cancelled rate
#            lat_p50 lat_p99 lat_max ...
lat_max=$(awk '/^functions / { on = 1; next } /^$/ { on = 0 }
	on && $1 == "aio_fsync_work" && $11 > m { m = $11 } END { printf "%d", m }' "$tmp/views")
[ "$lat_max" -ge $(( pending_ms * 1000 * 8 / 10 )) ] && [ "$lat_max" -le $(( (pending_ms + 5) * 1000 )) ]
ok $? "the longest latency ${lat_max} us matches the generator's ${pending_ms} ms (80%..100% + 5 ms)"

# Sampled mode, 1 item in 4096: the items are almost surely unsampled, so
# their queue times come from the coarse clock (jiffies, calibrated by the
# sweeps: bpf/wqmon.bpf.c coarse_now()).  The ages must hold as well.
"$W" show --sample 4096 -i 0.25 -n 24 -s completed >"$tmp/views" 2>"$tmp/err" &
wpid=$!
# The tick it measured, read from the probes' data (bpftool): 1e9 / HZ of
# this kernel's configuration, which the probes never read.
hz=$(zcat /proc/config.gz 2>/dev/null | sed -n 's/^CONFIG_HZ=//p')
[ -n "$hz" ] || hz=$(sed -n 's/^CONFIG_HZ=//p' "/boot/config-$(uname -r)" 2>/dev/null)
# The calibration takes a second of sweeps: wait for it (the stall must
# begin after it, for its items to take coarse queue times).
tick=$(wait_coarse)
[ -n "$hz" ] && [ "${tick:-0}" = $((1000000000 / hz)) ]
ok $? "sampled: the coarse clock's tick is 1e9 / CONFIG_HZ (${tick:-none} ns; HZ=${hz:-unknown})"
stall_through "sampled: "
oldest=$(oldest_on_cpu1)
[ "$oldest" -ge 200000 ] && [ "$oldest" -le $(( (2500 + 300) * 1000 )) ]
ok $? "sampled: CPU 1's pool showed a pending item aged ${oldest} us, within 200 ms .. the stall + one interval"
finish
