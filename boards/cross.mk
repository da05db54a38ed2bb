# SPDX-License-Identifier: GPL-2.0
# Read by the top-level Makefile before anything is computed from CC or
# pkg-config: when ARCH names another machine than this one, its
# boards/ARCH.mk sets the tool chain, pkg-config and OUTPUT.
ifneq ($(ARCH),$(HOST_ARCH))
CROSS_MK := $(wildcard boards/$(ARCH).mk)
ifeq ($(CROSS_MK),)
$(error ARCH=$(ARCH): no cross build for it on $(HOST_ARCH); use one of: $(HOST_ARCH) \
	$(basename $(notdir $(filter-out boards/cross.mk boards/boards.mk,$(wildcard boards/*.mk)))))
endif
include $(CROSS_MK)
endif
