#!/bin/sh
# tests/shell/test-initramfs-sysroot.sh: build.sh --sysroot takes busybox, makedumpfile and exactly its NEEDED libraries from the sysroot, never from the host.
#
# Host only, no download: the sysroot is made here in the layout of
# scripts/arm64-root.sh (dpkg-deb -x of Debian packages, DIR/packages), from
# this machine's own files, so the expected libraries can be computed
# independently, by makedumpfile's own dynamic loader (ld.so --list), while
# build.sh must find them from the NEEDED entries in the sysroot. Every file
# of the sysroot carries a marker byte that the host's does not: an image
# file equal to the sysroot's proves where it came from. The interpreter is
# an absolute symlink in the sysroot, as in Debian's libc6, so following it
# on the host would pick the host's file.
# ok and bad only print, so "COND && ok ... || bad ..." is an if-else:
# shellcheck disable=SC2015
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
BUILD_SH=$REPO/initramfs/build.sh

need readelf binutils
need cpio cpio
need makedumpfile makedumpfile
need dpkg-query dpkg
[ -x /bin/busybox ] || die "/bin/busybox not found: apt-get install busybox-static"
agent=$REPO/build/dumpagent
[ -x "$agent" ] || die "$agent is not built: run make"
conf=$REPO/config/dumpagent.conf
mdf=$(command -v makedumpfile)
unset LD_LIBRARY_PATH LD_PRELOAD

# put SOURCE PATH: SOURCE's contents and a marker byte at $R/PATH.
R=$T/sysroot
put() {
	mkdir -p "$R${2%/*}" && cat "$1" >"$R$2" && printf 'S' >>"$R$2"
}
interp=$(readelf -lW "$mdf" | sed -n 's/^.*\[Requesting program interpreter: \(.*\)\]$/\1/p')
[ -n "$interp" ] || die "$mdf has no interpreter: is it static? (test-initramfs-makedumpfile covers a static one)"
"$interp" --list "$mdf" >"$T/ldd" || die "$interp --list $mdf failed"
awk '$2 == "=>" && $3 ~ /^\// { print $3 }' "$T/ldd" | LC_ALL=C sort -u >"$T/host-libs"
[ "$(wc -l <"$T/host-libs")" -ge 3 ] || die "ld.so --list found too few libraries: $(cat "$T/ldd")"
put /bin/busybox /bin/busybox
put "$mdf" /usr/bin/makedumpfile
chmod 0755 "$R/bin/busybox" "$R/usr/bin/makedumpfile"
# Each library at /lib/TRIPLET/SONAME, as its package has it: a relative
# symlink to the real file. The interpreter: absolute symlink, real file
# under /lib/TRIPLET.
triplet=$(basename "$(dirname "$(head -n 1 "$T/host-libs")")")
while read -r lib; do
	so=${lib##*/}
	put "$lib" "/lib/$triplet/$so.real"
	ln -s "$so.real" "$R/lib/$triplet/$so"
done <"$T/host-libs"
# libgcc_s.so.1, which no NEEDED entry names (glibc dlopens it for
# pthread_exit: makedumpfile --num-threads), a regular file beside libc as in
# Debian's libgcc-s1.
gcc_s=$(dirname "$(grep '/libc\.so\.6$' "$T/host-libs")")/libgcc_s.so.1
[ -f "$gcc_s" ] || die "$gcc_s not found: install libgcc-s1"
put "$gcc_s" "/lib/$triplet/libgcc_s.so.1"
put "$interp" "/lib/$triplet/${interp##*/}.real"
mkdir -p "$R${interp%/*}"
ln -s "/lib/$triplet/${interp##*/}.real" "$R$interp"
printf 'busybox-static %s\nmakedumpfile 1:1.7.2-1\n' "$(dpkg-query -W -f '${Version}' busybox-static)" >"$R/packages"

# build NAME [build.sh arguments]: output in $T/NAME.log, status in $rc.
build() {
	name=$1
	shift
	rc=0
	"$BUILD_SH" --config "$conf" --output "$T/$name.img" "$@" >"$T/$name.log" 2>&1 || rc=$?
}

build a --agent "$agent" --check-agent "$agent" --sysroot "$R"
[ "$rc" = 0 ] || die "build.sh --sysroot failed (status $rc): $(cat "$T/a.log")"
same "build.sh says makedumpfile is the sysroot's" \
	"initramfs/build.sh: makedumpfile: $R/usr/bin/makedumpfile (in the sysroot, with $interp and its libraries)" \
	"$(grep 'makedumpfile: ' "$T/a.log")"
mkdir "$T/img"
(cd "$T/img" && gzip -dc "$T/a.img" | cpio -idm --quiet --no-absolute-filenames -f 'dev/*')
from_root() {
	if cmp -s "$R$1" "$T/img$2"; then ok "$2 is the sysroot's $1"; else bad "$2 is not the sysroot's $1"; fi
}
from_root /bin/busybox /bin/busybox
from_root /usr/bin/makedumpfile /usr/bin/makedumpfile
from_root "/lib/$triplet/${interp##*/}.real" "$interp"
[ -x "$T/img$interp" ] && [ ! -L "$T/img$interp" ] && ok "the interpreter is a regular executable file" ||
	bad "the interpreter in the image is not a regular executable file: $(ls -l "$T/img$interp")"
# Exactly the libraries the loader names, at their soname paths, as the
# sysroot's regular files, and libgcc_s.so.1 beside libc.
{
	sed "s|^/lib[^/]*/[^/]*/|/lib/$triplet/|" "$T/host-libs"
	echo "/lib/$triplet/libgcc_s.so.1"
} | LC_ALL=C sort >"$T/libs.expected"
(cd "$T/img" && find lib usr/lib lib64 -type f 2>/dev/null) | sed 's|^|/|' | grep -vxF "$interp" |
	LC_ALL=C sort >"$T/libs.got" || :
if cmp -s "$T/libs.expected" "$T/libs.got"; then
	ok "exactly the NEEDED closure that ld.so --list names: $(tr '\n' ' ' <"$T/libs.got")"
else
	bad "libraries differ from ld.so --list (- expected, + in the image):
$(diff "$T/libs.expected" "$T/libs.got" | grep '^[<>]' | sed 's/^</-/; s/^>/+/')"
fi
grep -vxF "/lib/$triplet/libgcc_s.so.1" "$T/libs.expected" >"$T/libs.linked"
while read -r lib; do
	from_root "$lib.real" "$lib"
done <"$T/libs.linked"
from_root "/lib/$triplet/libgcc_s.so.1" "/lib/$triplet/libgcc_s.so.1"
applets=$(find "$T/img/bin" -type l | wc -l)
[ "$applets" = "$(/bin/busybox --list | grep -cvx busybox)" ] && ok "every applet of busybox --list is linked ($applets)" ||
	bad "$applets applet links, busybox --list has $(/bin/busybox --list | wc -l)"

# --- Refusals, each before anything is written.
missing=$(head -n 1 "$T/host-libs")
missing=${missing##*/}
mv "$R/lib/$triplet/$missing" "$T/moved"
build nolib --agent "$agent" --check-agent "$agent" --sysroot "$R"
case $rc:$(cat "$T/nolib.log") in
1:*"/usr/bin/makedumpfile: library $missing (needed by "*") not found in $R"*) ok "a library missing from the sysroot is named, never taken from the host" ;;
*) bad "a missing $missing: status $rc: $(cat "$T/nolib.log")" ;;
esac
mv "$T/moved" "$R/lib/$triplet/$missing"
[ ! -e "$T/nolib.img" ] && ok "no image after the refusal" || bad "an image was written"

mv "$R/lib/$triplet/libgcc_s.so.1" "$T/moved"
build nogccs --agent "$agent" --check-agent "$agent" --sysroot "$R"
same "a sysroot without libgcc_s.so.1 is refused, the host's never taken" \
	"1:initramfs/build.sh: no /lib/$triplet/libgcc_s.so.1 beside makedumpfile's libc in $R ($R/lib/$triplet/libgcc_s.so.1: not a file in $R): rebuild it with scripts/arm64-root.sh (it unpacks libgcc-s1)" \
	"$rc:$(grep -v 'makedumpfile: ' "$T/nogccs.log")"
mv "$T/moved" "$R/lib/$triplet/libgcc_s.so.1"
[ ! -e "$T/nogccs.img" ] && ok "no image after the refusal" || bad "an image was written"

sed -i 's/^busybox-static .*/busybox-static 0:0.0-0/' "$R/packages"
build oldbb --agent "$agent" --check-agent "$agent" --sysroot "$R"
case $rc:$(cat "$T/oldbb.log") in
"1:initramfs/build.sh: busybox-static here is "*", in $R 0:0.0-0: the applet lists may differ; "*) ok "busybox-static of another version in the sysroot is refused" ;;
*) bad "busybox-static 0:0.0-0: status $rc: $(cat "$T/oldbb.log")" ;;
esac

build nocheck --agent "$agent" --sysroot "$R"
case $rc:$(head -n 1 "$T/nocheck.log") in
"100:initramfs/build.sh: --sysroot needs --check-agent (the agent for another architecture cannot run here)") ok "--sysroot without --check-agent is a usage error" ;;
*) bad "--sysroot without --check-agent: status $rc: $(cat "$T/nocheck.log")" ;;
esac
finish
