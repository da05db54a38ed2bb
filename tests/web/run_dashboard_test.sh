#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the dashboard's headless Chromium test and print TAP: one
# `ok N - name` / `not ok N - name` line per test case.  Exits non-zero when
# a case fails, and fails (never skips) when node, npm or chromium is missing.
#
#   WQMON_URL=http://127.0.0.1:9464/ tests/web/run_dashboard_test.sh   # a running wqmond
#   tests/web/run_dashboard_test.sh                   # the fixture server (python3)
#
# Environment: WQMON_URL, WQMON_ARTIFACTS (screenshot folder, default
# build/test-artifacts), WQMON_EXPECT_FUNCTION (default aio_fsync_work),
# CHROMIUM (default /usr/bin/chromium).  See tests/web/dashboard.test.mjs.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

fail() {
	echo "1..1"
	echo "not ok 1 - dashboard test prerequisites: $*"
	echo "# $*" >&2
	exit 1
}

command -v node >/dev/null 2>&1 || fail "node not found (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || fail "npm not found (apt-get install npm)"
[ -x "$chromium" ] || fail "no browser at $chromium (apt-get install chromium)"
if [ -z "${WQMON_URL:-}" ]; then
	command -v python3 >/dev/null 2>&1 || fail "python3 not found: needed for the fixture server without WQMON_URL"
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
	npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2 ||
		fail "npm ci --prefix tests/web failed"
fi

export WQMON_ARTIFACTS="${WQMON_ARTIFACTS:-$repo/build/test-artifacts}"
cd "$repo" || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
node --test --test-reporter=tap tests/web/dashboard.test.mjs >"$out" 2>&1
rc=$?
# Node's TAP nests the cases under a file-level entry on some versions:
# print the per-case lines, numbered, and keep the rest as diagnostics.
awk '
	/^[ \t]*(not )?ok [0-9]+ - / {
		line = $0; sub(/^[ \t]*/, "", line)
		notok = (line ~ /^not ok/)
		sub(/^(not )?ok [0-9]+ - /, "", line)
		if (line ~ /dashboard\.test\.mjs$/) next
		n++
		printf "%sok %d - %s\n", notok ? "not " : "", n, line
		next
	}
	/^[ \t]*# Subtest:/ { next }
	/^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) / { print; next }
	/^[ \t]*(TAP version|1\.\.)/ { next }
	# the YAML details only of failed cases, and anything else printed
	notok || !/^[ \t]+/ { print "# " $0 }
	END { if (n) printf "1..%d\n", n }
' "$out"
if [ "$rc" -ne 0 ] && ! grep -q "^[ \t]*not ok" "$out"; then
	echo "not ok - node --test exited $rc"
fi
echo "# screenshot: $WQMON_ARTIFACTS/dashboard.png"
exit "$rc"
