#!/bin/sh
# load-crashkernel.sh: arms the dumpagent capture kernel with "kexec -p" at boot.
#
# POSIX sh for dash and busybox sh (it may run in early boot). The story: ask
# the agent for the configuration and every check of a load (arm-plan: it has
# the one parser), rebuild the initramfs when it holds another configuration,
# ask whether the same is armed already (arm-state), load with kexec, check
# that the kernel reports it loaded, and record it. The shell keeps kexec, the
# sysfs writes, GRUB and the rebuild; the logic is in dumpagent/command_arm*.c.
# Exit codes and --help: dumpagent arm-args (dumpagent/exit_codes.h). DUMPAGENT_* are test hooks.
# shellcheck disable=SC2154 # c_*, target_*, the facts and the estimate are set by eval of the agent's answers
set -eu
LC_ALL=C # the same messages and byte semantics from every tool run here
export LC_ALL

PROG=load-crashkernel
SYSFS=${DUMPAGENT_SYSFS:-/sys}
RUN=${DUMPAGENT_RUN:-/run/dumpagent}
GRUB_DIR=${DUMPAGENT_GRUB_DIR:-/etc/default/grub.d}
GRUB_FILE=${GRUB_DIR%.d} # GRUB is there when its settings file is
# The Debian package's initramfs builder and agent; STATE keeps the rebuilt initramfs.
BUILDER=${DUMPAGENT_BUILDER:-/usr/lib/dumpagent/initramfs/build.sh}
AGENT=${DUMPAGENT_AGENT:-/usr/sbin/dumpagent}
STATE=${DUMPAGENT_STATE:-/var/lib/dumpagent}
NL='
'

# The private copies in $RUN that only this run may use: the keyed
# initramfs (it holds a LUKS keyfile) and the kallsyms with _text. They go
# when the run ends however it ends: a die, or a signal (systemd's stop,
# a Ctrl-C during kexec), which the traps turn into an exit.
keyed='' ks=''
remove_private() {
	[ -z "$keyed" ] || rm -rf -- "$keyed"
	[ -z "$ks" ] || rm -rf -- "$ks"
}
trap remove_private EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# die_note, when set, is said after the error: what the failure left behind.
die_note=''
kexec_fault='' # set by kexec_load: a failure of its own, not kexec's
die() {
	code=$1
	shift
	printf '%s: %s\n' "$PROG" "$*" >&2
	[ -z "$die_note" ] || printf '%s: %s\n' "$PROG" "$die_note" >&2
	exit "$code"
}
say() { printf '%s: %s\n' "$PROG" "$*"; }
warn() { say "warning: $*" >&2; }
one_line() { printf '%s' "$1" | tr '\n' ' ' | sed 's/ *$//'; }

# ask COMMAND ARG...: evals the answer of "$AGENT arm-COMMAND ARG..." (dumpagent(8)
# says what it sets; every value is single-quoted: eval runs nothing). Its error
# (the last line) becomes ours, with its status when the table's (12-14, 17-19, 100, 101), else 1.
ask() {
	cmd=arm-$1 rc=0
	shift
	answer=$("$AGENT" "$cmd" "$@" 2>&1) || rc=$?
	last=${answer##*"$NL"}
	case $rc in
	0) eval "$answer" ;;
	12 | 13 | 14 | 17 | 18 | 19 | 100 | 101) die "$rc" "${last#*: }" ;;
	*) die 1 "cannot run $AGENT $cmd (exit status $rc): ${last#*: }" ;;
	esac
}

# plan [--files | --load]: the configuration (c_KEY), TARGET=auto, the capture
# command line; --files checks the capture files, --load every check of a load.
plan() { ask plan --config "$conf" --kernel "$opt_kernel" --initrd "$opt_initrd" "$@"; }

# Every check of a load, in order, before anything is loaded or replaced;
# a failure dies here, with the loaded capture kernel untouched.
prepare() {
	plan --load
	[ -z "$warning" ] || warn "$warning"
	[ -z "$crashkernel_warning" ] || warn "$crashkernel_warning"
	[ -z "$threads_warning" ] || warn "$threads_warning"
	regenerate_initrd
	# The mode's estimate against the reservation: short refuses (19).
	ask need --mode "$mode" --threads "$threads" --reserved "$reserved" "$kernel" "$initrd"
	[ -z "$need_warning" ] || warn "$need_warning"
}

# The initramfs carries its own copy of the configuration. When CAPTURE_INITRD
# holds another than $conf, the agent says rebuild=build: build one that holds
# it into $rebuild_image ($STATE/initramfs.img) and load that; rebuild=reuse
# while $conf and CAPTURE_INITRD keep the checksums of $rebuild_sums. The
# distro mode's ($STATE/initramfs-distro.img, with $modules) is always ours:
# built when the configuration, kernel release or modules changed. Sets initrd.
regenerate_initrd() {
	[ "$mode" != distro ] || [ -x "$BUILDER" ] ||
		die 13 "the distro capture initramfs cannot be built: $BUILDER is missing; set CAPTURE_MODE=small"
	[ -n "$rebuild" ] && [ -x "$BUILDER" ] || return 0
	out=$rebuild_image
	if [ "$rebuild" = build ]; then
		what="$initrd holds another configuration than $conf"
		[ "$mode" != distro ] || what="the distro capture initramfs is not built for $conf, kernel $kernel_release and its modules"
		if [ -n "$dry_run" ]; then
			say "$what: would build $out"
			return 0
		fi
		say "$what: building $out"
		build
	fi
	initrd=$out
}

build() {
	{ mkdir -p "$STATE" && chmod 0700 "$STATE"; } 2>/dev/null ||
		die 13 "cannot create $STATE for the rebuilt capture initramfs"
	rm -f "$rebuild_sums"
	set -- --config "$conf" --agent "$AGENT" --output "$out"
	if [ "$mode" = distro ]; then
		{ printf '%s\n' "$modules" >"$STATE/initramfs-distro.modules"; } 2>/dev/null ||
			die 13 "cannot write $STATE/initramfs-distro.modules for the distro capture initramfs"
		set -- "$@" --modules "$STATE/initramfs-distro.modules" --kernel-release "$kernel_release"
	fi
	build_rc=0
	build_out=$("$BUILDER" "$@" 2>&1) || build_rc=$?
	[ "$build_rc" = 0 ] || die 13 "rebuilding the capture initramfs with $conf failed" \
		"($BUILDER exit status $build_rc): $(one_line "$build_out")"
	# The sums are written last: a build cut short is done again next time.
	{ printf '%s\n' "$sums" >"$rebuild_sums"; } 2>/dev/null ||
		warn "cannot write $rebuild_sums: the initramfs is built again at the next load"
}

# A target on LUKS (arm-plan set luks_key, the keyfile of its enrolled
# slot): the capture initramfs loaded is the one built (keyless, in $STATE)
# followed by a second cpio archive holding only the keyfile, as the kernel
# unpacks concatenated archives in turn (each must start 4-byte aligned, or
# the kernel takes it for compressed junk: the image is padded with zeros,
# which the kernel skips, to 512 bytes). That image is written in a private
# directory under $RUN, which must be tmpfs: the keyfile never reaches a disk
# that is not encrypted. It is deleted right after kexec read it (the kernel
# keeps its own copy in the reserved memory), whether the load worked or not.
keyed_initrd() {
	[ -n "${luks_key:-}" ] || return 0
	mkdir -p "$RUN" 2>/dev/null || :
	fs=$(stat -f -c %T "$RUN" 2>/dev/null) || fs=missing
	case $fs in
	tmpfs | ramfs) ;;
	*) die 13 "$RUN is not a tmpfs ($fs): the capture initramfs holding the LUKS keyfile $luks_key would be written to a disk; mount a tmpfs on /run" ;;
	esac
	keyed=$(umask 077 && mktemp -d "$RUN/keyed.XXXXXX") ||
		die 13 "cannot create a private directory in $RUN for the keyed capture initramfs"
	# luks_key is LUKS_KEY_DIR/UUID.key: the capture agent opens it at the same path.
	if ! { (umask 077 && mkdir -p "$keyed/root${luks_key%/*}" && cp "$luks_key" "$keyed/root$luks_key" &&
		cd "$keyed/root" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
		cpio -o -H newc --owner=0:0 --quiet >"$keyed/key.cpio") &&
		pad=$(($(wc -c <"$initrd") % 512)) && cp "$initrd" "$keyed/initramfs.img" &&
		{ [ "$pad" = 0 ] || head -c $((512 - pad)) /dev/zero; } >>"$keyed/initramfs.img" &&
		cat "$keyed/key.cpio" >>"$keyed/initramfs.img"; } 2>/dev/null; then
		rm -rf "$keyed"
		die 13 "cannot build the capture initramfs with the LUKS keyfile $luks_key in $keyed (cpio, the package cpio)"
	fi
	rm -rf "$keyed/root" "$keyed/key.cpio"
	keyless=$initrd initrd=$keyed/initramfs.img
}

# The keyed image is gone once kexec read it; what is recorded is the keyless one.
keyed_done() {
	[ -n "${keyed:-}" ] || return 0
	rm -rf "$keyed"
	keyed='' initrd=$keyless
}

load_keyed() {
	keyed_initrd
	load
	keyed_done
}

# kexec_file_load first (it verifies signatures, the only way under lockdown),
# then kexec_load, which loads any kernel but is refused under lockdown.
load() {
	method=kexec_file_load
	kexec_p kexec_file_load "$kernel" "$initrd" "$cmdline" && return 0
	[ -z "$lockdown" ] || kexec_failed 18 "-s -p $kernel"
	say "kexec_file_load (kexec -s -p) failed: $(one_line "$kexec_out"); falling back to kexec_load (kexec -p)" >&2
	method=kexec_load
	kexec_p kexec_load "$kernel" "$initrd" "$cmdline" || kexec_failed 1 -p
}

# kexec_p METHOD KERNEL INITRD CMDLINE: every load of a capture kernel (load,
# restore_previous) goes through here, so that each kexec_load gets arm64's
# _text: kexec_file_load is "kexec -s -p", kexec_load "kexec -p" (kexec_load).
kexec_p() {
	m=$1
	shift
	set -- -p "$1" --initrd="$2" --append="$3"
	if [ "$m" = kexec_file_load ]; then run_kexec -s "$@"; else kexec_load "$@"; fi
}

# The script that kexec_load runs in a private mount namespace (unshare -m:
# private propagation, the host's /proc/kallsyms untouched), with $1 the
# kallsyms copy. $1.mounted, made once the mount is, tells a failure of
# unshare or mount from kexec's, whose exit statuses they share.
# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
KALLSYMS_SH='mount -o bind "$1" /proc/kallsyms && : >"$1.mounted" && shift && exec kexec "$@"'

# kexec_load ARG...: run_kexec, and on arm64 without _text in /proc/kallsyms
# (Debian's kernel) with the _text that kexec-tools 2.0.25 needs for the
# capture's ELF core header (arm-plan's kallsyms_text; kallsyms_error: it
# cannot be known, and a load would arm a capture that cannot read memory).
# kexec runs in KALLSYMS_SH, where /proc/kallsyms is a copy with that line,
# in $RUN, deleted after. It returns, never dies: a failure that is not
# kexec's sets kexec_fault (the error), which kexec_failed says after the
# restore. With --dry-run, prints what would run.
kexec_load() {
	kexec_fault=''
	if [ -n "${kallsyms_error:-}" ]; then
		kexec_fault="kexec_load (kexec -p) would arm a capture that cannot read the crashed kernel's memory: $kallsyms_error"
		return 1
	fi
	if [ -n "$dry_run" ]; then
		[ -n "${kallsyms_text:-}" ] || { show_command kexec "$@"; return 0; }
		say "kexec_load (kexec -p) runs in a private mount namespace where /proc/kallsyms is a copy," \
			"$RUN/kallsyms.XXXXXX/kallsyms, that starts with the line: ${kallsyms_text#0x} T _text"
		show_command unshare -m sh -c "$KALLSYMS_SH" sh "$RUN/kallsyms.XXXXXX/kallsyms" "$@"
		return 0
	fi
	[ -n "${kallsyms_text:-}" ] || { run_kexec "$@"; return; }
	if ! made=$(mkdir -p "$RUN" 2>&1 && umask 077 && mktemp -d "$RUN/kallsyms.XXXXXX" 2>&1); then
		kexec_fault="cannot create a directory in $RUN for the kallsyms with _text that kexec needs: $(one_line "$made")"
		return 1
	fi
	ks=$made # remove_private's from here
	if ! why=$({ printf '%s T _text\n' "${kallsyms_text#0x}" && cat /proc/kallsyms; } 2>&1 >"$ks/kallsyms"); then
		rm -rf -- "$ks"
		kexec_fault="cannot write $ks/kallsyms, the kallsyms with _text that kexec needs: $(one_line "$why")"
		ks=
		return 1
	fi
	kexec_rc=0
	kexec_out=$(unshare -m sh -c "$KALLSYMS_SH" sh "$ks/kallsyms" "$@" 2>&1) || kexec_rc=$?
	[ -e "$ks/kallsyms.mounted" ] || kexec_fault="cannot bind-mount the kallsyms with _text that kexec needs over\
 /proc/kallsyms in a private mount namespace (unshare -m): $(one_line "$kexec_out"); kexec_load on arm64 needs root\
 with CAP_SYS_ADMIN, a kernel with mount namespaces (CONFIG_NAMESPACES), and unshare and mount (util-linux)"
	rm -rf -- "$ks"
	ks=''
	return "$kexec_rc"
}

# run_kexec ARG...: runs kexec, keeping its output in kexec_out, its status in kexec_rc.
run_kexec() {
	kexec_fault='' kexec_rc=0
	kexec_out=$(kexec "$@" 2>&1) || kexec_rc=$?
	return "$kexec_rc"
}

# kexec_failed STATUS OPTIONS: kexec's output, then why: under lockdown (18)
# a signature the kernel does not trust (lockdown_why), kexec_load's own
# failure (kexec_fault), else memory. The capture kernel loaded before is
# restored first: any failure after kexec_file_load ran may have freed it.
kexec_failed() {
	[ -n "$kexec_fault" ] || [ -z "$kexec_out" ] ||
		printf '%s\n' "$kexec_out" | while IFS= read -r l; do say "kexec: $l" >&2; done
	[ -n "$die_note" ] || restore_previous
	[ -z "$kexec_fault" ] || die 1 "$kexec_fault"
	[ "$1" != 18 ] || die 18 "kexec $2 failed (exit status $kexec_rc): $lockdown_why"
	die 1 "kexec $2 failed (exit status $kexec_rc); the $((reserved / 1048576)) MB reserved" \
		"must hold the capture kernel ($kernel_mb MB) and initramfs ($initrd_mb MB)" \
		"with room to unpack them: if they do not fit, raise crashkernel= and reboot"
}

# The kernel frees the loaded capture kernel before it loads another into the
# same reserved memory, so a failed kexec leaves none. Load the one recorded
# in $RUN/loaded again (as load does: on arm64, kexec_load with _text) when
# its files still have the recorded checksums, and say in die_note what is
# armed. kexec_rc, kexec_out and kexec_fault stay the failed load's. (Not
# after --shrink's unload: no record.)
restore_previous() {
	[ -r "$RUN/loaded" ] && [ -n "${recorded_kernel:-}" ] && ! is_loaded || return 0
	pk=$recorded_kernel pi=$recorded_initrd pc=$recorded_cmdline
	failed_rc=$kexec_rc failed_fault=$kexec_fault failed_out=$kexec_out
	die_note="nothing is armed: the capture kernel loaded before ($pk) was freed by the failed load"
	if [ -z "$recorded_intact" ]; then
		die_note="$die_note, and its files changed since"
	elif kexec_p kexec_file_load "$pk" "$pi" "$pc" || kexec_p kexec_load "$pk" "$pi" "$pc"; then
		is_loaded && die_note="the capture kernel loaded before ($pk, $pi) is loaded again"
	else
		die_note="$die_note, and loading it again failed too"
	fi
	kexec_rc=$failed_rc kexec_fault=$failed_fault kexec_out=$failed_out
	is_loaded || rm -f "$RUN/loaded"
}

is_loaded() {
	loaded=
	[ ! -r "$SYSFS/kernel/kexec_crash_loaded" ] || read -r loaded <"$SYSFS/kernel/kexec_crash_loaded" || :
	[ "$loaded" = 1 ]
}

check_loaded() {
	is_loaded || die 15 "kexec succeeded, but $SYSFS/kernel/kexec_crash_loaded is" \
		"'${loaded:-missing}', not 1: no capture kernel is armed"
}

# Prints the command in a form a shell would read back.
show_command() {
	out=
	for a; do
		case $a in *[!A-Za-z0-9_./=:,+-]*) a="'$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'" ;; esac
		out="$out $a"
	done
	printf '%s\n' "${out# }"
}

need_kexec() { command -v kexec >/dev/null 2>&1 || die 1 "kexec (package kexec-tools) is not in PATH"; }

unload() {
	[ -z "$dry_run" ] || { show_command kexec -p -u; return 0; }
	need_kexec
	run_kexec -p -u || die 1 "kexec -p -u failed (exit status $kexec_rc): $kexec_out"
	rm -f "$RUN/loaded"
}

# The kernel shrinks the reservation only while nothing is loaded: unload, write,
# load again. Memory given back is reserved again only by a reboot: hence a floor.
shrink() {
	f=$SYSFS/kernel/kexec_crash_size
	want=$shrink_bytes # prepare's arm-need, for this kernel and initramfs
	if [ "$want" -ge "$reserved" ]; then
		say "--shrink: the capture environment needs $((want / 1048576)) MiB (at least $shrink_floor_mb) of the $((reserved / 1048576)) MiB reserved: nothing to give back"
		return 0
	fi
	unload
	if ! { echo "$want" >"$f"; } 2>/dev/null; then
		load_keyed
		die 16 "--shrink: cannot write $want to $f (the capture kernel is loaded again, unshrunk)"
	fi
	read -r now <"$f" || now=$reserved
	[ "$now" -ge "$reserved" ] ||
		die_note="--shrink gave $(((reserved - now) / 1048576)) MiB back already: they cannot be reserved again before a reboot; reboot (and do not use --shrink) to capture crashes again"
	before=$reserved reserved=$now
	load_keyed
	die_note=''
	say "--shrink: kexec_crash_size $before -> $now: gave $(((before - now) / 1048576)) MiB back to the system"
}

reserve() {
	ask need --mode "$mode" --threads "$threads" "$kernel" "$initrd"
	param=$reserve_param cfg=$GRUB_DIR/dumpagent.cfg # crashkernel=NM, by arm-need for this architecture
	if [ ! -f "$GRUB_FILE" ]; then
		say "--reserve: the capture environment needs $param; no GRUB here (no $GRUB_FILE): add $param to the kernel command line and reboot"
		return 0
	fi
	# grub_others: the GRUB settings files that set crashkernel= (the admin's, kdump-tools')
	[ -z "$grub_others" ] || die 16 "--reserve: crashkernel= is already set in $grub_others; a second one would" \
		"be ambiguous: set $param there instead (or remove it and run --reserve again)"
	[ -z "$dry_run" ] || { say "--reserve: would write $param to $cfg and run update-grub"; return 0; }
	{ mkdir -p "$GRUB_DIR" && printf '%s\n' \
		"# Written by load-crashkernel --reserve: memory for the dumpagent capture kernel." \
		"GRUB_CMDLINE_LINUX_DEFAULT=\"\$GRUB_CMDLINE_LINUX_DEFAULT $param\"" >"$cfg"; } 2>/dev/null ||
		die 16 "--reserve: cannot write $cfg"
	if command -v update-grub >/dev/null 2>&1; then
		update-grub >/dev/null 2>&1 || die 16 "--reserve: update-grub failed; run it yourself to see why"
		say "--reserve: $param written to $cfg and update-grub run: reboot to reserve it"
	else
		say "--reserve: $param written to $cfg; update-grub is not installed: add $param to the kernel command line"
	fi
}

# The service's stop, also run by "systemctl restart": with --if-valid, a
# configuration that the start after it would refuse must not disarm.
unload_command() {
	if [ -n "$opt_if_valid" ] && is_loaded; then
		die_note="--unload --if-valid: the capture kernel stays loaded; fix the error, or disarm with $PROG --unload"
		saved_dry_run=$dry_run dry_run=1
		prepare >/dev/null
		dry_run=$saved_dry_run die_note=''
	fi
	unload
	[ -n "$dry_run" ] || say "unloaded the capture kernel"
}

# BSOD=1 on a display the loaded capture kernel cannot draw on (arm-plan's
# screen_warning for the kexec call that loaded): armed all the same. Only
# what is bound now is seen: at boot a DRM driver often binds after the
# loader ran; dumpagent status, or the next reload, tells then.
screen_warn() {
	w=$screen_warning
	[ "$method" != kexec_load ] || w=$screen_warning_kexec_load
	[ -z "$w" ] || warn "BSOD=1: $w"
}

load_command() {
	prepare
	# What kexec_load would run (on arm64, with _text: kexec_load), or why it would be refused.
	[ -z "$dry_run" ] || { kexec_p kexec_load "$kernel" "$initrd" "$cmdline" || warn "$kexec_fault"; return 0; }
	# Checksums, and the memory and CPUs in the capture kernel's core headers (a
	# hotplug reloads: debian/dumpagent.udev); is the same armed (or another's)?
	ask state "$kernel" "$initrd" "$conf" "$cmdline"
	# With a LUKS keyfile, load again: the record holds the keyless image, and
	# an enrollment made again since holds another key.
	if [ -n "$armed" ] && [ -z "$opt_shrink" ] && [ -z "${luks_key:-}" ]; then
		method=$recorded_method
		screen_warn # a DRM driver bound since the load (at boot, often after it)
		say "already armed with the same kernel, initramfs, configuration, command line, memory and CPUs: nothing to do"
		return 0
	fi
	[ -z "$warning" ] || warn "$warning"
	need_kexec
	if [ -n "$armed" ] && [ -z "${luks_key:-}" ]; then # --shrink still shrinks
		method=$recorded_method
	else
		[ -z "$foreign" ] || warn "a capture kernel that $PROG did not load is armed (kdump-tools?): replacing" \
			"it with dumpagent's; disable the other service (systemctl disable kdump-tools), or the next to load wins"
		load_keyed
		check_loaded
	fi
	[ -z "$opt_shrink" ] || { shrink; check_loaded; }
	screen_warn
	"$AGENT" arm-state --record "$method" --mode "$mode" "$kernel" "$initrd" "$conf" "$cmdline" 2>/dev/null ||
		warn "cannot record what was loaded in $RUN/loaded: dumpagent status cannot tell which kernel is armed"
	say "mode: $mode_why"
	say "armed: $kernel ($initrd) with $((reserved / 1048576)) MB reserved; capture cmdline: $cmdline"
}

# The command line, parsed by the agent (arm-args): conf, opt_*, dry_run, action, help.
ask args "$@"
[ -z "$help" ] || { printf '%s\n' "$help"; exit 0; }
case $action in
unload) unload_command ;;
reserve) plan --files; reserve ;;
check) plan; say "$conf: ok" ;;
*) load_command ;;
esac
