#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages, as a user gets them: built by dpkg-buildpackage
# (scripts/build-deb.sh, as `make deb` does) and lintian-clean, installed
# with apt into a fresh Debian 12 root made by debootstrap (no systemd
# running there), their files and maintainer scripts checked, the installed
# wqmond run on the real kernel (as root, and as the packaged unit would
# start it), then removed and purged.  Last, `make install DESTDIR=` must
# install what the packages ship.  docs/PACKAGING.md describes each step.
# The debootstrap result is cached as $B/deb-test/bookworm-minbase.tar:
# the first run makes it (half a minute), later runs unpack it.
set -u
. "$(dirname "$0")/tap.bash"
need_root
top=$(cd "$(dirname "$0")/../.." && pwd)
for c in dpkg-buildpackage lintian debootstrap curl python3; do
	command -v "$c" >/dev/null ||
		bail "$c missing: scripts/deps.sh installs it (scripts/deps.d/deb.sh)"
done
[ -x "$B/tests/gen/aiogen" ] || bail "$B/tests/gen/aiogen missing: make test-build"

work="$B/deb-test"
root="$work/root"
pkgs="$work/pkgs"
cache="$work/bookworm-minbase.tar"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
version=$(sed -n 's/^VERSION := *//p' "$top/Makefile")
dpid=

mounted() {	# the mount points at or under $root, deepest first
	awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -r
}
unmount_all() {
	local m
	for m in $(mounted); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}
cleanup() {
	if [ -n "$dpid" ]; then
		kill "$dpid" 2>/dev/null
		wait "$dpid" 2>/dev/null
	fi
	unmount_all
	# --one-file-system: should a mount have survived, rm stays out of it.
	[ -z "$(mounted)" ] && rm -rf --one-file-system "$root"
}
trap cleanup EXIT
# A signal (run.sh's timeout) exits through the EXIT trap too.
trap 'exit 143' TERM INT HUP
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

mkdir -p "$work"
unmount_all
[ -z "$(mounted)" ] || bail "cannot unmount what a previous run left under $root"
rm -rf --one-file-system "$root" "$pkgs"

# --- the build and lintian ---
"$top/scripts/build-deb.sh" "$pkgs" >"$work/build-deb.out" 2>&1
rc=$?
[ $rc -eq 1 ] && bail "the package build failed: $(tail -5 "$work/build-deb.out" | tr '\n' ' ')"
ok $rc "build-deb.sh: packages built and lintian clean (status $rc)"
sed -n 's/^[EWIO]: /# lintian: &/p' "$pkgs/lintian.txt"
is "$(grep -c '^E: ' "$pkgs/lintian.txt")" 0 "lintian: no error"
is "$(grep -c '^W: ' "$pkgs/lintian.txt")" 0 "lintian: no warning that is not overridden"
# Hardening tags are only info (bindnow, fortify): checked here, since the
# Makefile takes Debian's flags only through debian/rules.
is "$(grep -c '^[EWI]: .*hardening-' "$pkgs/lintian.txt")" 0 "lintian: every binary hardened (no hardening-* tag)"
# An override without a comment above it is a tag nobody justified.
bare=$(awk 'FNR == 1 { prev = "" }
	/^[^#[:space:]]/ && prev !~ /^#/ { print FILENAME ": " $0 }
	{ prev = $0 }' "$top"/packaging/debian/*lintian-overrides 2>/dev/null)
is "$bare" "" "every lintian override has a justification comment"
for p in wqmon librefwq0 librefwq-dev; do
	f=$(ls "$pkgs/${p}_${version}_"*.deb 2>/dev/null)
	[ -n "$f" ]
	ok $? "$p $version built ($(basename "${f:-none}"))"
done

# --- a fresh Debian 12 root ---
# The machine's Debian mirror for a suite (deb822 or one-line sources).
mirror_of() {
	cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v RS= -v suite="$1" '
	{
		types = uris = suites = ""
		n = split($0, line, "\n")
		for (i = 1; i <= n; i++) {
			if (line[i] ~ /^Types:/) types = " " substr(line[i], 7) " "
			if (line[i] ~ /^URIs:/) uris = substr(line[i], 6)
			if (line[i] ~ /^Suites:/) suites = " " substr(line[i], 8) " "
		}
		gsub(/[ \t]+/, " ", types); gsub(/[ \t]+/, " ", suites)
		split(uris, u, " ")
		if (types ~ / deb / && suites ~ (" " suite " ") && u[1] != "") { print u[1]; exit }
	}'
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v suite="$1" '
	$1 == "deb" {
		i = 2
		if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
		if ($(i + 1) == suite) { print $i; exit }
	}'
}
mirror=$(mirror_of bookworm | head -1)
[ -n "$mirror" ] || bail "no Debian bookworm mirror in /etc/apt/sources.list*"
security=$(mirror_of bookworm-security | head -1)

mkdir -p "$root"
start=$(date +%s)
if [ -s "$cache" ]; then
	how="the cached $(basename "$cache")"
	tar -xf "$cache" -C "$root" ||
		bail "cannot unpack $cache (delete it and run again to rebuild it)"
else
	how="debootstrap --variant=minbase bookworm from $mirror, now cached"
	debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		bail "debootstrap from $mirror failed: $(tail -3 "$work/debootstrap.log" | tr '\n' ' ')"
	in_root apt-get clean
	# Written under a temporary name: an interrupted run leaves no cache.
	tar -cf "$cache.new" -C "$root" . && mv "$cache.new" "$cache" ||
		bail "cannot write $cache"
fi
grep -q '^12\.' "$root/etc/debian_version" && [ -x "$root/usr/bin/apt-get" ]
ok $? "a Debian $(cat "$root/etc/debian_version") root: $how ($(( $(date +%s) - start )) s)"
[ ! -e "$root/run/systemd/system" ] && ! in_root test -x /bin/systemctl ||
	bail "the root has systemd: it would not show how the scripts behave without it"
# The machine's suites: the packages were built against its (updated)
# libraries, so their shlibs may need bookworm-updates or the security
# archive.
rm -f "$root/etc/apt/sources.list"
{
	printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\n' "$mirror"
	printf 'Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
	[ -n "$security" ] && printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security"
} >"$root/etc/apt/sources.list.d/debian.sources"
cp /etc/resolv.conf "$root/etc/resolv.conf"

for d in proc sys dev; do
	# rbind: /sys brings tracefs, debugfs and the BPF file system, /dev
	# brings /dev/shm and /dev/pts; rslave: nothing done inside propagates
	# back to the machine.
	mount --rbind "/$d" "$root/$d" && mount --make-rslave "$root/$d" ||
		bail "cannot bind-mount /$d into $root"
done

# --- install with apt: the dependencies come from the mirror ---
mkdir -p "$root/tmp/debs"
debs=
for p in wqmon librefwq0 librefwq-dev; do
	f=$(basename "$pkgs/${p}_${version}_"*.deb)
	cp "$pkgs/$f" "$root/tmp/debs/" && debs="$debs /tmp/debs/$f"
done
in_root apt-get update -qq >"$work/apt.log" 2>&1
ok $? "apt-get update in the root ($(tail -1 "$work/apt.log"))"
# shellcheck disable=SC2086
in_root apt-get install -y -q --no-install-recommends $debs >>"$work/apt.log" 2>&1
ok $? "apt-get install$debs ($(tail -1 "$work/apt.log"))"
for p in wqmon librefwq0 librefwq-dev; do
	is "$(in_root dpkg-query -W -f='${Status} ${Version}' "$p" 2>&1)" \
		"install ok installed $version" "dpkg -s $p"
done
audit=$(in_root dpkg --audit 2>&1)
is "$audit" "" "dpkg --audit: no package half-configured (the postinst ran through without systemd)"
grep -qE '^(E|W): |dpkg: error' "$work/apt.log"
[ $? -ne 0 ]
ok $? "apt and dpkg reported no error or warning ($(grep -E '^(E|W): ' "$work/apt.log" | head -2 | tr '\n' ' '))"
deps=$(in_root dpkg-query -W -f='${Depends}' wqmon | tr ',' '\n' | sed 's/^ *//; s/[ |].*//')
missing=
for d in $deps; do
	in_root dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $d"
done
[ -n "$deps" ] && [ -z "$missing" ]
ok $? "every dependency of wqmon was installed by apt ($(echo $deps))"

# --- the files ---
list=$(in_root dpkg -L wqmon librefwq0 librefwq-dev)
man=/usr/share/man
expect="/usr/sbin/wqmond /usr/sbin/wqctl /usr/sbin/wqtop /usr/bin/refwq-demo
/usr/bin/refwq-cat $man/man8/wqmond.8.gz $man/man8/wqctl.8.gz $man/man8/wqtop.8.gz
$man/man5/wqmond.conf.5.gz $man/man1/refwq-demo.1.gz $man/man1/refwq-cat.1.gz /etc/wqmon/wqmond.conf
/lib/systemd/system/wqmond.service
/usr/share/bash-completion/completions/wqmond
/usr/share/bash-completion/completions/wqctl
/usr/share/bash-completion/completions/wqtop
/usr/share/wqmon/grafana/wqmon.json /usr/share/wqmon/grafana/wqmon-fleet.json
/usr/share/wqmon/prometheus/wqmon.rules.yml /usr/share/wqmon/prometheus/wqmon-fleet.rules.yml
/usr/share/wqmon/alertmanager/wqmon.yml
/usr/lib/$multiarch/librefwq.so.0 /usr/lib/$multiarch/librefwq.so.0.1.0 /usr/lib/$multiarch/librefwq.so
/usr/lib/$multiarch/librefwq.a /usr/lib/$multiarch/pkgconfig/refwq.pc
/usr/include/refwq/refwq.h /usr/include/refwq/workqueue.h /usr/include/refwq/wqueue.h
/usr/share/doc/wqmon/copyright"
absent=
for f in $expect; do
	{ echo "$list" | grep -qxF "$f" && [ -e "$root$f" ]; } || absent="$absent $f"
done
is "${absent:-none}" none "dpkg -L lists, and the root holds, the $(echo $expect | wc -w) expected files"
for f in wqmond wqctl wqtop; do
	[ -x "$root/usr/sbin/$f" ] && [ "$(stat -c %a "$root/usr/sbin/$f")" = 755 ]
	ok $? "/usr/sbin/$f is mode 755"
done
n=$(echo "$list" | grep -c '^/usr/share/wqmon/prometheus/.*\.yml$')
[ "$n" -ge 1 ]
ok $? "Prometheus alerting rules in /usr/share/wqmon/prometheus ($n files)"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["panels"]' \
	"$root/usr/share/wqmon/grafana/wqmon.json" 2>&1 | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "the Grafana dashboard is JSON with panels"
in_root dpkg-query -W -f='${Conffiles}\n' wqmon | grep -q '^ /etc/wqmon/wqmond.conf [0-9a-f]\{32\}$'
ok $? "/etc/wqmon/wqmond.conf is a conffile"
nl=$(in_root ldd /usr/sbin/wqmond /usr/sbin/wqctl /usr/sbin/wqtop /usr/bin/refwq-demo \
	/usr/bin/refwq-cat 2>&1 | grep -c 'not found')
is "$nl" 0 "ldd: every shared library of the programs is installed"
for p in /usr/sbin/wqmond /usr/sbin/wqctl /usr/sbin/wqtop /usr/bin/refwq-demo /usr/bin/refwq-cat; do
	out=$(in_root "$p" --version 2>&1)
	echo "$out" | grep -qF "$version"
	ok $? "$p --version runs in the root: $(echo "$out" | head -1)"
done
in_root /usr/sbin/wqmond --check-config -c /etc/wqmon/wqmond.conf >"$work/check.out" 2>&1
ok $? "the packaged configuration passes wqmond --check-config ($(head -c 200 "$work/check.out"))"

# The unit: what systemd would run, and enabled by the postinst.
unit="$root/lib/systemd/system/wqmond.service"
grep -qE '^ExecStart=/usr/sbin/wqmond( .*)? -c /etc/wqmon/wqmond.conf' "$unit"
ok $? "the unit runs $(grep '^ExecStart=' "$unit")"
grep -q '^Type=notify$' "$unit"
ok $? "the unit is Type=notify (wqmond calls sd_notify)"
wanted=$(sed -n 's/^WantedBy=//p' "$unit" | head -1)
link="$root/etc/systemd/system/$wanted.wants/wqmond.service"
[ -n "$wanted" ] && [ "$(readlink "$link")" = /lib/systemd/system/wqmond.service ]
ok $? "the postinst enabled wqmond.service in $wanted without systemd running"
[ ! -e "$root/run/systemd/system" ]
ok $? "and started nothing: there is no systemd to start it"

# The library: a program built against the installed headers and .pc links
# the packaged librefwq.so.0 and runs in the root.
cp "$(dirname "$0")/../../refwq/tests/consumer.c" "$work/t.c"
flags=$(PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/$multiarch/pkgconfig" \
	pkg-config --cflags --libs refwq 2>&1)
ok $? "pkg-config finds refwq.pc in the root ($flags)"
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror -o "$root/tmp/t" "$work/t.c" $flags 2>&1 | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "a program compiles against the installed headers and library"
# (resolved: with merged /usr, ld.so may name it under /lib)
is "$(in_root sh -c 'readlink -f "$(ldd /tmp/t | sed -n "s/^[[:space:]]*librefwq[^ ]* => \([^ ]*\) .*/\1/p")"')" \
	"$(in_root readlink -f "/usr/lib/$multiarch/librefwq.so.0")" "it loads the packaged librefwq.so.0"
is "$(in_root /tmp/t 2>&1)" "ran 1" "and runs its work item"

# --- the installed daemon on the real kernel ---
# daemon_run WHAT CMD...: start the installed wqmond on a free loopback
# port, load the kernel with a known workload, read it back, stop it.
daemon_run() {
	local what=$1 port U log="$work/wqmond-$1.log" n
	shift
	"$@" -c /etc/wqmon/wqmond.conf -l 127.0.0.1:0 >"$log" 2>&1 &
	dpid=$!
	port=$(bound_port "$log" $dpid) || bail "$what: the installed wqmond did not start: $(tail -3 "$log")"
	U="http://127.0.0.1:$port"
	wait_http "$U/healthz" 20
	ok $? "$what: the installed wqmond answers /healthz ($(tail -2 "$log" | tr '\n' ' '))"
	"$B/tests/gen/aiogen" -n 20000 >/dev/null
	ok $? "$what: aiogen queued 20000 aio_fsync_work items"
	sleep 2.5	# over two of the configured 1 s intervals
	curl -sf "$U/metrics" >"$work/metrics-$what"
	ok $? "$what: GET /metrics"
	grep -q '^wqmon_source_up{source="kernel"} 1$' "$work/metrics-$what"
	ok $? "$what: the kernel source is up ($(grep '^wqmon_source_up' "$work/metrics-$what" | tr '\n' ' '))"
	n=$(awk '/^wqmon_work_completed_total\{source="kernel",.*function="aio_fsync_work"/ { s += $2 }
		END { print s + 0 }' "$work/metrics-$what")
	# At least: anything else on this kernel may queue aio fsyncs too (the
	# exact counts are kernel_probes.sh's, on the build tree).
	[ "$n" -ge 20000 ]
	ok $? "$what: the probes counted the 20000 aio_fsync_work items ($n)"
	grep -q "^wqmon_build_info{version=\"$version\"} 1$" "$work/metrics-$what"
	ok $? "$what: wqmon_build_info says $version"
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		curl -sf --unix-socket "$root/run/wqmon/wqmond.sock" http://localhost/api/v1/sources |
		grep -q '"name":"kernel"'
	ok $? "$what: an unprivileged user reads the API on /run/wqmon/wqmond.sock"
	DAEMON_STATUS=$(cat "/proc/$dpid/status")
	kill -TERM "$dpid"
	wait "$dpid"
	is "$?" 0 "$what: SIGTERM stops it with status 0"
	dpid=
	[ ! -e "$root/run/wqmon/wqmond.sock" ]
	ok $? "$what: the socket is removed"
	DAEMON_LOG=$log
}

# /run/wqmon is the unit's RuntimeDirectory: made here as systemd would.
mkdir -p "$root/run/wqmon"
chmod "$(sed -n 's/^RuntimeDirectoryMode=//p' "$unit")" "$root/run/wqmon"
daemon_run root chroot "$root" /usr/sbin/wqmond

# As the packaged unit starts it, systemd aside: a uid of no account
# (DynamicUser=), the unit's ambient capabilities and bounding set,
# no_new_privs and its memlock limit, read from the installed unit.
capset() { sed -n "s/^$1=//p" "$unit" | tr 'A-Z ' 'a-z,' | sed 's/cap_/+/g'; }
amb=$(capset AmbientCapabilities)
bnd=$(capset CapabilityBoundingSet)
memlock=$(sed -n 's/^LimitMEMLOCK=//p' "$unit" | sed 's/^infinity$/unlimited/')
umask=$(sed -n 's/^UMask=//p' "$unit")
[ -n "$amb" ] && [ -n "$bnd" ] && grep -q '^DynamicUser=yes$' "$unit" &&
	grep -q '^NoNewPrivileges=yes$' "$unit"
ok $? "the unit: DynamicUser, NoNewPrivileges, ambient $amb, bounding $bnd, LimitMEMLOCK=${memlock:-none}, UMask=${umask:-none}"
# Raising the memlock limit needs CAP_SYS_RESOURCE, which a sandboxed root
# may lack; kernels from 5.11 on do not charge BPF memory to the limit.
if [ -z "$memlock" ] || ! (ulimit -l "$memlock") 2>/dev/null; then
	echo "# memlock kept at $(ulimit -l) (cannot set ${memlock:-none} here; kernel $(uname -r))"
	memlock=keep
fi
duid=61234	# in systemd's DynamicUser range, in no passwd
chown "$duid:$duid" "$root/run/wqmon"
# shellcheck disable=SC2016
daemon_run unit chroot "$root" /bin/sh -c \
	'{ [ "$1" = keep ] || ulimit -l "$1"; } && umask "$2" && shift 2 && exec setpriv "$@"' sh \
	"$memlock" "${umask:-0022}" --reuid=$duid --regid=$duid --clear-groups --inh-caps="$amb" \
	--ambient-caps="$amb" --bounding-set="-all,$bnd" --no-new-privs /usr/sbin/wqmond
grep -q "privileges dropped: uid $duid, capabilities cap_bpf=ep" "$DAEMON_LOG"
ok $? "unit: it kept CAP_BPF alone ($(grep -m1 'privileges' "$DAEMON_LOG"))"
echo "$DAEMON_STATUS" | awk -v u=$duid 'BEGIN { r = 1 }
	/^Uid:/ { r = !($2 == u && $3 == u && $4 == u && $5 == u) } END { exit r }'
ok $? "unit: it ran as uid $duid ($(echo "$DAEMON_STATUS" | grep '^Uid:'))"

# --- remove keeps the configuration, purge removes everything ---
files=$(echo "$list" | while read -r f; do [ -f "$root$f" ] && echo "$f"; done)
echo '# edited by the admin' >>"$root/etc/wqmon/wqmond.conf"
in_root apt-get remove -y -q wqmon >"$work/purge.log" 2>&1
ok $? "apt-get remove wqmon ($(tail -1 "$work/purge.log"))"
is "$(in_root dpkg-query -W -f='${Status}' wqmon 2>&1)" "deinstall ok config-files" \
	"removed, its configuration kept"
grep -q '^# edited by the admin$' "$root/etc/wqmon/wqmond.conf"
ok $? "the edited /etc/wqmon/wqmond.conf is still there"
[ ! -e "$root/usr/sbin/wqmond" ]
ok $? "the programs are gone"
in_root apt-get purge -y -q wqmon librefwq0 librefwq-dev >>"$work/purge.log" 2>&1
ok $? "apt-get purge wqmon librefwq0 librefwq-dev ($(tail -1 "$work/purge.log"))"
left=$(for f in $files /etc/wqmon; do [ -e "$root$f" ] && echo "$f"; done)
is "$(echo $left)" "" "purge removed all $(echo "$files" | wc -l) files, the conffile and /etc/wqmon"
[ ! -e "$link" ] && [ ! -L "$link" ]
ok $? "and the enablement link (deb-systemd-helper purge)"
for p in wqmon librefwq0 librefwq-dev; do
	is "$(in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" "" "dpkg no longer knows $p"
done

unmount_all
is "$(mounted | tr '\n' ' ')" "" "nothing is left mounted under the root"

# --- make install DESTDIR= ships what the packages ship ---
dest="$work/destdir"
rm -rf "$dest"
make -C "$top" --no-print-directory OUTPUT="$B" install DESTDIR="$dest" PREFIX=/usr \
	SYSCONFDIR=/etc LIBDIR="/usr/lib/$multiarch" SYSTEMDUNITDIR=/lib/systemd/system \
	>"$work/install.log" 2>&1
ok $? "make install DESTDIR=$dest ($(tail -1 "$work/install.log"))"
# The packages' files, less what debhelper adds (docs, compressed man
# pages): the same list.
pkg_files=$(for p in wqmon librefwq0 librefwq-dev; do
		dpkg-deb --fsys-tarfile "$pkgs/${p}_${version}_"*.deb | tar -t
	done | sed -e 's|^\./|/|' -e '/\/$/d' -e '\|^/usr/share/doc/|d' \
		-e '\|^/usr/share/lintian/|d' -e 's|^\(/usr/share/man/.*\)\.gz$|\1|' | sort -u)
dest_files=$(cd "$dest" && find . ! -type d | sed 's|^\./|/|' | sort)
diff <(echo "$pkg_files") <(echo "$dest_files") >"$work/install.diff"
ok $? "make install installs exactly the packages' files ($(grep '^[<>]' "$work/install.diff" | head -4 | tr '\n' ' '))"
"$dest/usr/sbin/wqmond" --check-config -c "$dest/etc/wqmon/wqmond.conf" >/dev/null 2>&1
ok $? "the DESTDIR wqmond checks the DESTDIR configuration"
rm -rf "$dest"
finish
