#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run every test and print one summary line: "N passed, N failed".
#
# Tests are the binaries in OUTPUT/tests/bin/ (no root needed) and the
# scripts tests/integration/*.sh (real kernel, root).  Each prints TAP lines;
# every "ok" is a pass, every "not ok" a failure, and a test that exits
# non-zero without printing "not ok" (a crash, a missing component) counts
# as one failure more: nothing is skipped silently.
set -u
OUTPUT=${1:-build}
export WQMON_BUILD=$(cd "$OUTPUT" && pwd)
export CMOCKA_MESSAGE_OUTPUT=TAP
logdir="$WQMON_BUILD/test-logs"
rm -rf "$logdir" && mkdir -p "$logdir"

pass=0
fail=0
failed_names=()

run_one() {
	local t=$1 name log rc ok nok
	name=$(basename "$t")
	log="$logdir/$name.log"
	printf '%-40s ' "$name"
	start=$(date +%s)
	if [ "${t##*.}" = sh ]; then
		timeout --kill-after=10 900 bash "$t" >"$log" 2>&1
	else
		timeout --kill-after=10 600 "$t" >"$log" 2>&1
	fi
	rc=$?
	ok=$(grep -cE '^ok [0-9]+' "$log")
	nok=$(grep -cE '^not ok [0-9]+' "$log")
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		nok=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + ok))
	fail=$((fail + nok))
	printf '%3d ok %3d not ok  (%ss)\n' "$ok" "$nok" "$(( $(date +%s) - start ))"
	if [ "$nok" -ne 0 ]; then
		failed_names+=("$name")
		sed 's/^/    | /' "$log" | tail -40
	fi
}

for t in "$WQMON_BUILD"/tests/bin/*; do
	[ -x "$t" ] && run_one "$t"
done
for t in tests/integration/*.sh; do
	[ -f "$t" ] && run_one "$t"
done

[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]} (logs in $logdir)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
