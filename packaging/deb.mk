# SPDX-License-Identifier: GPL-2.0
# Debian packages (docs/PACKAGING.md).  Included by the top-level Makefile.
#   make deb     wqmon, librefwq0 and librefwq-dev .debs in $(OUTPUT)/deb/,
#                checked by lintian
.PHONY: deb
deb: deps
	$(Q)./scripts/build-deb.sh $(OUTPUT)/deb
