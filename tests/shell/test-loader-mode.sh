#!/bin/sh
# tests/shell/test-loader-mode.sh: CAPTURE_MODE on a fake system: which kernel the loader arms, why, and what it refuses.
#
# Fakes as in test-loader.sh (sysfs, proc, kexec; fake-target.sh), plus:
#   $W/boot/vmlinuz-$REL           the distro kernel (DUMPAGENT_BOOT, DUMPAGENT_KERNEL_RELEASE)
#   $W/lib/modules/$REL/modules.*  its modules tree (DUMPAGENT_MODULES): megaraid_sas and
#                                  ext4 as modules, with dependencies and a softdep
#   $W/bin/builder                 DUMPAGENT_BUILDER: appends its arguments to
#                                  $W/builder.args, copies --modules to $W/builder.modules,
#                                  writes a gzip'ed cpio holding --config to --output
# Every case runs under dash and busybox sh and asserts the exit status, the
# exact output, what kexec got and what the builder was given.
# shellcheck disable=SC2317 # the cases, and what they call, run by name (run-cases.sh)
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/loader-prologue.sh
. "$REPO/tests/shell/loader-prologue.sh"
need cpio cpio
need gzip gzip
RUNPATH=$PATH
errs=''
RUN_REL=
REL=6.1.0-18-amd64
UUID=0a1b2c3d-4e5f-6789-abcd-ef0123456789
truncate -s 1M "$T/ext4.img"
mkfs.ext4 -q -F -U "$UUID" "$T/ext4.img" 2>/dev/null || die "mkfs.ext4 $T/ext4.img failed"
# The PV under the LV case: the start of one pvcreate and vgcreate wrote, on a
# loop device, because the agent reads PV labels only from block devices.
need losetup mount
LOOP=$(losetup -f --show "$REPO/tests/fixtures/lvm/pv-vgcreate.bin") || die "losetup (root is needed) failed"
trap 'losetup -d "$LOOP"; rm -rf -- "$T"' EXIT
LOOPMM=$(stat -L -c '%Hr:%Lr' "$LOOP")
# The LUKS case: a LUKS2 header cryptsetup made, on a loop device too.
LUKS=$(losetup -f --show "$REPO/tests/fixtures/luks/luks2-header.bin") || die "losetup of the LUKS header failed"
trap 'losetup -d "$LOOP"; losetup -d "$LUKS"; rm -rf -- "$T"' EXIT
LUKSMM=$(stat -L -c '%Hr:%Lr' "$LUKS") LUKSUUID=1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
PVID=A4z9G51DYexMuyDeRIzJcbOyzXw05ahI VGID=Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0

setup() {
	W=$T/w
	rm -rf "$W"
	mkdir -p "$W/sys/kernel/security" "$W/proc" "$W/bin" "$W/boot"
	echo 67108864 >"$W/sys/kernel/kexec_crash_size"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	echo '[none] integrity confidentiality' >"$W/sys/kernel/security/lockdown"
	echo 'root=/dev/sda1 ro console=ttyS0' >"$W/proc/cmdline"
	truncate -s 2M "$W/boot/vmlinuz" "$W/boot/initrd.img" "$W/boot/vmlinuz-$REL"
	fake_virtio "$W/sys" 254:1
	fake_mounts "$W/proc" 254:1 "$T/ext4.img"
	fake_builtin "$W/boot/vmlinuz"
	M=$W/lib/modules/$REL
	mkdir -p "$M"
	printf '%s\n' kernel/drivers/scsi/sd_mod.ko >"$M/modules.builtin"
	printf '%s\n' "kernel/drivers/scsi/megaraid/megaraid_sas.ko.xz: kernel/drivers/scsi/scsi_mod.ko.xz" \
		"kernel/drivers/scsi/scsi_mod.ko.xz:" "kernel/fs/ext4/ext4.ko.xz: kernel/fs/jbd2/jbd2.ko.xz" \
		"kernel/fs/jbd2/jbd2.ko.xz:" "kernel/crypto/crc32c_generic.ko.xz:" \
		"kernel/drivers/virtio/virtio_pci.ko.xz:" "kernel/drivers/block/virtio_blk.ko.xz:" \
		"kernel/drivers/md/dm-mod.ko.xz:" "kernel/drivers/md/dm-crypt.ko.xz: kernel/drivers/md/dm-mod.ko.xz" \
		"kernel/crypto/ecb.ko.xz:" "kernel/crypto/xts.ko.xz:" >"$M/modules.dep"
	echo "softdep ext4 pre: crc32c" >"$M/modules.softdep"
	echo "alias crc32c crc32c_generic" >"$M/modules.alias"
	cat >"$W/conf" <<-EOF
		TARGET=UUID=$UUID
		CAPTURE_KERNEL=$W/boot/vmlinuz
		CAPTURE_INITRD=$W/boot/initrd.img
	EOF
	cat >"$W/bin/kexec" <<-EOF
		#!/bin/sh
		{ printf '%s\n' "\$@"; echo --; } >>"$W/kexec.args"
		if [ "\$2" = -u ]; then echo 0 >"$W/sys/kernel/kexec_crash_loaded"; exit 0; fi
		echo 0 >"$W/sys/kernel/kexec_crash_loaded"
		for a; do case \$a in --initrd=*) cp "\${a#--initrd=}" "$W/kexec.initrd" ;; esac; done
		if [ -f "$W/kexec.fail" ]; then cat "$W/kexec.fail" >&2; exit 1; fi
		if [ -f "$W/kexec.hang" ]; then : >"$W/kexec.hung"; exec sleep 60; fi
		echo 1 >"$W/sys/kernel/kexec_crash_loaded"
	EOF
	cat >"$W/bin/builder" <<-EOF
		#!/bin/sh
		printf '%s\n' "\$*" >>"$W/builder.args"
		while [ \$# -gt 1 ]; do
			case \$1 in --config) c=\$2 ;; --output) o=\$2 ;; --modules) cp "\$2" "$W/builder.modules" ;; esac
			shift 2
		done
		d=\$(mktemp -d "$T/build.XXXXXX") && mkdir "\$d/etc" && cp "\$c" "\$d/etc/dumpagent.conf" &&
			(cd "\$d" && echo etc/dumpagent.conf | cpio -o -H newc --quiet | gzip -n) >"\$o"
		rm -rf "\$d"
	EOF
	chmod +x "$W/bin/kexec" "$W/bin/builder"
}

# run ARGS...: the loader under $SH; sets rc, out, err.
run() {
	rm -f "$W/kexec.args"
	# shellcheck disable=SC2086 # "busybox sh" is two words
	env DUMPAGENT_SYSFS="$W/sys" DUMPAGENT_PROC="$W/proc" DUMPAGENT_RUN="$W/run" \
		DUMPAGENT_BUILDER="$W/bin/builder" DUMPAGENT_AGENT="$AGENT" DUMPAGENT_STATE="$W/state" \
		DUMPAGENT_BOOT="$W/boot" DUMPAGENT_MODULES="$W/lib/modules" DUMPAGENT_KERNEL_RELEASE="${RUN_REL:-$REL}" \
		DUMPAGENT_GRUB_DIR="$W/etc/default/grub.d" \
		PATH="$W/bin:$RUNPATH" $SH "$LOADER" --config "$W/conf" "$@" >"$W/stdout" 2>"$W/stderr"
	rc=$?
	out=$(cat "$W/stdout")
	err=$(cat "$W/stderr")
}

# Failures of a case are collected in errs (run-cases.sh reports them).
fail() {
	errs="$errs$*
"
}

expect_same() { # WHAT EXPECTED GOT
	[ "$2" = "$3" ] || fail "$1: expected
$2
     got
$3"
}
expect_rc() { expect_same "exit status" "$1" "$rc"; }
expect_err() { expect_same "stderr" "$1" "$err"; }
expect_out() { expect_same "stdout" "$1" "$out"; }
expect_kexec() { expect_same "kexec arguments" "$(printf '%s\n' "$@" --)" "$(cat "$W/kexec.args" 2>/dev/null)"; }
expect_no_kexec() { [ ! -e "$W/kexec.args" ] || fail "kexec ran: $(cat "$W/kexec.args")"; }
expect_no_build() { [ ! -e "$W/builder.args" ] || fail "the builder ran: $(cat "$W/builder.args")"; }
expect_recorded_mode() { expect_same "MODE of \$RUN/loaded" "MODE=$1" "$(grep '^MODE=' "$W/run/loaded" 2>/dev/null)"; }

SMALL="console=ttyS0 nr_cpus=1 reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0"
DISTRO="$SMALL cma=0 hugetlb_cma=0 novmcoredd kfence.sample_interval=0 transparent_hugepage=never swiotlb=2048"
# The megaraid chain's modules, in load order (sd_mod is built in).
mega_modules() {
	printf "$W/lib/modules/$REL/kernel/%s\n" drivers/scsi/scsi_mod.ko.xz drivers/scsi/megaraid/megaraid_sas.ko.xz \
		crypto/crc32c_generic.ko.xz fs/jbd2/jbd2.ko.xz fs/ext4/ext4.ko.xz
}

# distro_armed WHY: the output of a load that builds and arms the distro kernel.
distro_armed() {
	echo "$P: the distro capture initramfs is not built for $W/conf, kernel $REL and its modules: building $W/state/initramfs-distro.img
$P: mode: $1
$P: armed: $W/boot/vmlinuz-$REL ($W/state/initramfs-distro.img) with 64 MB reserved; capture cmdline: $DISTRO"
}

# --- cases: each is a function run once per shell

case_virtio_auto_small() {
	run
	expect_rc 0
	expect_err ""
	expect_out "$P: mode: auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk ext4
$P: armed: $W/boot/vmlinuz ($W/boot/initrd.img) with 64 MB reserved; capture cmdline: $SMALL"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$SMALL"
	expect_no_build
	expect_recorded_mode small
}

case_megaraid_auto_distro() {
	fake_megaraid "$W/sys" 254:1
	run
	expect_rc 0
	expect_err ""
	expect_out "$(distro_armed "auto: distro: the small kernel lacks megaraid_sas")"
	expect_kexec -s -p "$W/boot/vmlinuz-$REL" --initrd="$W/state/initramfs-distro.img" --append="$DISTRO"
	expect_same "builder arguments" "--config $W/conf --agent $AGENT --output $W/state/initramfs-distro.img --modules $W/state/initramfs-distro.modules --kernel-release $REL" "$(cat "$W/builder.args" 2>/dev/null)"
	expect_same "modules given to the builder" "$(mega_modules)" "$(cat "$W/builder.modules" 2>/dev/null)"
	expect_recorded_mode distro
	# The next boot: the same configuration, release and modules: no build.
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	rm -rf "$W/run" "$W/builder.args"
	run
	expect_rc 0
	expect_no_build
	expect_kexec -s -p "$W/boot/vmlinuz-$REL" --initrd="$W/state/initramfs-distro.img" --append="$DISTRO"
}

# The configuration stays; the module list, then the kernel release, change.
case_distro_rebuilt_when_release_or_modules_change() {
	echo 'none [integrity] confidentiality' >"$W/sys/kernel/security/lockdown"
	fake_megaraid "$W/sys" 254:1
	run
	expect_rc 0
	expect_same "modules given to the builder" "$(mega_modules)" "$(cat "$W/builder.modules" 2>/dev/null)"
	rm -f "$W/sys/dev/block/254:1" && fake_block "$W/sys" 254:1 pci0000:00/0000:00:04.0/virtio1/block/vda/vda1
	run
	expect_rc 0
	expect_same "builder runs" 2 "$(wc -l <"$W/builder.args" 2>/dev/null || echo 0)"
	expect_same "modules given to the builder" "$(printf "$W/lib/modules/$REL/kernel/%s\n" \
		drivers/virtio/virtio_pci.ko.xz drivers/block/virtio_blk.ko.xz crypto/crc32c_generic.ko.xz \
		fs/jbd2/jbd2.ko.xz fs/ext4/ext4.ko.xz)" "$(cat "$W/builder.modules" 2>/dev/null)"
	cp -a "$W/lib/modules/$REL" "$W/lib/modules/6.1.0-19-amd64"
	cp "$W/boot/vmlinuz-$REL" "$W/boot/vmlinuz-6.1.0-19-amd64"
	RUN_REL=6.1.0-19-amd64
	run
	RUN_REL=
	expect_rc 0
	expect_same "builder runs" 3 "$(wc -l <"$W/builder.args" 2>/dev/null || echo 0)"
	expect_kexec -s -p "$W/boot/vmlinuz-6.1.0-19-amd64" --initrd="$W/state/initramfs-distro.img" --append="$DISTRO"
}

case_megaraid_small_refused() {
	fake_megaraid "$W/sys" 254:1
	echo CAPTURE_MODE=small >>"$W/conf"
	run
	expect_rc 17
	expect_err "$P: CAPTURE_MODE=small: the small kernel lacks megaraid_sas, needed to reach sda ($W/boot/vmlinuz.builtin lists its drivers); set CAPTURE_MODE=distro or CAPTURE_MODE=auto"
	expect_out ""
	expect_no_kexec
	expect_no_build
}

case_small_without_builtin_list_refused() {
	rm "$W/boot/vmlinuz.builtin"
	echo CAPTURE_MODE=small >>"$W/conf"
	run
	expect_rc 17
	expect_err "$P: CAPTURE_MODE=small: the small kernel has no list of its built-in drivers (read $W/boot/vmlinuz.builtin: No such file or directory), so it cannot be trusted to reach vda1; set CAPTURE_MODE=auto or CAPTURE_MODE=distro"
	expect_no_kexec
}

case_lockdown_auto_distro() {
	echo 'none [integrity] confidentiality' >"$W/sys/kernel/security/lockdown"
	run
	expect_rc 0
	expect_err ""
	expect_out "$(distro_armed "auto: distro: lockdown is integrity (Secure Boot): the small kernel is not signed")"
	expect_kexec -s -p "$W/boot/vmlinuz-$REL" --initrd="$W/state/initramfs-distro.img" --append="$DISTRO"
}

# The distro kernel refused under lockdown (booted without shim): 18, and not the advice to sign it.
case_distro_under_lockdown_refused_18() {
	echo 'none [integrity] confidentiality' >"$W/sys/kernel/security/lockdown"
	echo 'kexec_file_load failed: Required key not available' >"$W/kexec.fail"
	run
	expect_rc 18
	expect_err "$P: kexec: kexec_file_load failed: Required key not available
$P: kexec -s -p $W/boot/vmlinuz-$REL failed (exit status 1): kernel lockdown (integrity, Secure Boot) loads only a kernel signed by a key the kernel trusts, and it does not trust the signature of the distro kernel $W/boot/vmlinuz-$REL: boot through shim (which gives the kernel the distribution's key), or reinstall the signed kernel package (linux-image-$REL)"
}

case_small_under_lockdown_refused_18() {
	echo 'none [integrity] confidentiality' >"$W/sys/kernel/security/lockdown"
	echo CAPTURE_MODE=small >>"$W/conf"
	echo 'kexec_file_load failed: Key was rejected by service' >"$W/kexec.fail"
	run
	expect_rc 18
	expect_err "$P: kexec: kexec_file_load failed: Key was rejected by service
$P: kexec -s -p $W/boot/vmlinuz failed (exit status 1): kernel lockdown (integrity, Secure Boot) loads only a capture kernel signed by a key the kernel trusts, and $W/boot/vmlinuz is not (or its key is not enrolled): sign it with sbsign and enroll the key (mokutil --import), or set CAPTURE_MODE=auto, which boots the distro's signed kernel under lockdown"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$SMALL"
}

case_dm_crypt_plain_target_refused() {
	rm -f "$W/sys/dev/block/254:1"
	mkdir -p "$W/sys/devices/virtual/block/dm-0/dm"
	echo CRYPT-PLAIN-root_crypt >"$W/sys/devices/virtual/block/dm-0/dm/uuid"
	fake_block "$W/sys" 254:1 virtual/block/dm-0
	run
	expect_rc 17
	expect_err "$P: the target dm-0 is a dm-crypt device that is not LUKS (plain, TrueCrypt, BitLocker): only LUKS targets are supported; set TARGET to a filesystem on a plain disk partition or an LVM logical volume"
	expect_no_kexec
}

# fake_luks: the mounted target 254:1 is dm-0, LUKS2 (cryptsetup's dm uuid)
# on the partition vda3 of the virtio disk, which is the LUKS header's loop device.
fake_luks() {
	rm -f "$W/sys/dev/block/254:1"
	d=$W/sys/devices/virtual/block/dm-0
	mkdir -p "$d/dm" "$d/slaves" "$W/sys/class/block/vda3" "$W/dev" "$W/run"
	echo "CRYPT-LUKS2-1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d-vda3_crypt" >"$d/dm/uuid"
	fake_block "$W/sys" 254:1 virtual/block/dm-0
	fake_block "$W/sys" "$LUKSMM" pci0000:00/0000:00:04.0/virtio1/block/vda/vda3
	ln -s "$W/sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda3" "$d/slaves/vda3"
	echo "$LUKSMM" >"$W/sys/class/block/vda3/dev"
	mknod "$W/dev/vda3" b "${LUKSMM%:*}" "${LUKSMM#*:}"
	export DUMPAGENT_DEV="$W/dev" DUMPAGENT_LUKS_DIR="$W/etc/dumpagent/luks"
}

# Not enrolled: refused by name, with the command that enrolls it.
case_luks_not_enrolled_refused_17() {
	fake_luks
	run
	expect_rc 17
	expect_err "$P: the target is encrypted: dm-crypt on $W/dev/vda3 (luks2 UUID $LUKSUUID), which is not enrolled, and no passphrase can be typed after a panic; enroll it with: dumpagent luks-enroll $W/dev/vda3 (see dumpagent.conf(5) for what that trades)"
	expect_no_kexec
	unset DUMPAGENT_DEV DUMPAGENT_LUKS_DIR
}

# Enrolled: distro mode with dm-crypt, the command line names the LUKS UUID
# and slot, and kexec gets the built image followed by the keyfile's cpio,
# made in a tmpfs $RUN and gone afterwards; the image kept in the state
# directory holds no key. $RUN on a disk: refused (13), nothing loaded.
case_luks_enrolled_keyed_initramfs_in_run() {
	fake_luks
	mkdir -p "$DUMPAGENT_LUKS_DIR" && chmod 0700 "$DUMPAGENT_LUKS_DIR"
	printf 'KEYFILE-%s' 0123456789abcdef >"$DUMPAGENT_LUKS_DIR/$LUKSUUID.key"
	echo 3 >"$DUMPAGENT_LUKS_DIR/$LUKSUUID.slot"
	chmod 0600 "$DUMPAGENT_LUKS_DIR/$LUKSUUID.key" "$DUMPAGENT_LUKS_DIR/$LUKSUUID.slot"
	run
	expect_rc 13
	expect_err "$P: $W/run is not a tmpfs ($(stat -f -c %T "$W/run")): the capture initramfs holding the LUKS keyfile $DUMPAGENT_LUKS_DIR/$LUKSUUID.key would be written to a disk; mount a tmpfs on /run"
	expect_no_kexec
	mount -t tmpfs -o size=4M,mode=0700 tmpfs "$W/run" || { fail "cannot mount a tmpfs on $W/run"; return; }
	run
	expect_rc 0
	expect_err ""
	case $(cat "$W/kexec.args" 2>/dev/null) in
	*"--initrd=$W/run/keyed."*"/initramfs.img"*"dumpagent.luks=$LUKSUUID,3"*) ;;
	*) fail "kexec did not get the keyed initramfs in $W/run and dumpagent.luks=: $(cat "$W/kexec.args" 2>/dev/null)" ;;
	esac
	grep -q "modules.*dm-crypt.ko.xz" "$W/builder.args" 2>/dev/null ||
		grep -qx "$W/lib/modules/$REL/kernel/drivers/md/dm-crypt.ko.xz" "$W/builder.modules" ||
		fail "dm-crypt.ko.xz not given to the builder: $(cat "$W/builder.modules" 2>/dev/null)"
	grep -q "KEYFILE-0123456789abcdef" "$W/kexec.initrd" || fail "the initramfs kexec got holds no keyfile"
	! grep -q "KEYFILE-" "$W/state/initramfs-distro.img" || fail "the keyfile is in the state directory's image"
	expect_same "what is left in $W/run" "" "$(find "$W/run" -name 'keyed*')"
	umount "$W/run"
	unset DUMPAGENT_DEV DUMPAGENT_LUKS_DIR
}

# The loader stopped (TERM to its process group, as systemd's stop sends it)
# while kexec loads the keyed initramfs: the copy with the LUKS keyfile in
# $RUN goes with it.
case_luks_keyed_initramfs_gone_when_killed() {
	fake_luks
	mkdir -p "$DUMPAGENT_LUKS_DIR" && chmod 0700 "$DUMPAGENT_LUKS_DIR"
	printf 'KEYFILE-%s' 0123456789abcdef >"$DUMPAGENT_LUKS_DIR/$LUKSUUID.key"
	echo 3 >"$DUMPAGENT_LUKS_DIR/$LUKSUUID.slot"
	chmod 0600 "$DUMPAGENT_LUKS_DIR/$LUKSUUID.key" "$DUMPAGENT_LUKS_DIR/$LUKSUUID.slot"
	mount -t tmpfs -o size=4M,mode=0700 tmpfs "$W/run" || { fail "cannot mount a tmpfs on $W/run"; return; }
	: >"$W/kexec.hang"
	# shellcheck disable=SC2086 # "busybox sh" is two words
	env DUMPAGENT_SYSFS="$W/sys" DUMPAGENT_PROC="$W/proc" DUMPAGENT_RUN="$W/run" \
		DUMPAGENT_BUILDER="$W/bin/builder" DUMPAGENT_AGENT="$AGENT" DUMPAGENT_STATE="$W/state" \
		DUMPAGENT_BOOT="$W/boot" DUMPAGENT_MODULES="$W/lib/modules" DUMPAGENT_KERNEL_RELEASE="$REL" \
		DUMPAGENT_GRUB_DIR="$W/etc/default/grub.d" \
		PATH="$W/bin:$RUNPATH" setsid $SH "$LOADER" --config "$W/conf" >"$W/stdout" 2>"$W/stderr" &
	pid=$!
	n=0
	while [ ! -f "$W/kexec.hung" ] && [ "$n" -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	[ -f "$W/kexec.hung" ] || fail "kexec never ran: $(cat "$W/stderr")"
	expect_same "the keyed initramfs while kexec runs" 1 "$(find "$W/run" -maxdepth 1 -name 'keyed.*' | wc -l)"
	kill -TERM "-$pid" 2>/dev/null || fail "cannot signal the loader's process group $pid"
	wait "$pid" || :
	expect_same "what is left in $W/run" "" "$(find "$W/run" -name 'keyed*')"
	umount "$W/run"
	unset DUMPAGENT_DEV DUMPAGENT_LUKS_DIR
}

# fake_lv: the mounted target 254:1 is dm-0, the LV dalvx/root, on the
# partition vda2 of the virtio disk, which is the loop device (the PV).
fake_lv() {
	rm -f "$W/sys/dev/block/254:1"
	d=$W/sys/devices/virtual/block/dm-0
	mkdir -p "$d/dm" "$d/slaves" "$W/sys/class/block/vda2" "$W/dev"
	echo "LVM-${VGID}LvidLvidLvidLvidLvidLvidLvidLvid" >"$d/dm/uuid"
	echo dalvx-root >"$d/dm/name"
	fake_block "$W/sys" 254:1 virtual/block/dm-0
	fake_block "$W/sys" "$LOOPMM" pci0000:00/0000:00:04.0/virtio1/block/vda/vda2
	ln -s "$W/sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda2" "$d/slaves/vda2"
	echo "$LOOPMM" >"$W/sys/class/block/vda2/dev"
	mknod "$W/dev/vda2" b "${LOOPMM%:*}" "${LOOPMM#*:}"
	echo "0 8192 linear $LOOPMM 2048" >"$W/table"
}

# An LV: auto takes distro (the small kernel lacks dm_mod), dm_mod goes into
# the initramfs, and the capture's command line carries the mapping in PV
# ids and the VG's seqno (1, what vgcreate wrote); the test hook records 5.
case_lvm_auto_distro() {
	fake_lv
	export DUMPAGENT_DEV="$W/dev" DUMPAGENT_DM_TABLE="$W/table"
	run
	lvm="dumpagent.lvm=dalvx/root,$VGID,1,0+8192:linear:$PVID+2048"
	expect_rc 0
	expect_err ""
	expect_out "$(distro_armed "auto: distro: the small kernel lacks dm_mod") $lvm"
	expect_kexec -s -p "$W/boot/vmlinuz-$REL" --initrd="$W/state/initramfs-distro.img" --append="$DISTRO $lvm"
	expect_same "the last module given to the builder" "$W/lib/modules/$REL/kernel/fs/ext4/ext4.ko.xz" \
		"$(tail -n 1 "$W/builder.modules" 2>/dev/null)"
	grep -qx "$W/lib/modules/$REL/kernel/drivers/md/dm-mod.ko.xz" "$W/builder.modules" 2>/dev/null ||
		fail "dm-mod.ko.xz not given to the builder: $(cat "$W/builder.modules" 2>/dev/null)"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	DUMPAGENT_LVM_SEQNO=5 run
	expect_kexec -s -p "$W/boot/vmlinuz-$REL" --initrd="$W/state/initramfs-distro.img" \
		--append="$DISTRO dumpagent.lvm=dalvx/root,$VGID,5,0+8192:linear:$PVID+2048"
	echo "0 8192 thin-pool $LOOPMM 2048" >"$W/table"
	run
	expect_rc 17
	expect_err "$P: the LV dalvx/root has a thin-pool segment (only linear and striped LVs are mapped in the capture); set TARGET to a filesystem on a plain partition or a linear LV; the capture kernel is not armed for a target it may not reach"
	unset DUMPAGENT_DEV DUMPAGENT_DM_TABLE
}

# A small kernel with device-mapper, md and dm-crypt built in (as
# capture-kernel/capture.config has them): auto takes it for an LV, whose
# mapping the agent makes itself; for LUKS it takes distro, as the small
# initramfs has no cryptsetup, and CAPTURE_MODE=small is refused (17).
case_stacked_small_when_built_in() {
	printf '%s\n' dm_crypt dm_mod ecb md_mod raid1 xts >>"$W/boot/vmlinuz.builtin"
	fake_lv
	export DUMPAGENT_DEV="$W/dev" DUMPAGENT_DM_TABLE="$W/table"
	run
	lvm="dumpagent.lvm=dalvx/root,$VGID,1,0+8192:linear:$PVID+2048"
	expect_rc 0
	expect_err ""
	expect_out "$P: mode: auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk dm_mod ext4
$P: armed: $W/boot/vmlinuz ($W/boot/initrd.img) with 64 MB reserved; capture cmdline: $SMALL $lvm"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$SMALL $lvm"
	expect_no_build
	unset DUMPAGENT_DEV DUMPAGENT_DM_TABLE
	rm -rf "${W:?}/dev" "$W/sys/devices/virtual/block/dm-0" "$W/sys/class/block/vda2"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	fake_luks
	mkdir -p "$DUMPAGENT_LUKS_DIR" "$W/run" && chmod 0700 "$DUMPAGENT_LUKS_DIR"
	printf 'KEYFILE-%s' 0123456789abcdef >"$DUMPAGENT_LUKS_DIR/$LUKSUUID.key"
	echo 3 >"$DUMPAGENT_LUKS_DIR/$LUKSUUID.slot"
	chmod 0600 "$DUMPAGENT_LUKS_DIR/$LUKSUUID.key" "$DUMPAGENT_LUKS_DIR/$LUKSUUID.slot"
	mount -t tmpfs -o size=4M,mode=0700 tmpfs "$W/run" || { fail "cannot mount a tmpfs on $W/run"; return; }
	run
	expect_rc 0
	expect_err ""
	case $out in
	*"$P: mode: auto: distro: the small initramfs lacks cryptsetup, needed to open the LUKS device of dm-0
$P: armed: $W/boot/vmlinuz-$REL "*) ;;
	*) fail "LUKS with dm-crypt built in: not armed in distro mode for want of cryptsetup: $out" ;;
	esac
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	rm -f "$W/kexec.args"
	echo CAPTURE_MODE=small >>"$W/conf"
	run
	expect_rc 17
	expect_err "$P: CAPTURE_MODE=small: the small initramfs lacks cryptsetup, needed to open the LUKS device of dm-0; set CAPTURE_MODE=distro or CAPTURE_MODE=auto"
	expect_no_kexec
	umount "$W/run"
	unset DUMPAGENT_DEV DUMPAGENT_LUKS_DIR
}

case_nfs_auto_target_refused() {
	mkdir -p "$W/var"
	sed -i 's/^TARGET=.*/TARGET=auto/' "$W/conf"
	echo "CRASH_DIR=$W/var/crash" >>"$W/conf"
	d=$(stat -c %d "$T")
	printf '%s\n' "1 0 8:99 / / rw - ext4 /dev/other rw" \
		"22 1 $(((d >> 8) & 0xfff | ((d >> 32) & ~0xfff))):$(((d & 0xff) | ((d >> 12) & ~0xff))) / /srv rw - nfs4 server:/export rw" \
		>"$W/proc/self/mountinfo"
	run
	expect_rc 17
	expect_err "$P: TARGET=auto: /srv (holding $W/var) is a network filesystem (nfs4), which the capture kernel cannot reach; set CRASH_DIR to a directory on a local disk, or TARGET=UUID=... in $W/conf"
	expect_no_kexec
}

case_distro_kernel_missing() {
	rm "$W/boot/vmlinuz-$REL"
	echo CAPTURE_MODE=distro >>"$W/conf"
	run
	expect_rc 13
	expect_err "$P: distro capture kernel $W/boot/vmlinuz-$REL (CAPTURE_MODE=distro, the running kernel's image) does not exist; install linux-image-$REL, or set CAPTURE_MODE=small"
	expect_no_kexec
}

case_distro_dry_run_builds_nothing() {
	echo CAPTURE_MODE=distro >>"$W/conf"
	run --dry-run
	expect_rc 0
	expect_out "$P: the distro capture initramfs is not built for $W/conf, kernel $REL and its modules: would build $W/state/initramfs-distro.img
kexec -p $W/boot/vmlinuz-$REL --initrd=$W/state/initramfs-distro.img '--append=$DISTRO'"
	expect_no_build
	expect_no_kexec
}

# The distro kernel's estimate above the reservation: refused (19), nothing
# loaded. A 12 MiB image without a header counts 48 MiB while it boots.
case_distro_reservation_short_refused_19() {
	fake_megaraid "$W/sys" 254:1
	truncate -s 12M "$W/boot/vmlinuz-$REL"
	run
	expect_rc 19
	case $err in
	"$P: the 64 MiB reserved are less than the distro capture environment needs: an estimated 70 MiB (the kernel 48.0 MiB while it boots, "*", 20.0 MiB of working memory), and a capture kernel without them runs out of memory before it saves anything; reserve 88M (load-crashkernel --reserve, then reboot)") ;;
	*) fail "stderr: not the distro estimate's refusal: $err" ;;
	esac
	expect_no_kexec
}

# --reserve in distro mode, before the distro initramfs is built: its
# placeholders (8 MiB, 16 MiB unpacked): 8 + 8 + 16 + 20 = 52, +20% -> 64M
# (no meminfo in the fake /proc: no RAM term).
case_distro_reserve_recommends() {
	echo CAPTURE_MODE=distro >>"$W/conf"
	run --reserve
	expect_rc 0
	expect_out "$P: --reserve: the capture environment needs crashkernel=64M; no GRUB here (no $W/etc/default/grub): add crashkernel=64M to the kernel command line and reboot"
}

CASES="virtio_auto_small megaraid_auto_distro distro_rebuilt_when_release_or_modules_change
megaraid_small_refused small_without_builtin_list_refused lockdown_auto_distro
small_under_lockdown_refused_18 distro_under_lockdown_refused_18 dm_crypt_plain_target_refused luks_not_enrolled_refused_17
luks_enrolled_keyed_initramfs_in_run luks_keyed_initramfs_gone_when_killed lvm_auto_distro stacked_small_when_built_in
nfs_auto_target_refused distro_kernel_missing
distro_dry_run_builds_nothing distro_reservation_short_refused_19 distro_reserve_recommends"

# shellcheck source=tests/shell/run-cases.sh
. "$REPO/tests/shell/run-cases.sh"
run_cases
finish
