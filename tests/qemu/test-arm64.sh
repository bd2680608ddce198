#!/bin/sh
# tests/qemu/test-arm64.sh: an arm64 crash captured end to end: Debian's arm64 kernel panics, our arm64 capture kernel saves the dump.
#
# qemu-system-aarch64 -M virt -cpu cortex-a57 -accel tcg boots Debian's arm64
# kernel (linux-image-arm64's dependency, apt-get download + dpkg-deb -x,
# cached in build/arm64/debian-kernel) with crashkernel=, and a first
# initramfs: Debian's arm64 busybox and kexec-tools (scripts/arm64-root.sh),
# the shipped loader scripts/load-crashkernel.sh, the arm64 agent
# (make agent-arm64), our arm64 capture kernel (build/capture-arm64) and its
# initramfs (initramfs/build.sh --sysroot). tests/qemu/first-init arms with
# the loader (TARGET=UUID of an ext4 virtio disk, CAPTURE_MODE=small; as in
# test-e2e-panic, the first kernel loads no disk driver, so the loader's
# driver-chain check is skipped by its test hook) and crashes through sysrq.
# The capture kernel writes the dump to the disk and reboots, which ends
# QEMU (-no-reboot). The host reads the files back with debugfs, checks the
# summary's arm64 registers (x0-x30, sp, pc, pstate) against the panicking
# CPU (pc in __crash_kexec, the call trace through sysrq_handle_crash: see
# below why), and reads the dump's dmesg with Debian's arm64 makedumpfile
# --dump-dmesg under qemu-aarch64 (see check_dmesg). About 2.5 minutes under
# TCG on the loaded 2 cores.
#
# ARM64_CAPTURE=debian (tests/qemu/test-arm64-debian.sh, in make check):
# Debian's arm64 kernel is the capture kernel too, with the modules the
# target needs (virtio-pci, virtio-blk, ext4's chain, taken from its
# package) in the capture initramfs: the whole path without the small arm64
# kernel, whose cross-build does not fit in CI's time.
#
# Environment: QEMU_MEM (default 1G), CRASHKERNEL (default 128M),
# QEMU_TIMEOUT, and for make bench ARCH=arm64 (bench/run.sh, one run per
# trial): ARM64_NAME (the directory under build/test, default arm64 or
# arm64-debian), FIRST_APPEND (words for the first kernel's command line,
# which become first-init's environment) and ARM64_APPEND (words for the
# capture kernel's command line: the configuration's CMDLINE_APPEND).
set -eu
. "$(dirname -- "$0")/lib.sh"
case ${ARM64_CAPTURE:-small} in
small) qemu_setup "${ARM64_NAME:-arm64}" ;;
debian) qemu_setup "${ARM64_NAME:-arm64-debian}" ;;
*) echo "FAIL: test-arm64: ARM64_CAPTURE must be small or debian, not '$ARM64_CAPTURE'" >&2; exit 1 ;;
esac

ROOT64=$BUILD/arm64/root
AGENT64=$BUILD/arm64/dumpagent
CAPTURE_KERNEL=$BUILD/capture-arm64/vmlinuz
KCACHE=$BUILD/arm64/debian-kernel
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}

[ "${ARM64_CAPTURE:-small}" = debian ] || require_file "$CAPTURE_KERNEL" "run make capture-kernel ARCH=arm64"
require_file "$AGENT64" "run make agent-arm64"
require_file "$BUILD/dumpagent" "run make"
require_file "$ROOT64/packages" "run make initramfs ARCH=arm64 (scripts/arm64-root.sh $ROOT64)"
for tool in qemu-system-aarch64:qemu-system-arm qemu-aarch64:qemu-user debugfs:e2fsprogs apt-get:apt dpkg-deb:dpkg; do
	command -v "${tool%%:*}" >/dev/null 2>&1 || fail "${tool%%:*} not found: install the Debian package ${tool#*:}"
done

# The capture kernel's modules with ARM64_CAPTURE=debian, in load order
# (their modules.dep: the virtio-pci transports, then ext4's dependencies).
CAPTURE_MODULES="drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci
drivers/block/virtio_blk lib/crc16 crypto/crc32c_generic fs/mbcache fs/jbd2/jbd2 fs/ext4/ext4"

# debian_kernel_arm64: Debian's arm64 kernel (the package linux-image-arm64
# depends on), unpacked once into $KCACHE with the $CAPTURE_MODULES (in
# modules/, listed in modules.list); sets first_kernel and release.
debian_kernel_arm64() {
	pkg=$(apt-cache depends linux-image-arm64:arm64 | sed -n 's/^ *Depends: \(linux-image-[^ ]*-arm64\):arm64$/\1/p' | head -n 1)
	[ -n "$pkg" ] || fail "apt-cache names no kernel that linux-image-arm64:arm64 depends on: apt-get update?"
	first_kernel=$KCACHE/$pkg/vmlinuz release=${pkg#linux-image-}
	[ -f "$first_kernel" ] && [ -f "$KCACHE/$pkg/modules.list" ] && return 0
	rm -rf "$KCACHE/$pkg.tmp" && mkdir -p "$KCACHE/$pkg.tmp/deb" && chmod 0755 "$KCACHE/$pkg.tmp/deb" ||
		fail "cannot create $KCACHE/$pkg.tmp"
	(cd "$KCACHE/$pkg.tmp/deb" && apt-get download -q=2 -o APT::Sandbox::User=root "$pkg:arm64") ||
		fail "apt-get download $pkg:arm64 failed"
	dpkg-deb -x "$KCACHE/$pkg.tmp"/deb/*.deb "$KCACHE/$pkg.tmp/root" || fail "dpkg-deb -x of $pkg failed"
	set -- "$KCACHE/$pkg.tmp"/root/boot/vmlinuz-* "$KCACHE/$pkg.tmp"/root/boot/System.map-*
	[ -f "$1" ] && [ -f "$2" ] || fail "$pkg has no /boot/vmlinuz-* and /boot/System.map-*"
	mkdir -p "$KCACHE/$pkg.tmp/modules" || fail "cannot create $KCACHE/$pkg.tmp/modules"
	for m in $CAPTURE_MODULES; do
		cp "$KCACHE/$pkg.tmp/root/lib/modules/$release/kernel/$m.ko" "$KCACHE/$pkg.tmp/modules/" ||
			fail "$pkg has no module $m.ko"
	done
	mv "$1" "$KCACHE/$pkg.tmp/vmlinuz" && mv "$2" "$KCACHE/$pkg.tmp/System.map" &&
		rm -rf "$KCACHE/$pkg.tmp/root" "$KCACHE/$pkg.tmp/deb" &&
		rm -rf "${KCACHE:?}/$pkg" && mv "$KCACHE/$pkg.tmp" "$KCACHE/$pkg" || fail "cannot cache $pkg in $KCACHE"
	for m in $CAPTURE_MODULES; do
		echo "$KCACHE/$pkg/modules/${m##*/}.ko"
	done >"$KCACHE/$pkg/modules.list" || fail "cannot write $KCACHE/$pkg/modules.list"
}

# check_dmesg: makedumpfile --dump-dmesg reads the crashed kernel's log back
# out of the dump, and it holds the crash. The host's makedumpfile is built
# for x86_64 only (its page-table walk is the build's architecture), so it
# cannot read an arm64 dump; the one that made the dump, Debian's arm64
# makedumpfile from $ROOT64, runs here under qemu-aarch64 (qemu-user), its
# libraries from $ROOT64 (-L).
check_dmesg() {
	command -v qemu-aarch64 >/dev/null 2>&1 || fail "qemu-aarch64 not found: install the Debian package qemu-user"
	qemu-aarch64 -L "$ROOT64" "$ROOT64/usr/bin/makedumpfile" --dump-dmesg "$WORK/dump.$dir" "$WORK/dump-dmesg.txt" \
		>"$WORK/dump-dmesg.log" 2>&1 ||
		fail "Debian's arm64 makedumpfile --dump-dmesg cannot read the dump: $(cat "$WORK/dump-dmesg.log")"
	grep -q 'sysrq: Trigger a crash' "$WORK/dump-dmesg.txt" ||
		fail "makedumpfile --dump-dmesg of the dump does not hold the crash: $(tail -n 20 "$WORK/dump-dmesg.txt")"
	cmp -s "$WORK/dump-dmesg.txt" "$WORK/dmesg.$dir" ||
		grep -qF "$(grep 'Kernel panic - not syncing' "$WORK/dmesg.$dir" | head -n 1)" "$WORK/dump-dmesg.txt" ||
		fail "the dmesg read from the dump and the one the capture saved disagree on the panic line"
}

debian_kernel_arm64
if [ "${ARM64_CAPTURE:-small}" = debian ]; then
	CAPTURE_KERNEL=$first_kernel
	INITRD_ARGS="--modules ${first_kernel%/vmlinuz}/modules.list --kernel-release $release ${INITRD_ARGS:-}"
fi
# Debian's arm64 kernel sets 64 MiB of a 128 MiB reservation aside for CMA,
# which only movable pages may use, and the capture unpacks its initramfs
# into a ramfs (rootfstype=ramfs), whose pages are not movable: it ran out of
# memory. Distro mode turns CMA off (cma=0, arm_cmdline.c's DISTRO_OPTIONS);
# this stand-in for it in small mode does the same. The small kernel has no CMA.
append=${ARM64_APPEND:-}
[ "${ARM64_CAPTURE:-small}" != debian ] || append="cma=0${append:+ $append}"
write_test_config "$WORK/dumpagent.conf" "TARGET=UUID=$DISK_UUID" FSTYPE=ext4 CAPTURE_MODE=small \
	FINAL_ACTION=reboot FAILURE_ACTION=poweroff ${append:+"CMDLINE_APPEND=\"$append\""}
# INITRD_ARGS: extra options of initramfs/build.sh (as panic_scenario's).
# shellcheck disable=SC2086 # INITRD_ARGS is a list of build.sh options
"$REPO/initramfs/build.sh" --config "$WORK/dumpagent.conf" --agent "$AGENT64" --check-agent "$BUILD/dumpagent" \
	--sysroot "$ROOT64" --output "$WORK/capture.img" ${INITRD_ARGS:-} >"$WORK/build.log" 2>&1 ||
	fail "building the arm64 capture initramfs failed: $(cat "$WORK/build.log")"
FIRST_SYSROOT=$ROOT64 FIRST_AGENT=$AGENT64 build_first_initrd "$WORK/dumpagent.conf" "$WORK/capture.img" "$WORK/first.img"
DISK=$WORK/disk.img
make_disk "$DISK" ext4 "$DISK_UUID"

# The first kernel powers off (PSCI) when it cannot arm, the capture kernel
# reboots when it is done: -no-reboot ends QEMU either way.
#
# Debian's arm64 kernel has no kexec_file_load (no KEXEC_FILE): the loader
# falls back to kexec_load, where Debian 12's kexec-tools takes the page
# offset of the capture's ELF core header from _text in /proc/kallsyms,
# which that kernel does not list (no KALLSYMS_ALL). The loader gives kexec
# a /proc/kallsyms with arm-plan's _text (from /proc/kcore; see
# load-crashkernel(8)). Without it the header is wrong, and makedumpfile in
# the capture kernel says "vaddr_to_paddr_arm64: Can't read pgd".
start=$(date +%s)
rc=0
timeout --foreground -k 5 "$QEMU_TIMEOUT" qemu-system-aarch64 -M virt -cpu cortex-a57 -accel tcg \
	-smp 2 -m "${QEMU_MEM:-1G}" -nographic -no-reboot -monitor none -serial "file:$SERIAL" \
	-kernel "$first_kernel" -initrd "$WORK/first.img" \
	-append "console=ttyAMA0 crashkernel=${CRASHKERNEL:-128M} panic=-1 FIRST_KALLSYMS=__crash_kexec,sysrq_handle_crash${FIRST_APPEND:+ $FIRST_APPEND}" \
	-drive "file=$DISK,if=none,id=disk0,format=raw" -device virtio-blk-pci,drive=disk0 \
	</dev/null >"$WORK/qemu.out" 2>&1 || rc=$?
seconds=$(($(date +%s) - start))
[ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "the VM did not finish within $QEMU_TIMEOUT s"
[ "$rc" = 0 ] || fail "qemu-system-aarch64 exited with status $rc: $(cat "$WORK/qemu.out")"
grep -q "first-init: armed" "$SERIAL" || fail "the loader did not arm the capture kernel"
if grep -q 'vaddr_to_paddr_arm64: Can.t read pgd' "$SERIAL"; then
	fail "makedumpfile cannot read the vmcore: kexec_load's ELF core header is wrong (Debian 12's kexec-tools needs _text in /proc/kallsyms; see above qemu-system-aarch64 in this script)"
fi
grep -q "dumpagent: capture complete" "$SERIAL" || fail "the agent did not report a complete capture"
# The ELF core header's memory, as the agent read it: a wrong header once
# gave 17592090470554 MiB; the agent now calls that unknown.
mem=$(tr -d '\r' <"$SERIAL" | sed -n 's/.*vmcore: kernel .*, \([0-9]*\) MiB of memory in .*/\1/p' | head -n 1)
[ -n "$mem" ] && [ "$mem" -gt 0 ] && [ "$mem" -le 1048576 ] ||
	fail "the agent read no believable memory size from the vmcore: $(grep 'vmcore: ' "$SERIAL")"

dir=$(img_ls "$DISK" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}$') ||
	fail "no YYYYMMDDHHMM directory in /var/crash: $(img_ls "$DISK" /var/crash)"
[ "$(echo "$dir" | wc -l)" = 1 ] || fail "more than one dump directory: $dir"
for f in "dump.$dir" "dmesg.$dir" dumpagent.log "summary.$dir.txt"; do
	img_get "$DISK" "/var/crash/$dir/$f" "$WORK/$f" || fail "/var/crash/$dir/$f is missing: $(img_ls "$DISK" "/var/crash/$dir")"
done
grep -q '^dumpagent: outcome: complete$' "$WORK/dumpagent.log" ||
	fail "dumpagent.log does not record 'outcome: complete': $(cat "$WORK/dumpagent.log")"
grep -q 'sysrq: Trigger a crash' "$WORK/dmesg.$dir" ||
	fail "the saved dmesg does not show the sysrq crash: $(tail -n 20 "$WORK/dmesg.$dir")"

# The registers: the summary names arm64's (x0-x30, sp, pc, pstate) and
# marks the panicking CPU's note; its pc must be where that CPU was. For
# "echo c", 6.1's sysrq_handle_crash calls panic(), which has no pt_regs to
# give: __crash_kexec's crash_setup_regs(NULL) saves the CPU's registers
# there, pc the address of its own "adr" (arch/arm64/include/asm/kexec.h).
# So pc is in __crash_kexec, and the call trace of that CPU goes through
# sysrq_handle_crash: panic() does not return, so the address after its
# call, the last of sysrq_handle_crash, is printed as the next function's
# +0x0. Where the functions are (KASLR moves them) the crashed kernel said
# itself, from /proc/kallsyms, before the crash.
summary=$WORK/summary.$dir.txt
regs=$(awk '/^CPU note .*\(panicking\):$/ { on = 1; next } /^CPU note / { on = 0 } on' "$summary")
[ -n "$regs" ] || fail "the summary marks no panicking CPU: $(cat "$summary")"
# reg NAME: the panicking CPU's NAME, 16 hex digits without 0x.
reg() {
	printf '%s\n' "$regs" | tr -s ' ' '\n' | awk -v r="$1" 'p { sub(/^0x/, ""); print; exit } $0 == r { p = 1 }' |
		grep -E '^[0-9a-f]{16}$' || fail "the summary's panicking CPU has no arm64 register $1: $(cat "$summary")"
}
for r in x0 x1 x15 x28 x29 x30 sp pc pstate; do
	reg "$r" >/dev/null
done
# kallsyms NAME: "START END NEXT" as first-init printed them.
kallsyms() {
	k=$(tr -d '\r' <"$SERIAL" | sed -n "s/^first-init: kallsyms $1 \([0-9a-f]\{16\} [0-9a-f]\{16\} [^ ]*\)\$/\1/p")
	[ -n "$k" ] || fail "first-init did not say where $1 is: $(grep 'kallsyms' "$SERIAL")"
	echo "$k"
}
# within NAME ADDRESS: ADDRESS is between NAME's start and the next symbol
# (16 lowercase hex digits each: awk compares them as strings).
within() {
	awk -v a="$2" -v r="$(kallsyms "$1")" 'BEGIN { split(r, x, " "); exit !(a >= x[1] && a < x[2]) }'
}
pc=$(reg pc)
within __crash_kexec "$pc" ||
	fail "the panicking CPU's pc $pc is not in __crash_kexec ($(kallsyms __crash_kexec)): $(cat "$summary")"
after=$(kallsyms sysrq_handle_crash | cut -d' ' -f3)
awk -v s="$after" '/^Call trace:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$summary" >"$WORK/trace"
grep -A1 '^panic+' "$WORK/trace" | grep -Eq "^(sysrq_handle_crash\+|$after\+0x0/)" ||
	fail "the summary's call trace does not go from sysrq_handle_crash (printed as $after+0x0) to panic: $(cat "$summary")"

check_dmesg
pass "$(wc -c <"$WORK/dump.$dir") bytes of dump; QEMU ran $seconds s"
