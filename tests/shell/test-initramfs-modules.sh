#!/bin/sh
# tests/shell/test-initramfs-modules.sh: build.sh --modules puts the modules and their load order in the image; /init loads them in that order.
#
# Host only, no VM (tests/qemu/test-distro-mode.sh boots Debian's kernel on
# such an image). The modules here are stand-ins: a few bytes each, plain,
# xz'ed and zstd'ed, so the test checks copying, decompression and order,
# not the kernel. /init's load_modules is cut out of initramfs/init and run
# under dash and busybox sh with a fake insmod that records its calls.
# ok and bad only print, so "COND && ok ... || bad ..." is an if-else:
# shellcheck disable=SC2015
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
BUILD_SH=$REPO/initramfs/build.sh
REL=6.1.0-99-amd64

need cpio cpio
need gzip gzip
need xz xz-utils
need zstd zstd
need dash dash
need makedumpfile makedumpfile
[ -x /bin/busybox ] || die "/bin/busybox not found: apt-get install busybox-static"
agent=$REPO/build/dumpagent
[ -x "$agent" ] || die "$agent is not built: run make"
conf=$REPO/config/dumpagent.conf
TMPDIR=$T
export TMPDIR

# build NAME [build.sh arguments]: output in $T/NAME.log, status in $rc.
build() {
	name=$1
	shift
	rc=0
	"$BUILD_SH" --config "$conf" --agent "$agent" "$@" >"$T/$name.log" 2>&1 || rc=$?
}

# --- Three modules in a kernel-like tree: one plain, one xz, one zstd.
M=$T/lib/modules/$REL/kernel
mkdir -p "$M/drivers/scsi/megaraid" "$M/fs/ext4" "$M/lib"
echo 'crc16 module bytes' >"$M/lib/crc16.ko"
echo 'megaraid_sas module bytes' >"$T/megaraid_sas.ko"
xz -c "$T/megaraid_sas.ko" >"$M/drivers/scsi/megaraid/megaraid_sas.ko.xz"
echo 'ext4 module bytes' >"$T/ext4.ko"
zstd -q -c "$T/ext4.ko" >"$M/fs/ext4/ext4.ko.zst"
printf '%s\n' "$M/lib/crc16.ko" "$M/drivers/scsi/megaraid/megaraid_sas.ko.xz" \
	"$M/fs/ext4/ext4.ko.zst" >"$T/modules.list"

build mods --output "$T/m.img" --modules "$T/modules.list" --kernel-release "$REL"
[ "$rc" = 0 ] || die "build.sh --modules failed (status $rc): $(cat "$T/mods.log")"
"$BUILD_SH" --list "$T/m.img" >"$T/list"
same "the image's /lib/modules holds the three modules and load-order, nothing else" \
	"lib/modules/$REL/crc16.ko
lib/modules/$REL/ext4.ko
lib/modules/$REL/load-order
lib/modules/$REL/megaraid_sas.ko" \
	"$(grep '^lib/modules/[^/]*/.' "$T/list")"
# /init loads them with busybox's insmod: the applet must be in the image.
grep -qx 'bin/insmod' "$T/list" && ok "the image has /bin/insmod" || bad "the image has no /bin/insmod"
mkdir "$T/root"
(cd "$T/root" && gzip -dc "$T/m.img" | cpio -idm --quiet --no-absolute-filenames -f 'dev/*')
same "load-order lists the file names in the order given" \
	"crc16.ko
megaraid_sas.ko
ext4.ko" "$(cat "$T/root/lib/modules/$REL/load-order")"
for m in crc16 megaraid_sas ext4; do
	src=$T/$m.ko
	[ "$m" != crc16 ] || src=$M/lib/crc16.ko
	cmp -s "$src" "$T/root/lib/modules/$REL/$m.ko" && ok "$m.ko is in the image, decompressed" ||
		bad "$m.ko in the image differs from the decompressed module"
done
modes=$(gzip -dc "$T/m.img" | cpio -itv --quiet 2>/dev/null | awk '$NF ~ /^lib\/modules\/.+\/./ { print $1 }' | sort -u)
same "the modules and load-order are -rw-r--r--" -rw-r--r-- "$modes"
build mods2 --output "$T/m2.img" --modules "$T/modules.list" --kernel-release "$REL"
cmp -s "$T/m.img" "$T/m2.img" && ok "the same modules give the same bytes" || bad "two builds with modules differ"
build plain --output "$T/p.img"
if [ "$rc" = 0 ] && ! "$BUILD_SH" --list "$T/p.img" | grep -q '^lib/modules'; then
	ok "without --modules there is no /lib/modules"
else
	bad "an image without --modules (status $rc) has /lib/modules or failed: $(cat "$T/plain.log")"
fi

# --- Refusals: each names the problem and writes nothing.
refused() { # WHAT STATUS PATTERN
	if [ "$rc" = "$2" ] && grep -q -- "$3" "$T/$name.log" && [ ! -e "$T/x.img" ]; then
		ok "$1 is refused ($2): $(head -n 1 "$T/$name.log")"
	else
		bad "$1: status $rc (expected $2), output: $(cat "$T/$name.log")"
	fi
}
build norel --output "$T/x.img" --modules "$T/modules.list"
refused "--modules without --kernel-release" 100 '--modules needs --kernel-release'
build nolist --output "$T/x.img" --kernel-release "$REL"
refused "--kernel-release without --modules" 100 '--kernel-release needs --modules'
build slash --output "$T/x.img" --modules "$T/modules.list" --kernel-release ../etc
refused "a release with a slash" 100 "--kernel-release '../etc' is not a kernel release"
build nofile --output "$T/x.img" --modules "$T/none.list" --kernel-release "$REL"
refused "a missing list" 1 "modules list $T/none.list: not a readable file"
printf '%s\n' "$M/lib/crc16.ko" "$M/lib/gone.ko" >"$T/gone.list"
build gone --output "$T/x.img" --modules "$T/gone.list" --kernel-release "$REL"
refused "a missing module" 1 "module $M/lib/gone.ko: not a readable file"
printf 'lib/crc16.ko\n' >"$T/rel.list"
build relative --output "$T/x.img" --modules "$T/rel.list" --kernel-release "$REL"
refused "a relative path" 1 "'lib/crc16.ko' is not an absolute path to a .ko"
printf '%s\n' "$M/lib/crc16.ko" "$T/megaraid_sas.ko" "$M/drivers/scsi/megaraid/megaraid_sas.ko.xz" >"$T/twice.list"
build twice --output "$T/x.img" --modules "$T/twice.list" --kernel-release "$REL"
refused "a module listed twice" 1 'megaraid_sas.ko is listed twice'
: >"$T/empty.list"
build empty --output "$T/x.img" --modules "$T/empty.list" --kernel-release "$REL"
refused "an empty list" 1 "is empty"
printf 'not xz\n' >"$M/lib/bad.ko.xz"
printf '%s\n' "$M/lib/bad.ko.xz" >"$T/bad.list"
build badxz --output "$T/x.img" --modules "$T/bad.list" --kernel-release "$REL"
refused "a module that does not decompress" 1 "cannot decompress $M/lib/bad.ko.xz (xz)"

# --- /init's load_modules, cut out of initramfs/init, run in the extracted
# image's tree with a fake insmod (fails for megaraid_sas.ko, the middle
# one) and a fake uname. They are shell functions, not scripts in PATH:
# busybox sh runs its own applets before looking at PATH, and a function
# comes before both.
fakes() { # RELEASE
	cat <<EOF
uname() { echo $1; }
insmod() {
	echo "\$1" >>"$T/insmod.calls"
	case \$1 in
	*/megaraid_sas.ko) echo "insmod: can't insert '\$1': Unknown symbol in module" >&2; return 1 ;;
	esac
}
EOF
	sed -n '/^say() {$/,/^}$/p' "$REPO/initramfs/init"
	sed -n '/^load_modules() {$/,/^}$/p' "$REPO/initramfs/init" | sed "s|/lib/modules|$T/root/lib/modules|g"
	echo load_modules
}
fakes "$REL" >"$T/load.sh"
grep -q '^load_modules() {$' "$T/load.sh" || die "no load_modules function in initramfs/init"
d=$T/root/lib/modules/$REL
for sh in dash "/bin/busybox sh"; do
	rm -f "$T/insmod.calls"
	# shellcheck disable=SC2086 # "$sh" may be "busybox sh"
	out=$($sh "$T/load.sh" 2>&1) || :
	same "$sh: load_modules insmods each module in load-order's order" \
		"$d/crc16.ko
$d/megaraid_sas.ko
$d/ext4.ko" "$(cat "$T/insmod.calls" 2>/dev/null)"
	same "$sh: a failing module is named with insmod's reason, the rest loaded" \
		"dumpagent-init: modules: insmod megaraid_sas.ko failed: insmod: can't insert '$d/megaraid_sas.ko': Unknown symbol in module
dumpagent-init: modules: loaded 2, failed: megaraid_sas" "$out"
done
fakes 6.1.0-1-other >"$T/load.sh"
rm -f "$T/insmod.calls"
out=$(dash "$T/load.sh" 2>&1) || :
same "modules for another release are reported and none loaded" \
	"dumpagent-init: modules: this image's modules are for $d, not the running 6.1.0-1-other: none loaded" "$out"
[ ! -e "$T/insmod.calls" ] && ok "no insmod for another release" || bad "insmod ran for another release"

finish
