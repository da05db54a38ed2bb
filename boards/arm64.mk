# SPDX-License-Identifier: GPL-2.0
# The ARM64 cross tool chain (docs/BOARDS.md), read by the top-level
# Makefile before anything is computed from CC or pkg-config when ARCH=arm64
# on another machine:
#   make ARCH=arm64            everything for a board, in build/arm64/
#   make ARCH=arm64 OUTPUT=d   the same, in d/
# Debian 12's gcc-aarch64-linux-gnu and the arm64 multiarch -dev packages
# (scripts/deps.d/arm64.sh).  The BPF object needs no cross compiler: clang
# targets bpf anyway, and ARCH and MULTIARCH give it arm64's register
# layout (__TARGET_ARCH_arm64) and /usr/include/aarch64-linux-gnu.
CROSS_COMPILE ?= aarch64-linux-gnu-
CROSS_TRIPLE := aarch64-linux-gnu
override CC := $(CROSS_COMPILE)gcc
# No aarch64 pkg-config wrapper in Debian 12 short of pkgconf:arm64 (which
# would replace the host's): point the host's at the arm64 .pc files.
PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/$(CROSS_TRIPLE)/pkgconfig:/usr/share/pkgconfig \
	PKG_CONFIG_SYSROOT_DIR= pkg-config
# Apart from the host's build, unless OUTPUT was given.
ifeq ($(origin OUTPUT),file)
OUTPUT := $(OUTPUT)/arm64
endif

# A missing tool chain or -dev package would otherwise show up as the
# first missing header, far from its cause.
CROSS_PKGS := libbpf json-c libmicrohttpd inih libsystemd ncursesw cmocka libcap zlib libelf
ifeq ($(filter deps clean,$(MAKECMDGOALS)),)
ifeq ($(shell command -v $(CC)),)
$(error ARCH=arm64: no $(CC); install the cross tool chain: make deps (scripts/deps.d/arm64.sh))
endif
CROSS_MISSING := $(strip $(foreach p,$(CROSS_PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,$(p))))
ifneq ($(CROSS_MISSING),)
$(error ARCH=arm64: no arm64 pkg-config file for: $(CROSS_MISSING); install the arm64 -dev packages: make deps (scripts/deps.d/arm64.sh))
endif
endif
