#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Scenario (inside the VM): load refwq.ko with its self-test and a known
# load, read /proc/workqueues with wqmon's own parser (wqctl cat), check
# the counts, unload, load again with other pool sizes, unload.
. /vmlib.sh
N=1000

t0=$(cut -d' ' -f1 /proc/uptime)
insmod /lib/modules/refwq.ko selftest=1 load=$N
vm_ok $? "insmod refwq.ko selftest=1 load=$N"
t1=$(cut -d' ' -f1 /proc/uptime)
echo "WQMON-VM: | insmod with self-test and load: ${t0}s..${t1}s"
dmesg | grep 'refwq: selftest: ' | sed 's/^.*refwq: selftest: //' >/tmp/st
sed -n 's/^\(not \)\{0,1\}ok [0-9]* - /&/p' /tmp/st |
	sed 's/^\(not \)\{0,1\}ok [0-9]* - \(.*\)$/WQMON-VM: \1ok - selftest: \2/'
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' /tmp/st)
echo "WQMON-VM: | selftest summary: $summary"
case $summary in
*" passed, 0 failed") [ "${summary%% *}" -gt 0 ] ;;
*) false ;;
esac
vm_ok $? "self-test summary: no case failed ($summary)"

[ -r /proc/workqueues ]
vm_ok $? "/proc/workqueues exists"
cat /proc/workqueues >/tmp/wq.txt
vm_log /tmp/wq.txt
wqctl cat /tmp/wq.txt >/tmp/re.txt 2>/tmp/re.err
vm_ok $? "wqctl cat parses /proc/workqueues ($(head -c 200 /tmp/re.err))"
# wqctl cat re-renders in its own row order (by completed): the derived
# sections must hold the same rows, everything else the same bytes.
views() {	# views FILE: the workqueues and functions rows, sorted
	awk '/^(workqueues|functions) / { v = 1; next } /^$/ { v = 0 }
		v && !/^#/' "$1" | sort
}
rest() {	# rest FILE: all but the workqueues and functions sections, to
	# "end" (wqctl cat prints a blank line after each view, as show does)
	awk '/^(workqueues|functions) / { v = 1 } /^$/ { v = 0 } !v
		/^end$/ { exit }' "$1"
}
rest /tmp/wq.txt >/tmp/a.rest
rest /tmp/re.txt >/tmp/b.rest
cmp -s /tmp/a.rest /tmp/b.rest
vm_ok $? "re-rendered by wqmon: header, counters, pools, histograms byte for byte"
views /tmp/wq.txt >/tmp/a.views
views /tmp/re.txt >/tmp/b.views
cmp -s /tmp/a.views /tmp/b.views && [ -s /tmp/a.views ]
vm_ok $? "re-rendered by wqmon: the same workqueues and functions rows (percentiles included)"
diff /tmp/a.rest /tmp/b.rest 2>&1 | head -10 | sed 's/^/WQMON-VM: | diff: /'
diff /tmp/a.views /tmp/b.views 2>&1 | head -10 | sed 's/^/WQMON-VM: | diff: /'
wqctl cat -j /tmp/wq.txt >/tmp/wq.json 2>&1
vm_ok $? "wqctl cat -j converts it to JSON"
head -1 /tmp/wq.txt | grep -q '^wqmon-workqueues v2 source=kmod kernel=6\.1\.'
vm_ok $? "header: wqmon-workqueues v2, source kmod, kernel 6.1"

# series POOL WQ FUNC queued= activated= started= completed= cancelled=
sum() {	# sum WQ FUNC FIELD: that field over the function's series
	awk -v wq="$1" -v fn="$2" -v f="$3" '$1 == "series" && $3 == wq && $4 == fn {
		for (i = 5; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) s += kv[2] } }
		END { print s + 0 }' /tmp/re.txt
}
for f in queued activated started completed; do
	vm_is "$(sum kmod_load load_unbound_fn $f)" $N "kmod_load load_unbound_fn $f"
done
for f in queued started completed; do
	vm_is "$(sum events load_percpu_fn $f)" $N "events load_percpu_fn $f (over its per-CPU pools)"
done
grep -q '^ *[0-9]* *u  *0 U ' /tmp/re.txt
vm_ok $? "pools: an unbound pool (cpu u, flags U)"

ps -o comm | grep '^rwq/' | sort | tr '\n' ' ' | sed 's/^/WQMON-VM: | kthreads: /; s/$/\n/'
[ "$(ps -o comm | grep -c '^rwq/')" -ge 3 ]
vm_ok $? "refwq's kthreads run (manager, timer, workers)"

t0=$(cut -d' ' -f1 /proc/uptime)
rmmod refwq
vm_ok $? "rmmod refwq"
t1=$(cut -d' ' -f1 /proc/uptime)
echo "WQMON-VM: | rmmod: ${t0}s..${t1}s"
[ ! -e /proc/workqueues ]
vm_ok $? "/proc/workqueues is gone"
left=$(ps -o comm | grep -c '^rwq/')
vm_is "$left" 0 "no refwq kthreads left"
dmesg | grep -q 'refwq: unloaded'
vm_ok $? "module exit ran"

dmesg -c >/dev/null
insmod /lib/modules/refwq.ko nr_cpus=3 max_workers=4 idle_timeout_ms=100 selftest=1
vm_ok $? "insmod again with nr_cpus=3 max_workers=4 selftest=1"
summary=$(dmesg | sed -n 's/^.*refwq: selftest: \([0-9]* passed, [0-9]* failed\)$/\1/p')
case $summary in
*" passed, 0 failed") [ "${summary%% *}" -gt 0 ] ;;
*) false ;;
esac
vm_ok $? "self-test with 3 virtual CPUs on 2: no case failed ($summary)"
vm_is "$(awk '$1 == "pools" { print $2 }' /proc/workqueues)" 8 "nr_cpus=3: 2*3+2 pools"
rmmod refwq
vm_ok $? "rmmod again"
dmesg | grep -i -E 'refwq.*(error|warn|fail)' | grep -v 'selftest: ok' | sed 's/^/WQMON-VM: | dmesg: /'
! dmesg | grep -q 'refwq: error'
vm_ok $? "no error reported by the core"
