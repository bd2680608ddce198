#!/bin/sh
# scripts/bootstrap.sh: sets up a fresh Debian 12 machine (as root), then runs the demo or the tests.
#
# Usage: sh scripts/bootstrap.sh demo|test
#   demo  install what is missing, build everything, crash a QEMU guest, show the dump
#   test  install what is missing, build everything, run the whole test suite
set -eu
cd "$(dirname -- "$0")/.."

PACKAGES="build-essential bc bison flex patch libelf-dev libssl-dev cpio xz-utils file
python3 dash shellcheck libcmocka-dev zlib1g-dev clang libclang-rt-14-dev
linux-source-6.1 linux-image-amd64 kexec-tools makedumpfile busybox-static
qemu-system-x86 e2fsprogs xfsprogs dosfstools util-linux fdisk man-db
git dpkg-dev debhelper fakeroot lintian debootstrap strace ovmf mtools sbsigntool openssl lvm2 mdadm"

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
	apt-get update -q
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

case ${1:-} in
demo)
	install_missing
	make demo
	;;
test)
	install_missing
	make check
	;;
*)
	echo "usage: sh scripts/bootstrap.sh demo|test" >&2
	exit 100
	;;
esac
