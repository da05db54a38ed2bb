# SPDX-License-Identifier: GPL-2.0
# Debian packaging (packaging/debian, `make deb`, tests/integration/
# deb_package.sh): the package build, its checker, and what the test needs
# to make a fresh Debian 12 root and install the .deb into it.
# Sourced by scripts/deps.sh, which provides need_pkgs.
need_pkgs dpkg-dev debhelper fakeroot lintian debootstrap \
	debian-archive-keyring
