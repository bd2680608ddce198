#!/bin/sh
# tests/qemu/test-target-luks.sh: distro mode captures into ext4 on LUKS2 (Argon2id, as Debian formats it) through an enrolled PBKDF2 keyslot, into ext4 on an LV on LUKS2 (Debian's "encrypted LVM") and into ext4 on LUKS1 on an LV; the host decrypts all three and reads the dumps back, and finds no key where none may be.
#
# As test-target-lvm.sh (Debian's kernel as the capture kernel, its root
# disk behind megasas, the distro initramfs built on the host), with two
# more disks whose partition 1 is LUKS2 and one whose partition 1 is an LVM
# PV with LUKS1 on its LV. The host makes them without
# device-mapper (cryptsetup reencrypt --encrypt in userspace over a
# plaintext image), their passphrase slots Argon2id, and enrolls them with
# the agent's own "dumpagent luks-enroll" (a PBKDF2 slot for a keyfile).
#   1. sdb1: ext4 on LUKS2. The guest (luks-guest) first opens it with its
#      passphrase to show what dmsetup table --showkeys gives for LUKS2
#      (the finding of issue 14), then arms and crashes. The capture finds
#      the device by its header's UUID, opens it with cryptsetup and the
#      keyfile on the enrolled slot alone, checks the ext4 UUID, writes.
#   2. sdc1: LUKS2 holding an LVM PV, VG and LV (lvm2 on a loop device
#      before encryption), ext4 on the LV, and the keyfile inside that ext4
#      at /etc/dumpagent/luks/UUID.key, where luks-enroll keeps it on a
#      real system. The keyfile exists only after enrollment, so the header
#      is made first on a small image with a chosen volume key (cryptsetup
#      reencrypt --volume-key-file), enrolled, and copied over the big
#      image encrypted with the same UUID and volume key: both are
#      cryptsetup's own headers, none is written here. The capture opens
#      LUKS first (dumpagent.luks=UUID,SLOT,pv), proves the VG's seqno on
#      the opened device, maps the LV, checks the ext4 UUID and writes.
#   3. sdd1: an LVM PV whose LV holds LUKS1 (the other way up, and the
#      other LUKS version in one boot), ext4 inside. cryptsetup reencrypts
#      LUKS1 only through device-mapper, which the host lacks: the LV's
#      content is encrypted as LUKS2 with a PBKDF2 passphrase slot and
#      turned into LUKS1 by cryptsetup convert, then enrolled. The capture
#      proves the VG's seqno on the disk, maps the LV first
#      (dumpagent.luks=UUID,SLOT,lv), finds the LUKS1 header on that LV
#      alone, opens it, checks the ext4 UUID and writes.
# The guest never reads volumes 2 and 3 itself. The keyed initramfs reaches the
# guest through QEMU's fw_cfg (memory, no disk) and luks-guest builds it in
# /run, as the loader does. Afterwards the host looks for the keyfiles and
# the volume keys (cryptsetup luksDump --dump-volume-key), byte for byte:
# no keyfile on any raw disk image, volume 2's keyfile found inside
# decrypted volume 2 (which shows the search finds it), and no volume key
# on any raw image or decrypted volume (volume 3's in its own neither: the
# first kernel never opened it). Not searched: volume 1's own key in
# decrypted volume 1, whose dump is of a first kernel that opened volume 1
# with its passphrase (a dump of a machine with open encrypted disks holds
# their keys: dumpagent export warns of it).
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
TUUID2=2c4e6a8b-1d3f-4a5b-8c7d-9e0f1a2b3c4d
LUUID2=5e1a9c7d-3b2f-4d6e-8a0c-1b2d3e4f5a6b
TUUID3=9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a
VG=dalux$$
VG3=dalvl$$
ROOT=$WORK/root
IMG=$WORK/disk.img
CR=$WORK/crypt.img
CL=$WORK/cryptlvm.img
PART=$WORK/part.img
PART2=$WORK/part2.img
CV=$WORK/lvluks.img
PART3=$WORK/part3.img
STATE=/var/lib/dumpagent
DISTRO_CMDLINE="console=ttyS0 nr_cpus=1 reset_devices irqpoll nousb panic=10 printk.devkmsg=on"
ENCRYPT="cryptsetup reencrypt --encrypt -q --type luks2 --reduce-device-size 16M --force-offline-reencrypt"

require_file "$BUILD/dumpagent" "run make"
for tool in mkfs.ext4 debugfs makedumpfile sfdisk cryptsetup cpio losetup pvcreate python3; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (cryptsetup: apt-get install cryptsetup-bin; lvm2)"
done

# enroll IMAGE: dumpagent luks-enroll of the image with the passphrase,
# into $WORK/keys; prints the slot.
enroll() {
	DUMPAGENT_LUKS_DIR=$WORK/keys/etc/dumpagent/luks DUMPAGENT_CRYPTSETUP=$(command -v cryptsetup) \
		"$BUILD/dumpagent" luks-enroll "$1" <"$WORK/passphrase" >>"$WORK/enroll.log" 2>&1 ||
		fail "dumpagent luks-enroll $1 failed: $(cat "$WORK/enroll.log")"
	cat "$WORK/keys/etc/dumpagent/luks/$(cryptsetup luksUUID "$1").slot"
}
# check_slots IMAGE SLOT: the passphrase slot Argon2id, the enrolled one PBKDF2.
check_slots() {
	cryptsetup luksDump "$1" >"$1.dump.txt"
	awk -v s="  $2: luks2" '$0 == s { on = 1; next } on && /PBKDF:/ { print $2; exit }' "$1.dump.txt" | grep -qx pbkdf2 ||
		fail "the enrolled slot $2 of $1 is not pbkdf2: $(cat "$1.dump.txt")"
	grep -q 'PBKDF:      argon2id' "$1.dump.txt" || fail "the passphrase slot of $1 is not argon2id"
}
# volume_key IMAGE KEYFILE OUT: the volume key's bytes, as cryptsetup dumps them.
volume_key() {
	cryptsetup luksDump -q --dump-volume-key --key-file "$2" "$1" >"$3.txt" 2>&1 ||
		fail "cryptsetup luksDump --dump-volume-key $1 failed: $(cat "$3.txt")"
	awk '/[Kk]ey:|dump:/ { on = 1 } on { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9a-f][0-9a-f]$/) printf "%s", $i }' "$3.txt" |
		python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >"$3"
	[ "$(wc -c <"$3")" = 64 ] || fail "no 64-byte volume key in $3.txt: $(cat "$3.txt")"
}
# disk IMAGE PART: a 300 MiB disk whose partition 1 (from 1 MiB) is PART.
disk() {
	truncate -s 300M "$1"
	echo 'start=2048, type=83' | sfdisk -q "$1" >/dev/null || fail "sfdisk $1 failed"
	dd if="$2" of="$1" bs=1M seek=1 conv=notrunc status=none
}

# --- volume 1: ext4 encrypted in place (userspace), Argon2id for the passphrase
printf 'test-only passphrase' >"$WORK/passphrase"
mkdir -p "$WORK/keys/etc"
truncate -s 299M "$PART"
mkfs.ext4 -q -F -U "$TUUID" -L lukscrash "$PART" 280M >"$WORK/mkfs-part.log" 2>&1 || fail "mkfs.ext4 part.img failed"
$ENCRYPT --pbkdf argon2id --pbkdf-memory 32768 --pbkdf-force-iterations 4 --key-file "$WORK/passphrase" "$PART" \
	>"$WORK/encrypt.log" 2>&1 || fail "cryptsetup reencrypt --encrypt failed: $(cat "$WORK/encrypt.log")"
LUUID=$(cryptsetup luksUUID "$PART")
SLOT=$(enroll "$PART")
KEY=$WORK/keys/etc/dumpagent/luks/$LUUID.key
check_slots "$PART" "$SLOT"
volume_key "$PART" "$KEY" "$WORK/vk1"
echo "volume 1: LUKS2 $LUUID: passphrase slot argon2id, enrolled slot $SLOT pbkdf2"
disk "$CR" "$PART"

# --- volume 2: the header first, on a small image with the volume key vk2
head -c 64 /dev/urandom >"$WORK/vk2-chosen"
truncate -s 20M "$WORK/header2.img"
$ENCRYPT --uuid "$LUUID2" --volume-key-file "$WORK/vk2-chosen" --key-size 512 --pbkdf argon2id --pbkdf-memory 32768 \
	--pbkdf-force-iterations 4 --key-file "$WORK/passphrase" "$WORK/header2.img" >"$WORK/encrypt2.log" 2>&1 ||
	fail "cryptsetup reencrypt --encrypt of header2.img failed: $(cat "$WORK/encrypt2.log")"
SLOT2=$(enroll "$WORK/header2.img")
KEY2=$WORK/keys/etc/dumpagent/luks/$LUUID2.key
check_slots "$WORK/header2.img" "$SLOT2"
# the plaintext: a PV on the first 283 MiB (what LUKS leaves of 299), the LV
# root at its pe_start.
truncate -s 299M "$PART2"
make_lv "$PART2" "$VG" root 240 --sizelimit $((283 * 1048576))
LVSIZE=$((240 * 1048576))
plan="$VG/root,$vgid,$seqno,0+$((LVSIZE / 512)):linear:$pvid+$pe"
vgid2=$vgid seqno2=$seqno
mkdir -p "$WORK/lvroot/etc/dumpagent/luks"
chmod 0700 "$WORK/lvroot/etc/dumpagent/luks"
install -m 0600 "$KEY2" "$WORK/keys/etc/dumpagent/luks/$LUUID2.slot" "$WORK/lvroot/etc/dumpagent/luks/"
truncate -s "$LVSIZE" "$WORK/lv2.img"
mkfs.ext4 -q -F -U "$TUUID2" -L lvmcrypt -d "$WORK/lvroot" "$WORK/lv2.img" >"$WORK/mkfs-lv.log" 2>&1 ||
	fail "mkfs.ext4 lv2.img failed: $(cat "$WORK/mkfs-lv.log")"
dd if="$WORK/lv2.img" of="$PART2" bs=1M seek=$((pe * 512)) oflag=seek_bytes conv=notrunc status=none
rm -f "$WORK/lv2.img"
# encrypted with the same UUID and volume key, then the enrolled header on it
$ENCRYPT --uuid "$LUUID2" --volume-key-file "$WORK/vk2-chosen" --key-size 512 --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --key-file "$WORK/passphrase" "$PART2" >>"$WORK/encrypt2.log" 2>&1 ||
	fail "cryptsetup reencrypt --encrypt of part2.img failed: $(cat "$WORK/encrypt2.log")"
off1=$(cryptsetup luksDump "$WORK/header2.img" | awk '/^Data segments:/ { on = 1 } on && /offset:/ { print $2; exit }')
off2=$(cryptsetup luksDump "$PART2" | awk '/^Data segments:/ { on = 1 } on && /offset:/ { print $2; exit }')
[ -n "$off1" ] && [ "$off1" = "$off2" ] && [ $((off1 % 1048576)) = 0 ] ||
	fail "the data offsets differ or are not whole MiB: header2.img '$off1', part2.img '$off2'"
# the header and its keyslots, up to the data (half of --reduce-device-size)
dd if="$WORK/header2.img" of="$PART2" bs=1M count=$((off1 / 1048576)) conv=notrunc status=none
rm -f "$WORK/header2.img"
check_slots "$PART2" "$SLOT2"
cryptsetup open --test-passphrase --key-file "$KEY2" --key-slot "$SLOT2" "$PART2" ||
	fail "the enrolled keyfile does not open slot $SLOT2 of part2.img"
volume_key "$PART2" "$KEY2" "$WORK/vk2"
cmp -s "$WORK/vk2" "$WORK/vk2-chosen" || fail "part2.img's volume key is not the one chosen"
rm -f "$WORK/vk2-chosen"
echo "volume 2: LUKS2 $LUUID2 (enrolled slot $SLOT2 pbkdf2), PV $pvid, LV $VG/root at $pe: $plan"
disk "$CL" "$PART2"

# --- volume 3: LUKS1 on an LV. The LV's content first: ext4, encrypted as
# LUKS2 (the passphrase slot PBKDF2, which LUKS1 allows), made LUKS1 by
# cryptsetup convert, enrolled; then written at the LV's place on a PV.
LVSIZE3=$((160 * 1048576))
truncate -s "$LVSIZE3" "$WORK/lv3.img"
mkfs.ext4 -q -F -U "$TUUID3" -L luks1lv "$WORK/lv3.img" $((LVSIZE3 / 1048576 - 16))M >"$WORK/mkfs-lv3.log" 2>&1 ||
	fail "mkfs.ext4 lv3.img failed: $(cat "$WORK/mkfs-lv3.log")"
$ENCRYPT --key-size 512 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file "$WORK/passphrase" "$WORK/lv3.img" \
	>"$WORK/encrypt3.log" 2>&1 && cryptsetup convert -q --type luks1 "$WORK/lv3.img" >>"$WORK/encrypt3.log" 2>&1 ||
	fail "cryptsetup reencrypt --encrypt or convert --type luks1 of lv3.img failed: $(cat "$WORK/encrypt3.log")"
cryptsetup isLuks --type luks1 "$WORK/lv3.img" || fail "lv3.img is not LUKS1 after cryptsetup convert"
LUUID3=$(cryptsetup luksUUID "$WORK/lv3.img")
SLOT3=$(enroll "$WORK/lv3.img")
KEY3=$WORK/keys/etc/dumpagent/luks/$LUUID3.key
cryptsetup luksDump "$WORK/lv3.img" >"$WORK/lv3.dump.txt"
awk -v s="Key Slot $SLOT3: ENABLED" '$0 == s { on = 1; next } on && /Iterations:/ { print $2; exit }' "$WORK/lv3.dump.txt" |
	grep -qx 1000 || fail "the enrolled slot $SLOT3 of lv3.img is not pbkdf2 with 1000 iterations: $(cat "$WORK/lv3.dump.txt")"
volume_key "$WORK/lv3.img" "$KEY3" "$WORK/vk3"
truncate -s 299M "$PART3"
make_lv "$PART3" "$VG3" root $((LVSIZE3 / 1048576)) --sizelimit $((299 * 1048576))
plan3="$VG3/root,$vgid,$seqno,0+$((LVSIZE3 / 512)):linear:$pvid+$pe"
dd if="$WORK/lv3.img" of="$PART3" bs=1M seek=$((pe * 512)) oflag=seek_bytes conv=notrunc status=none
rm -f "$WORK/lv3.img"
pe3=$pe vgid3=$vgid seqno3=$seqno
echo "volume 3: LUKS1 $LUUID3 (enrolled slot $SLOT3) on LV $VG3/root at $pe3 of PV $pvid: $plan3"
disk "$CV" "$PART3"

# --- the rootfs and the distro initramfs (with cryptsetup, as dm-crypt is listed)
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
rootfs_boot_files "$ROOT"
modules_for "$ROOT" "$release" "crc32c_generic megaraid_sas sd_mod dm_mod dm_crypt ecb xts ext4" \
	>"$WORK/modules.list" 2>"$WORK/modules.err" || fail "cannot list the target's modules: $(cat "$WORK/modules.err")"
echo "modules ($release): $(sed 's|.*/||' "$WORK/modules.list" | tr '\n' ' ')"
write_test_config "$WORK/dumpagent.conf" "TARGET=UUID=$TUUID" FSTYPE=ext4 FINAL_ACTION=poweroff FAILURE_ACTION=poweroff
mkdir -p "$ROOT$STATE"
"$REPO/initramfs/build.sh" --config "$WORK/dumpagent.conf" --agent "$BUILD/dumpagent" \
	--modules "$WORK/modules.list" --kernel-release "$release" --output "$ROOT$STATE/initramfs-distro.img" >"$WORK/build.log" 2>&1 ||
	fail "building the distro initramfs failed: $(cat "$WORK/build.log")"
"$REPO/initramfs/build.sh" --list "$ROOT$STATE/initramfs-distro.img" | grep -qx sbin/cryptsetup || fail "no sbin/cryptsetup in the initramfs"
# What load-crashkernel's keyed_initrd appends: a cpio of the keyfile at
# /etc/dumpagent/luks/UUID.key. It goes to the guest through fw_cfg, never
# onto a disk image.
key_cpio() {
	rm -rf "$WORK/keyroot" && mkdir -p "$WORK/keyroot/etc/dumpagent/luks" && cp "$1" "$WORK/keyroot/etc/dumpagent/luks/"
	(cd "$WORK/keyroot" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$2"
	rm -rf "$WORK/keyroot"
}
key_cpio "$KEY" "$WORK/key1.cpio"
key_cpio "$KEY2" "$WORK/key2.cpio"
key_cpio "$KEY3" "$WORK/key3.cpio"
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

# boot NAME KEYCPIO [WORDS]: one VM, the four disks on one megasas
# controller (SCSI ids 0 root, 1 to 3 volumes 1 to 3; the sdX names follow
# the order the disks answer in, and the capture finds each by UUID), the
# keyed cpio in fw_cfg.
boot() {
	: >"$SERIAL"
	qemu_run "$WORK/vmlinuz" "$WORK/initrd.img" \
		"console=ttyS0 root=UUID=$UUID ro init=/usr/local/sbin/luks-guest crashkernel=$CRASHKERNEL ${3:-}" \
		-fw_cfg "name=opt/dumpagent/key.cpio,file=$2" \
		-device megasas,id=scsi0 -drive "file=$IMG,if=none,id=root,format=raw" \
		-device scsi-hd,drive=root,bus=scsi0.0,scsi-id=0 -drive "file=$CR,if=none,id=cr,format=raw" \
		-device scsi-hd,drive=cr,bus=scsi0.0,scsi-id=1 -drive "file=$CL,if=none,id=cl,format=raw" \
		-device scsi-hd,drive=cl,bus=scsi0.0,scsi-id=2 -drive "file=$CV,if=none,id=cv,format=raw" \
		-device scsi-hd,drive=cv,bus=scsi0.0,scsi-id=3
	tr -d '\r' <"$SERIAL" >"$WORK/serial-$1.txt"
	echo "guest $1: $QEMU_SECONDS s"
	grep -q 'DISTRO-TEST: FAILED\|LUKS-GUEST: FAILED' "$WORK/serial-$1.txt" &&
		fail "$1: the guest failed: $(grep 'FAILED' "$WORK/serial-$1.txt")"
	grep -q 'sysrq: Trigger a crash' "$WORK/serial-$1.txt" || fail "$1: the first kernel did not crash"
	grep -q "dumpagent: capture complete" "$WORK/serial-$1.txt" ||
		fail "$1: no complete capture: $(grep 'dumpagent' "$WORK/serial-$1.txt" | tail -n 8)"
}
# decrypt DISK KEYFILE OUT [OFFSET SIZE]: the LUKS device at OFFSET bytes
# into partition 1 of DISK (SIZE bytes; without them, partition 1 itself)
# decrypted (userspace) into OUT. A LUKS1 one is made LUKS2 first (cryptsetup
# convert): cryptsetup decrypts LUKS1 only through device-mapper.
decrypt() {
	if [ $# = 3 ]; then
		dd if="$1" of="$3" bs=1M skip=1 status=none
	else
		dd if="$1" of="$3" bs=1M skip=$((1048576 + $4)) count=$(($5 / 1048576)) iflag=skip_bytes status=none
	fi
	rm -f "$3.header"
	{ ! cryptsetup isLuks --type luks1 "$3" || cryptsetup convert -q --type luks2 "$3"; } >"$3.log" 2>&1 &&
		cryptsetup reencrypt --decrypt -q --force-offline-reencrypt --key-file "$2" --header "$3.header" "$3" \
			>>"$3.log" 2>&1 || fail "cryptsetup reencrypt --decrypt of $1 failed: $(cat "$3.log")"
	rm -f "$3.header"
}
# read_back EXT4IMAGE WHAT: the dump in its /var/crash, read by makedumpfile.
read_back() {
	id=$(img_ls "$1" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1)
	[ -n "$id" ] || fail "no dump directory in /var/crash of $2: $(img_ls "$1" /var/crash)"
	rm -f "$WORK/dump" "$WORK/dmesg.txt"
	img_get "$1" "/var/crash/$id/dump.$id" "$WORK/dump" || fail "no dump.$id in $2"
	makedumpfile --dump-dmesg "$WORK/dump" "$WORK/dmesg.txt" >"$WORK/makedumpfile.log" 2>&1 ||
		fail "makedumpfile --dump-dmesg cannot read the dump in $2: $(cat "$WORK/makedumpfile.log")"
	grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/dmesg.txt" || fail "the dump's dmesg in $2 has no sysrq panic"
	rm -f "$WORK/dump"
}

# --- 1: ext4 on LUKS2
cv_sum=$(sha256sum <"$CV")
boot luks "$WORK/key1.cpio" "LUKS_FINDING=$LUUID"
grep 'LUKS-FINDING' "$WORK/serial-luks.txt" || echo "(no LUKS-FINDING line)"
grep -q "cryptsetup: Key slot $SLOT unlocked" "$WORK/serial-luks.txt" || fail "the capture's log does not show keyslot $SLOT unlocked"
grep -q "LUKS .* opened as .* (ext4 UUID=$TUUID)" "$WORK/serial-luks.txt" || fail "the agent did not say it opened the LUKS device"
decrypt "$CR" "$KEY" "$WORK/part-after.img"
read_back "$WORK/part-after.img" "the LUKS volume"
id1=$id

# --- 2: ext4 on an LV on LUKS2 (Debian's "encrypted LVM")
echo "$DISTRO_CMDLINE dumpagent.target=UUID=$TUUID2 dumpagent.fstype=ext4 dumpagent.lvm=$plan dumpagent.luks=$LUUID2,$SLOT2,pv" >"$WORK/cmdline-lvm"
debugfs -w -R "rm $STATE/distro-cmdline" "$IMG" >/dev/null 2>&1
debugfs -w -R "write $WORK/cmdline-lvm $STATE/distro-cmdline" "$IMG" >/dev/null 2>&1 || fail "cannot write the encrypted LVM command line"
cr_sum=$(sha256sum <"$CR")
boot lvm "$WORK/key2.cpio"
grep -q "cryptsetup: Key slot $SLOT2 unlocked" "$WORK/serial-lvm.txt" || fail "the capture's log does not show keyslot $SLOT2 unlocked"
grep -q "LUKS /dev/sd[a-z]1 opened as /dev/mapper/dumpagent-crypt" "$WORK/serial-lvm.txt" || fail "the agent did not say it opened the LUKS device holding the PV: $(grep 'dumpagent' "$WORK/serial-lvm.txt" | tail -n 8)"
grep -q "VG $VG (id $vgid2) seqno $seqno2 on 1 metadata area(s), as when armed: mapping LV $VG/root (1 segment(s) on dm-" "$WORK/serial-lvm.txt" ||
	fail "the agent did not prove the seqno on the opened LUKS device: $(grep 'dumpagent' "$WORK/serial-lvm.txt" | tail -n 8)"
grep -q "LV $VG/root mapped as .* (ext4 UUID=$TUUID2)" "$WORK/serial-lvm.txt" || fail "the agent did not map the LV on LUKS"
decrypt "$CL" "$KEY2" "$WORK/part2-after.img"
dd if="$WORK/part2-after.img" of="$WORK/lv2-after.img" bs=1M skip=$((pe * 512)) count=$((LVSIZE / 1048576)) iflag=skip_bytes status=none
read_back "$WORK/lv2-after.img" "the LV on LUKS"
id2=$id
! img_ls "$IMG" /var/crash | awk '{ print $NF }' | grep -qE '^[0-9]{12}' || fail "a dump went to the root disk"
[ "$(sha256sum <"$CR")" = "$cr_sum" ] || fail "the encrypted LVM boot changed volume 1's disk"
[ "$(sha256sum <"$CV")" = "$cv_sum" ] || fail "the first two boots changed volume 3's disk"

# --- 3: ext4 on LUKS1 on an LV: the LV mapped first, LUKS1 opened on it
echo "$DISTRO_CMDLINE dumpagent.target=UUID=$TUUID3 dumpagent.fstype=ext4 dumpagent.lvm=$plan3 dumpagent.luks=$LUUID3,$SLOT3,lv" >"$WORK/cmdline-lvluks"
debugfs -w -R "rm $STATE/distro-cmdline" "$IMG" >/dev/null 2>&1
debugfs -w -R "write $WORK/cmdline-lvluks $STATE/distro-cmdline" "$IMG" >/dev/null 2>&1 || fail "cannot write the LUKS-on-LV command line"
cr_sum=$(sha256sum <"$CR") cl_sum=$(sha256sum <"$CL")
boot lvluks "$WORK/key3.cpio"
grep -q "VG $VG3 (id $vgid3) seqno $seqno3 on 1 metadata area(s), as when armed: mapping LV $VG3/root (1 segment(s) on sd" "$WORK/serial-lvluks.txt" ||
	fail "the agent did not prove the seqno on the disk before mapping the LV: $(grep 'dumpagent' "$WORK/serial-lvluks.txt" | tail -n 8)"
grep -q "LV $VG3/root mapped as .* (luks1 UUID=$LUUID3)" "$WORK/serial-lvluks.txt" ||
	fail "the agent did not map the LV holding LUKS1: $(grep 'dumpagent' "$WORK/serial-lvluks.txt" | tail -n 8)"
grep -q "luks1 UUID $LUUID3 on .*: opening keyslot $SLOT3 " "$WORK/serial-lvluks.txt" ||
	fail "the agent did not find the LUKS1 header on the mapped LV: $(grep 'dumpagent' "$WORK/serial-lvluks.txt" | tail -n 8)"
grep -q "cryptsetup: Key slot $SLOT3 unlocked" "$WORK/serial-lvluks.txt" || fail "the capture's log does not show keyslot $SLOT3 unlocked"
grep -q "LUKS .* opened as /dev/mapper/dumpagent-crypt (ext4 UUID=$TUUID3)" "$WORK/serial-lvluks.txt" || fail "the agent did not open LUKS1 on the LV"
decrypt "$CV" "$KEY3" "$WORK/lv3-after.img" $((pe3 * 512)) "$LVSIZE3"
read_back "$WORK/lv3-after.img" "LUKS1 on the LV"
id3=$id
[ "$(sha256sum <"$CR")" = "$cr_sum" ] && [ "$(sha256sum <"$CL")" = "$cl_sum" ] || fail "the LUKS-on-LV boot changed volume 1's or 2's disk"

# --- no key where none may be: the keyfiles on no raw disk image (volume
# 2's found inside decrypted volume 2, where it lives), the volume keys on
# no raw image and in no decrypted volume (but volume 1's own, see above).
found=$(python3 "$REPO/tests/qemu/find_bytes.py" "$KEY2" "$WORK/part2-after.img") || fail "find_bytes.py failed"
[ -n "$found" ] || fail "the keyfile of volume 2 is not found in decrypted volume 2: the search finds nothing"
for needle in "$KEY" "$KEY2" "$KEY3" "$WORK/vk1" "$WORK/vk2" "$WORK/vk3"; do
	found=$(python3 "$REPO/tests/qemu/find_bytes.py" "$needle" "$IMG" "$CR" "$CL" "$CV") || fail "find_bytes.py failed"
	[ -z "$found" ] || fail "$(basename "$needle")'s bytes are on the raw disk image(s): $found"
done
found=$(python3 "$REPO/tests/qemu/find_bytes.py" "$WORK/vk2" "$WORK/part-after.img" "$WORK/part2-after.img" "$WORK/lv3-after.img" &&
	python3 "$REPO/tests/qemu/find_bytes.py" "$WORK/vk3" "$WORK/part-after.img" "$WORK/part2-after.img" "$WORK/lv3-after.img" &&
	python3 "$REPO/tests/qemu/find_bytes.py" "$WORK/vk1" "$WORK/part2-after.img" "$WORK/lv3-after.img") || fail "find_bytes.py failed"
[ -z "$found" ] || fail "a volume key is in a decrypted volume: $found"
rm -f "$WORK/part-after.img" "$WORK/part2-after.img" "$WORK/lv3-after.img"
pass "$id1: captured into ext4 on LUKS2 $LUUID (Argon2id passphrase slot; enrolled pbkdf2 slot $SLOT opened by cryptsetup in the capture); $id2: into ext4 on LV $VG/root on LUKS2 $LUUID2 (opened, seqno $seqno2 proven on it, LV mapped); $id3: into ext4 on LUKS1 $LUUID3 on LV $VG3/root (seqno $seqno3 proven, LV mapped, LUKS1 opened on it); all three decrypted on the host and read back by makedumpfile; no keyfile on a raw image, no volume key on any image"
