#!/bin/sh
# tests/shell/test-probe.sh: the agent's superblock reader agrees with blkid.
set -eu
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
AGENT=$REPO/build/dumpagent
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0
[ -x "$AGENT" ] || { echo "not ok - $AGENT missing: run make"; exit 1; }
for tool in blkid mkfs.ext4 mkfs.xfs mkfs.vfat; do
	command -v "$tool" >/dev/null || { echo "not ok - $tool missing (e2fsprogs, xfsprogs, dosfstools)"; exit 1; }
done

check() {
	name=$1
	shift
	img=$T/$name.img
	rm -f "$img"
	truncate -s "$size" "$img"
	"$@" "$img" >/dev/null 2>&1 || { echo "not ok - $name: $* failed"; failed=1; return; }
	want="$img: TYPE=$(blkid -s TYPE -o value "$img") UUID=$(blkid -s UUID -o value "$img") LABEL=$(blkid -s LABEL -o value "$img")"
	got=$("$AGENT" probe "$img" 2>&1) || true
	if [ "$got" = "$want" ]; then
		echo "ok - $name: $got"
	else
		echo "not ok - $name: agent says '$got', blkid says '$want'"
		failed=1
	fi
}

size=64M
check ext2 mkfs.ext2 -q -F -L two
check ext3 mkfs.ext3 -q -F -L three
check ext4 mkfs.ext4 -q -F -L dumps
check ext4-nolabel mkfs.ext4 -q -F
check fat16 mkfs.vfat -F 16 -n FAT16LBL
check fat32 mkfs.vfat -F 32 -n FAT32LBL
check fat-nolabel mkfs.vfat -F 32
size=400M
check xfs mkfs.xfs -q -f -L xdumps

# Unknown content must not be taken for a filesystem.
truncate -s 1M "$T/zero.img"
if out=$("$AGENT" probe "$T/zero.img"); then
	echo "not ok - zeros recognised as a filesystem: $out"
	failed=1
elif [ "$out" = "$T/zero.img: no known filesystem" ]; then
	echo "ok - zeros: $out"
else
	echo "not ok - zeros: unexpected output '$out'"
	failed=1
fi
exit "$failed"
