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
echo deb >../dumpagent_0.1.0_amd64.deb
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

# run NAME [PATH prefix]: runs the script; status in $rc, stdout in $T/NAME.out, stderr in $T/NAME.err.
run() {
	rm -f "$FAKE_RAN"
	rc=0
	PATH=${2:+$2:}$T/bin:$PATH sh "$T/repo/scripts/build-deb.sh" --out "$T/deb-$1" \
		>"$T/$1.out" 2>"$T/$1.err" || rc=$?
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
finish
