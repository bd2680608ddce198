#!/bin/sh
# tests/qemu/test-system-lvm.sh: the .deb on a Debian 12 guest whose /var/crash is on LVM, made in the guest: arming on real dm, captures, a stale mapping refused.
#
# The guest (the cached rootfs of system-rootfs.sh, with lvm2 and xfsprogs,
# the package installed with apt) has its root on vda and two more virtio
# disks: vdb, with one msdos partition, and vdc. Its oneshot unit
# (lvm-guest) runs one phase a boot, chosen by the host; the capture kernel
# reboots, which ends QEMU (-no-reboot), and the host checks the disk images:
#   make   VG dagvg on vdb1 and vdc made with lvm2's tools; ext4 on the
#          linear LV "lin" is the TARGET (UUID=); the package's loader arms
#          (CAPTURE_MODE=auto must take the small kernel: device-mapper is
#          built in, and the agent maps the LV itself)
#          with the mapping that arm_lvm.c read from the live dm table
#          (DM_TABLE_STATUS); crash. The host reads the dump back from the
#          LV's extents (its dm table, tests/qemu/dm_image.py) with debugfs
#          and makedumpfile --dump-dmesg.
#   xfs    the guest lists that dump; xfs on LV "str" (a striped segment
#          over both PVs, then a linear one on vdc) is the TARGET now;
#          re-armed; crash; read back with xfs_db.
#   stale  lvextend: the package's udev rule re-arms with the VG's new seqno;
#          the rule masked, lvextend again: nothing re-arms; crash. The
#          capture must refuse, and every disk image is byte-identical from
#          the panic (the VM stopped through the monitor, the images copied)
#          to the end.
# Environment: LVM_TIMEOUT (seconds for each VM run, default 1200).
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup system-lvm
LVM_TIMEOUT=${LVM_TIMEOUT:-1200}
UUID=2e4f6a8c-1b3d-4e5f-8a7b-9c0d1e2f3a4b
ROOT=$WORK/root
IMG=$WORK/disk.img
B=$WORK/b.img
C=$WORK/c.img
MON=$WORK/monitor.sock
R=/var/lib/lvm-test

deb=$(find "$BUILD/deb" -maxdepth 1 -name 'dumpagent_*_amd64.deb' 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no $BUILD/deb/dumpagent_*_amd64.deb: run make deb"
for tool in debootstrap mkfs.ext4 debugfs xfs_db makedumpfile sfdisk python3; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run sh scripts/bootstrap.sh test"
done

# --- the rootfs with the package, as test-system-deb.sh installs it
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
for t in lvcreate mkfs.xfs dmsetup; do
	[ -x "$ROOT/sbin/$t" ] || [ -x "$ROOT/usr/sbin/$t" ] || fail "the rootfs has no $t (system-rootfs.sh's INCLUDE)"
done
cp "$deb" "$ROOT/tmp/${deb##*/}"
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "/tmp/${deb##*/}" >"$WORK/install.log" 2>&1 ||
	fail "apt-get install of ${deb##*/} in the rootfs failed: $(tail -n 30 "$WORK/install.log")"
rm -f "$ROOT/tmp/${deb##*/}"
grep -q '^TARGET=auto$' "$ROOT/etc/dumpagent.conf" && grep -q '^CAPTURE_MODE=auto$' "$ROOT/etc/dumpagent.conf" ||
	fail "the package's /etc/dumpagent.conf is not TARGET=auto, CAPTURE_MODE=auto"
chroot "$ROOT" systemd-machine-id-setup >/dev/null 2>&1 || fail "systemd-machine-id-setup failed"
echo dumpagent-lvm >"$ROOT/etc/hostname"
echo "UUID=$UUID / ext4 errors=remount-ro 0 1" >"$ROOT/etc/fstab"
guest_unit "$ROOT" lvm-guest "dumpagent LVM test (one phase, then a crash)"
rootfs_boot_files "$ROOT"
mkdir -p "$ROOT$R"
size_mb=$(($(du -sm "$ROOT" | cut -f1) + 768))
truncate -s "${size_mb}M" "$IMG"
mkfs.ext4 -q -F -U "$UUID" -L lvm-root -d "$ROOT" "$IMG" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"
truncate -s 400M "$B" "$C"
echo 'start=2048, type=8e' | sfdisk -q "$B" >/dev/null || fail "sfdisk $B failed"

# --- one VM run: the phase written into the root image, boot, crash, the
# capture, its reboot ends QEMU. SNAP: stop the VM at the panic and copy the
# disk images to *.panic (before the capture kernel's agent ran).
boot() {
	phase=$1
	echo "$phase" >"$WORK/phase"
	debugfs -w -R "rm $R/phase" "$IMG" >/dev/null 2>&1 || :
	debugfs -w -R "write $WORK/phase $R/phase" "$IMG" >/dev/null 2>&1 || fail "cannot write $R/phase"
	: >"$SERIAL"
	rm -f "$WORK"/*.panic
	start=$(date +%s)
	timeout --foreground -k 5 "$LVM_TIMEOUT" qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 \
		-m 1G -nographic -no-reboot -monitor "unix:$MON,server=on,wait=off" -serial "file:$SERIAL" \
		-kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" \
		-append "console=ttyS0 root=UUID=$UUID ro crashkernel=128M" \
		-drive "file=$IMG,if=virtio,format=raw" -drive "file=$B,if=virtio,format=raw" \
		-drive "file=$C,if=virtio,format=raw" </dev/null >"$WORK/qemu.out" 2>&1 &
	qemu=$!
	while kill -0 "$qemu" 2>/dev/null; do
		if [ -n "${SNAP:-}" ] && [ ! -e "$WORK/disk.img.panic" ] && grep -q 'sysrq: Trigger a crash' "$SERIAL"; then
			snapshot
		fi
		sleep 1
	done
	rc=0
	wait "$qemu" || rc=$?
	tr -d '\r' <"$SERIAL" >"$WORK/serial-$phase.txt"
	echo "phase $phase: $(($(date +%s) - start)) s"
	case $rc in 124 | 137) fail "$phase: the VM did not finish within $LVM_TIMEOUT s" ;; esac
	[ "$rc" = 0 ] || fail "$phase: qemu exited with status $rc: $(cat "$WORK/qemu.out")"
	: >"$WORK/changed"
	if [ -e "$IMG.panic" ]; then
		for f in "$IMG" "$B" "$C"; do cmp -s "$f" "$f.panic" || echo "${f##*/}" >>"$WORK/changed"; done
	fi
	# The root filesystem crashed mounted: its journal holds what debugfs
	# would miss, and a later mount would replay it over debugfs's writes.
	e2fsck -y -E journal_only "$IMG" >"$WORK/e2fsck.log" 2>&1 ||
		fail "$phase: e2fsck -E journal_only on the root image failed: $(cat "$WORK/e2fsck.log")"
	img_get "$IMG" "$R/results" "$WORK/results" || fail "$phase: the guest wrote no results"
	grep -q 'LVM-TEST: FAILED' "$WORK/serial-$phase.txt" &&
		fail "$phase: the guest failed: $(grep 'LVM-TEST: FAILED' "$WORK/serial-$phase.txt")"
	grep -q 'sysrq: Trigger a crash' "$WORK/serial-$phase.txt" || fail "$phase: the first kernel did not crash"
}
# The VM stopped at the panic: nothing of the capture kernel's userspace ran
# yet (its /init prints dumpagent-init lines first), so no disk was written.
snapshot() {
	python3 "$REPO/tests/qemu/monitor.py" "$MON" stop >/dev/null || fail "the monitor refused stop"
	if sed -n '/sysrq: Trigger a crash/,$p' "$SERIAL" | grep -q 'dumpagent'; then
		fail "the VM stopped too late: the capture had started"
	fi
	for f in "$IMG" "$B" "$C"; do cp "$f" "$f.panic"; done
	python3 "$REPO/tests/qemu/monitor.py" "$MON" cont >/dev/null || fail "the monitor refused cont"
}
block() { awk -v n="$1" '/^== / { on = ($2 == n); next } on' "$WORK/results"; }
rc_of() { sed -n "s/^== $1 rc=\([0-9]*\)\$/\1/p" "$WORK/results" | tail -n 1; }
# lv_image NAME OUT: the LV whose table the guest recorded as table-NAME.
lv_image() {
	block "table-$1" >"$WORK/table-$1"
	block "devs-$1" >"$WORK/devs-$1"
	python3 "$REPO/tests/qemu/dm_image.py" "$WORK/table-$1" "$WORK/devs-$1" "$2" "vdb=$B" "vdc=$C" ||
		fail "cannot read LV $1 out of the disk images: $(cat "$WORK/table-$1")"
}
# mapping_of NAME: dumpagent.lvm= in the loader's state file (loaded-NAME).
mapping_of() { sed -n 's/.*dumpagent\.lvm=\([^ ]*\).*/\1/p' "$WORK/loaded-$1" | head -n 1; }
# check_captured PHASE LV: the small capture kernel (build.sh stamps its
# builds dumpagent@dumpagent) mapped the LV and completed.
check_captured() {
	sed -n '/sysrq: Trigger a crash/,$p' "$WORK/serial-$1.txt" | grep -q 'Linux version 6\.1\.[0-9]* (dumpagent@dumpagent)' ||
		fail "$1: the capture kernel that booted is not the small one: $(sed -n '/sysrq: Trigger a crash/,$p' "$WORK/serial-$1.txt" | grep 'Linux version')"
	grep -q "dumpagent: capture complete" "$WORK/serial-$1.txt" ||
		fail "$1: no complete capture: $(grep 'dumpagent' "$WORK/serial-$1.txt" | tail -n 5)"
	grep -q "mapping LV dagvg/$2" "$WORK/serial-$1.txt" || fail "$1: the agent did not say it mapped LV dagvg/$2"
}
# check_armed NAME SEGTYPE FSTYPE: status armed in the small kernel's mode
# (auto takes it: dm_mod is in its built-in list), on the LV, with the VG's
# id and seqno recorded (the guest's vgs) and a SEGTYPE segment.
check_armed() {
	[ "$(rc_of "status-$1")" = 0 ] || fail "not armed on LV $1: $(block "status-$1")"
	block "status-$1" | grep -q "^mode: .*small" || fail "the loaded mode is not small: $(block "status-$1")"
	block "status-$1" | grep -q "^on: *[a-z0-9]* on LV dagvg/$1 on " || fail "status names no LV dagvg/$1: $(block "status-$1")"
	block "journal-$1" | grep '^load-crashkernel: mode: ' | tail -n 1 |
		grep -qx "load-crashkernel: mode: auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk dm_mod $3" ||
		fail "CAPTURE_MODE=auto did not take the small kernel for dm_mod: $(block "journal-$1" | grep 'mode:')"
	block "loaded-$1" >"$WORK/loaded-$1"
	set -- "$1" "$2" "$(block "vg-$1" | awk '{ gsub("-", "", $1); print $1 }')" "$(block "vg-$1" | awk '{ print $2 }')"
	case $(mapping_of "$1") in
	"dagvg/$1,$3,$4,"*":$2:"*) ;;
	*) fail "the loaded mapping of $1 is not VG dagvg (id $3, seqno $4) with a $2 segment: $(cat "$WORK/loaded-$1")" ;;
	esac
	echo "$1: $(block "status-$1" | grep '^on:'); $(block "journal-$1" | grep '^load-crashkernel: mode: ' | tail -n 1)"
	echo "$1: dumpagent.lvm=$(mapping_of "$1")"
}
# xfs_get IMG PATH OUT: a regular file of an xfs image, copied extent by
# extent as xfs_db's bmap lists them (no mount: the host may have no xfs).
xfs_get() {
	bs=$(xfs_db -r -c 'sb 0' -c 'print blocksize' "$1" | sed -n 's/^blocksize = //p')
	size=$(xfs_db -r -c "path $2" -c 'print core.size' "$1" | sed -n 's/^core.size = //p')
	[ -n "$bs" ] && [ -n "$size" ] || return 1
	: >"$3"
	xfs_db -r -c "path $2" -c bmap "$1" >"$3.bmap" || return 1
	[ -s "$3.bmap" ] || return 1
	# "data offset O startblock S (AG/B) count C flag F"; F 1: unwritten
	while read -r _ _ off _ fsb _ _ count _ flag; do
		[ "$flag" = 0 ] || return 1
		byte=$(xfs_db -r -c "convert fsb $fsb byte" "$1" | sed -n 's/.*(\([0-9]*\))$/\1/p')
		[ -n "$byte" ] || return 1
		dd if="$1" of="$3" bs="$bs" skip=$((byte / bs)) seek="$off" count="$count" conv=notrunc status=none || return 1
	done <"$3.bmap"
	truncate -s "$size" "$3"
}
# dump_id IMGLS: the dump directory in a listing.
dump_id() { awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1; }

# --- make: ext4 on the linear LV, on the partition
boot make
check_armed lin linear ext4
check_captured make lin
lv_image lin "$WORK/lin.img"
id1=$(img_ls "$WORK/lin.img" /var/crash | dump_id)
[ -n "$id1" ] || fail "no dump directory on LV lin: $(img_ls "$WORK/lin.img" /var/crash)"
img_get "$WORK/lin.img" "/var/crash/$id1/dump.$id1" "$WORK/dump-lin" || fail "no dump.$id1 on LV lin"
check_dump_dmesg "$WORK/dump-lin" "the dump on LV lin"
echo "make: $id1 read back from LV lin (ext4): $(wc -c <"$WORK/dump-lin") bytes"

# --- xfs: the guest sees the first dump; xfs on the striped+linear LV
boot xfs
block sha-lin | grep -q "^$(sha256sum <"$WORK/dump-lin" | cut -d' ' -f1)  /srv/lin/var/crash/$id1/dump.$id1\$" ||
	fail "the guest's dump on LV lin is not the host's: $(block sha-lin)"
check_armed str striped xfs
grep -q ":linear:" "$WORK/loaded-str" || fail "LV str's mapping has no linear segment: $(mapping_of str)"
check_captured xfs str
lv_image str "$WORK/str.img"
id2=$(xfs_db -r -c 'ls /var/crash' "$WORK/str.img" | awk '$NF == "(good)" { print $(NF - 1) }' | dump_id)
[ -n "$id2" ] || fail "no dump directory on LV str: $(xfs_db -r -c 'ls /var/crash' "$WORK/str.img")"
xfs_get "$WORK/str.img" "/var/crash/$id2/dump.$id2" "$WORK/dump-str" || fail "no dump.$id2 on LV str"
check_dump_dmesg "$WORK/dump-str" "the dump on LV str"
echo "xfs: $id2 read back from LV str (xfs): $(wc -c <"$WORK/dump-str") bytes"

# --- stale
SNAP=1 boot stale
block sha-str | grep -q "^$(sha256sum <"$WORK/dump-str" | cut -d' ' -f1)  /srv/str/var/crash/$id2/dump.$id2\$" ||
	fail "the guest's dump on LV str is not the host's: $(block sha-str)"
block loaded-rearmed >"$WORK/loaded-rearmed"
block loaded-stale >"$WORK/loaded-stale"
s1=$(block vg-rearmed | tr -d ' ') s2=$(block vg-stale | tr -d ' ')
vgid=$(block vg-str | awk '{ gsub("-", "", $1); print $1 }')
case $(mapping_of rearmed) in
"dagvg/str,$vgid,$s1,"*) ;;
*) fail "the udev rule's re-arm did not load seqno $s1: $(cat "$WORK/loaded-rearmed")" ;;
esac
[ "$s2" -gt "$s1" ] && [ "$(mapping_of stale)" = "$(mapping_of rearmed)" ] ||
	fail "the VG's seqno went $s1 -> $s2 with the rule masked, loaded: $(mapping_of stale)"
echo "stale: the udev rule re-armed with seqno $s1; masked, the VG went to seqno $s2 and $s1 stayed loaded"
grep -q "VG dagvg changed since the loader armed: its metadata on vd[bc]1* has seqno $s2, the mapping recorded seqno $s1: refusing to write through a stale mapping; the loader re-arms when the VG changes; nothing was written" "$WORK/serial-stale.txt" ||
	fail "no stale-mapping refusal: $(grep 'dumpagent' "$WORK/serial-stale.txt" | tail -n 5)"
[ -e "$IMG.panic" ] || fail "the images were not copied at the panic"
[ ! -s "$WORK/changed" ] || fail "changed between the panic and the end of the refused capture: $(cat "$WORK/changed")"
pass "ext4 on linear LV (a partition) and xfs on a striped+linear LV over two PVs, armed by the package on real dm, captured and read back ($id1, $id2); a stale seqno refused, all three disks byte-identical; the udev rule re-arms"
