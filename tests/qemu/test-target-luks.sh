#!/bin/sh
# tests/qemu/test-target-luks.sh: distro mode captures into ext4 on LUKS2 (Argon2id, as Debian formats it) through an enrolled PBKDF2 keyslot; the host decrypts the dump and reads it back.
#
# As test-target-lvm.sh (Debian's kernel as the capture kernel, its root
# disk behind megasas, the distro initramfs built on the host), with a
# second disk whose partition 1 is LUKS2: the host makes it without
# device-mapper (cryptsetup reencrypt --encrypt in userspace over an ext4
# image), its passphrase slot Argon2id, then enrolls it with the agent's own
# "dumpagent luks-enroll" (a PBKDF2 slot for a keyfile) and builds the
# capture initramfs as the loader does: the built image, then a cpio of the
# keyfile. The guest (luks-guest) first opens the partition with its
# passphrase to show what dmsetup table --showkeys gives for LUKS2 (the
# finding of issue 14), then arms and crashes. The capture must find the
# device by its header's UUID, open it with cryptsetup and the keyfile on
# the enrolled slot alone, check the ext4 UUID and write the dump. The host
# decrypts the partition offline with the keyfile (cryptsetup reencrypt
# --decrypt, userspace) and reads the dump with makedumpfile.
#
# Not proven here: the key on no unencrypted disk. The rig puts the keyed
# initramfs on the guest's (plain) root disk, where distro-guest loads it;
# the loader's own rule (tmpfs only, deleted after kexec) is test-loader-mode's.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup target-luks
CRASHKERNEL=${CRASHKERNEL:-128M}
QEMU_MEM=${QEMU_MEM:-1G}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
export QEMU_MEM QEMU_TIMEOUT
UUID=3b9c1f0e-6d2a-4e57-8c11-0d15e7a0c0de
TUUID=7e1d2c3b-4a59-4867-9f0e-1d2c3b4a5968
ROOT=$WORK/root
IMG=$WORK/disk.img
CR=$WORK/crypt.img
PART=$WORK/part.img
STATE=/var/lib/dumpagent
DISTRO_CMDLINE="console=ttyS0 nr_cpus=1 reset_devices irqpoll nousb panic=10 printk.devkmsg=on"

require_file "$BUILD/dumpagent" "run make"
for tool in mkfs.ext4 debugfs makedumpfile sfdisk cryptsetup cpio; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (cryptsetup: apt-get install cryptsetup-bin)"
done

# --- the LUKS2 partition: ext4 encrypted in place (userspace), Argon2id for the passphrase
printf 'test-only passphrase' >"$WORK/passphrase"
truncate -s 299M "$PART"
mkfs.ext4 -q -F -U "$TUUID" -L lukscrash "$PART" 280M >"$WORK/mkfs-part.log" 2>&1 || fail "mkfs.ext4 part.img failed"
cryptsetup reencrypt --encrypt -q --type luks2 --pbkdf argon2id --pbkdf-memory 32768 --pbkdf-force-iterations 4 \
	--reduce-device-size 16M --force-offline-reencrypt --key-file "$WORK/passphrase" "$PART" >"$WORK/encrypt.log" 2>&1 ||
	fail "cryptsetup reencrypt --encrypt failed: $(cat "$WORK/encrypt.log")"
LUUID=$(cryptsetup luksUUID "$PART")
DUMPAGENT_LUKS_DIR=$WORK/keys/etc/dumpagent/luks
mkdir -p "$WORK/keys/etc"
DUMPAGENT_LUKS_DIR=$DUMPAGENT_LUKS_DIR DUMPAGENT_CRYPTSETUP=$(command -v cryptsetup) \
	"$BUILD/dumpagent" luks-enroll "$PART" <"$WORK/passphrase" >"$WORK/enroll.log" 2>&1 ||
	fail "dumpagent luks-enroll failed: $(cat "$WORK/enroll.log")"
SLOT=$(cat "$DUMPAGENT_LUKS_DIR/$LUUID.slot")
KEY=$DUMPAGENT_LUKS_DIR/$LUUID.key
cryptsetup luksDump "$PART" >"$WORK/luksdump.txt"
awk -v s="  $SLOT: luks2" '$0 == s { on = 1; next } on && /PBKDF:/ { print $2; exit }' "$WORK/luksdump.txt" | grep -qx pbkdf2 ||
	fail "the enrolled slot $SLOT is not pbkdf2: $(cat "$WORK/luksdump.txt")"
grep -q 'PBKDF:      argon2id' "$WORK/luksdump.txt" || fail "the passphrase slot is not argon2id"
echo "LUKS2 $LUUID: passphrase slot argon2id, enrolled slot $SLOT pbkdf2 ($(cat "$WORK/enroll.log"))"
truncate -s 300M "$CR"
echo 'start=2048, type=83' | sfdisk -q "$CR" >/dev/null || fail "sfdisk $CR failed"
dd if="$PART" of="$CR" bs=1M seek=1 conv=notrunc status=none

# --- the rootfs, the distro initramfs (with cryptsetup, as dm-crypt is listed), then the keyfile's cpio
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
rootfs_boot_files "$ROOT"
modules_for "$ROOT" "$release" "crc32c_generic megaraid_sas sd_mod dm_mod dm_crypt ecb xts ext4" \
	>"$WORK/modules.list" 2>"$WORK/modules.err" || fail "cannot list the target's modules: $(cat "$WORK/modules.err")"
echo "modules ($release): $(sed 's|.*/||' "$WORK/modules.list" | tr '\n' ' ')"
write_test_config "$WORK/dumpagent.conf" "TARGET=UUID=$TUUID" FSTYPE=ext4 FINAL_ACTION=poweroff FAILURE_ACTION=poweroff
"$REPO/initramfs/build.sh" --config "$WORK/dumpagent.conf" --agent "$BUILD/dumpagent" \
	--modules "$WORK/modules.list" --kernel-release "$release" --output "$WORK/initramfs-distro.img" >"$WORK/build.log" 2>&1 ||
	fail "building the distro initramfs failed: $(cat "$WORK/build.log")"
"$REPO/initramfs/build.sh" --list "$WORK/initramfs-distro.img" | grep -qx sbin/cryptsetup || fail "no sbin/cryptsetup in the initramfs"
# What load-crashkernel's keyed_initrd does: the keyfile at /etc/dumpagent/luks/UUID.key.
mkdir -p "$WORK/keyroot/etc/dumpagent/luks"
cp "$KEY" "$WORK/keyroot/etc/dumpagent/luks/"
(cd "$WORK/keyroot" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$WORK/key.cpio"
mkdir -p "$ROOT$STATE"
pad=$(($(wc -c <"$WORK/initramfs-distro.img") % 512))
{ cat "$WORK/initramfs-distro.img" && { [ "$pad" = 0 ] || head -c $((512 - pad)) /dev/zero; } && cat "$WORK/key.cpio"; } \
	>"$ROOT$STATE/initramfs-distro.img"
echo "$DISTRO_CMDLINE dumpagent.target=UUID=$TUUID dumpagent.fstype=ext4 dumpagent.luks=$LUUID,$SLOT" >"$ROOT$STATE/distro-cmdline"
install -m 0755 "$REPO/tests/qemu/distro-guest" "$ROOT/usr/local/sbin/distro-guest"
install -m 0755 "$REPO/tests/qemu/luks-guest" "$ROOT/usr/local/sbin/luks-guest"
# The rootfs has libcryptsetup12 only: the host's cryptsetup (bookworm's
# too), and those of its libraries the rootfs lacks (libpopt).
. "$REPO/initramfs/lib.sh"
install -m 0755 "$(command -v cryptsetup)" "$ROOT/usr/sbin/cryptsetup"
elf_libs "$(command -v cryptsetup)" | while IFS= read -r lib; do
	[ -e "$ROOT$lib" ] || install -D -m 0644 "$lib" "$ROOT$lib"
done
install -m 0600 "$WORK/passphrase" "$ROOT/root/luks-passphrase"
size_mb=$(($(du -sm "$ROOT" | cut -f1) + 768))
truncate -s "${size_mb}M" "$IMG"
mkfs.ext4 -q -F -U "$UUID" -L distro-root -d "$ROOT" "$IMG" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"

# --- one VM: the root disk and the LUKS disk on one megasas controller
qemu_run "$WORK/vmlinuz" "$WORK/initrd.img" \
	"console=ttyS0 root=UUID=$UUID ro init=/usr/local/sbin/luks-guest crashkernel=$CRASHKERNEL" \
	-device megasas,id=scsi0 -drive "file=$IMG,if=none,id=root,format=raw" \
	-device scsi-hd,drive=root,bus=scsi0.0,scsi-id=0 -drive "file=$CR,if=none,id=cr,format=raw" \
	-device scsi-hd,drive=cr,bus=scsi0.0,scsi-id=1
tr -d '\r' <"$SERIAL" >"$WORK/serial.txt"
echo "guest: $QEMU_SECONDS s"
grep 'LUKS-FINDING' "$WORK/serial.txt" || echo "(no LUKS-FINDING line)"
grep -q 'DISTRO-TEST: FAILED' "$WORK/serial.txt" && fail "the guest failed: $(grep 'DISTRO-TEST: FAILED' "$WORK/serial.txt")"
grep -q 'sysrq: Trigger a crash' "$WORK/serial.txt" || fail "the first kernel did not crash"
grep -q "dumpagent: capture complete" "$WORK/serial.txt" ||
	fail "no complete capture: $(grep 'dumpagent' "$WORK/serial.txt" | tail -n 8)"
grep -q "cryptsetup: Key slot $SLOT unlocked" "$WORK/serial.txt" || fail "the capture's log does not show keyslot $SLOT unlocked"
grep -q "LUKS .* opened as .* (ext4 UUID=$TUUID)" "$WORK/serial.txt" || fail "the agent did not say it opened the LUKS device"

# --- the host decrypts the partition (userspace) and reads the dump back
dd if="$CR" of="$WORK/part-after.img" bs=1M skip=1 status=none
cryptsetup reencrypt --decrypt -q --force-offline-reencrypt --key-file "$KEY" --header "$WORK/header.img" \
	"$WORK/part-after.img" >"$WORK/decrypt.log" 2>&1 || fail "cryptsetup reencrypt --decrypt failed: $(cat "$WORK/decrypt.log")"
id=$(img_ls "$WORK/part-after.img" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1)
[ -n "$id" ] || fail "no dump directory in /var/crash of the LUKS volume: $(img_ls "$WORK/part-after.img" /var/crash)"
img_get "$WORK/part-after.img" "/var/crash/$id/dump.$id" "$WORK/dump" || fail "no dump.$id in the LUKS volume"
makedumpfile --dump-dmesg "$WORK/dump" "$WORK/dmesg.txt" >"$WORK/makedumpfile.log" 2>&1 ||
	fail "makedumpfile --dump-dmesg cannot read the dump: $(cat "$WORK/makedumpfile.log")"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/dmesg.txt" || fail "the dump's dmesg has no sysrq panic"
! img_ls "$IMG" /var/crash | awk '{ print $NF }' | grep -qE '^[0-9]{12}' || fail "a dump went to the root disk"
pass "$id: captured into ext4 on LUKS2 $LUUID (Argon2id passphrase slot; enrolled pbkdf2 slot $SLOT opened by cryptsetup in the capture), decrypted on the host and read back by makedumpfile"
