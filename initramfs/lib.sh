# shellcheck shell=sh
# initramfs/lib.sh: sh functions to stage binaries with their libraries and pack a cpio image.
#
# Sourced by initramfs/build.sh and by the QEMU tests (their first kernel's
# initramfs carries kexec). POSIX sh. The functions return non-zero after
# printing one error line; they never exit, so the caller decides. Their
# variables all start with ih_ because sh has no locals and the callers have
# their own (staging, out, config, ...).
#
#   add_binary_with_libs STAGING BINARY [DEST]  BINARY at DEST (default: its
#       own path), plus its ELF interpreter and every library the dynamic
#       loader resolves for it, each at the path the loader reported.
#   add_lib_files STAGING ROOT INTERP LIBS      LIBS at their paths, from ROOT
#       ('' for this system), INTERP executable: the two functions' common part.
#   add_file STAGING SOURCE DEST MODE           one file, contents copied.
#   elf_interp BINARY                           prints PT_INTERP, or nothing.
#   require_static BINARY WHAT                  fails unless BINARY is a static ELF.
#   elf_libs BINARY                             prints interpreter and libraries.
#   pack_cpio STAGING OUTPUT                    gzip'ed newc cpio, reproducible.
#   root_resolve ROOT PATH                      PATH's file inside ROOT, symlinks
#       followed inside ROOT (an absolute link target is taken from ROOT).
#   root_libs ROOT BINARY                       interpreter and libraries of
#       BINARY (of another architecture) as found in ROOT, from NEEDED.
#   add_root_binary_with_libs STAGING ROOT BINARY DEST  BINARY (a path in
#       ROOT) at DEST, plus what root_libs prints, each at its path in ROOT.
#
# Set IH_PROG to the caller's name for the error prefix.

ih_error() {
	echo "${IH_PROG:-initramfs}: $*" >&2
}

# ih_need TOOL PACKAGE: fails naming the Debian package when TOOL is missing.
ih_need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	ih_error "$1 not found: install the Debian package $2"
	return 1
}

# Prints the ELF interpreter (PT_INTERP) of BINARY; prints nothing for a
# static binary (static-pie included). Fails if BINARY is not an ELF file.
elf_interp() {
	ih_need readelf binutils || return 1
	if [ ! -f "$1" ] || [ ! -r "$1" ]; then
		ih_error "$1: not a readable file"
		return 1
	fi
	if ! ih_hdr=$(LC_ALL=C readelf -lW "$1" 2>&1); then
		ih_error "$1: not an ELF executable: $(printf '%s\n' "$ih_hdr" | head -n 1)"
		return 1
	fi
	# An object file or core has no program headers and so no PT_INTERP:
	# only executables (EXEC, or DYN for PIE) count as static.
	case $ih_hdr in
	*"Elf file type is EXEC"* | *"Elf file type is DYN"*) ;;
	*)
		ih_error "$1: not an ELF executable"
		return 1
		;;
	esac
	printf '%s\n' "$ih_hdr" | sed -n 's/^.*\[Requesting program interpreter: \(.*\)\]$/\1/p'
}

# require_static BINARY WHAT: the capture agent and busybox run before any
# library could be found, so they must carry none.
require_static() {
	ih_rs_interp=$(elf_interp "$1") || return 1
	if [ -n "$ih_rs_interp" ]; then
		ih_error "$2 $1 is dynamically linked (interpreter $ih_rs_interp): a statically linked binary is required"
		return 1
	fi
}

# Prints the interpreter and every shared library of BINARY, one absolute
# path a line, sorted, as the binary's own dynamic loader resolves them
# (ld.so --list). LD_LIBRARY_PATH and LD_PRELOAD are dropped: the capture
# kernel has neither. The virtual vDSO has no file and is left out.
#
# Hazard: the copies keep the paths the loader reported. A library that the
# loader found only through /etc/ld.so.cache in a directory outside its
# built-in search path would not be found in the image, which has no cache;
# Debian's libraries all live in the built-in /lib/<triplet> and /usr/lib/<triplet>.
elf_libs() {
	ih_el_interp=$(elf_interp "$1") || return 1
	[ -n "$ih_el_interp" ] || return 0
	if [ ! -x "$ih_el_interp" ]; then
		ih_error "$1: its interpreter $ih_el_interp is not an executable file on this system"
		return 1
	fi
	if ! ih_el_list=$(unset LD_LIBRARY_PATH LD_PRELOAD && "$ih_el_interp" --list "$1" 2>&1); then
		ih_error "$ih_el_interp --list $1 failed: $ih_el_list"
		return 1
	fi
	ih_el_missing=$(printf '%s\n' "$ih_el_list" | awk '/=> not found/ { printf " %s", $1 }')
	if [ -n "$ih_el_missing" ]; then
		ih_error "$1: libraries not found by $ih_el_interp:$ih_el_missing"
		return 1
	fi
	{
		echo "$ih_el_interp"
		printf '%s\n' "$ih_el_list" | awk '
			$2 == "=>" && $3 ~ /^\// { print $3; next }
			$1 ~ /^\// { print $1 }'
	} | LC_ALL=C sort -u
}

# add_file STAGING SOURCE DEST MODE: copies the contents of SOURCE (following
# symbolic links) to STAGING/DEST. Whatever was at DEST is removed first, so
# a symlink there (a busybox applet, say) is replaced, never written through.
add_file() {
	case $3 in
	/*) ;;
	*) ih_error "add_file: destination '$3' is not an absolute path"; return 1 ;;
	esac
	ih_af_dest=$1$3
	if ! mkdir -p -- "${ih_af_dest%/*}" || ! rm -f -- "$ih_af_dest" ||
		! cp -- "$2" "$ih_af_dest" || ! chmod "$4" -- "$ih_af_dest"; then
		ih_error "cannot copy $2 to $ih_af_dest"
		return 1
	fi
}

add_binary_with_libs() {
	ih_ab_staging=$1
	ih_ab_bin=$2
	ih_ab_dest=${3:-$2}
	if [ ! -f "$ih_ab_bin" ] || [ ! -x "$ih_ab_bin" ]; then
		ih_error "$ih_ab_bin: not an executable file"
		return 1
	fi
	ih_ab_libs=$(elf_libs "$ih_ab_bin") || return 1
	ih_ab_interp=$(elf_interp "$ih_ab_bin") || return 1
	add_file "$ih_ab_staging" "$ih_ab_bin" "$ih_ab_dest" 0755 || return 1
	add_lib_files "$ih_ab_staging" '' "$ih_ab_interp" "$ih_ab_libs"
}

# add_lib_files STAGING ROOT INTERP LIBS: each of LIBS (absolute paths, one a
# line) into STAGING at the path the loader looks for (its soname path),
# with the contents of the file that path resolves to in ROOT ('' for this
# system): one regular file per library, no symlink chains to replay. The
# interpreter INTERP is executed by the kernel, so it needs the x bit; the
# libraries are only mapped.
add_lib_files() {
	while IFS= read -r ih_al_lib; do
		[ -n "$ih_al_lib" ] || continue
		ih_al_mode=0644
		[ "$ih_al_lib" != "$3" ] || ih_al_mode=0755
		ih_al_src=$ih_al_lib
		if [ -n "$2" ]; then
			ih_al_src=$(root_resolve "$2" "$ih_al_lib") || return 1
		fi
		add_file "$1" "$ih_al_src" "$ih_al_lib" "$ih_al_mode" || return 1
	done <<EOF
$4
EOF
}

# pack_cpio STAGING OUTPUT: writes STAGING as a gzip'ed newc cpio archive.
# The same tree gives the same bytes: entries sorted in the C locale,
# mtimes set to SOURCE_DATE_EPOCH (default 0), owner root:root, inode and
# device numbers renumbered (--reproducible), gzip without name or time.
# Modes are archived as they are in STAGING: the caller fixes them.
# Each stage writes a file and is checked on its own (sh has no pipefail).
pack_cpio() {
	ih_pc_staging=$1
	ih_pc_out=$2
	ih_pc_epoch=${SOURCE_DATE_EPOCH:-0}
	case $ih_pc_epoch in
	'' | *[!0-9]*)
		ih_error "SOURCE_DATE_EPOCH must be a number of seconds, not '$ih_pc_epoch'"
		return 1
		;;
	esac
	ih_need cpio cpio && ih_need gzip gzip || return 1
	if ! cpio --version 2>/dev/null | grep -q 'GNU cpio'; then
		ih_error "cpio is not GNU cpio: install the Debian package cpio"
		return 1
	fi
	ih_pc_ok=0
	if find "$ih_pc_staging" -exec touch -h -d "@$ih_pc_epoch" {} + &&
		(cd "$ih_pc_staging" && find . ! -name . -print) >"$ih_pc_out.list" &&
		sed 's|^\./||' "$ih_pc_out.list" >"$ih_pc_out.names" &&
		LC_ALL=C sort "$ih_pc_out.names" >"$ih_pc_out.sorted" &&
		(cd "$ih_pc_staging" && cpio -o -H newc --owner=0:0 --reproducible --quiet) \
			<"$ih_pc_out.sorted" >"$ih_pc_out.cpio" &&
		gzip -n -9 <"$ih_pc_out.cpio" >"$ih_pc_out"; then
		ih_pc_ok=1
	fi
	rm -f -- "$ih_pc_out.list" "$ih_pc_out.names" "$ih_pc_out.sorted" "$ih_pc_out.cpio"
	if [ "$ih_pc_ok" != 1 ]; then
		ih_error "cannot pack $ih_pc_staging into $ih_pc_out"
		rm -f -- "$ih_pc_out"
		return 1
	fi
}

# root_resolve ROOT PATH: prints ROOT's file for the absolute PATH, each
# symbolic link on the way followed inside ROOT: a library package's
# /lib/ld-linux-aarch64.so.1 -> aarch64-linux-gnu/ld-linux-aarch64.so.1 must
# not be looked up on the build machine. Only the last component is followed
# (dpkg-deb -x makes real directories); 40 links at most, as the kernel.
root_resolve() {
	ih_rr_path=$2
	ih_rr_n=0
	while [ -L "$1$ih_rr_path" ]; do
		ih_rr_n=$((ih_rr_n + 1))
		if [ "$ih_rr_n" -gt 40 ]; then
			ih_error "$1$2: too many levels of symbolic links"
			return 1
		fi
		ih_rr_target=$(readlink -- "$1$ih_rr_path") || return 1
		case $ih_rr_target in
		/*) ih_rr_path=$ih_rr_target ;;
		*) ih_rr_path=${ih_rr_path%/*}/$ih_rr_target ;;
		esac
	done
	if [ ! -f "$1$ih_rr_path" ]; then
		ih_error "$1$2: not a file in $1"
		return 1
	fi
	echo "$1$ih_rr_path"
}

# root_find_lib ROOT SONAME: prints the absolute path (in ROOT's terms) of
# SONAME in the directories Debian's dynamic loader searches by itself.
root_find_lib() {
	for ih_rf_dir in "$1"/lib/*-linux-gnu* "$1"/usr/lib/*-linux-gnu* "$1/lib" "$1/usr/lib"; do
		if [ -e "$ih_rf_dir/$2" ]; then
			echo "${ih_rf_dir#"$1"}/$2"
			return 0
		fi
	done
	return 1
}

# root_libs ROOT BINARY: the interpreter and every library BINARY needs,
# transitively, from the NEEDED entries (readelf reads any architecture; the
# binary's own loader cannot run here). One absolute path a line, sorted.
root_libs() {
	ih_rl_bin=$(root_resolve "$1" "$2") || return 1
	ih_rl_interp=$(elf_interp "$ih_rl_bin") || return 1
	[ -n "$ih_rl_interp" ] || return 0
	root_resolve "$1" "$ih_rl_interp" >/dev/null || return 1
	ih_rl_todo=$ih_rl_bin ih_rl_seen=" $ih_rl_interp "
	while [ -n "$ih_rl_todo" ]; do
		ih_rl_next=''
		for ih_rl_file in $ih_rl_todo; do
			if ! ih_rl_needed=$(LC_ALL=C readelf -dW "$ih_rl_file" | sed -n 's/^.*(NEEDED).*\[\(.*\)\]$/\1/p'); then
				ih_error "readelf -d $ih_rl_file failed"
				return 1
			fi
			for ih_rl_so in $ih_rl_needed; do
				# libc names the loader too: it is the interpreter, once.
				[ "$ih_rl_so" != "${ih_rl_interp##*/}" ] || continue
				if ! ih_rl_lib=$(root_find_lib "$1" "$ih_rl_so"); then
					ih_error "$2: library $ih_rl_so (needed by ${ih_rl_file#"$1"}) not found in $1"
					return 1
				fi
				case $ih_rl_seen in *" $ih_rl_lib "*) continue ;; esac
				ih_rl_seen="$ih_rl_seen$ih_rl_lib "
				ih_rl_file2=$(root_resolve "$1" "$ih_rl_lib") || return 1
				ih_rl_next="$ih_rl_next $ih_rl_file2"
			done
		done
		ih_rl_todo=$ih_rl_next
	done
	# shellcheck disable=SC2086 # paths without blanks, one a word
	printf '%s\n' $ih_rl_seen | LC_ALL=C sort -u
}

# add_root_binary_with_libs STAGING ROOT BINARY DEST: BINARY, a path in
# ROOT, at DEST, with its interpreter and libraries at their paths in ROOT.
add_root_binary_with_libs() {
	ih_ar_bin=$(root_resolve "$2" "$3") || return 1
	ih_ar_libs=$(root_libs "$2" "$3") || return 1
	ih_ar_interp=$(elf_interp "$ih_ar_bin") || return 1
	add_file "$1" "$ih_ar_bin" "$4" 0755 || return 1
	add_lib_files "$1" "$2" "$ih_ar_interp" "$ih_ar_libs"
}
