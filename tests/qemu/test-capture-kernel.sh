#!/bin/sh
# tests/qemu/test-capture-kernel.sh: the built capture kernel's artifacts, config and no-op rebuild.
#
# No VM: it checks what make capture-kernel made, which every other test of
# this layer boots (build.sh itself is tested in tests/shell/test-capture-kernel-build.sh).
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup capture-kernel
OUT=$BUILD/capture

for f in vmlinuz config release; do
	[ -s "$OUT/$f" ] || fail "$OUT/$f missing: run make capture-kernel"
done
echo "artifacts: vmlinuz ($(stat -c %s "$OUT/vmlinuz") bytes), config, release $(cat "$OUT/release")"

case $(cat "$OUT/release") in
6.1.*) ;;
*) fail "release '$(cat "$OUT/release")' is not 6.1.x" ;;
esac

for opt in SMP ACPI PCI_MSI CRASH_DUMP PROC_VMCORE RELOCATABLE VIRTIO_BLK SCSI_VIRTIO SATA_AHCI \
	BLK_DEV_NVME BLK_DEV_SD USB_XHCI_HCD USB_EHCI_HCD USB_STORAGE EXT4_FS XFS_FS VFAT_FS \
	SERIAL_8250_CONSOLE VGA_CONSOLE EFI_PARTITION MSDOS_PARTITION DEVTMPFS; do
	grep -qx "CONFIG_$opt=y" "$OUT/config" || fail "CONFIG_$opt is not built in"
done
for opt in NET SOUND DRM WLAN MODULES; do
	! grep -q "^CONFIG_$opt=" "$OUT/config" || fail "CONFIG_$opt is set in a storage-only kernel"
done

before=$(stat -c %Y "$OUT/vmlinuz")
start=$(date +%s)
msg=$("$REPO/capture-kernel/build.sh" --out "$OUT" 2>&1) || fail "build.sh --out $OUT failed: $msg"
took=$(($(date +%s) - start))
case $msg in
"capture-kernel: up to date: $OUT/vmlinuz ("*")")
	[ "$took" -le 5 ] && [ "$(stat -c %Y "$OUT/vmlinuz")" = "$before" ] ||
		fail "the no-op rebuild took ${took}s or touched the image"
	;;
*) fail "a rebuild with nothing changed did work: $msg" ;;
esac
pass "release $(cat "$OUT/release"), the storage-only options, a no-op rebuild in ${took}s"
