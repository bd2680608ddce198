#!/bin/sh
# tests/qemu/test-system-md.sh: the .deb on a Debian 12 guest whose root is on md RAID1 over two disks: boots from the array, arms itself (the small kernel), crashes, is captured into /var/crash on the array, reboots from it, lists the dump.
#
# The disks are what Debian's installer makes for a root on RAID1: vda and
# vdb each have one partition (type fd), the members of md0 (metadata 1.2,
# name HOST:0), which holds the ext4 root. The host has no md driver, so a
# first guest boot (tests/qemu/raid-make as init=, root on a third disk,
# the plain root image) makes the array with mdadm (--assume-clean) and
# stops it; the host then writes the same root image into each member's
# data area (at the Data Offset that mdadm chose), which is what a RAID1
# holds after a resync. The root filesystem is the cached rootfs
# (system-rootfs.sh) with bookworm's mdadm package (its .deb from apt,
# installed with apt in the rootfs: it is not in system-rootfs.sh's
# INCLUDE) and the package, and mdadm.conf names the array as the
# installer writes it; initramfs-tools' trigger in that install puts mdadm
# in the guest's own initramfs, which assembles md0 and mounts the root from it.
#
# In the guest (raid-guest): the package's service arms at boot with the
# shipped configuration (TARGET=auto, CAPTURE_MODE=auto, which must take
# the small kernel: md_mod and raid1 are built in); sysrq-c; the small
# capture kernel finds both members by the array's UUID, assembles them,
# writes the dump into /var/crash on the root array and reboots
# (FINAL_ACTION=reboot); the guest boots from the array again and
# "dumpagent list" must show the dump complete. The host then reads the
# dump back from each member's data area alone (debugfs, makedumpfile
# --dump-dmesg) and compares the members' superblocks (mdadm --examine).
# Environment: RAID_TIMEOUT (seconds for the system VM run, default 1500).
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup system-md
RAID_TIMEOUT=${RAID_TIMEOUT:-1500}
RUUID=6d2f8a14-3c5e-4b7a-9f10-8e2d4c6b1a3f
MDUUID=8c1e5a2d:3f4b6c7e:9a0d1b2c:4e5f6a7b
ROOT=$WORK/root
A=$WORK/a.img
B=$WORK/b.img
RIMG=$WORK/root.img
R=/var/lib/raid-test

deb=$(find "$BUILD/deb" -maxdepth 1 -name 'dumpagent_*_amd64.deb' 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no $BUILD/deb/dumpagent_*_amd64.deb: run make deb"
for tool in debootstrap mkfs.ext4 debugfs makedumpfile sfdisk mdadm apt-get python3; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run sh scripts/bootstrap.sh test"
done

# --- bookworm's mdadm, as a .deb: apt's cache, else apt-get download (the
# rootfs is bookworm, as this host must be for the other tests' tools)
mdadm_deb=$(find /var/cache/apt/archives -maxdepth 1 -name 'mdadm_*_amd64.deb' 2>/dev/null | sort -V | tail -n 1)
if [ -z "$mdadm_deb" ]; then
	(cd "$WORK" && apt-get download mdadm >"$WORK/download.log" 2>&1) ||
		fail "apt-get download mdadm failed: $(cat "$WORK/download.log")"
	mdadm_deb=$(find "$WORK" -maxdepth 1 -name 'mdadm_*_amd64.deb' | head -n 1)
fi
[ -n "$mdadm_deb" ] || fail "no mdadm .deb"

# --- the rootfs, with mdadm and the package installed as an admin would
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
echo dumpagent-raid >"$ROOT/etc/hostname"
# mdadm.conf as the installer leaves it; its hook copies it into the initramfs.
mkdir -p "$ROOT/etc/mdadm"
cat >"$ROOT/etc/mdadm/mdadm.conf" <<-EOF
	HOMEHOST <system>
	MAILADDR root
	ARRAY /dev/md/0 metadata=1.2 UUID=$MDUUID name=dumpagent-raid:0
EOF
# The root's fstab before the install, as the installer leaves it:
# initramfs-tools' hooks (fsck) read it when apt's trigger makes the initramfs.
echo "UUID=$RUUID / ext4 errors=remount-ro 0 1" >"$ROOT/etc/fstab"
cp "$mdadm_deb" "$ROOT/tmp/${mdadm_deb##*/}"
cp "$deb" "$ROOT/tmp/${deb##*/}"
in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"/tmp/${mdadm_deb##*/}" "/tmp/${deb##*/}" >"$WORK/install.log" 2>&1 ||
	fail "apt-get install of ${mdadm_deb##*/} and ${deb##*/} in the rootfs failed: $(tail -n 30 "$WORK/install.log")"
rm -f "$ROOT/tmp/${mdadm_deb##*/}" "$ROOT/tmp/${deb##*/}"
grep -q '^TARGET=auto$' "$ROOT/etc/dumpagent.conf" && grep -q '^CAPTURE_MODE=auto$' "$ROOT/etc/dumpagent.conf" ||
	fail "the package's /etc/dumpagent.conf is not TARGET=auto, CAPTURE_MODE=auto"
in_root systemd-machine-id-setup >/dev/null 2>&1 || fail "systemd-machine-id-setup failed"
echo "$MDUUID" >"$ROOT/etc/raid-test-array-uuid"
install -m 0755 "$REPO/tests/qemu/raid-make" "$ROOT/usr/local/sbin/raid-make"
guest_unit "$ROOT" raid-guest "dumpagent md RAID1 root test (crash, list)"
mkdir -p "$ROOT$R"
# The guest's initramfs: apt's install of mdadm above ran initramfs-tools'
# trigger (update-initramfs -u) with mdadm.conf and fstab in place; what is
# written since (machine id, hostname's unit, the guest's scripts) is not
# read by its hooks, so it is not made a second time.
rootfs_boot_files "$ROOT"
in_root lsinitramfs "/boot/${initrd##*/}" >"$WORK/initrd.list" 2>&1 || fail "lsinitramfs $initrd failed: $(cat "$WORK/initrd.list")"
grep -q '^update-initramfs: Generating ' "$WORK/install.log" ||
	fail "apt's install of mdadm made no initramfs: $(grep -i initramfs "$WORK/install.log")"
for f in usr/sbin/mdadm etc/mdadm/mdadm.conf scripts/local-block/mdadm; do
	grep -qx "$f" "$WORK/initrd.list" || fail "the first initramfs has no $f: $(grep -i initramfs "$WORK/install.log")"
done
grep -q 'raid1\.ko' "$WORK/initrd.list" || fail "the first initramfs has no raid1 module"

# --- the root image; the member disks, a partition each with room for it
size_mb=$(($(du -sm "$ROOT" | cut -f1) + 768))
truncate -s "${size_mb}M" "$RIMG"
mkfs.ext4 -q -F -U "$RUUID" -L root -d "$ROOT" "$RIMG" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"
for disk in "$A" "$B"; do
	truncate -s "$((size_mb + 1 + 64))M" "$disk"
	echo 'start=2048, type=fd' | sfdisk -q "$disk" >/dev/null || fail "sfdisk $disk failed"
done

# --- boot 1: the array made in the guest (raid-make), then the root image
# written into both members' data areas
start=$(date +%s)
timeout --foreground -k 5 600 qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 -m 1G -nographic \
	-no-reboot -serial "file:$SERIAL" -kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" \
	-append "console=ttyS0 root=/dev/vdc ro init=/usr/local/sbin/raid-make" \
	-drive "file=$A,if=virtio,format=raw" -drive "file=$B,if=virtio,format=raw" \
	-drive "file=$RIMG,if=virtio,format=raw,readonly=on" </dev/null >"$WORK/qemu.out" 2>&1 ||
	fail "the array-making VM failed or timed out: $(cat "$WORK/qemu.out")"
tr -d '\r' <"$SERIAL" >"$WORK/serial-make.txt"
echo "array made in the guest: $(($(date +%s) - start)) s"
grep -q 'RAID-MAKE: made' "$WORK/serial-make.txt" ||
	fail "the guest did not make the array: $(grep 'RAID-MAKE' "$WORK/serial-make.txt" | tail -n 5)"
off=$(sed -n 's/^RAID-MAKE: examine: *Data Offset : \([0-9]*\) sectors$/\1/p' "$WORK/serial-make.txt")
bytes=$(sed -n 's/^RAID-MAKE: array bytes: \([0-9]*\)$/\1/p' "$WORK/serial-make.txt")
[ -n "$off" ] && [ -n "$bytes" ] || fail "no Data Offset or array size: $(grep 'RAID-MAKE' "$WORK/serial-make.txt")"
[ "$bytes" -ge "$(wc -c <"$RIMG")" ] || fail "the array ($bytes bytes) is smaller than the root image"
for disk in "$A" "$B"; do
	dd if="$RIMG" of="$disk" bs=4M seek="$(((2048 + off) * 512))" oflag=seek_bytes conv=notrunc,sparse status=none ||
		fail "cannot write the root image into $disk"
done
rm -f "$RIMG"
echo "disks: vda1 and vdb1, md RAID1 $MDUUID (metadata 1.2, data offset $off sectors, $bytes bytes) > ext4 root $RUUID"

# --- boot 2: the system, from the array: arms, crashes, the capture
# reboots it, it lists and powers off
: >"$SERIAL"
append="console=ttyS0 root=UUID=$RUUID ro crashkernel=128M"
echo "booting: $append"
start=$(date +%s)
timeout --foreground -k 5 "$RAID_TIMEOUT" qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 -m 1G \
	-nographic -serial "file:$SERIAL" -kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" -append "$append" \
	-drive "file=$A,if=virtio,format=raw" -drive "file=$B,if=virtio,format=raw" </dev/null >"$WORK/qemu.out" 2>&1 &
qemu=$!
MARKS="RAID-TEST: first boot|RAID-TEST: armed|sysrq: Trigger a crash|dump written|RAID-TEST: second boot|RAID-TEST: powering off"
: >"$WORK/times"
# A first initramfs that cannot assemble the array or find the root waits
# at the console: stop it at once.
STUCK="ALERT! |Dropping to a shell|Gave up waiting for root"
while kill -0 "$qemu" 2>/dev/null; do
	if tr -d '\r' <"$SERIAL" | grep -qE "$STUCK"; then
		kill "$qemu" 2>/dev/null || :
		fail "the first initramfs did not boot from the array: $(tr -d '\r' <"$SERIAL" | grep -E "$STUCK" | head -n 3)"
	fi
	stamp_marks
	sleep 1
done
rc=0
wait "$qemu" || rc=$?
tr -d '\r' <"$SERIAL" >"$WORK/serial.txt"
echo "VM: $(($(date +%s) - start)) s"
case $rc in 124 | 137) fail "the VM did not power off within $RAID_TIMEOUT s" ;; esac
[ "$rc" = 0 ] || fail "qemu exited with status $rc: $(cat "$WORK/qemu.out")"

# --- the host: each member alone, its superblock and its data area
for m in a b; do
	dd if="$WORK/$m.img" of="$WORK/$m.part" bs=1M skip=1 status=none
	mdadm --examine "$WORK/$m.part" >"$WORK/examine-$m.txt" 2>&1 ||
		fail "mdadm --examine member $m: $(cat "$WORK/examine-$m.txt")"
	dd if="$WORK/$m.part" of="$WORK/fs-$m.img" bs=512 skip="$off" status=none
	rm -f "$WORK/$m.part"
done
img_get "$WORK/fs-a.img" "$R/results" "$WORK/results" || fail "the guest wrote no results ($R/results on member a)"

# --- the first boot: from the array, armed by the package on its own
grep -q "RAID-TEST: first boot" "$WORK/serial.txt" || fail "the guest did not boot from the array"
block stack | grep -Eq '^md0 +raid1 +ext4 +/$' || fail "the root is not ext4 on md0 (raid1): $(block stack)"
grep -q 'RAID-TEST: FAILED' "$WORK/serial.txt" &&
	fail "the guest failed: $(grep 'RAID-TEST: FAILED' "$WORK/serial.txt"); loader: $(block journal-first | grep '^load-crashkernel' | tail -n 3)"
[ "$(rc_of status-first)" = 0 ] || fail "not armed at boot: $(block status-first)"
block journal-first | grep '^load-crashkernel: mode: ' | tail -n 1 |
	grep -qx "load-crashkernel: mode: auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk md_mod raid1 ext4" ||
	fail "CAPTURE_MODE=auto did not take the small kernel for md raid1: $(block journal-first | grep 'mode:')"
block status-first | grep -q "^mode: .*small" || fail "the loaded mode is not small: $(block status-first)"
stack=$(block status-first | grep '^on:') || fail "dumpagent status has no 'on:' line: $(block status-first)"
echo "$stack" | grep -Eq '^on: +ext4 on md0 \(raid1, 2 members\) on vd[ab]1, vd[ab]1$' ||
	fail "dumpagent status does not show ext4 on md0 on vda1 and vdb1: $stack"
block loaded | grep -q "dumpagent\.md=$(echo "$MDUUID" | tr -d :),raid1,2" ||
	fail "the loaded command line does not record array $MDUUID (raid1, 2 members): $(block loaded)"
echo "status: $stack; $(block journal-first | grep '^load-crashkernel: mode: ' | tail -n 1)"

# --- the capture, by the small kernel, through the array
grep -q 'sysrq: Trigger a crash' "$WORK/serial.txt" || fail "the first kernel did not crash"
sed -n '/sysrq: Trigger a crash/,$p' "$WORK/serial.txt" | grep -q 'Linux version 6\.1\.[0-9]* (dumpagent@dumpagent)' ||
	fail "the capture kernel that booted is not the small one: $(sed -n '/sysrq: Trigger a crash/,$p' "$WORK/serial.txt" | grep 'Linux version')"
check_captured_once "RAID-TEST: second boot"
grep -q "md array assembled as /dev/md127 from 2 members" "$WORK/serial.txt" ||
	fail "the agent did not assemble the array: $(grep 'md' "$WORK/serial.txt" | grep dumpagent | tail -n 5)"
grep -q "stopped md127" "$WORK/serial.txt" || fail "the agent did not stop the array"

# --- the second boot, from the array again: dumpagent list shows the dump
check_listed_dump

# --- each member alone holds the dump the guest listed
for m in a b; do
	img_get "$WORK/fs-$m.img" "/var/crash/$id/dump.$id" "$WORK/dump-$m" || fail "no /var/crash/$id/dump.$id on member $m"
	check_read_back "$WORK/dump-$m" "on member $m"
done
echo "both members hold $id ($(wc -c <"$WORK/dump-a") bytes, sha256 $(block dump-sha256 | cut -d' ' -f1))"

# --- the members' superblocks: in sync, or the array marked for resync
field() { sed -n "s/^ *$1 : *//p" "$WORK/examine-$2.txt" | head -n 1; }
[ "$(field 'Array UUID' a)" = "$MDUUID" ] && [ "$(field 'Array UUID' b)" = "$MDUUID" ] ||
	fail "the members are not of array $MDUUID: $(field 'Array UUID' a), $(field 'Array UUID' b)"
[ "$(field Events a)" = "$(field Events b)" ] || fail "the members' events differ: $(field Events a), $(field Events b)"
sync=
for m in a b; do
	state=$(field State "$m")
	case $state in
	clean) sync="$sync $m: clean, in sync;" ;;
	active) grep -q 'Resync Offset' "$WORK/examine-$m.txt" || fail "member $m is active and not marked for resync"
		sync="$sync $m: marked for resync at $(field 'Resync Offset' "$m");" ;;
	*) fail "member $m: State '$state'" ;;
	esac
done
if cmp -s "$WORK/fs-a.img" "$WORK/fs-b.img"; then data="identical"; else data="not identical"; fi
echo "members after the run: events $(field Events a) on both;$sync data areas $data"
rm -f "$WORK/fs-a.img" "$WORK/fs-b.img"

armed=$(at "RAID-TEST: armed") panicked=$(at "sysrq: Trigger a crash") second=$(at "RAID-TEST: second boot")
echo "timeline (host clock, TCG): boot to armed $((armed - start)) s, panic to second boot $((second - panicked)) s"
pass "$id: root on md0 (RAID1 $MDUUID over vda1 and vdb1), armed at boot in the small kernel's mode, captured into /var/crash on the array, listed after the reboot from it, read back from each member alone"
