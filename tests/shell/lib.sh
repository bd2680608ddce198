# shellcheck shell=sh
# tests/shell/lib.sh: what every host shell test shares: a temporary directory, ok/bad/check, prerequisites, the end.
#
# A test begins
#   REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
#   . "$REPO/tests/shell/lib.sh"
# and ends with "finish". Sets T (a temporary directory, removed on exit or on
# a signal) and failed. Every result is one line: "ok - WHAT", or
# "not ok - WHAT: DETAIL" (tests/run shows the log of a failed test whole).
# shellcheck disable=SC2034 # T and failed are the caller's
T=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0" .sh).XXXXXX") || { echo "not ok - mktemp failed"; exit 1; }
trap 'rm -rf -- "$T"' EXIT
trap 'exit 1' HUP INT TERM
failed=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; failed=1; }
# check WHAT STATUS DETAIL: ok when STATUS is 0, else not ok with DETAIL.
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1: $3"; fi; }
# same WHAT EXPECTED GOT: ok when the two are equal, else both are shown.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected
$2
     got
$3"; fi
}
# need TOOL PACKAGE: ends the test (not ok) when TOOL is missing.
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: apt-get install $2"; }
# die WHY: the test cannot go on.
die() { echo "not ok - $*"; exit 1; }
finish() { exit "$failed"; }
