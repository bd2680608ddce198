#!/bin/sh
# tests/qemu/test-system-crypt.sh: the .deb on a Debian 12 guest whose root is on encrypted LVM (the installer's layout): boots unattended, enrolls, crashes, is captured into the encrypted root, reboots, lists the dump.
#
# The disk is what Debian's installer makes for "encrypted LVM", built on
# the host without device-mapper: partition 1 of vda is LUKS2 (its
# passphrase slot Argon2id, as Debian formats it), holding the PV of VG
# dumpagent-vg, whose LV "root" holds the ext4 root filesystem. The host
# makes the VG with lvm2's tools on a loop device (activation off), writes
# the root image into the LV's extents, and encrypts the whole PV in
# userspace (cryptsetup reencrypt --encrypt). The root filesystem is the
# cached rootfs (system-rootfs.sh, with cryptsetup-initramfs and lvm2) with
# the package installed by apt, and the guest boots its own kernel and the
# initramfs that update-initramfs made in it: cryptsetup-initramfs unlocks
# vda1 with a TEST-ONLY keyfile that crypttab names and the image carries
# (KEYFILE_PATTERN), and lvm2's scripts activate the LV. A real machine
# would ask for the passphrase at the console here.
#
# In the guest (crypt-guest): the package's service tried to arm at boot
# (nothing enrolled); "dumpagent luks-enroll /dev/vda1" with the passphrase
# on stdin adds the PBKDF2 slot; the service restarts and must arm (the
# shipped unit, CAPTURE_MODE=auto taking distro: the small kernel has no
# dm); sysrq-c; the capture kernel opens the LUKS device with the enrolled
# keyfile, maps the LV, writes the dump into /var/crash on the encrypted
# root and reboots (FINAL_ACTION=reboot) through the same unattended
# unlock; "dumpagent list" there must show the dump. The host then
# decrypts a copy of the partition with the boot keyfile, reads the LV, and
# reads the dump back with makedumpfile --dump-dmesg.
# Environment: CRYPT_TIMEOUT (seconds for the whole VM run, default 1500),
# CRYPT_CRASHKERNEL (default crashkernel=128M).
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup system-crypt
CRYPT_TIMEOUT=${CRYPT_TIMEOUT:-1500}
CRASHKERNEL=${CRYPT_CRASHKERNEL:-crashkernel=128M}
RUUID=4c7e2a91-5d3b-4f08-9e6a-2b1c0d9e8f7a
LUUID=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
VG=dumpagent-vg
MAPPED=/dev/mapper/dumpagent--vg-root
ROOT=$WORK/root
PAYLOAD=$WORK/payload.img # the LUKS partition: plain, then encrypted in place
DISK=$WORK/disk.img
MON=$WORK/monitor.sock
R=/var/lib/crypt-test
# Argon2id as Debian formats a LUKS2 device, its memory cut for a 1 GiB TCG
# guest whose first initramfs runs it at every boot (the keyfile's slot).
ARGON="--pbkdf argon2id --pbkdf-memory 65536 --pbkdf-force-iterations 4"

deb=$(find "$BUILD/deb" -maxdepth 1 -name 'dumpagent_*_amd64.deb' 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no $BUILD/deb/dumpagent_*_amd64.deb: run make deb"
for tool in debootstrap mkfs.ext4 debugfs makedumpfile sfdisk losetup pvcreate cryptsetup python3; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run sh scripts/bootstrap.sh test"
done

# --- the rootfs, with the package installed as an admin would
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
[ -x "$ROOT/usr/share/initramfs-tools/hooks/cryptroot" ] && [ -x "$ROOT/usr/share/initramfs-tools/hooks/lvm2" ] ||
	fail "the rootfs has no cryptsetup-initramfs or lvm2 (system-rootfs.sh's INCLUDE)"
cp "$deb" "$ROOT/tmp/${deb##*/}"
in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"/tmp/${deb##*/}" >"$WORK/install.log" 2>&1 ||
	fail "apt-get install of ${deb##*/} in the rootfs failed: $(tail -n 30 "$WORK/install.log")"
rm -f "$ROOT/tmp/${deb##*/}"
grep -q '^TARGET=auto$' "$ROOT/etc/dumpagent.conf" && grep -q '^CAPTURE_MODE=auto$' "$ROOT/etc/dumpagent.conf" ||
	fail "the package's /etc/dumpagent.conf is not TARGET=auto, CAPTURE_MODE=auto"
in_root systemd-machine-id-setup >/dev/null 2>&1 || fail "systemd-machine-id-setup failed"
echo dumpagent >"$ROOT/etc/hostname"
echo "$MAPPED / ext4 errors=remount-ro 0 1" >"$ROOT/etc/fstab"

# The unattended unlock. TEST-ONLY: a keyfile for the root's LUKS device,
# inside the first initramfs (which QEMU reads from the host). No real
# machine should do this with an initramfs on an unencrypted /boot: it
# would leave the key beside the lock. Here it stands for the passphrase
# typed at the console. /root/test-passphrase (on the encrypted root) is
# likewise test-only: crypt-guest types it into luks-enroll.
printf 'test-only passphrase' >"$WORK/passphrase"
head -c 64 /dev/urandom >"$WORK/boot.key"
install -d -m 0700 "$ROOT/etc/cryptsetup-keys.d"
install -m 0400 "$WORK/boot.key" "$ROOT/etc/cryptsetup-keys.d/vda1_crypt.key"
install -m 0600 "$WORK/passphrase" "$ROOT/root/test-passphrase"
# "initramfs": the hook, run in a chroot here, cannot see that / will be
# on this device; the option makes it unlock it in the initramfs anyway.
echo "vda1_crypt UUID=$LUUID /etc/cryptsetup-keys.d/vda1_crypt.key luks,discard,initramfs" >"$ROOT/etc/crypttab"
cat >>"$ROOT/etc/cryptsetup-initramfs/conf-hook" <<-'EOF'
	# TEST-ONLY (tests/qemu/test-system-crypt.sh): the root's keyfile goes into
	# the initramfs, so that the guest boots without a passphrase typed.
	KEYFILE_PATTERN="/etc/cryptsetup-keys.d/*.key"
	CRYPTSETUP=y
EOF
# cryptsetup-initramfs asks for it when a keyfile is in the image.
echo 'UMASK=0077' >>"$ROOT/etc/initramfs-tools/initramfs.conf"
guest_unit "$ROOT" crypt-guest "dumpagent encrypted-LVM test (enroll, crash, list)"
mkdir -p "$ROOT$R"
in_root update-initramfs -u -k all >"$WORK/update-initramfs.log" 2>&1 ||
	fail "update-initramfs in the rootfs failed: $(cat "$WORK/update-initramfs.log")"
rootfs_boot_files "$ROOT"
in_root lsinitramfs "/boot/${initrd##*/}" >"$WORK/initrd.list" 2>&1 || fail "lsinitramfs $initrd failed: $(cat "$WORK/initrd.list")"
for f in cryptroot/crypttab cryptroot/keyfiles/vda1_crypt.key usr/sbin/cryptsetup usr/sbin/lvm; do
	grep -qx "$f" "$WORK/initrd.list" || fail "the first initramfs has no $f: $(cat "$WORK/update-initramfs.log")"
done

# --- the root filesystem, then the PV around it, then LUKS2 around that
size_mb=$(($(du -sm "$ROOT" | cut -f1) + 768))
truncate -s "${size_mb}M" "$WORK/root.img"
mkfs.ext4 -q -F -U "$RUUID" -L root -d "$ROOT" "$WORK/root.img" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"
# The LV: the root image in whole 4 MiB extents. The PV: 1 MiB of labels
# and metadata, the LV, 4 MiB spare. The payload: the PV and the 16 MiB
# that reencrypt --encrypt takes for the LUKS2 header.
lv_mb=$(((size_mb + 3) / 4 * 4))
pv_mb=$((1 + lv_mb + 4))
truncate -s "$(((pv_mb + 16) * 1048576))" "$PAYLOAD"
# Not lib.sh's make_lv: the guest's first initramfs activates this VG
# through lvm2's udev rules (vgchange -aay, autoactivation), which skip a
# VG made with make_lv's --setautoactivation n.
LOOP=$(losetup -f --show --sizelimit "$((pv_mb * 1048576))" "$PAYLOAD") || fail "losetup $PAYLOAD failed"
trap 'losetup -d "$LOOP"' EXIT # activation is off: nothing of the VG is active
lvm_q pvcreate -q "$LOOP" >/dev/null && lvm_q vgcreate -q "$VG" "$LOOP" >/dev/null &&
	lvm_q lvcreate -q -an -Zn -y -L "${lv_mb}M" -n root "$VG" >/dev/null ||
	fail "lvm on $LOOP failed: $(cat "$WORK/lvm.log")"
pe=$(lvm_q pvs --noheadings --units s --nosuffix -o pe_start "$LOOP" | tr -d ' ')
ranges=$(lvm_q lvs --noheadings -o seg_pe_ranges "$VG/root" | tr -d ' ')
losetup -d "$LOOP"
trap - EXIT
[ "$ranges" = "$LOOP:0-$((lv_mb / 4 - 1))" ] && [ "$pe" = 2048 ] ||
	fail "the LV is not extents 0-$((lv_mb / 4 - 1)) from pe_start 2048 of the PV: $ranges, $pe"
dd if="$WORK/root.img" of="$PAYLOAD" bs=1M seek=1 conv=notrunc status=none
rm -f "$WORK/root.img"
# shellcheck disable=SC2086 # ARGON is a list of cryptsetup options
cryptsetup reencrypt --encrypt -q --type luks2 --uuid "$LUUID" $ARGON --reduce-device-size 16M \
	--force-offline-reencrypt --key-file "$WORK/passphrase" "$PAYLOAD" >"$WORK/encrypt.log" 2>&1 ||
	fail "cryptsetup reencrypt --encrypt failed: $(cat "$WORK/encrypt.log")"
# shellcheck disable=SC2086
cryptsetup luksAddKey -q $ARGON --key-file "$WORK/passphrase" "$PAYLOAD" "$WORK/boot.key" >"$WORK/addkey.log" 2>&1 ||
	fail "cryptsetup luksAddKey (the boot keyfile) failed: $(cat "$WORK/addkey.log")"
truncate -s "$(($(wc -c <"$PAYLOAD") + 1048576))" "$DISK"
echo 'start=2048, type=83' | sfdisk -q "$DISK" >/dev/null || fail "sfdisk $DISK failed"
dd if="$PAYLOAD" of="$DISK" bs=1M seek=1 conv=notrunc status=none
rm -f "$PAYLOAD"
echo "disk: vda1 LUKS2 $LUUID (argon2id slots 0, passphrase, and 1, the test-only boot keyfile) > PV > VG $VG > LV root (${lv_mb} MiB, ext4 $RUUID)"

# --- the VM: boots (unlocked by the initramfs), enrolls, crashes, the
# capture reboots it, it lists and powers off. Host times of the serial
# markers make the timeline.
append="console=ttyS0 root=$MAPPED ro $CRASHKERNEL"
echo "booting: $append"
start=$(date +%s)
timeout --foreground -k 5 "$CRYPT_TIMEOUT" qemu-system-x86_64 -accel tcg \
	-machine q35 -cpu max -smp 2 -m 1G -nographic -monitor "unix:$MON,server=on,wait=off" \
	-serial "file:$SERIAL" -kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" \
	-append "$append" -drive "file=$DISK,if=virtio,format=raw" \
	</dev/null >"$WORK/qemu.out" 2>&1 &
qemu=$!
MARKS="CRYPT-TEST: first boot|CRYPT-TEST: armed|sysrq: Trigger a crash|dump written|CRYPT-TEST: second boot|CRYPT-TEST: powering off"
: >"$WORK/times"
# A first initramfs that asks for the passphrase or gives up on the root
# waits forever at the console: stop it at once.
STUCK="Please unlock disk|ALERT! |Dropping to a shell"
while kill -0 "$qemu" 2>/dev/null; do
	if tr -d '\r' <"$SERIAL" | grep -qE "$STUCK"; then
		kill "$qemu" 2>/dev/null || :
		fail "the first initramfs did not boot from the encrypted LV: $(tr -d '\r' <"$SERIAL" | grep -E "$STUCK" | head -n 3)"
	fi
	stamp_marks
	sleep 1
done
rc=0
wait "$qemu" || rc=$?
tr -d '\r' <"$SERIAL" >"$WORK/serial.txt"
echo "VM: $(($(date +%s) - start)) s"
case $rc in 124 | 137) fail "the VM did not power off within $CRYPT_TIMEOUT s" ;; esac
[ "$rc" = 0 ] || fail "qemu exited with status $rc: $(cat "$WORK/qemu.out")"

# --- the host opens the disk: a copy of the partition decrypted with the
# boot keyfile (userspace, the header moved out), the LV at pe_start.
dd if="$DISK" of="$WORK/part.img" bs=1M skip=1 status=none
cryptsetup luksDump "$WORK/part.img" >"$WORK/luksdump.txt" 2>&1 || fail "cryptsetup luksDump failed: $(cat "$WORK/luksdump.txt")"
cryptsetup reencrypt --decrypt -q --force-offline-reencrypt --key-file "$WORK/boot.key" --header "$WORK/header.img" \
	"$WORK/part.img" >"$WORK/decrypt.log" 2>&1 || fail "cryptsetup reencrypt --decrypt failed: $(cat "$WORK/decrypt.log")"
LVIMG=$WORK/lv.img
dd if="$WORK/part.img" of="$LVIMG" bs=1M skip=1 count="$lv_mb" status=none
rm -f "$WORK/part.img"
img_get "$LVIMG" "$R/results" "$WORK/results" || fail "the guest wrote no results ($R/results in the LV)"

# --- the first boot: unattended unlock, enrollment, arming
grep -q "CRYPT-TEST: first boot" "$WORK/serial.txt" || fail "the guest did not boot from the encrypted LV"
block stack | grep -q "vda1_crypt .*crypt" && block stack | grep -q "dumpagent--vg-root .*lvm .*ext4 */$" ||
	fail "the root is not an LV on vda1_crypt: $(block stack)"
# Before luks-enroll the loader refuses the LUKS device by name (17) and gives the command.
[ "$(block state-before)" = failed ] &&
	block journal-before | grep -q "which is not enrolled.*enroll it with: dumpagent luks-enroll /dev/vda1" ||
	fail "before luks-enroll, the service was not refused with the enroll command: $(block state-before) $(block journal-before)"
echo "before luks-enroll: dumpagent.service $(block state-before), $(block journal-before | grep '^load-crashkernel' | tail -n 1)"
[ "$(rc_of enroll)" = 0 ] || fail "dumpagent luks-enroll failed: $(block enroll)"
slot=$(awk '/^Keyslots:/ { on = 1; next } on && /^[^ \t]/ { on = 0 } on && /^  [0-9]+: luks2/ { s = $1 } on && /PBKDF:/ { sub(":", "", s); print s, $2 }' "$WORK/luksdump.txt")
echo "keyslots (slot PBKDF): $(echo "$slot" | tr '\n' ' ')"
echo "$slot" | grep -qx '0 argon2id' && echo "$slot" | grep -qx '1 argon2id' && echo "$slot" | grep -qx '2 pbkdf2' ||
	fail "the keyslots are not 0 and 1 argon2id and 2 (enrolled) pbkdf2: $(cat "$WORK/luksdump.txt")"
block keydir | grep -q "^700 root /etc/dumpagent/luks\$" && block keydir | grep -q "^600 root /etc/dumpagent/luks/$LUUID.key\$" ||
	fail "the enrolled keyfile is not /etc/dumpagent/luks/$LUUID.key, 0600 in a 0700 directory: $(block keydir)"
grep -q 'CRYPT-TEST: FAILED' "$WORK/serial.txt" &&
	fail "the guest failed: $(grep 'CRYPT-TEST: FAILED' "$WORK/serial.txt"); loader: $(block journal-first | grep '^load-crashkernel' | tail -n 3)"
[ "$(rc_of status-first)" = 0 ] || fail "not armed after luks-enroll: $(block status-first)"
block journal-first | grep '^load-crashkernel: mode: ' | tail -n 1 | grep -q 'mode: auto: distro: ' ||
	fail "CAPTURE_MODE=auto did not take distro: $(block journal-first | grep 'mode:')"
block loaded | grep -q "dumpagent\.luks=$LUUID,2" ||
	fail "the loaded command line does not open LUKS $LUUID with slot 2: $(block loaded)"
stack=$(block status-first | grep '^on:') || fail "dumpagent status has no 'on:' line: $(block status-first)"
echo "status: $stack"
echo "$stack" | grep -q "LV $VG/root on .*LUKS.* on vda1" ||
	fail "dumpagent status does not show the LV on LUKS on vda1: $stack"

# --- the capture, into the encrypted root
grep -q 'sysrq: Trigger a crash' "$WORK/serial.txt" || fail "the first kernel did not crash"
check_captured_once "CRYPT-TEST: second boot"
grep -q "cryptsetup: Key slot 2 unlocked" "$WORK/serial.txt" && grep -q "LUKS /dev/vda1 opened as " "$WORK/serial.txt" ||
	fail "the agent did not say it opened LUKS /dev/vda1 with keyslot 2"
grep -q "mapping LV $VG/root" "$WORK/serial.txt" || fail "the agent did not say it mapped LV $VG/root"

# --- the second boot: dumpagent list shows the dump
check_listed_dump

# --- the host reads the dump back from the decrypted LV
img_get "$LVIMG" "/var/crash/$id/dump.$id" "$WORK/dump" || fail "no /var/crash/$id/dump.$id in the LV"
check_read_back "$WORK/dump" "in the LV"

armed=$(at "CRYPT-TEST: armed") panicked=$(at "sysrq: Trigger a crash") second=$(at "CRYPT-TEST: second boot")
echo "timeline (host clock, TCG): boot to armed $((armed - start)) s, panic to second boot $((second - panicked)) s"
pass "$id: root on LV $VG/root on LUKS2 $LUUID, unlocked unattended (test-only keyfile), enrolled (slot 2, pbkdf2), captured into the encrypted root, listed after the reboot, read back by makedumpfile on the host"
