# SPDX-License-Identifier: GPL-2.0
# Sourced by the scenarios inside the VM: checks become marker lines that
# the host turns into TAP (tests/vm/vm.bash).
vm_ok() {	# vm_ok STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then
		echo "WQMON-VM: ok - $2"
	else
		echo "WQMON-VM: not ok - $2"
	fi
}

vm_is() {	# vm_is ACTUAL EXPECTED DESCRIPTION
	[ "$1" = "$2" ]
	vm_ok $? "$3 (got '$1', want '$2')"
}

# vm_log FILE: copy a file to the console, each line tagged, for the record.
vm_log() {
	sed 's/^/WQMON-VM: | /' "$1"
}
