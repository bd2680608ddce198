#!/bin/sh
# tests/qemu/secureboot-rootfs.sh: the full-system rootfs plus Debian's signed boot chain, cached.
#
# Usage: tests/qemu/secureboot-rootfs.sh OUTDIR
#
# Takes the debootstrapped bookworm of system-rootfs.sh (cached in OUTDIR
# too), installs shim-signed, grub-efi-amd64-signed and mokutil into it with
# apt, as an admin of a Secure Boot machine has them, and packs the result as
# OUTDIR/secureboot-KEY.tar; prints that path. KEY is a checksum of the base
# tarball's name (itself a checksum of its inputs), the package list and this
# script: a change to any of them makes a new tarball, and the old ones are
# removed. Needs root, debootstrap (for the base) and the network (apt).
# Exit status: 0 tarball ready (its path on stdout), 1 failure, 100 usage.
set -eu

# shim (signed by Microsoft, holding Debian's CA), GRUB (signed by Debian),
# mokutil for --sb-state; the signed kernel is the base's linux-image-amd64.
PACKAGES="shim-signed grub-efi-amd64-signed mokutil"

say() { echo "secureboot-rootfs: $*" >&2; }
die() { say "error: $*"; exit 1; }

[ $# = 1 ] || { say "usage: tests/qemu/secureboot-rootfs.sh OUTDIR"; exit 100; }
out=$1
[ "$(id -u)" = 0 ] || die "apt in a chroot needs root: run as root"

base=$(sh "$(dirname -- "$0")/system-rootfs.sh" "$out") || die "no base rootfs (system-rootfs.sh failed)"
key=$({ echo "${base##*/} $PACKAGES"; cat "$0"; } | sha256sum | cut -c1-16)
tarball=$out/secureboot-$key.tar
if [ -s "$tarball" ]; then
	echo "$tarball"
	exit 0
fi

root=$out/secureboot.tmp
tmp_tar=$tarball.tmp.$$
cleanup() { rm -rf -- "$root" "$tmp_tar"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm -rf -- "$root"
mkdir -p "$root"
tar -C "$root" --numeric-owner -xpf "$base" || die "cannot unpack $base"

say "apt-get install $PACKAGES (cached as $tarball)"
# The base has no resolver configuration of its own once unpacked elsewhere.
cp /etc/resolv.conf "$root/etc/resolv.conf" || die "cannot copy /etc/resolv.conf into $root"
# shellcheck disable=SC2086 # PACKAGES is a list of package names
if ! chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends "$@"' sh $PACKAGES \
	>"$out/secureboot-apt.log" 2>&1; then
	tail -n 30 "$out/secureboot-apt.log" >&2
	die "apt-get install $PACKAGES failed (log: $out/secureboot-apt.log)"
fi
rm -f "$root"/var/cache/apt/archives/*.deb
for f in usr/lib/shim/shimx64.efi.signed usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed usr/bin/mokutil; do
	[ -f "$root/$f" ] || die "the packages did not install /$f"
done

tar -C "$root" --numeric-owner -cf "$tmp_tar" . || die "cannot pack $root into $tmp_tar"
mv -f -- "$tmp_tar" "$tarball"
find "$out" -maxdepth 1 -name 'secureboot-*.tar' ! -name "secureboot-$key.tar" -exec rm -f {} +
say "wrote $tarball ($(du -m "$tarball" | cut -f1) MiB)"
echo "$tarball"
