#!/bin/sh
# initramfs/build.sh: builds the capture kernel's initramfs (gzip'ed newc cpio), reproducibly.
#
# Usage: initramfs/build.sh --config FILE --agent FILE --output FILE
#                           [--makedumpfile FILE]
#                           [--modules FILE --kernel-release REL]
#                           [--sysroot DIR --check-agent FILE]
#        initramfs/build.sh --list IMAGE
#
# The image holds /init (initramfs/init), its bench hook
# /sbin/dumpagent-bench (initramfs/bench, inert unless dumpagent.bench= is
# given), a static busybox with all its applets in /bin,
# /usr/bin/makedumpfile (see find_makedumpfile: make makedumpfile's 1.7.6
# when it is there, else Debian 12's; a dynamic one with its interpreter and
# exactly the libraries its dynamic loader resolves), the static agent at /sbin/dumpagent and the
# configuration at /etc/dumpagent.conf. When the modules hold dm-crypt (a
# LUKS target) also /sbin/cryptsetup with its libraries. With --modules (distro mode: the
# capture kernel is the distribution's own, whose drivers are modules) it
# also holds the listed kernel modules in /lib/modules/REL/, decompressed,
# and /lib/modules/REL/load-order, their file names in the order /init
# loads them. With --sysroot DIR (another architecture: arm64) busybox and
# makedumpfile are DIR's, Debian's packages unpacked by scripts/arm64-root.sh,
# with the libraries their NEEDED entries name, found in DIR. The same inputs give the same
# bytes (see pack_cpio in lib.sh). The output is written in a private
# temporary directory next to it and renamed into place only when complete.
#
# Exit status: 0 built, 1 failure, 100 bad usage.
set -eu

IH_PROG=initramfs/build.sh
IH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$IH_DIR/lib.sh"

BUSYBOX=/bin/busybox
# console-setup's VGA font: public domain, 8x16, with a Unicode table.
DEFAULT_FONT=/usr/share/consolefonts/Lat15-VGA16.psf.gz

usage() {
	cat <<EOF
usage: $IH_PROG --config FILE --agent FILE --output FILE
                 [--makedumpfile FILE] [--modules FILE --kernel-release REL]
                 [--font FILE] [--sysroot DIR --check-agent FILE]
       $IH_PROG --list IMAGE
       $IH_PROG --help

  --config FILE   dumpagent.conf to install as /etc/dumpagent.conf; it is
                  checked first with "AGENT config check"
  --agent FILE    the statically linked dumpagent, installed as /sbin/dumpagent
  --output FILE   the gzip'ed cpio image to write
  --makedumpfile FILE
                  the makedumpfile to install as /usr/bin/makedumpfile
                  (default: the one of scripts/build-makedumpfile.sh,
                  found next to this script's directory, as makedumpfile in
                  the package or build/makedumpfile/makedumpfile in the tree;
                  else the makedumpfile on PATH, with its libraries)
  --modules FILE  kernel modules for the capture kernel: FILE lists absolute
                  paths of .ko, .ko.xz or .ko.zst files, one a line, in load
                  order (dependencies first); they are installed decompressed
                  in /lib/modules/REL/ and /init insmods them in that order
  --kernel-release REL
                  the capture kernel's release (uname -r); needed with --modules
  --font FILE     the console font (PSF, gzipped) with which the agent draws
                  the brown screen where the capture kernel has no visible
                  console (QEMU's standard VGA after bochs-drm), installed as
                  /usr/share/dumpagent/screen-font.psf.gz (default:
                  screen-font.psf.gz next to this script, as the package
                  ships it, else console-setup's $DEFAULT_FONT)
  --sysroot DIR   take busybox (DIR/bin/busybox) and makedumpfile
                  (DIR/usr/bin/makedumpfile, unless --makedumpfile) from DIR,
                  a tree of Debian packages for another architecture
                  (scripts/arm64-root.sh DIR), with the libraries their
                  NEEDED entries name, found in DIR; DIR/packages must list
                  busybox-static at the version installed here, whose
                  busybox --list names the applets
  --check-agent FILE
                  the agent that checks --config here, when --agent is for
                  another architecture (with --sysroot: the build's own)
  --list IMAGE    print the file names in IMAGE, one a line, and exit
  --without-makedumpfile
                  leave makedumpfile out (for testing the agent's fallback)

Needs the Debian packages busybox-static, cpio, gzip and binutils,
console-setup-linux (the font) outside the package, and
makedumpfile when make makedumpfile made none; with compressed modules also xz-utils or zstd. SOURCE_DATE_EPOCH, when set, is the mtime of every entry (else 0).
EOF
}

die() {
	ih_error "$*"
	exit 1
}

usage_error() {
	ih_error "$*"
	usage >&2
	exit 100
}

list_image() {
	[ -r "$1" ] || die "cannot read $1"
	gzip -t "$1" 2>/dev/null || die "$1 is not a gzip file"
	# gzip was checked above, so cpio's status (the pipeline's) is the one left.
	gzip -dc "$1" | cpio -i -t --quiet || die "$1 is not a cpio archive"
}

config='' agent='' output='' with_makedumpfile=yes modules='' release='' makedumpfile_opt='' font='' mdf_file=''
sysroot='' check_agent=''
parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--help | -h) usage; exit 0 ;;
		--without-makedumpfile) with_makedumpfile=no; shift ;;
		--config | --agent | --output | --list | --modules | --kernel-release | --makedumpfile | --font | \
			--sysroot | --check-agent)
			if [ $# -lt 2 ] || [ -z "$2" ]; then
				usage_error "$1 needs a value"
			fi
			case $1 in
			--config) config=$2 ;;
			--agent) agent=$2 ;;
			--output) output=$2 ;;
			--modules) modules=$2 ;;
			--kernel-release) release=$2 ;;
			--makedumpfile) makedumpfile_opt=$2 ;;
			--font) font=$2 ;;
			--sysroot) sysroot=$2 ;;
			--check-agent) check_agent=$2 ;;
			--list) list_image "$2"; exit 0 ;;
			esac
			shift 2
			;;
		*) usage_error "unknown argument '$1'" ;;
		esac
	done
	[ -n "$config" ] || usage_error "--config is required"
	[ -n "$agent" ] || usage_error "--agent is required"
	[ -n "$output" ] || usage_error "--output is required"
	if [ -n "$modules" ] && [ -z "$release" ]; then
		usage_error "--modules needs --kernel-release"
	fi
	if [ -z "$modules" ] && [ -n "$release" ]; then
		usage_error "--kernel-release needs --modules"
	fi
	case $release in
	*/* | . | ..) usage_error "--kernel-release '$release' is not a kernel release" ;;
	esac
	if [ -n "$sysroot" ] && [ -z "$check_agent" ]; then
		usage_error "--sysroot needs --check-agent (the agent for another architecture cannot run here)"
	fi
	[ -n "$check_agent" ] || check_agent=$agent
}

# Everything is checked before anything is staged, so a bad input never
# leaves a half-built image behind.
check_inputs() {
	if [ ! -f "$config" ] || [ ! -r "$config" ]; then
		die "config $config: not a readable file"
	fi
	if [ ! -f "$agent" ] || [ ! -x "$agent" ]; then
		die "agent $agent: not an executable file"
	fi
	require_static "$agent" "agent" || exit 1
	if [ ! -f "$check_agent" ] || [ ! -x "$check_agent" ]; then
		die "check agent $check_agent: not an executable file"
	fi
	[ -z "$sysroot" ] || check_sysroot
	if [ -z "$font" ]; then
		font=$DEFAULT_FONT
		[ ! -f "$IH_DIR/screen-font.psf.gz" ] || font=$IH_DIR/screen-font.psf.gz
	fi
	if [ ! -f "$font" ] || [ ! -r "$font" ]; then
		die "font $font: not a readable file (the brown screen's font): install the Debian package console-setup-linux, or give --font"
	fi
	# The agent that will read the file at crash time judges it now, when a
	# mistake is cheap. It is static, so it runs here as it will run there;
	# for another architecture the same source built for this one judges.
	if ! check_out=$("$check_agent" config check --config "$config" 2>&1); then
		die "config $config is not valid (checked by $check_agent): $check_out"
	fi
	if [ ! -f "$BUSYBOX" ]; then
		die "$BUSYBOX not found: install the Debian package busybox-static"
	fi
	require_static "$BUSYBOX" "busybox" ||
		die "the busybox package's $BUSYBOX is dynamic: install the Debian package busybox-static"
	[ "$with_makedumpfile" = no ] || { find_makedumpfile && check_compression; }
	[ -f "$IH_DIR/init" ] || die "$IH_DIR/init is missing"
	[ -f "$IH_DIR/bench" ] || die "$IH_DIR/bench is missing"
	[ -z "$modules" ] || check_modules
	check_cryptsetup
}

# check_sysroot: DIR holds busybox-static at this machine's version, so that
# this machine's busybox --list names the applets of DIR's (which cannot run
# here): the same Debian source and configuration, another architecture.
check_sysroot() {
	[ -d "$sysroot" ] || die "sysroot $sysroot: not a directory (make it with scripts/arm64-root.sh $sysroot)"
	sysroot=$(CDPATH='' cd -- "$sysroot" && pwd)
	BUSYBOX=$sysroot/bin/busybox
	[ -f "$sysroot/packages" ] || die "sysroot $sysroot: no packages file (made by scripts/arm64-root.sh)"
	want=$(sed -n 's/^busybox-static \(.*\)$/\1/p' "$sysroot/packages")
	[ -n "$want" ] || die "sysroot $sysroot: busybox-static is not in $sysroot/packages"
	have=$(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null) ||
		die "busybox-static is not installed here: install the Debian package busybox-static ($want), whose busybox --list names the applets"
	[ "$have" = "$want" ] ||
		die "busybox-static here is $have, in $sysroot $want: the applet lists may differ; install busybox-static $want or rebuild $sysroot"
}

# A target on LUKS (dm-crypt among the modules): the capture agent opens it
# with Debian's cryptsetup, copied in with its libraries like makedumpfile.
cryptsetup=''
check_cryptsetup() {
	[ -n "$modules" ] && grep -q '/dm-crypt\.ko' "$modules" || return 0
	[ -z "$sysroot" ] || die "the target is on LUKS (dm-crypt is listed): --sysroot has no cryptsetup"
	cryptsetup=$(command -v cryptsetup) || cryptsetup=/sbin/cryptsetup
	[ -x "$cryptsetup" ] || die "the target is on LUKS (dm-crypt is listed) and cryptsetup is not found: install the Debian package cryptsetup-bin"
}

# find_makedumpfile: sets makedumpfile, and says which one it is. The
# 1.7.6 of "make makedumpfile" comes first: Debian 12's 1.7.2 says "The
# kernel version is not supported" on Debian 12's own 6.1 kernel. Static
# (built from Debian's source) it also drops libc, libdw, liblzma and liblzo
# (about 3 MB unpacked); trixie's binary (fetched where that source cannot
# be had) brings them like 1.7.2. The package installs it as
# /usr/lib/dumpagent/makedumpfile, next to /usr/lib/dumpagent/initramfs/;
# "make makedumpfile" makes it as build/makedumpfile/makedumpfile in the tree.
find_makedumpfile() {
	ih_root=$(CDPATH='' cd -- "$IH_DIR"/.. && pwd)
	if [ -n "$sysroot" ] && [ -z "$makedumpfile_opt" ]; then
		makedumpfile=/usr/bin/makedumpfile
		mdf_file=$(root_resolve "$sysroot" "$makedumpfile") || exit 1
		mdf_interp=$(elf_interp "$mdf_file") || exit 1
		echo "$IH_PROG: makedumpfile: $sysroot$makedumpfile (in the sysroot, with $mdf_interp and its libraries)"
		return 0
	fi
	if [ -n "$makedumpfile_opt" ]; then
		if [ ! -f "$makedumpfile_opt" ] || [ ! -x "$makedumpfile_opt" ]; then
			die "makedumpfile $makedumpfile_opt: not an executable file"
		fi
		makedumpfile=$makedumpfile_opt
	elif [ -f "$ih_root/makedumpfile" ] && [ -x "$ih_root/makedumpfile" ]; then
		makedumpfile=$ih_root/makedumpfile
	elif [ -f "$ih_root/build/makedumpfile/makedumpfile" ] &&
		[ -x "$ih_root/build/makedumpfile/makedumpfile" ]; then
		makedumpfile=$ih_root/build/makedumpfile/makedumpfile
	else
		makedumpfile=$(command -v makedumpfile) ||
			die "makedumpfile not found: run make makedumpfile, or install the Debian package makedumpfile"
	fi
	mdf_interp=$(elf_interp "$makedumpfile") || exit 1
	if [ -n "$sysroot" ] && [ -n "$mdf_interp" ]; then
		die "makedumpfile $makedumpfile is dynamic: with --sysroot, --makedumpfile takes a static one"
	fi
	if [ -z "$mdf_interp" ]; then
		echo "$IH_PROG: makedumpfile: $makedumpfile (static)"
	else
		echo "$IH_PROG: makedumpfile: $makedumpfile (dynamic: with $mdf_interp and its libraries)"
	fi
}

# check_compression: COMPRESSION=zstd (makedumpfile -z) needs a makedumpfile
# built with zstd. Debian 12's 1.7.2 is not: every capture would fail into the
# agent's fallback, the whole vmcore unfiltered. The line its -v prints,
# "zstd<TAB>enabled" or "zstd<TAB>disabled", is compiled in whole: read from
# the file, it answers for any architecture, static or dynamic, without
# running it.
check_compression() {
	comp=$("$check_agent" config get COMPRESSION --config "$config") ||
		die "cannot read COMPRESSION of $config with $check_agent (its message above)"
	[ "$comp" = zstd ] || return 0
	cc_file=${mdf_file:-$makedumpfile}
	LC_ALL=C grep -q "$(printf 'zstd\tenabled')" "$cc_file" ||
		die "$config sets COMPRESSION=zstd, and makedumpfile $cc_file is built without zstd (its -v would not say \"zstd enabled\"): set COMPRESSION=lzo, or give a makedumpfile with zstd (make makedumpfile: 1.7.6)"
}

# check_modules: every line of the --modules list names an absolute path to
# a readable module file, each module name once, and the decompressor of
# each compressed one is installed.
check_modules() {
	if [ ! -f "$modules" ] || [ ! -r "$modules" ]; then
		die "modules list $modules: not a readable file"
	fi
	module_names=' '
	while IFS= read -r ko || [ -n "$ko" ]; do
		case $ko in
		'') die "modules list $modules: an empty line" ;;
		/*.ko) ;;
		/*.ko.xz) ih_need xz xz-utils || exit 1 ;;
		/*.ko.zst) ih_need zstd zstd || exit 1 ;;
		*) die "modules list $modules: '$ko' is not an absolute path to a .ko, .ko.xz or .ko.zst file" ;;
		esac
		if [ ! -f "$ko" ] || [ ! -r "$ko" ]; then
			die "module $ko: not a readable file"
		fi
		name=$(module_file "$ko")
		case $module_names in
		*" $name "*) die "modules list $modules: $name is listed twice" ;;
		esac
		module_names="$module_names$name "
	done <"$modules"
	[ "$module_names" != ' ' ] || die "modules list $modules is empty"
}

# module_file PATH: the module's file name in the image (compression suffix dropped).
module_file() {
	ko=${1##*/}
	echo "${ko%.ko*}.ko"
}

# Every applet gets a link, not just the ones /init uses: the emergency
# shell is for a person looking at a failed capture, who needs ls, dmesg,
# mount, findfs, vi and the rest. 270 symlinks cost a few KiB compressed.
stage_busybox() {
	add_file "$staging" "$BUSYBOX" /bin/busybox 0755 || exit 1
	lister=$BUSYBOX
	[ -z "$sysroot" ] || lister=/bin/busybox # check_sysroot: the same version
	applets=$("$lister" --list) || die "$lister --list failed"
	set -f # the applets "[" and "[[" are glob patterns
	for applet in $applets; do
		case $applet in
		*/* | . | ..) die "busybox lists a strange applet name '$applet'" ;;
		esac
		[ -e "$staging/bin/$applet" ] || ln -s busybox "$staging/bin/$applet"
	done
	set +f
}

# The kernel opens /dev/console on the rootfs before /init runs. Without the
# node /init still works: it mounts devtmpfs and opens the console there.
stage_device_nodes() {
	if [ "$(id -u)" = 0 ] &&
		mknod -m 0600 "$staging/dev/console" c 5 1 2>/dev/null &&
		mknod -m 0666 "$staging/dev/null" c 1 3 2>/dev/null; then
		return 0
	fi
	rm -f -- "$staging/dev/console" "$staging/dev/null"
	echo "$IH_PROG: note: not root (or mknod refused): no /dev/console or /dev/null in the image; /init opens them on devtmpfs"
}

# The agent's debug information (a third of the build tree's binary) is of
# no use in the capture kernel, and its memory is the scarcest there. strip
# is binutils', always on a build host; a machine that rebuilds the
# initramfs without it has the package's agent, which dh_strip stripped.
# An aarch64 agent is stripped by binutils-aarch64-linux-gnu's strip,
# which comes with the cross compiler that built it.
strip_agent() {
	stripper='strip'
	if LC_ALL=C readelf -h "$agent" | grep -q 'Machine: *AArch64'; then
		stripper=aarch64-linux-gnu-strip
	fi
	command -v "$stripper" >/dev/null 2>&1 || return 0
	"$stripper" --strip-all -- "$staging/sbin/dumpagent" ||
		die "$stripper $staging/sbin/dumpagent failed"
}

# makedumpfile's threads (THREADS, --num-threads) end in pthread_exit, for
# which a dynamic glibc dlopens libgcc_s.so.1: no NEEDED entry names it, and
# without it makedumpfile aborts ("libgcc_s.so.1 must be installed for
# pthread_exit to work") and the capture falls back to the whole vmcore. It
# is taken from beside the libc that makedumpfile links; a static
# makedumpfile links its unwinder in. With --sysroot, from the sysroot's
# libc (scripts/arm64-root.sh unpacks libgcc-s1 there), never the host's.
add_libgcc_s() {
	libc=$(elf_libs "$makedumpfile" | grep '/libc\.so\.6$') || return 0
	add_file "$staging" "${libc%/*}/libgcc_s.so.1" "${libc%/*}/libgcc_s.so.1" 0644 ||
		die "no ${libc%/*}/libgcc_s.so.1 beside makedumpfile's libc: install libgcc-s1"
}

add_root_libgcc_s() {
	libc=$(root_libs "$sysroot" "$makedumpfile" | grep '/libc\.so\.6$') || return 0
	# root_resolve's error (not a file, a symlink loop) goes into the one line.
	gcc_s=$(root_resolve "$sysroot" "${libc%/*}/libgcc_s.so.1" 2>&1) ||
		die "no ${libc%/*}/libgcc_s.so.1 beside makedumpfile's libc in $sysroot (${gcc_s#"$IH_PROG: "}): rebuild it with scripts/arm64-root.sh (it unpacks libgcc-s1)"
	add_file "$staging" "$gcc_s" "${libc%/*}/libgcc_s.so.1" 0644 || exit 1
}

stage() {
	for d in proc sys dev tmp run mnt/target etc sbin usr/bin; do
		mkdir -p "$staging/$d"
	done
	stage_busybox
	if [ "$with_makedumpfile" = yes ] && [ -n "$sysroot" ] && [ -z "$makedumpfile_opt" ]; then
		add_root_binary_with_libs "$staging" "$sysroot" "$makedumpfile" /usr/bin/makedumpfile || exit 1
		add_root_libgcc_s
	elif [ "$with_makedumpfile" = yes ]; then
		add_binary_with_libs "$staging" "$makedumpfile" /usr/bin/makedumpfile || exit 1
		add_libgcc_s
	fi
	if [ -n "$cryptsetup" ]; then
		add_binary_with_libs "$staging" "$cryptsetup" /sbin/cryptsetup || exit 1
	fi
	add_file "$staging" "$agent" /sbin/dumpagent 0755 || exit 1
	strip_agent
	add_file "$staging" "$config" /etc/dumpagent.conf 0644 || exit 1
	add_file "$staging" "$font" /usr/share/dumpagent/screen-font.psf.gz 0644 || exit 1
	add_file "$staging" "$IH_DIR/init" /init 0755 || exit 1
	add_file "$staging" "$IH_DIR/bench" /sbin/dumpagent-bench 0755 || exit 1
	[ -z "$modules" ] || stage_modules
	# mkdir obeys the umask; the image must not.
	find "$staging" -type d -exec chmod 0755 {} +
	chmod 1777 "$staging/tmp"
	stage_device_nodes
}

# The modules go in decompressed: busybox insmod reads the file as it is,
# and the kernel checks the signature appended to the uncompressed module,
# which decompression keeps. load-order is what /init follows.
stage_modules() {
	mdir=$staging/lib/modules/$release
	mkdir -p "$mdir" || die "cannot create $mdir"
	: >"$mdir/load-order"
	while IFS= read -r ko || [ -n "$ko" ]; do
		name=$(module_file "$ko")
		case $ko in
		*.ko.xz) xz -dc -- "$ko" >"$mdir/$name" || die "cannot decompress $ko (xz)" ;;
		*.ko.zst) zstd -q -dc -- "$ko" >"$mdir/$name" || die "cannot decompress $ko (zstd)" ;;
		*) cp -- "$ko" "$mdir/$name" || die "cannot copy $ko to $mdir" ;;
		esac
		chmod 0644 "$mdir/$name"
		echo "$name" >>"$mdir/load-order"
	done <"$modules"
	chmod 0644 "$mdir/load-order"
}

parse_args "$@"
check_inputs

staging='' packing=''
cleanup() {
	[ -z "$staging" ] || rm -rf -- "$staging"
	[ -z "$packing" ] || rm -rf -- "$packing"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

staging=$(mktemp -d "${TMPDIR:-/tmp}/dumpagent-initramfs.XXXXXX") ||
	die "cannot create a staging directory in ${TMPDIR:-/tmp}"
stage

outdir=$(dirname -- "$output")
mkdir -p -- "$outdir" || die "cannot create $outdir"
# The image and pack_cpio's intermediate files (IMAGE.list, .cpio, ...) are
# written in a directory of our own that mktemp -d creates (0700, a fresh
# name): a name another user could guess and plant a symlink at is never
# opened. It sits next to the output, so the rename is atomic.
packing=$(mktemp -d "$outdir/.${output##*/}.XXXXXX") ||
	die "cannot create a temporary directory in $outdir"
pack_cpio "$staging" "$packing/image" || exit 1
mv -f -- "$packing/image" "$output"

size=$(wc -c <"$output")
sum=$(sha256sum <"$output")
echo "$IH_PROG: wrote $output: $((size)) bytes, sha256 ${sum%% *}"
