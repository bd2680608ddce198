#!/bin/sh
# tests/qemu/test-system-bsod.sh: the brown screen on a full Debian 12 guest whose kernel runs a DRM driver.
#
# SYSTEM_VGA=std (bochs-drm) or virtio (virtio-vga, virtio_gpu); SYSTEM_FIRMWARE=bios
# (SeaBIOS, VGA text at boot) or ovmf (UEFI, the GOP framebuffer at boot).
# The cached bookworm rootfs (system-rootfs.sh) gets the .deb through apt,
# a TARGET naming its root filesystem, BSOD=1 and a oneshot unit
# (bsod-guest) that prints the DRM driver bound to the display and the
# "screen:" line of "dumpagent status", then crashes. When the capture kernel
# holds the brown screen, a QEMU monitor screendump is taken and a key
# pressed. The test asserts that the driver is bound, that the capture
# completed, and that the status line told the truth: a screen it promises
# is white on VGA brown with the panic line (its serial copy on row 4), and
# one it calls "not possible" is not brown. Each combination's line is pinned
# (README, console section). The screenshot is kept as $WORK/screen.png.
# Environment: SYSTEM_TIMEOUT (seconds for the VM run, default 1200).
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
SYSTEM_VGA=${SYSTEM_VGA:-std}
SYSTEM_FIRMWARE=${SYSTEM_FIRMWARE:-bios}
case $SYSTEM_VGA-$SYSTEM_FIRMWARE in
std-bios) driver=bochs-drm want="drawn by dumpagent where bochs-drm's picture is (QEMU's standard VGA), the capture kernel having no console there" ;;
std-ovmf) driver=bochs-drm want="on the boot framebuffer (1280x800) that bochs-drm still shows; not verified while X or Wayland shows a buffer of its own" ;;
virtio-bios) driver=virtio-pci want="on the VGA text console, which the VGA device shows again once virtio_gpu stops" ;;
virtio-ovmf) driver=virtio-pci want="on the boot framebuffer (1280x800), which the VGA device shows again once virtio_gpu stops" ;;
*) echo "SYSTEM_VGA must be std or virtio, SYSTEM_FIRMWARE bios or ovmf" >&2; exit 100 ;;
esac
qemu_setup "system-bsod-$SYSTEM_VGA-$SYSTEM_FIRMWARE"
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-1200}
UUID=7d0e6b1a-3c52-4f8e-9a41-5e2b8c0d1f97
ROOT=$WORK/root
IMG=$WORK/disk.img
MON=$WORK/monitor.sock

deb=$(find "$BUILD/deb" -maxdepth 1 -name 'dumpagent_*_amd64.deb' 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no $BUILD/deb/dumpagent_*_amd64.deb: run make deb"
for tool in debootstrap mkfs.ext4 python3; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run sh scripts/bootstrap.sh test"
done
firmware=
if [ "$SYSTEM_FIRMWARE" = ovmf ]; then
	require_file /usr/share/OVMF/OVMF_CODE_4M.fd "apt-get install ovmf"
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$WORK/OVMF_VARS.fd"
	firmware="-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
		-drive if=pflash,format=raw,file=$WORK/OVMF_VARS.fd"
fi

# --- the guest: the rootfs with the package, BSOD=1, the unit
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
cp "$deb" "$ROOT/tmp/${deb##*/}"
in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"/tmp/${deb##*/}" >"$WORK/install.log" 2>&1 ||
	fail "apt-get install of ${deb##*/} in the rootfs failed: $(tail -n 30 "$WORK/install.log")"
rm -f "$ROOT/tmp/${deb##*/}"
sed -i "s/^TARGET=.*/TARGET=UUID=$UUID/; s/^FSTYPE=.*/FSTYPE=ext4/; s/^BSOD=.*/BSOD=1/; s/^BSOD_SECONDS=.*/BSOD_SECONDS=200/" \
	"$ROOT/etc/dumpagent.conf"
reserve=$(in_root DUMPAGENT_ARM_UNCHECKED=1 load-crashkernel --reserve 2>&1) || fail "load-crashkernel --reserve failed: $reserve"
crashkernel=$(printf '%s\n' "$reserve" | grep -o 'crashkernel=[0-9]*M' | head -n 1)
[ -n "$crashkernel" ] || fail "load-crashkernel --reserve recommended nothing: $reserve"
in_root systemd-machine-id-setup >/dev/null 2>&1 || fail "systemd-machine-id-setup failed"
echo dumpagent-bsod >"$ROOT/etc/hostname"
echo "UUID=$UUID / ext4 errors=remount-ro 0 1" >"$ROOT/etc/fstab"
guest_unit "$ROOT" bsod-guest "dumpagent brown-screen test (print the display's driver, crash)"
rootfs_boot_files "$ROOT"
size_mb=$(($(du -sm "$ROOT" | cut -f1) + 1024))
truncate -s "${size_mb}M" "$IMG"
mkfs.ext4 -q -F -U "$UUID" -L dumpagent-root -d "$ROOT" "$IMG" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"

# --- the VM: boots, crashes, the capture holds the brown screen; a
# screendump, a key, the capture kernel reboots it, and it powers off.
monitor() { python3 "$REPO/tests/qemu/monitor.py" "$MON" "$1" >>"$WORK/monitor.log" 2>&1; }
start=$(date +%s)
# shellcheck disable=SC2086 # firmware is a list of qemu arguments
timeout --foreground -k 5 "$SYSTEM_TIMEOUT" qemu-system-x86_64 -accel tcg \
	-machine q35 -cpu max -smp 2 -m 1G -display none -vga "$SYSTEM_VGA" $firmware \
	-monitor "unix:$MON,server=on,wait=off" -serial "file:$SERIAL" \
	-kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" \
	-append "console=ttyS0 root=UUID=$UUID ro $crashkernel" \
	-drive "file=$IMG,if=virtio,format=raw" </dev/null >"$WORK/qemu.out" 2>&1 &
qemu=$!
while kill -0 "$qemu" 2>/dev/null; do
	if [ ! -e "$WORK/screen.ppm" ] && tr -d '\r' <"$SERIAL" | grep -q 'dumpagent-init: holding the brown screen'; then
		sleep 2 # let the last redraw reach the display
		monitor "screendump $WORK/screen.ppm" || { kill "$qemu"; fail "screendump failed: $(cat "$WORK/monitor.log")"; }
		monitor "sendkey ret" || { kill "$qemu"; fail "sendkey failed: $(cat "$WORK/monitor.log")"; }
	fi
	sleep 1
done
rc=0
wait "$qemu" || rc=$?
case $rc in 124 | 137) fail "the VM did not power off within $SYSTEM_TIMEOUT s" ;; esac
[ "$rc" = 0 ] || fail "qemu exited with status $rc: $(cat "$WORK/qemu.out")"
log() { tr -d '\r' <"$SERIAL"; }
log | grep -q 'BSOD-TEST: FAILED' && fail "the guest failed: $(log | grep 'BSOD-TEST: FAILED')"
log | grep -q "^BSOD-TEST: drm: card[0-9]* $driver\$" ||
	fail "$driver is not bound to a DRM card: $(log | grep 'BSOD-TEST: drm:')"
echo "first kernel: $(log | grep -m 1 'BSOD-TEST: drm:') $(log | grep -m 1 'BSOD-TEST: fb:')"
said=$(log | sed -n 's/^BSOD-TEST: screen: brown screen: //p' | head -n 1)
[ -n "$said" ] || fail "dumpagent status printed no screen line with BSOD=1"
echo "dumpagent status: brown screen: $said"
# The loader warned (at arming, or at the reload after the DRM driver bound)
# exactly when status says "not possible", in the same words.
warned=$(log | sed -n 's/^BSOD-TEST: loader: brown screen: //p' | head -n 1)
case $said in
"not possible with "*) [ "$warned" = "$said" ] || fail "status says '$said', but the loader warned '$warned'" ;;
*) [ -z "$warned" ] || fail "status promises '$said', but the loader warned '$warned'" ;;
esac
log | grep -q 'dumpagent: done (status=complete)' || fail "the capture did not complete"
case $said in
"drawn by dumpagent"*)
	log | grep -q "dumpagent: brown screen: drawn by the agent on [0-9a-f:.]*'s framebuffer (1280x800, QEMU's standard VGA)" ||
		fail "status said '$said', but the agent did not say it drew: $(log | grep 'dumpagent: brown screen' | head -n 3)" ;;
esac
log | grep -q 'BSOD-TEST: second boot' || fail "the VM did not come back after the capture"
[ -s "$WORK/screen.ppm" ] || fail "the brown screen was never held (no screendump)"

# The status line must tell the truth, whatever this combination's pin says.
brown=0
python3 "$REPO/tests/qemu/screen_colours.py" "$WORK/screen.ppm" "$WORK/screen.png" >"$WORK/colours.log" 2>&1 || brown=$?
case $said in
"not possible with "*)
	[ "$brown" != 0 ] || fail "dumpagent status said '$said', but the screen is brown: $(cat "$WORK/colours.log")" ;;
*)
	[ "$brown" = 0 ] || fail "dumpagent status promised '$said', but the screen is not a brown screen: $(cat "$WORK/colours.log")"
	log | grep -q '\[4;1H.\[K Kernel panic - not syncing: sysrq triggered crash$' ||
		fail "the serial copy of the screen has no panic line on row 4" ;;
esac
[ -z "$want" ] || [ "$said" = "$want" ] || fail "dumpagent status said '$said', not '$want'"
pass "$SYSTEM_VGA/$SYSTEM_FIRMWARE: '$said'; $(head -n 1 "$WORK/colours.log"); $(($(date +%s) - start)) s; kept $WORK/screen.png"
