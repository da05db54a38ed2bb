# SPDX-License-Identifier: GPL-2.0
# Boards (docs/BOARDS.md), included last by the top-level Makefile.
#   make ARCH=arm64    programs, refwq, and the test and load-generator
#                      binaries a board can run, in build/arm64/
#   make arm64         the same from a plain make; `make test` builds it
#                      and the arm64 VM's files (tests/integration/*arm64*)
ifneq ($(ARCH),$(HOST_ARCH))
# The sanitizer builds and refwq's build-tree script test are host tools.
BOARD_TEST_BINS := $(filter-out $(REFWQ_TSAN_BINS) $(REFWQ_ASAN_BINS) \
	$(REFWQ_TEST_SCRIPTS),$(TEST_BINS))
.PHONY: board-tests board-vm
board-tests: $(BOARD_TEST_BINS) $(GEN_BINS) $(ITEST_BINS) \
	$(OUTPUT)/tests/bench/countonly $(OUTPUT)/tests/bench/render_cost
all: board-tests

# What the ARCH VM boots (tests/vm/): Debian's kernel for ARCH, its static
# busybox, wqmon's static test programs; wqmond goes in as built, with its
# shared libraries.
VM_BUSYBOX := $(VM_OUT)/busybox
$(VM_BUSYBOX): tests/vm/fetch-deb.sh
	$(call msg,FETCH,$@)
	$(Q)./tests/vm/fetch-deb.sh busybox-static:$(VM_DEB_ARCH) bin/busybox $@
board-vm: $(VM_BINS) $(VM_KERNEL) $(VM_BUSYBOX) $(WQMOND)

# Running needs the board; the host's `make test` runs the ARCH tests.
test run bench demo: board-no-run
.PHONY: board-no-run
board-no-run:
	$(error make $(MAKECMDGOALS) ARCH=$(ARCH): runs on the host only; \
	the $(ARCH) tests run in a plain `make test` (docs/BOARDS.md))
else ifeq ($(HOST_ARCH),x86)
.PHONY: arm64
arm64:
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 OUTPUT=$(OUTPUT)/arm64 all board-vm
test-build: arm64
endif
