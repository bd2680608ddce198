#!/bin/sh
# tests/qemu/test-target-lvm.sh: distro mode and the small kernel capture into ext4 on an LVM LV (VG on a partition), and a stale mapping is refused.
#
# As test-distro-mode.sh (Debian's kernel as the capture kernel, its root
# disk behind megasas, distro-guest arms and crashes), with a second disk on
# the same controller: an msdos partition holding a PV of VG dalvt, whose
# linear LV "crash" holds the target ext4. The host makes the VG with lvm2's
# tools on a loop device over the partition (activation off: this host has
# no device-mapper), writes the ext4 image into the LV's extents, and
# computes the mapping as arm-plan records it (dumpagent.lvm=: the PV's id,
# the VG's id and seqno). The capture must map the LV itself (dm_mod, the
# agent's DM ioctls), check the ext4 UUID through the mapping and write the
# dump; the host reads it back from the LV's extents with debugfs and
# makedumpfile. Then a second crash with a wrong seqno recorded (as the
# DUMPAGENT_LVM_SEQNO test hook would) must be refused, the LV's bytes
# unchanged. Third, the small capture kernel (build/capture/vmlinuz, its
# device-mapper built in) with its own initramfs, loaded by distro-guest in
# place of Debian's: the PV disk moves to a virtio-scsi controller (the small
# kernel has no megasas driver), and the capture must map the LV and write a
# second dump beside the first.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup target-lvm
CRASHKERNEL=${CRASHKERNEL:-128M}
QEMU_MEM=${QEMU_MEM:-1G}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
export QEMU_MEM QEMU_TIMEOUT
UUID=3b9c1f0e-6d2a-4e57-8c11-0d15e7a0c0de
TUUID=5d0c4a1e-9b7f-4e2a-8d3c-1f2e3d4c5b6a
VG=dalvt$$
ROOT=$WORK/root
IMG=$WORK/disk.img
PV=$WORK/pv.img
STATE=/var/lib/dumpagent
DISTRO_CMDLINE="console=ttyS0 nr_cpus=1 reset_devices irqpoll nousb panic=10 printk.devkmsg=on"

require_file "$BUILD/dumpagent" "run make"
require_file "$CAPTURE_KERNEL" "run make capture-kernel"
for tool in mkfs.ext4 debugfs makedumpfile sfdisk losetup pvcreate; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (lvm2: apt-get install lvm2)"
done

# --- the PV disk: partition 1 from 1 MiB, the PV on it, the LV's first
# extent at the PV's pe_start.
truncate -s 300M "$PV"
echo 'start=2048, type=8e' | sfdisk -q "$PV" >/dev/null || fail "sfdisk $PV failed"
make_lv "$PV" "$VG" crash 256 -o 1048576
LVOFF=$((1048576 + pe * 512)) LVSIZE=$((256 * 1048576))
plan="$VG/crash,$vgid,$seqno,0+$((LVSIZE / 512)):linear:$pvid+$pe"
truncate -s "$LVSIZE" "$WORK/lv.img"
mkfs.ext4 -q -F -U "$TUUID" -L lvcrash "$WORK/lv.img" >"$WORK/mkfs-lv.log" 2>&1 || fail "mkfs.ext4 lv.img failed"
dd if="$WORK/lv.img" of="$PV" bs=1M seek=$((LVOFF / 1048576)) conv=notrunc status=none
echo "mapping: $plan"

# --- the rootfs and the distro initramfs (the modules as test-distro-mode.sh, and dm_mod)
target_modules() { modules_for "$1" "$2" "crc32c_generic megaraid_sas sd_mod dm_mod ext4"; }
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
rootfs_boot_files "$ROOT"
target_modules "$ROOT" "$release" >"$WORK/modules.list" 2>"$WORK/modules.err" ||
	fail "cannot list the target's modules: $(cat "$WORK/modules.err")"
echo "modules ($release): $(sed 's|.*/||' "$WORK/modules.list" | tr '\n' ' ')"
write_test_config "$WORK/dumpagent.conf" "TARGET=UUID=$TUUID" FSTYPE=ext4 \
	FINAL_ACTION=poweroff FAILURE_ACTION=poweroff
mkdir -p "$ROOT$STATE"
"$REPO/initramfs/build.sh" --config "$WORK/dumpagent.conf" --agent "$BUILD/dumpagent" \
	--modules "$WORK/modules.list" --kernel-release "$release" \
	--output "$ROOT$STATE/initramfs-distro.img" >"$WORK/build.log" 2>&1 ||
	fail "building the distro initramfs failed: $(cat "$WORK/build.log")"
echo "$DISTRO_CMDLINE dumpagent.target=UUID=$TUUID dumpagent.fstype=ext4 dumpagent.lvm=$plan" >"$ROOT$STATE/distro-cmdline"
install -m 0755 "$REPO/tests/qemu/distro-guest" "$ROOT/usr/local/sbin/distro-guest"
size_mb=$(($(du -sm "$ROOT" | cut -f1) + 768))
truncate -s "${size_mb}M" "$IMG"
mkfs.ext4 -q -F -U "$UUID" -L distro-root -d "$ROOT" "$IMG" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"

# boot NAME [BUS]: one VM, the root disk on a megasas controller and the PV
# disk on the same one, or on the controller BUS (QEMU's device name).
boot() {
	bus=scsi0
	[ -z "${2:-}" ] || bus=pvbus
	: >"$SERIAL"
	qemu_run "$WORK/vmlinuz" "$WORK/initrd.img" \
		"console=ttyS0 root=UUID=$UUID ro init=/usr/local/sbin/distro-guest crashkernel=$CRASHKERNEL" \
		-device megasas,id=scsi0 -drive "file=$IMG,if=none,id=root,format=raw" \
		-device scsi-hd,drive=root,bus=scsi0.0,scsi-id=0 ${2:+-device "$2,id=pvbus"} \
		-drive "file=$PV,if=none,id=pv,format=raw" -device scsi-hd,drive=pv,bus=$bus.0,scsi-id=1
	tr -d '\r' <"$SERIAL" >"$WORK/serial-$1.txt"
	grep -q 'DISTRO-TEST: FAILED' "$WORK/serial-$1.txt" &&
		fail "$1: the guest failed: $(grep 'DISTRO-TEST: FAILED' "$WORK/serial-$1.txt")"
	grep -q 'sysrq: Trigger a crash' "$WORK/serial-$1.txt" || fail "$1: the first kernel did not crash"
}
lv_out() { dd if="$PV" of="$1" bs=1M skip=$((LVOFF / 1048576)) count=$((LVSIZE / 1048576)) status=none; }

# --- 1: the recorded mapping is current: captured into the LV
boot capture
grep -q "dumpagent: capture complete" "$WORK/serial-capture.txt" ||
	fail "no complete capture: $(grep 'dumpagent' "$WORK/serial-capture.txt" | tail -n 5)"
grep -q "mapping LV $VG/crash" "$WORK/serial-capture.txt" || fail "the agent did not say it mapped the LV"
lv_out "$WORK/lv-after.img"
id=$(img_ls "$WORK/lv-after.img" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1)
[ -n "$id" ] || fail "no dump directory in /var/crash of the LV: $(img_ls "$WORK/lv-after.img" /var/crash)"
img_get "$WORK/lv-after.img" "/var/crash/$id/dump.$id" "$WORK/dump" || fail "no dump.$id in the LV"
makedumpfile --dump-dmesg "$WORK/dump" "$WORK/dmesg.txt" >"$WORK/makedumpfile.log" 2>&1 ||
	fail "makedumpfile --dump-dmesg cannot read the dump: $(cat "$WORK/makedumpfile.log")"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/dmesg.txt" || fail "the dump's dmesg has no sysrq panic"
! img_ls "$IMG" /var/crash | awk '{ print $NF }' | grep -qE '^[0-9]{12}' || fail "a dump went to the root disk"

# --- 2: a wrong seqno recorded: refused, the LV untouched
stale=$((seqno + 1))
echo "$DISTRO_CMDLINE dumpagent.target=UUID=$TUUID dumpagent.fstype=ext4 dumpagent.lvm=$VG/crash,$vgid,$stale,0+$((LVSIZE / 512)):linear:$pvid+$pe" >"$WORK/cmdline-stale"
debugfs -w -R "rm $STATE/distro-cmdline" "$IMG" >/dev/null 2>&1
debugfs -w -R "write $WORK/cmdline-stale $STATE/distro-cmdline" "$IMG" >/dev/null 2>&1 || fail "cannot write the stale command line"
cp "$PV" "$WORK/pv-before.img"
boot stale
grep -q "VG $VG changed since the loader armed: its metadata on sd[a-z]1 has seqno $seqno, the mapping recorded seqno $stale: refusing to write through a stale mapping; the loader re-arms when the VG changes; nothing was written" "$WORK/serial-stale.txt" ||
	fail "no stale-mapping refusal: $(grep 'dumpagent' "$WORK/serial-stale.txt" | tail -n 5)"
cmp -s "$PV" "$WORK/pv-before.img" || fail "the PV disk changed in the refused capture"

# --- 3: the small kernel, the recorded mapping current again: a second dump
"$REPO/initramfs/build.sh" --config "$WORK/dumpagent.conf" --agent "$BUILD/dumpagent" \
	--output "$WORK/initramfs-small.img" >"$WORK/build-small.log" 2>&1 ||
	fail "building the small initramfs failed: $(cat "$WORK/build-small.log")"
echo "$DISTRO_CMDLINE dumpagent.target=UUID=$TUUID dumpagent.fstype=ext4 dumpagent.lvm=$plan" >"$WORK/cmdline-small"
debugfs -w -R "rm $STATE/distro-cmdline" "$IMG" >/dev/null 2>&1
for f in "$WORK/cmdline-small:distro-cmdline" "$CAPTURE_KERNEL:vmlinuz-small" \
	"$WORK/initramfs-small.img:initramfs-small.img"; do
	debugfs -w -R "write ${f%:*} $STATE/${f##*:}" "$IMG" >"$WORK/debugfs.log" 2>&1 &&
		! grep -qi 'error\|not found' "$WORK/debugfs.log" || fail "cannot write $STATE/${f##*:}: $(cat "$WORK/debugfs.log")"
done
boot small virtio-scsi-pci
S=$WORK/serial-small.txt
grep -q "DISTRO-TEST: armed: $STATE/vmlinuz-small" "$S" || fail "distro-guest did not load the small kernel: $(grep 'DISTRO-TEST' "$S")"
# The capture kernel is ours: build.sh stamps its builds dumpagent@dumpagent.
sed -n '/sysrq: Trigger a crash/,$p' "$S" | grep -q 'Linux version 6\.1\.[0-9]* (dumpagent@dumpagent)' ||
	fail "the capture kernel that booted is not the small one: $(sed -n '/sysrq: Trigger a crash/,$p' "$S" | grep 'Linux version')"
grep -q "dumpagent: capture complete" "$S" || fail "small: no complete capture: $(grep 'dumpagent' "$S" | tail -n 8)"
grep -q "mapping LV $VG/crash" "$S" || fail "small: the agent did not say it mapped the LV"
lv_out "$WORK/lv-small.img"
id2=$(img_ls "$WORK/lv-small.img" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | grep -vx "$id" | head -n 1)
[ -n "$id2" ] || fail "small: no second dump directory in /var/crash of the LV: $(img_ls "$WORK/lv-small.img" /var/crash)"
img_get "$WORK/lv-small.img" "/var/crash/$id2/dump.$id2" "$WORK/dump-small" || fail "no dump.$id2 in the LV"
makedumpfile --dump-dmesg "$WORK/dump-small" "$WORK/dmesg-small.txt" >"$WORK/makedumpfile.log" 2>&1 ||
	fail "makedumpfile --dump-dmesg cannot read the small kernel's dump: $(cat "$WORK/makedumpfile.log")"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/dmesg-small.txt" ||
	fail "the small kernel's dump has no sysrq panic"
pass "$id: captured into LV $VG/crash (dm mapped by the agent, read back by makedumpfile); a wrong seqno refused, the PV disk byte-identical; $id2: the small kernel (dm built in) captured into the same LV"
