#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test scripts themselves: no test picks a port by probing for a free
# one and binding it later (another process can take it in between; a
# fresh clone's make test once failed so).  Servers bind port 0 and say
# which port they got (tap.bash: bound_port, start_wqmond).
set -u
. "$(dirname "$0")/tap.bash"
here=$(cd "$(dirname "$0")/.." && pwd)
scripts=$(find "$here" -path "$here/web/node_modules" -prune -o \
	\( -name '*.sh' -o -name '*.bash' -o -name '*.py' -o -name '*.mjs' \) \
	-type f -print | grep -v '/test_hygiene\.sh$')
[ -n "$scripts" ] || bail "no test scripts found under $here"
hits=$(grep -ln 'free_port' $scripts)
[ -z "$hits" ]
ok $? "no test script probes for a free port (free_port): ${hits:-none}"
# A port found by binding 0, then closed (or dropped at exit) and handed
# on: the same race.  So is a port made up from the PID.
hits=$(grep -lE 'getsockname\(\)\[1\]\)?; *s\.close\(\)|\.close\(\); *print\(.*getsockname|=\$\(python3 -c .*bind\(.*getsockname|port=\$\(\([0-9]+ *\+ *\$\$' $scripts)
[ -z "$hits" ]
ok $? "no script binds port 0 only to close it and pass the number on: ${hits:-none}"
finish
