#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build wqmon's Debian packages from the working tree, then check them with
# lintian (`make deb`; docs/PACKAGING.md).
#   scripts/build-deb.sh [OUTDIR]        default: build/deb
# dpkg-buildpackage needs debian/ at the top of the source tree, and ours is
# packaging/debian/.  So the tree is exported first: the files git tracks
# or would track (what `git status` shows, no build output), with
# packaging/debian/ as debian/.  Uncommitted changes are in the package, as
# they are in `make all`.
# OUTDIR receives the .deb/.ddeb/.buildinfo/.changes, build.log and
# lintian.txt.  Exit status: 0 built and lintian-clean (no error or warning
# that is not overridden), 1 the build failed, 2 lintian complained (or
# could not run).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

version=$(sed -n 's/^VERSION := *//p' "$top/Makefile")
deb_version=$(dpkg-parsechangelog -l "$top/packaging/debian/changelog" -S Version)
# A native package's version is the project's: a release bumps both.
if [ "$deb_version" != "$version" ]; then
	echo "build-deb: packaging/debian/changelog is at $deb_version but the" \
		"Makefile at $version; add a changelog entry (dch -v $version)" >&2
	exit 1
fi

rm -rf "$out/work" "$out"/*.deb "$out"/*.ddeb "$out"/*.buildinfo "$out"/*.changes
src="$out/work/wqmon-$version"
mkdir -p "$src"

# The tree as git sees it, minus files deleted in the work tree and minus
# OUTDIR itself when it lies inside the tree and is not ignored.
case "$out/" in
"$top"/*) skip=${out#"$top"/}/ ;;
*) skip=// ;;
esac
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$top" ls-files -co --exclude-standard
else
	# A tree without git (an unpacked tarball): all of it but build/.
	(cd "$top" && find . -path ./build -prune -o -type f -print | sed 's|^\./||')
fi | while IFS= read -r f; do
	case "$f" in
	"$skip"*|debian/*) continue ;;
	esac
	[ -e "$top/$f" ] && printf '%s\n' "$f"
done | (cd "$top" && tar -cf - -T -) | tar -xf - -C "$src"
rm -rf "$src/debian"
cp -a "$top/packaging/debian" "$src/debian"

echo "build-deb: building wqmon $version in $src (log: $out/build.log)"
# The package build is a make of its own, not a part of a calling `make deb`:
# its jobserver, flags and variables (OUTPUT=...) do not carry over.
unset MAKEFLAGS MFLAGS MAKELEVEL OUTPUT
if ! (cd "$src" && dpkg-buildpackage -us -uc -b -Jauto) >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed; full log in $out/build.log" >&2
	exit 1
fi
mv "$out/work"/*.deb "$out/work"/*.buildinfo "$out/work"/*.changes "$out/"
mv "$out/work"/*.ddeb "$out/" 2>/dev/null || true
rm -rf "$out/work"

changes=$(ls "$out"/wqmon_"$version"_*.changes)
echo "build-deb: built $(cd "$out" && ls ./*.deb | sed 's|^\./||' | tr '\n' ' ')"
# Info tags shown (-I), overridden tags listed with their reasons (O:, N:)
# so that the overrides stay in view.  The verdict is read from the output:
# lintian 2.116's --fail-on warning also counts overridden warnings when
# --show-overrides is given.
lintian -I --show-overrides --fail-on none "$changes" >"$out/lintian.txt" 2>&1 || {
	cat "$out/lintian.txt" >&2
	echo "build-deb: lintian could not run" >&2
	exit 2
}
cat "$out/lintian.txt"
if grep -q '^[EW]: ' "$out/lintian.txt"; then
	echo "build-deb: lintian reported errors or warnings: see $out/lintian.txt" >&2
	exit 2
fi
echo "build-deb: lintian clean: $out/lintian.txt"
