#!/bin/sh
# tests/qemu/test-distro-mode.sh: distro mode: Debian's own kernel captures to a disk behind megasas, a controller the small kernel lacks.
#
# The cached Debian 12 rootfs (system-rootfs.sh) goes on one ext4 disk behind
# QEMU's "-device megasas" (LSI MegaRAID SAS 1078: Debian's megaraid_sas
# module; the small capture kernel has no such driver). The host builds the
# distro initramfs with initramfs/build.sh --modules, from the rootfs's own
# /lib/modules, and puts it in the rootfs as the loader will
# (/var/lib/dumpagent/initramfs-distro.img). Debian's kernel and initrd boot
# the rootfs with init=distro-guest, which loads /boot/vmlinuz-$(uname -r)
# with that initramfs (kexec -s -p) and crashes. The capture kernel (Debian's
# again) insmods the modules, the agent writes the dump to the root
# filesystem and powers off. The host reads the dump back from the image
# with makedumpfile --dump-dmesg and finds the crash in it.
#
# Environment: CRASHKERNEL (default 128M; make bench bisects the smallest
# with it, bench/RESULTS.md), QEMU_MEM (default 1G), QEMU_TIMEOUT (default
# 900 s), DISTRO_APPEND (words added to the capture kernel's command line,
# for experiments), DISTRO_NAME (the directory under build/test, default
# distro-mode). Prints the timeline: panic to the modules loaded and to the
# dump written, host clock (the serial log polled once a second).
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup "${DISTRO_NAME:-distro-mode}"
CRASHKERNEL=${CRASHKERNEL:-128M}
QEMU_MEM=${QEMU_MEM:-1G}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
export QEMU_MEM QEMU_TIMEOUT
UUID=3b9c1f0e-6d2a-4e57-8c11-0d15e7a0c0de
ROOT=$WORK/root
IMG=$WORK/disk.img
STATE=/var/lib/dumpagent
require_file "$BUILD/dumpagent" "run make"
for tool in mkfs.ext4 debugfs makedumpfile; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run sh scripts/bootstrap.sh test"
done

# --- The modules the capture kernel needs for this target, in load order.
# "dumpagent arm-plan" finds them from the running system's sysfs, which the
# host does not have for the guest it builds (test-system-distro checks
# arm-plan's own list on a real boot): written by hand for this VM: the
# controller (megaraid_sas), the disk (sd_mod), the filesystem (ext4) and the
# crc32c that ext4 and jbd2 ask the crypto API for (modules.softdep "pre:
# crypto-crc32c"); their dependencies come from the rootfs's modules.dep, each
# before the first module that needs it.
# target_modules ROOT RELEASE: prints absolute .ko paths, one a line.
target_modules() { modules_for "$1" "$2" "crc32c_generic megaraid_sas sd_mod ext4"; }

# --- the rootfs, with the distro initramfs where the loader will put it
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
rootfs_boot_files "$ROOT"
# The small kernel must really lack the controller, or this proves nothing.
for f in "$BUILD/capture/vmlinuz.builtin" "$BUILD/capture/config"; do
	[ -f "$f" ] || continue
	if grep -qxE 'megaraid_sas|CONFIG_MEGARAID_SAS=y' "$f"; then
		fail "the small capture kernel has megaraid_sas built in ($f): this test needs a controller it lacks"
	fi
done

target_modules "$ROOT" "$release" >"$WORK/modules.list" 2>"$WORK/modules.err" ||
	fail "cannot list the target's modules: $(cat "$WORK/modules.err")"
echo "modules ($release): $(sed 's|.*/||' "$WORK/modules.list" | tr '\n' ' ')"
write_test_config "$WORK/dumpagent.conf" "TARGET=UUID=$UUID" FSTYPE=ext4 \
	FINAL_ACTION=poweroff FAILURE_ACTION=poweroff CAPTURE_MODE=distro
# The capture kernel's command line, as the loader builds it for the distro
# mode (arm-plan, for a running kernel with console=ttyS0).
mkdir -p "$WORK/proc"
echo "console=ttyS0 root=UUID=$UUID ro" >"$WORK/proc/cmdline"
DISTRO_CMDLINE=$(DUMPAGENT_PROC=$WORK/proc "$BUILD/dumpagent" arm-plan --config "$WORK/dumpagent.conf" |
	sed -n "s/^cmdline='\(.*\)'$/\1/p")
case $DISTRO_CMDLINE in
*swiotlb=*) ;;
*) fail "arm-plan gave no distro command line: '$DISTRO_CMDLINE'" ;;
esac
DISTRO_CMDLINE="$DISTRO_CMDLINE${DISTRO_APPEND:+ $DISTRO_APPEND}"
mkdir -p "$ROOT$STATE"
"$REPO/initramfs/build.sh" --config "$WORK/dumpagent.conf" --agent "$BUILD/dumpagent" \
	--modules "$WORK/modules.list" --kernel-release "$release" \
	--output "$ROOT$STATE/initramfs-distro.img" >"$WORK/build.log" 2>&1 ||
	fail "building the distro initramfs failed: $(cat "$WORK/build.log")"
"$REPO/initramfs/build.sh" --list "$ROOT$STATE/initramfs-distro.img" |
	sed -n "s|^lib/modules/$release/||p" >"$WORK/in-image"
sed 's|.*/||' "$WORK/modules.list" | sed 's/\.ko.*/.ko/' >"$WORK/want-order"
{ echo load-order; cat "$WORK/want-order"; } | LC_ALL=C sort >"$WORK/want-files"
LC_ALL=C sort "$WORK/in-image" | cmp -s - "$WORK/want-files" ||
	fail "the initramfs's /lib/modules/$release is not the listed modules: $(tr '\n' ' ' <"$WORK/in-image")"
echo "$DISTRO_CMDLINE" >"$ROOT$STATE/distro-cmdline"
cp "$ROOT$STATE/initramfs-distro.img" "$WORK/initramfs-distro.img" # for the bench's estimate
install -m 0755 "$REPO/tests/qemu/distro-guest" "$ROOT/usr/local/sbin/distro-guest"
echo "distro initramfs: $(wc -c <"$ROOT$STATE/initramfs-distro.img") bytes, $(wc -l <"$WORK/modules.list") modules"

size_mb=$(($(du -sm "$ROOT" | cut -f1) + 768))
truncate -s "${size_mb}M" "$IMG"
mkfs.ext4 -q -F -U "$UUID" -L distro-root -d "$ROOT" "$IMG" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"

# --- the VM. The poller stamps the serial markers with the host clock.
MARKS="DISTRO-TEST: armed|sysrq: Trigger a crash|dumpagent-init: modules: loaded|dump written"
poll_marks() {
	: >"$WORK/times"
	while :; do
		now=$(date +%s)
		printf '%s\n' "$MARKS" | tr '|' '\n' | while IFS= read -r m; do
			grep -qF "$m" "$WORK/times" && continue
			if tr -d '\r' <"$SERIAL" | grep -qF "$m"; then echo "$now $m" >>"$WORK/times"; fi
		done
		sleep 1
	done
}
poll_marks &
poller=$!
trap 'kill "$poller" 2>/dev/null || :' EXIT
append="console=ttyS0 root=UUID=$UUID ro init=/usr/local/sbin/distro-guest crashkernel=$CRASHKERNEL"
echo "booting ($QEMU_MEM): $append"
qemu_run "$WORK/vmlinuz" "$WORK/initrd.img" "$append" \
	-device megasas,id=scsi0 -drive "file=$IMG,if=none,id=root,format=raw" \
	-device scsi-hd,drive=root,bus=scsi0.0
sleep 1
kill "$poller" 2>/dev/null || :
tr -d '\r' <"$SERIAL" >"$WORK/serial.txt"

# --- what the guest said
grep -q 'DISTRO-TEST: FAILED' "$WORK/serial.txt" &&
	fail "the guest failed: $(grep 'DISTRO-TEST: FAILED' "$WORK/serial.txt")"
grep -q 'DISTRO-TEST: armed' "$WORK/serial.txt" || fail "the first boot never armed the capture kernel"
grep -q 'DISTRO-TEST: first boot: .*, controller driver megaraid_sas$' "$WORK/serial.txt" ||
	fail "the root disk was not behind megaraid_sas: $(grep 'DISTRO-TEST: first boot' "$WORK/serial.txt")"
grep -q 'sysrq: Trigger a crash' "$WORK/serial.txt" || fail "the first kernel did not crash"
# A reservation too small shows as the capture kernel's own panic.
oom=$(sed -n '/sysrq: Trigger a crash/,$p' "$WORK/serial.txt" | grep -E 'Out of memory|Kernel panic' |
	grep -v 'sysrq triggered crash' | head -n 2 | tr '\n' ' ')
[ -z "$oom" ] || fail "the capture kernel panicked (crashkernel=$CRASHKERNEL too small?): $oom"
n=$(wc -l <"$WORK/modules.list")
grep -q "dumpagent-init: modules: loaded $n from /lib/modules/$release/load-order" "$WORK/serial.txt" ||
	fail "the capture kernel did not load all $n modules: $(grep 'dumpagent-init: modules' "$WORK/serial.txt")"
grep -q "dumpagent: capture complete" "$WORK/serial.txt" ||
	fail "the capture kernel did not report a complete capture"

# --- the dump, read back from the disk with makedumpfile
id=$(img_ls "$IMG" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1)
[ -n "$id" ] || fail "no dump directory in /var/crash: $(img_ls "$IMG" /var/crash)"
img_get "$IMG" "/var/crash/$id/dump.$id" "$WORK/dump" || fail "no /var/crash/$id/dump.$id: $(img_ls "$IMG" "/var/crash/$id")"
check_dump_dmesg "$WORK/dump" "the dump"
grep -q "Linux version $release " "$WORK/dump.dmesg" || fail "the dump's dmesg is not of $release"
grep -q 'megaraid_sas' "$WORK/dump.dmesg" || fail "the dump's dmesg does not mention megaraid_sas"

# --- the timeline
panicked=$(at "sysrq: Trigger a crash") written=$(at "dump written")
loaded=$(at "dumpagent-init: modules: loaded")
[ -n "$panicked" ] && [ -n "$loaded" ] && [ -n "$written" ] || fail "markers missing from the serial log: $(cat "$WORK/times")"
echo "capture command line: $DISTRO_CMDLINE"
echo "timeline (host clock, TCG, $QEMU_MEM, crashkernel=$CRASHKERNEL): panic to dump written $((written - panicked)) s (panic to modules loaded $((loaded - panicked)) s, then to dump written $((written - loaded)) s), VM $QEMU_SECONDS s"
pass "$id: $(wc -c <"$WORK/dump") byte dump on a megasas disk, read back by makedumpfile --dump-dmesg; crashkernel=$CRASHKERNEL, panic to dump written $((written - panicked)) s"
