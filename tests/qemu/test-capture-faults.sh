#!/bin/sh
# tests/qemu/test-capture-faults.sh: no disk, a full disk, no makedumpfile, a planted symlink.
#
# Each case runs the whole panic cycle and asserts the outcome on the console
# and what is (and is not) on the disk afterwards.
set -eu
. "$(dirname -- "$0")/lib.sh"
summary=

outcome() { # CASE OUTCOME-TEXT STATUS
	tr -d '\r' <"$SERIAL" | grep -q "^dumpagent: outcome: $2\$" ||
		fail "$1: no 'outcome: $2' on the console"
	grep -q "dumpagent-init: capture failed with exit status $3" "$SERIAL" ||
		fail "$1: the agent did not exit with status $3"
	summary="$summary $1"
}

crash_dir() { img_ls "$DISK" "$1" | awk '{ print $NF }' | grep -Ev '^\.\.?$' | grep . | LC_ALL=C sort; }

# 1. No disk at all: waits, then refuses; nothing to write on.
qemu_setup fault-no-disk
DISK_ARGS=none panic_scenario
grep "^dumpagent: " "$SERIAL" | grep -qF "no filesystem with UUID=$DISK_UUID found after 30 s; block devices seen: none; nothing was written" ||
	fail "no-disk: no refusal naming the missing disk"
outcome no-disk "refused: nothing written" 4

# 2. A disk too small for the dump: dmesg and the log kept, the partial dump removed.
qemu_setup fault-small-disk
DISK=$WORK/disk.img
make_disk "$DISK" ext4 "$DISK_UUID" 12M
# zlib: with lzo (the default) the 12 MB disk fills before the first progress tick.
DISK_ARGS="-drive file=$DISK,if=virtio,format=raw" panic_scenario MIN_FREE_MB=1 COMPRESSION=zlib
outcome small-disk "dmesg-only (no space)" 2
dir=$(crash_dir /var/crash)
files=$(crash_dir "/var/crash/$dir" | tr '\n' ' ')
case $files in
"dmesg.$dir dumpagent.log linux-image-"*"-$dir.crash summary.$dir.json summary.$dir.txt ") ;;
*) fail "small-disk: /var/crash/$dir holds '$files'" ;;
esac
# Which phase the disk fills in depends on the host's speed: any phase's
# line counts here (test-capture-host checks the copying phase's time left).
tr -d '\r' <"$SERIAL" | grep -Eq '^dumpagent: progress: dump: [a-z ]+ [0-9]+%, [0-9.]+ MiB written, [0-9.]+ MiB/s(, [0-9]+ s left)?$' ||
	fail "small-disk: no progress line (phase, percent, MiB written, MiB/s) while the disk filled"
report=$(echo "$files" | tr ' ' '\n' | grep '\.crash$')
img_get "$DISK" "/var/crash/$dir/$report" "$WORK/report.crash" || fail "small-disk: cannot read the report"
keys=$(python3 "$REPO/tests/fixtures/read_crash.py" "$WORK/report.crash") || fail "small-disk: the report does not decode"
! printf '%s\n' "$keys" | grep -q '^VmCore \|^VmCorePath ' || fail "small-disk: the report names a dump that is not there: $keys"
printf '%s\n' "$keys" | grep -q '^VmCoreDmesg ' || fail "small-disk: the report has no VmCoreDmesg: $keys"

# 3. makedumpfile missing from the initramfs: the agent's own gzipped vmcore.
qemu_setup fault-no-makedumpfile
QEMU_MEM=512M INITRD_ARGS=--without-makedumpfile DISK_ARGS='' panic_scenario
outcome no-makedumpfile "fallback (unfiltered vmcore, gzipped)" 3
dir=$(crash_dir /var/crash)
files=$(crash_dir "/var/crash/$dir" | tr '\n' ' ')
case $files in
"dumpagent.log linux-image-"*"-$dir.crash summary.$dir.json summary.$dir.txt vmcore.$dir.gz ") ;;
*) fail "no-makedumpfile: /var/crash/$dir holds '$files'" ;;
esac
# shellcheck disable=SC2046 # the fields are words
set -- $(img_stat "$DISK" "/var/crash/$dir/vmcore.$dir.gz")
[ "$*" = "regular 0600 0" ] || fail "no-makedumpfile: the fallback core is '$*'"
img_get "$DISK" "/var/crash/$dir/vmcore.$dir.gz" "$WORK/vmcore.gz" || fail "cannot read the fallback core"
[ "$(gzip -dc "$WORK/vmcore.gz" | head -c 4 | od -An -c | tr -d ' ')" = 177ELF ] ||
	fail "no-makedumpfile: the fallback core is not a gzipped ELF file"
report=$(echo "$files" | tr ' ' '\n' | grep '\.crash$')
img_get "$DISK" "/var/crash/$dir/$report" "$WORK/report.crash" || fail "no-makedumpfile: cannot read the report"
path=$(python3 "$REPO/tests/fixtures/read_crash.py" "$WORK/report.crash" VmCorePath) ||
	fail "no-makedumpfile: the report has no VmCorePath"
[ "$path" = "/var/crash/$dir/vmcore.$dir.gz" ] || fail "no-makedumpfile: VmCorePath is '$path'"

# 4. /var/crash planted as a symlink on the target: never followed, nothing written.
qemu_setup fault-symlink
DISK=$WORK/disk.img
make_disk "$DISK" ext4 "$DISK_UUID"
debugfs -w -R "mkdir /etc" "$DISK" >/dev/null 2>&1
debugfs -w -R "mkdir /var" "$DISK" >/dev/null 2>&1
debugfs -w -R "symlink /var/crash /etc" "$DISK" >/dev/null 2>&1
img_ls "$DISK" /var | grep -q crash || fail "symlink: could not plant /var/crash"
DISK_ARGS="-drive file=$DISK,if=virtio,format=raw" panic_scenario
grep "^dumpagent: " "$SERIAL" | grep -qF "open /var/crash (at 'crash') on /mnt/target without following links: Symbolic link loop" ||
	fail "symlink: no refusal naming the link"
outcome symlink "failed: nothing saved" 1
[ -z "$(crash_dir /etc)" ] || fail "symlink: something was written through the link into /etc: $(crash_dir /etc)"

TEST_NAME=capture-faults
pass "$summary"
