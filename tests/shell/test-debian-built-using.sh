#!/bin/sh
# tests/shell/test-debian-built-using.sh: debian/rules' Built-Using, and a failed producer of it fails the build.
#
# Runs debian/rules' override_dh_gencontrol for arm64 and amd64 in a copy
# of the tree, with stand-ins for everything it asks (dpkg-query, dpkg -S,
# the cross compiler, scripts/sysroot-built-using.sh) and a dh_gencontrol
# that records its arguments: the field is the sorted, comma-separated
# list of what they print, and when one of them fails, make fails and
# dh_gencontrol never runs (sh has no pipefail: a producer piped into
# sort would not be seen to fail).
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"

need make make
[ -f /usr/share/dpkg/architecture.mk ] || die "/usr/share/dpkg/architecture.mk not found: apt-get install dpkg-dev"
S=$T/src
mkdir -p "$S/debian" "$S/scripts" "$T/bin" "$T/cross"
cp "$REPO/debian/rules" "$S/debian/rules"
: >"$T/cross/libc.a"
: >"$T/cross/libz.a"

# dpkg-query -f FORMAT -W PACKAGE...: "PACKAGE-src (= 1)" each (the
# architecture qualifier dropped); one named in FAKE_MISSING is not
# installed: said on stderr, status 1, the others printed, as dpkg-query does.
cat >"$T/bin/dpkg-query" <<'EOS'
#!/bin/sh
shift 3
st=0
for p; do
	case " ${FAKE_MISSING:-} " in
	*" $p "*) echo "dpkg-query: no packages found matching $p" >&2; st=1 ;;
	*) echo "${p%%:*}-src (= 1)" ;;
	esac
done
exit "$st"
EOS
# dpkg -S of the stand-in archives; anything else (dpkg-architecture's
# dpkg --print-architecture) to the real dpkg.
cat >"$T/bin/dpkg" <<'EOS'
#!/bin/sh
[ "$1" = -S ] || exec /usr/bin/dpkg "$@"
case $2 in
*/libc.a) echo "libc6-dev-arm64-cross: $2" ;;
*/libz.a) echo "zlib1g-dev:arm64: $2" ;;
*) echo "dpkg-query: no path found matching pattern $2" >&2; exit 1 ;;
esac
EOS
cat >"$T/bin/aarch64-linux-gnu-gcc" <<EOS
#!/bin/sh
echo "$T/cross/\${1#-print-file-name=}"
EOS
cat >"$T/bin/dh_gencontrol" <<EOS
#!/bin/sh
printf '%s\n' "\$@" >"$T/gencontrol.args"
EOS
# Two lines, the first a duplicate of dpkg-query's; FAKE_SYSROOT_FAIL: the
# first line, then status 1 (apt knows no such version).
cat >"$S/scripts/sysroot-built-using.sh" <<'EOS'
#!/bin/sh
echo "linux-source-6.1-src (= 1)"
[ -z "${FAKE_SYSROOT_FAIL:-}" ] || { echo "sysroot-built-using: apt knows no libfoo:arm64 at 1" >&2; exit 1; }
echo "busybox (= 1:1.35.0-4+deb12u1)"
EOS
chmod +x "$T/bin"/* "$S/scripts/sysroot-built-using.sh"

# gencontrol NAME ARCH [VAR=VALUE...]: debian/rules override_dh_gencontrol
# for ARCH; status in $rc, output in $T/NAME.log, dh_gencontrol's arguments
# in $T/gencontrol.args (removed before).
gencontrol() {
	name=$1 arch=$2
	shift 2
	rm -f "$T/gencontrol.args"
	rc=0
	(cd "$S" && env PATH="$T/bin:$PATH" "$@" make -s -f debian/rules override_dh_gencontrol \
		DEB_HOST_ARCH="$arch" DEB_HOST_GNU_TYPE="$([ "$arch" = arm64 ] && echo aarch64-linux-gnu || echo x86_64-linux-gnu)") \
		>"$T/$name.log" 2>&1 || rc=$?
}
args() { tr '\n' '|' <"$T/gencontrol.args" 2>/dev/null; }

gencontrol arm64 arm64
same "arm64: Built-Using of the kernel source, the cross libc and zlib, the sysroot's packages" \
	"0:--|-Vdumpagent:Built-Using=busybox (= 1:1.35.0-4+deb12u1), libc6-dev-arm64-cross-src (= 1), linux-source-6.1-src (= 1), zlib1g-dev-src (= 1)|-Vdumpagent:Depends=makedumpfile|" \
	"$rc:$(args)"

gencontrol arm64-fail arm64 FAKE_SYSROOT_FAIL=1
if [ "$rc" != 0 ] && [ ! -e "$T/gencontrol.args" ] &&
	grep -qxF "sysroot-built-using: apt knows no libfoo:arm64 at 1" "$T/arm64-fail.log" &&
	grep -qxF "debian/rules: Built-Using: a command above failed (its message says why); build/pkg/built-using is incomplete" "$T/arm64-fail.log"; then
	ok "arm64: scripts/sysroot-built-using.sh failing fails the build, before dh_gencontrol"
else
	bad "arm64: scripts/sysroot-built-using.sh failed, yet: status $rc, dh_gencontrol: $(args), log: $(cat "$T/arm64-fail.log")"
fi

gencontrol arm64-nolibc arm64 FAKE_MISSING=libc6-dev-arm64-cross
[ "$rc" != 0 ] && [ ! -e "$T/gencontrol.args" ] && ok "arm64: the cross libc's package unknown to dpkg fails the build" ||
	bad "arm64: dpkg-query failed for libc.a's package, yet: status $rc, dh_gencontrol: $(args)"

gencontrol amd64 amd64
same "amd64 without the static makedumpfile: Built-Using of Debian's, and Depends on it" \
	"0:--|-Vdumpagent:Built-Using=busybox-static-src (= 1), linux-source-6.1-src (= 1), makedumpfile-src (= 1), musl-dev-src (= 1), zlib1g-dev-src (= 1)|-Vdumpagent:Depends=makedumpfile|" \
	"$rc:$(args)"

gencontrol amd64-nobb amd64 FAKE_MISSING=busybox-static
if [ "$rc" != 0 ] && [ ! -e "$T/gencontrol.args" ] &&
	grep -qxF "debian/rules: Built-Using: a command above failed (its message says why); build/pkg/built-using is incomplete" "$T/amd64-nobb.log"; then
	ok "amd64: dpkg-query failing (busybox-static not installed) fails the build, before dh_gencontrol"
else
	bad "amd64: dpkg-query failed for busybox-static, yet: status $rc, dh_gencontrol: $(args), log: $(cat "$T/amd64-nobb.log")"
fi

gencontrol amd64-fail amd64 FAKE_MISSING=makedumpfile
if [ "$rc" != 0 ] && [ ! -e "$T/gencontrol.args" ] &&
	grep -qxF "dpkg-query: no packages found matching makedumpfile" "$T/amd64-fail.log"; then
	ok "amd64: dpkg-query failing (makedumpfile not installed) fails the build, before dh_gencontrol"
else
	bad "amd64: dpkg-query failed, yet: status $rc, dh_gencontrol: $(args), log: $(cat "$T/amd64-fail.log")"
fi

# With the static makedumpfile shipped: its recorded entries, no Depends.
mkdir -p "$S/debian/dumpagent/usr/lib/dumpagent" "$S/build/makedumpfile"
: >"$S/debian/dumpagent/usr/lib/dumpagent/makedumpfile"
printf 'makedumpfile (= 1:1.7.6-1)\nzlib (= 1:1.2.13.dfsg-1)\n' >"$S/build/makedumpfile/built-using"
gencontrol amd64-static amd64
same "amd64 with the static makedumpfile: its recorded Built-Using, no Depends" \
	"0:--|-Vdumpagent:Built-Using=busybox-static-src (= 1), linux-source-6.1-src (= 1), makedumpfile (= 1:1.7.6-1), musl-dev-src (= 1), zlib (= 1:1.2.13.dfsg-1), zlib1g-dev-src (= 1)|-Vdumpagent:Depends=|" \
	"$rc:$(args)"
rm "$S/build/makedumpfile/built-using"
gencontrol amd64-static-fail amd64
[ "$rc" != 0 ] && [ ! -e "$T/gencontrol.args" ] && ok "amd64: the static makedumpfile's built-using missing fails the build" ||
	bad "amd64: build/makedumpfile/built-using missing, yet: status $rc, dh_gencontrol: $(args)"
finish
