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
# CHROMIUM (default /usr/bin/chromium), WQMON_BUILD (default build: its
# wqctl and refwq-demo make the recording the page opens).  See
# tests/web/dashboard.test.mjs.
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
build=${WQMON_BUILD:-$repo/build}
for b in wqctl refwq-demo; do
	[ -x "$build/$b" ] || fail "no $build/$b: make all (the test records a refwq source with it)"
done
if [ ! -d "$here/node_modules/playwright-core" ]; then
	npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2 ||
		fail "npm ci --prefix tests/web failed"
fi

export WQMON_ARTIFACTS="${WQMON_ARTIFACTS:-$repo/build/test-artifacts}"
cd "$repo" || exit 1
out=$(mktemp)
rec=$(mktemp -d)
demo=
trap '[ -n "$demo" ] && kill "$demo" 2>/dev/null; rm -rf "$out" "$rec"' EXIT

# A real recording for the page to open: wqctl record of a refwq-demo
# instance (no root, no probes), what wqctl show --replay makes of it,
# and damaged copies with what wqctl says of each (run in the folder, so
# that it names the file as the page does: by its name).
name="dashrec$$"
"$build/refwq-demo" -t 30 -q -n "$name" --block-every=0 >/dev/null 2>&1 &
demo=$!
i=0
until ls /dev/shm/refwq."$demo"."$name" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "refwq-demo did not publish /dev/shm/refwq.$demo.$name in 10 s"
	sleep 0.1
done
(
	cd "$rec" || exit 1
	"$build/wqctl" record --source "refwq:$name" -o rec.gz -d 5 -i 1 2>record.log || exit 1
	"$build/wqctl" show --replay rec.gz -j >rec.iv.jsonl || exit 1
	"$build/wqctl" show --replay rec.gz -c -j >rec.cum.jsonl || exit 1
	bytes=$(stat -c %s rec.gz)
	head -c $((bytes * 2 / 3)) rec.gz >cut.gz
	# A pool row of the third view with a flag no version has.
	zcat rec.gz | awk '/^wqmon-workqueues / { v++ } v == 3 && /^ +2 +1 +0 -/ && !done { sub(/ - /, " x "); done = 1 } 1' |
		gzip >text.gz
	# Bytes overwritten inside the deflate stream.
	cp rec.gz bad.gz
	printf '\336\255\276\357\336\255\276\357' | dd of=bad.gz bs=1 seek=$((bytes / 2)) conv=notrunc status=none
	for f in cut text bad; do
		"$build/wqctl" show --replay $f.gz -c >$f.out 2>$f.err && exit 1
		sed -i 's/^wqctl: error: show: //' $f.err
	done
) || fail "cannot make the recording: $(cat "$rec/record.log" "$rec"/*.err 2>/dev/null)"
kill "$demo" 2>/dev/null
wait "$demo" 2>/dev/null
demo=
export WQMON_RECORDING_DIR="$rec"
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
