#!/bin/sh
# tests/qemu/test-capture-kernel.sh: the built capture kernel's artifacts, config, signature and no-op rebuild.
#
# No VM: it checks what make capture-kernel made, which every other test of
# this layer boots (build.sh itself is tested in tests/shell/test-capture-kernel-build.sh):
# the image is a PE file that sbsign signs and sbverify checks (Secure Boot,
# docs/secure-boot.md), and vmlinuz.builtin names the drivers built in.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup capture-kernel
OUT=$BUILD/capture

for f in vmlinuz vmlinuz.builtin config release; do
	[ -s "$OUT/$f" ] || fail "$OUT/$f missing: run make capture-kernel"
done
echo "artifacts: vmlinuz ($(stat -c %s "$OUT/vmlinuz") bytes), config, release $(cat "$OUT/release")"

case $(cat "$OUT/release") in
6.1.*) ;;
*) fail "release '$(cat "$OUT/release")' is not 6.1.x" ;;
esac

for opt in SMP ACPI PCI_MSI CRASH_DUMP PROC_VMCORE RELOCATABLE VIRTIO_BLK SCSI_VIRTIO SATA_AHCI \
	BLK_DEV_NVME BLK_DEV_SD USB_XHCI_HCD USB_EHCI_HCD USB_STORAGE EXT4_FS XFS_FS VFAT_FS \
	SERIAL_8250_CONSOLE VGA_CONSOLE EFI_PARTITION MSDOS_PARTITION DEVTMPFS EFI_STUB \
	HYPERV HYPERV_STORAGE XEN_BLKDEV_FRONTEND VMWARE_PVSCSI \
	BLK_DEV_DM DM_CRYPT BLK_DEV_MD MD_RAID1 CRYPTO_AES_NI_INTEL CRYPTO_AES_TI CRYPTO_XTS CRYPTO_ECB; do
	grep -qx "CONFIG_$opt=y" "$OUT/config" || fail "CONFIG_$opt is not built in"
done
# The agent assembles md arrays itself, from members it has checked.
for opt in NET SOUND DRM WLAN MODULES MD_AUTODETECT; do
	! grep -q "^CONFIG_$opt=" "$OUT/config" || fail "CONFIG_$opt is set in a storage-only kernel"
done

# The record of the drivers built in, which the loader's choice of capture
# kernel reads: module names with '_' for '-', sorted, one a line. Stacked
# targets need the names arm_chain.c puts in their chains: dm_mod (LVs),
# md_mod and raid1 (md RAID1), dm_crypt, ecb and xts (LUKS; aesni_intel for
# speed).
for m in virtio_blk virtio_scsi ahci nvme sd_mod usb_storage ext4 xfs vfat \
	hv_vmbus hv_storvsc xen_blkfront vmw_pvscsi \
	dm_mod md_mod raid1 dm_crypt ecb xts aesni_intel; do
	grep -qx "$m" "$OUT/vmlinuz.builtin" || fail "$OUT/vmlinuz.builtin does not list $m"
done
LC_ALL=C sort -uc "$OUT/vmlinuz.builtin" || fail "$OUT/vmlinuz.builtin is not sorted, one name a line"
! grep -q -- - "$OUT/vmlinuz.builtin" || fail "$OUT/vmlinuz.builtin has a '-': $(grep -- - "$OUT/vmlinuz.builtin")"

# Signable: a PE file (the EFI stub) that sbsign signs with a throwaway key,
# and whose signature sbverify accepts with that certificate and no other.
for tool in sbsign sbverify openssl; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing: apt-get install sbsigntool openssl"
done
[ "$(head -c 2 "$OUT/vmlinuz")" = MZ ] || fail "$OUT/vmlinuz has no MZ header: built without CONFIG_EFI_STUB?"
for k in signer stranger; do
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=dumpagent test $k/" \
		-keyout "$WORK/$k.key" -out "$WORK/$k.crt" >"$WORK/$k.log" 2>&1 ||
		fail "openssl cannot make a test key: $(cat "$WORK/$k.log")"
done
sbsign --key "$WORK/signer.key" --cert "$WORK/signer.crt" --output "$WORK/vmlinuz.signed" \
	"$OUT/vmlinuz" >"$WORK/sbsign.log" 2>&1 || fail "sbsign cannot sign $OUT/vmlinuz: $(cat "$WORK/sbsign.log")"
sbverify --cert "$WORK/signer.crt" "$WORK/vmlinuz.signed" >"$WORK/sbverify.log" 2>&1 ||
	fail "sbverify rejects the signed image with its own certificate: $(cat "$WORK/sbverify.log")"
! sbverify --cert "$WORK/stranger.crt" "$WORK/vmlinuz.signed" >"$WORK/stranger.log" 2>&1 ||
	fail "sbverify accepts the signed image with another certificate"
! sbverify --cert "$WORK/signer.crt" "$OUT/vmlinuz" >"$WORK/unsigned.log" 2>&1 ||
	fail "sbverify accepts the unsigned image"

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
pass "release $(cat "$OUT/release"), the storage-only options, $(wc -l <"$OUT/vmlinuz.builtin") built-in drivers, signed and verified, a no-op rebuild in ${took}s"
