#!/bin/sh
# tests/shell/test-run-prune.sh: tests/run removes the big files a passing QEMU test wrote under build/test, and keeps a failing test's, an earlier test's and the small ones.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"

# A checkout of two QEMU tests, each writing 2 MB and a small log, and one
# earlier test's 2 MB file.
mkdir -p "$T/tests/qemu" "$T/build/test/old"
cp "$REPO/tests/run" "$T/tests/run"
head -c 2000000 /dev/zero >"$T/build/test/old/big"
touch -d '1 hour ago' "$T/build/test/old/big"
printf 'mkdir -p build/test/%s && head -c 2000000 /dev/zero >build/test/%s/big && echo log >build/test/%s/log && exit %s\n' \
	p p p 0 >"$T/tests/qemu/test-pass.sh"
printf 'mkdir -p build/test/%s && head -c 2000000 /dev/zero >build/test/%s/big && echo log >build/test/%s/log && exit %s\n' \
	f f f 1 >"$T/tests/qemu/test-fail.sh"

out=$(cd "$T" && sh tests/run qemu/test-pass qemu/test-fail 2>&1)
if [ ! -e "$T/build/test/p/big" ] && [ -e "$T/build/test/p/log" ] && [ -e "$T/build/test/f/big" ] &&
	[ -e "$T/build/test/old/big" ]; then
	ok "the passing test's big file removed; its log, the failing test's files and the earlier test's kept"
else
	bad "after the run: $(cd "$T/build/test" && find . -type f | sort | tr '\n' ' ')"
fi
case $out in
*"FAIL qemu/test-fail"*"MiB free)"*) ok "the failing test's report says the space left in build/" ;;
*) bad "no free space in the failing test's report: $out" ;;
esac

out=$(cd "$T" && TESTS_KEEP=1 sh tests/run qemu/test-pass 2>&1)
[ -e "$T/build/test/p/big" ] && ok "TESTS_KEEP=1 keeps the passing test's files" ||
	bad "TESTS_KEEP=1: build/test/p/big removed ($out)"
finish
