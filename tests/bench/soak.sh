#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Soak: wqmond under mixed load (aio + refwq-demo) with /metrics scraped
# every 100 ms. Reports RSS, fds and CPU at start, when the history ring is
# full, and at the end, and fails if RSS grows more than 10% after the ring
# is full (a leak).  SOAK_SECONDS overrides the 600 s run for a quick try.
# Usage: soak.sh BUILD_DIR   (as root)
set -u
B=${1:-build}
secs=${SOAK_SECONDS:-600}
tmp=$(mktemp -d)
chmod 755 "$tmp"
dpid= gpid= rpid= spid=
cleanup() {
	local p
	for p in $spid $gpid $rpid $dpid; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
sock="$tmp/wqmond.sock"
hist=2M
printf '[daemon]\ninterval = 0.5\nhistory_bytes = %s\n' "$hist" >"$tmp/conf"
"$B/wqmond" -c "$tmp/conf" -l none -s "$sock" >"$tmp/log" 2>&1 &
dpid=$!
for ((i = 0; i < 150; i++)); do
	curl -sf --max-time 1 --unix-socket "$sock" http://x/healthz >/dev/null && break
	sleep 0.1
done
curl -sf --max-time 1 --unix-socket "$sock" http://x/healthz >/dev/null ||
	{ echo "soak: wqmond did not start: $(tail -1 "$tmp/log")" >&2; exit 1; }
"$B/tests/gen/aiogen" -d "$secs" -r 20000 >/dev/null &
gpid=$!
"$B/refwq-demo" -t "$secs" >/dev/null 2>&1 &
rpid=$!
( while :; do curl -s --max-time 2 --unix-socket "$sock" -o /dev/null http://x/metrics; sleep 0.1; done ) &
spid=$!
tick=$(getconf CLK_TCK)
sample() {	# sample LABEL: one line of RSS, fds, CPU seconds
	local rss fds cpu
	rss=$(awk '/VmRSS/ {print $2}' /proc/$dpid/status)
	fds=$(ls /proc/$dpid/fd | wc -l)
	cpu=$(awk -v t="$tick" '{printf "%.1f", ($14 + $15) / t}' /proc/$dpid/stat)
	printf 'soak: %-10s t=%4ds  rss %6d kB  fds %3d  cpu %6ss\n' \
		"$1" "$SECONDS" "$rss" "$fds" "$cpu"
	echo "$rss"
}
SECONDS=0
sample start | head -1
full_rss=
while [ "$SECONDS" -lt "$secs" ]; do
	if [ -z "$full_rss" ]; then
		# The history answer is the ring's content, so its size tells.
		used=$(curl -s --max-time 5 --unix-socket "$sock" \
			http://x/api/v1/history | wc -c)
		if [ -n "$used" ] && awk -v u="$used" 'BEGIN { exit !(u >= 2097152 * 0.9) }'; then
			out=$(sample ring-full); echo "$out" | head -1
			full_rss=$(echo "$out" | tail -1)
		fi
	fi
	sleep 1
done
out=$(sample end); echo "$out" | head -1
end_rss=$(echo "$out" | tail -1)
if [ -z "$full_rss" ]; then
	echo "soak: the history ring ($hist) never filled in $secs s" >&2
	exit 1
fi
if [ "$end_rss" -gt $((full_rss * 11 / 10)) ]; then
	echo "soak: RSS grew from $full_rss to $end_rss kB after the ring was full" >&2
	exit 1
fi
echo "soak: RSS flat once the ring is full ($full_rss -> $end_rss kB)"
