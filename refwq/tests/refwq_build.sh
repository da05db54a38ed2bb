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

cat >"$tmp/t.c" <<'C'
#include <stdio.h>
#include <refwq/workqueue.h>

static int ran;

static void fn(struct work_struct *w)
{
	(void)w;
	ran++;
}

int main(void)
{
	struct work_struct w;

	if (refwq_init(NULL))
		return 1;
	INIT_WORK(&w, fn);
	schedule_work(&w);
	flush_work(&w);
	refwq_exit();
	printf("ran %d\n", ran);
	return ran == 1 ? 0 : 1;
}
C
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

bad=$(for o in "$B"/refwq/core/*.o; do nm -u "$o" | awk '{print $2}'; done |
	sort -u | grep -v -e '^refwq' -e '^_GLOBAL_OFFSET_TABLE_$' | tr '\n' ' ')
[ -z "$bad" ]
t $? "core objects reference nothing but refwq symbols${bad:+ (found: $bad)}"
echo "1..$n"
