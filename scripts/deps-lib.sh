# SPDX-License-Identifier: GPL-2.0
# need_pkgs PKG...: install the Debian packages among PKG that are missing.
# Idempotent: it asks apt only for what is missing, so repeated `make run`
# or `make test` cost a dpkg query, not a download.  Sourced by deps.sh and
# by the extra sets in scripts/deps.d/.
need_pkgs() {
	missing=""
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
			missing="$missing $p"
		fi
	done
	[ -z "$missing" ] && return 0

	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages:$missing; run as root or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}
