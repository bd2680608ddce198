#!/bin/sh
# bench/system-run.sh: one crash of the debootstrapped Debian 12 guest, captured by dumpagent or by Debian's kdump-tools.
#
# Usage: bench/system-run.sh dumpagent|kdump-tools NAME CRASHKERNEL_MB
#
# For bench/run.sh's side-by-side comparison (make bench, make bench-kdump).
# It lives in bench/, not tests/qemu/: it measures and never judges a figure;
# a run that does not capture is a result (its cause goes to the report), not
# a failed test. Exit status: 0 the run went through (whatever it captured),
# 1 it could not run at all, 100 usage.
#
# Both systems boot the same guest: the rootfs that tests/qemu/system-rootfs.sh
# debootstraps and caches (bookworm, systemd, Debian's kernel), 1 GB of RAM,
# 2 vCPUs, one virtio disk holding the root filesystem, Debian's own kernel
# and initrd with crashkernel=N M; the dump goes to /var/crash on that same
# disk. Each system's disk image is made once and cached in build/system/,
# keyed on the base tarball, S_IMAGE_FORMAT below and bench/system-guest (and
# for dumpagent the .deb). Both boot the first kernel's initrd of the base
# tarball (installing kdump-tools regenerates the image's own, unused here):
# - kdump-tools: apt-get install kdump-tools makedumpfile kexec-tools in a
#   chroot (from the mirror; --no-install-recommends, as the dumpagent side
#   gets its .deb), USE_KDUMP=1, KDUMP_COREDIR=/var/crash, everything else
#   kdump-tools' defaults (makedumpfile -F -c -d 31, its initramfs with
#   MODULES=dep booting systemd into kdump-tools-dump.service). kdump-tools
#   builds that initramfs on the running system (MODULES=dep reads the root
#   device's drivers from /sys), so the cached image is booted once to let
#   it do so ("prepare"), then kept: the runs do not pay for mkinitramfs.
# - dumpagent: build/deb's package installed with apt in a chroot, as
#   tests/qemu/test-system-deb.sh does, TARGET=UUID= of the root filesystem;
#   the rest is the package's defaults (CAPTURE_MODE=auto: the small kernel
#   on virtio, lzo, dump level 31, REPORT_VMCORE=boot, FINAL_ACTION=reboot).
# bench/system-guest waits until the system is armed, fills memory the same
# way, crashes with sysrq; QEMU runs with -no-reboot, so the capture
# kernel's reboot ends it. bench/stamp.py stamps the serial lines on the host.
# Afterwards the host reads the dump back from the image: its size, and
# makedumpfile --dump-dmesg must find the sysrq panic in it (kdump-tools'
# flattened dump is rearranged with makedumpfile -R first).
#
# Leaves build/test/${BENCH_PREFIX:-bench}-NAME/: serial.log, stamps.tsv,
# files.txt (debugfs "ls -l" of the dump directory), readback.txt, meta.
# Environment: BENCH_PREFIX, BENCH_STALL (seconds of serial silence before
# the run is stopped, default 180), BENCH_SYSTEM_TIMEOUT (default 1200).
set -eu

REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
QEMU_LIB_REPO=$REPO
# shellcheck source-path=SCRIPTDIR source=../tests/qemu/lib.sh
. "$REPO/tests/qemu/lib.sh"

[ $# = 3 ] || { echo "usage: bench/system-run.sh dumpagent|kdump-tools NAME CRASHKERNEL_MB" >&2; exit 100; }
S_SYSTEM=$1 S_NAME=$2 S_CK=$3
case $S_SYSTEM in dumpagent | kdump-tools) ;; *)
	echo "bench/system-run.sh: unknown system '$S_SYSTEM'; see the usage in its header" >&2
	exit 100
	;;
esac
S_UUID=7d0e6b1a-3c52-4f8e-9a41-5e2b8c0d1f98
S_TIMEOUT=${BENCH_SYSTEM_TIMEOUT:-1200}
S_STALL=${BENCH_STALL:-180}
# Bump when the way an image is made changes: the cached images are rebuilt.
S_IMAGE_FORMAT=1

say() { echo "system-run: $*" >&2; }
die() { say "error: $*"; exit 1; }

# image_key EXTRA...: the cache key of a derived image.
image_key() {
	{ echo "$S_BASE_KEY $S_IMAGE_FORMAT $*"; cat "$REPO/bench/system-guest"; } | sha256sum | cut -c1-16
}

# chroot_prepare ROOT SYSTEM: what both images get: fstab, hostname,
# machine id, the guest script and its unit.
chroot_prepare() {
	echo "UUID=$S_UUID / ext4 errors=remount-ro 0 1" >"$1/etc/fstab"
	echo "bench-$2" >"$1/etc/hostname"
	echo "$2" >"$1/etc/bench-system"
	chroot "$1" systemd-machine-id-setup >/dev/null 2>&1 || die "systemd-machine-id-setup in $1 failed"
	install -m 0755 "$REPO/bench/system-guest" "$1/usr/local/sbin/bench-system-guest"
	cat >"$1/etc/systemd/system/bench-system-guest.service" <<-EOF
		[Unit]
		Description=dumpagent bench: workload, then crash
		After=multi-user.target dumpagent.service kdump-tools.service

		[Service]
		Type=oneshot
		ExecStart=/usr/local/sbin/bench-system-guest
		StandardOutput=journal+console
		StandardError=journal+console

		[Install]
		WantedBy=multi-user.target
	EOF
	ln -sf /etc/systemd/system/bench-system-guest.service \
		"$1/etc/systemd/system/multi-user.target.wants/bench-system-guest.service"
}

# install_system ROOT: the crash-dump system, installed as an admin would
# (lib.sh's in_root runs in $ROOT).
install_system() {
	ROOT=$1
	case $S_SYSTEM in
	dumpagent)
		cp "$S_DEB" "$1/tmp/${S_DEB##*/}"
		in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "/tmp/${S_DEB##*/}" \
			>"$S_LOG" 2>&1 || die "apt-get install of ${S_DEB##*/} failed: $(tail -n 20 "$S_LOG")"
		rm -f "$1/tmp/${S_DEB##*/}"
		sed -i "s/^TARGET=.*/TARGET=UUID=$S_UUID/; s/^FSTYPE=.*/FSTYPE=ext4/" "$1/etc/dumpagent.conf"
		;;
	kdump-tools)
		cp /etc/resolv.conf "$1/etc/resolv.conf"
		echo 'kdump-tools kdump-tools/use_kdump boolean true' | chroot "$1" debconf-set-selections
		{ in_root apt-get update -q && in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			kdump-tools makedumpfile kexec-tools; } >"$S_LOG" 2>&1 ||
			die "apt-get install kdump-tools in the rootfs failed: $(tail -n 20 "$S_LOG")"
		rm -f "$1"/var/cache/apt/archives/*.deb
		sed -i 's/^USE_KDUMP=.*/USE_KDUMP=1/; s|^KDUMP_COREDIR=.*|KDUMP_COREDIR="/var/crash"|' \
			"$1/etc/default/kdump-tools"
		grep -qx 'USE_KDUMP=1' "$1/etc/default/kdump-tools" || die "USE_KDUMP=1 not set in $1/etc/default/kdump-tools"
		;;
	esac
}

# build_image IMG: the cached disk image of $S_SYSTEM (with the first
# kernel and initrd beside it, IMG.vmlinuz and IMG.initrd).
build_image() {
	say "building $1 (once; a few minutes)"
	b_root=$1.root b_tmp=$1.tmp
	rm -rf -- "$b_root" "$b_tmp"
	# A failed build leaves neither the 2 GB tree nor a half-made image.
	trap 'rm -rf -- "$b_root" "$b_tmp"' EXIT
	mkdir -p "$b_root"
	tar -C "$b_root" --numeric-owner -xpf "$S_BASE" || die "cannot unpack $S_BASE"
	k=$(find "$b_root/boot" -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -n 1)
	i=$(find "$b_root/boot" -maxdepth 1 -name 'initrd.img-*' | sort -V | tail -n 1)
	if [ -z "$k" ] || [ -z "$i" ]; then die "no kernel and initrd in $b_root/boot"; fi
	cp "$k" "$1.vmlinuz" || die "cannot copy $k"
	cp "$i" "$1.initrd" || die "cannot copy $i"
	install_system "$b_root"
	chroot_prepare "$b_root" "$S_SYSTEM"
	[ "$S_SYSTEM" != kdump-tools ] || echo prepare-kdump-tools >"$b_root/etc/bench-system"
	size_mb=$(($(du -sm "$b_root" | cut -f1) + 1536))
	truncate -s "${size_mb}M" "$1.tmp"
	mkfs.ext4 -q -F -U "$S_UUID" -L bench-root -d "$b_root" "$1.tmp" >"$S_LOG" 2>&1 ||
		die "mkfs.ext4 -d $b_root failed: $(cat "$S_LOG")"
	rm -rf -- "$b_root"
	if [ "$S_SYSTEM" = kdump-tools ]; then
		# The prepare boot: kdump-tools builds its initramfs (MODULES=dep)
		# and loads; the guest script sees it ready and powers off.
		: >"$WORK/prepare.log"
		boot "$1.tmp" 128 "$WORK/prepare.log" || die "the prepare boot failed: $(tail -n 40 "$WORK/prepare.log")"
		tr -d '\r' <"$WORK/prepare.log" | grep -q 'BENCH-SYSTEM: prepared' ||
			die "kdump-tools did not become ready in the prepare boot: $(tr -d '\r' <"$WORK/prepare.log" | tail -n 40)"
		debugfs -R 'ls -l /var/lib/kdump' "$1.tmp" 2>/dev/null | grep -q 'initrd.img-' ||
			die "kdump-tools built no initramfs in /var/lib/kdump in the prepare boot"
		printf 'cd /etc\nrm bench-system\nwrite %s bench-system\n' "$WORK/system-name" >"$WORK/debugfs.cmd"
		echo kdump-tools >"$WORK/system-name"
		debugfs -w -f "$WORK/debugfs.cmd" "$1.tmp" >/dev/null 2>&1 || die "cannot rewrite /etc/bench-system in $1.tmp"
	fi
	mv -f "$1.tmp" "$1"
	trap - EXIT
	find "$BUILD/system" -maxdepth 1 -name "bench-$S_SYSTEM-*" ! -name "${1##*/}*" -exec rm -f {} +
}

# boot IMG CRASHKERNEL_MB SERIAL: the guest, to its power-off or reboot.
boot() {
	timeout --foreground -k 5 "$S_TIMEOUT" qemu-system-x86_64 -accel tcg \
		-machine q35 -cpu max -smp 2 -m 1G -nographic -no-reboot -monitor none \
		-serial "file:$3" -kernel "$IMG.vmlinuz" -initrd "$IMG.initrd" \
		-append "console=ttyS0 root=UUID=$S_UUID ro crashkernel=${2}M" \
		-drive "file=$1,if=virtio,format=raw" </dev/null >"$WORK/qemu.out" 2>&1
}

# read_back DISK: files.txt and readback.txt ("ok BYTES" or what failed).
read_back() {
	: >"$WORK/files.txt"
	r_dir=$(img_ls "$1" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1) || :
	[ -n "$r_dir" ] || { echo "no dump directory in /var/crash" >"$WORK/readback.txt"; return; }
	img_ls "$1" "/var/crash/$r_dir" >"$WORK/files.txt"
	r_dump=$(awk '{ print $NF }' "$WORK/files.txt" | grep '^dump\.' | head -n 1) || :
	[ -n "$r_dump" ] || { echo "no dump file in /var/crash/$r_dir" >"$WORK/readback.txt"; return; }
	img_get "$1" "/var/crash/$r_dir/$r_dump" "$WORK/dump" ||
		{ echo "cannot read /var/crash/$r_dir/$r_dump" >"$WORK/readback.txt"; return; }
	r_file=$WORK/dump
	# kdump-tools' makedumpfile -F writes the flattened format.
	if [ "$(head -c 12 "$WORK/dump")" = makedumpfile ]; then
		makedumpfile -R "$WORK/dump.rearranged" <"$WORK/dump" >"$WORK/makedumpfile.log" 2>&1 ||
			{ echo "makedumpfile -R failed: $(tail -n 3 "$WORK/makedumpfile.log")" >"$WORK/readback.txt"; return; }
		r_file=$WORK/dump.rearranged
	fi
	if ! makedumpfile --dump-dmesg "$r_file" "$WORK/dmesg.txt" >>"$WORK/makedumpfile.log" 2>&1; then
		echo "makedumpfile --dump-dmesg failed: $(tail -n 3 "$WORK/makedumpfile.log")" >"$WORK/readback.txt"
	elif ! grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/dmesg.txt"; then
		echo "the dump's dmesg has no sysrq panic" >"$WORK/readback.txt"
	else
		echo "ok $(wc -c <"$WORK/dump")" >"$WORK/readback.txt"
	fi
	rm -f "$WORK/dump" "$WORK/dump.rearranged"
}

for tool in qemu-system-x86_64 mkfs.ext4 debugfs makedumpfile python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run sh scripts/bootstrap.sh test"
done
qemu_setup "${BENCH_PREFIX:-bench}-$S_NAME"
S_LOG=$WORK/install.log
S_BASE=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	die "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
S_BASE_KEY=${S_BASE##*/rootfs-}
S_BASE_KEY=${S_BASE_KEY%.tar}
if [ "$S_SYSTEM" = dumpagent ]; then
	S_DEB=$(find "$BUILD/deb" -maxdepth 1 -name 'dumpagent_*_amd64.deb' 2>/dev/null | head -n 1)
	[ -n "$S_DEB" ] || die "no $BUILD/deb/dumpagent_*_amd64.deb: run make deb"
	IMG=$BUILD/system/bench-dumpagent-$(image_key "$(sha256sum <"$S_DEB")").img
else
	IMG=$BUILD/system/bench-kdump-tools-$(image_key).img
fi
[ -s "$IMG" ] || build_image "$IMG"

cp --sparse=always "$IMG" "$WORK/disk.img" || die "cannot copy $IMG"
python3 "$REPO/bench/stamp.py" "$SERIAL" "$WORK/stamps.tsv" --stall "$S_STALL" &
stamper=$!
rc=0
boot "$WORK/disk.img" "$S_CK" "$SERIAL" || rc=$?
kill "$stamper" 2>/dev/null || :
wait "$stamper" || :
read_back "$WORK/disk.img"
rm -f "$WORK/disk.img"
{
	echo "name=$S_NAME"
	echo "mem=1G"
	echo "crashkernel_mb=$S_CK"
	echo "mode=system"
	echo "system=$S_SYSTEM"
	echo "scenario_rc=$rc"
	echo "settings=system=$S_SYSTEM"
	echo "readback=$(cat "$WORK/readback.txt")"
} >"$WORK/meta"
say "$S_NAME: $S_SYSTEM at crashkernel=${S_CK}M: qemu status $rc, read back: $(cat "$WORK/readback.txt")"
