#!/bin/sh
# tests/shell/test-initramfs-makedumpfile.sh: build.sh installs make makedumpfile's makedumpfile (a static one without libraries), else Debian 12's with them; COMPRESSION=zstd needs one with zstd.
#
# Host only. The static "makedumpfile" here is a stand-in: a copy of the
# static busybox, so the test needs no makedumpfile build (the real static
# binary is checked by test-makedumpfile-build.sh). build.sh is copied into
# a package-like layout (DIR/initramfs/build.sh beside DIR/makedumpfile) and a
# tree-like one (DIR/build/makedumpfile/makedumpfile), then into one with
# neither, where it must fall back to /usr/bin/makedumpfile and its libraries.
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"

need cpio cpio
need gzip gzip
need readelf binutils
need makedumpfile makedumpfile
[ -x /bin/busybox ] || die "/bin/busybox not found: apt-get install busybox-static"
agent=$REPO/build/dumpagent
[ -x "$agent" ] || die "$agent is not built: run make"
conf=$REPO/config/dumpagent.conf
TMPDIR=$T
export TMPDIR
unset LD_LIBRARY_PATH LD_PRELOAD
cp /bin/busybox "$T/static-mdf"
# Debian 12's makedumpfile is the dynamic one every fallback case expects.
dyn=$(command -v makedumpfile)
readelf -lW "$dyn" | grep -q 'program interpreter' || die "$dyn is not dynamic: the fallback case needs Debian's"

# layout DIR: a copy of initramfs/ at DIR/initramfs.
layout() {
	mkdir -p "$1/initramfs"
	cp "$REPO"/initramfs/build.sh "$REPO"/initramfs/lib.sh "$REPO"/initramfs/init \
		"$REPO"/initramfs/bench "$1/initramfs/"
}

# build NAME DIR [build.sh arguments]: runs DIR's build.sh; output in
# $T/NAME.log, status in $rc, the image's names in $T/NAME.list and its
# /usr/bin/makedumpfile in $T/NAME.mdf.
build() {
	name=$1 dir=$2
	shift 2
	rc=0
	"$dir/initramfs/build.sh" --config "$conf" --agent "$agent" --output "$T/$name.img" "$@" \
		>"$T/$name.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || return 0
	gzip -dc "$T/$name.img" | cpio -i -t --quiet >"$T/$name.list"
	mkdir "$T/$name.root"
	(cd "$T/$name.root" && gzip -dc "$T/$name.img" |
		cpio -id --quiet --no-absolute-filenames usr/bin/makedumpfile)
	cp "$T/$name.root/usr/bin/makedumpfile" "$T/$name.mdf"
}

# libs NAME: the shared objects and loader in the image, one a line.
libs() {
	grep -E '(^|/)[^/]*\.so(\.[^/]*)?$' "$T/$1.list" || :
}

# expect_static NAME WHAT FILE: the image holds FILE as makedumpfile, no library.
expect_static() {
	if [ "$rc" = 0 ] && cmp -s "$3" "$T/$1.mdf"; then
		ok "$2: /usr/bin/makedumpfile is $3"
	else
		bad "$2: status $rc, /usr/bin/makedumpfile is not $3: $(cat "$T/$1.log")"
	fi
	same "$2: no shared library and no loader in the image" "" "$(libs "$1")"
	same "$2: build.sh says which makedumpfile" \
		"initramfs/build.sh: makedumpfile: $3 (static)" "$(grep 'makedumpfile: ' "$T/$1.log")"
}

# --- Explicit: --makedumpfile FILE, from the repository's own build.sh.
build explicit "$REPO" --makedumpfile "$T/static-mdf"
expect_static explicit "--makedumpfile FILE" "$T/static-mdf"

# --- The package: /usr/lib/dumpagent/makedumpfile beside /usr/lib/dumpagent/initramfs/.
layout "$T/pkg"
cp "$T/static-mdf" "$T/pkg/makedumpfile"
build pkg "$T/pkg"
expect_static pkg "package layout" "$T/pkg/makedumpfile"

# --- The tree: build/makedumpfile/makedumpfile, as make makedumpfile leaves it.
layout "$T/tree"
mkdir -p "$T/tree/build/makedumpfile"
cp "$T/static-mdf" "$T/tree/build/makedumpfile/makedumpfile"
build tree "$T/tree"
expect_static tree "tree layout" "$T/tree/build/makedumpfile/makedumpfile"

# --- Neither: Debian 12's makedumpfile, with its interpreter and libraries.
layout "$T/bare"
build bare "$T/bare"
if [ "$rc" = 0 ] && cmp -s "$dyn" "$T/bare.mdf"; then
	ok "no static one: /usr/bin/makedumpfile is $dyn"
else
	bad "no static one: status $rc, /usr/bin/makedumpfile is not $dyn: $(cat "$T/bare.log")"
fi
for lib in lib64/ld-linux-x86-64.so.2 lib/x86_64-linux-gnu/libc.so.6 \
	lib/x86_64-linux-gnu/libdw.so.1 lib/x86_64-linux-gnu/liblzma.so.5 \
	lib/x86_64-linux-gnu/liblzo2.so.2 lib/x86_64-linux-gnu/libgcc_s.so.1; do
	if grep -qxF "$lib" "$T/bare.list"; then ok "fallback: has /$lib"; else bad "fallback: /$lib is missing"; fi
done
# libgcc_s.so.1 is in no NEEDED entry: glibc dlopens it when makedumpfile's
# threads end (THREADS); the static one links its unwinder in.
case $(grep 'makedumpfile: ' "$T/bare.log") in
"initramfs/build.sh: makedumpfile: $dyn (dynamic: with /lib64/ld-linux-x86-64.so.2 and its libraries)")
	ok "fallback: build.sh says it used $dyn" ;;
*) bad "fallback: build.sh did not say which makedumpfile: $(cat "$T/bare.log")" ;;
esac

# --- Refusal: an explicit makedumpfile that is not there is an error, not a fallback.
build missing "$REPO" --makedumpfile "$T/nonexistent"
if [ "$rc" = 1 ] && [ "$(cat "$T/missing.log")" = \
	"initramfs/build.sh: makedumpfile $T/nonexistent: not an executable file" ] &&
	[ ! -e "$T/missing.img" ]; then
	ok "--makedumpfile FILE that does not exist: status 1, one line, no image"
else
	bad "--makedumpfile FILE that does not exist: status $rc, output: $(cat "$T/missing.log")"
fi
build novalue "$REPO" --makedumpfile
if [ "$rc" = 100 ] && grep -q -- '--makedumpfile needs a value' "$T/novalue.log"; then
	ok "--makedumpfile without a value is a usage error (100)"
else
	bad "--makedumpfile without a value: status $rc, output: $(cat "$T/novalue.log")"
fi

# --- COMPRESSION=zstd needs a makedumpfile with zstd: one whose -v line
# "zstd<TAB>enabled" is in the file. Stand-ins: a dynamic program linked with
# libzstd and a static one, each with that line; refused: Debian 12's 1.7.2,
# busybox (no such line) and a static one with "zstd<TAB>disabled".
conf_lzo=$conf
conf=$T/zstd.conf
sed 's/^COMPRESSION=.*//' "$conf_lzo" >"$conf"
echo 'COMPRESSION=zstd' >>"$conf"
printf '#include <stdio.h>\n#include <zstd.h>\nint main(void) { printf("zstd\\tenabled %%u\\n", ZSTD_versionNumber()); return 0; }\n' >"$T/z.c"
cc -o "$T/dyn-zstd" "$T/z.c" -lzstd || die "cannot link a stand-in with libzstd (libzstd-dev)"
printf '#include <stdio.h>\nint main(void) { puts("makedumpfile: version 1.7.6"); puts("zstd\\tenabled"); return 0; }\n' >"$T/s.c"
cc -static -o "$T/static-zstd" "$T/s.c" || die "cannot link a static stand-in (libc6-dev)"
build zstd-dyn "$REPO" --makedumpfile "$T/dyn-zstd"
check "COMPRESSION=zstd, a dynamic makedumpfile that needs libzstd: built" "$rc" "$(cat "$T/zstd-dyn.log")"
build zstd-static "$REPO" --makedumpfile "$T/static-zstd"
check "COMPRESSION=zstd, a static makedumpfile whose -v says zstd enabled: built" "$rc" "$(cat "$T/zstd-static.log")"
ZSTD_NO="is built without zstd (its -v would not say \"zstd enabled\"): set COMPRESSION=lzo, or give a makedumpfile with zstd (make makedumpfile: 1.7.6)"
printf '#include <stdio.h>\nint main(void) { puts("makedumpfile: version 1.7.6"); puts("zstd\\tdisabled"); return 0; }\n' >"$T/d.c"
cc -static -o "$T/static-disabled" "$T/d.c" || die "cannot link a static stand-in (libc6-dev)"
for c in "debian $dyn" "static-nozstd $T/static-mdf" "static-disabled $T/static-disabled"; do
	build "zstd-${c%% *}" "$REPO" --makedumpfile "${c#* }"
	if [ "$rc" = 1 ] && [ ! -e "$T/zstd-${c%% *}.img" ] && [ "$(tail -n 1 "$T/zstd-${c%% *}.log")" = \
		"initramfs/build.sh: $conf sets COMPRESSION=zstd, and makedumpfile ${c#* } $ZSTD_NO" ]; then
		ok "COMPRESSION=zstd, makedumpfile ${c#* } without zstd: refused, no image"
	else
		bad "COMPRESSION=zstd with ${c#* }: status $rc, $(cat "$T/zstd-${c%% *}.log")"
	fi
done
finish
