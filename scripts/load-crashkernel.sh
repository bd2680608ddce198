#!/bin/sh
# load-crashkernel.sh: arms the dumpagent capture kernel with "kexec -p" at boot.
#
# POSIX sh for dash and busybox sh (it may run from an early-boot environment).
# The story: read the configuration (docs/config-format.md, parsed here, never
# sourced), check that crashkernel= reserved memory, check the capture kernel
# and initramfs, resolve TARGET=auto on the running system, build the capture
# kernel's command line, load it, and check that the kernel reports it loaded.
# Exit codes: see usage(). Environment for tests: DUMPAGENT_SYSFS,
# DUMPAGENT_PROC, DUMPAGENT_FINDMNT; kexec is taken from PATH.
set -eu

# Recommended reservation, printed when none is found.
CRASHKERNEL_SIZE=64M

# Byte semantics for ${#var} and bracket ranges: busybox counts characters in
# a UTF-8 locale, and the format is defined in bytes.
LC_ALL=C
export LC_ALL

PROG=load-crashkernel
KEYS="TARGET FSTYPE CRASH_DIR DUMP_LEVEL COMPRESSION FINAL_ACTION FAILURE_ACTION CAPTURE_KERNEL CAPTURE_INITRD CMDLINE_APPEND MIN_FREE_MB REPORT_VMCORE_MAX_MB BSOD BSOD_SECONDS EMERGENCY_SHELL WATCHDOG_SECONDS \
MAX_DUMPS MAX_TOTAL_MB MAX_AGE_DAYS CRASH_LOOP_MAX CRASH_LOOP_MINUTES"
SYSFS=${DUMPAGENT_SYSFS:-/sys}
PROC=${DUMPAGENT_PROC:-/proc}
FINDMNT=${DUMPAGENT_FINDMNT:-findmnt}
RUN=${DUMPAGENT_RUN:-/run/dumpagent}
GRUB_DIR=${DUMPAGENT_GRUB_DIR:-/etc/default/grub.d}
# GRUB is there when its settings file is (grub-mkconfig reads it, then grub.d/*.cfg).
GRUB_FILE=${GRUB_DIR%.d}
# The installed initramfs builder and agent (the Debian package's), and where
# an initramfs rebuilt for an edited configuration goes.
BUILDER=${DUMPAGENT_BUILDER:-/usr/lib/dumpagent/initramfs/build.sh}
AGENT=${DUMPAGENT_AGENT:-/usr/sbin/dumpagent}
STATE=${DUMPAGENT_STATE:-/var/lib/dumpagent}
# Working memory of the capture environment (kernel allocations, busybox,
# the agent and makedumpfile), measured in QEMU with 32 MiB reserved; and the
# margin added on top of the sum of what --reserve and --shrink count.
WORK_MB=12
MARGIN_PCT=20
# --shrink never goes below this. The bench (bench/RESULTS.md) found 32 MB the
# smallest reservation that works for 1, 4 and 16 GB guests and 28 MB failing,
# with 0.7 MiB free at the lowest at 32 MB: the edge is sharp and measured with
# the default configuration only. A shrink is undone only by a reboot, so it
# keeps half as much again: 48 MiB.
SHRINK_FLOOR_MB=48
CR=$(printf '\r')
TAB=$(printf '\t')
NL='
'

usage() {
	cat <<EOF
usage: $PROG [--config FILE] [--kernel FILE] [--initrd FILE] [--shrink] [--dry-run]
       $PROG --reserve [--config FILE] [--kernel FILE] [--initrd FILE] [--dry-run]
       $PROG --unload [--if-valid [--config FILE]] [--dry-run]
       $PROG --check-config [--config FILE]
       $PROG --help

Loads the dumpagent capture kernel with "kexec -s -p" (kexec_file_load, or
kexec_load when that fails), so that a panic boots it from the memory reserved
by crashkernel= on the kernel command line. Does nothing when the same kernel,
initramfs, configuration, command line, memory and CPUs are already loaded (checksums in
$RUN/loaded). Every check runs before kexec, so an error keeps the capture
kernel that is loaded (this is what "systemctl reload dumpagent" runs).

  --config FILE   configuration (default /etc/dumpagent.conf)
  --kernel FILE   capture kernel, instead of CAPTURE_KERNEL of the configuration
  --initrd FILE   capture initramfs, instead of CAPTURE_INITRD
  --dry-run       check everything, print what would be done (the kexec
                  command, the GRUB setting), do not do it
  --shrink        after loading, give the reserved memory the capture
                  environment does not need back to the system (never
                  below $SHRINK_FLOOR_MB MiB; undone only by a reboot)
  --reserve       compute the crashkernel= size the capture environment
                  needs, write it to $GRUB_DIR/dumpagent.cfg and run
                  update-grub (or print the parameter to add); refuses when
                  $GRUB_FILE or another $GRUB_DIR/*.cfg sets crashkernel=
  --unload        unload the capture kernel
  --if-valid      with --unload: unload only when a load would pass its checks,
                  else keep the loaded capture kernel and fail (the service's
                  ExecStop: a restart with a broken configuration stays armed)
  --check-config  only parse and validate the configuration
  --help          show this text

When CAPTURE_INITRD holds another configuration than FILE and the initramfs
builder is installed ($BUILDER),
it builds $STATE/initramfs.img with FILE and loads that; it builds
again when FILE or CAPTURE_INITRD changes (checksums in $STATE/initramfs.sums).

environment: DUMPAGENT_SYSFS (default /sys), DUMPAGENT_PROC (default /proc),
             DUMPAGENT_FINDMNT (default findmnt), DUMPAGENT_RUN (default
             /run/dumpagent), DUMPAGENT_GRUB_DIR (default /etc/default/grub.d),
             DUMPAGENT_BUILDER (default /usr/lib/dumpagent/initramfs/build.sh),
             DUMPAGENT_AGENT (default /usr/sbin/dumpagent), DUMPAGENT_STATE
             (default /var/lib/dumpagent); kexec is taken from PATH.

exit status:
  0    armed (--dry-run, --check-config: no problem found)
  1    kexec failed
  2    kexec succeeded but the kernel does not report a loaded capture kernel
  3    no memory is reserved for the capture kernel (crashkernel=)
  4    capture kernel or initramfs missing or unreadable, or rebuilding the
       initramfs for the configuration failed
  5    configuration error
  6    TARGET=auto cannot be resolved to a filesystem UUID
  7    --reserve could not write the GRUB setting or found another
       crashkernel=, or --shrink could not write kexec_crash_size
  100  usage error

The configuration format is in dumpagent.conf(5).
EOF
}

# die_note, when set, is said after the error: what the failure left behind.
die_note=''
die() {
	code=$1
	shift
	printf '%s: %s\n' "$PROG" "$*" >&2
	[ -z "$die_note" ] || printf '%s: %s\n' "$PROG" "$die_note" >&2
	exit "$code"
}

warn() {
	printf '%s: warning: %s\n' "$PROG" "$*" >&2
}

usage_error() {
	printf '%s: %s (see --help)\n' "$PROG" "$*" >&2
	exit 100
}

# --- configuration (docs/config-format.md; dumpagent/config.c has the same rules)

# Must match config/dumpagent.conf. The loader only validates the keys that
# the agent alone uses (DUMP_LEVEL, COMPRESSION, the actions).
# shellcheck disable=SC2034
set_defaults() {
	c_TARGET=auto c_FSTYPE=auto c_CRASH_DIR=/var/crash c_DUMP_LEVEL=31
	c_COMPRESSION=zlib c_FINAL_ACTION=reboot c_FAILURE_ACTION=reboot
	c_CAPTURE_KERNEL=/usr/lib/dumpagent/vmlinuz
	c_CAPTURE_INITRD=/usr/lib/dumpagent/initramfs.img c_CMDLINE_APPEND='' c_MIN_FREE_MB=64
	c_REPORT_VMCORE_MAX_MB=1024 c_BSOD=0 c_BSOD_SECONDS=30 c_EMERGENCY_SHELL=0
	c_WATCHDOG_SECONDS=3600
	c_MAX_DUMPS=32 c_MAX_TOTAL_MB='' c_MAX_AGE_DAYS='' c_CRASH_LOOP_MAX=3 c_CRASH_LOOP_MINUTES=60
	for k in $KEYS; do
		eval "line_$k="
	done
}

config_error() {
	die 5 "$conf:$lineno: $*"
}

target_ok() {
	case $1 in
	auto) return 0 ;;
	UUID=*)
		v=${1#UUID=}
		case $v in *[!0-9A-Fa-f-]*) return 1 ;; esac
		[ "${#v}" -ge 1 ] && [ "${#v}" -le 36 ] ;;
	LABEL=*)
		v=${1#LABEL=}
		case $v in */*) return 1 ;; esac
		[ "${#v}" -ge 1 ] && [ "${#v}" -le 32 ] ;;
	/dev/disk/by-*/*)
		v=${1#/dev/disk/by-}
		case ${v%%/*} in uuid | label | partuuid | partlabel | id | path) ;; *) return 1 ;; esac
		case ${v#*/} in '' | */* | . | ..) return 1 ;; esac ;;
	*) return 1 ;;
	esac
}

crash_dir_ok() {
	case $1 in /*) ;; *) return 1 ;; esac
	case $1 in *[!A-Za-z0-9._/-]* | */ | *//* | */. | */./* | */.. | */../*) return 1 ;; esac
	[ "${#1}" -le 255 ]
}

# count_ok VALUE MAX-DIGITS: 1 to MAX-DIGITS decimal digits, no leading zero.
count_ok() {
	case $1 in '' | 0* | *[!0-9]*) return 1 ;; esac
	[ "${#1}" -le "$2" ]
}

# Prints what KEY accepts when VALUE is bad, nothing when it is good.
value_expectation() {
	case $1 in
	TARGET) target_ok "$2" || echo "expected auto, UUID=..., LABEL=... or /dev/disk/by-*/..." ;;
	FSTYPE)
		case $2 in auto | ext2 | ext3 | ext4 | xfs | vfat) ;;
		*) echo "expected auto, ext2, ext3, ext4, xfs or vfat" ;; esac ;;
	CRASH_DIR)
		crash_dir_ok "$2" ||
			echo "expected an absolute path without '.', '..' or empty components" ;;
	DUMP_LEVEL)
		case $2 in [0-9] | [0-2][0-9] | 3[01]) ;; *) echo "expected a number from 0 to 31" ;; esac ;;
	COMPRESSION)
		case $2 in zlib | lzo | none) ;; *) echo "expected zlib, lzo or none" ;; esac ;;
	FINAL_ACTION | FAILURE_ACTION)
		case $2 in reboot | poweroff | halt | shell) ;;
		*) echo "expected reboot, poweroff, halt or shell" ;; esac ;;
	CAPTURE_KERNEL | CAPTURE_INITRD)
		case $2 in /*' '* | [!/]* | '') echo "expected an absolute path" ;; esac ;;
	BSOD)
		case $2 in 0 | 1) ;; *) echo "expected 0 or 1" ;; esac ;;
	BSOD_SECONDS)
		case $2 in '' | *[!0-9]* | ??????*) echo "expected a number of seconds from 0 to 99999" ;; esac ;;
	EMERGENCY_SHELL)
		case $2 in 0 | 1 | only) ;; *) echo "expected 0, 1 or only" ;; esac ;;
	WATCHDOG_SECONDS)
		case $2 in '' | *[!0-9]* | ???????*)
			echo "expected a number of seconds from 0 (no watchdog) to 999999" ;;
		esac ;;
	MIN_FREE_MB | REPORT_VMCORE_MAX_MB)
		case $2 in '' | *[!0-9]* | ???????*) echo "expected a number of MiB from 0 to 999999" ;; esac ;;
	MAX_DUMPS) count_ok "$2" 4 || echo "expected a number of dumps from 1 to 9999" ;;
	MAX_TOTAL_MB)
		[ -z "$2" ] || count_ok "$2" 7 || echo "expected nothing or a number of MiB from 1 to 9999999" ;;
	MAX_AGE_DAYS)
		[ -z "$2" ] || count_ok "$2" 5 || echo "expected nothing or a number of days from 1 to 99999" ;;
	CRASH_LOOP_MAX) [ "$2" = 0 ] || count_ok "$2" 3 || echo "expected a number of dumps from 0 to 999" ;;
	CRASH_LOOP_MINUTES) count_ok "$2" 5 || echo "expected a number of minutes from 1 to 99999" ;;
	esac
}

# The checks run in the order of the C parser, so the first error is the same.
parse_line() {
	line=$1
	[ "${#line}" -le 1023 ] || config_error "line is longer than 1023 bytes"
	rest=${line#"${line%%[!" $TAB$CR"]*}"}
	case $rest in '' | '#'*) return 0 ;; esac
	case $line in [A-Z]*=*) ;; *) config_error "expected KEY=value" ;; esac
	key=${line%%=*}
	case $key in *[!A-Z0-9_]*) config_error "expected KEY=value" ;; esac
	case " $KEYS " in *" $key "*) ;; *) config_error "unknown key '$key'" ;; esac
	eval "seen=\$line_$key"
	[ -z "$seen" ] || config_error "$key is already set on line $seen"
	value=${line#*=}
	while :; do
		case $value in *[" $TAB$CR"]) value=${value%?} ;; *) break ;; esac
	done
	case $value in
	'"'*)
		value=${value#\"}
		case $value in *'"') value=${value%\"} ;; *) config_error "$key: unterminated quote" ;; esac
		case $value in *'"'*) config_error "$key: unterminated quote" ;; esac ;;
	*'"'*) config_error "$key: unterminated quote" ;;
	esac
	case $value in *[!\ -~]*) config_error "$key: value has a non-printable character" ;; esac
	case $key in CMDLINE_APPEND | MAX_TOTAL_MB | MAX_AGE_DAYS) ;;
	*) [ -n "$value" ] || config_error "$key: value is empty" ;;
	esac
	expect=$(value_expectation "$key" "$value")
	[ -z "$expect" ] || config_error "$key: bad value '$value': $expect"
	eval "c_$key=\$value line_$key=\$lineno"
}

# NUL bytes never reach us: the shell drops them (the C agent refuses them).
parse_config() {
	if [ ! -f "$conf" ] || [ ! -r "$conf" ]; then
		die 5 "cannot read the configuration $conf"
	fi
	set_defaults
	lineno=0
	while IFS= read -r raw || [ -n "$raw" ]; do
		lineno=$((lineno + 1))
		parse_line "$raw"
	done <"$conf"
}

# --- the running system

check_reservation() {
	f=$SYSFS/kernel/kexec_crash_size
	reserved=0
	if [ -r "$f" ]; then
		read -r reserved <"$f" || :
		state="is $reserved"
	else
		state="does not exist"
	fi
	case $reserved in '' | *[!0-9]*) reserved=0 ;; esac
	[ "$reserved" -eq 0 ] || return 0
	case " $proc_cmdline" in
	*" crashkernel="*)
		asked=${proc_cmdline##*crashkernel=}
		die 3 "no memory is reserved for the capture kernel ($f $state)," \
			"although the kernel command line has crashkernel=${asked%%[" $TAB"]*}:" \
			"the kernel could not reserve it (see: dmesg | grep -i crashkernel)," \
			"try crashkernel=$CRASHKERNEL_SIZE" ;;
	esac
	die 3 "no memory is reserved for the capture kernel ($f $state)." \
		"Add crashkernel=$CRASHKERNEL_SIZE to the kernel command line (on Debian:" \
		"GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then update-grub and reboot)"
}

# check_file WHAT FILE SOURCE
check_file() {
	if [ ! -e "$2" ]; then
		die 4 "$1 $2 ($3) does not exist"
	elif [ ! -f "$2" ]; then
		die 4 "$1 $2 ($3) is not a regular file"
	elif [ ! -r "$2" ]; then
		die 4 "$1 $2 ($3) is not readable"
	fi
}

check_capture_files() {
	kernel=${opt_kernel:-$c_CAPTURE_KERNEL}
	initrd=${opt_initrd:-$c_CAPTURE_INITRD}
	if [ -n "$opt_kernel" ]; then from="--kernel"; else from="CAPTURE_KERNEL in $conf"; fi
	check_file "capture kernel" "$kernel" "$from"
	if [ -n "$opt_initrd" ]; then from="--initrd"; else from="CAPTURE_INITRD in $conf"; fi
	check_file "capture initramfs" "$initrd" "$from"
}

# The agent resolves only UUID=, LABEL= and their /dev/disk/by-* forms itself.
check_target_name() {
	case $c_TARGET in
	/dev/disk/by-id/* | /dev/disk/by-path/* | /dev/disk/by-part*)
		warn "TARGET=$c_TARGET: the capture environment has no udev to resolve this name;" \
			"use TARGET=UUID=... or TARGET=LABEL=..." ;;
	esac
}

unresolved() {
	die 6 "TARGET=auto: $*; set TARGET=UUID=... or TARGET=LABEL=... explicitly in $conf"
}

# Sets target_uuid and target_fstype from the filesystem that holds CRASH_DIR
# (or its nearest existing parent: the agent creates what is missing).
resolve_auto_target() {
	dir=$c_CRASH_DIR
	while [ ! -e "$dir" ]; do
		dir=${dir%/*}
		dir=${dir:-/}
	done
	command -v "$FINDMNT" >/dev/null 2>&1 ||
		unresolved "$FINDMNT (util-linux) is not available to find the filesystem of $dir"
	out=$("$FINDMNT" -n -o UUID,FSTYPE,TARGET --target "$dir" 2>/dev/null) || out=
	# findmnt pads an empty UUID with blanks, so fewer than 3 words means no UUID.
	set -f
	# shellcheck disable=SC2086 # split on purpose; findmnt escapes blanks as \x20
	set -- ${out%%"$NL"*}
	set +f
	case $# in
	3) ;;
	2) unresolved "the filesystem holding $dir ($1 at $2) has no UUID" ;;
	*) unresolved "findmnt found no UUID and type for $dir" ;;
	esac
	target_uuid=$1 target_fstype=$2 mountpoint=$3
	target_ok "UUID=$target_uuid" ||
		unresolved "the filesystem holding $dir has UUID '$target_uuid', which the agent cannot use"
	case $target_fstype in
	ext2 | ext3 | ext4 | xfs | vfat) ;;
	*) unresolved "the filesystem holding $dir is $target_fstype, which the capture agent" \
		"does not write (ext2, ext3, ext4, xfs or vfat)" ;;
	esac
	[ "$c_FSTYPE" = auto ] || [ "$c_FSTYPE" = "$target_fstype" ] ||
		unresolved "the filesystem holding $dir is $target_fstype, but FSTYPE=$c_FSTYPE"
	# The agent takes CRASH_DIR inside the target filesystem, from its root.
	case $mountpoint in
	/) ;;
	*) warn "CRASH_DIR=$c_CRASH_DIR is on the filesystem mounted at $mountpoint: the capture" \
		"agent writes to $c_CRASH_DIR inside that filesystem, which is" \
		"$mountpoint$c_CRASH_DIR here" ;;
	esac
}

# Adds one word of the running kernel's command line to the capture one.
take_word() {
	case ${1#\"} in
	console=*) consoles="$consoles $1" ;;
	dumpagent.*) passed="$passed $1" ;;
	esac
}

# Splits the running command line as the kernel does: blanks separate words,
# double quotes group (and stay in the word); "--" ends the kernel's part.
scan_cmdline() {
	s=$1 w='' q=''
	while [ -n "$s" ]; do
		rest=${s#?}
		c=${s%"$rest"}
		s=$rest
		case $c in
		'"') if [ -n "$q" ]; then q=; else q=1; fi ;;
		' ' | "$TAB" | "$NL")
			if [ -z "$q" ]; then
				[ "$w" != -- ] || return 0
				[ -z "$w" ] || take_word "$w"
				w=
				continue
			fi ;;
		esac
		w=$w$c
	done
	[ -z "$w" ] || [ "$w" = -- ] || take_word "$w"
}

build_cmdline() {
	consoles='' passed=''
	scan_cmdline "$proc_cmdline"
	cmdline="${consoles:- console=tty0} nr_cpus=1 reset_devices irqpoll panic=10 printk.devkmsg=on$passed"
	cmdline=${cmdline# }
	if [ "$c_TARGET" = auto ]; then
		cmdline="$cmdline dumpagent.target=UUID=$target_uuid dumpagent.fstype=$target_fstype"
	fi
	[ -z "$c_CMDLINE_APPEND" ] || cmdline="$cmdline $c_CMDLINE_APPEND"
}

lockdown_mode() {
	mode=
	[ -r "$SYSFS/kernel/security/lockdown" ] || return 1
	read -r mode <"$SYSFS/kernel/security/lockdown" || :
	case $mode in
	*'[integrity]'*) mode=integrity ;;
	*'[confidentiality]'*) mode=confidentiality ;;
	*) return 1 ;;
	esac
}

mb() {
	echo $((($(wc -c <"$1") + 1048575) / 1048576))
}

# The kernel frees the loaded capture kernel before it loads another into the
# same reserved memory, so a failed kexec leaves none. Load the one recorded
# in $RUN/loaded again when its files still have the recorded checksums, and
# say in die_note what is armed. (Not after --shrink's unload: no record.)
restore_previous() {
	[ -r "$RUN/loaded" ] && ! is_loaded || return 0
	pk=$(state_of KERNEL) pi=$(state_of INITRD) pc=$(state_of CMDLINE)
	die_note="nothing is armed: the capture kernel loaded before ($pk) was freed by the failed load"
	if [ "$(sha "$pk")" != "$(state_of KERNEL_SHA256)" ] || [ "$(sha "$pi")" != "$(state_of INITRD_SHA256)" ]; then
		die_note="$die_note, and its files changed since"
	elif kexec -s -p "$pk" --initrd="$pi" --append="$pc" >/dev/null 2>&1 ||
		kexec -p "$pk" --initrd="$pi" --append="$pc" >/dev/null 2>&1; then
		if is_loaded; then
			die_note="the capture kernel loaded before ($pk, $pi) is loaded again"
			return 0
		fi
	else
		die_note="$die_note, and loading it again failed too"
	fi
	rm -f "$RUN/loaded"
}

# kexec_failed OPTIONS [NOTE...]
kexec_failed() {
	opts=$1
	shift
	note="$*"
	[ -z "$kexec_out" ] || printf '%s\n' "$kexec_out" | while IFS= read -r l; do
		printf '%s: kexec: %s\n' "$PROG" "$l" >&2
	done
	[ -n "$die_note" ] || restore_previous
	die 1 "kexec $opts failed (exit status $kexec_rc); the $((reserved / 1048576)) MB reserved" \
		"must hold the capture kernel ($(mb "$kernel") MB) and initramfs ($(mb "$initrd") MB)" \
		"with room to unpack them: if they do not fit, raise crashkernel= and reboot$note"
}

# Prints the command in a form a shell would read back.
show_command() {
	out=
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./=:,+-]*) a="'$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'" ;;
		esac
		out="$out $a"
	done
	printf '%s\n' "${out# }"
}

# kexec_file_load first (it verifies signatures, the only way under lockdown),
# then kexec_load, which loads any kernel but is refused under lockdown.
load() {
	method=kexec_file_load
	kexec_rc=0
	kexec_out=$(kexec -s -p "$kernel" --initrd="$initrd" --append="$cmdline" 2>&1) || kexec_rc=$?
	[ "$kexec_rc" -ne 0 ] || return 0
	if lockdown_mode; then
		kexec_failed "-s -p" "; kernel lockdown ($mode, Secure Boot) refuses kexec_load, and" \
			"kexec_file_load needs a capture kernel signed by a key the kernel trusts:" \
			"sign $kernel and enroll the key (mokutil --import), or turn Secure Boot off"
	fi
	first_out=$kexec_out
	printf '%s: kexec_file_load (kexec -s -p) failed: %s; falling back to kexec_load (kexec -p)\n' \
		"$PROG" "$(printf '%s' "$first_out" | tr '\n' ' ' | sed 's/ *$//')" >&2
	method=kexec_load
	kexec_rc=0
	kexec_out=$(kexec -p "$kernel" --initrd="$initrd" --append="$cmdline" 2>&1) || kexec_rc=$?
	[ "$kexec_rc" -ne 0 ] || return 0
	kexec_failed -p
}

is_loaded() {
	loaded=
	[ ! -r "$SYSFS/kernel/kexec_crash_loaded" ] || read -r loaded <"$SYSFS/kernel/kexec_crash_loaded" || :
	[ "$loaded" = 1 ]
}

check_loaded() {
	f=$SYSFS/kernel/kexec_crash_loaded
	loaded=
	[ ! -r "$f" ] || read -r loaded <"$f" || :
	[ "$loaded" = 1 ] ||
		die 2 "kexec succeeded, but $f is '${loaded:-missing}', not 1: no capture kernel is armed"
}

# --- an initramfs that holds this configuration

# The initramfs carries its own copy of the configuration. When CAPTURE_INITRD
# (the packaged one) holds another than $conf, build one that holds $conf
# into $STATE/initramfs.img with the installed builder, and load that. It is
# reused while the configuration and CAPTURE_INITRD keep the checksums
# recorded in $STATE/initramfs.sums, and built again when either changes (an
# edited configuration, a package upgrade). Sets initrd.
regenerate_initrd() {
	[ -z "$opt_initrd" ] || return 0
	[ -x "$BUILDER" ] || return 0
	base_sha=$(embedded_config_sha "$initrd")
	# "unknown": not our initramfs, or no configuration inside; leave it be.
	[ "$base_sha" != unknown ] && [ "$base_sha" != "$config_sha" ] || return 0
	out=$STATE/initramfs.img
	sums="CONFIG_SHA256=$config_sha BASE=$initrd BASE_SHA256=$(sha "$initrd")"
	if [ -f "$out" ] && [ "$(cat "$STATE/initramfs.sums" 2>/dev/null)" = "$sums" ] &&
		[ "$(embedded_config_sha "$out")" = "$config_sha" ]; then
		initrd=$out
		return 0
	fi
	if [ -n "$dry_run" ]; then
		printf '%s: %s holds another configuration than %s: would build %s\n' \
			"$PROG" "$initrd" "$conf" "$out"
		return 0
	fi
	printf '%s: %s holds another configuration than %s: building %s\n' "$PROG" "$initrd" "$conf" "$out"
	{ mkdir -p "$STATE" && chmod 0700 "$STATE"; } 2>/dev/null ||
		die 4 "cannot create $STATE for the rebuilt capture initramfs"
	rm -f "$STATE/initramfs.sums"
	build_rc=0
	build_out=$("$BUILDER" --config "$conf" --agent "$AGENT" --output "$out" 2>&1) || build_rc=$?
	[ "$build_rc" = 0 ] || die 4 "rebuilding the capture initramfs with $conf failed" \
		"($BUILDER exit status $build_rc): $(printf '%s' "$build_out" | tr '\n' ' ' | sed 's/ *$//')"
	# The sums are written last: a build cut short is done again next time.
	{ printf '%s\n' "$sums" >"$STATE/initramfs.sums"; } 2>/dev/null ||
		warn "cannot write $STATE/initramfs.sums: the initramfs is built again at the next load"
	initrd=$out
}

# --- what the capture environment needs, and what is loaded

sha() {
	if h=$(sha256sum "$1" 2>/dev/null); then echo "${h%% *}"; else echo unknown; fi
}

# The sha256 of the configuration inside the initramfs FILE ("unknown" if unreadable).
# FILE is opened before the cd: it may be relative (--initrd).
embedded_config_sha() {
	t=$(mktemp -d 2>/dev/null) || { echo unknown; return 0; }
	if gzip -dc <"$1" 2>/dev/null | (cd "$t" && cpio -i -d etc/dumpagent.conf >/dev/null 2>&1) &&
		[ -f "$t/etc/dumpagent.conf" ]; then
		sha "$t/etc/dumpagent.conf"
	else
		echo unknown
	fi
	rm -rf "$t"
}

# Bytes the capture environment needs: the kernel image (about 4 times its
# compressed size while it boots), the initramfs and its unpacked copy, the
# working memory, a margin; in 2 MiB steps.
need_bytes() {
	k=$(wc -c <"$kernel")
	i=$(wc -c <"$initrd")
	u=$(gzip -dc "$initrd" 2>/dev/null | wc -c)
	[ "$u" -gt 0 ] || u=$((i * 3))
	n=$((k * 4 + i + u + WORK_MB * 1048576))
	n=$((n + n * MARGIN_PCT / 100))
	echo $(((n + 2097151) / 2097152 * 2097152))
}

# The memory ranges and CPUs that kexec -p wrote into the ELF core headers of
# the capture kernel: after a memory or CPU hotplug (debian/dumpagent.udev),
# the same files must still be loaded again, or the dump misses the new memory.
layout_sha() {
	if h=$({ { grep 'System RAM' "$PROC/iomem" || :; cat "$SYSFS/devices/system/cpu/present" ||
		:; } | sha256sum; } 2>/dev/null); then echo "${h%% *}"; else echo unknown; fi
}

state_of() { # KEY: the value recorded in $RUN/loaded
	sed -n "s/^$1=//p" "$RUN/loaded" 2>/dev/null | head -n 1
}

# The same files and command line as recorded, and the kernel says loaded.
unchanged() {
	is_loaded && [ -r "$RUN/loaded" ] || return 1
	[ "$(state_of KERNEL)" = "$kernel" ] && [ "$(state_of INITRD)" = "$initrd" ] &&
		[ "$(state_of KERNEL_SHA256)" = "$kernel_sha" ] &&
		[ "$(state_of INITRD_SHA256)" = "$initrd_sha" ] &&
		[ "$(state_of CONFIG_SHA256)" = "$config_sha" ] && [ "$(state_of CMDLINE)" = "$cmdline" ] &&
		[ "$(state_of LAYOUT_SHA256)" = "$layout" ]
}

state_text() {
	printf '%s\n' "KERNEL=$kernel" "KERNEL_SHA256=$kernel_sha" "INITRD=$initrd" \
		"INITRD_SHA256=$initrd_sha" "CONFIG=$conf" "CONFIG_SHA256=$config_sha" \
		"INITRD_CONFIG_SHA256=$embedded_sha" "CMDLINE=$cmdline" "METHOD=$method" \
		"LAYOUT_SHA256=$layout" \
		"LOADED_AT=$(date +%s)"
}

write_state() {
	if ! { mkdir -p "$RUN" && chmod 0700 "$RUN" && state_text >"$RUN/loaded.tmp" &&
		mv -f "$RUN/loaded.tmp" "$RUN/loaded"; } 2>/dev/null; then
		warn "cannot record what was loaded in $RUN/loaded: dumpagent status cannot tell which kernel is armed"
	fi
}

unload() {
	if [ -n "$dry_run" ]; then
		show_command kexec -p -u
		return 0
	fi
	command -v kexec >/dev/null 2>&1 || die 1 "kexec (package kexec-tools) is not in PATH"
	kexec_rc=0
	kexec_out=$(kexec -p -u 2>&1) || kexec_rc=$?
	[ "$kexec_rc" = 0 ] || die 1 "kexec -p -u failed (exit status $kexec_rc): $kexec_out"
	rm -f "$RUN/loaded"
}

# The kernel shrinks the reservation only while no capture kernel is loaded:
# unload, write the new size, load again. Memory given back cannot be
# reserved again before a reboot, hence the floor the bench has proven.
shrink() {
	f=$SYSFS/kernel/kexec_crash_size
	want=$(need_bytes)
	floor=$((SHRINK_FLOOR_MB * 1048576))
	[ "$want" -ge "$floor" ] || want=$floor
	if [ "$want" -ge "$reserved" ]; then
		printf '%s: --shrink: the capture environment needs %s MiB (at least %s) of the %s MiB reserved: nothing to give back\n' \
			"$PROG" "$((want / 1048576))" "$SHRINK_FLOOR_MB" "$((reserved / 1048576))"
		return 0
	fi
	unload
	if ! { echo "$want" >"$f"; } 2>/dev/null; then
		load
		die 7 "--shrink: cannot write $want to $f (the capture kernel is loaded again, unshrunk)"
	fi
	read -r now <"$f" || now=$reserved
	[ "$now" -ge "$reserved" ] ||
		die_note="--shrink gave $(((reserved - now) / 1048576)) MiB back already: they cannot be reserved again before a reboot; reboot (and do not use --shrink) to capture crashes again"
	before=$reserved reserved=$now
	load
	die_note=''
	printf '%s: --shrink: kexec_crash_size %s -> %s: gave %s MiB back to the system\n' \
		"$PROG" "$before" "$now" "$(((before - now) / 1048576))"
}

# Another crashkernel= in GRUB's settings (the admin's, kdump-tools') would
# sit beside ours on the command line; which one the kernel takes is not ours
# to guess. Prints the files that set one, ours excepted.
other_crashkernel() {
	for g in "$GRUB_FILE" "$GRUB_DIR"/*.cfg; do
		case $g in "$GRUB_DIR/dumpagent.cfg") continue ;; esac
		[ -f "$g" ] || continue
		! grep -q '^[^#]*crashkernel=' "$g" 2>/dev/null || printf ' %s' "$g"
	done
}

reserve() {
	want=$(need_bytes)
	mb=$((((want + 8388607) / 8388608) * 8))
	param="crashkernel=${mb}M"
	if [ ! -f "$GRUB_FILE" ]; then
		printf '%s: --reserve: the capture environment needs %s; no GRUB here (no %s): add %s to the kernel command line and reboot\n' \
			"$PROG" "$param" "$GRUB_FILE" "$param"
		return 0
	fi
	others=$(other_crashkernel)
	[ -z "$others" ] || die 7 "--reserve: crashkernel= is already set in$others; a second one would" \
		"be ambiguous: set $param there instead (or remove it and run --reserve again)"
	if [ -n "$dry_run" ]; then
		printf '%s: --reserve: would write %s to %s/dumpagent.cfg and run update-grub\n' \
			"$PROG" "$param" "$GRUB_DIR"
		return 0
	fi
	if ! { mkdir -p "$GRUB_DIR" && printf '%s\n' \
		"# Written by load-crashkernel --reserve: memory for the dumpagent capture kernel." \
		"GRUB_CMDLINE_LINUX_DEFAULT=\"\$GRUB_CMDLINE_LINUX_DEFAULT $param\"" \
		>"$GRUB_DIR/dumpagent.cfg"; } 2>/dev/null; then
		die 7 "--reserve: cannot write $GRUB_DIR/dumpagent.cfg"
	fi
	if command -v update-grub >/dev/null 2>&1; then
		update-grub >/dev/null 2>&1 || die 7 "--reserve: update-grub failed; run it yourself to see why"
		printf '%s: --reserve: %s written to %s/dumpagent.cfg and update-grub run: reboot to reserve it\n' \
			"$PROG" "$param" "$GRUB_DIR"
	else
		printf '%s: --reserve: %s written to %s/dumpagent.cfg; update-grub is not installed: add %s to the kernel command line\n' \
			"$PROG" "$param" "$GRUB_DIR" "$param"
	fi
}

# --- main

# Every check of a load, in order, before anything is loaded or replaced:
# sets kernel, initrd, cmdline, config_sha (and builds the initramfs unless
# --dry-run). Any failure dies here, with the loaded capture kernel untouched.
prepare() {
	parse_config
	proc_cmdline=
	[ ! -r "$PROC/cmdline" ] || proc_cmdline=$(cat "$PROC/cmdline")
	check_reservation
	check_capture_files
	if [ "$c_TARGET" = auto ]; then
		resolve_auto_target
	else
		check_target_name
	fi
	build_cmdline
	config_sha=$(sha "$conf")
	regenerate_initrd
}

# A capture kernel is loaded but not recorded by us: another tool (kdump-tools'
# kdump-config, kdumpctl) loaded it; the load that follows replaces it.
check_foreign() {
	! is_loaded || [ -e "$RUN/loaded" ] ||
		warn "a capture kernel that $PROG did not load is armed (kdump-tools?): replacing it" \
			"with dumpagent's; disable the other service (systemctl disable kdump-tools)," \
			"or the next to load wins"
}

conf=/etc/dumpagent.conf
opt_kernel='' opt_initrd='' dry_run='' check_only='' opt_shrink='' opt_reserve='' opt_unload=''
opt_if_valid=''
while [ $# -gt 0 ]; do
	case $1 in
	--config | --kernel | --initrd)
		[ $# -ge 2 ] || usage_error "$1 needs an argument"
		case $1 in
		--config) conf=$2 ;;
		--kernel) opt_kernel=$2 ;;
		--initrd) opt_initrd=$2 ;;
		esac
		shift ;;
	--dry-run) dry_run=1 ;;
	--check-config) check_only=1 ;;
	--shrink) opt_shrink=1 ;;
	--reserve) opt_reserve=1 ;;
	--unload) opt_unload=1 ;;
	--if-valid) opt_if_valid=1 ;;
	--help | -h) usage; exit 0 ;;
	*) usage_error "unknown option '$1'" ;;
	esac
	shift
done
[ -z "$opt_if_valid" ] || [ -n "$opt_unload" ] || usage_error "--if-valid goes with --unload"

if [ -n "$opt_unload" ]; then
	# The service's stop, also run by "systemctl restart": a configuration
	# that the start after it would refuse must not disarm the machine.
	if [ -n "$opt_if_valid" ] && is_loaded; then
		die_note="--unload --if-valid: the capture kernel stays loaded; fix the error, or disarm with $PROG --unload"
		saved_dry_run=$dry_run
		dry_run=1
		prepare >/dev/null
		dry_run=$saved_dry_run
		die_note=''
	fi
	unload
	[ -n "$dry_run" ] || printf '%s: unloaded the capture kernel\n' "$PROG"
	exit 0
fi
if [ -n "$opt_reserve" ]; then
	parse_config
	check_capture_files
	reserve
	exit 0
fi
if [ -n "$check_only" ]; then
	parse_config
	printf '%s: %s: ok\n' "$PROG" "$conf"
	exit 0
fi

prepare
if [ -n "$dry_run" ]; then
	show_command kexec -p "$kernel" --initrd="$initrd" --append="$cmdline"
	exit 0
fi
kernel_sha=$(sha "$kernel") initrd_sha=$(sha "$initrd") layout=$(layout_sha)
# Armed with all of this already: nothing to load, but --shrink still shrinks.
already=''
if unchanged; then
	if [ -z "$opt_shrink" ]; then
		printf '%s: already armed with the same kernel, initramfs, configuration, command line, memory and CPUs: nothing to do\n' "$PROG"
		exit 0
	fi
	already=1 method=$(state_of METHOD)
fi
embedded_sha=$(embedded_config_sha "$initrd")
[ "$embedded_sha" = unknown ] || [ "$embedded_sha" = "$config_sha" ] ||
	warn "the initramfs $initrd holds another configuration than $conf: rebuild it" \
		"(initramfs/build.sh --config $conf), then run $PROG again"
command -v kexec >/dev/null 2>&1 || die 1 "kexec (package kexec-tools) is not in PATH"
if [ -z "$already" ]; then
	check_foreign
	load
	check_loaded
fi
[ -z "$opt_shrink" ] || { shrink; check_loaded; }
write_state
printf '%s: armed: %s (%s) with %s MB reserved; capture cmdline: %s\n' \
	"$PROG" "$kernel" "$initrd" "$((reserved / 1048576))" "$cmdline"
