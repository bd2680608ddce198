#!/bin/sh
# tests/qemu/test-target-refusals.sh: when the target disk is not certain, nothing is written.
#
# Each case runs the whole panic cycle with a disk set-up the agent must
# refuse, and asserts the exact refusal on the console and untouched disks.
set -eu
. "$(dirname -- "$0")/lib.sh"
OTHER_UUID=0dd0aa11-1111-4222-8333-444455556666
summary=

sum() { sha256sum "$1" | cut -d' ' -f1; }

expect_refusal() { # CASE MESSAGE
	grep "^dumpagent: " "$SERIAL" | grep -qF "$2" || fail "$1: no refusal '$2' on the console"
	grep -q "dumpagent: outcome: refused: nothing written" "$SERIAL" || fail "$1: no 'outcome: refused' on the console"
	grep -q "dumpagent-init: capture failed with exit status 4" "$SERIAL" || fail "$1: the agent did not exit 4 (refused)"
	grep -q "dumpagent-init: final action: poweroff" "$SERIAL" || fail "$1: the failure action did not run"
	summary="$summary $1"
}

# 1. No disk holds the UUID: waits, lists what it saw, writes nothing.
qemu_setup refuse-no-match
make_disk "$WORK/a.img" ext4 "$OTHER_UUID"
before=$(sum "$WORK/a.img")
DISK_ARGS="-drive file=$WORK/a.img,if=virtio,format=raw" panic_scenario
expect_refusal no-match "no filesystem with UUID=$DISK_UUID found after 30 s; block devices seen: vda (ext4 UUID=$OTHER_UUID LABEL=dumptest); nothing was written"
[ "$(sum "$WORK/a.img")" = "$before" ] || fail "no-match: the disk was modified"

# 2. Two disks share the UUID: refuses to guess.
qemu_setup refuse-duplicate
make_disk "$WORK/a.img" ext4 "$DISK_UUID"
cp "$WORK/a.img" "$WORK/b.img"
before=$(sum "$WORK/a.img")
DISK_ARGS="-drive file=$WORK/a.img,if=virtio,format=raw -drive file=$WORK/b.img,if=virtio,format=raw" panic_scenario
grep -qE "dumpagent: UUID=$DISK_UUID matches 2 devices \((vda, vdb|vdb, vda)\): refusing to guess which one to write; nothing was written" "$SERIAL" ||
	fail "duplicate: no 'matches 2 devices' refusal on the console"
expect_refusal duplicate "refusing to guess which one to write"
[ "$(sum "$WORK/a.img")" = "$before" ] && [ "$(sum "$WORK/b.img")" = "$before" ] ||
	fail "duplicate: a disk was modified"

# 3. The UUID is there but on another filesystem type.
qemu_setup refuse-fstype
make_disk "$WORK/a.img" xfs "$DISK_UUID" 320M
before=$(sum "$WORK/a.img")
DISK_ARGS="-drive file=$WORK/a.img,if=virtio,format=raw" panic_scenario
expect_refusal fstype "UUID=$DISK_UUID on vda is xfs, but FSTYPE is ext4: refusing to write; nothing was written"
[ "$(sum "$WORK/a.img")" = "$before" ] || fail "fstype: the disk was modified"

# 4. Less free space than MIN_FREE_MB once mounted: no crash directory created.
qemu_setup refuse-minfree
DISK_ARGS='' panic_scenario MIN_FREE_MB=1000
expect_refusal minfree "MiB free on /mnt/target, below MIN_FREE_MB=1000; nothing was written"
if img_ls "$DISK" /var/crash | grep -q .; then
	fail "minfree: /var/crash was created: $(img_ls "$DISK" /var/crash)"
fi

TEST_NAME=target-refusals
pass "refused, writing nothing:$summary"
