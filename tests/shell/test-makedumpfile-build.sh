#!/bin/sh
# tests/shell/test-makedumpfile-build.sh: scripts/build-makedumpfile.sh builds the pinned source package through apt-get source, statically, else fetches the pinned binary package, else warns and builds nothing.
#
# No network and no upstream source: a local deb-src repository (file:)
# holds a stand-in source package makedumpfile 1:1.7.6-1, a small C program
# whose Makefile takes makedumpfile's knobs (LINKTYPE, USELZO, USEZSTD,
# USESNAPPY) and links zlib, lzo2 and zstd, with a Debian patch that marks
# its -v output. apt, dpkg-source and make then do what they do with
# Debian's real package (the real build is what "make makedumpfile" does
# where the mirror serves it; this network's mirror answers 404). The
# stand-in's -v says which knobs reached it, so the static link, lzo, zstd
# and Debian's patch are checked on what the script built. Then the cases
# where there is no source: no deb-src entry, a file the mirror does not
# have, a tampered orig tarball that apt refuses (hash sum mismatch), and
# --offline: with no binary package either (an empty local repository as
# MAKEDUMPFILE_BINARY_SOURCES), each gives one warning naming the cause and
# the fix, status 0, and no makedumpfile (not even an older one). Last, the
# binary package (scripts/fetch-makedumpfile.sh): a stand-in .deb in a local
# repository is fetched when the source cannot be had, kept while it stays
# out of reach, kept by --offline, refused at another version, and replaced
# by the static build once the source is there.
# ok and bad only print, so "COND && ok ... || bad ..." is an if-else:
# shellcheck disable=SC2015
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
B=$REPO/scripts/build-makedumpfile.sh

need cc gcc
need make make
need readelf binutils
need file file
need apt-get apt
need dpkg-source dpkg-dev
need dpkg-scansources dpkg-dev
need dpkg-scanpackages dpkg-dev
need dpkg-deb dpkg
need ldd libc-bin
for a in libdw libelf libz liblzma libbz2 liblzo2 libzstd; do
	[ -f "/usr/lib/x86_64-linux-gnu/$a.a" ] ||
		die "/usr/lib/x86_64-linux-gnu/$a.a is missing: run scripts/bootstrap.sh (the static -dev packages)"
done

# --- The stand-in source package, in a local repository.
P=$T/repo
U=$T/makedumpfile-1.7.6
mkdir -p "$P" "$U"
cat >"$U/makedumpfile.c" <<'EOF'
/* makedumpfile.c: a stand-in that says which of makedumpfile's knobs it was built with. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#ifdef USELZO
#include <lzo/lzo1x.h>
#endif
#ifdef USEZSTD
#include <zstd.h>
#endif
#ifndef PATCHED
#define PATCHED "no"
#endif

int main(int argc, char **argv)
{
	const char *lzo = "disabled", *zstd = "disabled";

	if (argc < 2 || strcmp(argv[1], "-v") != 0)
		return 2;
#ifdef USELZO
	if (lzo_init() == LZO_E_OK)
		lzo = "enabled";
#endif
#ifdef USEZSTD
	if (ZSTD_versionNumber() > 0)
		zstd = "enabled";
#endif
	printf("makedumpfile: version 1.7.6 (released on 23 Oct 2024)\n");
	printf("zlib\t%s\nlzo\t%s\nzstd\t%s\npatched\t%s\n", zlibVersion(), lzo, zstd, PATCHED);
	return 0;
}
EOF
# .RECIPEPREFIX: the recipe line needs no tab.
cat >"$U/Makefile" <<'EOF'
.RECIPEPREFIX = >
LIBS = -lz
ifeq ($(LINKTYPE), static)
LDFLAGS += -static
endif
ifeq ($(USELZO), on)
CFLAGS += -DUSELZO
LIBS += -llzo2
endif
ifeq ($(USEZSTD), on)
CFLAGS += -DUSEZSTD
LIBS += -lzstd
endif
ifeq ($(USESNAPPY), on)
CFLAGS += -DUSESNAPPY
LIBS += -lsnappy
endif
makedumpfile: makedumpfile.c
> $(CC) $(CFLAGS) $(LDFLAGS) -o $@ makedumpfile.c $(LIBS)
EOF
(cd "$T" && tar -czf makedumpfile_1.7.6.orig.tar.gz makedumpfile-1.7.6)
mkdir -p "$U/debian/source" "$U/debian/patches"
echo '3.0 (quilt)' >"$U/debian/source/format"
printf 'makedumpfile (1:1.7.6-1) unstable; urgency=medium\n\n  * Stand-in.\n\n -- T <t@example.org>  Wed, 23 Oct 2024 00:00:00 +0000\n' \
	>"$U/debian/changelog"
printf 'Source: makedumpfile\nMaintainer: T <t@example.org>\n\nPackage: makedumpfile\nArchitecture: any\nDescription: x\n x\n' \
	>"$U/debian/control"
# Debian's patch: dpkg-source -x must apply it.
cat >"$U/debian/patches/mark.patch" <<'EOF'
Description: marks the build as patched
--- a/makedumpfile.c
+++ b/makedumpfile.c
@@ -10,7 +10,7 @@
 #include <zstd.h>
 #endif
 #ifndef PATCHED
-#define PATCHED "no"
+#define PATCHED "yes"
 #endif
 
 int main(int argc, char **argv)
EOF
echo mark.patch >"$U/debian/patches/series"
(cd "$T" && dpkg-source -b makedumpfile-1.7.6 && mv makedumpfile_1.7.6* "$P/") >"$T/dsc.log" 2>&1 ||
	die "dpkg-source -b failed: $(cat "$T/dsc.log")"
(cd "$P" && dpkg-scansources . /dev/null >Sources) 2>"$T/scan.log" || die "dpkg-scansources failed: $(cat "$T/scan.log")"

# apt_conf NAME SOURCES-LINE: an apt configuration of its own, updated.
apt_conf() {
	A=$T/apt-$1
	mkdir -p "$A/parts" "$A/prefs" "$A/lists/partial" "$A/cache/archives/partial"
	echo "$2" >"$A/sources.list"
	cat >"$A/apt.conf" <<EOF
Dir::Etc::SourceList "$A/sources.list";
Dir::Etc::SourceParts "$A/parts";
Dir::Etc::PreferencesParts "$A/prefs";
Dir::State::Lists "$A/lists";
Dir::Cache "$A/cache";
APT::Sandbox::User "$(id -un)";
EOF
	APT_CONFIG=$A/apt.conf apt-get update -q >"$T/update-$1.log" 2>&1 ||
		die "apt-get update for $1 failed: $(cat "$T/update-$1.log")"
}
apt_conf local "deb-src [trusted=yes] file:$P ./"
apt_conf none "# no deb-src entry"

# binary_repo DIR VERSION-SAID: a flat repository holding makedumpfile
# 1:1.7.6-1, a dynamic stand-in whose -v says VERSION-SAID; with no
# VERSION-SAID, an empty one. [trusted=yes]: no signing key here (the real
# one is checked against the Debian archive key).
binary_repo() {
	mkdir -p "$1"
	if [ $# = 2 ]; then
		r=$T/binpkg-$2
		mkdir -p "$r/DEBIAN" "$r/usr/bin"
		printf '#include <stdio.h>\nint main(void) { puts("makedumpfile: version %s (released on 23 Oct 2024)"); return 0; }\n' "${2%%-*}" >"$T/bin.c"
		# VERSION-nolib: linked with a library that is not installed here.
		case $2 in
		*-nolib)
			echo 'int absent_here(void) { return 0; }' >"$T/absent.c"
			cc -shared -fPIC -o "$T/libabsent.so" "$T/absent.c" || die "cannot build libabsent.so"
			printf 'int absent_here(void);\nstatic int (*keep)(void) = absent_here;\n' >>"$T/bin.c"
			cc -o "$r/usr/bin/makedumpfile" "$T/bin.c" -Wl,--no-as-needed -L"$T" -labsent ||
				die "cannot compile the binary stand-in"
			rm -f "$T/libabsent.so" ;;
		*) cc -o "$r/usr/bin/makedumpfile" "$T/bin.c" || die "cannot compile the binary stand-in" ;;
		esac
		printf 'Package: makedumpfile\nVersion: 1:1.7.6-1\nArchitecture: %s\nMaintainer: T <t@example.org>\nDescription: x\n x\n' \
			"$(dpkg --print-architecture)" >"$r/DEBIAN/control"
		dpkg-deb --root-owner-group -b "$r" "$1/makedumpfile_1.7.6-1.deb" >"$T/deb.log" 2>&1 ||
			die "dpkg-deb -b failed: $(cat "$T/deb.log")"
	fi
	(cd "$1" && dpkg-scanpackages . /dev/null >Packages) 2>"$T/scanp.log" ||
		die "dpkg-scanpackages failed: $(cat "$T/scanp.log")"
}
binary_repo "$T/binempty"
binary_repo "$T/binrepo" 1.7.6
binary_repo "$T/binwrong" 1.7.5
binary_repo "$T/binnolib" 1.7.6-nolib
# A .deb that is not the one the index names (a byte added): apt refuses it.
binary_repo "$T/bintampered" 1.7.6
printf 'x' >>"$T/bintampered/makedumpfile_1.7.6-1.deb"
MAKEDUMPFILE_BINARY_SOURCES="deb [trusted=yes] file:$T/binempty ./"
export MAKEDUMPFILE_BINARY_SOURCES

# run NAME APT ARGS...: the script with apt configuration APT; status in $rc, output in $T/NAME.log.
run() {
	name=$1 conf=$2
	shift 2
	rc=0
	APT_CONFIG=$T/apt-$conf/apt.conf "$B" "$@" >"$T/$name.log" 2>&1 || rc=$?
}

run build local --out "$T/out"
M=$T/out/makedumpfile
check "the build succeeds" "$rc" "$(cat "$T/build.log")"
[ -x "$M" ] || die "no $M: $(cat "$T/build.log")"
grep -q "^build-makedumpfile: building makedumpfile 1.7.6 from Debian's source package makedumpfile 1:1.7.6-1" \
	"$T/build.log" && ok "the source came through apt-get source and dpkg-source -x" ||
	bad "not built from apt-get source: $(cat "$T/build.log")"
grep -q warning "$T/build.log" && bad "a warning on a good build: $(cat "$T/build.log")" || ok "no warning on a good build"

# --- Static: no ELF interpreter, and file(1) agrees.
LC_ALL=C readelf -lW "$M" | grep -q 'Requesting program interpreter' &&
	bad "$M has a PT_INTERP: $(readelf -lW "$M" | grep interpreter)" || ok "no PT_INTERP"
case $(file -b "$M") in
*"statically linked"*) ok "file(1): statically linked" ;;
*) bad "file(1) says: $(file -b "$M")" ;;
esac

# --- What reached the build: lzo and zstd on, Debian's patch applied.
"$M" -v >"$T/v" 2>&1 || :
same "makedumpfile -v, first line" "makedumpfile: version 1.7.6 (released on 23 Oct 2024)" "$(head -n 1 "$T/v")"
grep -qx 'lzo	enabled' "$T/v" && ok "lzo enabled" || bad "lzo is not enabled: $(cat "$T/v")"
grep -qx 'zstd	enabled' "$T/v" && ok "zstd enabled" || bad "zstd is not enabled: $(cat "$T/v")"
grep -qx 'patched	yes' "$T/v" && ok "Debian's patch is applied" || bad "Debian's patch is not applied: $(cat "$T/v")"

# --- Built-Using: the pinned source and the sources of the static archives.
lzo_src=$(dpkg-query -f '${source:Package} (= ${source:Version})' -W liblzo2-dev)
grep -qxF 'makedumpfile (= 1:1.7.6-1)' "$T/out/built-using" && grep -qxF "$lzo_src" "$T/out/built-using" &&
	ok "built-using names makedumpfile 1:1.7.6-1 and $lzo_src" ||
	bad "built-using: $(cat "$T/out/built-using")"

# --- The second run is a no-op (the stamp), and keeps the binary; so is --offline.
before=$(sha256sum <"$M")
run again local --out "$T/out"
if [ "$rc" = 0 ] && grep -q "is up to date" "$T/again.log" && [ "$(sha256sum <"$M")" = "$before" ]; then
	ok "a second run with the same pin does nothing"
else
	bad "second run: status $rc, $(cat "$T/again.log")"
fi
run offline-kept none --out "$T/out" --offline
[ "$rc" = 0 ] && grep -q "is up to date" "$T/offline-kept.log" && [ -x "$M" ] &&
	ok "--offline keeps an up-to-date build" || bad "--offline with a build: status $rc, $(cat "$T/offline-kept.log")"

# no_source NAME CAUSE FIX [NOBINARY]: run NAME gave status 0, the one
# warning with CAUSE (a pattern) and FIX, and no makedumpfile in $T/NAME.
# With NOBINARY (a pattern), the fetch of the binary failed first with it:
# its error line, then the warning that says so.
FALLBACK="the capture initramfs gets Debian 12's makedumpfile 1.7.2 with its libraries, which says \"The kernel version is not supported\" on Debian 12's kernel"
no_source() {
	check "$1: status 0" "$rc" "$(cat "$T/$1.log")"
	fb=$FALLBACK want=''
	if [ $# = 4 ]; then
		fb="nor trixie's binary (above); $FALLBACK"
		want="fetch-makedumpfile: error: $4
"
	fi
	# The cause is a pattern (apt's own words around the file's name).
	# shellcheck disable=SC2027,SC2254
	case $(cat "$T/$1.log") in
	$want"build-makedumpfile: warning: no static makedumpfile 1:1.7.6-1: "$2"; $fb; $3") ok "$1: one warning, with the cause and the fix" ;;
	*) bad "$1: not the warning with '$2' and '$3': $(cat "$T/$1.log")" ;;
	esac
	[ ! -e "$T/$1/makedumpfile" ] && [ ! -e "$T/$1/work" ] && [ ! -e "$T/$1/apt" ] && [ ! -e "$T/$1/fetch" ] &&
		ok "$1: no makedumpfile, no work tree" ||
		bad "$1: left $(ls -A "$T/$1")"
}
# stale NAME: an older build in $T/NAME, which must not survive.
stale() { mkdir -p "$T/$1" && cp "$M" "$T/$1/makedumpfile" && echo 'an older pin' >"$T/$1/.stamp"; }

# --- No deb-src entry (the host has none of its own here, or has trixie's).
stale noentry
run noentry none --out "$T/noentry"
if [ -f /etc/apt/sources.list.d/dumpagent-trixie-src.sources ]; then
	fix="run apt-get update as root (for the deb-src entry /etc/apt/sources.list.d/dumpagent-trixie-src.sources), then make makedumpfile"
else
	fix="run scripts/bootstrap.sh as root (it adds trixie's deb-src entry, /etc/apt/sources.list.d/dumpagent-trixie-src.sources), then make makedumpfile"
fi
# apt says "Unable to locate package makedumpfile", or "Version ... was
# not found" when the host's dpkg has another version installed.
NOBIN="apt-get download (deb \[trusted=yes\] file:$T/binempty ./) failed: *makedumpfile*"
no_source noentry "no deb-src entry offers it (apt-cache showsrc makedumpfile has no version 1:1.7.6-1)" "$fix" "$NOBIN"

# --- The mirror lacks a file the index names (this network's 404).
APTFIX="make the deb-src entry's mirror serve Debian's makedumpfile source, then run make makedumpfile"
mv "$P/makedumpfile_1.7.6-1.debian.tar.xz" "$T/debian.tar.xz"
run missing local --out "$T/missing"
no_source missing "apt-get source makedumpfile=1:1.7.6-1 failed: Failed to fetch file:$P/./makedumpfile_1.7.6-1.debian.tar.xz *File not found*" "$APTFIX" "$NOBIN"

# --- The source still missing, and the binary package there: fetched.
MAKEDUMPFILE_BINARY_SOURCES="deb [trusted=yes] file:$T/binrepo ./"
stale binary
run binary local --out "$T/binary"
check "binary: status 0" "$rc" "$(cat "$T/binary.log")"
D=$T/binary
grep -q "^build-makedumpfile: no static makedumpfile 1:1.7.6-1: apt-get source makedumpfile=1:1.7.6-1 failed: .*; using Debian trixie's binary makedumpfile 1:1.7.6-1 (dynamic, with its libraries) instead$" \
	"$T/binary.log" && ok "binary: says why and what it uses" || bad "binary: $(cat "$T/binary.log")"
grep -q warning "$T/binary.log" && bad "binary: a warning: $(cat "$T/binary.log")" || ok "binary: no warning"
cmp -s "$D/makedumpfile" "$T/binpkg-1.7.6/usr/bin/makedumpfile" && ok "binary: the package's makedumpfile, unchanged" ||
	bad "binary: $D/makedumpfile is not the package's"
same "binary: the stamp" "1:1.7.6-1 binary" "$(cat "$D/.stamp" 2>/dev/null)"
glibc=$(dpkg-query -f '${source:Package} (= ${source:Version})' -W "libc6:$(dpkg --print-architecture)")
grep -qxF 'makedumpfile (= 1:1.7.6-1)' "$D/built-using" && grep -qxF "$glibc" "$D/built-using" &&
	ok "binary: built-using names makedumpfile 1:1.7.6-1 and $glibc" || bad "binary: built-using: $(cat "$D/built-using" 2>&1)"
[ ! -e "$D/apt" ] && [ ! -e "$D/fetch" ] && [ ! -e "$D/work" ] && ok "binary: no apt state or work tree left" ||
	bad "binary: left $(ls -A "$D")"

# Kept while the source stays out of reach (the repository gone: no fetch), and by --offline.
MAKEDUMPFILE_BINARY_SOURCES="deb [trusted=yes] file:$T/binempty ./"
run binary-kept local --out "$D"
[ "$rc" = 0 ] && grep -q "; keeping Debian trixie's binary makedumpfile 1:1.7.6-1 (dynamic, with its libraries) in $D\$" "$T/binary-kept.log" &&
	cmp -s "$D/makedumpfile" "$T/binpkg-1.7.6/usr/bin/makedumpfile" && ok "binary: kept when the source is still missing" ||
	bad "binary kept: status $rc, $(cat "$T/binary-kept.log")"
# --offline (the package build) keeps it, and writes its Built-Using again
# with the library versions installed now (a stale entry goes).
echo 'glibc (= 0-stale)' >>"$D/built-using"
run binary-offline none --out "$D" --offline
[ "$rc" = 0 ] && grep -qx "build-makedumpfile: $D/makedumpfile is up to date (Debian trixie's binary makedumpfile 1:1.7.6-1, dynamic)" "$T/binary-offline.log" &&
	[ -x "$D/makedumpfile" ] && ok "binary: --offline keeps it" || bad "binary --offline: status $rc, $(cat "$T/binary-offline.log")"
! grep -q 'stale' "$D/built-using" && grep -qxF "$glibc" "$D/built-using" && grep -qxF 'makedumpfile (= 1:1.7.6-1)' "$D/built-using" &&
	ok "binary: --offline names the libraries installed now" || bad "binary --offline: built-using: $(cat "$D/built-using")"

# Another version inside the package: refused, nothing installed.
MAKEDUMPFILE_BINARY_SOURCES="deb [trusted=yes] file:$T/binwrong ./"
run binwrong-out local --out "$T/binwrong-out"
no_source binwrong-out "apt-get source makedumpfile=1:1.7.6-1 failed: *" "$APTFIX" \
	"usr/bin/makedumpfile of makedumpfile_1%3a1.7.6-1_$(dpkg --print-architecture).deb -v says 'makedumpfile: version 1.7.5 (released on 23 Oct 2024)', not version 1.7.6"
# A library the binary needs is not installed here: refused before use.
MAKEDUMPFILE_BINARY_SOURCES="deb [trusted=yes] file:$T/binnolib ./"
run binnolib-out local --out "$T/binnolib-out"
no_source binnolib-out "apt-get source makedumpfile=1:1.7.6-1 failed: *" "$APTFIX" \
	"usr/bin/makedumpfile of makedumpfile_1%3a1.7.6-1_$(dpkg --print-architecture).deb does not run with this machine's libraries: *libabsent.so*"
# A tampered .deb: apt's hash check against the index refuses it.
MAKEDUMPFILE_BINARY_SOURCES="deb [trusted=yes] file:$T/bintampered ./"
run bintampered-out local --out "$T/bintampered-out"
no_source bintampered-out "apt-get source makedumpfile=1:1.7.6-1 failed: *" "$APTFIX" \
	"apt-get download (deb \[trusted=yes\] file:$T/bintampered ./) failed: *Hash Sum mismatch*"
MAKEDUMPFILE_BINARY_SOURCES="deb [trusted=yes] file:$T/binempty ./"

# The source back: the static build replaces the binary.
mv "$T/debian.tar.xz" "$P/makedumpfile_1.7.6-1.debian.tar.xz"
run binary-static local --out "$D"
check "binary then source: status 0" "$rc" "$(cat "$T/binary-static.log")"
case $(file -b "$D/makedumpfile") in
*"statically linked"*) ok "binary then source: the static build replaced it" ;;
*) bad "binary then source: $(file -b "$D/makedumpfile"): $(cat "$T/binary-static.log")" ;;
esac
same "binary then source: the stamp" "$(cat "$T/out/.stamp")" "$(cat "$D/.stamp")"

# --- A tampered orig tarball: apt refuses it before anything is built.
printf 'x' >>"$P/makedumpfile_1.7.6.orig.tar.gz"
stale tampered
run tampered local --out "$T/tampered"
no_source tampered "apt-get source makedumpfile=1:1.7.6-1 failed: Failed to fetch file:$P/./makedumpfile_1.7.6.orig.tar.gz *Hash Sum mismatch*" "$APTFIX" "$NOBIN"

# --- --offline without a build: the package build's case.
run offline none --out "$T/offline" --offline
no_source offline "--offline (the package build fetches no source) and no up-to-date build in $T/offline" \
	"run make makedumpfile before the package build (make deb does, and copies it)"

rc=0
"$B" --out >"$T/usage.log" 2>&1 || rc=$?
same "--out without a value: status 100" 100 "$rc"
same "--out without a value: the error" \
	"build-makedumpfile: --out needs a value; see scripts/build-makedumpfile.sh --help" "$(cat "$T/usage.log")"
finish
