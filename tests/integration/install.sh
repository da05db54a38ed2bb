#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make install` into a DESTDIR: exactly the expected files, a config that
# is the built-in one and is kept on reinstall, man pages groff has nothing
# to say about, a systemd unit systemd-analyze verifies (and rates), and
# bash completion that completes.
set -u
. "$(dirname "$0")/tap.bash"
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
R="$tmp/root"
MA=$(gcc -print-multiarch)

do_install() {	# do_install DESTDIR MAKE-ARGS...
	local dest=$1
	shift
	make -C "$top" --no-print-directory -s OUTPUT="$B" DESTDIR="$dest" "$@" install \
		>"$tmp/make.log" 2>&1
}

# --- the Debian layout ---
do_install "$R" PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system LIBDIR=/usr/lib/$MA
ok $? "make install PREFIX=/usr DESTDIR=... ($(tail -2 "$tmp/make.log" | tr '\n' ' '))"
(cd "$R" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort) >"$tmp/got"
sort >"$tmp/want" <<EOF2
/etc/wqmon/wqmond.conf
/lib/systemd/system/wqmond.service
/usr/bin/refwq-cat
/usr/bin/refwq-demo
/usr/include/refwq/refwq.h
/usr/include/refwq/workqueue.h
/usr/include/refwq/wqueue.h
/usr/lib/$MA/librefwq.a
/usr/lib/$MA/librefwq.so
/usr/lib/$MA/librefwq.so.0
/usr/lib/$MA/librefwq.so.0.1.0
/usr/lib/$MA/pkgconfig/refwq.pc
/usr/sbin/wqctl
/usr/sbin/wqmond
/usr/sbin/wqtop
/usr/share/bash-completion/completions/wqctl
/usr/share/bash-completion/completions/wqmond
/usr/share/bash-completion/completions/wqtop
/usr/share/man/man1/refwq-cat.1
/usr/share/man/man1/refwq-demo.1
/usr/share/man/man5/wqmond.conf.5
/usr/share/man/man8/wqctl.8
/usr/share/man/man8/wqmond.8
/usr/share/man/man8/wqtop.8
/usr/share/wqmon/alertmanager/wqmon.yml
/usr/share/wqmon/grafana/wqmon-fleet.json
/usr/share/wqmon/grafana/wqmon.json
/usr/share/wqmon/prometheus/wqmon-fleet.rules.yml
/usr/share/wqmon/prometheus/wqmon.rules.yml
EOF2
diff "$tmp/want" "$tmp/got" >"$tmp/diff"
ok $? "exactly the expected files ($(tr '\n' ' ' <"$tmp/diff"))"
is "$(stat -c %a "$R/usr/sbin/wqmond") $(stat -c %a "$R/etc/wqmon/wqmond.conf")" "755 644" \
	"programs 0755, configuration 0644"
is "$(readlink "$R/usr/lib/$MA/librefwq.so")" librefwq.so.0 "librefwq.so -> the soname"
readelf -d "$R/usr/lib/$MA/librefwq.so.0.1.0" | grep -q 'SONAME.*\[librefwq\.so\.0\]'
ok $? "librefwq's soname is librefwq.so.0"
grep -q "^libdir=/usr/lib/$MA$" "$R/usr/lib/$MA/pkgconfig/refwq.pc" &&
	! grep -q rpath "$R/usr/lib/$MA/pkgconfig/refwq.pc"
ok $? "refwq.pc names the installed libdir and no rpath"

# --- the configuration ---
"$R/usr/sbin/wqmond" --print-config | cmp -s - "$R/etc/wqmon/wqmond.conf"
ok $? "the installed configuration is the built-in one"
"$R/usr/sbin/wqmond" --check-config -c "$R/etc/wqmon/wqmond.conf" >/dev/null 2>&1
ok $? "and it passes --check-config"
echo "# edited" >>"$R/etc/wqmon/wqmond.conf"
do_install "$R" PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system LIBDIR=/usr/lib/$MA
tail -1 "$R/etc/wqmon/wqmond.conf" | grep -q '^# edited$'
ok $? "a reinstall keeps an edited configuration"

# --- the systemd unit ---
U="$R/lib/systemd/system/wqmond.service"
grep -q '^ExecStart=/usr/sbin/wqmond -c /etc/wqmon/wqmond.conf$' "$U"
ok $? "the unit starts the installed wqmond with the installed configuration"
grep -q '^Type=notify$' "$U" && grep -q '^CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYSLOG$' "$U" &&
	grep -q '^AmbientCapabilities=CAP_BPF CAP_PERFMON CAP_SYSLOG$' "$U" &&
	grep -q '^ProtectSystem=strict$' "$U" && grep -q '^DynamicUser=yes$' "$U"
ok $? "readiness notification, three capabilities, ProtectSystem=strict, a dynamic user"
# systemd-analyze checks that ExecStart= exists: point it into DESTDIR.
mkdir -p "$tmp/unit"
sed -e "s|/usr/sbin/|$R/usr/sbin/|g" -e "s|/etc/wqmon/|$R/etc/wqmon/|g" "$U" \
	>"$tmp/unit/wqmond.service"
MANPATH="$R/usr/share/man" systemd-analyze verify "$tmp/unit/wqmond.service" >"$tmp/verify" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$tmp/verify" ]
ok $? "systemd-analyze verify: nothing to report, man pages found ($(head -c 300 "$tmp/verify"))"
systemd-analyze security --offline=true "$tmp/unit/wqmond.service" >"$tmp/sec" 2>&1
score=$(sed -n 's/.*Overall exposure level for wqmond.service: \([0-9.]*\).*/\1/p' "$tmp/sec")
python3 -c "import sys; sys.exit(not (0 < float('${score:-99}') <= 3.0))"
ok $? "systemd-analyze security: exposure ${score:-?} (at most 3.0, 'OK')"

# --- man pages ---
for m in $(cd "$R/usr/share/man" && ls man*/*); do
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$R/usr/share/man/$m" 2>"$tmp/manerr" >"$tmp/man"
	[ -s "$tmp/man" ] && [ ! -s "$tmp/manerr" ]
	ok $? "man $m renders without a groff warning ($(head -c 200 "$tmp/manerr"))"
done

# --- bash completion ---
complete_line() {	# complete_line FILE WORD...: what TAB offers after WORD...
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		f=$(complete -p "${1##*/}" | sed "s/.*-F \([^ ]*\) .*/\1/"); $f; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$@"
}
C="$R/usr/share/bash-completion/completions"
is "$(complete_line "$C/wqctl" wqctl s | tr '\n' ' ')" "show " "wqctl s<TAB> -> show"
is "$(complete_line "$C/wqtop" wqtop --view k | tr '\n' ' ')" "kworkers " "wqtop --view k<TAB> -> kworkers"
complete_line "$C/wqmond" "$R/usr/sbin/wqmond" -o stalls.cpu | grep -qx 'stalls.cpu_hog='
ok $? "wqmond -o stalls.cpu<TAB> -> stalls.cpu_hog= (keys from --print-config)"
# Every sort column offered must be one the program accepts.
bad=
for c in $(complete_line "$C/wqctl" wqctl show -s ''); do
	"$R/usr/sbin/wqctl" show -s "$c" --help >/dev/null 2>&1 || bad="$bad wqctl:$c"
done
for c in $(complete_line "$C/wqtop" wqtop -s ''); do
	"$R/usr/sbin/wqtop" -s "$c" --help >/dev/null 2>&1 || bad="$bad wqtop:$c"
done
[ -z "$bad" ]
ok $? "every completed sort column is accepted ($bad)"

# --- the default prefix ---
do_install "$tmp/local"
grep -q '^ExecStart=/usr/local/sbin/wqmond -c /etc/wqmon/wqmond.conf$' \
	"$tmp/local/usr/local/lib/systemd/system/wqmond.service" &&
	[ -x "$tmp/local/usr/local/sbin/wqmond" ] && [ -f "$tmp/local/usr/local/lib/librefwq.a" ]
ok $? "the default PREFIX=/usr/local, with the unit naming it"
finish
