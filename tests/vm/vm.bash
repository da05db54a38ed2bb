# SPDX-License-Identifier: GPL-2.0
# Host side of the VM tests, sourced after tap.bash: build an initramfs for
# a scenario, boot Debian's pinned 6.1 kernel on it once, and turn the
# serial console's "WQMON-VM:" markers into TAP lines.  VM_ARCH=arm64, set
# before sourcing, boots the arm64 kernel on the arm64 build's files
# (OUTPUT/arm64, boards/boards.mk).
VM_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$VM_HERE/kernel.conf"
. "$VM_HERE/arch.sh"
if [ "$VM_ARCH" = x86 ]; then
	VM_DIR="$B/vm"
else
	VM_DIR="$B/$VM_ARCH/vm"
	# The host's busybox is for the host's machine.
	export VM_BUSYBOX="$VM_DIR/busybox"
fi
export VM_ARCH

# vm_boot NAME SCENARIO [FILE...]: boot once; the console log is $VM_LOG.
vm_boot() {
	local name=$1 scenario=$2 t0
	shift 2
	[ -s "$VM_DIR/vmlinuz-$VM_KVER" ] ||
		bail "no $VM_DIR/vmlinuz-$VM_KVER (make test-build fetches it)"
	command -v "$VM_QEMU" >/dev/null || bail "no $VM_QEMU ($VM_QEMU_PKG): make deps"
	VM_LOG="$B/test-logs/vm-$name.console"
	mkdir -p "$(dirname "$VM_LOG")"
	"$VM_HERE/mkinitramfs.sh" "$VM_DIR/$name.cpio.gz" "$scenario" "$@" ||
		bail "cannot build the $name initramfs"
	t0=$(date +%s.%N)
	"$VM_HERE/run.sh" "$VM_DIR" "$VM_DIR/$name.cpio.gz" "$VM_LOG" "${VM_TIMEOUT:-60}"
	VM_SECONDS=$(echo "$(date +%s.%N) - $t0" | bc)
	echo "# $name: VM ran ${VM_SECONDS}s; console log $VM_LOG"
}

# vm_report: the boot marker, every check the scenario made, its end
# marker, and no panic, oops or WARNING on the console.
vm_report() {
	local booted markers="$VM_LOG.markers"
	# The firmware's escape codes can precede a marker on its line.
	tr -d '\r' <"$VM_LOG" | sed -n 's/^.*\(WQMON-VM: \)/\1/p' >"$markers"
	booted=$(grep -a -m1 '^WQMON-VM: booted ' "$markers")
	[ -n "$booted" ]
	ok $? "VM booted Debian's $VM_KVER (${booted#WQMON-VM: booted })"
	grep -a '^WQMON-VM: | ' "$markers" | sed 's/^WQMON-VM: | /# vm: /'
	while IFS= read -r line; do
		case $line in
		"WQMON-VM: ok - "*) ok 0 "vm: ${line#WQMON-VM: ok - }" ;;
		"WQMON-VM: not ok - "*) ok 1 "vm: ${line#WQMON-VM: not ok - }" ;;
		esac
	done < <(grep -a -E '^WQMON-VM: (not )?ok - ' "$markers")
	grep -a -q '^WQMON-VM: done' "$markers"
	ok $? "the scenario ran to its end (${VM_SECONDS}s)"
	! grep -a -E -q 'Kernel panic|Oops|WARNING:|BUG:|Call Trace' "$VM_LOG"
	ok $? "no panic, oops or warning on the console"
	if [ "$TAP_FAILED" -ne 0 ]; then
		echo "# last console lines:"
		tr -d '\r' <"$VM_LOG" | tail -30 | sed 's/^/#   /'
	fi
}
