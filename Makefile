# SPDX-License-Identifier: GPL-2.0
# wqmon build.  `make` builds everything into $(OUTPUT); `make V=1` shows commands.
#   make run      build, check the machine, run wqmond in the foreground
#   make test     install deps, build, run every test; ends in "N passed, N failed"
#   make bench    probe cost benchmark (docs/BENCHMARKS.md)
#   make install  PREFIX=/usr/local DESTDIR=
VERSION := 0.1.0
OUTPUT ?= build
PREFIX ?= /usr/local
DESTDIR ?=

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
BPF_CFLAGS ?= -O2 -g

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
WARN := -Wall -Wextra -Werror
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
	-DWQMON_VERSION='"$(VERSION)"' -I$(OUTPUT) -Ilib -Ibpf
LIBS_BPF := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
LIBS_JSON := $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null || echo -ljson-c)
LIBS_DAEMON := $(shell $(PKG_CONFIG) --libs libmicrohttpd inih libsystemd libcap 2>/dev/null || \
	echo -lmicrohttpd -linih -lsystemd -lcap) -lpthread
CFLAGS_JSON := $(shell $(PKG_CONFIG) --cflags json-c 2>/dev/null)
ALL_CFLAGS += $(CFLAGS_JSON)

.DELETE_ON_ERROR:
# Skeletons are intermediate files of a chain rule: keep them, or every
# make rebuilds them and everything that includes them.
.SECONDARY:
.PHONY: all run test bench install clean deps demo

all:

# ---- kernel side ----
BPF_OBJ := $(OUTPUT)/wqmon.bpf.o
BPF_SKEL := $(OUTPUT)/wqmon.skel.h

$(OUTPUT):
	$(Q)mkdir -p $@

$(BPF_OBJ): bpf/wqmon.bpf.c bpf/wqmon.h bpf/wqmon_core.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
		-I/usr/include/$(MULTIARCH) -Ibpf -Wall -Werror -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $(basename $(basename $<)))_bpf > $@

# ---- lib/: collector, model, formats ----
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst lib/%.c,$(OUTPUT)/lib/%.o,$(LIB_SRCS))
LIB := $(OUTPUT)/libwqmon.a

$(OUTPUT)/lib/%.o: lib/%.c $(wildcard lib/*.h) bpf/wqmon.h $(BPF_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# ---- programs ----
WQCTL := $(OUTPUT)/wqctl
PROGRAMS := $(WQCTL)

$(OUTPUT)/cli/%.o: cli/%.c $(wildcard cli/*.h) $(wildcard lib/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(WQCTL): $(patsubst cli/%.c,$(OUTPUT)/cli/%.o,$(wildcard cli/*.c)) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS_BPF) $(LIBS_JSON) -lm

# ---- wqmond: the daemon, with the web dashboard built in ----
WQMOND := $(OUTPUT)/wqmond
PROGRAMS += $(WQMOND)
WEB_FILES := $(shell find web -type f ! -name '.*' 2>/dev/null)
DAEMON_OBJS := $(patsubst daemon/%.c,$(OUTPUT)/daemon/%.o,$(wildcard daemon/*.c)) \
	$(OUTPUT)/daemon/web_assets.o

$(OUTPUT)/daemon/web_assets.c: scripts/embed-assets.sh $(WEB_FILES) | $(OUTPUT)
	$(call msg,EMBED,$@)
	$(Q)mkdir -p $(@D)
	$(Q)./scripts/embed-assets.sh web > $@

$(OUTPUT)/daemon/%.o: daemon/%.c $(wildcard daemon/*.h) $(wildcard lib/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Idaemon -c $< -o $@

$(OUTPUT)/daemon/web_assets.o: $(OUTPUT)/daemon/web_assets.c daemon/assets.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Idaemon -c $< -o $@

$(WQMOND): $(DAEMON_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS_BPF) $(LIBS_JSON) $(LIBS_DAEMON) -lm

all: $(PROGRAMS)

-include refwq/refwq.mk
include tui/tui.mk
include tests/tests.mk
-include tests/vm/vm.mk
-include tests/fuzz/fuzz.mk
-include packaging/deb.mk

deps:
	$(Q)./scripts/deps.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(WQCTL) check
	$(Q)$(WQMOND)

test: deps
	$(Q)$(MAKE) --no-print-directory all test-build
	$(Q)./tests/run.sh $(OUTPUT)

# The dashboard moving on any machine, root or not: a refwq workload and a
# daemon that shows it (and the kernel too, as root).
demo: all
	$(Q)trap 'kill $$demo 2>/dev/null' EXIT INT TERM; \
	$(OUTPUT)/refwq-demo -t 0 -q & demo=$$!; \
	$(WQMOND) -s none $$( [ "$$(id -u)" -eq 0 ] || echo -o kernel.enabled=no )

bench: deps
	$(Q)$(MAKE) --no-print-directory all test-build
	$(Q)./tests/bench/probe_cost.sh $(OUTPUT)
	$(Q)./tests/bench/daemon_cost.sh $(OUTPUT)
	$(Q)$(OUTPUT)/tests/bench/render_cost

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)
