#!/bin/sh
# scripts/fetch-makedumpfile.sh: fetches Debian trixie's makedumpfile binary package at a pinned version, checked by apt, for when its source cannot be had.
#
# Usage: scripts/fetch-makedumpfile.sh --out DIR --pin VERSION [--sources LINE | --built-using-only]
#   --out DIR       where DIR/makedumpfile, DIR/built-using and DIR/.stamp go
#   --pin VERSION   the Debian version, epoch included (1:1.7.6-1)
#   --built-using-only
#                   fetch nothing: write DIR/built-using again for the
#                   DIR/makedumpfile fetched before, with the versions of its
#                   libraries installed now (scripts/build-makedumpfile.sh
#                   does at every run that keeps the binary: the package's
#                   initramfs carries the libraries installed when it is built)
#   --sources LINE  the one sources.list line to fetch from (default: trixie
#                   main of http://deb.debian.org/debian, signed by the Debian
#                   archive key; scripts/build-makedumpfile.sh passes
#                   $MAKEDUMPFILE_BINARY_SOURCES when set: another mirror, or
#                   the tests' local repository)
#
# scripts/build-makedumpfile.sh runs this when there is no source to build
# the static makedumpfile from (a mirror that answers 404 for trixie's
# source, as this project's network does). The binary is Debian's own
# build, never rebuilt, as the arm64 packages of scripts/arm64-root.sh are.
#
# apt does the download with a private sources list, index, cache and
# preferences under DIR/apt (the host's apt state and pins are not touched, and trixie's binary packages
# never become installable here): it checks the .deb against the hashes of
# trixie's Packages index, and the index against the Release file signed with
# the Debian archive key (debian-archive-keyring, bookworm's too).
#
# The binary is dynamic: initramfs/build.sh copies it with its interpreter
# and the libraries the loader resolves, which are bookworm's (trixie's
# Depends name libdw1t64 and libzstd1 >= 1.5.5; the t64 packages are
# bookworm's libdw1 on amd64, and nothing it calls is newer than bookworm's
# libzstd 1.5.4). The check below makes the loader resolve every symbol now
# (LD_BIND_NOW), so a library this machine lacks fails here, not in the
# capture kernel; the package's Depends come from dpkg-shlibdeps the same way.
#
# DIR/built-using names makedumpfile's source and the sources of the
# libraries it resolves here (the initramfs carries them), for debian/rules.
# DIR/.stamp holds "VERSION binary". Exit status: 0 fetched, 1 it cannot
# be had (the message says why), 100 usage.
set -eu

MIRROR=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

out='' pin='' sources='' refresh=no
apt='' work=''
say() { echo "fetch-makedumpfile: $*" >&2; }
# Nothing half-fetched stays, however the run ends (the log does): the
# private apt state, the work tree, the copy not yet renamed.
cleanup() { [ -z "$apt" ] || rm -rf -- "$apt" "$work" "$out/makedumpfile.new"; }
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
die() {
	say "error: $*"
	exit 1
}
usage_error() { say "$*; see scripts/fetch-makedumpfile.sh --help"; exit 100; }

# write_built_using BIN NAME FILE: FILE holds makedumpfile's source and the
# source of each library package the loader resolves for BIN here: the
# libraries the initramfs carries, at the versions installed now.
write_built_using() {
	libs=$(ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p') || die "ldd $2 failed"
	[ -n "$libs" ] || die "ldd $2 resolved no library"
	{
		echo "makedumpfile (= $pin)"
		for l in $libs; do
			f=$(readlink -f "$l") && o=$(dpkg -S "$f" 2>/dev/null | sed -n '1s/: .*//p') && [ -n "$o" ] ||
				o=$(dpkg -S "$l" 2>/dev/null | sed -n '1s/: .*//p')
			[ -n "$o" ] || die "no installed package owns $l, which $2 needs"
			dpkg-query -f '${source:Package} (= ${source:Version})\n' -W "$o" ||
				die "dpkg-query cannot name the source of $o"
		done
	} >"$3.raw" || exit 1
	LC_ALL=C sort -u "$3.raw" >"$3" || die "cannot write $3"
	rm -f -- "$3.raw"
}

while [ $# -gt 0 ]; do
	case $1 in
	--help | -h) sed -n '2,/^set -eu$/p' "$0" | sed -e '/^set -eu$/d' -e 's/^# \{0,1\}//'; exit 0 ;;
	--built-using-only) refresh=yes; shift ;;
	--out | --pin | --sources)
		if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi
		case $1 in --out) out=$2 ;; --pin) pin=$2 ;; --sources) sources=$2 ;; esac
		shift 2 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done
[ -n "$out" ] || usage_error "--out is needed"
[ -n "$pin" ] || usage_error "--pin is needed"
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
upstream=${pin#*:}
upstream=${upstream%-*}
arch=$(dpkg --print-architecture) || die "dpkg --print-architecture failed"
for tool in apt-get dpkg-deb dpkg-query ldd readelf; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found: run scripts/bootstrap.sh (apt, dpkg, libc-bin, binutils)"
done
if [ "$refresh" = yes ]; then
	[ -x "$out/makedumpfile" ] || die "no $out/makedumpfile to name the libraries of"
	write_built_using "$out/makedumpfile" "$out/makedumpfile" "$out/built-using.new"
	mv -f -- "$out/built-using.new" "$out/built-using" || die "cannot write $out/built-using"
	exit 0
fi
[ -f "$KEYRING" ] || die "$KEYRING not found: install the Debian package debian-archive-keyring"

apt=$out/apt
work=$out/fetch
log=$out/fetch.log
rm -rf -- "$apt" "$work"
mkdir -p -- "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$work" ||
	die "cannot create $apt and $work"
: >"$log" || die "cannot write $log"
[ -n "$sources" ] || sources="deb [arch=$arch signed-by=$KEYRING] $MIRROR trixie main"
echo "$sources" >"$apt/sources.list" ||
	die "cannot write $apt/sources.list"

# apt's sandbox user (_apt) cannot write into a root-owned private cache.
sandbox=''
[ "$(id -u)" != 0 ] || sandbox='-o APT::Sandbox::User=root'
# apt_private ARGS...: apt-get on the private state only; its first E: line
# is the cause when it fails.
apt_private() {
	# shellcheck disable=SC2086 # sandbox is one option or none
	if ! apt-get -q -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts="$apt/parts" \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o Acquire::Languages=none \
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$apt/parts" \
		$sandbox "$@" >"$work/apt.out" 2>&1; then
		cat "$work/apt.out" >>"$log"
		cause=$(sed -n 's/^E: //p' "$work/apt.out" | head -n 1 | tr -s ' ')
		die "apt-get $1 ($sources) failed: ${cause:-see $log}"
	fi
	cat "$work/apt.out" >>"$log"
}

apt_private update
# An index that could not be fetched is only a W: line to apt-get update
# (apt may keep the index compressed: _Packages.lz4).
index=no
for f in "$apt"/lists/*_Packages*; do [ ! -f "$f" ] || index=yes; done
[ "$index" = yes ] ||
	die "apt-get update got no Packages index ($sources); see $log"
(cd "$work" && apt_private download "makedumpfile=$pin") ||
	exit 1
deb=''
for f in "$work"/makedumpfile_*.deb; do [ ! -f "$f" ] || deb=$f; done
[ -n "$deb" ] || die "apt-get download left no makedumpfile .deb in $work; see $log"
dpkg-deb -x "$deb" "$work/root" >>"$log" 2>&1 || die "dpkg-deb -x $deb failed; see $log"
bin=$work/root/usr/bin/makedumpfile
name="usr/bin/makedumpfile of ${deb##*/}"
[ -x "$bin" ] || die "there is no executable $name"

# Every symbol resolved now, with this machine's libraries, and the version pinned.
ver=$(LD_BIND_NOW=1 "$bin" -v 2>&1) || die "$name does not run with this machine's libraries: $(echo "$ver" | head -n 1)"
case $(echo "$ver" | head -n 1) in
*"version $upstream "*) ;;
*) die "$name -v says '$(echo "$ver" | head -n 1)', not version $upstream" ;;
esac

write_built_using "$bin" "$name" "$work/built-using"

cp -- "$bin" "$out/makedumpfile.new" || die "cannot copy $bin to $out"
mv -f -- "$work/built-using" "$out/built-using" || die "cannot write $out/built-using"
mv -f -- "$out/makedumpfile.new" "$out/makedumpfile" || die "cannot write $out/makedumpfile"
echo "$pin binary" >"$out/.stamp" || die "cannot write $out/.stamp"
say "fetched $out/makedumpfile: $(echo "$ver" | head -n 1), Debian trixie's binary $pin (dynamic)"
