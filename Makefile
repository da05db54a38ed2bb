# SPDX-License-Identifier: GPL-2.0
# wqmon build.  `make` builds everything into $(OUTPUT); `make V=1` shows commands.
#   make run      build, check the machine, run wqmond in the foreground
#   make test     install deps, build, run every test; ends in "N passed, N failed"
#   make bench    probe cost benchmark (docs/BENCHMARKS.md)
#   make load     something to watch: aio work and a refwq demo (LOAD_SECONDS)
#   make install  PREFIX=/usr/local DESTDIR=
VERSION := 0.1.0
OUTPUT ?= build
# Install layout (GNU names); Debian's build passes PREFIX=/usr, the
# multiarch LIBDIR and SYSTEMDUNITDIR=/lib/systemd/system.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions

HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
ARCH ?= $(HOST_ARCH)
# A cross build (docs/BOARDS.md) sets CC, pkg-config and OUTPUT for ARCH.
include boards/cross.mk
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

# lib/'s layers (docs/DESIGN.md, "Layout"): every header by its bare name.
LIB_INC := -Ilib/core -Ilib/util -Ilib/io -Ilib/service
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
WARN := -Wall -Wextra -Werror
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
	-DWQMON_VERSION='"$(VERSION)"' -I$(OUTPUT) $(LIB_INC) -Ibpf
LIBS_BPF := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
LIBS_JSON := $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null || echo -ljson-c)
# Recordings (lib/io/recording.c) are gzip files: zlib, which libbpf needs
# anyway.
LIBS_BPF += $(shell $(PKG_CONFIG) --libs zlib 2>/dev/null || echo -lz)
# TLS and basic auth (daemon/web_config.c): GnuTLS, libyaml, libxcrypt.
LIBS_DAEMON := $(shell $(PKG_CONFIG) --libs libmicrohttpd inih libsystemd libcap \
	gnutls yaml-0.1 libxcrypt 2>/dev/null || \
	echo -lmicrohttpd -linih -lsystemd -lcap -lgnutls -lyaml -lcrypt) -lpthread
CFLAGS_JSON := $(shell $(PKG_CONFIG) --cflags json-c 2>/dev/null)
ALL_CFLAGS += $(CFLAGS_JSON)

.DELETE_ON_ERROR:
# Skeletons are intermediate files of a chain rule: keep them, or every
# make rebuilds them and everything that includes them.
.SECONDARY:
.PHONY: all run test bench install clean deps demo load

all:

# ---- kernel side ----
BPF_OBJ := $(OUTPUT)/wqmon.bpf.o
BPF_SKEL := $(OUTPUT)/wqmon.skel.h
# The configuration walk: its own object, loaded only when asked for.
CFG_BPF_OBJ := $(OUTPUT)/wqconfig.bpf.o
CFG_BPF_SKEL := $(OUTPUT)/wqconfig.skel.h

$(OUTPUT):
	$(Q)mkdir -p $@

$(BPF_OBJ): bpf/wqmon.bpf.c bpf/wqmon.h bpf/wqmon_core.h | $(OUTPUT)
$(CFG_BPF_OBJ): bpf/wqconfig.bpf.c bpf/wqcfg.h bpf/wqmon_core.h | $(OUTPUT)
$(BPF_OBJ) $(CFG_BPF_OBJ):
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
		-I/usr/include/$(MULTIARCH) -Ibpf -Wall -Werror -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $(basename $(basename $<)))_bpf > $@

# ---- lib/: the pure core, then the sources, helpers and services ----
# libwqmon-core.a is the domain with no I/O and no BPF: model, histograms,
# derived numbers, stall rules, formats.  refwq links it too.  Only the
# collector waits for the BPF skeleton.  Programs link $(LIB): both
# archives, the outer layer first.
CORE_SRCS := $(wildcard lib/core/*.c)
IO_SRCS := $(wildcard lib/io/*.c lib/util/*.c lib/service/*.c)
LIB_SRCS := $(CORE_SRCS) $(IO_SRCS)
LIB_HDRS := $(wildcard lib/*/*.h)
CORE_OBJS := $(patsubst lib/%.c,$(OUTPUT)/lib/%.o,$(CORE_SRCS))
IO_OBJS := $(patsubst lib/%.c,$(OUTPUT)/lib/%.o,$(IO_SRCS))
CORE_LIB := $(OUTPUT)/libwqmon-core.a
IO_LIB := $(OUTPUT)/libwqmon.a
LIB := $(IO_LIB) $(CORE_LIB)

$(OUTPUT)/lib/%.o: lib/%.c $(LIB_HDRS) bpf/wqmon.h bpf/wqcfg.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@
$(OUTPUT)/lib/io/collector.o: $(BPF_SKEL)
$(OUTPUT)/lib/io/wqconfig_reader.o: $(CFG_BPF_SKEL)

$(CORE_LIB): $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(IO_LIB): $(IO_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# ---- programs ----
WQCTL := $(OUTPUT)/wqctl
PROGRAMS := $(WQCTL)

$(OUTPUT)/cli/%.o: cli/%.c $(wildcard cli/*.h) $(LIB_HDRS)
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

$(OUTPUT)/daemon/%.o: daemon/%.c $(wildcard daemon/*.h) $(LIB_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Idaemon -I$(OUTPUT)/daemon -c $< -o $@

# The default configuration: installed as a file, built in as a string.
$(OUTPUT)/daemon/wqmond.conf.inc: daemon/wqmond.conf | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' $< > $@
$(OUTPUT)/daemon/config.o: $(OUTPUT)/daemon/wqmond.conf.inc

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
include boards/boards.mk
-include packaging/deb.mk

deps:
	$(Q)./scripts/deps.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(WQCTL) check
	$(Q)$(WQMOND)

test: deps
	$(Q)$(MAKE) --no-print-directory all test-build fuzz
	$(Q)./tests/run.sh $(OUTPUT)

# The dashboard moving on any machine, root or not: a refwq workload and a
# daemon that shows it (and the kernel too, as root).
demo: all
	$(Q)trap 'kill $$demo 2>/dev/null' EXIT INT TERM; \
	$(OUTPUT)/refwq-demo -t 0 -q & demo=$$!; \
	$(WQMOND) -s none $$( [ "$$(id -u)" -eq 0 ] || echo -o kernel.enabled=no )

# Something to watch: the kernel's aio fsync work (tests/gen/aiogen) and a
# refwq demo, for LOAD_SECONDS (default 60) or until Ctrl-C.  Any user: the
# load needs no privilege (watching the kernel's part does).
LOAD_SECONDS ?= 60
load: all $(OUTPUT)/tests/gen/aiogen
	$(Q)echo "load: aio fsync work and refwq-demo 'load' for $(LOAD_SECONDS) s (Ctrl-C stops)"
	$(Q)trap 'kill $$demo 2>/dev/null' EXIT INT TERM; \
	$(OUTPUT)/refwq-demo -t $(LOAD_SECONDS) -n load -q & demo=$$!; \
	$(OUTPUT)/tests/gen/aiogen -d $(LOAD_SECONDS) -r 5000 >/dev/null; wait $$demo

bench: deps
	$(Q)$(MAKE) --no-print-directory all test-build fuzz
	$(Q)./tests/bench/probe_cost.sh $(OUTPUT)
	$(Q)./tests/bench/kernel_cost.sh $(OUTPUT)
	$(Q)./tests/bench/daemon_cost.sh $(OUTPUT)
	$(Q)$(OUTPUT)/tests/bench/render_cost
	$(Q)./tests/bench/soak.sh $(OUTPUT)
	$(Q)./tests/bench/footprint.sh $(OUTPUT)

# The web dashboard is built into wqmond, so no web assets are installed.
# An existing configuration is kept: it is the administrator's.
install: all
	$(Q)install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/wqmon \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(DATADIR)/wqmon/prometheus $(DESTDIR)$(DATADIR)/wqmon/grafana \
		$(DESTDIR)$(DATADIR)/wqmon/alertmanager
	$(Q)install -m 0755 $(PROGRAMS) $(DESTDIR)$(SBINDIR)/
	$(Q)install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	$(Q)install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	$(Q)[ -e $(DESTDIR)$(SYSCONFDIR)/wqmon/wqmond.conf ] || \
		install -m 0644 daemon/wqmond.conf $(DESTDIR)$(SYSCONFDIR)/wqmon/
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		packaging/systemd/wqmond.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/wqmond.service
	$(Q)chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/wqmond.service
	$(Q)for p in wqctl wqtop wqmond; do \
		install -m 0644 packaging/bash-completion/wqmon $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	$(Q)install -m 0644 packaging/prometheus/wqmon.rules.yml \
		packaging/prometheus/wqmon-fleet.rules.yml $(DESTDIR)$(DATADIR)/wqmon/prometheus/
	$(Q)install -m 0644 packaging/alertmanager/wqmon.yml $(DESTDIR)$(DATADIR)/wqmon/alertmanager/
	$(Q)install -m 0644 packaging/grafana/wqmon.json packaging/grafana/wqmon-fleet.json \
		$(DESTDIR)$(DATADIR)/wqmon/grafana/

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)
