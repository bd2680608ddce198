# shellcheck shell=sh
# tests/qemu/lib.sh: shared helpers of the QEMU tests (sourced, POSIX sh).
#
# A test sources this, calls qemu_setup NAME, builds what it needs under
# $WORK, runs the VM with qemu_run, and reports with pass/fail. fail prints
# the serial log, so a red test always shows what the guest said.

# QEMU_LIB_REPO: the checkout, for a caller that is not in tests/qemu/ (bench/).
REPO=${QEMU_LIB_REPO:-$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)}
BUILD=$REPO/build
CAPTURE_KERNEL=$BUILD/capture/vmlinuz
QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}

qemu_setup() {
	TEST_NAME=$1
	WORK=$BUILD/test/$TEST_NAME
	rm -rf "$WORK"
	mkdir -p "$WORK"
	SERIAL=$WORK/serial.log
	: >"$SERIAL"
}

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	if [ -s "${SERIAL:-/nonexistent}" ]; then
		echo "----- serial log ($SERIAL) -----" >&2
		tail -n 200 "$SERIAL" >&2
		echo "----- end of serial log -----" >&2
	fi
	exit 1
}

pass() {
	echo "PASS: $TEST_NAME${1:+: $1}"
	exit 0
}

# The newest installed Debian kernel: the "production" first kernel.
debian_kernel() {
	k=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' | sort -V | tail -n 1)
	if [ -z "$k" ] || [ ! -r "$k" ]; then
		fail "no readable /boot/vmlinuz-*-amd64: install linux-image-amd64"
	fi
	echo "$k"
}

require_file() {
	[ -r "$1" ] || fail "missing $1: $2"
}

# Writes a config for the capture initramfs of a test. Extra KEY=value lines
# come as arguments.
write_test_config() {
	out=$1
	shift
	{
		echo "# dumpagent test configuration"
		for kv in "$@"; do
			echo "$kv"
		done
	} >"$out"
}

# Builds the first kernel's initramfs: busybox, kexec, the shipped loader,
# the capture kernel and initramfs, the config, and an /init that arms the
# loader and then crashes the kernel through sysrq. FIRST_SYSROOT (arm64:
# scripts/arm64-root.sh's tree) gives busybox and kexec of another
# architecture, FIRST_AGENT the agent (default build/dumpagent).
build_first_initrd() {
	config=$1
	capture_initrd=$2
	out=$3
	# Staged and packed (pack_cpio's OUT.list, OUT.cpio, ...) in a fresh
	# private directory next to OUT, never at names known in advance;
	# removed on every way out, fail included.
	first_tmp=$(mktemp -d "$(dirname -- "$out")/.first-initrd.XXXXXX") ||
		fail "cannot create a temporary directory next to $out"
	trap 'rm -rf -- "$first_tmp"' EXIT
	staging=$first_tmp/root
	mkdir -p "$staging/bin" "$staging/proc" "$staging/sys" "$staging/dev" \
		"$staging/etc" "$staging/usr/sbin" "$staging/usr/lib/dumpagent" "$staging/tmp"
	# shellcheck source=../../initramfs/lib.sh
	. "$REPO/initramfs/lib.sh"
	cp "${FIRST_SYSROOT:-}/bin/busybox" "$staging/bin/busybox"
	# An arm64 busybox cannot run here: the same version's list (build.sh --sysroot checks it).
	for applet in $(/bin/busybox --list); do
		[ -e "$staging/bin/$applet" ] || ln -s busybox "$staging/bin/$applet"
	done
	if [ -n "${FIRST_SYSROOT:-}" ]; then
		add_root_binary_with_libs "$staging" "$FIRST_SYSROOT" /sbin/kexec /usr/sbin/kexec
	else
		add_binary_with_libs "$staging" "$(command -v kexec)" /usr/sbin/kexec
	fi || fail "cannot add kexec to the first initramfs"
	cp "$REPO/scripts/load-crashkernel.sh" "$staging/usr/sbin/load-crashkernel"
	# The loader has no parser: it asks the (static) agent installed beside it.
	cp "${FIRST_AGENT:-$BUILD/dumpagent}" "$staging/usr/sbin/dumpagent" || fail "cannot add the agent to the first initramfs"
	cp "$CAPTURE_KERNEL" "$staging/usr/lib/dumpagent/vmlinuz"
	# Its list of built-in drivers: without it, CAPTURE_MODE=auto cannot trust the small kernel.
	[ ! -f "$CAPTURE_KERNEL.builtin" ] || cp "$CAPTURE_KERNEL.builtin" "$staging/usr/lib/dumpagent/vmlinuz.builtin"
	cp "$capture_initrd" "$staging/usr/lib/dumpagent/initramfs.img"
	cp "$config" "$staging/etc/dumpagent.conf"
	cp "${FIRST_INIT:-$REPO/tests/qemu/first-init}" "$staging/init"
	chmod 0755 "$staging/init" "$staging/usr/sbin/load-crashkernel" "$staging/usr/sbin/dumpagent"
	pack_cpio "$staging" "$first_tmp/image" >/dev/null || fail "cannot pack the first initramfs"
	mv -f -- "$first_tmp/image" "$out" || fail "cannot rename the first initramfs to $out"
	rm -rf -- "$first_tmp"
	trap - EXIT
}

# qemu_run KERNEL INITRD APPEND [extra qemu args...]: runs a VM to its end,
# serial console to $SERIAL, bounded by $QEMU_TIMEOUT seconds. QEMU_MONITOR
# and QEMU_SERIAL replace "-monitor none" and "-serial file:$SERIAL".
qemu_run() {
	kernel=$1 initrd=$2 append=$3
	shift 3
	start=$(date +%s)
	rc=0
	timeout --foreground -k 5 "$QEMU_TIMEOUT" qemu-system-x86_64 -accel tcg \
		-machine q35 -cpu max -smp "${QEMU_SMP:-2}" -m "${QEMU_MEM:-1G}" \
		-nographic -no-reboot -monitor "${QEMU_MONITOR:-none}" \
		-serial "${QEMU_SERIAL:-file:$SERIAL}" \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		"$@" </dev/null >"$WORK/qemu.out" 2>&1 || rc=$?
	export QEMU_SECONDS=$(($(date +%s) - start))
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "the VM did not finish within $QEMU_TIMEOUT s"
	fi
	[ "$rc" = 0 ] || fail "qemu exited with status $rc: $(cat "$WORK/qemu.out")"
}

# debugfs wrappers: read an ext4 image without mounting it.
img_ls() {
	debugfs -R "ls -l $2" "$1" 2>/dev/null
}

# Prints "TYPE MODE UID" of a path in an ext image, e.g. "directory 0700 0".
img_stat() {
	debugfs -R "stat $2" "$1" 2>/dev/null |
		awk '/^Inode:/ { for (i = 1; i < NF; i++) { if ($i == "Type:") type = $(i + 1); if ($i == "Mode:") mode = $(i + 1) } }
		     /^User:/ { uid = $2 }
		     END { if (mode != "") print type, mode, uid }'
}

img_get() {
	debugfs -R "dump $2 $3" "$1" >/dev/null 2>&1 && [ -f "$3" ]
}

# panic_scenario [KEY=value...]: the whole cycle. DISK_ARGS: qemu disk
# options instead of the default disk ("none": no disk at all);
# INITRD_ARGS: extra options of initramfs/build.sh. Debian's kernel boots with
# crashkernel=$CRASHKERNEL (default 64M) and $FIRST_APPEND (words the kernel
# does not know, NAME=value, become first-init's environment), arms our
# capture kernel with the shipped loader and crashes; the capture kernel
# writes to $DISK, an ext4 image with $DISK_UUID.
DISK_UUID=5a1e0f3c-2b7d-4c1e-9f00-d0a9e17c0de5
# shellcheck disable=SC2120 # the KEY=value arguments are optional
panic_scenario() {
	require_file "$CAPTURE_KERNEL" "run make capture-kernel"
	require_file "$BUILD/dumpagent" "run make"
	kernel=$(debian_kernel)
	defaults=
	for kv in FINAL_ACTION=poweroff FAILURE_ACTION=poweroff; do
		case " $* " in
		*" ${kv%%=*}="*) ;;
		*) defaults="$defaults $kv" ;;
		esac
	done
	# shellcheck disable=SC2086 # defaults is a list of KEY=value words
	write_test_config "$WORK/dumpagent.conf" "TARGET=UUID=$DISK_UUID" FSTYPE=ext4 $defaults "$@"
	# shellcheck disable=SC2086 # INITRD_ARGS is a list of build.sh options
	"$REPO/initramfs/build.sh" --config "$WORK/dumpagent.conf" --agent "$BUILD/dumpagent" \
		--output "$WORK/capture.img" ${INITRD_ARGS:-} >"$WORK/build.log" 2>&1 ||
		fail "building the capture initramfs failed: $(cat "$WORK/build.log")"
	build_first_initrd "$WORK/dumpagent.conf" "$WORK/capture.img" "$WORK/first.img"
	if [ "${DISK_ARGS:-}" = none ]; then
		DISK_ARGS=
	elif [ -z "${DISK_ARGS:-}" ]; then
		DISK=$WORK/disk.img
		make_disk "$DISK" ext4 "$DISK_UUID"
		DISK_ARGS="-drive file=$DISK,if=virtio,format=raw"
	fi
	# shellcheck disable=SC2086 # DISK_ARGS is a list of qemu arguments
	qemu_run "$kernel" "$WORK/first.img" "console=ttyS0 crashkernel=${CRASHKERNEL:-64M} panic=-1${FIRST_APPEND:+ $FIRST_APPEND}" $DISK_ARGS
}

# make_disk IMAGE ext4|xfs UUID [SIZE]: a raw image holding one filesystem.
make_disk() {
	rm -f "$1"
	truncate -s "${4:-256M}" "$1"
	case $2 in
	ext4) mkfs.ext4 -q -F -U "$3" -L dumptest "$1" ;;
	xfs) mkfs.xfs -q -f -m uuid="$3" -L dumptest "$1" ;;
	esac || fail "mkfs.$2 on $1 failed"
}

# lvm2's tools on the host, on a loop device only, with activation off: the
# tests that lay out a VG in an image (root, lvm2) and read it back raw.
# shellcheck disable=SC2089,SC2090 # the quotes are lvm's config syntax, passed as one word
LVMCONF='devices{filter=["a|^/dev/loop|","r|.*|"] use_devicesfile=0 obtain_device_list_from_udev=0} activation{udev_sync=0 udev_rules=0} global{activation=0}'
lvm_q() { timeout 60 "$@" --config "$LVMCONF" 2>>"$WORK/lvm.log"; }

# make_lv IMAGE VG LV MIB [LOSETUP-OPTION...]: a PV on IMAGE's loop device
# (the options choose its window: -o OFFSET, --sizelimit BYTES), VG on it,
# LV VG/LV of MIB MiB on its first extents (4 MiB each), never active, the
# VG never autoactivated by a host whose udev runs lvm2's rules; sets pvid,
# pe (pe_start, 2048 sectors), vgid and seqno.
# Hazard: it sets its own EXIT trap (the loop device goes when a step fails)
# and clears it when done: a caller's EXIT trap is lost. No caller has one.
make_lv() {
	ml_image=$1 ml_vg=$2 ml_lv=$3 ml_mib=$4
	shift 4
	LOOP=$(losetup -f --show "$@" "$ml_image") || fail "losetup $ml_image failed"
	trap 'losetup -d "$LOOP"' EXIT # activation is off: nothing of the VG is active
	lvm_q pvcreate -q "$LOOP" >/dev/null && lvm_q vgcreate -q --setautoactivation n "$ml_vg" "$LOOP" >/dev/null &&
		lvm_q lvcreate -q -an -Zn -y -L "${ml_mib}M" -n "$ml_lv" "$ml_vg" >/dev/null ||
		fail "lvm on $LOOP failed: $(cat "$WORK/lvm.log")"
	pvid=$(lvm_q pvs --noheadings -o pv_uuid "$LOOP" | tr -d -- '- ')
	pe=$(lvm_q pvs --noheadings --units s --nosuffix -o pe_start "$LOOP" | tr -d ' ')
	vgid=$(lvm_q vgs --noheadings -o vg_uuid "$ml_vg" | tr -d -- '- ')
	seqno=$(lvm_q vgs --noheadings -o vg_seqno "$ml_vg" | tr -d ' ')
	ml_ranges=$(lvm_q lvs --noheadings -o seg_pe_ranges "$ml_vg/$ml_lv" | tr -d ' ')
	losetup -d "$LOOP"
	trap - EXIT
	[ "$ml_ranges" = "$LOOP:0-$((ml_mib / 4 - 1))" ] ||
		fail "the LV $ml_vg/$ml_lv is not extents 0-$((ml_mib / 4 - 1)) of the PV: $ml_ranges"
	[ -n "$pvid" ] && [ -n "$vgid" ] && [ -n "$seqno" ] && [ "$pe" = 2048 ] ||
		fail "no PV id, VG id, seqno or pe_start 2048 for $ml_vg: '$pvid' '$vgid' '$seqno' '$pe'"
}

# modules_for ROOT RELEASE "MODULE...": the absolute .ko paths of the modules
# and their modules.dep dependencies in ROOT/lib/modules/RELEASE, one a line,
# each after what it needs (the distro initramfs's load order). For tests
# that build a distro initramfs on the host for a guest: "dumpagent arm-plan"
# computes this from the running system's sysfs, which the host does not have.
modules_for() {
	awk -v base="$1/lib/modules/$2/" -v roots="$3" '
		function name(path,  n) { n = path; sub(/.*\//, "", n); sub(/\.ko(\.xz|\.zst)?$/, "", n); gsub(/-/, "_", n); return n }
		function visit(m,  i, k, d) {
			if (m in done) return
			if (!(m in path)) { print "no module " m " in modules.dep" > "/dev/stderr"; bad = 1; return }
			done[m] = 1
			k = split(deps[m], d, " ")
			# modules.dep lists the whole closure, users before what they use:
			# the last ones are the deepest, so they go first.
			for (i = k; i >= 1; i--) visit(name(d[i]))
			print base path[m]
		}
		{ p = $1; sub(/:$/, "", p); m = name(p); path[m] = p; $1 = ""; deps[m] = $0 }
		END { n = split(roots, r, " "); for (i = 1; i <= n; i++) visit(r[i]); exit bad }
	' "$1/lib/modules/$2/modules.dep"
}

# rootfs_boot_files ROOT: the newest kernel and initrd in ROOT/boot (a
# debootstrapped rootfs), copied to $WORK/vmlinuz and $WORK/initrd.img for
# QEMU; sets kernel, initrd and release (the kernel's).
# shellcheck disable=SC2034 # kernel, initrd and release are for the caller
rootfs_boot_files() {
	kernel=$(find "$1/boot" -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -n 1)
	initrd=$(find "$1/boot" -maxdepth 1 -name 'initrd.img-*' | sort -V | tail -n 1)
	if [ -z "$kernel" ] || [ -z "$initrd" ]; then fail "no kernel and initrd in $1/boot"; fi
	release=${kernel##*/vmlinuz-}
	cp "$kernel" "$WORK/vmlinuz" || fail "cannot copy $kernel"
	cp "$initrd" "$WORK/initrd.img" || fail "cannot copy $initrd"
}

# guest_unit ROOT NAME DESCRIPTION: tests/qemu/NAME installed in the rootfs as
# /usr/local/sbin/NAME and run once at boot, after dumpagent.service, by an
# enabled oneshot unit whose output goes to the journal and the console.
guest_unit() {
	install -m 0755 "$REPO/tests/qemu/$2" "$1/usr/local/sbin/$2" || fail "cannot install $2 in $1"
	cat >"$1/etc/systemd/system/$2.service" <<-EOF
		[Unit]
		Description=$3
		After=dumpagent.service multi-user.target

		[Service]
		Type=oneshot
		ExecStart=/usr/local/sbin/$2
		StandardOutput=journal+console
		StandardError=journal+console

		[Install]
		WantedBy=multi-user.target
	EOF
	ln -sf "/etc/systemd/system/$2.service" "$1/etc/systemd/system/multi-user.target.wants/$2.service"
}

# in_root COMMAND...: runs it chrooted in the unpacked rootfs $ROOT, with a clean environment.
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# stamp_marks: each mark of $MARKS ("|"-separated) first seen in $SERIAL is
# appended to $WORK/times as "SECONDS MARK" (at() reads them back); called
# once a second by the full-system tests' wait loops.
stamp_marks() {
	sm_now=$(date +%s)
	printf '%s\n' "$MARKS" | tr '|' '\n' | while IFS= read -r m; do
		grep -qF "$m" "$WORK/times" && continue
		if tr -d '\r' <"$SERIAL" | grep -qF "$m"; then
			echo "$sm_now $m" >>"$WORK/times"
		fi
	done
}

# The full-system tests' results. at MARK: the host's time of a serial mark
# in $WORK/times ("SECONDS MARK" lines). The guest's $WORK/results holds one
# "== NAME rc=N" line then the output per command: block NAME prints that
# output, rc_of NAME its status.
at() { sed -n "s/^\([0-9]*\) $1\$/\1/p" "$WORK/times" | head -n 1; }
block() { awk -v n="$1" '/^== / { on = ($2 == n); next } on' "$WORK/results"; }
rc_of() { sed -n "s/^== $1 rc=\([0-9]*\)\$/\1/p" "$WORK/results"; }

# The closing checks of the full-system tests (test-system-*.sh,
# test-secureboot.sh): their guests' second boots record status-second,
# crashed-at, list-root, list-json and dump-sha256 in $WORK/results.
# check_captured_once MARK: the capture kernel completed, and MARK (the
# guest's "...-TEST: second boot") is in $SERIAL exactly once: the capture
# rebooted the VM, and it did not crash or capture again.
check_captured_once() {
	tr -d '\r' <"$SERIAL" | grep -q "dumpagent: capture complete" ||
		fail "the capture kernel did not report a complete capture: $(tr -d '\r' <"$SERIAL" | grep 'dumpagent' | tail -n 8)"
	[ "$(tr -d '\r' <"$SERIAL" | grep -c "$1")" = 1 ] ||
		fail "the VM did not come back exactly once from the capture: '$1' $(tr -d '\r' <"$SERIAL" | grep -c "$1") times"
}

# check_listed_dump: on the second boot "dumpagent list" showed exactly one
# dump, complete, of our crash, and the loader had armed again. Sets id and
# panic (the dump's id and panic line) for the caller.
# shellcheck disable=SC2034 # panic is for the caller
check_listed_dump() {
	[ "$(rc_of list-root)" = 0 ] || fail "dumpagent list as root failed: $(block list-root)"
	block list-json >"$WORK/list.json"
	python3 - "$WORK/list.json" "$(block crashed-at)" >"$WORK/list-check.log" 2>&1 <<-'EOS' ||
		import json, sys
		dumps = json.load(open(sys.argv[1]))["dumps"]
		crashed_at = int(sys.argv[2])
		assert len(dumps) == 1, ("exactly one dump", dumps)
		d = dumps[0]
		assert d["status"] == "complete", ("status", d)
		assert d["panic"] and "sysrq triggered crash" in d["panic"], ("panic line", d["panic"])
		# Our crash, not an older one: crash time (minute of the dump id) around our sysrq.
		assert crashed_at - 120 <= d["crash_time"] <= crashed_at + 120, ("crash time", d["crash_time"], crashed_at)
		print(d["id"], d["panic"])
	EOS
		fail "dumpagent list is not one complete dump of our crash: $(cat "$WORK/list-check.log") $(block list-root)"
	id=$(cut -d' ' -f1 "$WORK/list-check.log")
	panic=$(cut -d' ' -f2- "$WORK/list-check.log")
	block list-root | grep -q "$id" || fail "dumpagent list does not show $id: $(block list-root)"
	[ "$(rc_of status-second)" = 0 ] || fail "dumpagent status is not armed after the reboot: $(block status-second)"
}

# check_read_back DUMP WHERE: DUMP, the host's copy of the listed dump taken
# off the guest's disk WHERE ("on member a", "in the LV"), is the file the
# guest hashed (dump-sha256), and check_dump_dmesg passes on it.
check_read_back() {
	[ "$(block dump-sha256 | cut -d' ' -f1)" = "$(sha256sum <"$1" | cut -d' ' -f1)" ] ||
		fail "the dump $2 is not the one the guest listed: $(block dump-sha256)"
	check_dump_dmesg "$1" "the dump $2"
}

# one_complete_dump DISK: DISK's /var/crash holds exactly one dump
# directory, its dumpagent.log records a complete capture, and its dump
# starts with the kdump-compressed signature. Sets dir (its name) and leaves
# $WORK/dumpagent.log and $WORK/dump, read out of the image.
one_complete_dump() {
	dir=$(img_ls "$1" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}$')
	[ -n "$dir" ] || fail "no YYYYMMDDHHMM directory in /var/crash: $(img_ls "$1" /var/crash)"
	[ "$(echo "$dir" | wc -l)" = 1 ] || fail "more than one dump directory: $dir"
	img_get "$1" "/var/crash/$dir/dumpagent.log" "$WORK/dumpagent.log" || fail "cannot read dumpagent.log"
	grep -q '^dumpagent: outcome: complete$' "$WORK/dumpagent.log" ||
		fail "dumpagent.log does not record 'outcome: complete': $(cat "$WORK/dumpagent.log")"
	img_get "$1" "/var/crash/$dir/dump.$dir" "$WORK/dump" || fail "cannot read the dump file"
	head -c 8 "$WORK/dump" | grep -q KDUMP || fail "the dump does not start with the KDUMP signature"
}

# check_dump_dmesg DUMP [NAME]: makedumpfile --dump-dmesg reads the kernel
# log out of DUMP (into DUMP.dmesg), and it holds our sysrq panic. NAME
# says which dump in a failure (default: its path).
check_dump_dmesg() {
	# makedumpfile refuses to write over an existing output file.
	rm -f -- "$1.dmesg"
	makedumpfile --dump-dmesg "$1" "$1.dmesg" >"$1.makedumpfile.log" 2>&1 ||
		fail "makedumpfile --dump-dmesg cannot read ${2:-$1}: $(cat "$1.makedumpfile.log")"
	grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$1.dmesg" ||
		fail "the dmesg of ${2:-$1} (makedumpfile --dump-dmesg) has no sysrq panic: $(tail -n 5 "$1.dmesg")"
}
