# SPDX-License-Identifier: GPL-2.0
# refwq: the reference workqueue (core + POSIX port + Linux/NuttX APIs),
# its export bridge, tests and demo.  Included by the top-level Makefile.
#   make refwq-all     librefwq.a, librefwq.so, refwq.pc, refwq-demo
#   make refwq-test    build and run refwq's tests only
REFWQ_PORT ?= posix
REFWQ_VERSION := $(VERSION)
REFWQ_OUT := $(OUTPUT)/refwq
REFWQ_INC := -Irefwq/include -Irefwq/port/$(REFWQ_PORT)
# The core is freestanding C: no libc, every platform call goes via port.h.
REFWQ_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -fPIC \
	$(REFWQ_INC)
REFWQ_CORE_CFLAGS := $(REFWQ_CFLAGS) -ffreestanding
REFWQ_PORT_CFLAGS := $(REFWQ_CFLAGS) -D_GNU_SOURCE

REFWQ_CORE_SRCS := $(wildcard refwq/core/*.c)
REFWQ_PORT_SRCS := $(wildcard refwq/port/$(REFWQ_PORT)/*.c)
REFWQ_HDRS := $(wildcard refwq/include/refwq/*.h) $(wildcard refwq/core/*.h) \
	refwq/port/port.h $(wildcard refwq/port/$(REFWQ_PORT)/*.h)
REFWQ_CORE_OBJS := $(patsubst refwq/core/%.c,$(REFWQ_OUT)/core/%.o,$(REFWQ_CORE_SRCS))
REFWQ_PORT_OBJS := $(patsubst refwq/port/$(REFWQ_PORT)/%.c,$(REFWQ_OUT)/port/%.o,$(REFWQ_PORT_SRCS))
REFWQ_OBJS := $(REFWQ_CORE_OBJS) $(REFWQ_PORT_OBJS)

REFWQ_LIB_A := $(OUTPUT)/librefwq.a
# A versioned shared library: programs record the soname, librefwq.so.0,
# which changes only when the ABI breaks; librefwq.so is for the linker.
REFWQ_SOMAJOR := 0
REFWQ_SONAME := librefwq.so.$(REFWQ_SOMAJOR)
REFWQ_LIB_SO_REAL := $(OUTPUT)/librefwq.so.$(REFWQ_VERSION)
REFWQ_LIB_SO := $(OUTPUT)/librefwq.so
REFWQ_PC := $(OUTPUT)/refwq.pc
REFWQ_DEMO := $(OUTPUT)/refwq-demo
REFWQ_LIBS := -lpthread
REFWQ_EXPORT_OBJ := $(REFWQ_OUT)/export/refwq_export.o $(REFWQ_OUT)/export/refwq_shm.o
# The export bridge needs lib/'s pure core (model, text) and the segment
# reader (refwq-cat); neither waits for the BPF toolchain.
REFWQ_EXPORT_LIBS := $(REFWQ_EXPORT_OBJ) $(OUTPUT)/lib/io/refwq_reader.o $(CORE_LIB)

$(REFWQ_OUT)/core/%.o: refwq/core/%.c $(REFWQ_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(REFWQ_CORE_CFLAGS) -c $< -o $@

$(REFWQ_OUT)/port/%.o: refwq/port/$(REFWQ_PORT)/%.c $(REFWQ_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(REFWQ_PORT_CFLAGS) -c $< -o $@

$(REFWQ_LIB_A): $(REFWQ_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(REFWQ_LIB_SO_REAL): $(REFWQ_OBJS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,$(REFWQ_SONAME) -o $@ $^ $(REFWQ_LIBS)

$(REFWQ_LIB_SO): $(REFWQ_LIB_SO_REAL)
	$(Q)ln -sf $(notdir $<) $(OUTPUT)/$(REFWQ_SONAME)
	$(Q)ln -sf $(REFWQ_SONAME) $@

# pkg-config file for the build tree (with an rpath, so programs run from
# it); `make install` writes one with the installed paths.
$(REFWQ_PC): refwq/refwq.pc.in
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@LIBDIR@|$(abspath $(OUTPUT))|' \
		-e 's|@INCLUDEDIR@|$(abspath refwq/include)|' \
		-e 's|@RPATH@|-Wl,-rpath,$${libdir} |' \
		-e 's|@VERSION@|$(REFWQ_VERSION)|' $< > $@

# The demo publishes its statistics for wqmond (export/), so it links lib/.
$(REFWQ_DEMO): refwq/demo/refwq-demo.c $(REFWQ_EXPORT_LIBS) $(REFWQ_LIB_A)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE $(LIB_INC) -Irefwq/include \
		-Irefwq/export -DWQMON_VERSION='"$(VERSION)"' -rdynamic -o $@ $< \
		$(REFWQ_EXPORT_LIBS) $(REFWQ_LIB_A) -lm $(REFWQ_LIBS) -ldl

REFWQ_CAT := $(OUTPUT)/refwq-cat
$(REFWQ_CAT): refwq/export/refwq-cat.c $(REFWQ_EXPORT_LIBS) $(REFWQ_LIB_A)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE $(LIB_INC) -Irefwq/include \
		-Irefwq/export -DWQMON_VERSION='"$(VERSION)"' -o $@ $< \
		$(REFWQ_EXPORT_LIBS) $(REFWQ_LIB_A) -lm $(REFWQ_LIBS) -ldl

.PHONY: refwq-all refwq-test
refwq-all: $(REFWQ_LIB_A) $(REFWQ_LIB_SO_REAL) $(REFWQ_LIB_SO) $(REFWQ_PC) $(REFWQ_DEMO) $(REFWQ_CAT)
all: refwq-all

# ---- tests ----
REFWQ_TEST_SRCS := $(wildcard refwq/tests/refwq_*.c)
REFWQ_TEST_BINS := $(patsubst refwq/tests/%.c,$(OUTPUT)/tests/bin/%,$(REFWQ_TEST_SRCS))
REFWQ_TEST_SCRIPTS := $(patsubst refwq/tests/%.sh,$(OUTPUT)/tests/bin/%,$(wildcard refwq/tests/refwq_*.sh))
TEST_BINS += $(REFWQ_TEST_BINS) $(REFWQ_TEST_SCRIPTS)

$(OUTPUT)/tests/bin/refwq_%: refwq/tests/refwq_%.c refwq/tests/tap.h refwq/tests/works.h $(REFWQ_LIB_A)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Irefwq/include \
		-Irefwq/tests -o $@ $< $(REFWQ_LIB_A) $(REFWQ_LIBS)

$(OUTPUT)/tests/bin/refwq_%: refwq/tests/refwq_%.sh $(REFWQ_LIB_A) $(REFWQ_LIB_SO) $(REFWQ_PC)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)install -m 0755 $< $@

refwq-test: $(REFWQ_TEST_BINS) $(REFWQ_TEST_SCRIPTS)
	$(Q)for t in $^; do echo "# $$t"; WQMON_BUILD=$(abspath $(OUTPUT)) $$t || exit 1; done

# The same tests under ThreadSanitizer and AddressSanitizer+UBSan, the core
# compiled into each binary with the sanitizer.
REFWQ_SAN_SRCS := $(REFWQ_CORE_SRCS) $(REFWQ_PORT_SRCS)
REFWQ_SAN_NAMES := $(patsubst refwq/tests/refwq_%.c,%,$(REFWQ_TEST_SRCS))
REFWQ_TSAN_BINS := $(patsubst %,$(OUTPUT)/tests/bin/refwq_tsan_%,$(REFWQ_SAN_NAMES))
REFWQ_ASAN_BINS := $(patsubst %,$(OUTPUT)/tests/bin/refwq_asan_%,$(REFWQ_SAN_NAMES))
TEST_BINS += $(REFWQ_TSAN_BINS) $(REFWQ_ASAN_BINS)

$(OUTPUT)/tests/bin/refwq_tsan_%: refwq/tests/refwq_%.c refwq/tests/tap.h refwq/tests/works.h $(REFWQ_SAN_SRCS) $(REFWQ_HDRS)
	$(call msg,TSAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -g -O1 -fsanitize=thread $(WARN) -std=gnu11 -D_GNU_SOURCE -DREFWQ_DEBUG \
		$(REFWQ_INC) -Irefwq/tests -o $@ $< $(REFWQ_SAN_SRCS) $(REFWQ_LIBS)

$(OUTPUT)/tests/bin/refwq_asan_%: refwq/tests/refwq_%.c refwq/tests/tap.h refwq/tests/works.h $(REFWQ_SAN_SRCS) $(REFWQ_HDRS)
	$(call msg,ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		$(WARN) -std=gnu11 -D_GNU_SOURCE -DREFWQ_DEBUG $(REFWQ_INC) -Irefwq/tests \
		-o $@ $< $(REFWQ_SAN_SRCS) $(REFWQ_LIBS)

refwq-test: $(REFWQ_TSAN_BINS) $(REFWQ_ASAN_BINS)

# ---- export bridge (libc + lib/model): refwq -> struct wq_snapshot ----

$(REFWQ_OUT)/export/%.o: refwq/export/%.c $(wildcard refwq/export/*.h) \
		$(LIB_HDRS) $(REFWQ_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE $(LIB_INC) -Irefwq/include \
		-Irefwq/export -c $< -o $@

$(OUTPUT)/tests/bin/refwq_export: refwq/tests/export_test.c refwq/tests/tap.h \
		$(REFWQ_EXPORT_LIBS) $(REFWQ_LIB_A)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -rdynamic $(LIB_INC) \
		-Irefwq/include -Irefwq/export -Irefwq/tests -o $@ $< \
		$(REFWQ_EXPORT_LIBS) $(REFWQ_LIB_A) -lm $(REFWQ_LIBS) -ldl
TEST_BINS += $(OUTPUT)/tests/bin/refwq_export
refwq-test: $(OUTPUT)/tests/bin/refwq_export

# ---- benchmark: refwq vs GThreadPool vs a mutex+condvar pool ----
REFWQ_GLIB_CFLAGS := $(shell $(PKG_CONFIG) --cflags glib-2.0 2>/dev/null)
REFWQ_GLIB_LIBS := $(shell $(PKG_CONFIG) --libs glib-2.0 2>/dev/null)
ifneq ($(REFWQ_GLIB_LIBS),)
REFWQ_GLIB_CFLAGS += -DHAVE_GLIB
endif
REFWQ_BENCH := $(OUTPUT)/refwq-bench $(OUTPUT)/refwq-bench-nostats

$(OUTPUT)/refwq-bench: refwq/bench/refwq_bench.c $(REFWQ_SAN_SRCS) $(REFWQ_HDRS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE $(REFWQ_INC) \
		$(REFWQ_GLIB_CFLAGS) -DWQMON_VERSION='"$(VERSION)"' -o $@ $< \
		$(REFWQ_SAN_SRCS) $(REFWQ_GLIB_LIBS) $(REFWQ_LIBS)

$(OUTPUT)/refwq-bench-nostats: refwq/bench/refwq_bench.c $(REFWQ_SAN_SRCS) $(REFWQ_HDRS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -DREFWQ_NO_STATS \
		$(REFWQ_INC) $(REFWQ_GLIB_CFLAGS) -DWQMON_VERSION='"$(VERSION)"' \
		-o $@ $< $(REFWQ_SAN_SRCS) $(REFWQ_GLIB_LIBS) $(REFWQ_LIBS)

.PHONY: refwq-bench
refwq-bench: $(REFWQ_BENCH)
	$(Q)echo "# instrumented"; $(OUTPUT)/refwq-bench
	$(Q)echo "# instrumented, no per-item CPU clocks"; $(OUTPUT)/refwq-bench -C -o refwq-unbound; $(OUTPUT)/refwq-bench -C -o refwq-percpu
	$(Q)echo "# instrumentation compiled out"; $(OUTPUT)/refwq-bench-nostats -o refwq-unbound; $(OUTPUT)/refwq-bench-nostats -o refwq-percpu

# ---- install: libraries, headers, refwq.pc, the demo ----
# refwq_install_lib(destdir, libdir, includedir): the library part, also
# used to stage an installed-style tree for the refwq_build test.
define refwq_install_lib
	$(Q)install -d $(1)$(2)/pkgconfig $(1)$(3)/refwq
	$(Q)install -m 0644 $(REFWQ_LIB_A) $(1)$(2)/
	$(Q)install -m 0644 $(REFWQ_LIB_SO_REAL) $(1)$(2)/
	$(Q)ln -sf $(notdir $(REFWQ_LIB_SO_REAL)) $(1)$(2)/$(REFWQ_SONAME)
	$(Q)ln -sf $(REFWQ_SONAME) $(1)$(2)/librefwq.so
	$(Q)install -m 0644 $(wildcard refwq/include/refwq/*.h) $(1)$(3)/refwq/
	$(Q)sed -e 's|@LIBDIR@|$(2)|' -e 's|@INCLUDEDIR@|$(3)|' \
		-e 's|@RPATH@||' -e 's|@VERSION@|$(REFWQ_VERSION)|' refwq/refwq.pc.in \
		> $(1)$(2)/pkgconfig/refwq.pc
endef

.PHONY: refwq-install
install: refwq-install
refwq-install: refwq-all
	$(call refwq_install_lib,$(DESTDIR),$(LIBDIR),$(INCLUDEDIR))
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	$(Q)install -m 0755 $(REFWQ_DEMO) $(REFWQ_CAT) $(DESTDIR)$(BINDIR)/
	$(Q)install -m 0644 refwq/demo/refwq-demo.1 refwq/export/refwq-cat.1 $(DESTDIR)$(MANDIR)/man1/

REFWQ_STAGE := $(REFWQ_OUT)/stage
$(REFWQ_STAGE)/.done: $(REFWQ_LIB_A) $(REFWQ_LIB_SO) refwq/refwq.pc.in \
		$(wildcard refwq/include/refwq/*.h)
	$(call msg,STAGE,$(REFWQ_STAGE))
	$(Q)rm -rf $(REFWQ_STAGE)
	$(call refwq_install_lib,$(abspath $(REFWQ_STAGE)),/usr/lib,/usr/include)
	$(Q)touch $@
$(OUTPUT)/tests/bin/refwq_build: $(REFWQ_STAGE)/.done
