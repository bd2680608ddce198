#!/bin/sh
# tests/shell/test-loader-regen.sh: the loader rebuilds the initramfs when the configuration is not the one inside.
#
# Fakes as in test-loader.sh (sysfs, proc, kexec), plus:
#   $W/base.img       the packaged initramfs: a gzip'ed cpio holding
#                     etc/dumpagent.conf (the shipped configuration)
#   $W/bin/builder    DUMPAGENT_BUILDER: appends its arguments to
#                     $W/builder.args and writes a gzip'ed cpio holding the
#                     --config file as etc/dumpagent.conf to --output; fails
#                     with "disk full" if $W/builder.fail exists
#   the target (fake-target.sh): $T/ext4.img (UUID of TARGET) mounted from a
#                     virtio disk 254:1 in $W/sys; $W/vmlinuz.builtin
# Every case runs under dash and busybox sh and asserts the exit status, the
# exact output, which initramfs kexec got and whether the builder ran.
# shellcheck disable=SC2317 # the cases, and what they call, run by name (run-cases.sh)
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/loader-prologue.sh
. "$REPO/tests/shell/loader-prologue.sh"
need cpio cpio
need gzip gzip
RUNPATH=$PATH
errs=''
truncate -s 1M "$T/ext4.img"
mkfs.ext4 -q -F -U 0a1b2c3d-4e5f-6789-abcd-ef0123456789 "$T/ext4.img" 2>/dev/null || die "mkfs.ext4 $T/ext4.img failed"

# mkimg CONFIG OUTPUT: an initramfs holding CONFIG as etc/dumpagent.conf.
mkimg() {
	d=$(mktemp -d "$T/img.XXXXXX")
	mkdir -p "$d/etc"
	cp "$1" "$d/etc/dumpagent.conf"
	(cd "$d" && echo etc/dumpagent.conf | cpio -o -H newc --quiet | gzip -n) >"$2"
	rm -rf "$d"
}

setup() {
	W=$T/w
	rm -rf "$W"
	mkdir -p "$W/sys/kernel" "$W/proc" "$W/bin"
	echo 67108864 >"$W/sys/kernel/kexec_crash_size"
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	echo 'root=/dev/vda ro console=ttyS0' >"$W/proc/cmdline"
	truncate -s 2M "$W/vmlinuz"
	fake_virtio "$W/sys" 254:1
	fake_mounts "$W/proc" 254:1 "$T/ext4.img"
	fake_builtin "$W/vmlinuz"
	cat >"$W/shipped.conf" <<-EOF
		# shipped configuration
		TARGET=UUID=0a1b2c3d-4e5f-6789-abcd-ef0123456789
		CAPTURE_KERNEL=$W/vmlinuz
		CAPTURE_INITRD=$W/base.img
	EOF
	cp "$W/shipped.conf" "$W/conf"
	mkimg "$W/shipped.conf" "$W/base.img"
	cat >"$W/bin/kexec" <<-EOF
		#!/bin/sh
		{ printf '%s\n' "\$@"; echo --; } >>"$W/kexec.args"
		if [ "\$2" = -u ]; then echo 0 >"$W/sys/kernel/kexec_crash_loaded"; exit 0; fi
		echo 1 >"$W/sys/kernel/kexec_crash_loaded"
	EOF
	cat >"$W/bin/builder" <<-EOF
		#!/bin/sh
		printf '%s\n' "\$*" >>"$W/builder.args"
		if [ -f "$W/builder.fail" ]; then echo "disk full" >&2; exit 1; fi
		d=\$(mktemp -d "$T/build.XXXXXX") && mkdir "\$d/etc" && cp "\$2" "\$d/etc/dumpagent.conf" &&
			(cd "\$d" && echo etc/dumpagent.conf | cpio -o -H newc --quiet | gzip -n) >"\$6"
		rm -rf "\$d"
		echo "built \$6"
	EOF
	chmod +x "$W/bin/kexec" "$W/bin/builder"
}

# run ARGS...: the loader under $SH; sets rc, out, err.
run() {
	rm -f "$W/kexec.args"
	# shellcheck disable=SC2086 # "busybox sh" is two words
	env DUMPAGENT_SYSFS="$W/sys" DUMPAGENT_PROC="$W/proc" DUMPAGENT_RUN="$W/run" \
		DUMPAGENT_BUILDER="${BUILDER:-$W/bin/builder}" DUMPAGENT_AGENT="$AGENT" \
		DUMPAGENT_STATE="$W/state" PATH="$W/bin:$RUNPATH" \
		$SH "$LOADER" --config "$W/conf" "$@" >"$W/stdout" 2>"$W/stderr"
	rc=$?
	out=$(cat "$W/stdout")
	err=$(cat "$W/stderr")
}

# A reboot: nothing loaded, /run empty; /var/lib (state) stays.
reboot() {
	echo 0 >"$W/sys/kernel/kexec_crash_loaded"
	rm -rf "$W/run"
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

CMDLINE="console=ttyS0 nr_cpus=1 reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0"
armed() { # INITRD
	echo "$P: mode: auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk ext4"
	echo "$P: armed: $W/vmlinuz ($1) with 64 MB reserved; capture cmdline: $CMDLINE"
}
building() {
	echo "$P: $W/base.img holds another configuration than $W/conf: building $W/state/initramfs.img"
}
expect_initrd() { # the initramfs kexec loaded
	expect_same "kexec --initrd" "--initrd=$1" "$(grep -- '^--initrd=' "$W/kexec.args" 2>/dev/null)"
}
expect_builds() { # N: how many times the builder ran so far
	expect_same "builder runs" "$1" "$(wc -l <"$W/builder.args" 2>/dev/null || echo 0)"
}

edit_config() {
	echo 'DUMP_LEVEL=1' >>"$W/conf"
}

# --- cases

case_same_config_no_build() {
	run
	expect_same "exit status" 0 "$rc"
	expect_same stdout "$(armed "$W/base.img")" "$out"
	expect_same stderr "" "$err"
	expect_initrd "$W/base.img"
	[ ! -e "$W/builder.args" ] || fail "the builder ran: $(cat "$W/builder.args")"
}

case_edited_config_builds() {
	edit_config
	run
	expect_same "exit status" 0 "$rc"
	expect_same stdout "$(building)
$(armed "$W/state/initramfs.img")" "$out"
	expect_same stderr "" "$err"
	expect_same "builder arguments" "--config $W/conf --agent $AGENT --output $W/state/initramfs.img" \
		"$(cat "$W/builder.args")"
	expect_initrd "$W/state/initramfs.img"
	expect_same "state directory mode" 700 "$(stat -c %a "$W/state")"
	grep -q "^INITRD=$W/state/initramfs.img\$" "$W/run/loaded" || fail "loaded does not record the rebuilt initramfs"
	# What the capture kernel will read is the edited configuration.
	mkdir -p "$W/x"
	(cd "$W/x" && gzip -dc "$W/state/initramfs.img" | cpio -i -d --quiet)
	cmp -s "$W/x/etc/dumpagent.conf" "$W/conf" || fail "the rebuilt initramfs does not hold $W/conf"
}

case_next_boot_reuses() {
	edit_config
	run
	reboot
	run
	expect_same "exit status" 0 "$rc"
	expect_same stdout "$(armed "$W/state/initramfs.img")" "$out"
	expect_initrd "$W/state/initramfs.img"
	expect_builds 1
}

case_config_changed_again_rebuilds() {
	edit_config
	run
	reboot
	echo 'COMPRESSION=lzo' >>"$W/conf"
	run
	expect_same "exit status" 0 "$rc"
	expect_same stdout "$(building)
$(armed "$W/state/initramfs.img")" "$out"
	expect_builds 2
}

case_restart_after_edit_reloads() {
	run
	expect_initrd "$W/base.img"
	edit_config
	run # the service restarted without a reboot: loaded, but the configuration changed
	expect_same "exit status" 0 "$rc"
	expect_same stdout "$(building)
$(armed "$W/state/initramfs.img")" "$out"
	expect_initrd "$W/state/initramfs.img"
}

case_back_to_shipped_config() {
	edit_config
	run
	reboot
	cp "$W/shipped.conf" "$W/conf"
	run
	expect_same stdout "$(armed "$W/base.img")" "$out"
	expect_initrd "$W/base.img"
	expect_builds 1
}

case_package_upgrade_rebuilds() {
	edit_config
	run
	reboot
	# A new package: the shipped initramfs changed, the configuration did not.
	{ cat "$W/shipped.conf"; echo '# version 2'; } >"$W/shipped2.conf"
	mkimg "$W/shipped2.conf" "$W/base.img"
	run
	expect_same "exit status" 0 "$rc"
	expect_same stdout "$(building)
$(armed "$W/state/initramfs.img")" "$out"
	expect_builds 2
}

case_tampered_image_rebuilds() {
	edit_config
	run
	reboot
	mkimg "$W/shipped.conf" "$W/state/initramfs.img" # sums still match, contents do not
	run
	expect_same stdout "$(building)
$(armed "$W/state/initramfs.img")" "$out"
	expect_builds 2
}

case_builder_fails() {
	edit_config
	touch "$W/builder.fail"
	run
	expect_same "exit status" 13 "$rc"
	expect_same stderr "$P: rebuilding the capture initramfs with $W/conf failed ($W/bin/builder exit status 1): disk full" "$err"
	[ ! -e "$W/kexec.args" ] || fail "kexec ran after the build failed"
	[ ! -e "$W/state/initramfs.sums" ] || fail "sums recorded for a failed build"
	rm -f "$W/builder.fail"
	run
	expect_same "exit status after the fix" 0 "$rc"
	expect_builds 2
}

case_no_builder_warns() {
	edit_config
	BUILDER=$W/none run
	expect_same "exit status" 0 "$rc"
	expect_same stderr "$P: warning: the initramfs $W/base.img holds another configuration than $W/conf: rebuild it (initramfs/build.sh --config $W/conf), then run $P again" "$err"
	expect_initrd "$W/base.img"
}

case_initrd_option_never_builds() {
	edit_config
	run --initrd "$W/base.img"
	expect_same "exit status" 0 "$rc"
	expect_initrd "$W/base.img"
	[ ! -e "$W/builder.args" ] || fail "the builder ran with --initrd"
}

# A relative --initrd is the same file: the warning must not depend on the path's form.
case_relative_initrd_still_warns() {
	edit_config
	# In this shell, not a subshell: run sets rc, out and err.
	cd "$W" && run --initrd base.img
	cd "$T" || exit 1
	expect_same "exit status" 0 "$rc"
	expect_same stderr "$P: warning: the initramfs base.img holds another configuration than $W/conf: rebuild it (initramfs/build.sh --config $W/conf), then run $P again" "$err"
	expect_initrd base.img
}

case_dry_run_builds_nothing() {
	edit_config
	run --dry-run
	expect_same "exit status" 0 "$rc"
	expect_same stdout "$P: $W/base.img holds another configuration than $W/conf: would build $W/state/initramfs.img
kexec -p $W/vmlinuz --initrd=$W/base.img '--append=$CMDLINE'" "$out"
	[ ! -e "$W/builder.args" ] || fail "the builder ran with --dry-run"
}

CASES="same_config_no_build edited_config_builds next_boot_reuses config_changed_again_rebuilds
restart_after_edit_reloads back_to_shipped_config package_upgrade_rebuilds tampered_image_rebuilds
builder_fails no_builder_warns initrd_option_never_builds dry_run_builds_nothing
relative_initrd_still_warns"

# shellcheck source=tests/shell/run-cases.sh
. "$REPO/tests/shell/run-cases.sh"
run_cases
finish
