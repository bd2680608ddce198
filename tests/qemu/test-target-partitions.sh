#!/bin/sh
# tests/qemu/test-target-partitions.sh: the target found inside a GPT disk, beside a decoy.
#
# Partition 1 holds a vfat filesystem with another id; partition 2 the ext4
# target. The dump must land in partition 2, and partition 1 stay as it was.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup target-partitions
command -v sfdisk >/dev/null || fail "sfdisk is missing: install the Debian package fdisk"

DISK=$WORK/gpt.img
truncate -s 300M "$DISK"
printf 'label: gpt\nsize=40M, type=linux\ntype=linux\n' | sfdisk -q "$DISK" || fail "sfdisk failed"
p1_start=$(sfdisk -d "$DISK" | awk -F'[=,]' '/gpt.img1/ { print $2 + 0 }')
p2_start=$(sfdisk -d "$DISK" | awk -F'[=,]' '/gpt.img2/ { print $2 + 0 }')
p2_size=$(sfdisk -d "$DISK" | awk -F'[=,]' '/gpt.img2/ { print $4 + 0 }')
[ -n "$p1_start" ] && [ -n "$p2_start" ] && [ -n "$p2_size" ] || fail "cannot read the partition table"
mkfs.vfat -n DECOY --offset "$p1_start" "$DISK" 80000 >/dev/null || fail "mkfs.vfat failed"
mkfs.ext4 -q -F -U "$DISK_UUID" -L dumptest -E offset=$((p2_start * 512)) "$DISK" $((p2_size / 2))k ||
	fail "mkfs.ext4 failed"
p1_before=$(dd if="$DISK" bs=512 skip="$p1_start" count=81920 2>/dev/null | sha256sum)

DISK_ARGS="-drive file=$DISK,if=virtio,format=raw" panic_scenario
grep -q "dumpagent: mounted /dev/vda2 (ext4 UUID=$DISK_UUID)" "$SERIAL" ||
	fail "the agent did not mount partition 2 (vda2)"
grep -q "dumpagent: capture complete" "$SERIAL" || fail "the capture did not complete"

dd if="$DISK" of="$WORK/p2.img" bs=512 skip="$p2_start" count="$p2_size" 2>/dev/null
dir=$(img_ls "$WORK/p2.img" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}$')
[ -n "$dir" ] || fail "no dump directory in partition 2"
img_ls "$WORK/p2.img" "/var/crash/$dir" | grep -q "dump.$dir" || fail "no dump in partition 2"
[ "$(dd if="$DISK" bs=512 skip="$p1_start" count=81920 2>/dev/null | sha256sum)" = "$p1_before" ] ||
	fail "the decoy partition 1 was modified"
pass "dump in vda2 (/var/crash/$dir), decoy vda1 untouched"
