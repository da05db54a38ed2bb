#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The cross build's test binaries (make arm64: OUTPUT/arm64/tests/bin) run
# under qemu-aarch64-static, QEMU's user mode: arm64 code with Debian's
# arm64 libraries, on this machine.  Every TAP line they print comes back
# here tagged "arm64"; a binary that crashes, prints no TAP, or is missing
# from the arm64 build (against the host's list) is a failure.
set -u
. "$(dirname "$0")/tap.bash"
A="$B/arm64/tests/bin"
QEMU=qemu-aarch64-static
command -v $QEMU >/dev/null || bail "no $QEMU (qemu-user-static): make deps"
[ -d "$A" ] || bail "no $A (make test-build builds it: make arm64)"
[ -d "$B/tests/bin" ] || bail "no $B/tests/bin to compare with (make test-build)"
export CMOCKA_MESSAGE_OUTPUT=TAP
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The host's test binaries, less the sanitizer builds and the scripts, are
# what a board runs (boards/boards.mk).
for t in "$B"/tests/bin/*; do
	n=$(basename "$t")
	case $n in refwq_tsan_* | refwq_asan_*) continue ;; esac
	head -c 4 "$t" | grep -q ELF || continue
	[ -x "$A/$n" ]
	ok $? "arm64 build has $n"
done

for t in "$A"/*; do
	n=$(basename "$t")
	m=$(readelf -h "$t" 2>/dev/null | sed -n 's/^ *Machine: *//p')
	is "$m" AArch64 "$n is an arm64 executable"
	t0=$(date +%s.%N)
	timeout --kill-after=10 300 $QEMU "$t" >"$tmp/out" 2>&1
	rc=$?
	secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
	taps=0
	while IFS= read -r line; do
		case $line in
		"ok "*) ok 0 "arm64 $n: ${line#ok * - }" ;;
		"not ok "*) ok 1 "arm64 $n: ${line#not ok * - }" ;;
		*) continue ;;
		esac
		taps=$((taps + 1))
	done <"$tmp/out"
	[ "$rc" -eq 0 ] && [ "$taps" -gt 0 ]
	ok $? "arm64 $n: exit status $rc, $taps TAP lines (${secs}s under $QEMU)"
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$tmp/out" | tail -20
done
finish
