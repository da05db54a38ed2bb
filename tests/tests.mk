# SPDX-License-Identifier: GPL-2.0
# Test programs.  Everything in $(OUTPUT)/tests/bin/ is run by tests/run.sh
# and must print TAP ("ok N - name" / "not ok N - name"); other makefiles
# (refwq/refwq.mk) add their own binaries to TEST_BINS.
LIBS_CMOCKA := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS += $(patsubst tests/unit/test_%.c,$(OUTPUT)/tests/bin/unit_%,$(UNIT_SRCS))
GEN_BINS := $(patsubst tests/gen/%.c,$(OUTPUT)/tests/gen/%,$(wildcard tests/gen/*.c))

$(OUTPUT)/tests/bin/unit_%: tests/unit/test_%.c $(LIB) $(wildcard tests/unit/*.h)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LIBS_CMOCKA) $(LIBS_BPF) $(LIBS_JSON) -lm

$(OUTPUT)/tests/gen/%: tests/gen/%.c
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< -lpthread

.PHONY: test-build
test-build: $(TEST_BINS) $(GEN_BINS)
