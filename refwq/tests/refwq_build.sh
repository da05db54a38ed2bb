#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# refwq as a library: a program built with `pkg-config --cflags --libs refwq`
# against the build tree runs; the core objects call nothing outside refwq
# (freestanding: no libc, everything through the port).
set -u
B=${WQMON_BUILD:?WQMON_BUILD: the build directory}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# The consumer is compiled from the source tree (make runs tests at the top).
cp refwq/tests/consumer.c "$tmp/t.c" || { echo "not ok 1 - no refwq/tests/consumer.c: run from the top of the tree"; exit 1; }
flags=$(PKG_CONFIG_PATH="$B" pkg-config --cflags --libs refwq 2>&1)
t $? "pkg-config --cflags --libs refwq against the build tree ($flags)"
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror -o "$tmp/t" "$tmp/t.c" $flags 2>&1 | sed 's/^/# /'
t "${PIPESTATUS[0]}" "a program compiles and links with those flags (shared)"
out=$("$tmp/t" 2>&1)
t $? "it runs: $out"
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror -o "$tmp/ts" "$tmp/t.c" \
	$(PKG_CONFIG_PATH="$B" pkg-config --cflags refwq) "$B/librefwq.a" -lpthread
t $? "and links statically against librefwq.a"
"$tmp/ts" >/dev/null
t $? "the static program runs"

# The installed layout (staged by the build under DESTDIR-style sysroot).
stage="$B/refwq/stage"
if [ -f "$stage/.done" ]; then
	iflags=$(PKG_CONFIG_SYSROOT_DIR="$stage" \
		PKG_CONFIG_LIBDIR="$stage/usr/lib/pkgconfig" pkg-config \
		--cflags --libs refwq 2>&1)
	t $? "installed refwq.pc: $iflags"
	# shellcheck disable=SC2086
	cc -Wall -Wextra -Werror -o "$tmp/ti" "$tmp/t.c" $iflags
	t $? "a program builds against the installed headers and library"
	LD_LIBRARY_PATH="$stage/usr/lib" "$tmp/ti" >/dev/null
	t $? "and runs"
	grep -q rpath "$stage/usr/lib/pkgconfig/refwq.pc"
	[ $? -ne 0 ]
	t $? "the installed refwq.pc has no build-tree rpath"
else
	t 1 "staged install missing: $stage"
fi

bad=$(for o in "$B"/refwq/core/*.o; do nm -u "$o" | awk '{print $2}'; done |
	sort -u | grep -v -e '^refwq' -e '^_GLOBAL_OFFSET_TABLE_$' | tr '\n' ' ')
[ -z "$bad" ]
t $? "core objects reference nothing but refwq symbols${bad:+ (found: $bad)}"
echo "1..$n"
