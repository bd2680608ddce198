#!/bin/sh
# tests/shell/test-build-deb.sh: scripts/build-deb.sh fails when any stage of copying the tree fails.
#
# Runs the script in a small git repository of its own, with a stand-in
# dpkg-buildpackage that only writes a .deb and notes that it ran. sh has no
# pipefail: a copy made as "git ls-files | tar -c | tar -x" hid the failure of
# the first two stages, and a partial tree was packaged.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
need git git

mkdir -p "$T/bin" "$T/repo/scripts" "$T/repo/debian"
cat >"$T/bin/dpkg-buildpackage" <<'EOS'
#!/bin/sh
echo "$(pwd)" >>"$FAKE_RAN"
echo "$*" >>"$FAKE_RAN.args"
arch=amd64
[ "$1" != --host-arch ] || arch=$2
echo deb >../dumpagent_0.1.0_$arch.deb
EOS
printf '#!/bin/sh\nexit 0\n' >"$T/bin/dh"
chmod +x "$T/bin/dpkg-buildpackage" "$T/bin/dh"
cp "$REPO/scripts/build-deb.sh" "$T/repo/scripts/"
echo "a file of the package" >"$T/repo/README.md"
echo "rules" >"$T/repo/debian/rules"
if ! { git -C "$T/repo" init -q && git -C "$T/repo" add -A &&
	git -C "$T/repo" -c user.name=test -c user.email=test@example.org commit -q -m tree; }; then
	die "cannot make the test repository"
fi
export FAKE_RAN="$T/ran"

# run NAME [PATH prefix [ARG...]]: runs the script; status in $rc, stdout in $T/NAME.out, stderr in $T/NAME.err.
run() {
	rm -f "$FAKE_RAN" "$FAKE_RAN.args"
	rc=0
	n=$1 p=${2:-}
	shift $(($# < 2 ? $# : 2))
	PATH=${p:+$p:}$T/bin:$PATH sh "$T/repo/scripts/build-deb.sh" --out "$T/deb-$n" "$@" \
		>"$T/$n.out" 2>"$T/$n.err" || rc=$?
}
leftovers() { find "$T/deb-$1" -maxdepth 1 -name '.copy.*' | wc -l; }
# copy_failed NAME: run NAME failed as a failed copy, before dpkg-buildpackage ran.
copy_failed() {
	[ "$rc" = 1 ] && grep -q "cannot copy the tree from $T/repo" "$T/$1.err" && [ ! -f "$FAKE_RAN" ]
}
# failing_tool DIR TOOL ARG MESSAGE STATUS: DIR/TOOL fails when given ARG, else runs the real TOOL.
failing_tool() {
	mkdir "$1"
	cat >"$1/$2" <<EOS
#!/bin/sh
case " \$* " in *" $3 "*) echo "$4" >&2; exit $5 ;; esac
exec $(command -v "$2") "\$@"
EOS
	chmod +x "$1/$2"
}

run good
if [ "$rc" = 0 ] && [ "$(tail -n 1 "$T/good.out")" = "$T/deb-good/dumpagent_0.1.0_amd64.deb" ] &&
	cmp -s "$T/repo/README.md" "$T/deb-good/src/dumpagent/README.md" &&
	cmp -s "$T/repo/debian/rules" "$T/deb-good/src/dumpagent/debian/rules" &&
	[ "$(leftovers good)" = 0 ]; then
	ok "a whole tree is copied and built; no temporary files are left"
else
	bad "a plain build: status $rc, $(cat "$T/good.out" "$T/good.err")"
fi

# A tracked file that is gone: tar -c cannot read it.
mv "$T/repo/README.md" "$T/README.md.away"
run gone
if copy_failed gone && [ "$(leftovers gone)" = 0 ]; then
	ok "a file that tar cannot read fails the build before dpkg-buildpackage"
else
	bad "a tracked file missing: status $rc, dpkg-buildpackage $( [ -f "$FAKE_RAN" ] && echo ran || echo "did not run"): $(cat "$T/gone.err")"
fi
mv "$T/README.md.away" "$T/repo/README.md"

# git ls-files fails: before, tar archived an empty list and an empty tree was built.
failing_tool "$T/badgit" git ls-files "git: ls-files: simulated failure" 128
run nolist "$T/badgit"
if copy_failed nolist; then
	ok "a failing git ls-files fails the build before dpkg-buildpackage"
else
	bad "git ls-files failing: status $rc, dpkg-buildpackage $( [ -f "$FAKE_RAN" ] && echo ran || echo "did not run"): $(cat "$T/nolist.err")"
fi

# tar -x fails (a full or read-only disk): the last stage, also seen before.
failing_tool "$T/badtar" tar -xf "tar: simulated write error" 2
run noext "$T/badtar"
if copy_failed noext; then
	ok "a failing tar -x fails the build before dpkg-buildpackage"
else
	bad "tar -x failing: status $rc: $(cat "$T/noext.err")"
fi
# --arch arm64: nothing is built without the arm64 kernel and root, which are
# copied in; dpkg-buildpackage cross-builds.
run noarm '' --arch arm64
if [ "$rc" = 1 ] && [ ! -f "$FAKE_RAN" ] &&
	grep -q "no arm64 capture kernel in $T/repo/build/capture-arm64: run make capture-kernel ARCH=arm64" "$T/noarm.err"; then
	ok "--arch arm64 without build/capture-arm64 stops before dpkg-buildpackage"
else
	bad "--arch arm64 without its kernel: status $rc: $(cat "$T/noarm.err")"
fi
echo /build/ >"$T/repo/.gitignore" # as in the project: only the explicit copies bring build/ in
mkdir -p "$T/repo/build/capture-arm64" "$T/repo/build/arm64/root/bin"
for f in vmlinuz vmlinuz.builtin config release .stamp; do echo "$f" >"$T/repo/build/capture-arm64/$f"; done
run noroot '' --arch arm64
if [ "$rc" = 1 ] && [ ! -f "$FAKE_RAN" ] && grep -q "no arm64 root in $T/repo/build/arm64/root" "$T/noroot.err"; then
	ok "--arch arm64 without build/arm64/root stops before dpkg-buildpackage"
else
	bad "--arch arm64 without its root: status $rc: $(cat "$T/noroot.err")"
fi
echo "busybox-static 1" >"$T/repo/build/arm64/root/packages"
echo busybox >"$T/repo/build/arm64/root/bin/busybox"
run arm '' --arch arm64
if [ "$rc" = 0 ] && [ "$(tail -n 1 "$T/arm.out")" = "$T/deb-arm/dumpagent_0.1.0_arm64.deb" ] &&
	[ "$(cat "$FAKE_RAN.args")" = "--host-arch arm64 -us -uc -b" ] &&
	cmp -s "$T/repo/build/capture-arm64/.stamp" "$T/deb-arm/src/dumpagent/build/capture-arm64/.stamp" &&
	cmp -s "$T/repo/build/arm64/root/bin/busybox" "$T/deb-arm/src/dumpagent/build/arm64/root/bin/busybox"; then
	ok "--arch arm64 copies the arm64 kernel and root in and runs dpkg-buildpackage --host-arch arm64"
else
	bad "--arch arm64: status $rc, args '$(cat "$FAKE_RAN.args" 2>/dev/null)': $(cat "$T/arm.out" "$T/arm.err")"
fi
run badarch '' --arch riscv64
if [ "$rc" = 100 ] && [ ! -f "$FAKE_RAN" ]; then
	ok "--arch takes only arm64 (exit status 100)"
else
	bad "--arch riscv64: status $rc"
fi
finish
