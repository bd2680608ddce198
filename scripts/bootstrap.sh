#!/bin/sh
# scripts/bootstrap.sh: sets up a fresh Debian 12 machine (as root), then runs the demo or the tests.
#
# Usage: sh scripts/bootstrap.sh demo|test
#   demo  install what is missing, build everything, crash a QEMU guest, show the dump
#   test  install what is missing, build everything, run the whole test suite
set -eu
cd "$(dirname -- "$0")/.."

# libdw-dev .. libbz2-dev: the static archives scripts/build-makedumpfile.sh links.
# gcc-aarch64-linux-gnu .. qemu-user: the arm64 agent (make agent-arm64)
# and capture kernel (make capture-kernel ARCH=arm64), the guest that boots it,
# and qemu-aarch64, which runs Debian's arm64 makedumpfile on a dump (make check-arm64).
PACKAGES="build-essential bc bison flex patch libelf-dev libssl-dev cpio xz-utils file
libdw-dev liblzma-dev liblzo2-dev libzstd-dev libbz2-dev
python3 dash shellcheck libcmocka-dev zlib1g-dev musl-tools clang libclang-rt-14-dev
linux-source-6.1 linux-image-amd64 kexec-tools makedumpfile busybox-static console-setup-linux
qemu-system-x86 e2fsprogs xfsprogs dosfstools util-linux fdisk man-db
git dpkg-dev debhelper fakeroot lintian debootstrap strace ovmf mtools sbsigntool openssl lvm2 mdadm cryptsetup-bin
gcc-aarch64-linux-gnu zlib1g-dev:arm64 qemu-system-arm qemu-user"

# The source of makedumpfile 1.7.6 (scripts/build-makedumpfile.sh fetches
# it with apt-get source). Only deb-src: trixie's binary packages never
# become installable, so the host's packages stay bookworm's. apt checks the
# source files against this index, signed with the Debian archive key that
# debian-archive-keyring (bookworm's too) holds.
TRIXIE_SRC=/etc/apt/sources.list.d/dumpagent-trixie-src.sources

# apt_update: apt-get update, where an index that cannot be fetched (this
# network's mirror may lack trixie's deb-src one) is a warning: a package
# that then cannot be installed fails by itself, and a missing makedumpfile
# source makes scripts/build-makedumpfile.sh take trixie's binary package
# (scripts/fetch-makedumpfile.sh, its own private apt state), else warn and
# use Debian 12's.
apt_update() {
	apt-get update -q ||
		echo "bootstrap: warning: apt-get update failed (see above); going on with the indexes apt has" >&2
}

add_trixie_src() {
	[ ! -f "$TRIXIE_SRC" ] || return 0
	if [ "$(id -u)" != 0 ]; then
		echo "bootstrap: warning: no $TRIXIE_SRC: makedumpfile 1.7.6 cannot be built from source (make makedumpfile takes trixie's binary package instead); run as root to add it" >&2
		return 0
	fi
	cat >"$TRIXIE_SRC" <<EOF
# Added by dumpagent's scripts/bootstrap.sh: makedumpfile's source (deb-src only).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	apt_update
}

install_missing() {
	missing=
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "bootstrap: missing packages:$missing; run as root to install them" >&2
		exit 1
	fi
	echo "bootstrap: installing:$missing"
	# A package of another architecture (zlib1g-dev:arm64) needs dpkg to know
	# that architecture before apt-get update fetches its index.
	case $missing in
	*:arm64*) dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 ;;
	esac
	apt_update
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

case ${1:-} in
demo)
	install_missing
	add_trixie_src
	make demo
	;;
test)
	install_missing
	add_trixie_src
	make check
	;;
*)
	echo "usage: sh scripts/bootstrap.sh demo|test" >&2
	exit 100
	;;
esac
