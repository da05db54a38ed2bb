# SPDX-License-Identifier: GPL-2.0
# Test programs.  Everything in $(OUTPUT)/tests/bin/ is run by tests/run.sh
# and must print TAP ("ok N - name" / "not ok N - name"); other makefiles
# (refwq/refwq.mk) add their own binaries to TEST_BINS.
LIBS_CMOCKA := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS += $(patsubst tests/unit/test_%.c,$(OUTPUT)/tests/bin/unit_%,$(UNIT_SRCS))
GEN_BINS := $(patsubst tests/gen/%.c,$(OUTPUT)/tests/gen/%,\
	$(filter-out tests/gen/fuseblock.c,$(wildcard tests/gen/*.c)))
# fuseblock links libfuse3, which the cross builds have no -dev of: its
# test (stuck_worker.sh) runs on this machine's kernel only.
ifeq ($(ARCH),$(HOST_ARCH))
GEN_BINS += $(OUTPUT)/tests/gen/fuseblock
endif

$(OUTPUT)/tests/bin/unit_%: tests/unit/test_%.c $(LIB) $(wildcard tests/unit/*.h)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LIBS_CMOCKA) $(LIBS_BPF) $(LIBS_JSON) -lm

$(OUTPUT)/tests/gen/%: tests/gen/%.c
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< -lpthread

# The blocking FUSE file system of the stuck-worker test: libfuse3.
$(OUTPUT)/tests/gen/fuseblock: tests/gen/fuseblock.c
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags fuse3) -o $@ $< \
		$(shell $(PKG_CONFIG) --libs fuse3)

.PHONY: test-build
test-build: $(TEST_BINS) $(GEN_BINS)

# Helpers of the integration scripts (tests/integration/*.sh): real kernel.
ITEST_BINS := $(patsubst tests/itest/%.c,$(OUTPUT)/tests/itest/%,$(wildcard tests/itest/*.c))

$(OUTPUT)/tests/itest/%: tests/itest/%.c $(LIB)
	$(call msg,ITEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LIBS_BPF) $(LIBS_JSON) -lm

test-build: $(ITEST_BINS)

# The probe-cost benchmark's floor: a count-only BPF program and its loader.
$(OUTPUT)/countonly.bpf.o: tests/bench/countonly.bpf.c bpf/wqmon_core.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
		-I/usr/include/$(MULTIARCH) -Ibpf -Wall -Werror -c $< -o $@

$(OUTPUT)/tests/bench/countonly: tests/bench/countonly.c $(OUTPUT)/countonly.skel.h
	$(call msg,BENCH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS_BPF)

test-build: $(OUTPUT)/tests/bench/countonly

# Unit tests of the daemon's pure modules (config, history, HTTP helpers).
DAEMON_UNIT_OBJS := $(OUTPUT)/daemon/config.o $(OUTPUT)/daemon/history.o \
	$(OUTPUT)/daemon/web_config.o $(OUTPUT)/daemon/query.o

$(OUTPUT)/tests/bin/unit_wqmond_%: tests/unit/test_wqmond_%.c $(DAEMON_UNIT_OBJS) $(LIB)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Idaemon -Itests/unit -o $@ $< $(DAEMON_UNIT_OBJS) $(LIB) \
		$(LIBS_CMOCKA) $(LIBS_BPF) $(LIBS_JSON) $(LIBS_DAEMON) -lm

$(OUTPUT)/tests/bench/render_cost: tests/bench/render_cost.c $(LIB)
	$(call msg,BENCH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LIBS_BPF) $(LIBS_JSON) -lm -lpthread

test-build: $(OUTPUT)/tests/bench/render_cost

# A refwq instance with a known workload, for wqmond's exactness test.
$(OUTPUT)/tests/itest/refwq_known: tests/itest/refwq_known.c $(REFWQ_EXPORT_LIBS) $(REFWQ_LIB_A)
	$(call msg,ITEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Irefwq/include -Irefwq/export -rdynamic -o $@ $< \
		$(REFWQ_EXPORT_LIBS) $(REFWQ_LIB_A) -lm -lpthread -ldl

# Unit tests of wqtop's table layer (WQTOP_TABLE_OBJS, tui/tui.mk): no
# curses, no sources.
$(OUTPUT)/tests/bin/unit_wqtop_%: tests/unit/test_wqtop_%.c $(WQTOP_TABLE_OBJS) $(LIB) \
		$(wildcard tests/unit/*.h)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Itui -Itests/unit -o $@ $< $(WQTOP_TABLE_OBJS) \
		$(LIB) $(LIBS_CMOCKA) $(LIBS_BPF) $(LIBS_JSON) -lm

# Some warnings appear only at some optimisation levels (format-truncation
# in daemon/source_kmod.c at -O1 once broke a -Werror build), and a
# distribution may build with its own CFLAGS: the daemon and the library
# compile at -O1 too, with the same -Werror.
O1_SRCS := $(wildcard daemon/*.c) $(LIB_SRCS)
O1_CFLAGS := $(filter-out -O%,$(ALL_CFLAGS)) -O1

$(OUTPUT)/tests/o1.stamp: $(O1_SRCS) $(wildcard daemon/*.h) $(LIB_HDRS) $(DAEMON_OBJS) $(LIB)
	$(call msg,O1,daemon lib)
	$(Q)for f in $(O1_SRCS); do \
		$(CC) $(O1_CFLAGS) -Idaemon -I$(OUTPUT)/daemon -c $$f -o /dev/null || exit 1; \
	done
	$(Q)mkdir -p $(@D) && touch $@

test-build: $(OUTPUT)/tests/o1.stamp
