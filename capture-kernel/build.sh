#!/bin/sh
# capture-kernel/build.sh: builds the capture kernel from Debian's linux-source-6.1, out of tree.
#
# Usage: capture-kernel/build.sh [--arch x86_64|arm64] [--out DIR] [--help]
#
# Unpacks /usr/src/linux-source-6.1.tar.xz (Debian package linux-source-6.1)
# into build/linux-source-6.1 and applies capture-kernel/patches/*.patch,
# configures tinyconfig + capture-kernel/capture.config (shared) +
# capture-kernel/capture-ARCH.config in build/kernel (build/kernel-arm64 for
# arm64), checks that every option of the fragments made it, builds the
# bzImage (arm64: the Image, cross-compiled with Debian's gcc-aarch64-linux-gnu)
# and installs DIR/vmlinuz, DIR/config (the final .config), DIR/release (the
# kernel release) and DIR/vmlinuz.builtin (the drivers built in: the names of
# the kernel build's modules.builtin, '-' written as '_', sorted; the loader
# compares them with the target's driver chain). The image has the EFI stub:
# it is a PE file that sbsign can sign (docs/secure-boot.md). build/ is the
# repository's, wherever the script is run from; DIR defaults to
# build/capture (build/capture-arm64 for arm64), and a relative DIR is taken from the current directory. A
# stamp next to the image makes a rebuild with nothing changed do no work at
# all.
#
# Environment: LINUX_SOURCE_TARBALL overrides the source tarball's path.
# Exit status: 0 built or up to date; 1 failure; 100 bad usage.
set -eu

REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
FRAGMENT=$REPO/capture-kernel/capture.config
PATCHES=$REPO/capture-kernel/patches
SRC=$REPO/build/linux-source-6.1
CAPTURE_ARCH=x86_64
OUT=

say() { echo "capture-kernel: $*" >&2; }
die() { say "error: $*"; exit 1; }

# The comment block under the header line, up to "set -eu".
usage() {
	awk 'NR < 4 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

while [ $# -gt 0 ]; do
	case $1 in
	--arch)
		[ $# -ge 2 ] || { say "--arch needs x86_64 or arm64"; exit 100; }
		CAPTURE_ARCH=$2
		shift 2
		;;
	--out)
		[ $# -ge 2 ] || { say "--out needs a directory"; exit 100; }
		case $2 in /*) OUT=$2 ;; *) OUT=$(pwd)/$2 ;; esac
		shift 2
		;;
	--help | -h) usage; exit 0 ;;
	*) say "unknown argument '$1'"; usage >&2; exit 100 ;;
	esac
done

# What differs between the architectures: the kernel's ARCH, the compiler,
# the image and where the build goes (both share the unpacked source).
case $CAPTURE_ARCH in
x86_64)
	# No ARCH= at all: kbuild's default, ARCH=x86, starts tinyconfig 32-bit
	# and ends with other defaults than ARCH=x86_64 would (5-level paging,
	# VMAP_STACK...): this keeps the .config the x86_64 kernel always had.
	KARCH='' CROSS='' TARGET=bzImage IMAGE=arch/x86/boot/bzImage
	OBJ=$REPO/build/kernel
	;;
arm64)
	KARCH=arm64 CROSS=aarch64-linux-gnu- TARGET=Image IMAGE=arch/arm64/boot/Image
	OBJ=$REPO/build/kernel-arm64
	;;
*) say "unknown architecture '$CAPTURE_ARCH': x86_64 or arm64"; exit 100 ;;
esac
ARCH_FRAGMENT=$REPO/capture-kernel/capture-$CAPTURE_ARCH.config
[ -n "$OUT" ] || OUT=$REPO/build/capture${CROSS:+-$CAPTURE_ARCH}

[ -r "$ARCH_FRAGMENT" ] || die "$ARCH_FRAGMENT is missing: restore it with 'git checkout -- capture-kernel'"
[ -r "$FRAGMENT" ] || die "$FRAGMENT is missing: restore it with 'git checkout -- capture-kernel'"
[ -r "$TARBALL" ] || die "$TARBALL is missing: install it with 'apt-get install linux-source-6.1'"

# The kernel's own build needs these; kbuild's errors for them are obscure.
need_tools() {
	missing=
	for tool in make gcc ld "${CROSS}gcc" "${CROSS}ld" flex bison bc xz perl patch; do
		command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
	done
	# objtool, which every x86_64 6.1 build compiles, needs libelf's headers.
	[ -n "$CROSS" ] || [ -r /usr/include/gelf.h ] || missing="$missing libelf-headers"
	[ -z "$missing" ] || die "missing build tools:$missing; install them with" \
		"'apt-get install build-essential flex bison bc xz-utils perl patch libelf-dev${CROSS:+ gcc-aarch64-linux-gnu}'"
}

# What the image depends on: the fragment, this script, the source (tarball
# and our patches to it) and the compiler.
source_id() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true
	stat -c '%s %Y' "$TARBALL"
	# With no patch the pattern stays as it is and -f fails: that must not be
	# the loop's status, or source_id fails and "want=$(source_id)" in unpack
	# ends the script under set -e without a word.
	for p in "$PATCHES"/*.patch; do
		[ ! -f "$p" ] || sha256sum <"$p"
	done
}
stamp_of_inputs() {
	{
		source_id
		"${CROSS}gcc" --version 2>/dev/null | head -n 1
		cat "$FRAGMENT" "$ARCH_FRAGMENT" "$0"
	} | sha256sum | cut -d' ' -f1
}

unpack() {
	want=$(source_id)
	if [ -f "$SRC/.dumpagent-source" ] && [ "$(cat "$SRC/.dumpagent-source")" = "$want" ]; then
		return
	fi
	[ -d "$SRC" ] && SRC_EXISTS=1
	say "unpacking $TARBALL${SRC_EXISTS:+ afresh: the source or its patches changed}"
	tmp=$REPO/build/.linux-source.tmp
	# tar keeps the tarball's mtimes, older than objects built from a previous
	# source: kbuild would keep those, so a new source starts a clean build.
	rm -rf "$tmp" "$SRC" "$OBJ"
	mkdir -p "$tmp"
	tar -xJf "$TARBALL" -C "$tmp" || die "cannot unpack $TARBALL"
	[ -d "$tmp/linux-source-6.1" ] || die "$TARBALL has no linux-source-6.1/ directory"
	for p in "$PATCHES"/*.patch; do
		[ -f "$p" ] || continue
		say "applying ${p#"$REPO"/}"
		patch -p1 -s -N -d "$tmp/linux-source-6.1" <"$p" ||
			die "${p#"$REPO"/} does not apply to this linux-source-6.1;" \
				"refresh the patch against $(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo "$TARBALL")"
	done
	echo "$want" >"$tmp/linux-source-6.1/.dumpagent-source"
	mv "$tmp/linux-source-6.1" "$SRC"
	rmdir "$tmp"
}

kmake() {
	make -C "$SRC" O="$OBJ" ${KARCH:+ARCH="$KARCH" CROSS_COMPILE="$CROSS"} KBUILD_BUILD_USER=dumpagent KBUILD_BUILD_HOST=dumpagent \
		KBUILD_BUILD_TIMESTAMP="${SOURCE_DATE_EPOCH:+@$SOURCE_DATE_EPOCH}" "$@"
}

# Every "=y"/"=N" line must be in the final .config, every "is not set" must be unset.
verify_config() {
	missing=
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) grep -qxF "$line" "$OBJ/.config" || missing="$missing ${line%%=*}" ;;
		"# CONFIG_"*" is not set")
			opt=${line#"# "}
			opt=${opt%" is not set"}
			! grep -q "^$opt=" "$OBJ/.config" || missing="$missing $opt(should be off)"
			;;
		esac
	done <<EOF
$(cat "$FRAGMENT" "$ARCH_FRAGMENT")
EOF
	[ -z "$missing" ] || die "options of capture.config or ${ARCH_FRAGMENT##*/} not in the final .config:$missing;" \
		"Kconfig dropped them for unmet dependencies: look them up with" \
		"'make -C $SRC O=$OBJ${KARCH:+ ARCH=$KARCH} menuconfig' (press /) and add what they depend on to the fragment"
}

# The kernel's share of the crashkernel= reservation: _text to _end while it
# boots (its init sections are freed after the initramfs is unpacked), and
# .bss. For budgeting the reservation; see patches/ for why it is not 2 MiB
# more per section.
footprint() {
	awk '$3 == "_text" { t = $1 } $3 == "_end" { e = $1 }
	     $3 == "__bss_start" { b = $1 } $3 == "__bss_stop" { s = $1 }
	     END { print t, e, b, s }' "$OBJ/System.map" | {
		read -r text end bss_start bss_stop || return 0
		[ -n "$bss_stop" ] || return 0
		# Kernel addresses are ffffffff8xxxxxxx (arm64: ffff8000xxxxxxxx):
		# subtract the low 32 bits, as the full values overflow the shell's
		# signed arithmetic.
		kib() { echo $(((0x${2#????????} - 0x${1#????????}) / 1024)); }
		say "memory: the kernel image spans $(kib "$text" "$end") KiB while booting;" \
			".bss $(kib "$bss_start" "$bss_stop") KiB"
	}
}

# The drivers built in, one module name a line, as modprobe and sysfs spell
# them ('-' as '_'): the build's modules.builtin has one kernel/PATH/NAME.ko
# line for each module-capable object linked into the image.
builtin_list() {
	[ -s "$OBJ/modules.builtin" ] || die "$OBJ/modules.builtin is missing after the build;" \
		"remove $OBJ and build again"
	sed 's|.*/||; s|\.ko$||; s|-|_|g' "$OBJ/modules.builtin" | LC_ALL=C sort -u
}

stamp=$(stamp_of_inputs)
if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/release" ] && [ -f "$OUT/config" ] &&
	[ -f "$OUT/vmlinuz.builtin" ] &&
	[ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$stamp" ]; then
	say "up to date: $OUT/vmlinuz ($(cat "$OUT/release"))"
	exit 0
fi

need_tools
start=$(date +%s)
unpack
mkdir -p "$OBJ" "$OUT"
say "configuring $CAPTURE_ARCH: tinyconfig + capture.config + ${ARCH_FRAGMENT##*/}"
# Kconfig's chatter (choice overrides, values merge_config could not apply)
# goes to a log: verify_config below is what judges the result.
{
	kmake -s tinyconfig &&
		"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$FRAGMENT" "$ARCH_FRAGMENT" &&
		kmake -s olddefconfig
} >"$OBJ/config.log" 2>&1 || {
	tail -n 20 "$OBJ/config.log" >&2
	die "configuring the kernel failed; full log: $OBJ/config.log"
}
verify_config
say "building $TARGET with $(nproc) jobs (a few minutes)"
kmake -j"$(nproc)" "$TARGET" >"$OBJ/build.log" 2>&1 || {
	tail -n 40 "$OBJ/build.log" >&2
	die "kernel build failed; full log: $OBJ/build.log"
}
cp "$OBJ/$IMAGE" "$OUT/vmlinuz.tmp"
cp "$OBJ/.config" "$OUT/config"
builtin_list >"$OUT/vmlinuz.builtin.tmp"
mv "$OUT/vmlinuz.builtin.tmp" "$OUT/vmlinuz.builtin"
kmake -s kernelrelease >"$OUT/release"
mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
echo "$stamp" >"$OUT/.stamp"
say "built $OUT/vmlinuz ($(cat "$OUT/release"), $(($(stat -c %s "$OUT/vmlinuz") / 1024)) KiB) in $(($(date +%s) - start)) s"
footprint
