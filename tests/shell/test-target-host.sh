#!/bin/sh
# tests/shell/test-target-host.sh: "dumpagent capture" refuses an uncertain target through --sys-block and --dev-dir.
#
# The refusals themselves are unit-tested (tests/unit/test_target.c); this
# proves the command line reaches them: a fake sysfs whose disk node is a
# regular file, not the block device sysfs names, and a missing sysfs.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/agent-prologue.sh
. "$REPO/tests/shell/agent-prologue.sh"

python3 "$REPO/tests/fixtures/mkvmcore.py" "$T/vmcore" || die "mkvmcore.py failed"
echo "console=ttyS0" >"$T/cmdline"
printf 'TARGET=UUID=1234\nFSTYPE=ext4\n' >"$T/conf"
mkdir -p "$T/block/vdz" "$T/dev" || die "mkdir $T/block/vdz failed"
echo 253:0 >"$T/block/vdz/dev"
: >"$T/dev/vdz"

capture() { # capture SYS_BLOCK: sets rc and out
	out=$("$AGENT" capture --config "$T/conf" --vmcore "$T/vmcore" --cmdline "$T/cmdline" \
		--clock 1795372830 --wait 0 --sys-block "$1" --dev-dir "$T/dev" 2>&1)
	rc=$?
}

# expect WHAT MESSAGE: exit 4 (refused), the refusal line, the outcome line.
expect() {
	if [ "$rc" = 4 ] && printf '%s\n' "$out" | grep -qxF "dumpagent: $2; nothing was written" &&
		printf '%s\n' "$out" | grep -qx 'dumpagent: outcome: refused: nothing written'; then
		ok "$1"
	else
		bad "$1: rc=$rc, output:
$out"
	fi
}

capture "$T/block"
expect "a node that is not the block device is refused" \
	"no filesystem with UUID=1234 found after 0 s; block devices seen: vdz (No such device)"
capture "$T/none"
expect "no sysfs: refused" "open $T/none: No such file or directory"
finish
