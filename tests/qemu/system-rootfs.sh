#!/bin/sh
# tests/qemu/system-rootfs.sh: a cached Debian 12 rootfs tarball for the full-system test.
#
# Usage: tests/qemu/system-rootfs.sh OUTDIR
#
# Debootstraps bookworm (minbase, plus systemd, the Debian kernel and what
# dumpagent depends on) once, packs it as OUTDIR/rootfs-KEY.tar and prints
# that path. KEY is a checksum of everything the tarball depends on (suite,
# mirror, package list, this script), so a change to any of them makes a new
# tarball and the old ones are removed. Needs root and debootstrap.
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian).
# Exit status: 0 tarball ready (its path on stdout), 1 failure, 100 usage.
set -eu

SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# systemd boots it; linux-image-amd64 is the first kernel (and its initrd);
# the rest are dumpagent's dependencies, present so that installing the .deb
# needs no network; passwd for useradd; lvm2 and xfsprogs for the LVM test
# (test-system-lvm.sh makes its VG, LVs and xfs in the guest);
# cryptsetup-initramfs (with cryptsetup-bin) for the encrypted-LVM test
# (test-system-crypt.sh: the first initramfs unlocks the root, and
# dumpagent luks-enroll and the capture run Debian's cryptsetup).
INCLUDE=systemd,systemd-sysv,udev,linux-image-amd64,kexec-tools,makedumpfile,busybox-static,cpio,binutils,passwd,lvm2,xfsprogs,cryptsetup-bin,cryptsetup-initramfs

say() { echo "system-rootfs: $*" >&2; }
die() { say "error: $*"; exit 1; }

[ $# = 1 ] || { say "usage: tests/qemu/system-rootfs.sh OUTDIR"; exit 100; }
out=$1
[ "$(id -u)" = 0 ] || die "debootstrap needs root: run as root"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap not found: apt-get install debootstrap"

key=$({ echo "$SUITE $MIRROR $INCLUDE"; cat "$0"; } | sha256sum | cut -c1-16)
tarball=$out/rootfs-$key.tar
if [ -s "$tarball" ]; then
	echo "$tarball"
	exit 0
fi

mkdir -p "$out"
root=$out/rootfs.tmp
tmp_tar=$tarball.tmp.$$
cleanup() { rm -rf -- "$root" "$tmp_tar"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm -rf -- "$root"

# kexec-tools would otherwise ask to take over reboots (kexec -l at shutdown).
say "debootstrap $SUITE from $MIRROR (a few minutes; cached as $tarball)"
if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$root" "$MIRROR" \
	>"$out/debootstrap.log" 2>&1; then
	tail -n 30 "$out/debootstrap.log" >&2
	die "debootstrap failed (log: $out/debootstrap.log)"
fi
echo 'kexec-tools kexec-tools/load_kexec boolean false' | chroot "$root" debconf-set-selections
sed -i 's/^LOAD_KEXEC=.*/LOAD_KEXEC=false/' "$root/etc/default/kexec" 2>/dev/null || :
# Downloaded packages are not needed in the image.
rm -f "$root"/var/cache/apt/archives/*.deb
for f in "$root"/boot/vmlinuz-* "$root"/boot/initrd.img-*; do
	[ -f "$f" ] || die "the rootfs has no /boot/vmlinuz-* and /boot/initrd.img-* (linux-image-amd64 did not install?)"
done

tar -C "$root" --numeric-owner -cf "$tmp_tar" . || die "cannot pack $root into $tmp_tar"
mv -f -- "$tmp_tar" "$tarball"
find "$out" -maxdepth 1 -name 'rootfs-*.tar' ! -name "rootfs-$key.tar" -exec rm -f {} +
say "wrote $tarball ($(du -m "$tarball" | cut -f1) MiB)"
echo "$tarball"
