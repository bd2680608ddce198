#!/bin/sh
# tests/shell/test-capture-kernel.sh: the capture kernel's artifacts, config and no-op rebuild.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
OUT=$REPO/build/capture
failed=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; failed=1; }

for f in vmlinuz config release; do
	[ -s "$OUT/$f" ] || { echo "not ok - $OUT/$f missing: run make capture-kernel"; exit 1; }
done
ok "artifacts: vmlinuz ($(stat -c %s "$OUT/vmlinuz") bytes), config, release $(cat "$OUT/release")"

case $(cat "$OUT/release") in
6.1.*) ok "release is a 6.1 kernel" ;;
*) bad "release '$(cat "$OUT/release")' is not 6.1.x" ;;
esac

for opt in SMP ACPI PCI_MSI CRASH_DUMP PROC_VMCORE RELOCATABLE VIRTIO_BLK SCSI_VIRTIO SATA_AHCI \
	BLK_DEV_NVME BLK_DEV_SD USB_XHCI_HCD USB_EHCI_HCD USB_STORAGE EXT4_FS XFS_FS VFAT_FS \
	SERIAL_8250_CONSOLE VGA_CONSOLE EFI_PARTITION MSDOS_PARTITION DEVTMPFS; do
	grep -qx "CONFIG_$opt=y" "$OUT/config" || bad "CONFIG_$opt is not built in"
done
for opt in NET SOUND DRM WLAN MODULES; do
	! grep -q "^CONFIG_$opt=" "$OUT/config" || bad "CONFIG_$opt is set in a storage-only kernel"
done
[ "$failed" = 0 ] && ok "required options built in; no networking, sound, GPU or modules"

before=$(stat -c %Y "$OUT/vmlinuz")
start=$(date +%s)
msg=$("$REPO/capture-kernel/build.sh" --out "$OUT" 2>&1)
took=$(($(date +%s) - start))
case $msg in
"capture-kernel: up to date: $OUT/vmlinuz ("*")")
	if [ "$took" -le 5 ] && [ "$(stat -c %Y "$OUT/vmlinuz")" = "$before" ]; then
		ok "a rebuild with nothing changed does no work (${took}s)"
	else
		bad "the no-op rebuild took ${took}s or touched the image"
	fi
	;;
*) bad "a rebuild with nothing changed did work: $msg" ;;
esac
exit "$failed"
