#!/bin/sh
# scripts/arm64-root.sh: unpacks Debian's arm64 busybox-static, makedumpfile, kexec-tools and their libraries into a directory.
#
# Usage: scripts/arm64-root.sh DIR
#
# Debian's own arm64 binaries, never rebuilt: apt-get download fetches the
# packages busybox-static, makedumpfile and kexec-tools for arm64 and every
# shared-library package they depend on (the closure of Depends and
# Pre-Depends over packages named lib* or zlib1g; perl and debconf, which
# makedumpfile's scripts and kexec-tools' maintainer scripts want, are not
# libraries and are left out), and dpkg-deb -x unpacks each into DIR. DIR
# then serves as initramfs/build.sh --sysroot DIR. DIR/packages lists the
# packages unpacked, "name version" a line, sorted.
#
# The closure is checked, not trusted: every NEEDED library of every ELF
# file under DIR/bin, DIR/sbin, DIR/usr/bin and DIR/usr/sbin must be found
# under DIR/lib/aarch64-linux-gnu or DIR/usr/lib/aarch64-linux-gnu, or the
# script fails naming it.
#
# Needs dpkg --add-architecture arm64 (scripts/bootstrap.sh does it) and an
# apt package list that knows arm64 (run apt-get update once after adding it).
# DIR is built in a temporary directory beside it and renamed into place only
# when complete; an existing DIR is replaced.
#
# Exit status: 0 unpacked, 1 failure, 100 bad usage.
set -eu

PROG=arm64-root
ROOT_PACKAGES='busybox-static makedumpfile kexec-tools'

die() {
	echo "$PROG: $*" >&2
	exit 1
}

case ${1:-} in
-h | --help)
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
'' | -*)
	echo "$PROG: usage: scripts/arm64-root.sh DIR; see scripts/arm64-root.sh --help" >&2
	exit 100
	;;
esac
[ $# = 1 ] || { echo "$PROG: one DIR expected, got $#; see scripts/arm64-root.sh --help" >&2; exit 100; }
dir=$1

for tool in apt-get:apt apt-cache:apt dpkg-deb:dpkg readelf:binutils; do
	command -v "${tool%%:*}" >/dev/null 2>&1 ||
		die "${tool%%:*} not found: install the Debian package ${tool#*:}"
done
dpkg --print-foreign-architectures | grep -qx arm64 ||
	die "dpkg does not know the arm64 architecture: run dpkg --add-architecture arm64 && apt-get update (scripts/bootstrap.sh does)"

# depends PACKAGE: prints the arm64 library packages PACKAGE depends on.
# apt-cache names alternatives and virtual packages too; only real
# package names of arm64 libraries are kept.
depends() {
	apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$1:arm64" |
		sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: \([^<>]*\)$/\2/p' |
		sed 's/:arm64$//' | grep -E '^(lib[a-z0-9.+-]+|zlib1g)$' || :
}

# closure: ROOT_PACKAGES and every library package reachable from them.
closure() {
	todo=$ROOT_PACKAGES seen=' '
	while [ -n "$todo" ]; do
		# shellcheck disable=SC2086 # package names are words
		set -- $todo
		todo=''
		for p in "$@"; do
			case $seen in *" $p "*) continue ;; esac
			apt-cache show "$p:arm64" >/dev/null 2>&1 ||
				die "apt knows no arm64 package $p: run apt-get update (after dpkg --add-architecture arm64)"
			seen="$seen$p "
			todo="$todo $(depends "$p" | tr '\n' ' ')"
		done
	done
	echo "$seen"
}

# check_needed: every NEEDED soname of the unpacked executables is there.
check_needed() {
	missing=''
	for f in "$1"/bin/* "$1"/sbin/* "$1"/usr/bin/* "$1"/usr/sbin/*; do
		if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
		needed=$(LC_ALL=C readelf -dW "$f" 2>/dev/null |
			sed -n 's/^.*(NEEDED).*\[\(.*\)\]$/\1/p') || continue
		for so in $needed; do
			[ -e "$1/lib/aarch64-linux-gnu/$so" ] || [ -e "$1/usr/lib/aarch64-linux-gnu/$so" ] ||
				missing="$missing ${f#"$1"/}:$so"
		done
	done
	[ -z "$missing" ] || die "libraries not unpacked (a dependency apt-cache did not name?):$missing"
}

parent=$(dirname -- "$dir")
mkdir -p -- "$parent" || die "cannot create $parent"
work=$(mktemp -d "$parent/.${dir##*/}.XXXXXX") || die "cannot create a temporary directory in $parent"
trap 'rm -rf -- "$work"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

packages=$(closure)
mkdir "$work/debs" "$work/root"
# apt-get download writes into the current directory; as root it would
# drop to the _apt user, who may not reach a directory under a private home.
sandbox=''
[ "$(id -u)" != 0 ] || sandbox='-o APT::Sandbox::User=root'
# shellcheck disable=SC2086,SC2046 # one option, one package a word
(cd "$work/debs" && apt-get download -q=2 $sandbox $(for p in $packages; do echo "$p:arm64"; done)) ||
	die "apt-get download of the arm64 packages failed:$packages"
: >"$work/root/packages.unsorted"
for deb in "$work"/debs/*.deb; do
	dpkg-deb -x "$deb" "$work/root" || die "dpkg-deb -x $deb failed"
	dpkg-deb -f "$deb" Package Version | awk '{ printf "%s ", $2 } END { print "" }' \
		>>"$work/root/packages.unsorted"
done
LC_ALL=C sort "$work/root/packages.unsorted" | sed 's/ $//' >"$work/root/packages"
rm -f -- "$work/root/packages.unsorted"
[ -f "$work/root/bin/busybox" ] || die "busybox-static:arm64 did not unpack /bin/busybox"
check_needed "$work/root"

rm -rf -- "$dir"
mv -- "$work/root" "$dir" || die "cannot rename $work/root to $dir"
echo "$PROG: unpacked into $dir: $(wc -l <"$dir/packages") packages:$packages"
