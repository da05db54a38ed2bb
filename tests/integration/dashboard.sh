#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The web dashboard, served by a real wqmond watching a real kernel
# workload, in headless Chromium (tests/web/dashboard.test.mjs): tables,
# charts, heatmap, live updates, no console errors.  The screenshot is
# kept in $WQMON_BUILD/test-artifacts/.
set -u
. "$(dirname "$0")/tap.bash"
need_root
tmp=$(mktemp -d)
dpid= gpid=
trap '[ -n "$gpid" ] && kill $gpid 2>/dev/null; [ -n "$dpid" ] && kill $dpid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

start_wqmond "$tmp/log" -s none -o refwq.enabled=no
dpid=$DPID port=$PORT
"$B/tests/gen/aiogen" -d 120 -b 8 >/dev/null &
gpid=$!
sleep 3	# a few interval views in the history

code=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/static/app.js")
is "$code" "200 application/javascript; charset=utf-8" "the dashboard's modules are served as JavaScript"

WQMON_URL="http://127.0.0.1:$port/" WQMON_ARTIFACTS="$B/test-artifacts" \
	WQMON_EXPECT_FUNCTION=aio_fsync_work \
	bash tests/web/run_dashboard_test.sh >"$tmp/web.out" 2>&1
rc=$?
# Renumber the browser test's TAP lines into ours.
while read -r line; do
	case $line in
	"ok "*) ok 0 "browser: ${line#ok * - }" ;;
	"not ok "*) ok 1 "browser: ${line#not ok * - }" ;;
	esac
done < <(grep -E '^(not )?ok [0-9]+ ' "$tmp/web.out")
# On failure, everything but the passing cases: the failed cases' details
# (assertion, expected, actual) come right after their "not ok" line.
[ $rc -eq 0 ] || grep -vE '^(# )?ok [0-9]+ ' "$tmp/web.out" | head -80 | sed 's/^/# /'
ok $rc "the browser test passed against the real daemon"
[ -s "$B/test-artifacts/dashboard.png" ]
ok $? "a screenshot was kept ($B/test-artifacts/dashboard.png)"
finish
