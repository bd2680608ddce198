#!/bin/sh
# scripts/sysroot-built-using.sh: the Built-Using of an arm64 capture initramfs: the source packages of the sysroot's busybox and makedumpfile with its libraries.
#
# Usage: scripts/sysroot-built-using.sh DIR
#
# DIR is a root unpacked by scripts/arm64-root.sh: DIR/packages lists its
# packages, "name version" a line. The initramfs takes busybox-static and
# makedumpfile with its libraries from it (initramfs/build.sh --sysroot),
# not kexec-tools (the first system's): this prints, one a line,
# "SOURCE (= VERSION)" for busybox-static, makedumpfile and every library
# package of makedumpfile's Depends closure, at the versions DIR/packages
# names, from apt's package lists (no download). A package of the closure
# that DIR does not hold, or that apt does not know at that version, fails.
# The closure is Debian's word for what makedumpfile needs, not the
# libraries in the image, though here they agree: gcc-12 is named for
# libgcc-s1 (a Depends of libc6), whose libgcc_s.so.1 no NEEDED entry names
# but initramfs/build.sh puts in the image (glibc dlopens it for pthread_exit).
# Exit status: 0, 1 failure, 100 usage.
set -eu
PROG=sysroot-built-using
die() { echo "$PROG: $*" >&2; exit 1; }
if [ $# != 1 ] || [ ! -f "$1/packages" ]; then
	echo "$PROG: usage: scripts/sysroot-built-using.sh DIR (a root made by scripts/arm64-root.sh)" >&2
	exit 100
fi
list=$1/packages

# deps PACKAGE VERSION: its library packages (lib*, zlib1g) of Depends and Pre-Depends.
deps() {
	apt-cache show --no-all-versions "$1:arm64=$2" |
		sed -n 's/^\(Pre-\)\{0,1\}Depends: //p' | tr ',' '\n' |
		sed 's/^ *//; s/[ :(].*//' | grep -E '^(lib[a-z0-9.+-]+|zlib1g)$' || :
}

# source PACKAGE VERSION: "SOURCE (= VERSION)" of that binary package;
# the Source field may name another version (binNMUs: +bN) or none.
source_of() {
	rec=$(apt-cache show --no-all-versions "$1:arm64=$2" 2>/dev/null) || rec=''
	[ -n "$rec" ] || die "apt knows no $1:arm64 at $2 (apt-get update after dpkg --add-architecture arm64)"
	src=$(printf '%s\n' "$rec" | sed -n 's/^Source: //p')
	case $src in
	'') echo "$1 (= $2)" ;;
	*'('*) echo "${src%% *} (= $(echo "$src" | sed 's/.*(\(.*\))/\1/'))" ;;
	*) echo "$src (= $2)" ;;
	esac
}

version_of() {
	v=$(sed -n "s/^$1 //p" "$list")
	[ -n "$v" ] || die "$list does not hold $1, which the initramfs takes"
	echo "$v"
}

# The lines go to a file, not a pipe: in "loop | sort" a die in the loop
# would end a subshell, and sort's status would be the script's.
out=$(mktemp) || die "cannot create a temporary file"
trap 'rm -f -- "$out"' EXIT
todo='busybox-static makedumpfile' seen=' '
while [ -n "$todo" ]; do
	# shellcheck disable=SC2086 # package names are words
	set -- $todo
	todo=''
	for p in "$@"; do
		case $seen in *" $p "*) continue ;; esac
		seen="$seen$p "
		v=$(version_of "$p")
		source_of "$p" "$v" >>"$out"
		d=$(deps "$p" "$v") || die "apt-cache show $p:arm64=$v failed"
		[ "$p" = busybox-static ] || todo="$todo $(echo "$d" | tr '\n' ' ')"
	done
done
LC_ALL=C sort -u "$out"
