# SPDX-License-Identifier: GPL-2.0
# The VM tests (tests/integration/vm_*.sh): Debian's pinned 6.1 kernel
# (tests/vm/kernel.conf) under QEMU with a busybox initramfs.  This file
# builds what goes into the VM: static wqmon programs (no libraries in the
# initramfs) and the refwq kernel module, all under $(OUTPUT)/vm/.  In a
# cross build the same static programs and Debian's kernel are ARCH's
# (boards/boards.mk).
include tests/vm/kernel.conf
VM_DEB_ARCH := $(if $(filter x86,$(ARCH)),amd64,$(ARCH))
VM_KVER := $(VM_KABI)-$(VM_DEB_ARCH)
VM_OUT := $(OUTPUT)/vm
VM_KDIR ?= /usr/src/linux-headers-$(VM_KVER)
VM_STATIC_LIBS := -static -lbpf -lelf -lz -ljson-c -lm -lpthread
VM_BINS := $(VM_OUT)/probe_counts $(VM_OUT)/aiogen $(VM_OUT)/wqctl
VM_KERNEL := $(VM_OUT)/vmlinuz-$(VM_KVER)

$(VM_KERNEL): tests/vm/fetch-deb.sh tests/vm/kernel.conf
	$(call msg,FETCH,$@)
	$(Q)./tests/vm/fetch-deb.sh linux-image-$(VM_KVER):$(VM_DEB_ARCH) \
		boot/vmlinuz-$(VM_KVER) $@

$(VM_OUT)/probe_counts: tests/itest/probe_counts.c $(LIB)
	$(call msg,STATIC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(VM_STATIC_LIBS)

$(VM_OUT)/aiogen: tests/gen/aiogen.c
	$(call msg,STATIC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -static -o $@ $< -lpthread

$(VM_OUT)/wqctl: $(patsubst cli/%.c,$(OUTPUT)/cli/%.o,$(wildcard cli/*.c)) $(LIB)
	$(call msg,STATIC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(VM_STATIC_LIBS)

.PHONY: vm-build
vm-build: $(VM_BINS) $(VM_KERNEL)
test-build: vm-build

# refwq.ko, out of tree against the pinned kernel's headers, built in
# $(VM_OUT)/kmod (refwq/kmod/Makefile links the sources there).
VM_KMOD := $(VM_OUT)/kmod/refwq.ko
VM_KMOD_SRCS := $(REFWQ_CORE_SRCS) $(wildcard refwq/kmod/*.c refwq/kmod/*.h refwq/port/linux/*.c \
	refwq/port/linux/*.h refwq/port/linux/include/*.h) refwq/kmod/Kbuild \
	refwq/kmod/Makefile $(REFWQ_HDRS)

$(VM_KMOD): $(VM_KMOD_SRCS)
	$(call msg,KMOD,$@)
	$(Q)$(MAKE) --no-print-directory -C refwq/kmod KDIR=$(VM_KDIR) \
		OUT=$(abspath $(VM_OUT)/kmod) $(if $(filter 1,$(V)),,>/dev/null)

vm-build: $(VM_KMOD)
