#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fuzz harnesses (tests/fuzz, built by `make fuzz`, which `make test`
# runs) for a bounded time: every checked-in corpus input replayed, then
# new inputs for FUZZ_SECONDS (default 6) each; about 20 s in all.  A
# crash, a leak or a sanitizer report is a failure, with the input named.
set -u
. "$(dirname "$0")/tap.bash"
src=$(cd "$(dirname "$0")/../fuzz" && pwd)
secs=${FUZZ_SECONDS:-6}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for kind in text json config shm web_config wqconfig query; do
	bin="$B/fuzz/fuzz_${kind}_parse"
	if [ ! -x "$bin" ]; then
		ok 1 "fuzz_${kind}_parse is built (make fuzz: needs clang)"
		continue
	fi
	dict=
	[ -f "$src/$kind.dict" ] && dict="-dict=$src/$kind.dict"
	mkdir -p "$tmp/$kind"
	# Replay the saved corpus: each input once.
	nice "$bin" -runs=0 $dict "$src/corpus/$kind" >"$tmp/$kind.replay" 2>&1
	ok $? "fuzz_${kind}_parse: the saved corpus replays clean ($(ls "$src/corpus/$kind" | wc -l) inputs)"
	# New inputs, bounded in time and memory; found ones go to $tmp.
	nice "$bin" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 \
		-artifact_prefix="$tmp/$kind-" $dict "$tmp/$kind" \
		"$src/corpus/$kind" >"$tmp/$kind.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { grep -E 'ERROR|SUMMARY|Test unit written' "$tmp/$kind.log" | head -5;
		ls "$tmp/$kind-"* 2>/dev/null | head -3 | while read -r a; do
			echo "# input: $(base64 -w0 "$a" | head -c 600)"; done; }
	ok $rc "fuzz_${kind}_parse: ${secs} s of new inputs, no crash or sanitizer report ($(grep -oE 'Done [0-9]+ runs' "$tmp/$kind.log" | head -1))"
done
finish
