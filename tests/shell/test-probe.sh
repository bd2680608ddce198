#!/bin/sh
# tests/shell/test-probe.sh: the agent's superblock reader agrees with blkid.
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/agent-prologue.sh
. "$REPO/tests/shell/agent-prologue.sh"
need blkid util-linux
need mkfs.ext4 e2fsprogs
need mkfs.xfs xfsprogs
need mkfs.vfat dosfstools

# probe_as_blkid NAME MKFS...: makes NAME.img with MKFS; the agent must say what blkid says.
probe_as_blkid() {
	name=$1
	shift
	img=$T/$name.img
	rm -f "$img"
	truncate -s "$size" "$img"
	"$@" "$img" >/dev/null 2>&1 || { bad "$name: $* failed"; return; }
	want="$img: TYPE=$(blkid -s TYPE -o value "$img") UUID=$(blkid -s UUID -o value "$img") LABEL=$(blkid -s LABEL -o value "$img")"
	got=$("$AGENT" probe "$img" 2>&1) || true
	if [ "$got" = "$want" ]; then
		ok "$name: $got"
	else
		bad "$name: agent says '$got', blkid says '$want'"
	fi
}

size=64M
probe_as_blkid ext2 mkfs.ext2 -q -F -L two
probe_as_blkid ext3 mkfs.ext3 -q -F -L three
probe_as_blkid ext4 mkfs.ext4 -q -F -L dumps
probe_as_blkid ext4-nolabel mkfs.ext4 -q -F
probe_as_blkid fat16 mkfs.vfat -F 16 -n FAT16LBL
probe_as_blkid fat32 mkfs.vfat -F 32 -n FAT32LBL
probe_as_blkid fat-nolabel mkfs.vfat -F 32
size=400M
probe_as_blkid xfs mkfs.xfs -q -f -L xdumps

# Unknown content must not be taken for a filesystem.
truncate -s 1M "$T/zero.img"
if out=$("$AGENT" probe "$T/zero.img"); then
	bad "zeros recognised as a filesystem: $out"
elif [ "$out" = "$T/zero.img: no known filesystem" ]; then
	ok "zeros: $out"
else
	bad "zeros: unexpected output '$out'"
fi
finish
