#!/bin/sh
# tests/qemu/test-target-md.sh: distro mode and the small kernel capture into ext4 on an md RAID1 array over two disks, and a missing member is refused.
#
# As test-target-lvm.sh (Debian's kernel as the capture kernel, its root
# disk behind megasas), with two more disks on the same controller, each
# with one msdos partition (sdb1, sdc1). The host has no md driver, so the
# guest makes the array (tests/qemu/md-guest: mdadm from this host, metadata
# 1.2), puts the target ext4 on it, arms with `dumpagent arm-plan --files`
# (which must record the array as dumpagent.md= in distro mode), shows what
# `dumpagent status` says it sits on ("md0 (raid1, 2 members) on sdb1, sdc1")
# and crashes.
# The capture must find both members by the array's UUID, assemble them with
# md's ioctls, check the ext4 UUID through /dev/md127, write the dump and
# stop the array. The host reads the dump back from the first member's data
# area (debugfs, makedumpfile --dump-dmesg) and `mdadm --examine` shows both
# members with the same events and clean (or marked for resync). Then a boot
# with the second disk missing must be refused, the first disk byte-identical.
# Last, the small capture kernel (build/capture/vmlinuz, md and raid1 built
# in) with its own initramfs, loaded by distro-guest in place of Debian's,
# the members on a virtio-scsi controller (it has no megasas driver): it
# must assemble the array and write a second dump, both members in sync.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup target-md
CRASHKERNEL=${CRASHKERNEL:-128M}
QEMU_MEM=${QEMU_MEM:-1G}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
export QEMU_MEM QEMU_TIMEOUT
UUID=3b9c1f0e-6d2a-4e57-8c11-0d15e7a0c0de
TUUID=7e2d4c1a-3b5f-4a69-9c8d-2e1f0a3b4c5d
MDUUID=5a1c2e3f:4b6d7a8e:9c0b1d2e:3f4a5b6c
ROOT=$WORK/root
IMG=$WORK/disk.img
A=$WORK/member-a.img
B=$WORK/member-b.img
STATE=/var/lib/dumpagent
DISTRO_CMDLINE="console=ttyS0 nr_cpus=1 reset_devices irqpoll nousb panic=10 printk.devkmsg=on"

require_file "$BUILD/dumpagent" "run make"
require_file "$CAPTURE_KERNEL" "run make capture-kernel"
for tool in mkfs.ext4 debugfs makedumpfile sfdisk mdadm; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (mdadm: apt-get install mdadm)"
done

# --- the member disks: one partition each from 1 MiB (type fd, Linux raid)
for disk in "$A" "$B"; do
	truncate -s 200M "$disk"
	echo 'start=2048, type=fd' | sfdisk -q "$disk" >/dev/null || fail "sfdisk $disk failed"
done

# --- the rootfs with mdadm (this host's binary, bookworm's, as the rootfs),
# the agent, the configuration, and the distro initramfs
target_modules() { modules_for "$1" "$2" "crc32c_generic megaraid_sas sd_mod raid1 ext4"; }
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
rootfs_boot_files "$ROOT"
[ -e "$ROOT/lib/x86_64-linux-gnu/libudev.so.1" ] || fail "the rootfs has no libudev.so.1 for mdadm"
install -m 0755 "$(command -v mdadm)" "$ROOT/sbin/mdadm"
install -m 0755 "$BUILD/dumpagent" "$ROOT/usr/local/sbin/dumpagent"
install -m 0755 "$REPO/tests/qemu/distro-guest" "$ROOT/usr/local/sbin/distro-guest"
install -m 0755 "$REPO/tests/qemu/md-guest" "$ROOT/usr/local/sbin/md-guest"
echo "$TUUID" >"$ROOT/etc/md-test-fs-uuid"
echo "$MDUUID" >"$ROOT/etc/md-test-array-uuid"
target_modules "$ROOT" "$release" >"$WORK/modules.list" 2>"$WORK/modules.err" ||
	fail "cannot list the target's modules: $(cat "$WORK/modules.err")"
echo "modules ($release): $(sed 's|.*/||' "$WORK/modules.list" | tr '\n' ' ')"
write_test_config "$ROOT/etc/dumpagent.conf" "TARGET=UUID=$TUUID" FSTYPE=ext4 CAPTURE_MODE=distro \
	FINAL_ACTION=poweroff FAILURE_ACTION=poweroff
mkdir -p "$ROOT$STATE"
"$REPO/initramfs/build.sh" --config "$ROOT/etc/dumpagent.conf" --agent "$BUILD/dumpagent" \
	--modules "$WORK/modules.list" --kernel-release "$release" \
	--output "$ROOT$STATE/initramfs-distro.img" >"$WORK/build.log" 2>&1 ||
	fail "building the distro initramfs failed: $(cat "$WORK/build.log")"
echo "$DISTRO_CMDLINE dumpagent.target=UUID=$TUUID dumpagent.fstype=ext4" >"$ROOT$STATE/distro-cmdline"
size_mb=$(($(du -sm "$ROOT" | cut -f1) + 768))
truncate -s "${size_mb}M" "$IMG"
mkfs.ext4 -q -F -U "$UUID" -L distro-root -d "$ROOT" "$IMG" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"

# boot NAME DISK...: one VM, the root disk and the member disks on one
# megasas controller; the members on a virtio-scsi one with MEMBERS_BUS=virtio.
boot() {
	name=$1 n=1 disks='' bus=scsi0
	shift
	if [ "${MEMBERS_BUS:-}" = virtio ]; then
		disks="-device virtio-scsi-pci,id=vscsi" bus=vscsi
	fi
	for disk in "$@"; do
		disks="$disks -drive file=$disk,if=none,id=m$n,format=raw -device scsi-hd,drive=m$n,bus=$bus.0,scsi-id=$n"
		n=$((n + 1))
	done
	: >"$SERIAL"
	# shellcheck disable=SC2086 # $disks is split into QEMU's words on purpose
	qemu_run "$WORK/vmlinuz" "$WORK/initrd.img" \
		"console=ttyS0 root=UUID=$UUID ro init=/usr/local/sbin/md-guest crashkernel=$CRASHKERNEL" \
		-device megasas,id=scsi0 -drive "file=$IMG,if=none,id=root,format=raw" \
		-device scsi-hd,drive=root,bus=scsi0.0,scsi-id=0 $disks
	tr -d '\r' <"$SERIAL" >"$WORK/serial-$name.txt"
	grep -q 'TEST: FAILED' "$WORK/serial-$name.txt" &&
		fail "$name: the guest failed: $(grep 'TEST: FAILED' "$WORK/serial-$name.txt")"
	grep -q 'sysrq: Trigger a crash' "$WORK/serial-$name.txt" || fail "$name: the first kernel did not crash"
}
part() { dd if="$1" of="$2" bs=1M skip=1 status=none; } # partition 1 from 1 MiB to the end

# --- 1: made, armed by arm-plan in distro mode, captured through the array
boot capture "$A" "$B"
S=$WORK/serial-capture.txt
grep -q "MD-TEST: array made and armed: dumpagent.md=" "$S" || fail "the guest did not arm: $(grep 'MD-TEST' "$S" | tail -n 5)"
grep -q "MD-TEST: plan: mode='distro'" "$S" || fail "arm-plan did not choose the distro mode: $(grep 'plan: mode' "$S")"
grep -Eq "MD-TEST: status: on: +ext4 on md0 \(raid1, 2 members\) on sd[a-c]1, sd[a-c]1\$" "$S" ||
	fail "dumpagent status does not show the array: $(grep 'MD-TEST: status' "$S")"
grep -q "dumpagent: capture complete" "$S" || fail "no complete capture: $(grep 'dumpagent' "$S" | tail -n 8)"
grep -q "md array assembled as /dev/md127 from 2 members" "$S" || fail "the agent did not assemble the array"
grep -q "stopped md127" "$S" || fail "the agent did not stop the array: $(grep 'md127' "$S" | tail -n 3)"
part "$A" "$WORK/a.part"
part "$B" "$WORK/b.part"
for m in a b; do mdadm --examine "$WORK/$m.part" >"$WORK/examine-$m.txt" 2>&1 || fail "mdadm --examine member $m: $(cat "$WORK/examine-$m.txt")"; done
field() { sed -n "s/^ *$1 : *//p" "$WORK/examine-$2.txt" | head -n 1; }
md=$(sed -n 's/.*dumpagent.md=\([0-9a-f]*\),.*/\1/p' "$S" | head -n 1)
raw=$(od -An -tx1 -j $((4096 + 16)) -N 16 "$WORK/a.part" | tr -d ' \n')
[ -n "$md" ] && [ "$md" = "$raw" ] || fail "arm-plan recorded array '$md', the superblock on member a says '$raw'"
[ "$(field Events a)" = "$(field Events b)" ] || fail "the members' events differ: $(field Events a), $(field Events b)"
for m in a b; do
	state=$(field State "$m")
	case $state in
	clean) ;;
	active) grep -q 'Resync Offset' "$WORK/examine-$m.txt" || fail "member $m is active and not marked for resync" ;;
	*) fail "member $m: State '$state'" ;;
	esac
done
echo "members after the capture: events $(field Events a), states $(field State a), $(field State b)"
off=$(field 'Data Offset' a | sed 's/ sectors//')
[ -n "$off" ] || fail "no Data Offset in mdadm --examine"
dd if="$WORK/a.part" of="$WORK/fs-a.img" bs=512 skip="$off" status=none
id=$(img_ls "$WORK/fs-a.img" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1)
[ -n "$id" ] || fail "no dump directory in /var/crash on member a: $(img_ls "$WORK/fs-a.img" /var/crash)"
img_get "$WORK/fs-a.img" "/var/crash/$id/dump.$id" "$WORK/dump" || fail "no dump.$id on member a"
makedumpfile --dump-dmesg "$WORK/dump" "$WORK/dmesg.txt" >"$WORK/makedumpfile.log" 2>&1 ||
	fail "makedumpfile --dump-dmesg cannot read the dump: $(cat "$WORK/makedumpfile.log")"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/dmesg.txt" || fail "the dump's dmesg has no sysrq panic"
dd if="$WORK/b.part" of="$WORK/fs-b.img" bs=512 skip="$off" status=none
cmp -s "$WORK/fs-a.img" "$WORK/fs-b.img" || fail "the members' data areas differ after the capture"
rm -f "$WORK/a.part" "$WORK/b.part" "$WORK/fs-a.img" "$WORK/fs-b.img"

# --- 2: the second member missing: refused, the first member untouched
cp "$A" "$WORK/a-before.img"
boot degraded "$A"
grep -q "md array $md: no device holds slot [01] of its 2 members: refusing to assemble it degraded (the dump would be on some members only); nothing was written" "$WORK/serial-degraded.txt" ||
	fail "no refusal with a member missing: $(grep 'dumpagent' "$WORK/serial-degraded.txt" | tail -n 5)"
cmp -s "$A" "$WORK/a-before.img" || fail "the remaining member changed in the refused capture"
# --- 3: the small kernel: both members again, a second dump through the array
write_test_config "$WORK/small.conf" "TARGET=UUID=$TUUID" FSTYPE=ext4 FINAL_ACTION=poweroff FAILURE_ACTION=poweroff
"$REPO/initramfs/build.sh" --config "$WORK/small.conf" --agent "$BUILD/dumpagent" \
	--output "$WORK/initramfs-small.img" >"$WORK/build-small.log" 2>&1 ||
	fail "building the small initramfs failed: $(cat "$WORK/build-small.log")"
for f in "$CAPTURE_KERNEL:vmlinuz-small" "$WORK/initramfs-small.img:initramfs-small.img"; do
	debugfs -w -R "write ${f%:*} $STATE/${f##*:}" "$IMG" >"$WORK/debugfs.log" 2>&1 &&
		! grep -qi 'error\|not found' "$WORK/debugfs.log" || fail "cannot write $STATE/${f##*:}: $(cat "$WORK/debugfs.log")"
done
MEMBERS_BUS=virtio boot small "$A" "$B"
S=$WORK/serial-small.txt
grep -q "DISTRO-TEST: armed: $STATE/vmlinuz-small" "$S" || fail "distro-guest did not load the small kernel: $(grep 'TEST' "$S" | tail -n 5)"
# The capture kernel is ours: build.sh stamps its builds dumpagent@dumpagent.
sed -n '/sysrq: Trigger a crash/,$p' "$S" | grep -q 'Linux version 6\.1\.[0-9]* (dumpagent@dumpagent)' ||
	fail "the capture kernel that booted is not the small one: $(sed -n '/sysrq: Trigger a crash/,$p' "$S" | grep 'Linux version')"
grep -q "dumpagent: capture complete" "$S" || fail "small: no complete capture: $(grep 'dumpagent' "$S" | tail -n 8)"
grep -q "md array assembled as /dev/md127 from 2 members" "$S" || fail "small: the agent did not assemble the array"
grep -q "stopped md127" "$S" || fail "small: the agent did not stop the array: $(grep 'md127' "$S" | tail -n 3)"
part "$A" "$WORK/a.part"
part "$B" "$WORK/b.part"
for m in a b; do mdadm --examine "$WORK/$m.part" >"$WORK/examine-$m.txt" 2>&1 || fail "mdadm --examine member $m: $(cat "$WORK/examine-$m.txt")"; done
[ "$(field Events a)" = "$(field Events b)" ] || fail "small: the members' events differ: $(field Events a), $(field Events b)"
dd if="$WORK/a.part" of="$WORK/fs-a.img" bs=512 skip="$off" status=none
dd if="$WORK/b.part" of="$WORK/fs-b.img" bs=512 skip="$off" status=none
cmp -s "$WORK/fs-a.img" "$WORK/fs-b.img" || fail "small: the members' data areas differ after the capture"
id2=$(img_ls "$WORK/fs-a.img" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | grep -vx "$id" | head -n 1)
[ -n "$id2" ] || fail "small: no second dump directory on member a: $(img_ls "$WORK/fs-a.img" /var/crash)"
img_get "$WORK/fs-a.img" "/var/crash/$id2/dump.$id2" "$WORK/dump-small" || fail "no dump.$id2 on member a"
makedumpfile --dump-dmesg "$WORK/dump-small" "$WORK/dmesg-small.txt" >"$WORK/makedumpfile.log" 2>&1 ||
	fail "makedumpfile --dump-dmesg cannot read the small kernel's dump: $(cat "$WORK/makedumpfile.log")"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/dmesg-small.txt" ||
	fail "the small kernel's dump has no sysrq panic"
pass "$id: captured into ext4 on md RAID1 (assembled by the agent from both members, read back from one by makedumpfile, both in sync); a missing member refused, the other byte-identical; $id2: the small kernel (md, raid1 built in) assembled it and captured, both in sync"
