#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# packaging/prometheus/wqmon.rules.yml: valid, and its unit tests
# (wqmon.rules.test.yml) pass; a changed threshold makes them fail, so they
# test something.
set -u
. "$(dirname "$0")/tap.bash"
P="$(cd "$(dirname "$0")/../.." && pwd)/packaging/prometheus"
command -v promtool >/dev/null || bail "promtool not installed (Debian package prometheus, scripts/deps.sh)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

promtool check rules "$P/wqmon.rules.yml" >"$tmp/out" 2>&1
ok $? "promtool check rules: $(tr '\n' ' ' <"$tmp/out")"
(cd "$P" && promtool test rules wqmon.rules.test.yml) >"$tmp/out" 2>&1
ok $? "promtool test rules: $(tr '\n' ' ' <"$tmp/out" | head -c 2000)"
for r in WorkqueueStall WorkqueuePoolStalled WorkqueueLatencyHigh WqmonSourceDown WqmonEventsDropped; do
	grep -q "alertname: $r\$" "$P/wqmon.rules.test.yml"
	ok $? "rule $r has a test"
done

cp "$P/wqmon.rules.test.yml" "$tmp/"
sed 's/wqmon_pool_oldest_pending_seconds) > 5/wqmon_pool_oldest_pending_seconds) > 50/' \
	"$P/wqmon.rules.yml" >"$tmp/wqmon.rules.yml"
! cmp -s "$P/wqmon.rules.yml" "$tmp/wqmon.rules.yml" &&
	! (cd "$tmp" && promtool test rules wqmon.rules.test.yml) >/dev/null 2>&1
ok $? "a pool threshold of 50 s instead of 5 s fails the tests"
for r in WorkqueueStall WorkqueuePoolStalled; do
	awk -v r="$r" '$0 ~ "alert: " r "$" { f = 1 } f && /^ *for: 1m$/ { ok = 1 }
		f && /^ *- alert:/ && $0 !~ r { f = 0 } END { exit !ok }' "$P/wqmon.rules.yml"
	ok $? "critical rule $r waits for: 1m (one bad sample does not page)"
done
grep -v '^ *for: 1m$' "$P/wqmon.rules.yml" >"$tmp/wqmon.rules.yml"
! (cd "$tmp" && promtool test rules wqmon.rules.test.yml) >/dev/null 2>&1
ok $? "without for: 1m the tests fail (a single bad sample would page)"
finish
