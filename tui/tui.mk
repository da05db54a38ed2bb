# SPDX-License-Identifier: GPL-2.0
# wqtop, the terminal dashboard.  Included by the top-level Makefile after
# refwq/refwq.mk: it reads refwq instances' shared memory through lib/'s
# reader (lib/io/refwq_reader.c) and refwq's layout header alone, so it links
# no refwq code (`nm build/wqtop` shows no refwq core symbol).
#   make wqtop        build/wqtop
#   make wqtop-asan   build/wqtop-asan: wqtop and lib/ under ASan+UBSan
WQTOP := $(OUTPUT)/wqtop
WQTOP_ASAN := $(OUTPUT)/wqtop-asan
WQTOP_SRCS := $(wildcard tui/*.c)
WQTOP_HDRS := $(wildcard tui/*.h) $(LIB_HDRS) refwq/export/refwq_shm.h
WQTOP_OBJS := $(patsubst tui/%.c,$(OUTPUT)/tui/%.o,$(WQTOP_SRCS))
# The table layer: everything but the terminal, the event loop, the
# sources and the fleet view's HTTP and curses, so the unit tests
# (tests/unit/test_wqtop_*.c) link it alone.
WQTOP_TABLE_OBJS := $(filter-out $(addprefix $(OUTPUT)/tui/,wqtop.o screen.o fleet_main.o \
	crt.o feed.o),$(WQTOP_OBJS))
WQTOP_CFLAGS = $(ALL_CFLAGS) -Itui -Irefwq/export
LIBS_CURSES := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
WQTOP_LIBS = $(LIBS_BPF) $(LIBS_JSON) $(LIBS_CURSES) -lm -lpthread

$(OUTPUT)/tui/%.o: tui/%.c $(WQTOP_HDRS) $(BPF_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(WQTOP_CFLAGS) -c $< -o $@

$(WQTOP): $(WQTOP_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(WQTOP_OBJS) $(LIB) $(WQTOP_LIBS)

# The sanitizer build: wqtop and lib/ instrumented (lib/ is where the
# snapshots it walks come from).
WQTOP_SAN := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
WQTOP_ASAN_OBJS := $(patsubst tui/%.c,$(OUTPUT)/asan/tui/%.o,$(WQTOP_SRCS)) \
	$(patsubst lib/%.c,$(OUTPUT)/asan/lib/%.o,$(LIB_SRCS))

$(OUTPUT)/asan/tui/%.o: tui/%.c $(WQTOP_HDRS) $(BPF_SKEL)
	$(call msg,ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(WQTOP_CFLAGS) $(WQTOP_SAN) -c $< -o $@

$(OUTPUT)/asan/lib/%.o: lib/%.c $(LIB_HDRS) bpf/wqmon.h bpf/wqcfg.h
	$(call msg,ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(WQTOP_SAN) -c $< -o $@
$(OUTPUT)/asan/lib/io/collector.o: $(BPF_SKEL)
$(OUTPUT)/asan/lib/io/wqconfig_reader.o: $(CFG_BPF_SKEL)

$(WQTOP_ASAN): $(WQTOP_ASAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(WQTOP_SAN) -o $@ $(filter $(OUTPUT)/asan/tui/%,$^) \
		$(filter $(OUTPUT)/asan/lib/%,$^) $(WQTOP_LIBS)

.PHONY: wqtop wqtop-asan
wqtop: $(WQTOP)
wqtop-asan: $(WQTOP_ASAN)
all: $(WQTOP)
PROGRAMS += $(WQTOP)
# The integration test (tests/integration/wqtop.sh) runs the ASan build.
test-build: $(WQTOP_ASAN)
