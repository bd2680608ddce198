#!/bin/sh
# scripts/build-makedumpfile.sh: builds a static makedumpfile 1.7.6 (zlib, lzo, zstd) from Debian trixie's source, else fetches trixie's binary, else warns and leaves Debian 12's in use.
#
# Usage: scripts/build-makedumpfile.sh [--out DIR] [--offline]
#   --out DIR    where to put DIR/makedumpfile (default: build/makedumpfile)
#   --offline    fetch nothing: keep DIR/makedumpfile when it is up to date
#                (built or fetched), else warn (the package build: it must
#                not use the network)
#
# Why: Debian 12's makedumpfile 1.7.2 says "The kernel version is not
# supported" on Debian 12's own 6.1 kernel, and needs libc, libdw, liblzma
# and liblzo (about 3 MB) in the initramfs. 1.7.6 knows 6.1, and a static
# binary carries no library.
#
# The source comes only from Debian's archive: apt-get source
# makedumpfile=PIN, from the trixie deb-src entry that scripts/bootstrap.sh
# adds. apt checks every downloaded file against the hashes of the Sources
# index, and the index against the Release file signed with the Debian
# archive key, so the .dsc and the tarballs are Debian's 1:1.7.6-1 (the
# archive never gives one version two contents). dpkg-source -x checks them
# against the .dsc and applies Debian's patches.
#
# When there is no such source (no deb-src entry offers PIN, or apt-get
# source fails: a mirror that answers 404, a hash sum mismatch), it says why
# and takes Debian's binary package of the same version instead
# (scripts/fetch-makedumpfile.sh: trixie's build, checked by apt, dynamic,
# so the initramfs keeps its libraries; $MAKEDUMPFILE_BINARY_SOURCES, when
# set, is the sources.list line it fetches from). A fetched binary is kept while the
# source stays out of reach, and replaced once the static build succeeds.
# When neither can be had, or with --offline and nothing up to date, it
# prints one warning naming the cause and the fix and exits 0:
# DIR/makedumpfile is then absent, and initramfs/build.sh and the package use
# Debian 12's /usr/bin/makedumpfile 1.7.2 with its libraries. A source that
# is there but does not build is an error.
#
# A static build is stripped and checked: no ELF interpreter, version 1.7.6
# (a fetched binary is checked by scripts/fetch-makedumpfile.sh).
# DIR/.stamp records the pin and the kind ("PIN MAKE_ARGS" built, "PIN
# binary" fetched); a static build whose stamp matches does nothing.
# DIR/built-using holds the Built-Using entries of what is linked in (or,
# for the binary, of the libraries the initramfs carries), for debian/rules.
# Exit status: 0 built, fetched, up to date, or neither (the warning),
# 1 failure, 100 usage.
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

# The pin: a newer trixie upload changes nothing here until these change.
PIN=1:1.7.6-1
UPSTREAM=1.7.6
# lzo and zstd on (zlib is always in); snappy would pull in libstdc++.
MAKE_ARGS="LINKTYPE=static USELZO=on USEZSTD=on USESNAPPY=off"
# The -dev packages whose static archives LINKTYPE=static links, and the C library.
LINKED="libdw-dev libelf-dev liblzma-dev liblzo2-dev libzstd-dev libbz2-dev zlib1g-dev libc6-dev"
TRIXIE_SRC=/etc/apt/sources.list.d/dumpagent-trixie-src.sources
# What the last fallback means, for every warning.
FALLBACK="the capture initramfs gets Debian 12's makedumpfile 1.7.2 with its libraries, which says \"The kernel version is not supported\" on Debian 12's kernel"

out=$REPO/build/makedumpfile
offline=no

say() { echo "build-makedumpfile: $*" >&2; }
die() { say "error: $*"; exit 1; }
usage_error() { say "$*; see scripts/build-makedumpfile.sh --help"; exit 100; }
# no_source CAUSE FIX: no static build; trixie's binary instead (kept when
# fetched before), else the one warning.
no_source() {
	rm -rf -- "$out/work"
	if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$BINARY_STAMP" ] && [ -x "$out/makedumpfile" ] &&
		[ -f "$out/built-using" ]; then
		refresh_binary
		say "no static makedumpfile $PIN: $1; keeping Debian trixie's binary makedumpfile $PIN (dynamic, with its libraries) in $out"
		exit 0
	fi
	rm -f -- "$out/makedumpfile" "$out/.stamp" "$out/built-using"
	fetched=1
	if [ "$offline" = no ]; then
		fetched=0
		"$REPO/scripts/fetch-makedumpfile.sh" --out "$out" --pin "$PIN" \
			${MAKEDUMPFILE_BINARY_SOURCES:+--sources "$MAKEDUMPFILE_BINARY_SOURCES"} || fetched=$?
	fi
	# 100 is a usage error: this script's own bug, not a missing package.
	[ "$fetched" != 100 ] || die "scripts/fetch-makedumpfile.sh refused its arguments (above)"
	if [ "$fetched" = 0 ]; then
		say "no static makedumpfile $PIN: $1; using Debian trixie's binary makedumpfile $PIN (dynamic, with its libraries) instead"
		exit 0
	fi
	[ "$offline" = yes ] || FALLBACK="nor trixie's binary (above); $FALLBACK"
	say "warning: no static makedumpfile $PIN: $1; $FALLBACK; $2"
	exit 0
}

abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }

while [ $# -gt 0 ]; do
	case $1 in
	--help | -h) sed -n '2,/^set -eu$/p' "$0" | sed -e '/^set -eu$/d' -e 's/^# \{0,1\}//'; exit 0 ;;
	--offline) offline=yes; shift ;;
	--out)
		if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi
		out=$(abs "$2")
		shift 2 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done

stamp="$PIN $MAKE_ARGS"
BINARY_STAMP="$PIN binary"
have=''
[ ! -x "$out/makedumpfile" ] || [ ! -f "$out/built-using" ] || have=$(cat "$out/.stamp" 2>/dev/null) || :
if [ "$have" = "$stamp" ]; then
	say "$out/makedumpfile is up to date (makedumpfile $PIN)"
	exit 0
fi
# refresh_binary: a fetched binary stays; its Built-Using names the library
# versions installed now, which the next initramfs carries.
refresh_binary() {
	"$REPO/scripts/fetch-makedumpfile.sh" --out "$out" --pin "$PIN" --built-using-only ||
		die "cannot name the libraries of $out/makedumpfile for Built-Using (above)"
}
if [ "$have" = "$BINARY_STAMP" ] && [ "$offline" = yes ]; then
	refresh_binary
	say "$out/makedumpfile is up to date (Debian trixie's binary makedumpfile $PIN, dynamic)"
	exit 0
fi
# Whatever happens next, an older build must not stay to be used; a fetched
# binary of the pin stays until a static build replaces it (no_source).
[ "$have" = "$BINARY_STAMP" ] ||
	rm -rf -- "$out/makedumpfile" "$out/.stamp" "$out/built-using"
rm -rf -- "$out/work" "$out/makedumpfile.new"
[ "$offline" = no ] ||
	no_source "--offline (the package build fetches no source) and no up-to-date build in $out" \
		"run make makedumpfile before the package build (make deb does, and copies it)"
for tool in apt-get apt-cache dpkg-source dpkg-query make cc strip readelf; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found: run scripts/bootstrap.sh (apt, dpkg-dev, build-essential, binutils)"
done

work=$out/work
log=$out/build.log
mkdir -p -- "$work" || die "cannot create $work"
: >"$log" || die "cannot write $log"

# fail WHAT: the end of the log, then the error naming the log.
fail() {
	tail -n 30 "$log" >&2
	die "$1; full log: $log"
}

# Is there a deb-src entry at all? apt-get source would say "Unable to find a
# source package", which names no entry; this names the fix.
echo "== apt-cache showsrc --only-source makedumpfile" >>"$log"
apt-cache showsrc --only-source makedumpfile >"$work/showsrc" 2>>"$log" || :
cat "$work/showsrc" >>"$log"
if ! grep -qx "Version: $PIN" "$work/showsrc"; then
	if [ -f "$TRIXIE_SRC" ]; then
		fix="run apt-get update as root (for the deb-src entry $TRIXIE_SRC), then make makedumpfile"
	else
		fix="run scripts/bootstrap.sh as root (it adds trixie's deb-src entry, $TRIXIE_SRC), then make makedumpfile"
	fi
	no_source "no deb-src entry offers it (apt-cache showsrc makedumpfile has no version $PIN)" "$fix"
fi

echo "== apt-get source --download-only makedumpfile=$PIN" >>"$log"
if ! (cd "$work" && apt-get source -q --download-only "makedumpfile=$PIN") >"$work/apt.log" 2>&1; then
	cat "$work/apt.log" >>"$log"
	# apt's first error line is the cause: a 404, a hash sum mismatch.
	cause=$(sed -n 's/^E: //p' "$work/apt.log" | head -n 1 | tr -s ' ')
	no_source "apt-get source makedumpfile=$PIN failed: ${cause:-see $log}" \
		"make the deb-src entry's mirror serve Debian's makedumpfile source, then run make makedumpfile"
fi
cat "$work/apt.log" >>"$log"

for a in libdw libelf libz liblzma libbz2 liblzo2 libzstd; do
	[ -f "/usr/lib/x86_64-linux-gnu/$a.a" ] ||
		die "/usr/lib/x86_64-linux-gnu/$a.a not found: run scripts/bootstrap.sh (the static archives of $LINKED)"
done
echo "== dpkg-source -x" >>"$log"
(cd "$work" && dpkg-source -x "makedumpfile_${PIN#*:}.dsc" src) >>"$log" 2>&1 ||
	fail "dpkg-source -x makedumpfile_${PIN#*:}.dsc failed"
say "building makedumpfile $UPSTREAM from Debian's source package makedumpfile $PIN (log: $log)"
echo "== make $MAKE_ARGS" >>"$log"
# MAKE_ARGS is a list of make variables; MAKEFLAGS from a calling make
# (-j, -s) would be harmless, but its variable overrides are not ours.
# shellcheck disable=SC2086
(cd "$work/src" && env -u MAKEFLAGS -u MFLAGS make $MAKE_ARGS makedumpfile) >>"$log" 2>&1 ||
	fail "make $MAKE_ARGS failed"
strip -o "$out/makedumpfile.new" "$work/src/makedumpfile" >>"$log" 2>&1 ||
	fail "cannot strip $work/src/makedumpfile"

# What a static build must be: no interpreter, the pinned version.
if LC_ALL=C readelf -lW "$out/makedumpfile.new" | grep -q 'Requesting program interpreter'; then
	fail "$out/makedumpfile.new is dynamically linked"
fi
ver=$("$out/makedumpfile.new" -v 2>&1 | head -n 1) || true
case $ver in
*"version $UPSTREAM "*) ;;
*) fail "$out/makedumpfile.new -v says '$ver', not version $UPSTREAM" ;;
esac
# Built-Using: makedumpfile's own source and the sources of what is linked in.
# shellcheck disable=SC2086 # a list of package names
using=$(dpkg-query -f '${source:Package} (= ${source:Version})\n' -W $LINKED) ||
	fail "dpkg-query cannot name the sources of $LINKED"
# A fetched binary's stamp goes first: its files are about to be replaced.
rm -f -- "$out/.stamp"
printf 'makedumpfile (= %s)\n%s\n' "$PIN" "$using" | LC_ALL=C sort -u >"$out/built-using"
mv -f -- "$out/makedumpfile.new" "$out/makedumpfile"
rm -rf -- "$work"
echo "$stamp" >"$out/.stamp"
size=$(wc -c <"$out/makedumpfile")
say "built $out/makedumpfile: $ver, static, $((size)) bytes"
