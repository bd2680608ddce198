#!/bin/sh
# tests/shell/test-loader.sh: scripts/load-crashkernel.sh against a fake sysfs, proc, kexec and mountinfo.
#
# Every case runs under dash and under busybox sh, and asserts the exact exit
# status, the exact stderr and stdout, and the exact arguments kexec was
# given. The loader asks the agent (build/dumpagent) for the configuration,
# TARGET=auto and the reservation estimate. The fakes live in a temporary directory:
#   $W/sys/kernel/{kexec_crash_size,kexec_crash_loaded,security/lockdown}
#   $W/proc/cmdline, $W/proc/self/mountinfo (mountinfo ...: the mount of $W)
#   $W/bin/kexec     first in PATH; appends its arguments, one a line and then
#                    "--", to $W/kexec.args; fails with the text of $W/kexec.fail
#                    if that exists (or of $W/kexec.fail-with-s when called
#                    with -s, or when kexec_crash_size is below the number in
#                    $W/kexec.fail-below, or when an argument matches the pattern in
#                    $W/kexec.fail-if); a failed load writes 0 to kexec_crash_loaded
#                    (the kernel frees the loaded one first); "-p -u" writes 0 to
#                    kexec_crash_loaded; else writes 1 to kexec_crash_loaded unless
#                    $W/kexec.noload exists
#   $T/ext4.img      an ext4 filesystem with UUID $UUID, the mount source of TARGET=auto
#   the target's chain (fake-target.sh): a virtio disk $TDEV in $W/sys, $T/ext4.img
#                    mounted from it at /srv, $W/boot/vmlinuz.builtin
# shellcheck disable=SC2317 # the cases, and what they call, run by name (run-cases.sh)
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/loader-prologue.sh
. "$REPO/tests/shell/loader-prologue.sh"
[ -f "$LOADER" ] || die "$LOADER missing"
RUNPATH=$PATH
errs=''
UUID=0a1b2c3d-4e5f-6789-abcd-ef0123456789
truncate -s 1M "$T/ext4.img"
mkfs.ext4 -q -F -U "$UUID" "$T/ext4.img" 2>/dev/null || die "mkfs.ext4 $T/ext4.img failed"
# The device number of $T, as mountinfo writes it (MAJOR:MINOR).
d=$(stat -c %d "$T")
TDEV=$(((d >> 8) & 0xfff | ((d >> 32) & ~0xfff))):$(((d & 0xff) | ((d >> 12) & ~0xff)))

# A fresh fake system for each run; $W is its root.
setup() {
	W=$T/w
	rm -rf "$W"
	mkdir -p "$W/sys/kernel/security" "$W/proc" "$W/bin" "$W/boot"
	echo 67108864 >"$W/sys/kernel/kexec_crash_size"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	echo 'BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro console=ttyS0,115200 quiet' >"$W/proc/cmdline"
	# No kernel header: 4 times 4 MiB while it boots; not gzip: 3 times 4 MiB
	# unpacked; 10 MiB of work: the estimate is 42 MiB, 56 with the margin.
	truncate -s 4M "$W/boot/vmlinuz"
	truncate -s 4M "$W/boot/initrd.img"
	fake_virtio "$W/sys" "$TDEV"
	fake_mounts "$W/proc" "$TDEV" "$T/ext4.img"
	fake_builtin "$W/boot/vmlinuz"
	cat >"$W/conf" <<-EOF
		# test configuration
		TARGET=UUID=0a1b2c3d-4e5f-6789-abcd-ef0123456789
		CAPTURE_KERNEL=$W/boot/vmlinuz
		CAPTURE_INITRD=$W/boot/initrd.img
	EOF
	cat >"$W/bin/kexec" <<-EOF
		#!/bin/sh
		{ printf '%s\n' "\$@"; echo --; } >>"$W/kexec.args"
		[ "\$2" = -u ] || [ ! -f "$W/sys/kernel/kexec_crash_loaded" ] ||
			echo 0 >"$W/sys/kernel/kexec_crash_loaded"
		if [ -f "$W/kexec.fail" ]; then cat "$W/kexec.fail" >&2; exit 1; fi
		if [ -f "$W/kexec.fail-with-s" ] && [ "\$1" = -s ]; then
			cat "$W/kexec.fail-with-s" >&2; exit 1
		fi
		if [ "\$2" = -u ]; then echo 0 >"$W/sys/kernel/kexec_crash_loaded"; exit 0; fi
		if [ -f "$W/kexec.fail-below" ] &&
			[ "\$(cat "$W/sys/kernel/kexec_crash_size")" -lt "\$(cat "$W/kexec.fail-below")" ]; then
			echo "locate_hole failed" >&2; exit 1
		fi
		if [ -f "$W/kexec.fail-if" ] && printf '%s\n' "\$@" | grep -q -f "$W/kexec.fail-if"; then
			echo "locate_hole failed" >&2; exit 1
		fi
		head -n 1 /proc/kallsyms >"$W/kexec.kallsyms-head" # the arm64 kexec_load cases
		if [ -f "$W/kexec.hang" ]; then : >"$W/kexec.hung"; exec sleep 60; fi
		[ -f "$W/kexec.noload" ] || echo 1 >"$W/sys/kernel/kexec_crash_loaded"
	EOF
	chmod +x "$W/bin/kexec"
}

# run ARGS...: runs the loader under $SH; sets rc, out, err.
run() {
	# shellcheck disable=SC2086 # "busybox sh" is two words
	env DUMPAGENT_SYSFS="$W/sys" DUMPAGENT_PROC="$W/proc" DUMPAGENT_AGENT="${RUN_AGENT:-$AGENT}" \
		DUMPAGENT_BUILDER="$W/no-builder" DUMPAGENT_STATE="$W/state" \
		DUMPAGENT_RUN="$W/run" DUMPAGENT_GRUB_DIR="$W/etc/default/grub.d" \
		PATH="$W/bin:$RUNPATH" $SH "$LOADER" "$@" >"$W/stdout" 2>"$W/stderr"
	rc=$?
	out=$(cat "$W/stdout")
	err=$(cat "$W/stderr")
}

# Failures of a case are collected in errs (run-cases.sh reports them).
fail() {
	errs="$errs$*
"
}

# expect_same WHAT EXPECTED GOT
expect_same() {
	[ "$2" = "$3" ] || fail "$1: expected
$2
     got
$3"
}

expect_rc() { expect_same "exit status" "$1" "$rc"; }
expect_err() { expect_same "stderr" "$1" "$err"; }
expect_out() { expect_same "stdout" "$1" "$out"; }

# expect_kexec ARG... (invocations separated by "--")
expect_kexec() {
	want=$(printf '%s\n' "$@" --)
	got=$(cat "$W/kexec.args" 2>/dev/null)
	expect_same "kexec arguments" "$want" "$got"
}

expect_no_kexec() {
	[ ! -e "$W/kexec.args" ] || fail "kexec ran: $(cat "$W/kexec.args")"
}

BASE="console=ttyS0,115200 nr_cpus=1 reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0"

MODE="auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk ext4"
armed_line() { # CMDLINE [MB]
	echo "$P: mode: $MODE"
	echo "$P: armed: $W/boot/vmlinuz ($W/boot/initrd.img) with ${2:-64} MB reserved; capture cmdline: $1"
}

# --- cases: each is a function run once per shell

case_armed() {
	run --config "$W/conf"
	expect_rc 0
	expect_err ""
	expect_out "$(armed_line "$BASE")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
}

case_not_reserved() {
	echo 0 >"$W/sys/kernel/kexec_crash_size"
	run --config "$W/conf"
	expect_rc 12
	expect_err "$P: no memory is reserved for the capture kernel ($W/sys/kernel/kexec_crash_size is 0). Add crashkernel=64M to the kernel command line (on Debian: GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then update-grub and reboot)"
	expect_no_kexec
}

case_no_crash_size_file() {
	rm "$W/sys/kernel/kexec_crash_size"
	run --config "$W/conf" --dry-run
	expect_rc 12
	expect_err "$P: no memory is reserved for the capture kernel ($W/sys/kernel/kexec_crash_size does not exist). Add crashkernel=64M to the kernel command line (on Debian: GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then update-grub and reboot)"
}

case_reservation_failed() {
	echo 0 >"$W/sys/kernel/kexec_crash_size"
	echo 'root=/dev/vda1 crashkernel=4G quiet' >"$W/proc/cmdline"
	run --config "$W/conf"
	expect_rc 12
	expect_err "$P: no memory is reserved for the capture kernel ($W/sys/kernel/kexec_crash_size is 0), although the kernel command line has crashkernel=4G: the kernel could not reserve it (see: dmesg | grep -i crashkernel), try crashkernel=64M"
}

case_missing_kernel() {
	rm "$W/boot/vmlinuz"
	run --config "$W/conf"
	expect_rc 13
	expect_err "$P: capture kernel $W/boot/vmlinuz (CAPTURE_KERNEL in $W/conf) does not exist"
	expect_no_kexec
}

case_missing_initrd() {
	rm "$W/boot/initrd.img"
	mkdir "$W/boot/initrd.img"
	run --config "$W/conf"
	expect_rc 13
	expect_err "$P: capture initramfs $W/boot/initrd.img (CAPTURE_INITRD in $W/conf) is not a regular file"
	expect_no_kexec
}

case_missing_config() {
	run --config "$W/nothere.conf"
	expect_rc 101
	expect_err "$P: open $W/nothere.conf: No such file or directory"
}

# bad_config LINE EXPECTED-MESSAGE: LINE is appended as line 5 of the config.
bad_config() {
	printf '%s\n' "$1" >>"$W/conf"
	run --config "$W/conf"
	expect_rc 101
	expect_err "$P: $W/conf:5: $2"
	expect_no_kexec
}

case_config_unknown_key() { bad_config 'CRASHDIR=/var/crash' "unknown key 'CRASHDIR'"; }
case_config_repeated_key() { bad_config 'TARGET=auto' "TARGET is already set on line 2"; }
case_config_bad_value() { bad_config 'DUMP_LEVEL=40' "DUMP_LEVEL: bad value '40': expected a number from 0 to 31"; }
case_config_quote() { bad_config 'CMDLINE_APPEND="quiet' "CMDLINE_APPEND: unterminated quote"; }
case_config_leading_blank() { bad_config ' FSTYPE=ext4' "expected KEY=value"; }

# Quotes, CRLF and trailing blanks are removed before the values are used.
case_config_quoted_crlf() {
	printf '# crlf\r\nTARGET="UUID=0A1B2C3D-4E5F-6789-ABCD-EF0123456789"\r\nCAPTURE_KERNEL="%s" \r\nCAPTURE_INITRD=%s\t\r\nCMDLINE_APPEND="a=1"\r\n' \
		"$W/boot/vmlinuz" "$W/boot/initrd.img" >"$W/conf"
	run --config "$W/conf"
	expect_rc 0
	expect_err ""
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE a=1"
}

auto_config() {
	mkdir -p "$W/var"
	cat >>"$W/conf" <<-EOF
		CRASH_DIR=$W/var/crash/new
		FSTYPE=auto
	EOF
	sed -i 's/^TARGET=.*/TARGET=auto/' "$W/conf"
}

# mountinfo MOUNTPOINT FSTYPE SOURCE: the mount of $W's filesystem, after another.
mountinfo() {
	mkdir -p "$W/proc/self"
	printf '%s\n' "1 0 8:99 / / rw - ext4 /dev/other rw" \
		"22 1 $TDEV / $1 rw,relatime shared:1 - $2 $3 rw" >"$W/proc/self/mountinfo"
}

case_auto_resolved() {
	auto_config
	mountinfo / ext4 "$T/ext4.img"
	run --config "$W/conf"
	expect_rc 0
	expect_err ""
	want="$BASE dumpagent.target=UUID=$UUID dumpagent.fstype=ext4"
	expect_out "$(armed_line "$want")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$want"
}

case_auto_submount() {
	auto_config
	mountinfo /srv/a\\040b ext4 "$T/ext4.img"
	run --config "$W/conf" --dry-run
	expect_rc 0
	expect_err "$P: warning: CRASH_DIR=$W/var/crash/new is on the filesystem mounted at /srv/a b: the capture agent writes to $W/var/crash/new inside that filesystem, which is /srv/a b$W/var/crash/new here"
}

case_auto_fstype_conflict() {
	auto_config
	sed -i 's/^FSTYPE=.*/FSTYPE=xfs/' "$W/conf"
	mountinfo / vfat "$T/ext4.img"
	run --config "$W/conf"
	expect_rc 14
	expect_err "$P: TARGET=auto: the filesystem holding $W/var is vfat, but FSTYPE=xfs; set TARGET=UUID=... or TARGET=LABEL=... explicitly in $W/conf"
	expect_no_kexec
}

case_auto_no_uuid() {
	auto_config
	mountinfo /tmp ext4 tmpfs
	run --config "$W/conf"
	expect_rc 14
	expect_err "$P: TARGET=auto: the filesystem holding $W/var (ext4 at /tmp) has no UUID; set TARGET=UUID=... or TARGET=LABEL=... explicitly in $W/conf"
	expect_no_kexec
	# A device without a filesystem the agent knows: no UUID it could find.
	mountinfo / ext4 "$W/boot/vmlinuz"
	run --config "$W/conf"
	expect_rc 14
	expect_err "$P: TARGET=auto: the filesystem holding $W/var (ext4 on $W/boot/vmlinuz) has no UUID that the agent can read; set TARGET=UUID=... or TARGET=LABEL=... explicitly in $W/conf"
	expect_no_kexec
}

case_auto_unsupported_fs() {
	auto_config
	mountinfo / btrfs "$T/ext4.img"
	run --config "$W/conf"
	expect_rc 14
	expect_err "$P: TARGET=auto: the filesystem holding $W/var is btrfs, which the capture agent does not write (ext2, ext3, ext4, xfs or vfat); set TARGET=UUID=... or TARGET=LABEL=... explicitly in $W/conf"
}

case_auto_not_mounted() {
	auto_config
	mkdir -p "$W/proc/self"
	echo "1 0 8:99 / / rw - ext4 /dev/other rw" >"$W/proc/self/mountinfo"
	run --config "$W/conf"
	expect_rc 14
	expect_err "$P: TARGET=auto: no mount of device $TDEV in $W/proc/self/mountinfo; set TARGET=UUID=... or TARGET=LABEL=... explicitly in $W/conf"
	rm "$W/proc/self/mountinfo"
	run --config "$W/conf"
	expect_rc 14
	expect_err "$P: TARGET=auto: open $W/proc/self/mountinfo: No such file or directory; set TARGET=UUID=... or TARGET=LABEL=... explicitly in $W/conf"
}

case_explicit_target_fstype_auto() {
	run --config "$W/conf" --dry-run
	expect_rc 0
	case $out in *dumpagent.target* | *dumpagent.fstype*) fail "dumpagent.target/fstype passed: $out" ;; esac
}

# A udev name that is not on this system: its drivers cannot be checked (when
# it is, a load warns that the capture environment cannot resolve it:
# test_arm.c target_udev_names_warn).
case_target_by_id_missing() {
	sed -i 's|^TARGET=.*|TARGET=/dev/disk/by-id/ata-DISK-part1|' "$W/conf"
	run --config "$W/conf"
	expect_rc 17
	expect_err "$P: TARGET=/dev/disk/by-id/ata-DISK-part1: cannot find the target's device: open /dev/disk/by-id/ata-DISK-part1: No such file or directory; the capture kernel is not armed for a target it may not reach"
	expect_no_kexec
}

case_console_and_dumpagent_passthrough() {
	echo 'BOOT_IMAGE=/vmlinuz console=tty0 root=UUID=x dumpagent.bsod=1 "dumpagent.note=a b" quiet console=ttyS0,115200n8 dumpagent.shell=1 -- dumpagent.init=1 console=ttyS1' \
		>"$W/proc/cmdline"
	run --config "$W/conf"
	expect_rc 0
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" \
		--append='console=tty0 console=ttyS0,115200n8 nr_cpus=1 reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0 dumpagent.bsod=1 "dumpagent.note=a b" dumpagent.shell=1'
}

case_no_console() {
	echo 'root=/dev/vda1 quiet' >"$W/proc/cmdline"
	run --config "$W/conf"
	expect_rc 0
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" \
		--append="console=tty0 nr_cpus=1 reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0"
}

case_cmdline_append_spaces() {
	# shellcheck disable=SC2016 # $(touch x) must reach the loader as text
	echo 'CMDLINE_APPEND=loglevel=7  log_buf_len=1M a=* $(touch x) it'"'"'s' >>"$W/conf"
	# In this shell, not a subshell: run sets rc, out and err.
	cd "$W" && run --config "$W/conf"
	cd "$T" || exit 1
	expect_rc 0
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" \
		--append="$BASE loglevel=7  log_buf_len=1M a=* \$(touch x) it's"
}

case_dry_run() {
	echo 'CMDLINE_APPEND=it'"'"'s' >>"$W/conf"
	run --config "$W/conf" --dry-run
	expect_rc 0
	expect_err ""
	expect_out "kexec -p $W/boot/vmlinuz --initrd=$W/boot/initrd.img '--append=$BASE it'\\''s'"
	expect_no_kexec
}

case_kernel_initrd_override() {
	sed -i 's|^CAPTURE_KERNEL=.*|CAPTURE_KERNEL=/nonexistent/vmlinuz|; s|^CAPTURE_INITRD=.*|CAPTURE_INITRD=/nonexistent/initrd|' "$W/conf"
	mv "$W/boot/vmlinuz" "$W/boot/other-vmlinuz"
	: >"$W/boot/other-initrd"
	fake_builtin "$W/boot/other-vmlinuz"
	run --config "$W/conf" --kernel "$W/boot/other-vmlinuz" --initrd "$W/boot/other-initrd"
	expect_rc 0
	expect_kexec -s -p "$W/boot/other-vmlinuz" --initrd="$W/boot/other-initrd" --append="$BASE"
}

case_kernel_override_missing() {
	run --config "$W/conf" --kernel "$W/boot/nothere"
	expect_rc 13
	expect_err "$P: capture kernel $W/boot/nothere (--kernel) does not exist"
	expect_no_kexec
}

case_kexec_fails() {
	printf 'Could not find a free area of memory of 0x1400000 bytes...\nlocate_hole failed\n' >"$W/kexec.fail"
	run --config "$W/conf"
	expect_rc 1
	expect_err "$P: kexec_file_load (kexec -s -p) failed: Could not find a free area of memory of 0x1400000 bytes... locate_hole failed; falling back to kexec_load (kexec -p)
$P: kexec: Could not find a free area of memory of 0x1400000 bytes...
$P: kexec: locate_hole failed
$P: kexec -p failed (exit status 1); the 64 MB reserved must hold the capture kernel (4 MB) and initramfs (4 MB) with room to unpack them: if they do not fit, raise crashkernel= and reboot"
	expect_out ""
}

case_no_kexec_binary() {
	# A PATH with only what the loader needs, so the host's kexec is not found.
	rm "$W/bin/kexec"
	mkdir "$W/minbin"
	for t in dash busybox cat wc sed; do
		for d in $(echo "$RUNPATH" | tr : ' '); do
			[ ! -f "$d/$t" ] || { ln -s "$d/$t" "$W/minbin/$t"; break; }
		done
	done
	RUNPATH=$W/minbin
	run --config "$W/conf"
	RUNPATH=$PATH
	expect_rc 1
	expect_err "$P: kexec (package kexec-tools) is not in PATH"
}

case_not_loaded() {
	: >"$W/kexec.noload"
	run --config "$W/conf"
	expect_rc 15
	expect_err "$P: kexec succeeded, but $W/sys/kernel/kexec_crash_loaded is '0', not 1: no capture kernel is armed"
	expect_out ""
}

case_file_load_falls_back() {
	echo 'kexec_file_load failed: Exec format error' >"$W/kexec.fail-with-s"
	run --config "$W/conf"
	expect_rc 0
	expect_err "$P: kexec_file_load (kexec -s -p) failed: kexec_file_load failed: Exec format error; falling back to kexec_load (kexec -p)"
	expect_out "$(armed_line "$BASE")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	expect_same "METHOD in the state" "METHOD=kexec_load" "$(grep ^METHOD= "$W/run/loaded")"
}

# arm64 (DUMPAGENT_ARCH) without _text in the fake /proc/kallsyms: kexec_load
# sees a /proc/kallsyms that starts with the _text of the fake /proc/kcore's
# kernel-text segment (unshare -m, mount -o bind: as root, the host's
# /proc/kallsyms untouched), and the copy in $RUN is gone after.
# fake_kcore: the fake /proc/kallsyms without _text, and a /proc/kcore whose
# kernel-text segment says _text is at 0xffff800008000000 (arm-plan's kallsyms_text).
fake_kcore() {
	printf 'ffff800008010000 T _stext\nffff800009760000 T _etext\n' >"$W/proc/kallsyms"
	# A 64-bit ELF core of one PT_LOAD [0xffff800008000000, +0x2450000).
	z8='\0\0\0\0\0\0\0\0'
	# shellcheck disable=SC2059 # z8 is eight octal escapes for printf
	printf "\177ELF\2\1\1$z8\0\4\0\267\0\1\0\0\0$z8\100\0\0\0\0\0\0\0$z8\0\0\0\0\100\0\70\0\1\0\0\0\0\0\0\0" >"$W/proc/kcore"
	# shellcheck disable=SC2059 # the same
	printf "\1\0\0\0\0\0\0\0$z8\0\0\0\10\0\200\377\377$z8$z8\0\0\105\2\0\0\0\0$z8" >>"$W/proc/kcore"
}

case_arm64_kexec_load_gets_text() {
	fake_kcore
	echo 'syscall kexec_file_load not available.' >"$W/kexec.fail-with-s"
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 0
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	expect_same "kexec_load's /proc/kallsyms" "ffff800008000000 T _text" "$(cat "$W/kexec.kallsyms-head")"
	expect_same "what is left in \$RUN" "loaded" "$(ls "$W/run")"
	expect_same "the host's _text lines" "0" "$(grep -c '^ffff800008000000 T _text$' /proc/kallsyms)"
}

# The loader killed while kexec_load runs (systemd's stop sends TERM to the
# whole unit): the kallsyms copy in $RUN goes with it. The loader runs in a
# process group of its own, and the TERM goes to the group, as systemd's does.
case_arm64_killed_during_kexec_load() {
	fake_kcore
	echo 'syscall kexec_file_load not available.' >"$W/kexec.fail-with-s"
	: >"$W/kexec.hang"
	# shellcheck disable=SC2086 # "busybox sh" is two words
	env DUMPAGENT_ARCH=aarch64 DUMPAGENT_SYSFS="$W/sys" DUMPAGENT_PROC="$W/proc" DUMPAGENT_AGENT="$AGENT" \
		DUMPAGENT_BUILDER="$W/no-builder" DUMPAGENT_STATE="$W/state" DUMPAGENT_RUN="$W/run" \
		DUMPAGENT_GRUB_DIR="$W/etc/default/grub.d" PATH="$W/bin:$RUNPATH" \
		setsid $SH "$LOADER" --config "$W/conf" >"$W/stdout" 2>"$W/stderr" &
	pid=$!
	n=0
	while [ ! -f "$W/kexec.hung" ] && [ "$n" -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	[ -f "$W/kexec.hung" ] || fail "kexec_load never ran: $(cat "$W/stderr")"
	expect_same "the kallsyms copy while kexec_load runs" "1" "$(ls -d "$W"/run/kallsyms.* 2>/dev/null | wc -l)"
	kill -TERM "-$pid" 2>/dev/null || fail "cannot signal the loader's process group $pid"
	wait "$pid" || :
	expect_same "what is left in \$RUN" "" "$(ls "$W/run")"
}

# arm64 without _text and without /proc/kcore: refused by name, kexec_load not run.
case_arm64_no_kcore_refuses() {
	printf 'ffff800008010000 T _stext\nffff800009760000 T _etext\n' >"$W/proc/kallsyms"
	echo 'syscall kexec_file_load not available.' >"$W/kexec.fail-with-s"
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 1
	expect_err "$P: kexec_file_load (kexec -s -p) failed: syscall kexec_file_load not available.; falling back to kexec_load (kexec -p)
$P: kexec_load (kexec -p) would arm a capture that cannot read the crashed kernel's memory: open $W/proc/kcore: No such file or directory; kexec_load on arm64 needs the running kernel's _text, which /proc/kallsyms does not list (no CONFIG_KALLSYMS_ALL): run as root, on a kernel with CONFIG_PROC_KCORE"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
}

FALLBACK="falling back to kexec_load (kexec -p)"

# Cases that make mktemp or mount fail with a fake in $W/bin run under dash
# alone: busybox sh runs its own applets (mktemp, mount, unshare) before any
# of PATH's fakes, so there the fake would never run. The loader's code on
# these paths is the same under both shells.
DASH_ONLY="arm64_kallsyms_copy_fails_restores arm64_bind_mount_fails"
NO_ROOM="the 64 MB reserved must hold the capture kernel (4 MB) and initramfs (4 MB) with room to unpack them: if they do not fit, raise crashkernel= and reboot"

# A reload whose kexec_load fails on arm64: the kernel loaded before is loaded
# again as load loads it, with _text in kexec_load's /proc/kallsyms (else it
# would be armed with a capture that cannot read memory).
case_arm64_restore_gets_text() {
	fake_kcore
	echo 'syscall kexec_file_load not available.' >"$W/kexec.fail-with-s"
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	expect_rc 0
	echo 'CMDLINE_APPEND=loglevel=7' >>"$W/conf"
	echo 'loglevel=7' >"$W/kexec.fail-if"
	rm -f "$W/kexec.kallsyms-head"
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 1
	expect_err "$P: kexec_file_load (kexec -s -p) failed: syscall kexec_file_load not available.; $FALLBACK
$P: kexec: locate_hole failed
$P: kexec -p failed (exit status 1); $NO_ROOM
$P: the capture kernel loaded before ($W/boot/vmlinuz, $W/boot/initrd.img) is loaded again"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE loglevel=7" -- \
		-p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE loglevel=7" -- \
		-s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	expect_same "the restoring kexec_load's /proc/kallsyms" "ffff800008000000 T _text" "$(cat "$W/kexec.kallsyms-head")"
	expect_same "loaded" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	expect_same "what is left in \$RUN" "loaded" "$(ls "$W/run")"
}

# Loaded by kexec_file_load, which fails at the reload; without /proc/kcore
# no kexec_load may restore it (its capture could not read memory): nothing
# is armed, the error says so, and nothing is recorded.
case_arm64_restore_refused_without_text() {
	printf 'ffff800008010000 T _stext\nffff800009760000 T _etext\n' >"$W/proc/kallsyms"
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	expect_rc 0
	echo 'kexec_file_load failed: Invalid argument' >"$W/kexec.fail-with-s"
	echo 'CMDLINE_APPEND=loglevel=7' >>"$W/conf"
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 1
	expect_err "$P: kexec_file_load (kexec -s -p) failed: kexec_file_load failed: Invalid argument; $FALLBACK
$P: kexec_load (kexec -p) would arm a capture that cannot read the crashed kernel's memory: open $W/proc/kcore: No such file or directory; kexec_load on arm64 needs the running kernel's _text, which /proc/kallsyms does not list (no CONFIG_KALLSYMS_ALL): run as root, on a kernel with CONFIG_PROC_KCORE
$P: nothing is armed: the capture kernel loaded before ($W/boot/vmlinuz) was freed by the failed load, and loading it again failed too"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE loglevel=7" -- \
		-s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	expect_same "loaded" 0 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	[ ! -e "$W/run/loaded" ] || fail "a record is left with nothing loaded"
}

# The copy of /proc/kallsyms cannot be made after kexec_file_load failed (and
# freed the kernel loaded before): it is loaded again, and the error says so.
# First the directory in $RUN (mktemp fails), then the copy (a directory is in its way).
case_arm64_kallsyms_copy_fails_restores() {
	fake_kcore
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	expect_rc 0
	echo 'CMDLINE_APPEND=loglevel=7' >>"$W/conf"
	echo 'loglevel=7' >"$W/kexec.fail-if"
	# shellcheck disable=SC2016 # $2 is the fake's (mktemp -d TEMPLATE)
	printf '#!/bin/sh\necho "mktemp: failed to create directory via template $2: No space left on device" >&2\nexit 1\n' >"$W/bin/mktemp"
	chmod +x "$W/bin/mktemp"
	run --config "$W/conf"
	expect_rc 1
	again="$P: the capture kernel loaded before ($W/boot/vmlinuz, $W/boot/initrd.img) is loaded again"
	expect_err "$P: kexec_file_load (kexec -s -p) failed: locate_hole failed; $FALLBACK
$P: cannot create a directory in $W/run for the kallsyms with _text that kexec needs: mktemp: failed to create directory via template $W/run/kallsyms.XXXXXX: No space left on device
$again"
	expect_same "loaded" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	# shellcheck disable=SC2016 # $2 is the fake's: it makes $RUN/kallsyms.1 with a directory kallsyms in it
	printf '#!/bin/sh\nmkdir -p "${2%%.XXXXXX}.1/kallsyms" && echo "${2%%.XXXXXX}.1"\n' >"$W/bin/mktemp"
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 1
	case $err in "$P: kexec_file_load (kexec -s -p) failed: locate_hole failed; $FALLBACK
$P: cannot write $W/run/kallsyms.1/kallsyms, the kallsyms with _text that kexec needs: "*"$W/run/kallsyms.1/kallsyms: Is a directory
$again") ;;
	*) fail "stderr: expected the kallsyms copy not written, and the kernel loaded again; got
$err" ;;
	esac
	expect_same "loaded" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	expect_same "what is left in \$RUN" "loaded" "$(ls "$W/run")"
}

# The bind mount over /proc/kallsyms fails: said as that, not as kexec's or
# the reservation's failure, and kexec_load is not run.
BIND_FAILED="cannot bind-mount the kallsyms with _text that kexec needs over /proc/kallsyms in a private mount namespace (unshare -m)"
BIND_NEEDS="kexec_load on arm64 needs root with CAP_SYS_ADMIN, a kernel with mount namespaces (CONFIG_NAMESPACES), and unshare and mount (util-linux)"
case_arm64_bind_mount_fails() {
	fake_kcore
	echo 'syscall kexec_file_load not available.' >"$W/kexec.fail-with-s"
	printf '#!/bin/sh\necho "mount: /proc/kallsyms: permission denied." >&2\nexit 32\n' >"$W/bin/mount"
	chmod +x "$W/bin/mount"
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 1
	expect_err "$P: kexec_file_load (kexec -s -p) failed: syscall kexec_file_load not available.; $FALLBACK
$P: $BIND_FAILED: mount: /proc/kallsyms: permission denied.; $BIND_NEEDS"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	expect_same "what is left in \$RUN" "" "$(ls "$W/run")"
}

# The same when unshare -m is refused: the loader run without CAP_SYS_ADMIN
# (setpriv drops it from the bounding set), under either shell's unshare.
case_arm64_unshare_refused() {
	fake_kcore
	echo 'syscall kexec_file_load not available.' >"$W/kexec.fail-with-s"
	export DUMPAGENT_ARCH=aarch64
	mkdir "$W/nocap"
	printf '#!/bin/sh\nexec setpriv --bounding-set -sys_admin --inh-caps -sys_admin %s "$@"\n' "$(command -v busybox)" >"$W/nocap/busybox"
	printf '#!/bin/sh\nexec setpriv --bounding-set -sys_admin --inh-caps -sys_admin %s "$@"\n' "$(command -v dash)" >"$W/nocap/dash"
	chmod +x "$W/nocap/busybox" "$W/nocap/dash"
	SH_WAS=$SH SH="$W/nocap/$SH" # dash, or busybox sh, through setpriv
	run --config "$W/conf"
	SH=$SH_WAS
	unset DUMPAGENT_ARCH
	expect_rc 1
	case $err in "$P: kexec_file_load (kexec -s -p) failed: syscall kexec_file_load not available.; $FALLBACK
$P: $BIND_FAILED: unshare: unshare"*": Operation not permitted; $BIND_NEEDS") ;;
	*) fail "stderr: expected unshare's refusal, said as the bind mount's; got
$err" ;;
	esac
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
}

# --dry-run on arm64 prints the kexec_load that would run: in the private
# mount namespace, with the _text line; that command, run, gives kexec it.
# Without _text it says that kexec_load would be refused.
case_arm64_dry_run_shows_text() {
	fake_kcore
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf" --dry-run
	expect_rc 0
	expect_err ""
	# shellcheck disable=SC2016 # $1 and $@ are the printed script's
	expect_out "$P: kexec_load (kexec -p) runs in a private mount namespace where /proc/kallsyms is a copy, $W/run/kallsyms.XXXXXX/kallsyms, that starts with the line: ffff800008000000 T _text
unshare -m sh -c 'mount -o bind \"\$1\" /proc/kallsyms && : >\"\$1.mounted\" && shift && exec kexec \"\$@\"' sh $W/run/kallsyms.XXXXXX/kallsyms -p $W/boot/vmlinuz --initrd=$W/boot/initrd.img '--append=$BASE'"
	expect_no_kexec
	mkdir -p "$W/run/kallsyms.XXXXXX"
	{ echo 'ffff800008000000 T _text' && cat /proc/kallsyms; } >"$W/run/kallsyms.XXXXXX/kallsyms"
	PATH="$W/bin:$RUNPATH" sh -c "$(echo "$out" | sed -n 2p)" || fail "the printed command failed"
	expect_same "the printed command's /proc/kallsyms" "ffff800008000000 T _text" "$(cat "$W/kexec.kallsyms-head")"
	rm "$W/proc/kcore"
	run --config "$W/conf" --dry-run
	unset DUMPAGENT_ARCH
	expect_rc 0
	expect_err "$P: warning: kexec_load (kexec -p) would arm a capture that cannot read the crashed kernel's memory: open $W/proc/kcore: No such file or directory; kexec_load on arm64 needs the running kernel's _text, which /proc/kallsyms does not list (no CONFIG_KALLSYMS_ALL): run as root, on a kernel with CONFIG_PROC_KCORE"
	expect_out ""
}

# CAPTURE_MODE=small under lockdown is tried (it may be signed); refused: 18.
case_lockdown_says_so() {
	echo 'none integrity [confidentiality]' >"$W/sys/kernel/security/lockdown"
	echo 'kexec_file_load failed: Key was rejected by service' >"$W/kexec.fail"
	echo CAPTURE_MODE=small >>"$W/conf"
	run --config "$W/conf"
	expect_rc 18
	expect_err "$P: kexec: kexec_file_load failed: Key was rejected by service
$P: kexec -s -p $W/boot/vmlinuz failed (exit status 1): kernel lockdown (confidentiality, Secure Boot) loads only a capture kernel signed by a key the kernel trusts, and $W/boot/vmlinuz is not (or its key is not enrolled): sign it with sbsign and enroll the key (mokutil --import), or set CAPTURE_MODE=auto, which boots the distro's signed kernel under lockdown"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
}

# A DRM card bound to DRIVER (sysfs: the card's device/driver link, and its
# fbdev emulation fb0 "DRIVERdrmfb"), as bochs-drm on SeaBIOS leaves it.
fake_drm_card() {
	dev=$W/sys/devices/pci0000:00/0000:00:01.0
	mkdir -p "$dev/drm/card0" "$W/sys/class/drm" "$W/sys/bus/pci/drivers/$1" "$W/sys/class/graphics/fb0"
	ln -s "$dev/drm/card0" "$W/sys/class/drm/card0"
	ln -s "$dev" "$dev/drm/card0/device"
	ln -s "$W/sys/bus/pci/drivers/$1" "$dev/driver"
	echo "${1}drmfb" >"$W/sys/class/graphics/fb0/name"
}

# BSOD=1 on a display no capture kernel draws on: armed, with a warning that
# THREADS=2 on x86_64 (the host's uname, no DUMPAGENT_ARCH): nr_cpus=2 and
# disable_cpu_apicid= with /proc/cpuinfo's apicid of processor 0 (not the
# first block here), and the warning of what no test has answered
# (makedumpfile's race). Without cpuinfo: one CPU, and the warning says why.
THREADS_RACE="$P: warning: THREADS asks for more than one makedumpfile thread: makedumpfile before 1.7.8 can write corrupt pages with --num-threads (upstream fix 65bf4c9); set THREADS=auto unless yours is 1.7.8 or later"
case_threads_warned() {
	echo THREADS=2 >>"$W/conf"
	export DUMPAGENT_ARCH=x86_64 # what the case is about, on any host
	printf 'processor\t: 1\ninitial apicid\t: 2\napicid\t\t: 2\n\nprocessor\t: 0\ninitial apicid\t: 6\napicid\t\t: 6\n\n' \
		>"$W/proc/cpuinfo"
	run --config "$W/conf"
	expect_rc 0
	expect_err "$THREADS_RACE"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" \
		--append="$(echo "$BASE" | sed 's/nr_cpus=1/nr_cpus=2 disable_cpu_apicid=6/')"
	rm -f "$W/run/loaded" "$W/kexec.args" "$W/proc/cpuinfo"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	run --config "$W/conf"
	expect_rc 0
	expect_err "$P: warning: THREADS: 2 threads cut to one (nr_cpus=1): the boot CPU's APIC ID for disable_cpu_apicid= is not known (open $W/proc/cpuinfo: No such file or directory), and without it the capture kernel would start the other CPUs with INIT, which the crashed kernel's boot CPU may answer with a reset of the machine"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	unset DUMPAGENT_ARCH
}

# arm64 starts CPUs through PSCI, not INIT: THREADS=2 is nr_cpus=2 alone.
case_arm64_threads() {
	echo THREADS=2 >>"$W/conf"
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 0
	expect_err "$THREADS_RACE"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$(echo "$BASE" | sed 's/nr_cpus=1/nr_cpus=2/')"
}

# names the driver; BSOD=0 (the default), or no DRM driver: no warning.
case_bsod_screen_not_possible() {
	echo BSOD=1 >>"$W/conf"
	run --config "$W/conf"
	expect_rc 0
	expect_err ""
	rm -f "$W/run/loaded" "$W/kexec.args"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	fake_drm_card bochs-drm
	run --config "$W/conf"
	expect_rc 0
	expect_err "$P: warning: BSOD=1: brown screen: not possible with bochs-drm, the serial console still gets it"
	expect_out "$(armed_line "$BASE")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	run --config "$W/conf" # armed already: the driver may have bound since the load
	expect_rc 0
	expect_err "$P: warning: BSOD=1: brown screen: not possible with bochs-drm, the serial console still gets it"
	sed -i '/^BSOD=1$/d' "$W/conf"
	rm -f "$W/run/loaded" "$W/kexec.args"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	run --config "$W/conf"
	expect_rc 0
	expect_err ""
}

# OVMF's boot framebuffer (a screen_info of EFI type, 1280x800x32 at the
# card's video memory, 0xc0000000) that bochs-drm keeps scanning out:
# kexec_file_load passes it on, kexec_load does not. The warning is the one
# of the call that loaded.
fake_efi_framebuffer() {
	mkdir -p "$W/sys/kernel/boot_params"
	{
		head -c 15 /dev/zero
		printf '\160\000\000\000\005\040\003\040\000\000\000\000\300' # type 0x70; 1280x800x32 at 0xc0000000
		head -c 8 /dev/zero
		printf '\000\024' # lfb_linelength 5120 at 0x24
		head -c 90 /dev/zero
	} >"$W/sys/kernel/boot_params/data"
	printf '%s\n' "0x00000000c0000000 0x00000000c0ffffff 0x0000000000042208" >"$dev/resource"
	echo 1280,800 >"$W/sys/class/graphics/fb0/virtual_size"
	echo 5120 >"$W/sys/class/graphics/fb0/stride"
	echo 32 >"$W/sys/class/graphics/fb0/bits_per_pixel"
}

case_bsod_kept_framebuffer_needs_file_load() {
	echo BSOD=1 >>"$W/conf"
	fake_drm_card bochs-drm
	fake_efi_framebuffer
	run --config "$W/conf"
	expect_rc 0
	expect_err ""
	rm -f "$W/run/loaded" "$W/kexec.args"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	echo 'kexec_file_load failed: Exec format error' >"$W/kexec.fail-with-s"
	run --config "$W/conf"
	expect_rc 0
	expect_err "$P: kexec_file_load (kexec -s -p) failed: kexec_file_load failed: Exec format error; falling back to kexec_load (kexec -p)
$P: warning: BSOD=1: brown screen: not possible with bochs-drm, the serial console still gets it"
}

case_noop_when_unchanged() {
	run --config "$W/conf"
	expect_rc 0
	expect_same "state" "KERNEL=$W/boot/vmlinuz" "$(grep ^KERNEL= "$W/run/loaded")"
	run --config "$W/conf"
	expect_rc 0
	expect_out "$P: already armed with the same kernel, initramfs, configuration, command line, memory and CPUs: nothing to do"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
}

# Memory or CPU hotplug (the udev rule reloads): the core headers are stale.
case_reload_on_hotplug() {
	printf '%s\n' '00100000-3fffffff : System RAM' >"$W/proc/iomem"
	mkdir -p "$W/sys/devices/system/cpu"
	echo 0 >"$W/sys/devices/system/cpu/present"
	run --config "$W/conf"
	printf '%s\n' '100000000-10fffffff : System RAM' >>"$W/proc/iomem"
	run --config "$W/conf"
	expect_rc 0
	expect_out "$(armed_line "$BASE")"
	echo 0-1 >"$W/sys/devices/system/cpu/present"
	run --config "$W/conf"
	expect_out "$(armed_line "$BASE")"
	expect_same "kexec runs" 3 "$(grep -c -- '^-s$' "$W/kexec.args")"
}

case_reload_on_change() {
	run --config "$W/conf"
	echo x >>"$W/boot/initrd.img"
	run --config "$W/conf"
	expect_rc 0
	expect_out "$(armed_line "$BASE")"
	echo '# a comment changes the checksum' >>"$W/conf"
	run --config "$W/conf"
	expect_out "$(armed_line "$BASE")"
	expect_same "kexec runs" 3 "$(grep -c -- '^-s$' "$W/kexec.args")"
	# loaded no more (e.g. after kexec -p -u by hand): loaded again
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	run --config "$W/conf"
	expect_same "kexec runs" 4 "$(grep -c -- '^-s$' "$W/kexec.args")"
}

case_unload() {
	run --config "$W/conf"
	run --unload
	expect_rc 0
	expect_out "$P: unloaded the capture kernel"
	expect_same "loaded" 0 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	[ ! -e "$W/run/loaded" ] || fail "the state file is left after --unload"
}

small_capture_files() {
	truncate -s 2M "$W/boot/vmlinuz"
	head -c 8388608 /dev/zero | gzip -c >"$W/boot/initrd.img"
}

case_shrink() {
	small_capture_files
	run --config "$W/conf" --shrink
	expect_rc 0
	# 2 MiB * 4 + the gzip + 8 MiB unpacked + 12 MiB, plus 20%: 34 MiB in 2 MiB
	# steps; below the 48 MiB floor the bench justifies, so 48.
	expect_out "$P: --shrink: kexec_crash_size 67108864 -> 50331648: gave 16 MiB back to the system
$(armed_line "$BASE" 48)"
	expect_same "kexec_crash_size" 50331648 "$(cat "$W/sys/kernel/kexec_crash_size")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-p -u -- -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
}

case_shrink_nothing_to_give() {
	echo 50331648 >"$W/sys/kernel/kexec_crash_size"
	run --config "$W/conf" --shrink
	expect_rc 0
	case $out in *"--shrink: the capture environment needs 48 MiB (at least 48) of the 48 MiB reserved: nothing to give back"*) ;;
	*) fail "no 'nothing to give back': $out" ;; esac
}

# Less than the estimate: refused (19) before kexec, with the figures and the fix.
case_reserved_below_need() {
	echo 33554432 >"$W/sys/kernel/kexec_crash_size"
	run --config "$W/conf"
	expect_rc 19
	expect_err "$P: the 32 MiB reserved are less than the small capture environment needs: an estimated 34 MiB (the kernel 16.0 MiB while it boots, the initramfs 4.0 MiB and 12.0 MiB unpacked, 1.0 MiB of working memory), and a capture kernel without them runs out of memory before it saves anything; reserve 48M (load-crashkernel --reserve, then reboot)"
	expect_out ""
	expect_no_kexec
}

# The estimate but not the margin: armed, with a warning.
case_reserved_without_margin() {
	echo 37748736 >"$W/sys/kernel/kexec_crash_size"
	run --config "$W/conf"
	expect_rc 0
	expect_err "$P: warning: the 36 MiB reserved hold the small capture environment's estimated need of 34 MiB (the kernel 16.0 MiB while it boots, the initramfs 4.0 MiB and 12.0 MiB unpacked, 1.0 MiB of working memory) but not the margin of 20%: reserve 48M (load-crashkernel --reserve, then reboot)"
	expect_out "$(armed_line "$BASE" 36)"
}

# What the loader reads as GRUB's settings.
fake_grub() {
	mkdir -p "$W/etc/default"
	echo 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"' >"$W/etc/default/grub"
	printf '#!/bin/sh\necho ran >"%s/update-grub.ran"\n' "$W" >"$W/bin/update-grub"
	chmod +x "$W/bin/update-grub"
}

case_reserve() {
	small_capture_files
	fake_grub
	# A comment that names crashkernel= is no second setting.
	echo '# GRUB_CMDLINE_LINUX="crashkernel=1G"' >>"$W/etc/default/grub"
	printf '#!/bin/sh\necho ran >"%s/update-grub.ran"\n' "$W" >"$W/bin/update-grub"
	chmod +x "$W/bin/update-grub"
	run --config "$W/conf" --reserve
	expect_rc 0
	expect_out "$P: --reserve: crashkernel=24M written to $W/etc/default/grub.d/dumpagent.cfg and update-grub run: reboot to reserve it"
	# shellcheck disable=SC2016 # the setting is shell for grub-mkconfig, unexpanded
	expect_same "grub setting" 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=24M"' \
		"$(sed -n 2p "$W/etc/default/grub.d/dumpagent.cfg")"
	[ -f "$W/update-grub.ran" ] || fail "update-grub did not run"
	expect_no_kexec
}

case_reserve_without_grub() {
	small_capture_files
	run --config "$W/conf" --reserve
	expect_rc 0
	expect_out "$P: --reserve: the capture environment needs crashkernel=24M; no GRUB here (no $W/etc/default/grub): add crashkernel=24M to the kernel command line and reboot"
}

# /etc/default exists on every Debian system; GRUB is there only with its file.
case_reserve_etc_default_without_grub() {
	small_capture_files
	mkdir -p "$W/etc/default"
	run --config "$W/conf" --reserve
	expect_rc 0
	expect_out "$P: --reserve: the capture environment needs crashkernel=24M; no GRUB here (no $W/etc/default/grub): add crashkernel=24M to the kernel command line and reboot"
	[ ! -e "$W/etc/default/grub.d" ] || fail "grub.d written without GRUB"
}

case_reserve_again_replaces_ours() {
	small_capture_files
	fake_grub
	run --config "$W/conf" --reserve
	truncate -s 8M "$W/boot/vmlinuz"
	run --config "$W/conf" --reserve
	expect_rc 0
	# shellcheck disable=SC2016 # the setting is shell for grub-mkconfig, unexpanded
	expect_same "grub setting" 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=56M"' \
		"$(sed -n 2p "$W/etc/default/grub.d/dumpagent.cfg")"
}

case_reserve_refuses_second_crashkernel() {
	small_capture_files
	fake_grub
	echo 'GRUB_CMDLINE_LINUX="root=/dev/vda1 crashkernel=128M"' >>"$W/etc/default/grub"
	run --config "$W/conf" --reserve
	expect_rc 16
	expect_err "$P: --reserve: crashkernel= is already set in $W/etc/default/grub; a second one would be ambiguous: set crashkernel=24M there instead (or remove it and run --reserve again)"
	[ ! -e "$W/etc/default/grub.d/dumpagent.cfg" ] || fail "dumpagent.cfg written beside another crashkernel="
	[ ! -e "$W/update-grub.ran" ] || fail "update-grub ran"
	# kdump-tools' snippet counts too.
	fake_grub
	mkdir -p "$W/etc/default/grub.d"
	# shellcheck disable=SC2016 # the setting is shell for grub-mkconfig, unexpanded
	echo 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M"' \
		>"$W/etc/default/grub.d/kdump-tools.cfg"
	run --config "$W/conf" --reserve
	expect_rc 16
	expect_err "$P: --reserve: crashkernel= is already set in $W/etc/default/grub.d/kdump-tools.cfg; a second one would be ambiguous: set crashkernel=24M there instead (or remove it and run --reserve again)"
}

case_reserve_dry_run() {
	small_capture_files
	fake_grub
	run --config "$W/conf" --reserve --dry-run
	expect_rc 0
	expect_out "$P: --reserve: would write crashkernel=24M to $W/etc/default/grub.d/dumpagent.cfg and run update-grub"
	[ ! -e "$W/etc/default/grub.d/dumpagent.cfg" ] || fail "--dry-run wrote dumpagent.cfg"
	[ ! -e "$W/update-grub.ran" ] || fail "--dry-run ran update-grub"
}

case_unload_dry_run() {
	run --config "$W/conf"
	run --unload --dry-run
	expect_rc 0
	expect_out "kexec -p -u"
	expect_same "loaded" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	[ -e "$W/run/loaded" ] || fail "--unload --dry-run removed the state file"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
}

# The usual state after boot is armed: --shrink must still shrink.
case_shrink_when_armed() {
	small_capture_files
	run --config "$W/conf"
	run --config "$W/conf" --shrink
	expect_rc 0
	expect_out "$P: --shrink: kexec_crash_size 67108864 -> 50331648: gave 16 MiB back to the system
$(armed_line "$BASE" 48)"
	expect_same "kexec_crash_size" 50331648 "$(cat "$W/sys/kernel/kexec_crash_size")"
	expect_same "loaded" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	run --config "$W/conf" --shrink
	expect_rc 0
	expect_out "$P: --shrink: the capture environment needs 48 MiB (at least 48) of the 48 MiB reserved: nothing to give back
$(armed_line "$BASE" 48)"
}

# The load after the shrink fails: the error names the size left, and that
# the memory given back is gone until a reboot.
case_shrink_reload_fails() {
	small_capture_files
	echo 60000000 >"$W/kexec.fail-below"
	run --config "$W/conf" --shrink
	expect_rc 1
	expect_err "$P: kexec_file_load (kexec -s -p) failed: locate_hole failed; falling back to kexec_load (kexec -p)
$P: kexec: locate_hole failed
$P: kexec -p failed (exit status 1); the 48 MB reserved must hold the capture kernel (2 MB) and initramfs (1 MB) with room to unpack them: if they do not fit, raise crashkernel= and reboot
$P: --shrink gave 16 MiB back already: they cannot be reserved again before a reboot; reboot (and do not use --shrink) to capture crashes again"
}

# Another tool's capture kernel is loaded (no record of ours): say so.
case_foreign_capture_kernel() {
	echo 1 >"$W/sys/kernel/kexec_crash_loaded"
	run --config "$W/conf"
	expect_rc 0
	expect_err "$P: warning: a capture kernel that $P did not load is armed (kdump-tools?): replacing it with dumpagent's; disable the other service (systemctl disable kdump-tools), or the next to load wins"
	expect_out "$(armed_line "$BASE")"
}

case_unload_if_valid() {
	run --config "$W/conf"
	echo 'DUMP_LEVEL=40' >>"$W/conf"
	run --unload --if-valid --config "$W/conf"
	expect_rc 101
	expect_err "$P: $W/conf:5: DUMP_LEVEL: bad value '40': expected a number from 0 to 31
$P: --unload --if-valid: the capture kernel stays loaded; fix the error, or disarm with $P --unload"
	expect_same "loaded" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	# A missing capture kernel would fail the start as well.
	sed -i '$d' "$W/conf"
	mv "$W/boot/vmlinuz" "$W/boot/vmlinuz.old"
	run --unload --if-valid --config "$W/conf"
	expect_rc 13
	expect_same "loaded" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	mv "$W/boot/vmlinuz.old" "$W/boot/vmlinuz"
	run --unload --if-valid --config "$W/conf"
	expect_rc 0
	expect_err ""
	expect_out "$P: unloaded the capture kernel"
	expect_same "loaded" 0 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	# Nothing loaded: nothing to keep, no check.
	echo 'DUMP_LEVEL=40' >>"$W/conf"
	run --unload --if-valid --config "$W/conf"
	expect_rc 0
}

# service VERB: runs the loader's command lines of debian/dumpagent.service
# for "systemctl VERB" (restart: ExecStop, then ExecStart) with --config $W/conf;
# stops at the first failure, as systemd does. Sets rc, out, err.
service() {
	case $1 in
	start) keys=ExecStart ;;
	stop) keys=ExecStop ;;
	restart) keys="ExecStop ExecStart" ;;
	reload) keys=ExecReload ;;
	esac
	ran=''
	for k in $keys; do
		# Each line starts with "x", so that a line without arguments is not lost.
		lines=$(sed -n "s|^$k=/usr/sbin/load-crashkernel|x|p" "$REPO/debian/dumpagent.service")
		while IFS= read -r args; do
			[ -n "$args" ] || continue
			args=${args#x} ran=1
			# shellcheck disable=SC2086 # the unit's arguments are words
			run $args --config "$W/conf"
			[ "$rc" = 0 ] || return 0
		done <<-EOF
			$lines
		EOF
	done
	[ -n "$ran" ] || fail "debian/dumpagent.service has no $keys line for load-crashkernel"
}

# A reload whose kexec fails (the kernel freed the loaded capture kernel
# first): the one loaded before is loaded again, and the error says so.
case_reload_kexec_fails_restores() {
	service start
	echo 'CMDLINE_APPEND=loglevel=7' >>"$W/conf"
	echo 'loglevel=7' >"$W/kexec.fail-if"
	service reload
	expect_rc 1
	expect_err "$P: kexec_file_load (kexec -s -p) failed: locate_hole failed; falling back to kexec_load (kexec -p)
$P: kexec: locate_hole failed
$P: kexec -p failed (exit status 1); the 64 MB reserved must hold the capture kernel (4 MB) and initramfs (4 MB) with room to unpack them: if they do not fit, raise crashkernel= and reboot
$P: the capture kernel loaded before ($W/boot/vmlinuz, $W/boot/initrd.img) is loaded again"
	expect_same "loaded" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE loglevel=7" -- \
		-p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE loglevel=7" -- \
		-s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	grep -qx "CMDLINE=$BASE" "$W/run/loaded" || fail "the record is not the restored kernel's: $(cat "$W/run/loaded")"
	# The files changed since: nothing to restore, and no record of a kernel.
	echo x >>"$W/boot/initrd.img"
	service reload
	expect_rc 1
	case $err in *"$P: nothing is armed: the capture kernel loaded before ($W/boot/vmlinuz) was freed by the failed load, and its files changed since") ;;
	*) fail "no 'nothing is armed': $err" ;; esac
	[ ! -e "$W/run/loaded" ] || fail "a record is left with nothing loaded"
}

case_service_restart_after_typo() {
	service start
	expect_rc 0
	echo 'COMPRESSION=xz' >>"$W/conf"
	service restart
	expect_rc 101
	expect_same "loaded after the failed restart" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	sed -i 's/^COMPRESSION=xz/COMPRESSION=lzo/' "$W/conf"
	service restart
	expect_rc 0
	expect_same "loaded after the restart" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	service stop
	expect_rc 0
	expect_same "loaded after stop" 0 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
}

case_service_reload_after_typo() {
	service start
	echo 'COMPRESSION=xz' >>"$W/conf"
	service reload
	expect_rc 101
	expect_err "$P: $W/conf:5: COMPRESSION: bad value 'xz': expected zlib, lzo, zstd or none"
	expect_same "loaded after the failed reload" 1 "$(cat "$W/sys/kernel/kexec_crash_loaded")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE"
	sed -i 's/^COMPRESSION=xz/CMDLINE_APPEND=loglevel=7/' "$W/conf"
	service reload
	expect_rc 0
	expect_out "$(armed_line "$BASE loglevel=7")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE" -- \
		-s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$BASE loglevel=7"
}

case_help() {
	run --help
	expect_rc 0
	expect_err ""
	for want in "--shrink" "--reserve" "--unload" "--if-valid" "  16   --reserve" "exit status" "  0    armed" "  1    kexec failed" "  15   kexec succeeded" \
		"  12   no memory is reserved" "  13   capture kernel or initramfs" \
		"  101  configuration error" "  129, 130, 143: stopped by SIGHUP, SIGINT or SIGTERM" "  14   TARGET=auto" "  100  usage error" "--check-config" \
		"--dry-run" "--kernel FILE" "--initrd FILE" "--config FILE"; do
		case $out in *"$want"*) ;; *) fail "--help does not mention '$want'" ;; esac
	done
}

case_usage_error() {
	run --bogus
	expect_rc 100
	expect_err "$P: unknown option '--bogus'; see $P --help"
	run --config
	expect_rc 100
	expect_err "$P: --config needs an argument; see $P --help"
	run --if-valid
	expect_rc 100
	expect_err "$P: --if-valid goes with --unload; see $P --help"
	run --unload --reserve
	expect_rc 100
	expect_err "$P: --reserve goes with no other action; see $P --help"
	run --shrink --check-config
	expect_rc 100
	expect_err "$P: --shrink goes with a load, not with --unload, --reserve or --check-config; see $P --help"
	run --dry-run stray
	expect_rc 100
	expect_err "$P: unexpected argument 'stray'; see $P --help"
	expect_no_kexec
}

# The loader cannot read the configuration without the agent: it says so, and loads nothing.
case_agent_missing() {
	RUN_AGENT=$W/no-agent
	run --config "$W/conf"
	RUN_AGENT=
	expect_rc 1
	case $err in "$P: cannot run $W/no-agent arm-args (exit status 127): "*) ;;
	*) fail "stderr: expected 'cannot run $W/no-agent arm-args (exit status 127): ...', got '$err'" ;; esac
	expect_no_kexec
}

case_check_config() {
	run --check-config --config "$W/conf"
	expect_rc 0
	expect_out "$P: $W/conf: ok"
	expect_no_kexec
}

# --- arm64, on this host: DUMPAGENT_ARCH stands in for uname -m.

# arm64_image FILE MIB: FILE becomes an arm64 Image whose header says it
# needs MIB (under 4096) MiB while it boots: "ARM\x64" at 0x38, image_size
# at 16, little-endian (MIB * 16 in its bytes 18 and 19, 64 KiB each).
arm64_image() {
	printf '%b' "\\0$(printf %o $(($2 * 16 % 256)))\\0$(printf %o $(($2 * 16 / 256)))" |
		dd of="$1" bs=1 seek=18 conv=notrunc 2>/dev/null
	printf 'ARM\144' | dd of="$1" bs=1 seek=56 conv=notrunc 2>/dev/null
}

# Armed as on x86_64 (kexec_file_load first); the reservation all above 4
# GiB without crashkernel=Y,low warns, and arms all the same.
case_arm64_arms() {
	arm64_image "$W/boot/vmlinuz" 16
	echo 'root=/dev/vda1 console=ttyAMA0 crashkernel=64M,high' >"$W/proc/cmdline"
	printf '%s\n' '40000000-13fffffff : System RAM' '  13c000000-13fffffff : Crash kernel' >"$W/proc/iomem"
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 0
	expect_err "$P: warning: the memory reserved for the capture kernel is all above 4 GiB ($W/proc/iomem: Crash kernel from 0x13c000000), and arm64's Linux 6.1 reserves none below it without crashkernel=Y,low: a disk controller that cannot reach above 4 GiB fails in the capture kernel; add crashkernel=128M,low, or use crashkernel=X alone"
	want=$(echo "$BASE" | sed 's/console=ttyS0,115200/console=ttyAMA0/')
	expect_out "$(armed_line "$want")"
	expect_kexec -s -p "$W/boot/vmlinuz" --initrd="$W/boot/initrd.img" --append="$want"
}

# A plain crashkernel= that arm64's 6.1 could not place below the DMA limit.
case_arm64_reservation_failed() {
	echo 0 >"$W/sys/kernel/kexec_crash_size"
	echo 'root=/dev/vda1 crashkernel=512M quiet' >"$W/proc/cmdline"
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 12
	expect_err "$P: no memory is reserved for the capture kernel ($W/sys/kernel/kexec_crash_size is 0), although the kernel command line has crashkernel=512M: the kernel could not reserve it (see: dmesg | grep -i crashkernel), try crashkernel=64M, or crashkernel=64M,high crashkernel=128M,low: on arm64, Linux 6.1 places crashkernel=X only below the DMA zone's limit (4 GiB, lower on some boards) and, unlike x86_64, reserves nothing when it does not fit there"
	expect_no_kexec
}

# The x86_64 package's kernel on an arm64 machine: named, before kexec.
case_arm64_refuses_x86_kernel() {
	printf 'HdrS' | dd of="$W/boot/vmlinuz" bs=1 seek=514 conv=notrunc 2>/dev/null
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf"
	unset DUMPAGENT_ARCH
	expect_rc 13
	expect_err "$P: capture kernel $W/boot/vmlinuz is a kernel for x86_64, and this machine runs arm64: install the dumpagent package built for arm64, or set CAPTURE_KERNEL to a kernel for arm64"
	expect_no_kexec
}

# --reserve with arm64's estimate: the Image's 8 MiB, the initramfs (8 MiB
# unpacked) and arm64's 11 MiB of work: 28 MiB, 40 with the margin (x86_64's
# case_reserve: 24M for the same sizes).
case_arm64_reserve() {
	small_capture_files
	arm64_image "$W/boot/vmlinuz" 8
	export DUMPAGENT_ARCH=aarch64
	run --config "$W/conf" --reserve
	unset DUMPAGENT_ARCH
	expect_rc 0
	expect_out "$P: --reserve: the capture environment needs crashkernel=40M; no GRUB here (no $W/etc/default/grub): add crashkernel=40M to the kernel command line and reboot"
}

CASES="armed not_reserved no_crash_size_file reservation_failed missing_kernel missing_initrd
missing_config config_unknown_key config_repeated_key config_bad_value config_quote
config_leading_blank config_quoted_crlf auto_resolved auto_submount auto_fstype_conflict
auto_no_uuid auto_unsupported_fs auto_not_mounted explicit_target_fstype_auto target_by_id_missing
console_and_dumpagent_passthrough no_console cmdline_append_spaces dry_run
kernel_initrd_override kernel_override_missing kexec_fails no_kexec_binary not_loaded
file_load_falls_back arm64_kexec_load_gets_text arm64_killed_during_kexec_load arm64_no_kcore_refuses arm64_restore_gets_text
arm64_restore_refused_without_text arm64_kallsyms_copy_fails_restores arm64_bind_mount_fails arm64_unshare_refused
arm64_dry_run_shows_text lockdown_says_so threads_warned arm64_threads bsod_screen_not_possible bsod_kept_framebuffer_needs_file_load
noop_when_unchanged reload_on_hotplug reload_on_change unload shrink
shrink_nothing_to_give reserved_below_need reserved_without_margin reserve reserve_without_grub help usage_error check_config
reserve_etc_default_without_grub reserve_again_replaces_ours reserve_refuses_second_crashkernel
reserve_dry_run unload_dry_run shrink_when_armed shrink_reload_fails foreign_capture_kernel
unload_if_valid service_restart_after_typo service_reload_after_typo reload_kexec_fails_restores
agent_missing arm64_arms arm64_reservation_failed arm64_refuses_x86_kernel arm64_reserve"

# shellcheck source=tests/shell/run-cases.sh
. "$REPO/tests/shell/run-cases.sh"
run_cases
finish
