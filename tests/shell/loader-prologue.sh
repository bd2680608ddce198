# tests/shell/loader-prologue.sh: the opening of the loader's shell tests (test-loader*.sh).
#
# Sourced after the test has set REPO. Sources lib.sh (T, failed, ok, bad,
# check, same, need, die, finish) and fake-target.sh (the fake running
# system), sets LOADER, AGENT and P (the loader's name in its messages),
# needs dash, busybox, truncate and mkfs.ext4, and ends the test when the
# agent is not built.
# shellcheck shell=sh disable=SC2034 # the variables are the caller's
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
# shellcheck source=tests/shell/fake-target.sh
. "$REPO/tests/shell/fake-target.sh"
LOADER=$REPO/scripts/load-crashkernel.sh
AGENT=$REPO/build/dumpagent
P=load-crashkernel
need dash dash
need busybox busybox-static
need truncate coreutils
need mkfs.ext4 e2fsprogs
[ -x "$AGENT" ] || die "$AGENT missing: run make"
