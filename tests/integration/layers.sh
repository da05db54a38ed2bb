#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The layers of lib/ (docs/DESIGN.md, "Layers and data flow") hold: the
# core includes nothing outside itself and calls no I/O, BPF or network
# function; only the collector and the configuration reader need a BPF
# skeleton; refwq's programs link the core library, not copies of its
# files.  No root needed.
set -u
. "$(dirname "$0")/tap.bash"
here=$(cd "$(dirname "$0")/../.." && pwd)
core="$B/libwqmon-core.a"
[ -f "$core" ] || bail "$core is not built (make all)"

# Quoted includes of the core name core headers only.
bad=$(cd "$here/lib/core" && for f in *.[ch]; do
	grep -o '#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/' |
	while read -r h; do [ -f "$h" ] || echo "$f:$h"; done
done)
[ -z "$bad" ]
ok $? "lib/core/ includes only lib/core/ headers (${bad:-none outside})"

# What the core calls: no file, socket, memory-map or BPF call.  (It reads
# and writes FILE streams it is given: the formats.)
calls=$(nm -u "$core" | awk 'NF == 2 { print $2 }' | sort -u)
[ -n "$calls" ] || bail "nm -u $core printed nothing"
io=$(echo "$calls" | grep -xE 'open|open64|openat|openat64|fopen|fopen64|socket|connect|bind|accept4?|mmap|mmap64|ioctl|read|write|pread|bpf_.*|libbpf_.*|btf__.*|getaddrinfo|MHD_.*' | tr '\n' ' ')
[ -z "$io" ]
ok $? "libwqmon-core.a calls no I/O, network or BPF function (${io:-none})"

# Each BPF skeleton is included once, in lib/io: the probes' by the
# collector, the configuration walk's by its reader.
sk=$(grep -l 'skel\.h"' "$here"/lib/*/*.c "$here"/cli/*.c "$here"/daemon/*.c \
	"$here"/tui/*.c 2>/dev/null | sed "s|$here/||" | tr '\n' ' ')
is "$sk" "lib/io/collector.c lib/io/wqconfig_reader.c " "only the collector and the configuration reader include a BPF skeleton"

# refwq's programs take the model from the core library: its objects are
# not compiled a second time under build/refwq/.
dup=$(find "$B/refwq" -name 'model.o' -o -name 'text.o' -o -name 'hist.o' 2>/dev/null | tr '\n' ' ')
[ -z "$dup" ]
ok $? "refwq builds no second copy of the core's objects (${dup:-none})"
for p in refwq-demo refwq-cat; do
	[ -x "$B/$p" ] || bail "$B/$p is not built"
	nm "$B/$p" | grep -q ' T wq_snapshot__delta$'
	ok $? "$p has the core's model (linked from libwqmon-core.a)"
done
finish
