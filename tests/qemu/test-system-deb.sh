#!/bin/sh
# tests/qemu/test-system-deb.sh: the .deb on a full Debian 12 system that crashes and reboots.
#
# lintian judges the package (no error, no warning). A debootstrapped bookworm
# (cached by system-rootfs.sh) gets the .deb through apt as an admin would,
# a TARGET naming its root filesystem, a user alice and a oneshot unit
# (system-guest). It boots under QEMU with its own kernel and initrd and the
# crashkernel= that "load-crashkernel --reserve" recommends; the unit waits
# for dumpagent.service, has the host hot-add memory (the package's udev
# rule must re-arm, and the dump must hold that memory), crashes the kernel;
# the capture kernel writes the dump and reboots the VM into the same disk;
# the unit then records what root and alice see and powers off. The host
# asserts on those results and on the disk image, and prints the timeline.
# Environment: SYSTEM_TIMEOUT (seconds for the whole VM run, default 1500);
# SYSTEM_DISK=megasas puts the root disk behind a controller the small capture
# kernel lacks, boots with SYSTEM_CRASHKERNEL, and expects CAPTURE_MODE=auto
# to choose the distro kernel (tests/qemu/test-system-distro.sh).
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
SYSTEM_DISK=${SYSTEM_DISK:-virtio}
case $SYSTEM_DISK in
virtio) name=system-deb want_mode="auto: small" ;;
megasas) name=system-distro want_mode="auto: distro: the small kernel lacks megaraid_sas" ;;
*) echo "SYSTEM_DISK must be virtio or megasas, not '$SYSTEM_DISK'" >&2; exit 100 ;;
esac
qemu_setup "$name"
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-1500}
UUID=7d0e6b1a-3c52-4f8e-9a41-5e2b8c0d1f97
ROOT=$WORK/root
IMG=$WORK/disk.img

deb=$(find "$BUILD/deb" -maxdepth 1 -name 'dumpagent_*_amd64.deb' 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no $BUILD/deb/dumpagent_*_amd64.deb: run make deb"
for tool in lintian debootstrap mkfs.ext4 debugfs python3; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run sh scripts/bootstrap.sh test"
done

# --- the package itself (and the .changes of its build, when it is there)
changes=$(find "$BUILD/deb/src" -maxdepth 1 -name 'dumpagent_*_amd64.changes' 2>/dev/null | head -n 1)
lintian "${changes:-$deb}" >"$WORK/lintian.log" 2>&1 || :
if grep -E '^[EW]: ' "$WORK/lintian.log" >"$WORK/lintian-bad.log"; then
	fail "lintian reports errors or warnings on $deb: $(cat "$WORK/lintian-bad.log")"
fi
grep -q 'exiting\|does not exist' "$WORK/lintian.log" && fail "lintian did not check the package: $(cat "$WORK/lintian.log")"
echo "lintian: no errors, no warnings on $(basename -- "${changes:-$deb}")"

# --- the rootfs, with the package installed as an admin would
tarball=$(sh "$REPO/tests/qemu/system-rootfs.sh" "$BUILD/system") ||
	fail "no Debian rootfs (debootstrap); see $BUILD/system/debootstrap.log"
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xpf "$tarball" || fail "cannot unpack $tarball"
cp "$deb" "$ROOT/tmp/${deb##*/}"
in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"/tmp/${deb##*/}" >"$WORK/install.log" 2>&1 ||
	fail "apt-get install of ${deb##*/} in the rootfs failed: $(tail -n 30 "$WORK/install.log")"
rm -f "$ROOT/tmp/${deb##*/}"
grep -q "no memory is reserved for the capture kernel" "$WORK/install.log" ||
	fail "postinst did not say how to reserve memory: $(cat "$WORK/install.log")"
[ "$(stat -c '%a %U' "$ROOT/var/crash")" = "700 root" ] ||
	fail "postinst made /var/crash $(stat -c '%a %U' "$ROOT/var/crash"), not 700 root"
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/dumpagent.service" ] ||
	fail "the package did not enable dumpagent.service"
grep -qx '/etc/dumpagent.conf' "$ROOT/var/lib/dpkg/info/dumpagent.conffiles" ||
	fail "/etc/dumpagent.conf is not a conffile"
grep -q 'try-reload-or-restart dumpagent.service' "$ROOT/lib/udev/rules.d/60-dumpagent.rules" 2>/dev/null ||
	fail "the package did not install its udev rule (/lib/udev/rules.d/60-dumpagent.rules)"

# The admin's part: the dumps go to the root filesystem, by its UUID.
sed -i "s/^TARGET=.*/TARGET=UUID=$UUID/; s/^FSTYPE=.*/FSTYPE=ext4/" "$ROOT/etc/dumpagent.conf"
# GRUB's settings file, as on a system that boots with GRUB (the VM boots with
# -kernel): --reserve writes grub.d only when /etc/default/grub is there.
echo 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"' >"$ROOT/etc/default/grub"
# The chroot has no /sys and the host not the guest's disk: the reservation
# is the small kernel's, which the guest (virtio) chooses when it boots.
reserve=$(in_root DUMPAGENT_ARM_UNCHECKED=1 load-crashkernel --reserve 2>&1) || fail "load-crashkernel --reserve failed: $reserve"
crashkernel=$(printf '%s\n' "$reserve" | grep -o 'crashkernel=[0-9]*M' | head -n 1)
[ -n "$crashkernel" ] || fail "load-crashkernel --reserve recommended nothing: $reserve"
echo "load-crashkernel --reserve recommends $crashkernel"
# The postinst's switch writes the same GRUB snippet itself.
rm -f "$ROOT/etc/default/grub.d/dumpagent.cfg"
in_root DUMPAGENT_ARM_UNCHECKED=1 DUMPAGENT_RESERVE=yes DEBIAN_FRONTEND=noninteractive dpkg-reconfigure dumpagent \
	>"$WORK/reconfigure.log" 2>&1 || fail "dpkg-reconfigure dumpagent failed: $(cat "$WORK/reconfigure.log")"
grep -q "GRUB_CMDLINE_LINUX_DEFAULT=\"\$GRUB_CMDLINE_LINUX_DEFAULT $crashkernel\"" \
	"$ROOT/etc/default/grub.d/dumpagent.cfg" 2>/dev/null ||
	fail "DUMPAGENT_RESERVE=yes did not write $crashkernel to /etc/default/grub.d/dumpagent.cfg: $(cat "$WORK/reconfigure.log")"
echo "DUMPAGENT_RESERVE=yes dpkg-reconfigure dumpagent wrote $crashkernel to /etc/default/grub.d/dumpagent.cfg"

# The test's part: a user, a console and the oneshot unit.
in_root useradd -m -s /bin/sh alice || fail "useradd alice failed"
in_root systemd-machine-id-setup >/dev/null 2>&1 || fail "systemd-machine-id-setup failed"
echo dumpagent-system >"$ROOT/etc/hostname"
echo "UUID=$UUID / ext4 errors=remount-ro 0 1" >"$ROOT/etc/fstab"
guest_unit "$ROOT" system-guest "dumpagent full-system test (crash, then check)"

rootfs_boot_files "$ROOT"

size_mb=$(($(du -sm "$ROOT" | cut -f1) + 1536))
truncate -s "${size_mb}M" "$IMG"
mkfs.ext4 -q -F -U "$UUID" -L dumpagent-root -d "$ROOT" "$IMG" >"$WORK/mkfs.log" 2>&1 ||
	fail "mkfs.ext4 -d $ROOT failed: $(cat "$WORK/mkfs.log")"
rm -rf "$ROOT"

# --- memory hotplug, host side: when the guest (hotplug_step in system-guest)
# says "hotplug now", a 256 MiB pc-dimm goes in through the QEMU monitor; the
# guest onlines it and waits for the udev rule to re-arm, then crashes.
# check_hotplug: the first start was not disturbed, the loader re-armed, and
# the capture kernel's vmcore holds the added memory (its size counts the
# kernel text segment too, about 50 MiB, besides System RAM).
MON=$WORK/monitor.sock
HOTPLUG_MB=256
hotplug_memory() {
	: >"$WORK/hotplugged"
	for cmd in "object_add memory-backend-ram,id=mem1,size=${HOTPLUG_MB}M" \
		"device_add pc-dimm,id=dimm1,memdev=mem1"; do
		if ! python3 "$REPO/tests/qemu/monitor.py" "$MON" "$cmd" >>"$WORK/hotplugged" 2>&1; then
			kill "$qemu" 2>/dev/null || :
			fail "the monitor refused '$cmd': $(cat "$WORK/hotplugged")"
		fi
	done
}
check_hotplug() {
	# udev's coldplug replays at boot must not restart (and kill) the first start.
	if block service-journal-first | grep -q "Failed with result 'signal'"; then
		fail "dumpagent.service was killed during its first start: $(block service-journal-first)"
	fi
	block hotplug >"$WORK/hotplug"
	[ -s "$WORK/hotplug" ] || fail "the guest recorded no hotplug results: $(cat "$WORK/results")"
	hp() { sed -n "s/^$1=//p" "$WORK/hotplug"; }
	before=$(hp ram_before_mib) after=$(hp ram_after_mib) reserved=$(hp crash_size_mib)
	[ $((after - before)) -ge "$HOTPLUG_MB" ] ||
		fail "the guest's System RAM grew from $before to $after MiB, not by $HOTPLUG_MB: $(cat "$WORK/hotplug")"
	echo "hotplug: System RAM $before -> $after MiB; new blocks before onlining:$(hp new_blocks_before_online)"
	n_before=$(hp armed_before | cut -d' ' -f1) n_after=$(sed -n 's/.* armed_after=//p' "$WORK/hotplug")
	[ "$n_after" -gt "$n_before" ] ||
		fail "the loader did not re-arm after the hot-add (its 'armed:' lines: $n_before -> $n_after): $(block journal-after-hotplug)"
	# The vmcore lists all memory but the reservation: without the re-arm
	# it would be the boot's System RAM minus the reservation.
	vmcore=$(tr -d '\r' <"$SERIAL" | sed -n 's/.*vmcore: kernel .*, \([0-9]*\) MiB of memory in \([0-9]*\) segments.*/\1 \2/p' | head -n 1)
	[ -n "$vmcore" ] || fail "the capture kernel did not log the vmcore's memory"
	mib=${vmcore% *}
	echo "hotplug: the vmcore holds $mib MiB in ${vmcore#* } segments; System RAM before the hot-add minus the reservation: $((before - reserved)) MiB"
	[ "$mib" -ge $((before - reserved + HOTPLUG_MB - 8)) ] ||
		fail "the vmcore holds $mib MiB, not the $((before - reserved)) MiB of boot memory plus the $HOTPLUG_MB MiB hot-added: the capture kernel was not re-armed with the new memory"
}

# --- the VM: boots, crashes, the capture reboots it, it checks and powers off.
# Host times of the serial markers make the timeline (one-second resolution).
append="console=ttyS0 root=UUID=$UUID ro ${SYSTEM_CRASHKERNEL:-$crashkernel}"
disk="-drive file=$IMG,if=virtio,format=raw"
[ "$SYSTEM_DISK" = virtio ] || disk="-device megasas,id=hba -drive file=$IMG,if=none,id=root,format=raw
	-device scsi-hd,drive=root,bus=hba.0"
echo "booting: $append"
start=$(date +%s)
# shellcheck disable=SC2086 # disk is a list of qemu arguments
timeout --foreground -k 5 "$SYSTEM_TIMEOUT" qemu-system-x86_64 -accel tcg \
	-machine q35 -cpu max -smp 2 -m 1G,slots=2,maxmem=2G -nographic \
	-monitor "unix:$MON,server=on,wait=off" \
	-serial "file:$SERIAL" -kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" \
	-append "$append" $disk \
	</dev/null >"$WORK/qemu.out" 2>&1 &
qemu=$!
MARKS="SYSTEM-TEST: armed|SYSTEM-TEST: hotplug now|SYSTEM-TEST: re-armed after hotplug|sysrq: Trigger a crash|dump written|SYSTEM-TEST: second boot|SYSTEM-TEST: armed again"
: >"$WORK/times"
while kill -0 "$qemu" 2>/dev/null; do
	if [ ! -e "$WORK/hotplugged" ] && tr -d '\r' <"$SERIAL" | grep -qF 'SYSTEM-TEST: hotplug now'; then
		hotplug_memory
	fi
	stamp_marks
	sleep 1
done
rc=0
wait "$qemu" || rc=$?
case $rc in 124 | 137) fail "the VM did not power off within $SYSTEM_TIMEOUT s" ;; esac
[ "$rc" = 0 ] || fail "qemu exited with status $rc: $(cat "$WORK/qemu.out")"

# --- what the guest saw
img_get "$IMG" /var/lib/system-test/results "$WORK/results" ||
	fail "the guest wrote no results (/var/lib/system-test/results)"
grep -q 'SYSTEM-TEST: FAILED' "$SERIAL" &&
	fail "the guest failed: $(tr -d '\r' <"$SERIAL" | grep 'SYSTEM-TEST: FAILED') $(cat "$WORK/results")"
[ "$(rc_of status-first)" = 0 ] || fail "dumpagent status was not armed on the first boot: $(block status-first)"
block service-journal-first | grep -q "^load-crashkernel: mode: $want_mode" ||
	fail "the loader did not say 'mode: $want_mode': $(block service-journal-first)"
echo "the loader chose: $(block service-journal-first | grep -m 1 '^load-crashkernel: mode: ')"
check_hotplug
check_captured_once "SYSTEM-TEST: second boot"
check_listed_dump

[ "$(rc_of list-alice)" = 11 ] || fail "dumpagent list as alice was not refused with status 11: rc=$(rc_of list-alice) $(block list-alice)"
block list-alice | grep -q 'permission denied' || fail "alice's refusal does not say why: $(block list-alice)"
[ "$(rc_of ls-alice)" != 0 ] || fail "alice could list /var/crash: $(block ls-alice)"
if block ls-alice | grep -v 'Permission denied' | grep -q .; then
	fail "ls /var/crash as alice revealed something: $(block ls-alice)"
fi
block modes | while read -r mode user group name type; do
	case $type in
	directory) want=700 ;;
	*) want=600 ;;
	esac
	[ "$mode $user $group" = "$want root root" ] ||
		{ echo "$name is $mode $user:$group ($type), expected $want root:root" >"$WORK/modes-bad"; break; }
done
[ ! -s "$WORK/modes-bad" ] || fail "$(cat "$WORK/modes-bad")"
# /var/crash, the dump directory and its six files, all seen by the loop above.
[ "$(block modes | grep -c " /var/crash/$id/")" -ge 7 ] ||
	fail "the guest did not list the modes of the dump directory and its files: $(block modes)"
# The first boot builds an initramfs holding the edited configuration, the
# second reuses it; both boots run gc. The distro mode builds its own.
image=/var/lib/dumpagent/initramfs.img
[ "$SYSTEM_DISK" = virtio ] || image=/var/lib/dumpagent/initramfs-distro.img
block service-journal-first | grep -q "building $image" ||
	fail "the loader did not rebuild the initramfs for the edited configuration: $(block service-journal-first)"
if block service-journal | grep -q "building $image"; then
	fail "the loader rebuilt the initramfs again on the second boot: $(block service-journal)"
fi
block status-second | grep -q "^initramfs: *$image " ||
	fail "the second boot did not load the rebuilt initramfs: $(block status-second)"
# CAPTURE_MODE=small (system-guest's last step): armed on virtio; refused
# by name (17) behind a controller the small kernel lacks, and not armed.
if [ "$SYSTEM_DISK" = virtio ]; then
	[ "$(rc_of small-load)" = 0 ] && [ "$(rc_of small-status)" = 0 ] ||
		fail "CAPTURE_MODE=small did not arm on virtio: $(block small-load) $(block small-status)"
else
	[ "$(rc_of small-load)" = 17 ] ||
		fail "CAPTURE_MODE=small was not refused with 17: rc=$(rc_of small-load) $(block small-load)"
	block small-load | grep -q 'the small kernel lacks megaraid_sas' ||
		fail "the refusal does not name the missing driver: $(block small-load)"
	[ "$(rc_of small-status)" != 0 ] && block small-status | grep -q '^armed: *NO' ||
		fail "dumpagent status did not say not armed after the refusal: $(block small-status)"
fi
for j in service-journal-first service-journal; do
	block "$j" | grep -q '^gc: ' || fail "dumpagent.service did not run gc at boot ($j): $(block "$j")"
done

# The capture left the VmCore to the next boot (REPORT_VMCORE=boot):
# dumpagent.service completed the report there, before gc.
block service-journal | grep -q '^complete: 1 report completed, 0 failed$' ||
	fail "dumpagent.service did not complete the report at the second boot: $(block service-journal)"
# The report decodes with our strict reader, and its VmCore is the dump.
dir=/var/crash/$id
release=$(img_ls "$IMG" "$dir" | awk '{ print $NF }' | sed -n "s/^linux-image-\(.*\)-$id\.crash\$/\1/p")
[ -n "$release" ] || fail "no linux-image-*-$id.crash report in $dir: $(img_ls "$IMG" "$dir")"
img_get "$IMG" "$dir/linux-image-$release-$id.crash" "$WORK/report.crash" || fail "cannot read the report"
img_get "$IMG" "$dir/dump.$id" "$WORK/dump" || fail "cannot read the dump"
READ="python3 $REPO/tests/fixtures/read_crash.py"
$READ "$WORK/report.crash" VmCore "$WORK/vmcore" >"$WORK/read.log" 2>&1 ||
	fail "the report does not decode: $(cat "$WORK/read.log")"
cmp -s "$WORK/vmcore" "$WORK/dump" || fail "the report's VmCore differs from the dump"
check_read_back "$WORK/dump" "on the disk"
[ "$($READ "$WORK/report.crash" Title)" = "$panic" ] || fail "the report's Title is not '$panic'"

# --- the timeline
armed=$(at "SYSTEM-TEST: armed") panicked=$(at "sysrq: Trigger a crash")
written=$(at "dump written") back=$(at "SYSTEM-TEST: armed again")
if [ -z "$armed" ] || [ -z "$panicked" ] || [ -z "$written" ] || [ -z "$back" ]; then
	fail "markers missing from the serial log: $(cat "$WORK/times")"
fi
hotplug=$(at "SYSTEM-TEST: hotplug now") rearmed=$(at "SYSTEM-TEST: re-armed after hotplug")
if [ -z "$hotplug" ] || [ -z "$rearmed" ]; then
	fail "hotplug markers missing from the serial log: $(cat "$WORK/times")"
fi
echo "timeline (host clock, TCG, ${SYSTEM_CRASHKERNEL:-$crashkernel}):"
echo "  boot to armed:            $((armed - start)) s"
echo "  hot-add to re-armed:      $((rearmed - hotplug)) s"
echo "  panic to dump written:    $((written - panicked)) s"
echo "  dump to back in service:  $((back - written)) s"
pass "$id: '$panic', $(wc -c <"$WORK/dump") byte dump; boot to armed $((armed - start)) s, panic to dump $((written - panicked)) s, dump to armed again $((back - written)) s"
