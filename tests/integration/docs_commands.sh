#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every command the docs show works as shown: the wqctl, wqtop, wqmond,
# refwq-demo, refwq-cat and make commands in README.md and docs/*.md (code
# blocks, and `inline` spans that start with a program's name) are run, in
# the order the docs give them, in a scratch directory, each with a bound:
#   make ARGS          make -n ARGS: the targets and variables exist
#   wqctl show ...     one view of 0.3 s (-n 1 -i 0.3 added)
#   wqctl record ...   1 s (-d 1 added: the last -d wins)
#   wqctl audit-...    1 s; exit 1 (work ran there) is its documented FAIL
#   wqtop ...          one batch frame (-b -n 1 -d 0.3 added)
#   wqmond ...         --check-config added (--hash-password reads a line)
#   refwq-demo ...     1 s (-t 1 -q added)
# "http://prom:9090" is a Prometheus the test runs, scraping a wqmond;
# /etc/wqmon/wqmond.conf the tree's daemon/wqmond.conf (what installs).
# A usage error (exit 2) or any other failure fails the test, naming the
# doc and line; the few documented non-zero exits (wqctl alone, refwq-cat
# with nothing running, audit-isolation without isolated CPUs) must say
# why in a line.  A wqmond serves the default socket meanwhile.  FILE stands for a saved view, or a recording after
# --replay; the other capitalised placeholders (KDIR, OUT...) and prose
# fragments (an option without its value) are listed as not run.
set -u
. "$(dirname "$0")/tap.bash"
need_root
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
export PATH="$B:$PATH"
cd "$tmp" || bail "no scratch directory"

# The commands, one per line: FILE:LINE<TAB>COMMAND.
python3 - "$here" >"$tmp/cmds" <<'PY'
import glob, os, re, sys
root = sys.argv[1]
progs = r"(?:wqctl|wqtop|wqmond|refwq-demo|refwq-cat|make)"
inline = re.compile(r"`((?:sudo )?" + progs + r"(?: [^`]*)?)`")
start = re.compile(r"^(?:\$ )?(?:sudo )?" + progs + r"(?: |$)")
files = ["README.md"] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
seen = set()
for path in files:
    rel = os.path.relpath(os.path.join(root, path), root)
    lines = open(os.path.join(root, path)).read().split("\n")
    block = shell = False
    i = 0
    while i < len(lines):
        line, n = lines[i], i + 1
        i += 1
        if line.startswith("```"):
            block = not block
            shell = line[3:].strip() in ("sh", "bash", "shell", "console")
            continue
        found = []
        # In a block, a line is a command after a "$ " prompt, or in a
        # shell block; else it is output (wqtop's title starts "wqtop").
        if block:
            if start.match(line) and (line.startswith("$ ") or shell):
                cmd = line
                while cmd.rstrip().endswith("\\") and i < len(lines):
                    cmd = cmd.rstrip()[:-1] + " " + lines[i].strip()
                    i += 1
                found.append(cmd)
        else:
            found = [m.group(1) for m in inline.finditer(line)]
        for cmd in found:
            cmd = re.sub(r"^\$ ", "", cmd)
            cmd = re.sub(r"\s+#.*$", "", cmd).strip()
            cmd = re.sub(r"^sudo ", "", cmd)
            # A man page or file named like a program is no command.
            if re.match(r"^\S+(\(\d\)|\.\w+)$", cmd) or cmd in seen:
                continue
            seen.add(cmd)
            print("%s:%d\t%s" % (rel, n, cmd))
PY
[ -s "$tmp/cmds" ] || bail "no command found in the docs"

# What FILE stands for: a saved view, and a short recording.
wqctl show -n 1 -i 0.3 >"$tmp/view.txt" 2>/dev/null || bail "cannot save a view"
wqctl record -o "$tmp/rec.gz" -d 1 -i 0.3 >/dev/null 2>&1 || bail "cannot record"

# `wqctl record --source daemon` and the like read the default socket:
# a wqmond serves it for the test, unless one already does.
dpid=
if ! curl -sf --unix-socket /run/wqmon/wqmond.sock http://x/healthz >/dev/null 2>&1; then
	mkdir -p /run/wqmon
	"$B/wqmond" -l none -s /run/wqmon/wqmond.sock -o refwq.enabled=no >"$tmp/d.log" 2>&1 &
	dpid=$!
	trap '[ -n "$dpid" ] && kill $dpid; wait 2>/dev/null; rm -rf "$tmp"' EXIT
	for _ in $(seq 100); do
		curl -sf --unix-socket /run/wqmon/wqmond.sock http://x/healthz >/dev/null 2>&1 && break
		sleep 0.1
	done
fi

# `wqtop --prometheus http://prom:9090`: a real Prometheus stands for the
# docs' "prom", scraping a wqmond of the test's.
start_wqmond "$tmp/w.log" -s none -o refwq.enabled=no
wpid=$DPID
start_prometheus "$tmp" "127.0.0.1:$PORT"
trap 'for p in $dpid $wpid $PROM_PID; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
	curl -sf "$P/api/v1/query?query=up" | grep -q '"value":\[[^]]*,"1"\]' && break
	sleep 0.2
done

skipped=()
while IFS=$'\t' read -r where cmd; do
	run=$cmd
	ok_codes=" 0 "
	need_err=
	if [[ $run =~ --replay\ FILE ]]; then
		run=${run/--replay FILE/--replay $tmp/rec.gz}
	fi
	run=${run//FILE/$tmp/view.txt}
	run=${run//http:\/\/prom:9090/$P}
	# The installed configuration is the one in the tree.
	run=${run//\/etc\/wqmon\/wqmond.conf/$here/daemon/wqmond.conf}
	# Placeholders: capitals that are no make variable (KDIR, OUT), "...".
	# (Looked for in the doc's text, FILE aside: never in the scratch
	# path put in its place, whose random letters may be capitals.)
	bare=${cmd//FILE/}
	if [[ $bare =~ \.\.\.|KDIR|(\ |=)OUT(\ |$) ]] ||
		{ [[ $bare != make* ]] && [[ $bare =~ [A-Z]{3,} ]]; }; then
		skipped+=("$where ($cmd): a placeholder, or the kernel's build tree")
		continue
	fi
	case $run in
	"wqctl show --source" | "wqctl show -i" | "wqctl show --replay" | "wqctl cat" | "wqtop --prometheus")
		skipped+=("$where ($cmd): a command or option named in prose")
		continue ;;
	"make ARCH=arm64 test")
		skipped+=("$where ($cmd): named as refused (docs/BOARDS.md)")
		continue ;;
	"wqctl cat /proc/workqueues")
		skipped+=("$where ($cmd): needs the refwq module (vm_kmod.sh loads it)")
		continue ;;
	wqctl)
		ok_codes=" 2 " ;;	# a short usage, as documented
	refwq-cat)
		ok_codes=" 2 " ;;	# none running: said in one line
	"wqctl audit-isolation" | "wqctl audit-isolation --json")
		# The CPUs isolated here, none on this machine: it says so.
		run="$run -d 1"
		ok_codes=" 0 1 2 "
		need_err="no isolated CPUs here" ;;
	make\ *)
		run="make -n -C $here ${run#make }" ;;
	"wqctl show"*)
		if [[ $run == *">"* ]]; then
			run="${run%%>*} -n 1 -i 0.3 >${run#*>}"
		elif [[ $run != *--replay* ]]; then
			run="$run -n 1 -i 0.3"
		fi ;;
	"wqctl record"*)
		run="$run -d 1 -i 0.3" ;;
	"wqctl audit-isolation"*)
		run="$run -d 1"
		ok_codes=" 0 1 " ;;
	wqtop*)
		run="$run -b -n 1 -d 0.3" ;;
	"wqmond --hash-password"*)
		run="echo secret | $run" ;;
	wqmond*)
		run="$run --check-config" ;;
	refwq-demo*)
		run="$run -t 1 -q" ;;
	esac
	timeout 60 bash -c "$run" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	[[ $ok_codes == *" $rc "* ]] &&
		{ [ "$rc" -eq 0 ] || [ "$(wc -l <"$tmp/err")" -ge 1 ]; } &&
		{ [ -z "$need_err" ] || [ "$rc" -ne 2 ] || grep -q "$need_err" "$tmp/err"; }
	ok $? "$where: $cmd (exit $rc$( [ $rc -ne 0 ] && echo ": $(head -c 160 "$tmp/err" | tr '\n' ' ')"))"
done <"$tmp/cmds"
for s in "${skipped[@]}"; do
	echo "# not run: $s"
done
[ "${#skipped[@]}" -le 12 ]
ok $? "at most 12 doc commands are placeholders or prose (${#skipped[@]})"
finish
