#!/bin/sh
# scripts/build-deb.sh: builds the dumpagent .deb with dpkg-buildpackage in a copy of the tree.
#
# Usage: scripts/build-deb.sh [--arch arm64] [--out DIR]   (default DIR: build/deb)
#
# --arch arm64 cross-builds the package for arm64 (dpkg-buildpackage
# --host-arch arm64): it copies build/capture-arm64 (make capture-kernel
# ARCH=arm64) and the root of Debian's arm64 busybox and makedumpfile,
# build/arm64/root (scripts/arm64-root.sh), instead of build/capture and
# make makedumpfile's makedumpfile; both must be there.
#
# dpkg-buildpackage writes its results into the parent of the source tree, so
# the tree (the files git knows, committed or not) is copied to DIR/src and
# built there; the .deb lands in DIR. The capture kernel in build/capture is
# copied along with its stamp, so the package build reuses it instead of
# building the kernel again (run "make capture-kernel" first), and so is the
# makedumpfile 1.7.6 of build/makedumpfile. Prints the
# path of the .deb last.
# Exit status: 0 built, 1 failure, 100 usage.
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
out=$REPO/build/deb
arch=''

say() { echo "build-deb: $*" >&2; }
die() { say "error: $*"; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--out)
		[ $# -ge 2 ] || { say "--out needs a directory"; exit 100; }
		case $2 in /*) out=$2 ;; *) out=$(pwd)/$2 ;; esac
		shift 2 ;;
	--arch)
		if [ $# -lt 2 ] || [ "$2" != arm64 ]; then
			say "--arch takes arm64 (without it: this machine's)"
			exit 100
		fi
		arch=$2
		shift 2 ;;
	*) say "usage: scripts/build-deb.sh [--arch arm64] [--out DIR]"; exit 100 ;;
	esac
done
for tool in dpkg-buildpackage dh; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found: apt-get install dpkg-dev debhelper"
done

src=$out/src/dumpagent
rm -rf -- "$out/src"
mkdir -p "$src"
# The copy goes through files, one stage at a time, each checked: in a
# pipeline "a | b | c" sh sees only c's status (it has no pipefail), and a
# failed listing or a file tar could not read gave a partial tree that was
# packaged as if whole. The files are in a fresh directory of our own.
copy=$(mktemp -d "$out/.copy.XXXXXX") || die "cannot create a temporary directory in $out"
trap 'rm -rf -- "$copy"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Only what git tracks or would track: never build/ or editor leftovers. A
# tree that is not a git checkout (a tarball) is copied whole but build/.
if command -v git >/dev/null 2>&1 && git -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$REPO" && git ls-files -z -c -o --exclude-standard) >"$copy/list" &&
		(cd "$REPO" && tar --null -T - -cf -) <"$copy/list" >"$copy/tree.tar"
else
	tar -C "$REPO" --exclude=./build --exclude=./.git -cf - . >"$copy/tree.tar"
fi || die "cannot copy the tree from $REPO: listing or archiving it failed"
tar -C "$src" -xf "$copy/tree.tar" || die "cannot copy the tree from $REPO to $src"
rm -rf -- "$copy"
if [ -n "$arch" ]; then
	# The package build does not build the arm64 kernel (an hour) or fetch
	# the arm64 packages (no network): both are copied in, or it stops here.
	[ -f "$REPO/build/capture-arm64/.stamp" ] ||
		die "no arm64 capture kernel in $REPO/build/capture-arm64: run make capture-kernel ARCH=arm64"
	[ -f "$REPO/build/arm64/root/packages" ] ||
		die "no arm64 root in $REPO/build/arm64/root: run scripts/arm64-root.sh $REPO/build/arm64/root"
	mkdir -p "$src/build/capture-arm64" "$src/build/arm64"
	cp -p "$REPO/build/capture-arm64/vmlinuz" "$REPO/build/capture-arm64/vmlinuz.builtin" \
		"$REPO/build/capture-arm64/config" "$REPO/build/capture-arm64/release" \
		"$REPO/build/capture-arm64/.stamp" "$src/build/capture-arm64/" ||
		die "cannot copy the arm64 capture kernel from $REPO/build/capture-arm64"
	cp -a "$REPO/build/arm64/root" "$src/build/arm64/" ||
		die "cannot copy the arm64 root from $REPO/build/arm64/root"
elif [ -f "$REPO/build/capture/.stamp" ]; then
	mkdir -p "$src/build/capture"
	cp -p "$REPO/build/capture/vmlinuz" "$REPO/build/capture/vmlinuz.builtin" \
		"$REPO/build/capture/config" "$REPO/build/capture/release" \
		"$REPO/build/capture/.stamp" "$src/build/capture/" ||
		die "cannot copy the capture kernel from $REPO/build/capture"
fi
# Likewise make makedumpfile's makedumpfile (static, or trixie's binary), when there is one:
# the package build fetches no source, so without it the package gets Debian
# 12's makedumpfile (scripts/build-makedumpfile.sh --offline says so).
if [ -z "$arch" ] && [ -f "$REPO/build/makedumpfile/.stamp" ] && [ -f "$REPO/build/makedumpfile/built-using" ]; then
	mkdir -p "$src/build/makedumpfile"
	cp -p "$REPO/build/makedumpfile/makedumpfile" "$REPO/build/makedumpfile/.stamp" \
		"$REPO/build/makedumpfile/built-using" "$src/build/makedumpfile/" ||
		die "cannot copy make makedumpfile's makedumpfile from $REPO/build/makedumpfile"
fi

set -- -us -uc -b
[ -z "$arch" ] || set -- --host-arch "$arch" "$@"
say "dpkg-buildpackage $* in $src (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage "$@") >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "dpkg-buildpackage failed; full log: $out/build.log"
fi
rm -f "$out"/*.deb
set -- "$out"/src/dumpagent_*.deb
[ -f "$1" ] || die "dpkg-buildpackage made no .deb in $out/src"
# Copied, not moved: the .changes beside them names them (lintian reads it).
cp -f -- "$@" "$out/"
deb=$out/${1##*/}
say "built $deb"
echo "$deb"
