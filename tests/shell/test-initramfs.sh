#!/bin/sh
# tests/shell/test-initramfs.sh: the capture initramfs builds reproducibly with exactly what it needs.
#
# Host only, no VM (see tests/qemu/test-initramfs-boot.sh for the boots). The agent is
# build/dumpagent when it exists, else tests/fixtures/test-agent.c built
# statically here. The expected libraries are computed here, independently
# of initramfs/lib.sh, from makedumpfile's own dynamic loader: the image is
# built with --makedumpfile set to Debian 12's dynamic one (the fallback);
# the static one and the choice between them are in test-initramfs-makedumpfile.sh.
# ok and bad only print, so "COND && ok ... || bad ..." is an if-else:
# shellcheck disable=SC2015
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
BUILD_SH=$REPO/initramfs/build.sh

need cc gcc
need cpio cpio
need gzip gzip
need readelf binutils
need dash dash
need makedumpfile makedumpfile
[ -x /bin/busybox ] || die "/bin/busybox not found: apt-get install busybox-static"

agent=$REPO/build/dumpagent
[ -x "$agent" ] || die "$agent is not built: run make"
conf=$REPO/config/dumpagent.conf
mdf=$(command -v makedumpfile)
mkdir "$T/tmp1" "$T/tmp2" "$T/out"
# build.sh's staging directories go here, so the test can see them removed.
TMPDIR=$T/tmp1
export TMPDIR
unset LD_LIBRARY_PATH LD_PRELOAD

# build NAME [build.sh arguments]: runs build.sh, output in $T/NAME.log,
# exit status in $rc.
build() {
	name=$1
	shift
	rc=0
	"$BUILD_SH" "$@" >"$T/$name.log" 2>&1 || rc=$?
}

# --- Reproducible: same inputs, same bytes, whatever the umask or TMPDIR.
build a --config "$conf" --agent "$agent" --makedumpfile "$mdf" --output "$T/a.img"
[ "$rc" = 0 ] || die "build.sh failed (status $rc): $(cat "$T/a.log")"
rc=0
(umask 077 && TMPDIR=$T/tmp2 "$BUILD_SH" --config "$conf" --agent "$agent" \
	--makedumpfile "$mdf" --output "$T/b.img") >"$T/b.log" 2>&1 || rc=$?
if [ "$rc" = 0 ] && cmp "$T/a.img" "$T/b.img"; then
	ok "two builds (umask 022 and 077) give identical bytes"
else
	bad "second build (status $rc) differs from the first: $(cat "$T/b.log")"
fi
rc=0
SOURCE_DATE_EPOCH=1700000000 "$BUILD_SH" --config "$conf" --agent "$agent" \
	--makedumpfile "$mdf" --output "$T/c.img" >"$T/c.log" 2>&1 || rc=$?
if [ "$rc" = 0 ] && ! cmp -s "$T/a.img" "$T/c.img" &&
	gzip -dc "$T/c.img" | TZ=UTC cpio -itv --quiet 2>/dev/null | grep -q ' Nov 14  2023 init$'; then
	ok "SOURCE_DATE_EPOCH sets the mtimes"
else
	bad "SOURCE_DATE_EPOCH=1700000000 did not give 2023-11-14 mtimes (status $rc)"
fi
if [ -z "$(ls -A "$T/tmp1")" ] && [ -z "$(ls -A "$T/tmp2")" ] &&
	! ls -d "$T"/*.tmp.* "$T"/.?.img.* >/dev/null 2>&1; then
	ok "no staging directory or temporary output is left behind"
else
	bad "left behind: $(ls -A "$T/tmp1" "$T/tmp2" "$T"/*.tmp.* "$T"/.?.img.* 2>/dev/null)"
fi
case $(tail -n 1 "$T/a.log") in
*"wrote $T/a.img: $(wc -c <"$T/a.img") bytes, sha256 $(sha256sum <"$T/a.img" | cut -d' ' -f1)")
	ok "the last line names the output, its size and sha256" ;;
*) bad "unexpected last line: $(tail -n 1 "$T/a.log")" ;;
esac

# --- Contents.
"$BUILD_SH" --list "$T/a.img" >"$T/list" || bad "--list failed"
gzip -dc "$T/a.img" | TZ=UTC cpio -itv --quiet >"$T/listv" 2>/dev/null
has() {
	grep -qxF "$1" "$T/list"
}
# Prints the type letter and mode of an entry, e.g. -rwxr-xr-x.
mode_of() {
	awk -v n="$1" '{ name = $1 ~ /^l/ ? $(NF - 2) : $NF } name == n { print $1 }' "$T/listv"
}

interp=$(readelf -lW "$(command -v makedumpfile)" |
	sed -n 's/^.*\[Requesting program interpreter: \(.*\)\]$/\1/p')
[ -n "$interp" ] || bad "makedumpfile has no interpreter: is it static?"
"$interp" --list "$(command -v makedumpfile)" >"$T/ldd"
# Plus libgcc_s.so.1 from beside libc: glibc dlopens it when makedumpfile's
# threads end (THREADS), and no NEEDED entry names it.
{
	echo "$interp"
	awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }' "$T/ldd"
	awk '$1 == "libc.so.6" && $2 == "=>" { sub("/libc\\.so\\.6$", "/libgcc_s.so.1", $3); print $3 }' "$T/ldd"
} | sed 's|^/||' | LC_ALL=C sort -u >"$T/libs.expected"
[ "$(wc -l <"$T/libs.expected")" -ge 3 ] || bad "ld.so --list found too few libraries: $(cat "$T/ldd")"

for f in init bin/busybox sbin/dumpagent etc/dumpagent.conf usr/bin/makedumpfile \
	$(cat "$T/libs.expected") proc sys dev tmp run mnt/target; do
	if has "$f"; then ok "has /$f"; else bad "/$f is missing"; fi
done
grep -E '(^|/)[^/]*\.so(\.[^/]*)?$' "$T/list" | LC_ALL=C sort >"$T/libs.got" || :
if cmp -s "$T/libs.expected" "$T/libs.got"; then
	ok "exactly the loader's libraries: $(tr '\n' ' ' <"$T/libs.got")"
else
	bad "libraries differ from ld.so --list (- expected, + in the image):
$(diff "$T/libs.expected" "$T/libs.got" | grep '^[<>]' | sed 's/^</-/; s/^>/+/')"
fi
# No other files hide under the library directories either.
extra=$(awk '$1 !~ /^d/ && $NF ~ /^(usr\/)?lib/ { print $NF }' "$T/listv" |
	grep -vxF -f "$T/libs.got" || :)
[ -z "$extra" ] && ok "nothing else under lib*/" || bad "unexpected files under lib*/: $extra"

# Copies of the right files, as regular files at the soname paths, with fixed modes.
mkdir "$T/root"
(cd "$T/root" && gzip -dc "$T/a.img" | cpio -idm --quiet --no-absolute-filenames -f 'dev/*')
same() {
	if cmp -s "$1" "$T/root/$2"; then ok "/$2 is a copy of $1"; else bad "/$2 differs from $1"; fi
}
same "$(command -v makedumpfile)" usr/bin/makedumpfile
same /bin/busybox bin/busybox
# The agent goes in stripped: what it runs is the same, its debug sections are not.
strip --strip-all -o "$T/agent.stripped" "$agent"
same "$T/agent.stripped" sbin/dumpagent
if readelf -S "$agent" | grep -q debug_info && ! readelf -S "$T/root/sbin/dumpagent" | grep -q debug_info &&
	"$T/root/sbin/dumpagent" --version >/dev/null; then
	ok "/sbin/dumpagent: no debug sections ($(wc -c <"$T/root/sbin/dumpagent") of $(wc -c <"$agent") bytes), and it runs"
else
	bad "/sbin/dumpagent keeps its debug sections, or does not run"
fi
same "$conf" etc/dumpagent.conf
same "$REPO/initramfs/init" init
same "$REPO/initramfs/bench" sbin/dumpagent-bench
while read -r lib; do
	m=$(mode_of "$lib")
	case $lib in
	"${interp#/}") want=-rwxr-xr-x ;;
	*) want=-rw-r--r-- ;;
	esac
	[ "$m" = "$want" ] || bad "/$lib is '$m', expected a regular file $want"
	same "/$lib" "$lib"
done <"$T/libs.expected"
for e in "init -rwxr-xr-x" "sbin/dumpagent -rwxr-xr-x" "sbin/dumpagent-bench -rwxr-xr-x" "usr/bin/makedumpfile -rwxr-xr-x" \
	"etc/dumpagent.conf -rw-r--r--" "tmp drwxrwxrwt" "mnt/target drwxr-xr-x" \
	"bin/sh lrwxrwxrwx"; do
	# shellcheck disable=SC2086 # "NAME MODE", split on purpose
	set -- $e
	[ "$(mode_of "$1")" = "$2" ] && ok "/$1 is $2" || bad "/$1 is '$(mode_of "$1")', expected $2"
done
owners=$(awk '$3 != "root" || $4 != "root"' "$T/listv")
[ -z "$owners" ] && ok "every entry is root:root" ||
	bad "entries not owned by root:root: $(echo "$owners" | head -n 3)"
applets=$(/bin/busybox --list | grep -cvx busybox)
links=$(awk '$1 ~ /^l/ && $(NF - 2) ~ /^bin\// && $NF == "busybox"' "$T/listv" | wc -l)
[ "$applets" = "$links" ] && ok "$links busybox applet links" ||
	bad "$links busybox applet links for $applets applets"
if [ "$(id -u)" = 0 ]; then
	[ "$(mode_of dev/console)" = crw------- ] && ok "/dev/console is a device node" ||
		bad "/dev/console is '$(mode_of dev/console)' although the build ran as root"
fi
sorted=$(LC_ALL=C sort "$T/list")
[ "$sorted" = "$(cat "$T/list")" ] && ok "entries are in C-locale order" || bad "entries are not sorted"

# --- Refusals: each names the problem, and writes nothing.
cp "$T/a.img" "$T/out/keep.img"
build dyn --config "$conf" --agent "$(command -v makedumpfile)" --output "$T/out/x.img"
if [ "$rc" = 1 ] && grep -q 'is dynamically linked.*statically linked binary is required' "$T/dyn.log"; then
	ok "a dynamically linked agent is refused: $(cat "$T/dyn.log")"
else
	bad "a dynamically linked agent: status $rc, output: $(cat "$T/dyn.log")"
fi
printf '#!/bin/sh\nexit 0\n' >"$T/script-agent"
chmod +x "$T/script-agent"
build script --config "$conf" --agent "$T/script-agent" --output "$T/out/x.img"
[ "$rc" = 1 ] && grep -q 'not an ELF executable' "$T/script.log" &&
	ok "a script as agent is refused" || bad "a script as agent: status $rc, $(cat "$T/script.log")"
build noconf --config "$T/nonexistent.conf" --agent "$agent" --output "$T/out/x.img"
[ "$rc" = 1 ] && grep -q "config $T/nonexistent.conf: not a readable file" "$T/noconf.log" &&
	ok "a missing config is refused" || bad "a missing config: status $rc, $(cat "$T/noconf.log")"
printf 'FINAL_ACTION=explode\n' >"$T/bad.conf"
build badconf --config "$T/bad.conf" --agent "$agent" --output "$T/out/keep.img"
if [ "$rc" = 1 ] && grep -q "config $T/bad.conf is not valid.*FINAL_ACTION" "$T/badconf.log"; then
	ok "an invalid config is refused: $(cat "$T/badconf.log")"
else
	bad "an invalid config: status $rc, output: $(cat "$T/badconf.log")"
fi
rc=0
SOURCE_DATE_EPOCH=yesterday "$BUILD_SH" --config "$conf" --agent "$agent" \
	--output "$T/out/keep.img" >"$T/epoch.log" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "SOURCE_DATE_EPOCH must be a number of seconds, not 'yesterday'" "$T/epoch.log" &&
	ok "a bad SOURCE_DATE_EPOCH is refused" || bad "SOURCE_DATE_EPOCH=yesterday: status $rc, $(cat "$T/epoch.log")"
# A compressor that dies halfway: the old image must survive it whole.
mkdir "$T/fakebin"
printf '#!/bin/sh\necho partial\nexit 1\n' >"$T/fakebin/gzip"
chmod +x "$T/fakebin/gzip"
rc=0
PATH=$T/fakebin:$PATH "$BUILD_SH" --config "$conf" --agent "$agent" \
	--output "$T/out/keep.img" >"$T/gzip.log" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "cannot pack .* into $T/out/\\.keep\\.img\\.[^/]*/image" "$T/gzip.log" &&
	ok "a failing gzip fails the build" || bad "a failing gzip: status $rc, $(cat "$T/gzip.log")"
cmp -s "$T/a.img" "$T/out/keep.img" && ok "a failed build leaves an existing image alone" ||
	bad "a failed build changed the existing image"
[ "$(ls -A "$T/out")" = keep.img ] && ok "failed builds wrote nothing" ||
	bad "failed builds left: $(ls -A "$T/out")"
build usage --config "$conf" --agent "$agent"
[ "$rc" = 100 ] && grep -q -- '--output is required' "$T/usage.log" &&
	ok "a missing --output is a usage error (100)" || bad "missing --output: status $rc"

# --- No name known in advance is opened next to the output. build.sh used to
# pack into OUTPUT.tmp.PID (pack_cpio adding .list, .names, .sorted, .cpio),
# where another user can plant symlinks. It is started stopped here, so its
# PID is known before it runs, and symlinks to a victim wait at all those names.
mkdir "$T/plant"
echo precious >"$T/victim"
sh -c 'kill -STOP $$ && exec "$@"' sh "$BUILD_SH" --config "$conf" --agent "$agent" \
	--makedumpfile "$mdf" --output "$T/plant/p.img" >"$T/plant.log" 2>&1 &
pid=$!
n=0
while [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != T ] && [ "$n" -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
for x in '' .list .names .sorted .cpio; do
	ln -s "$T/victim" "$T/plant/p.img.tmp.$pid$x"
done
kill -CONT "$pid"
rc=0
wait "$pid" || rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$T/victim")" = precious ] && cmp -s "$T/a.img" "$T/plant/p.img" &&
	[ "$(find "$T/plant" ! -type l ! -path "$T/plant" | wc -l)" = 1 ]; then
	ok "build.sh follows no symlink planted at a predictable temporary name, and leaves nothing"
else
	bad "planted symlinks: status $rc, victim '$(cat "$T/victim")', in $T/plant: $(ls -A "$T/plant")," \
		"log: $(cat "$T/plant.log")"
fi
# tests/qemu/lib.sh packs the QEMU tests' first initramfs: it used OUT.list
# and the like next to OUT.
mkdir "$T/qlib"
for x in .list .names .sorted .cpio; do
	ln -s "$T/victim" "$T/qlib/first.img$x"
done
echo 'not a kernel' >"$T/qlib/vmlinuz"
rc=0
# shellcheck disable=SC2016 # expanded by the inner sh
QEMU_LIB_REPO=$REPO WORK=$T/qlib sh -c '. "$QEMU_LIB_REPO/tests/qemu/lib.sh" &&
	CAPTURE_KERNEL=$1 && build_first_initrd "$2" "$3" "$4"' \
	sh "$T/qlib/vmlinuz" "$conf" "$T/a.img" "$T/qlib/first.img" >"$T/qlib.log" 2>&1 || rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$T/victim")" = precious ] && gzip -t "$T/qlib/first.img" &&
	[ "$(find "$T/qlib" ! -type l ! -path "$T/qlib" | sort | tr '\n' ' ')" = "$T/qlib/first.img $T/qlib/vmlinuz " ]; then
	ok "tests/qemu/lib.sh build_first_initrd follows no planted symlink, and leaves nothing"
else
	bad "tests/qemu/lib.sh build_first_initrd: status $rc, victim '$(cat "$T/victim")'," \
		"in $T/qlib: $(ls -A "$T/qlib"), log: $(cat "$T/qlib.log")"
fi

# --- lib.sh on its own, as the QEMU tests use it: another binary, another DEST.
rc=0
(
	# shellcheck source-path=SCRIPTDIR/../.. source=initramfs/lib.sh
	. "$REPO/initramfs/lib.sh"
	mkdir "$T/st"
	add_binary_with_libs "$T/st" "$(command -v cpio)" /opt/x/cpio
) >"$T/lib.log" 2>&1 || rc=$?
"$interp" --list "$(command -v cpio)" |
	awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }' >"$T/cpio.ldd"
echo "$interp" >>"$T/cpio.ldd"
LC_ALL=C sort -u "$T/cpio.ldd" >"$T/cpio.expected"
(cd "$T/st" && find . -type f | sed 's|^\.||' | grep -vx /opt/x/cpio | LC_ALL=C sort) >"$T/cpio.got"
if [ "$rc" = 0 ] && [ -x "$T/st/opt/x/cpio" ] && cmp -s "$T/cpio.expected" "$T/cpio.got"; then
	ok "add_binary_with_libs STAGING cpio /opt/x/cpio adds exactly $(tr '\n' ' ' <"$T/cpio.got")"
else
	bad "add_binary_with_libs for cpio (status $rc, $(cat "$T/lib.log")): got $(cat "$T/cpio.got")"
fi

# --- The real agent answers what /init asks of it.
if [ "$agent" = "$REPO/build/dumpagent" ]; then
	for key in FINAL_ACTION FAILURE_ACTION; do
		v=$("$agent" config get "$key" --config "$conf" 2>&1) || v="failed: $v"
		case $v in
		reboot | poweroff | halt | shell) ok "dumpagent config get $key --config ... prints '$v'" ;;
		*) bad "dumpagent config get $key: '$v'" ;;
		esac
	done
else
	bad "build/dumpagent is not built: its 'config get' was not checked"
fi

# --- The scripts themselves.
for f in "$REPO/initramfs/init" "$REPO/initramfs/bench" "$REPO/initramfs/build.sh" "$REPO/initramfs/lib.sh"; do
	for sh in dash "/bin/busybox sh"; do
		$sh -n "$f" && ok "$sh -n ${f#"$REPO"/}" || bad "$sh -n ${f#"$REPO"/} failed"
	done
done
[ "$(head -n 1 "$REPO/initramfs/init")" = "#!/bin/sh" ] && ok "/init starts with #!/bin/sh" ||
	bad "/init's first line is not #!/bin/sh"

finish
