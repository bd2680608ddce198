#!/bin/sh
# tests/shell/test-capture-kernel-build.sh: capture-kernel/build.sh on a stand-in kernel source, in seconds.
#
# The built kernel itself (its config, the no-op rebuild) is checked by
# tests/qemu/test-capture-kernel.sh, with the layer that needs the kernel.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"

# A copy of capture-kernel/ in a scratch tree, and a tarball whose Makefile
# and merge_config.sh only write what build.sh reads afterwards (bzImage also
# writes the modules.builtin that vmlinux.o brings: unsorted, with '-'). An empty
# patches/ (or none: git keeps no empty directory) once ended build.sh with
# status 1 and no message.
K=$T/src/linux-source-6.1
mkdir -p "$K/scripts/kconfig" "$T/tree/capture-kernel/patches"
# shellcheck disable=SC2016 # make expands these, not this shell
{
	printf 'O ?= .\nRELEASE = 6.1.0-fake\n'
	printf 'tinyconfig:\n\techo "# tinyconfig" >$(O)/.config\nolddefconfig:\n\t@:\n'
	printf 'bzImage:\n\tmkdir -p $(O)/arch/x86/boot && echo "not a kernel ARCH=$(ARCH)" >$(O)/arch/x86/boot/bzImage\n'
	printf '\tprintf "kernel/fs/xfs/xfs.ko\\nkernel/drivers/block/xen-blkfront.ko\\n" >$(O)/modules.builtin\n'
	printf '\tprintf "kernel/drivers/ata/ahci.ko\\nkernel/drivers/hv/hv_vmbus.ko\\n" >>$(O)/modules.builtin\n'
	printf 'Image:\n\tmkdir -p $(O)/arch/arm64/boot && echo "not a kernel ARCH=$(ARCH) $(CROSS_COMPILE)" >$(O)/arch/arm64/boot/Image\n'
	printf '\tprintf "kernel/drivers/tty/serial/amba-pl011.ko\\n" >$(O)/modules.builtin\n'
	printf 'kernelrelease:\n\t@echo $(RELEASE)\n'
} >"$K/Makefile"
# merge_config.sh -m -O OBJ OBJ/.config FRAGMENT...: the fragments, merged verbatim.
# shellcheck disable=SC2016 # the stand-in's own arguments
printf '#!/bin/sh\nout=$4\nshift 4\ncat "$@" >>"$out"\n' >"$K/scripts/kconfig/merge_config.sh"
chmod +x "$K/scripts/kconfig/merge_config.sh"
tar -C "$T/src" -cJf "$T/linux-source-6.1.tar.xz" linux-source-6.1
cp "$REPO/capture-kernel/build.sh" "$REPO/capture-kernel/"capture*.config "$T/tree/capture-kernel/"

# fake_build NAME [ARGS]: runs the copy; status in $rc, its output in $T/NAME.log.
fake_build() {
	rc=0
	log=$T/$1.log
	shift
	LINUX_SOURCE_TARBALL=$T/linux-source-6.1.tar.xz sh "$T/tree/capture-kernel/build.sh" \
		--out "$T/out" "$@" >"$log" 2>&1 || rc=$?
}
fake_build empty
if [ "$rc" = 0 ] && grep -q "^capture-kernel: built $T/out/vmlinuz (6.1.0-fake," "$T/empty.log" &&
	[ "$(cat "$T/out/release")" = 6.1.0-fake ]; then
	ok "build.sh builds with an empty patches/"
else
	bad "build.sh with an empty patches/: status $rc, output: '$(cat "$T/empty.log")'"
fi
# x86_64's kernel is configured and built with kbuild's default ARCH (see build.sh).
same "x86_64: the bzImage, made with no ARCH" "not a kernel ARCH=" "$(cat "$T/out/vmlinuz")"
if grep -qx 'CONFIG_INTEL_IOMMU=y' "$T/tree/build/kernel/.config" &&
	grep -qx 'CONFIG_BLK_DEV_NVME=y' "$T/tree/build/kernel/.config" &&
	! grep -q 'PL011' "$T/tree/build/kernel/.config"; then
	ok "x86_64: capture.config and capture-x86_64.config merged, not capture-arm64.config"
else
	bad "x86_64's .config: '$(cat "$T/tree/build/kernel/.config")'"
fi
# The drivers built in: names, '-' as '_', sorted (what CAPTURE_MODE=auto reads).
same "vmlinuz.builtin: the module names of modules.builtin, '-' as '_', sorted" \
	"ahci hv_vmbus xen_blkfront xfs" "$(tr '\n' ' ' <"$T/out/vmlinuz.builtin" | sed 's/ $//')"
rmdir "$T/tree/capture-kernel/patches"
rm -rf "$T/out" "$T/tree/build"
fake_build none
if [ "$rc" = 0 ] && grep -q "^capture-kernel: built $T/out/vmlinuz (6.1.0-fake," "$T/none.log"; then
	ok "build.sh builds with no patches/ at all"
else
	bad "build.sh with no patches/: status $rc, output: '$(cat "$T/none.log")'"
fi
# A patch is applied, and it is an input: the source is unpacked afresh.
mkdir "$T/tree/capture-kernel/patches"
mkdir -p "$T/p/a" "$T/p/b"
cp "$K/Makefile" "$T/p/a/"
sed 's/^RELEASE = .*/RELEASE = 6.1.0-patched/' "$K/Makefile" >"$T/p/b/Makefile"
(cd "$T/p" && diff -u a/Makefile b/Makefile) >"$T/tree/capture-kernel/patches/release.patch"
fake_build patched
if [ "$rc" = 0 ] && grep -q "applying capture-kernel/patches/release.patch" "$T/patched.log" &&
	[ "$(cat "$T/out/release")" = 6.1.0-patched ]; then
	ok "a patch in patches/ is applied, and its change rebuilds"
else
	bad "build.sh with a patch: status $rc, output: '$(cat "$T/patched.log")'"
fi
# arm64: cross-built in its own build directory, from the shared and its own fragment.
need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
rm -rf "$T/out"
fake_build arm64 --arch arm64
if [ "$rc" = 0 ] && grep -q "^capture-kernel: built $T/out/vmlinuz (6.1.0-patched," "$T/arm64.log" &&
	[ "$(cat "$T/out/vmlinuz")" = "not a kernel ARCH=arm64 aarch64-linux-gnu-" ] &&
	[ "$(cat "$T/out/vmlinuz.builtin")" = amba_pl011 ] &&
	grep -qx 'CONFIG_SERIAL_AMBA_PL011_CONSOLE=y' "$T/tree/build/kernel-arm64/.config" &&
	grep -qx 'CONFIG_BLK_DEV_NVME=y' "$T/tree/build/kernel-arm64/.config" &&
	! grep -q 'INTEL_IOMMU' "$T/tree/build/kernel-arm64/.config"; then
	ok "--arch arm64: the Image, cross-built with ARCH=arm64 from capture.config + capture-arm64.config"
else
	bad "build.sh --arch arm64: status $rc, output: '$(cat "$T/arm64.log")'"
fi
fake_build bad-arch --arch riscv64
same "--arch riscv64: refused as a usage error" \
	"100 capture-kernel: unknown architecture 'riscv64': x86_64 or arm64" "$rc $(cat "$T/bad-arch.log")"
finish
