#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wqmon's footprint on x86 and arm64 (docs/BOARDS.md): binary sizes as
# built and stripped, and wqmond's RSS and CPU at idle, on this host and in
# the arm64 VM (qemu-system-aarch64 under TCG: CPU there is emulation's, not
# a board's).  Idle: default configuration but no local socket and no refwq
# scan, no scrapes, the probes attached, measured over SECONDS after a
# 3 s settle.  Needs root (the probes) and `make test-build` (make arm64).
#   tests/bench/footprint.sh [OUTPUT_DIR]     (env: SECONDS_PER_RUN=30)
set -u
OUT=$(cd "${1:-build}" && pwd)
DUR=${SECONDS_PER_RUN:-30}
here=$(cd "$(dirname "$0")" && pwd)
vm=$(cd "$here/../vm" && pwd)
die() { echo "footprint: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (wqmond's probes)"
for f in wqmond wqctl wqtop wqmon.bpf.o arm64/wqmond arm64/wqctl arm64/wqtop \
	arm64/wqmon.bpf.o arm64/vm/busybox arm64/vm/aiogen arm64/vm/wqctl; do
	[ -s "$OUT/$f" ] || die "no $OUT/$f: make test-build (it builds make arm64)"
done
tmp=$(mktemp -d)
dpid=
trap '[ -n "$dpid" ] && kill $dpid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

kb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1024 }'; }
echo "## Binary sizes (KiB; stripped: strip --strip-all, BPF: llvm-strip -g, which keeps BTF)"
echo
echo "| file | x86 | x86 stripped | arm64 | arm64 stripped |"
echo "|---|---:|---:|---:|---:|"
for f in wqmond wqctl wqtop wqmon.bpf.o; do
	case $f in
	*.bpf.o)
		llvm-strip -g -o "$tmp/x" "$OUT/$f"
		llvm-strip -g -o "$tmp/a" "$OUT/arm64/$f"
		;;
	*)
		strip -o "$tmp/x" "$OUT/$f"
		aarch64-linux-gnu-strip -o "$tmp/a" "$OUT/arm64/$f"
		;;
	esac
	echo "| $f | $(kb "$OUT/$f") | $(kb "$tmp/x") | $(kb "$OUT/arm64/$f") | $(kb "$tmp/a") |"
done
echo

# idle_host: wqmond on this kernel, as daemon.sh runs it in the VM.
"$OUT/wqmond" -l 127.0.0.1:0 -s none -o refwq.enabled=no -o kmod.enabled=no \
	2>"$tmp/log" &
dpid=$!
sleep 3
kill -0 $dpid 2>/dev/null || die "wqmond did not start: $(tail -3 "$tmp/log")"
cpu() { awk '{ print $14 + $15 }' "/proc/$dpid/stat"; }
u0=$(cpu) s0=$(date +%s.%N)
sleep "$DUR"
u1=$(cpu) s1=$(date +%s.%N)
host_rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$dpid/status")
host_anon=$(awk '/^RssAnon/ { print $2 }' "/proc/$dpid/status")
host_cpu=$(awk -v u=$((u1 - u0)) -v t="$(getconf CLK_TCK)" -v a="$s0" -v b="$s1" \
	'BEGIN { printf "%.2f", u * 100 / t / (b - a) }')
kill $dpid
wait $dpid 2>/dev/null
dpid=

# idle_vm: the daemon scenario of the arm64 VM test, idle for DUR.
VM_ARCH=arm64 VM_BUSYBOX="$OUT/arm64/vm/busybox" "$vm/mkinitramfs.sh" "$tmp/i.cpio.gz" \
	"$vm/daemon.sh" "$OUT/arm64/wqmond" "$OUT/arm64/vm/aiogen" "$OUT/arm64/vm/wqctl" ||
	die "cannot build the arm64 initramfs"
VM_ARCH=arm64 "$vm/run.sh" "$OUT/arm64/vm" "$tmp/i.cpio.gz" "$tmp/console" \
	$((DUR + 120)) "wqmon.idle=$DUR"
line=$(tr -d '\r' <"$tmp/console" | grep -a -m1 'WQMON-VM: | footprint: wqmond idle')
[ -n "$line" ] || die "no footprint line from the arm64 VM: $(tail -5 "$tmp/console")"
vm_rss=$(echo "$line" | sed -n 's/.*rss_kb=\([0-9]*\).*/\1/p')
vm_cpu=$(echo "$line" | sed -n 's/.*cpu_pct=\([0-9.]*\).*/\1/p')
vm_anon=$(echo "$line" | sed -n 's/.*anon_kb=\([0-9]*\).*/\1/p')
vm_syms=$(echo "$line" | sed -n 's/.*kallsyms=\([0-9]*\).*/\1/p')
vm_btf=$(echo "$line" | sed -n 's/.*btf_bytes=\([0-9]*\).*/\1/p')

# What a board needs besides the binaries: wqmond's loader and libraries,
# as mkinitramfs.sh gathered them (the closure of its DT_NEEDED).
mkdir "$tmp/root"
(cd "$tmp/root" && zcat "$tmp/i.cpio.gz" | cpio -id --quiet lib/*) ||
	die "cannot read the arm64 initramfs"
libs=$(find "$tmp/root/lib" -type f -name '*.so*' | wc -l)
libkb=$(find "$tmp/root/lib" -type f -name '*.so*' -exec stat -c %s {} + |
	awk '{ s += $1 } END { printf "%.0f", s / 1024 }')
echo "wqmond on arm64 loads $libs shared objects (loader and libc included), $libkb KiB in all:"
echo "$(find "$tmp/root/lib" -type f -name '*.so*' -printf '%f\n' | sort | tr '\n' ' ')"
echo

echo "## wqmond at idle ($DUR s, no scrapes)"
echo
echo "| where | kernel | kallsyms lines | BTF (MB) | RSS (MB) | of it anonymous (MB) | CPU (% of one core) |"
echo "|---|---|---:|---:|---:|---:|---:|"
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
echo "| x86 host, $(nproc) CPUs | $(uname -r) | $(wc -l </proc/kallsyms) |" \
	"$(mb $(($(stat -c %s /sys/kernel/btf/vmlinux) / 1024))) | $(mb "$host_rss") |" \
	"$(mb "$host_anon") | $host_cpu |"
echo "| arm64 VM, TCG, 2 vCPUs | $(. "$vm/kernel.conf"; echo "$VM_KABI-arm64") | $vm_syms |" \
	"$(mb $((vm_btf / 1024))) | $(mb "$vm_rss") | $(mb "$vm_anon") | $vm_cpu |"
