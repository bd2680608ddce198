#!/bin/sh
# tests/qemu/test-secureboot.sh: the .deb on a Debian 12 machine booted with UEFI Secure Boot on.
#
# Secure Boot for real, as issue 13 asks: OVMF with Microsoft's keys enrolled
# and Secure Boot on (OVMF_CODE_4M.secboot.fd, a copy of OVMF_VARS_4M.ms.fd,
# SMM) boots a GPT disk: its ESP holds shim-signed's shimx64.efi as
# \EFI\BOOT\BOOTX64.EFI, grub-efi-amd64-signed's grubx64.efi beside it and a
# grub.cfg in \EFI\debian (where that GRUB looks); its root filesystem is the
# cached debootstrapped bookworm with shim-signed, grub-efi-amd64-signed,
# mokutil (secureboot-rootfs.sh) and the package (apt). So the chain is
# shim -> signed GRUB -> Debian's signed kernel, and the kernel turns
# lockdown on by itself, as on a real machine. Nothing needs a mount: the
# ESP is made with mkfs.vfat and mtools, the root with mkfs.ext4 -d at its
# partition's offset, the table with sfdisk.
#
# The guest (secureboot-guest) proves, and the host asserts: lockdown is
# [integrity]; mokutil says SecureBoot enabled; kexec_file_load takes
# Debian's own signed kernel (its key reaches the platform keyring through
# shim's MokListRT); kexec_load is refused; kexec_file_load refuses our
# unsigned small kernel. Then what load-crashkernel says on this machine.
#
# Two modes:
#   SECUREBOOT_CAPTURE=0  CAPTURE_MODE=auto arms the distro kernel (status
#                         armed, mode distro); no crash.
#   SECUREBOOT_CAPTURE=1  (the default) the same, then sysrq-c, the capture,
#                         the reboot through the
#                         whole chain again, "dumpagent list" shows the dump,
#                         and CAPTURE_MODE=small is refused with exit 18 and
#                         the lockdown message.
# Keys (SECUREBOOT_KEYS):
#   microsoft  the firmware's db holds Microsoft's keys, as a bought machine;
#   test       OVMF_VARS_4M.snakeoil.fd: PK, KEK and db hold the test key
#              Debian's ovmf ships (its private key beside it), shim carries
#              a signature by it too; the kernel puts that db key in its
#              platform keyring, as it does a key an admin enrolled. The host
#              signs Debian's kernel, stripped of Debian's signature, with the
#              test key alone: kexec_file_load takes it, and refuses the same
#              image unsigned. With SECUREBOOT_SIGN_SMALL=1 (once the small
#              kernel has the EFI stub that sbsign needs) the small kernel,
#              signed with sbsign, loads too.
# Environment: SECUREBOOT_TIMEOUT (seconds for the VM run, default 1500),
# SECUREBOOT_CAPTURE (0 or 1, default 1: CAPTURE_MODE is on main), SECUREBOOT_KEYS (microsoft or
# test, default microsoft), SECUREBOOT_SIGN_SMALL (0 or 1, default 0).
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup secureboot
SECUREBOOT_TIMEOUT=${SECUREBOOT_TIMEOUT:-1500}
SECUREBOOT_CAPTURE=${SECUREBOOT_CAPTURE:-1}
case $SECUREBOOT_CAPTURE in
0) mode=today ;;
1) mode=capture ;;
*) fail "SECUREBOOT_CAPTURE must be 0 or 1, not '$SECUREBOOT_CAPTURE'" ;;
esac
SECUREBOOT_KEYS=${SECUREBOOT_KEYS:-microsoft}
SECUREBOOT_SIGN_SMALL=${SECUREBOOT_SIGN_SMALL:-0}
case $SECUREBOOT_KEYS in
microsoft) OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd ;;
test) OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd ;;
*) fail "SECUREBOOT_KEYS must be microsoft or test, not '$SECUREBOOT_KEYS'" ;;
esac
case $SECUREBOOT_KEYS$SECUREBOOT_SIGN_SMALL in
microsoft0 | test0 | test1) ;;
*) fail "SECUREBOOT_SIGN_SMALL must be 0, or 1 with SECUREBOOT_KEYS=test, not '$SECUREBOOT_SIGN_SMALL'" ;;
esac
TEST_KEY=/usr/share/ovmf/PkKek-1-snakeoil.key
TEST_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
UUID=3e1c9a5d-8b2f-4d6e-a017-c4b8e2f95d31
CRASHKERNEL=crashkernel=256M
ROOT=$WORK/root
IMG=$WORK/disk.img
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd

deb=$(find "$BUILD/deb" -maxdepth 1 -name 'dumpagent_*_amd64.deb' 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no $BUILD/deb/dumpagent_*_amd64.deb: run make deb"
for tool in debootstrap mkfs.ext4 debugfs mkfs.vfat mmd mcopy sfdisk python3; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run sh scripts/bootstrap.sh test"
done
require_file "$OVMF_CODE" "apt-get install ovmf"
require_file "$OVMF_VARS" "apt-get install ovmf"
if [ "$SECUREBOOT_KEYS" = test ]; then
	for tool in sbsign sbattach openssl; do
		command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run sh scripts/bootstrap.sh test"
	done
	require_file "$TEST_KEY" "apt-get install ovmf"
	require_file "$TEST_CERT" "apt-get install ovmf"
fi

# --- the rootfs: the signed boot chain (cached) and the package, by apt
tarball=$(sh "$REPO/tests/qemu/secureboot-rootfs.sh" "$BUILD/system") ||
	fail "no Secure Boot rootfs; see $BUILD/system/secureboot-apt.log and $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
cp "$deb" "$ROOT/tmp/${deb##*/}"
in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"/tmp/${deb##*/}" >"$WORK/install.log" 2>&1 ||
	fail "apt-get install of ${deb##*/} in the rootfs failed: $(tail -n 30 "$WORK/install.log")"
rm -f "$ROOT/tmp/${deb##*/}"
sed -i "s/^TARGET=.*/TARGET=UUID=$UUID/; s/^FSTYPE=.*/FSTYPE=ext4/" "$ROOT/etc/dumpagent.conf"
if [ "$mode" = capture ]; then
	# The default, written out: the test is about what auto does here.
	sed -i '/^CAPTURE_MODE=/d' "$ROOT/etc/dumpagent.conf"
	echo CAPTURE_MODE=auto >>"$ROOT/etc/dumpagent.conf"
fi

in_root systemd-machine-id-setup >/dev/null 2>&1 || fail "systemd-machine-id-setup failed"
echo dumpagent-secureboot >"$ROOT/etc/hostname"
echo "UUID=$UUID / ext4 errors=remount-ro 0 1" >"$ROOT/etc/fstab"
mkdir -p "$ROOT/var/lib/secureboot-test"
echo "$mode" >"$ROOT/var/lib/secureboot-test/mode"
guest_unit "$ROOT" secureboot-guest "dumpagent Secure Boot test"

kernel=$(find "$ROOT/boot" -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -n 1)
[ -n "$kernel" ] || fail "no kernel in $ROOT/boot"
release=${kernel##*/vmlinuz-}
[ -f "$ROOT/boot/initrd.img-$release" ] || fail "no $ROOT/boot/initrd.img-$release"
SHIM=$ROOT/usr/lib/shim/shimx64.efi.signed

# sign_with_test_key: shim gets a signature by the test key (it keeps
# Microsoft's); the guest gets Debian's kernel signed by the test key alone,
# the same unsigned, and with SECUREBOOT_SIGN_SMALL=1 the small kernel signed.
sign_with_test_key() {
	d=$ROOT/var/lib/secureboot-test
	# The shipped key is encrypted (password "snakeoil"); sbsign would ask for it.
	openssl rsa -in "$TEST_KEY" -passin pass:snakeoil -out "$WORK/test.key" >"$WORK/sign.log" 2>&1 ||
		fail "cannot decrypt $TEST_KEY: $(cat "$WORK/sign.log")"
	tsign() { sbsign --key "$WORK/test.key" --cert "$TEST_CERT" --output "$2" "$1" >>"$WORK/sign.log" 2>&1; }
	tsign "$SHIM" "$WORK/shim-test.efi" || fail "sbsign of shim failed: $(cat "$WORK/sign.log")"
	SHIM=$WORK/shim-test.efi
	cp "$kernel" "$d/vmlinuz-unsigned"
	sbattach --remove "$d/vmlinuz-unsigned" >>"$WORK/sign.log" 2>&1 ||
		fail "sbattach --remove of Debian's signature failed: $(cat "$WORK/sign.log")"
	sbverify --list "$d/vmlinuz-unsigned" 2>&1 | grep -q '^signature' &&
		fail "$d/vmlinuz-unsigned still has a signature: $(sbverify --list "$d/vmlinuz-unsigned" 2>&1)"
	tsign "$d/vmlinuz-unsigned" "$d/vmlinuz-test" || fail "sbsign of Debian's kernel failed: $(cat "$WORK/sign.log")"
	if [ "$SECUREBOOT_SIGN_SMALL" = 1 ]; then
		tsign "$ROOT/usr/lib/dumpagent/vmlinuz" "$d/vmlinuz-small-test" ||
			fail "sbsign of the small kernel /usr/lib/dumpagent/vmlinuz failed (no EFI stub?): $(cat "$WORK/sign.log")"
	fi
	touch "$d/test-key"
	rm -f "$WORK/test.key"
}
[ "$SECUREBOOT_KEYS" = microsoft ] || sign_with_test_key

# --- the ESP: shim as the removable-media path, GRUB beside it (shim loads
# grubx64.efi from its own directory; without fbx64.efi there it does not
# try to write boot entries), grub.cfg where Debian's signed GRUB looks
# (its built-in prefix, /EFI/debian).
ESP=$WORK/esp.img
ESP_MB=64
cat >"$WORK/grub.cfg" <<EOF
set timeout=0
search --no-floppy --fs-uuid --set=root $UUID
linux /boot/vmlinuz-$release root=UUID=$UUID ro console=ttyS0 $CRASHKERNEL
initrd /boot/initrd.img-$release
boot
EOF
rm -f "$ESP"
mkfs.vfat -F 32 -n ESP -C "$ESP" $((ESP_MB * 1024)) >"$WORK/mkfs-esp.log" 2>&1 ||
	fail "mkfs.vfat failed: $(cat "$WORK/mkfs-esp.log")"
{
	mmd -i "$ESP" ::/EFI ::/EFI/BOOT ::/EFI/debian &&
		mcopy -i "$ESP" "$SHIM" ::/EFI/BOOT/BOOTX64.EFI &&
		mcopy -i "$ESP" "$ROOT/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" ::/EFI/BOOT/grubx64.efi &&
		mcopy -i "$ESP" "$WORK/grub.cfg" ::/EFI/debian/grub.cfg
} >"$WORK/mtools.log" 2>&1 || fail "filling the ESP with mtools failed: $(cat "$WORK/mtools.log")"

# --- the disk: GPT, the ESP at 1 MiB, the root filesystem after it.
ESP_START=2048
ROOT_START=$((ESP_START + ESP_MB * 2048))
root_mb=$(($(du -sm "$ROOT" | cut -f1) + 1024))
rm -f "$IMG"
truncate -s $(((ROOT_START / 2048 + root_mb + 1) * 1048576)) "$IMG"
sfdisk -q "$IMG" >"$WORK/sfdisk.log" 2>&1 <<EOF || fail "sfdisk on $IMG failed: $(cat "$WORK/sfdisk.log")"
label: gpt
start=$ESP_START, size=$((ESP_MB * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System"
start=$ROOT_START, size=$((root_mb * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"
EOF
dd if="$ESP" of="$IMG" bs=1M seek=$((ESP_START / 2048)) conv=notrunc status=none ||
	fail "cannot copy the ESP into $IMG"
ROOT_FS="$IMG?offset=$((ROOT_START * 512))"
mkfs.ext4 -q -F -U "$UUID" -L dumpagent-root -E offset=$((ROOT_START * 512)) -d "$ROOT" \
	"$IMG" "${root_mb}M" >"$WORK/mkfs.log" 2>&1 || fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT" "$ESP"
cp "$OVMF_VARS" "$WORK/OVMF_VARS.fd"

# --- the VM. Secure Boot needs SMM (q35,smm=on) and the flash locked to it
# (cfi.pflash01 secure=on), else OVMF's variables could be written around
# the firmware. It powers off at the end; capture mode reboots once.
echo "booting through OVMF (Secure Boot, $SECUREBOOT_KEYS keys), shim, GRUB: $CRASHKERNEL, mode $mode"
start=$(date +%s)
timeout --foreground -k 5 "$SECUREBOOT_TIMEOUT" qemu-system-x86_64 -accel tcg \
	-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on \
	-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
	-drive "if=pflash,format=raw,unit=1,file=$WORK/OVMF_VARS.fd" \
	-cpu max -smp 2 -m 1G -nographic -monitor none -serial "file:$SERIAL" \
	-drive "file=$IMG,if=virtio,format=raw" \
	</dev/null >"$WORK/qemu.out" 2>&1 &
qemu=$!
MARKS="SECUREBOOT-TEST: first boot|SECUREBOOT-TEST: armed|sysrq: Trigger a crash|dump written|SECUREBOOT-TEST: second boot|SECUREBOOT-TEST: powering off"
: >"$WORK/times"
while kill -0 "$qemu" 2>/dev/null; do
	stamp_marks
	sleep 1
done
rc=0
wait "$qemu" || rc=$?
case $rc in 124 | 137) fail "the VM did not power off within $SECUREBOOT_TIMEOUT s" ;; esac
[ "$rc" = 0 ] || fail "qemu exited with status $rc: $(cat "$WORK/qemu.out")"

# --- what the guest saw
img_get "$ROOT_FS" /var/lib/secureboot-test/results "$WORK/results" ||
	fail "the guest wrote no results (/var/lib/secureboot-test/results)"
grep -q 'SECUREBOOT-TEST: FAILED' "$SERIAL" &&
	fail "the guest failed: $(tr -d '\r' <"$SERIAL" | grep 'SECUREBOOT-TEST: FAILED') $(cat "$WORK/results")"

# The boot chain: shim and GRUB ran, and the kernel says Secure Boot.
block cmdline | grep -q "$CRASHKERNEL" || fail "the kernel did not boot with our grub.cfg: $(block cmdline)"
[ "$(block lockdown)" = "none [integrity] confidentiality" ] ||
	fail "lockdown is not [integrity]: $(block lockdown)"
[ "$(rc_of sb-state)" = 0 ] && [ "$(block sb-state)" = "SecureBoot enabled" ] ||
	fail "mokutil --sb-state does not say SecureBoot enabled: rc=$(rc_of sb-state) $(block sb-state)"
block keys-dmesg | grep -q 'Secure boot enabled' || fail "the kernel did not see Secure Boot: $(block keys-dmesg)"
block keys-dmesg | grep -q "MokListRT" || fail "the kernel loaded no certificate from shim's MokListRT: $(block keys-dmesg)"
block keys-dmesg | grep -q "Loaded X.509 cert 'Debian Secure Boot CA" ||
	fail "Debian's CA did not reach the platform keyring: $(block keys-dmesg)"
echo "booted: $(block lockdown); $(block sb-state); $(block keys-dmesg | grep -c 'Loaded X.509 cert') certificates in the platform keyring"

# What kexec may load under lockdown.
[ "$(block unloaded)" = 0 ] || fail "a capture kernel was still loaded before the probes: $(block unloaded)"
[ "$(rc_of kexec-signed)" = 0 ] && [ "$(block kexec-signed-loaded)" = 1 ] ||
	fail "kexec -s -p of Debian's signed kernel failed: rc=$(rc_of kexec-signed) $(block kexec-signed) $(block kexec-signed-dmesg)"
[ "$(rc_of kexec-signed-unload)" = 0 ] || fail "kexec -s -p -u failed: $(block kexec-signed-unload)"
echo "kexec -s -p /boot/vmlinuz-$release: loaded"
[ "$(rc_of kexec-legacy)" != 0 ] && [ "$(block kexec-legacy-loaded)" = 0 ] ||
	fail "kexec_load (kexec -p -c) was not refused: rc=$(rc_of kexec-legacy) $(block kexec-legacy)"
# Debian's kernel refuses it twice over: IMA's Secure Boot policy (first,
# "without a file descriptor") and lockdown; either may be the one that says so.
block kexec-legacy | grep -q '^kexec_load failed: ' || fail "kexec -p -c did not fail in kexec_load: $(block kexec-legacy)"
block kexec-legacy-dmesg | grep -q 'try using kexec_file_load\|Lockdown: kexec: kexec of unsigned images is restricted' ||
	fail "the kernel did not say why it refused kexec_load: $(block kexec-legacy-dmesg)"
echo "kexec -p -c (kexec_load): refused, $(block kexec-legacy | grep '^kexec_load failed: '); kernel: $(block kexec-legacy-dmesg | sed 's/^\[[ 0-9.]*\] //')"
[ "$(rc_of kexec-small)" != 0 ] && [ "$(block kexec-small-loaded)" = 0 ] ||
	fail "kexec -s -p of the unsigned small kernel was not refused: rc=$(rc_of kexec-small) $(block kexec-small)"
# Secure Boot makes the kernel enforce kexec signatures; ours has none (-80,
# ELIBBAD: not even a PE file, there is no EFI stub to sign).
block kexec-small-dmesg | grep -q 'kexec_file: .*kernel signature verification failed' ||
	fail "the kernel did not say the small kernel's signature failed: $(block kexec-small-dmesg)"
echo "kexec -s -p /usr/lib/dumpagent/vmlinuz: refused, $(block kexec-small | tail -n 1); kernel: $(block kexec-small-dmesg | sed 's/^\[[ 0-9.]*\] //')"

if [ "$SECUREBOOT_KEYS" = test ]; then
	block keys-dmesg | grep -q "Loaded X.509 cert 'SnakeOil" ||
		fail "the test key in db did not reach the platform keyring: $(block keys-dmesg)"
	[ "$(rc_of kexec-test)" = 0 ] && [ "$(block kexec-test-loaded)" = 1 ] ||
		fail "kexec -s -p of a kernel signed by the test key alone failed: rc=$(rc_of kexec-test) $(block kexec-test) $(block kexec-test-dmesg)"
	echo "kexec -s -p of Debian's kernel signed by the test key alone: loaded"
	[ "$(rc_of kexec-unsigned)" != 0 ] && [ "$(block kexec-unsigned-loaded)" = 0 ] ||
		fail "kexec -s -p of Debian's kernel stripped of its signature was not refused: rc=$(rc_of kexec-unsigned) $(block kexec-unsigned)"
	block kexec-unsigned-dmesg | grep -q 'kexec_file: .*kernel signature verification failed' ||
		fail "the kernel did not say the stripped kernel's signature failed: $(block kexec-unsigned-dmesg)"
	echo "kexec -s -p of the same kernel unsigned: refused, $(block kexec-unsigned | tail -n 1)"
	if [ "$SECUREBOOT_SIGN_SMALL" = 1 ]; then
		[ "$(rc_of kexec-small-test)" = 0 ] && [ "$(block kexec-small-test-loaded)" = 1 ] ||
			fail "kexec -s -p of the small kernel signed by the test key failed: rc=$(rc_of kexec-small-test) $(block kexec-small-test) $(block kexec-small-test-dmesg)"
		echo "kexec -s -p of the small kernel signed with sbsign by the test key: loaded"
	fi
fi

echo "load-crashkernel (rc=$(rc_of load-first)): $(block load-first)"
echo "dumpagent status (rc=$(rc_of status-first)): $(block status-first | head -n 3)"
booted=$(at "SECUREBOOT-TEST: first boot")
# Both modes: CAPTURE_MODE=auto arms the distro kernel under Secure Boot.
[ "$(rc_of load-first)" = 0 ] || fail "load-crashkernel did not arm under Secure Boot: $(block load-first)"
block load-first | grep -q 'distro' || fail "load-crashkernel did not choose the distro kernel: $(block load-first)"
[ "$(block loaded-first)" = 1 ] || fail "nothing loaded after load-crashkernel: $(block loaded-first)"
[ "$(rc_of status-first)" = 0 ] || fail "dumpagent status is not armed: $(block status-first)"
block status-first | grep -q 'distro' || fail "dumpagent status does not show the distro mode: $(block status-first)"
if [ "$mode" = today ]; then
	# SECUREBOOT_CAPTURE=0: armed, and no crash.
	[ "$(tr -d '\r' <"$SERIAL" | grep -c 'SECUREBOOT-TEST: first boot')" = 1 ] ||
		fail "the VM booted more than once"
	[ "$SECUREBOOT_KEYS" = microsoft ] || keys_note="; a kernel signed by the test key in db loads, unsigned refused"
	[ "$SECUREBOOT_SIGN_SMALL" = 0 ] || keys_note="$keys_note; the small kernel signed by sbsign loads"
	pass "Secure Boot chain ($SECUREBOOT_KEYS keys), lockdown [integrity], kexec of Debian's kernel loads, kexec_load and the unsigned small kernel refused; load-crashkernel armed the distro kernel${keys_note:-}; boot to checks $((booted - start)) s, VM $(($(date +%s) - start)) s"
fi

# ---- SECUREBOOT_CAPTURE=1: the crash is captured
check_captured_once "SECUREBOOT-TEST: second boot"
check_listed_dump
# CAPTURE_MODE=small: lockdown refuses it, and the loader says so (exit 18).
[ "$(rc_of load-small)" = 18 ] || fail "CAPTURE_MODE=small was not refused with status 18: rc=$(rc_of load-small) $(block load-small)"
block load-small | grep -qi 'lockdown' || fail "the refusal of CAPTURE_MODE=small does not name lockdown: $(block load-small)"
block load-small | grep -q 'auto' || fail "the refusal of CAPTURE_MODE=small does not say what auto would do: $(block load-small)"
# Its checks come before any load (or it loads the old one again): still armed.
[ "$(rc_of status-after-small)" = 0 ] || fail "the refused CAPTURE_MODE=small left nothing armed: $(block status-after-small)"
armed=$(at "SECUREBOOT-TEST: armed") panicked=$(at "sysrq: Trigger a crash")
written=$(at "dump written") back=$(at "SECUREBOOT-TEST: second boot")
pass "$id: distro kernel armed under Secure Boot and captured; small refused; boot to armed $((${armed:-0} - start)) s, panic to dump $((${written:-0} - ${panicked:-0})) s, dump to second boot $((${back:-0} - ${written:-0})) s"
