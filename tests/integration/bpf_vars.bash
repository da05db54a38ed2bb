# SPDX-License-Identifier: GPL-2.0
# Read the running probes' global variables (bpf/wqmon.bpf.c's .bss) the
# way an outsider can: bpftool, the map's own BTF for the offset, the map's
# bytes for the value.  Sourced by tests and benchmarks; needs root.  One
# wqmon instance at a time (the map is found by name, cut to 15 chars).

# bss_var NAME: the 64-bit variable NAME, in decimal.
bss_var() {
	local btf off
	btf=$(bpftool map show name wqmon_bp.bss -j 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["btf_id"])' 2>/dev/null) ||
		return 1
	off=$(bpftool btf dump id "$btf" | sed -n "s/.*offset=\([0-9]*\) size=8 (VAR '$1')/\1/p")
	[ -n "$off" ] || return 1
	bpftool map dump name wqmon_bp.bss -j | python3 -c '
import json, sys
o = int(sys.argv[1])
v = json.load(sys.stdin)[0]["value"][o:o + 8]
print(int.from_bytes(bytes(int(b, 16) for b in v), "little"))' "$off"
}

# wait_coarse: until the probes' coarse clock is calibrated (a second of
# sweeps, bpf/wqmon.bpf.c calibrate_coarse()), at most 10 s.  Prints the
# tick in ns; fails if it never came.
wait_coarse() {
	local tick
	for _ in $(seq 50); do
		tick=$(bss_var coarse_tick_ns 2>/dev/null)
		[ "${tick:-0}" != 0 ] && { echo "$tick"; return 0; }
		sleep 0.2
	done
	return 1
}
