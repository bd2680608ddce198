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
	printf 'bzImage:\n\tmkdir -p $(O)/arch/x86/boot && echo "not a kernel" >$(O)/arch/x86/boot/bzImage\n'
	printf '\tprintf "kernel/fs/xfs/xfs.ko\\nkernel/drivers/block/xen-blkfront.ko\\n" >$(O)/modules.builtin\n'
	printf '\tprintf "kernel/drivers/ata/ahci.ko\\nkernel/drivers/hv/hv_vmbus.ko\\n" >>$(O)/modules.builtin\n'
	printf 'kernelrelease:\n\t@echo $(RELEASE)\n'
} >"$K/Makefile"
# merge_config.sh -m -O OBJ OBJ/.config FRAGMENT: the fragment, merged verbatim.
# shellcheck disable=SC2016 # the stand-in's own arguments
printf '#!/bin/sh\ncat "$5" >>"$4"\n' >"$K/scripts/kconfig/merge_config.sh"
chmod +x "$K/scripts/kconfig/merge_config.sh"
tar -C "$T/src" -cJf "$T/linux-source-6.1.tar.xz" linux-source-6.1
cp "$REPO/capture-kernel/build.sh" "$REPO/capture-kernel/capture.config" "$T/tree/capture-kernel/"

# fake_build NAME: runs the copy; status in $rc, its output in $T/NAME.log.
fake_build() {
	rc=0
	LINUX_SOURCE_TARBALL=$T/linux-source-6.1.tar.xz sh "$T/tree/capture-kernel/build.sh" \
		--out "$T/out" >"$T/$1.log" 2>&1 || rc=$?
}
fake_build empty
if [ "$rc" = 0 ] && grep -q "^capture-kernel: built $T/out/vmlinuz (6.1.0-fake," "$T/empty.log" &&
	[ "$(cat "$T/out/release")" = 6.1.0-fake ]; then
	ok "build.sh builds with an empty patches/"
else
	bad "build.sh with an empty patches/: status $rc, output: '$(cat "$T/empty.log")'"
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
finish
