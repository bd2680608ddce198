#!/bin/sh
# tests/shell/test-debian.sh: static checks of debian/ and the full-system test's scripts.
#
# The package build, lintian and the installed system are judged by
# tests/qemu/test-system-deb.sh; this checks what needs no build: the scripts
# pass shellcheck and dash -n, the unit has what the package promises, every
# lintian override gives its reason, and the versions agree.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
D=$REPO/debian
failed=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; failed=1; }
command -v shellcheck >/dev/null || { echo "not ok - shellcheck is missing"; exit 1; }

SCRIPTS="$D/dumpagent.postinst $D/dumpagent.postrm $REPO/scripts/build-deb.sh
$REPO/tests/qemu/system-rootfs.sh $REPO/tests/qemu/system-guest $REPO/tests/qemu/test-system-deb.sh
$REPO/tests/shell/test-loader-regen.sh $REPO/tests/shell/test-debian.sh"
# shellcheck disable=SC2086 # a list of paths without blanks
if out=$(cd "$REPO" && shellcheck -x $SCRIPTS 2>&1); then ok "shellcheck is clean"; else bad "shellcheck: $out"; fi
for f in $SCRIPTS; do
	dash -n "$f" || bad "dash -n ${f#"$REPO"/}"
done

# unit KEY=VALUE: the line is in dumpagent.service
unit() {
	if grep -qxF "$1" "$D/dumpagent.service"; then ok "dumpagent.service: $1"; else bad "dumpagent.service lacks '$1'"; fi
}
unit Type=oneshot
unit RemainAfterExit=yes
unit After=local-fs.target
unit ExecStart=/usr/sbin/load-crashkernel
unit "ExecStart=/usr/sbin/dumpagent gc"
unit "ExecReload=/usr/sbin/load-crashkernel"
unit "ExecStop=/usr/sbin/load-crashkernel --unload --if-valid"
unit WantedBy=multi-user.target

# Every override follows a comment that says why.
awk '/^#/ { why = 1; next } /^[^#]/ && NF { if (!why) { print FILENAME ": " $0 }; next } { why = 0 }' \
	"$D"/*.lintian-overrides >"${TMPDIR:-/tmp}/overrides.$$"
if [ -s "${TMPDIR:-/tmp}/overrides.$$" ]; then
	bad "lintian overrides without a reason: $(cat "${TMPDIR:-/tmp}/overrides.$$")"
else
	ok "every lintian override gives its reason"
fi
rm -f "${TMPDIR:-/tmp}/overrides.$$"

deb_version=$(sed -n '1s/^dumpagent (\([^)]*\)).*/\1/p' "$D/changelog")
make_version=$(sed -n 's/^VERSION *:= *//p' "$REPO/Makefile")
if [ "$deb_version" = "$make_version" ]; then
	ok "debian/changelog and the Makefile say version $make_version"
else
	bad "debian/changelog says $deb_version, the Makefile $make_version"
fi
has() { # FILE TEXT WHAT
	if grep -qF "$2" "$1"; then ok "$3"; else bad "${1#"$REPO"/}: $3: no '$2'"; fi
}
has "$D/source/format" '3.0 (native)' "source format 3.0 (native)"
has "$D/control" 'debhelper-compat (= 13)' "debhelper compat 13"
has "$D/control" 'linux-source-6.1' "linux-source-6.1 is a build dependency"
# The installed builder regenerates the initramfs: it needs every file of initramfs/ it reads.
needed=$(grep -o 'IH_DIR/[A-Za-z0-9._-]*' "$REPO/initramfs/build.sh" | sed 's|IH_DIR/||' | sort -u)
for f in $needed; do
	if grep -q "install .*initramfs/$f \$(L)/initramfs/$f\$" "$D/rules"; then
		ok "debian/rules installs initramfs/$f for the builder"
	else
		bad "debian/rules does not install initramfs/$f, which initramfs/build.sh needs"
	fi
done
exit "$failed"
