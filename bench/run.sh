#!/bin/sh
# bench/run.sh: make bench: crashes QEMU guests and writes bench/RESULTS.md and bench/memory.svg.
#
# Usage: bench/run.sh [--quick | --kdump-only | --knee-only | --arch arm64] [--out DIR] [--report-only]
#
# Every run is the whole cycle of tests/qemu/lib.sh's panic_scenario: Debian's
# kernel boots with crashkernel=N M, the shipped loader arms our capture
# kernel, sysrq crashes it, and the capture writes to a 2 GB ext4 virtio disk.
# The capture kernel boots with dumpagent.bench=mem (or =time), so
# /sbin/dumpagent-bench (initramfs/bench) prints its memory and the agent's
# timestamped lines; bench/stamp.py stamps the serial log on the host for the
# panic-to-capture-kernel gap; bench/parse.py turns each run into JSON, and
# bench/report.py and bench/plot.py turn the runs into the results.
#
# --quick: one 1 GB guest at crashkernel=32M with the timeline and
# makedumpfile alone (a few minutes); its results go to build/bench-quick/,
# not over the full bench's. Without it, also the dump time at crashkernel=32,
# 40, 48, 64 and 128M (the knee), makedumpfile's threads (THREADS=1, 2 and 4
# on a 5-CPU guest of BENCH_THREADS_MEM, default 20G), dump size and speed for zlib,
# lzo and zstd at dump levels 1, 17 and 31, and the smallest crashkernel= that still
# works for 1, 4 and 16 GB guests, by bisection in 4 MB steps, and for the
# distro mode (tests/qemu/test-distro-mode.sh: Debian's kernel as the capture
# kernel, a megasas disk) in 8 MB steps. The loader's estimates for the same
# files (dumpagent arm-need) are printed beside them.
# The full bench also runs dumpagent against Debian's kdump-tools on the
# same debootstrapped Debian 12 guest (bench/system-run.sh), interleaved:
# first kdump-tools' smallest crashkernel= by bisection in 8 MB steps from
# 96 MB (BENCH_KDUMP_BISECT=no skips it), then BENCH_KDUMP_PAIRS pairs
# (default 2) at crashkernel=128M (or kdump-tools' smallest, when larger),
# each with dumpagent also at --reserve's recommendation and at 32M.
# RESULTS.md leads with the ratios.
# --kdump-only (make bench-kdump): only that comparison, with dumpagent's own
# bisection for a 1 GB guest; its results go to build/bench-kdump/.
# --knee-only (make bench-knee): only the dump time: against the reservation
# (the knee, section 3c), against the compression (section 4) and with
# makedumpfile's threads (section 7); its results go to build/bench-knee/.
# --arch arm64 (make bench ARCH=arm64): only the smallest crashkernel= for
# 1 and 4 GB guests, on arm64 (tests/qemu/test-arm64.sh, one run per trial:
# Debian's arm64 kernel crashes, the small arm64 capture kernel captures)
# and on x86_64 (the small kernel, as above), in one run, interleaved by
# guest size so that both are measured under the same conditions; the same
# bisection, keyed arm64-MEM. Its runs go to build/bench-arm64/, and its
# section (bench/arm64.py, between markers) replaces only its own in
# RESULTS.md; the full bench prints that section again. 16 trials of the
# small kernels took 11 minutes; arm64's distro mode (Debian's arm64 kernel
# as the capture kernel, keyed arm64-distro-MEM, 8 MB steps) adds its own.
# --out DIR: where RESULTS.md and memory.svg go (default bench/, or
# build/bench-quick/ with --quick). --report-only: no QEMU; parse the runs
# kept from the last bench again and rewrite the results.
#
# Section 6: what device-mapper, md RAID1 and dm-crypt cost in the small
# kernel's image, from its build (bench/kernel_cost.py).
# The bench prints the figures; it fails only when it cannot run at all.
# Raw runs are kept under build/bench/ or build/bench-quick/ (serial logs
# under build/test/bench-* and build/test/bench-quick-*).
set -eu

REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
QEMU_LIB_REPO=$REPO
# shellcheck source-path=SCRIPTDIR source=../tests/qemu/lib.sh
. "$REPO/tests/qemu/lib.sh"

B_RESULTS=
B_QUICK=no
B_KDUMP_ONLY=no
B_KNEE_ONLY=no
B_ARCH=x86_64
B_RUN=yes
B_STALL=${BENCH_STALL:-90}
B_THREADS_MEM=${BENCH_THREADS_MEM:-20G} # section 7's guest: about what a 24 GB host can give

while [ $# -gt 0 ]; do
	case $1 in
	--quick) B_QUICK=yes; shift ;;
	--kdump-only) B_KDUMP_ONLY=yes; shift ;;
	--knee-only) B_KNEE_ONLY=yes; shift ;;
	--arch)
		case ${2:-} in
		x86_64 | arm64) B_ARCH=$2 ;;
		*) echo "bench/run.sh: --arch needs x86_64 or arm64" >&2; exit 100 ;;
		esac
		shift 2
		;;
	--report-only) B_RUN=no; shift ;;
	--out)
		[ $# -ge 2 ] || { echo "bench/run.sh: --out needs a directory" >&2; exit 100; }
		B_RESULTS=$2
		shift 2
		;;
	*) echo "usage: bench/run.sh [--quick | --kdump-only | --knee-only | --arch arm64] [--out DIR] [--report-only]" >&2; exit 100 ;;
	esac
done
if [ "$B_ARCH" = arm64 ] && [ "$B_QUICK$B_KDUMP_ONLY$B_KNEE_ONLY" != nonono ]; then
	echo "bench/run.sh: --arch arm64 excludes --quick, --kdump-only and --knee-only" >&2
	exit 100
fi
# The quick bench keeps its runs apart, so it never mixes into the full results.
case $B_QUICK$B_KDUMP_ONLY$B_KNEE_ONLY in
*yes*yes*)
	echo "bench/run.sh: --quick, --kdump-only and --knee-only exclude each other" >&2
	exit 100
	;;
esac
if [ "$B_QUICK" = yes ]; then
	B_PREFIX=bench-quick
	B_RESULTS=${B_RESULTS:-$BUILD/bench-quick}
elif [ "$B_KDUMP_ONLY" = yes ]; then
	B_PREFIX=bench-kdump
	B_RESULTS=${B_RESULTS:-$BUILD/bench-kdump}
elif [ "$B_KNEE_ONLY" = yes ]; then
	B_PREFIX=bench-knee
	B_RESULTS=${B_RESULTS:-$BUILD/bench-knee}
elif [ "$B_ARCH" = arm64 ]; then
	B_PREFIX=bench-arm64
	B_RESULTS=${B_RESULTS:-$REPO/bench}
else
	B_PREFIX=bench
	B_RESULTS=${B_RESULTS:-$REPO/bench}
fi
B_OUT=$BUILD/$B_PREFIX
B_KERNEL_ARM64=$BUILD/capture-arm64/vmlinuz
B_DEBIAN_ARM64='' # Debian's arm64 kernel, once test-arm64.sh has cached it (debian_arm64)
TEST_NAME=bench/run.sh # lib.sh's fail names it, until a run's qemu_setup

say() {
	echo "bench: $(date -u +%H:%M:%S) $*"
}

# capture_run NAME MEM CRASHKERNEL_MB MODE [KEY=value...]: one whole cycle;
# writes $B_OUT/runs/NAME.json, succeeds iff the capture completed with a dump.
capture_run() {
	b_name=$1 b_mem=$2 b_ck=$3 b_mode=$4
	shift 4
	case $b_mem in 16G | 20G) b_timeout=1200 ;; 4G) b_timeout=600 ;; *) b_timeout=400 ;; esac
	qemu_setup "$B_PREFIX-$b_name"
	DISK=$WORK/disk.img
	make_disk "$DISK" ext4 "$DISK_UUID" 2G
	python3 "$REPO/bench/stamp.py" "$SERIAL" "$WORK/stamps.tsv" --stall "$B_STALL" &
	b_stamper=$!
	b_rc=0
	(
		# The bench measures below the loader's estimate: its refusal (19)
		# becomes a warning (DUMPAGENT_NEED_UNCHECKED, first-init's environment).
		QEMU_MEM=$b_mem QEMU_SMP=${B_SMP:-2} CRASHKERNEL=${b_ck}M QEMU_TIMEOUT=$b_timeout FIRST_APPEND=DUMPAGENT_NEED_UNCHECKED=1 \
			DISK_ARGS="-drive file=$DISK,if=virtio,format=raw" \
			panic_scenario "CMDLINE_APPEND=\"dumpagent.bench=$b_mode printk.devkmsg=on\"" "$@"
	) >"$WORK/scenario.log" 2>&1 || b_rc=$?
	kill "$b_stamper" 2>/dev/null || :
	wait "$b_stamper" || :
	b_dir=$(img_ls "$DISK" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1) || :
	: >"$WORK/files.txt"
	[ -z "$b_dir" ] || img_ls "$DISK" "/var/crash/$b_dir" >"$WORK/files.txt"
	rm -f "$DISK" # sparse, but a 16 GB guest's dump is real bytes
	{
		echo "name=$b_name"
		echo "mem=$b_mem"
		echo "crashkernel_mb=$b_ck"
		echo "mode=$b_mode"
		echo "scenario_rc=$b_rc"
		echo "settings=$*"
	} >"$WORK/meta"
	echo "$WORK" >>"$B_OUT/workdirs"
	parse_run "$WORK"
}

# parse_run WORKDIR: $B_OUT/runs/NAME.json from a run's directory; its status.
parse_run() {
	mkdir -p "$B_OUT/runs"
	b_ok=0
	b_json=$B_OUT/runs/$(sed -n 's/^name=//p' "$1/meta").json
	python3 "$REPO/bench/parse.py" "$1" >"$b_json" || b_ok=$?
	say "$(basename "$b_json" .json): $(python3 "$REPO/bench/parse.py" --brief "$b_json")"
	return "$b_ok"
}

# distro_run NAME MEM CRASHKERNEL_MB: one cycle of tests/qemu/test-distro-mode.sh:
# Debian's own kernel as the capture kernel (CAPTURE_MODE=distro) with the
# distro initramfs, the disk behind megasas; writes $B_OUT/runs/NAME.json,
# succeeds iff the capture completed with a dump.
distro_run() {
	b_name=$1 b_mem=$2 b_ck=$3 b_rc=0
	case $b_mem in 16G) b_timeout=1500 ;; *) b_timeout=900 ;; esac
	b_log=$BUILD/test/$B_PREFIX-$b_name.log
	DISTRO_NAME=$B_PREFIX-$b_name CRASHKERNEL=${b_ck}M QEMU_MEM=$b_mem QEMU_TIMEOUT=$b_timeout \
		sh "$REPO/tests/qemu/test-distro-mode.sh" >"$b_log" 2>&1 || b_rc=$?
	WORK=$BUILD/test/$B_PREFIX-$b_name
	mkdir -p "$WORK"
	mv -f "$b_log" "$WORK/scenario.log"
	: >"$WORK/files.txt"
	if [ -f "$WORK/disk.img" ]; then
		b_dir=$(img_ls "$WORK/disk.img" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1) || :
		[ -z "$b_dir" ] || img_ls "$WORK/disk.img" "/var/crash/$b_dir" >"$WORK/files.txt"
	fi
	rm -f "$WORK/disk.img" "$WORK/dump" # the rootfs, and a copy of the dump
	{
		echo "name=$b_name"
		echo "mem=$b_mem"
		echo "crashkernel_mb=$b_ck"
		echo "mode=mem"
		echo "scenario_rc=$b_rc"
		echo "settings=CAPTURE_MODE=distro (megasas)"
	} >"$WORK/meta"
	echo "$WORK" >>"$B_OUT/workdirs"
	parse_run "$WORK"
}

# arm64_run NAME MEM CRASHKERNEL_MB [small|debian]: one run of
# tests/qemu/test-arm64.sh (Debian's arm64 kernel crashes, the small arm64
# capture kernel captures, or with debian Debian's arm64 kernel with the
# target's modules: ARM64_CAPTURE; the bench hook as in capture_run); writes $B_OUT/runs/NAME.json,
# succeeds iff the test passed: a complete capture whose dump it read back.
# The test ends a guest that runs past QEMU_TIMEOUT; stamp.py one whose
# console is silent for BENCH_STALL_ARM64 s (default 300: arm64 under TCG is
# slower than x86_64, and a slow capture must not count as a failed one).
arm64_run() {
	b_name=$1 b_mem=$2 b_ck=$3 b_rc=0 b_capture=${4:-small}
	case $b_mem in 4G) b_timeout=1800 ;; *) b_timeout=900 ;; esac
	WORK=$BUILD/test/$B_PREFIX-$b_name
	b_log=$BUILD/test/$B_PREFIX-$b_name.log
	# The stamper must not read an older run's serial log: the test's
	# qemu_setup removes it only later.
	rm -rf "$WORK"
	mkdir -p "$BUILD/test"
	python3 "$REPO/bench/stamp.py" "$WORK/serial.log" "$b_log.stamps" --stall "${BENCH_STALL_ARM64:-300}" &
	b_stamper=$!
	ARM64_NAME=$B_PREFIX-$b_name ARM64_CAPTURE=$b_capture QEMU_MEM=$b_mem CRASHKERNEL=${b_ck}M \
		QEMU_TIMEOUT=$b_timeout FIRST_APPEND=DUMPAGENT_NEED_UNCHECKED=1 \
		ARM64_APPEND='dumpagent.bench=mem printk.devkmsg=on' \
		sh "$REPO/tests/qemu/test-arm64.sh" >"$b_log" 2>&1 || b_rc=$?
	kill "$b_stamper" 2>/dev/null || :
	wait "$b_stamper" || :
	mkdir -p "$WORK"
	mv -f "$b_log" "$WORK/scenario.log"
	[ ! -f "$b_log.stamps" ] || mv -f "$b_log.stamps" "$WORK/stamps.tsv"
	: >"$WORK/files.txt"
	if [ -f "$WORK/disk.img" ]; then
		b_dir=$(img_ls "$WORK/disk.img" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1) || :
		[ -z "$b_dir" ] || img_ls "$WORK/disk.img" "/var/crash/$b_dir" >"$WORK/files.txt"
	fi
	rm -f "$WORK/disk.img" "$WORK"/dump.* # the dump, on the disk and as the test read it back
	{
		echo "name=$b_name"
		echo "mem=$b_mem"
		echo "crashkernel_mb=$b_ck"
		echo "mode=mem"
		echo "scenario_rc=$b_rc"
		echo "settings=arch=arm64 capture=$b_capture"
		echo "test_rc=$b_rc"
		echo "test_fail=$(sed -n 's/^FAIL: [^:]*: //p' "$WORK/scenario.log" | head -n 1 | cut -c 1-160)"
	} >"$WORK/meta"
	echo "$WORK" >>"$B_OUT/workdirs"
	parse_run "$WORK" || :
	return "$b_rc"
}

# system_run NAME dumpagent|kdump-tools CRASHKERNEL_MB: one crash of the
# debootstrapped Debian guest (bench/system-run.sh); writes
# $B_OUT/runs/NAME.json, succeeds iff the dump was written and read back.
system_run() {
	WORK=$BUILD/test/$B_PREFIX-$1
	BENCH_PREFIX=$B_PREFIX BENCH_STALL=${BENCH_STALL:-180} \
		sh "$REPO/bench/system-run.sh" "$2" "$1" "$3" >"$BUILD/test/$B_PREFIX-$1.log" 2>&1 || {
		say "$1: bench/system-run.sh failed: $(tail -n 3 "$BUILD/test/$B_PREFIX-$1.log")"
		return 1
	}
	mv -f "$BUILD/test/$B_PREFIX-$1.log" "$WORK/scenario.log"
	echo "$WORK" >>"$B_OUT/workdirs"
	parse_run "$WORK"
}

# versus: dumpagent and kdump-tools on the same guest, alternating. First
# kdump-tools' own bisection; then the pairs at crashkernel=128M, or at
# kdump-tools' smallest working reservation where 128M is too little for it
# (it failed there on this bench's guest at 0fde0df: out of memory while
# unpacking its 12 MB initramfs), so that both sides of a pair complete. In
# each pair dumpagent also runs at what --reserve recommends for the guest's
# 1 GB (reserve_mb of arm-need for the capture kernel and initramfs of this
# tree) and at the default 32M, which report.py holds against kdump-tools.
versus() {
	v_pairs=${BENCH_KDUMP_PAIRS:-2} i=1 v_ck=128
	if [ "${BENCH_KDUMP_BISECT:-yes}" != no ]; then
		say "smallest crashkernel= for kdump-tools (the same guest)"
		bisect 1G kdump-tools
		v_small=$(sed -n 's/^kdump-tools-1G \([0-9]*\) smallest$/\1/p' "$B_OUT/bisect.txt")
		[ -z "$v_small" ] || [ "$v_small" -le 128 ] || v_ck=$v_small
	fi
	v_rec=$(recommended_mb)
	echo "$v_rec" >"$B_OUT/recommended_mb"
	[ -n "$v_rec" ] || say "warning: no --reserve recommendation (dumpagent arm-need: $(cat "$B_OUT/arm-need.err")): only 32M besides ${v_ck}M"
	v_more=$(printf '%s\n' "$v_rec" 32 | awk -v ck="$v_ck" 'NF && $1 != ck && !seen[$1]++')
	while [ "$i" -le "$v_pairs" ]; do
		for s in dumpagent kdump-tools; do
			say "side by side $i of $v_pairs: $s (Debian 12 guest, 1 GB, crashkernel=${v_ck}M)"
			system_run "vs-$i-$s" "$s" "$v_ck" || :
		done
		for ck in $v_more; do
			say "side by side $i of $v_pairs: dumpagent (Debian 12 guest, 1 GB, crashkernel=${ck}M)"
			system_run "vs-$i-dumpagent-${ck}M" dumpagent "$ck" || :
		done
		i=$((i + 1))
	done
}

# guest_proc GIB: $B_OUT/proc-GIBG, a /proc with only the meminfo of a
# GIB GiB guest, for dumpagent arm-need (DUMPAGENT_PROC) on this host.
guest_proc() {
	mkdir -p "$B_OUT/proc-$1G"
	echo "MemTotal: $(($1 * 1048576)) kB" >"$B_OUT/proc-$1G/meminfo"
}

# recommended_mb: the crashkernel= in MB that load-crashkernel --reserve
# recommends for a 1 GB guest with this tree's capture kernel and initramfs.
recommended_mb() {
	guest_proc 1
	DUMPAGENT_PROC=$B_OUT/proc-1G "$BUILD/dumpagent" arm-need --mode small "$CAPTURE_KERNEL" \
		"$BUILD/capture/initramfs.img" 2>"$B_OUT/arm-need.err" | sed -n 's/^reserve_mb=\([0-9][0-9]*\)$/\1/p'
}

# knee_runs: memory buys time (RESULTS.md section 3c): the same capture at
# growing reservations; report.py finds the knee.
knee_runs() {
	for ck in 32 40 48 64 128; do
		say "dump time against the reservation: 1 GB guest, crashkernel=${ck}M, default settings"
		capture_run "knee-1G-${ck}M" 1G "$ck" time || :
	done
}

# dump_runs: dump size and speed (section 4) for each compression at dump
# levels 1, 17 and 31. zstd needs a makedumpfile built with it (1.7.6 of make
# makedumpfile): with Debian 12's 1.7.2, initramfs/build.sh refuses to build
# the run's image with COMPRESSION=zstd, and those runs fail saying so.
dump_runs() {
	for c in zlib:1 zlib:17 zlib:31 lzo:1 lzo:17 lzo:31 zstd:1 zstd:17 zstd:31; do
		say "dump size and speed: ${c%:*}, dump level ${c#*:} (1 GB guest, crashkernel=64M)"
		capture_run "dump-${c%:*}-${c#*:}" 1G 64 mem "COMPRESSION=${c%:*}" "DUMP_LEVEL=${c#*:}" || :
	done
}

# threads_runs: big machines (section 7, bench/threads.py): a guest with
# the most RAM the host gives, THREADS=1, 2 and 4, at a reservation that
# leaves memory out of it. 5 vCPUs: on x86_64 the capture kernel leaves out
# the crashed kernel's boot CPU (disable_cpu_apicid=), so that THREADS=4
# gets 4 CPUs whichever CPU panicked.
threads_runs() {
	for t in 1 2 4; do
		say "makedumpfile's threads: $B_THREADS_MEM guest with 5 vCPUs, THREADS=$t, crashkernel=128M"
		B_SMP=5 capture_run "threads-$t" "$B_THREADS_MEM" 128 mem "THREADS=$t" || :
	done
}

# bisect MEM [distro|kdump-tools|arm64]: the smallest crashkernel= at which MEM's capture
# completes, in 4 MB steps for the small kernel (from 32 MB up; arm64's
# small kernel too, keyed arm64-MEM), in 8 MB
# steps for the distro kernel (from 96 MB up: 96 failed and 104 worked at 1
# and 4 GB when it was first measured). The first success is searched
# upwards, then the interval is halved; every trial is a line of
# $B_OUT/bisect.txt, keyed MEM or distro-MEM. kdump-tools (bench/system-run.sh,
# 1 GB only) in 8 MB steps from 96 MB (114 MB was its smallest when first
# measured by hand).
bisect() {
	m=$1 lo=0 hi='' key=$1 step=4 ups="32 48 64 96 128"
	[ "${2:-}" != distro ] || { key=distro-$1 step=8 ups="96 104 128 160 192"; }
	[ "${2:-}" != kdump-tools ] || { key=kdump-tools-$1 step=8 ups="96 128 160 192"; }
	[ "${2:-}" != arm64 ] || key=arm64-$1
	[ "${2:-}" != arm64-distro ] || { key=arm64-distro-$1 step=8 ups="96 128 160 192 256"; }
	for ck in $ups; do
		if [ "$key $ck" = "1G 32" ] && [ "$timeline_ok" = yes ]; then
			hi=32 # the timeline run is this trial
			echo "$key $ck ok (the timeline run)" >>"$B_OUT/bisect.txt"
			break
		fi
		if trial "$key" "$m" "$ck"; then
			hi=$ck
			echo "$key $ck ok" >>"$B_OUT/bisect.txt"
			break
		fi
		echo "$key $ck fail" >>"$B_OUT/bisect.txt"
		lo=$ck
	done
	if [ -z "$hi" ]; then
		echo "$key none" >>"$B_OUT/bisect.txt"
		return
	fi
	while [ $((hi - lo)) -gt "$step" ]; do
		mid=$(((lo + hi) / 2))
		mid=$((mid - mid % step))
		[ "$mid" -gt "$lo" ] || mid=$((lo + step))
		if trial "$key" "$m" "$mid"; then
			hi=$mid
			echo "$key $mid ok" >>"$B_OUT/bisect.txt"
		else
			lo=$mid
			echo "$key $mid fail" >>"$B_OUT/bisect.txt"
		fi
	done
	echo "$key $hi smallest" >>"$B_OUT/bisect.txt"
}

# trial KEY MEM MB: one bisection run, named bisect-KEY-MBM.
trial() {
	case $1 in
	distro-*) distro_run "bisect-$1-${3}M" "$2" "$3" ;;
	kdump-tools-*) system_run "bisect-$1-${3}M" kdump-tools "$3" ;;
	arm64-distro-*) arm64_run "bisect-$1-${3}M" "$2" "$3" debian ;;
	arm64-*) arm64_run "bisect-$1-${3}M" "$2" "$3" ;;
	*) capture_run "bisect-$1-${3}M" "$2" "$3" mem ;;
	esac
}

# The loader's estimates (dumpagent arm-need) for the files the bench
# booted, for each guest size (a /proc with its MemTotal: the working memory
# grows with RAM): $B_OUT/estimates.txt, "MODE MEM NEED_BYTES
# RECOMMEND_BYTES" lines.
estimates() {
	[ "$B_ARCH" != arm64 ] || { estimates_arm64; return; }
	: >"$B_OUT/estimates.txt"
	e_img=$BUILD/test/$B_PREFIX-timeline/capture.img
	e_distro=''
	for w in "$BUILD/test/$B_PREFIX"-bisect-distro-*; do
		if [ -f "$w/vmlinuz" ] && [ -f "$w/initramfs-distro.img" ]; then e_distro=$w; break; fi
	done
	for m in 1 4 16; do
		guest_proc "$m"
		[ ! -f "$e_img" ] || estimate small "${m}G" "$CAPTURE_KERNEL" "$e_img"
		[ -z "$e_distro" ] || estimate distro "${m}G" "$e_distro/vmlinuz" "$e_distro/initramfs-distro.img"
	done
}

# The same for make bench ARCH=arm64: "ARCH MEM NEED_BYTES RECOMMEND_BYTES"
# lines, with each architecture's kernel and the initramfs its trials booted.
# arm-need knows an arm64 kernel by its header.
estimates_arm64() {
	debian_arm64
	: >"$B_OUT/estimates.txt"
	for m in 1 4; do
		guest_proc "$m"
		estimate_trial x86_64 "$CAPTURE_KERNEL" "${m}G" "$B_PREFIX-bisect-${m}G"
		estimate_trial arm64 "$B_KERNEL_ARM64" "${m}G" "$B_PREFIX-bisect-arm64-${m}G"
		[ -z "$B_DEBIAN_ARM64" ] ||
			estimate_trial arm64-distro "$B_DEBIAN_ARM64" "${m}G" "$B_PREFIX-bisect-arm64-distro-${m}G" distro
	done
}

# debian_arm64: B_DEBIAN_ARM64, the newest Debian arm64 kernel that
# tests/qemu/test-arm64.sh cached (the one the distro trials booted), or ''.
debian_arm64() {
	B_DEBIAN_ARM64=$(find "$BUILD/arm64/debian-kernel" -mindepth 2 -maxdepth 2 -name vmlinuz 2>/dev/null | sort -V | tail -n 1)
}

# estimate_trial ARCH KERNEL MEM TRIAL [MODE]: estimate's line (MODE small
# unless given) for the initramfs of
# the first of this run's TRIAL-NM runs (in $B_OUT/workdirs, so never an
# older run's left in build/test) that has one.
estimate_trial() {
	grep -E "/$4-[0-9]+M\$" "$B_OUT/workdirs" | while read -r w; do
		[ ! -f "$w/capture.img" ] || { estimate "${5:-small}" "$3" "$2" "$w/capture.img" "$1"; break; }
	done
}

# estimate MODE MEM KERNEL INITRD [LABEL]: one line of estimates.txt, its
# first word LABEL (default MODE).
estimate() {
	DUMPAGENT_PROC=$B_OUT/proc-$2 "$BUILD/dumpagent" arm-need --mode "$1" "$3" "$4" |
		awk -F= -v m="${5:-$1} $2" '/^need_bytes=/ { n = $2 } /^recommend_bytes=/ { r = $2 } END { print m, n, r }' \
			>>"$B_OUT/estimates.txt"
}

write_results() {
	say "writing $B_RESULTS/RESULTS.md"
	mkdir -p "$B_RESULTS"
	if [ "$B_ARCH" = arm64 ]; then
		# Only its own section: the rest of RESULTS.md is the full bench's.
		python3 "$REPO/bench/arm64.py" "$B_OUT" "$B_RESULTS/RESULTS.md" >"$B_RESULTS/RESULTS.md.tmp"
		mv -f "$B_RESULTS/RESULTS.md.tmp" "$B_RESULTS/RESULTS.md"
		python3 "$REPO/bench/arm64.py" "$B_OUT"
		return
	fi
	python3 "$REPO/bench/report.py" --runs "$B_OUT" --repo "$REPO" --quick "$B_QUICK" \
		--kdump-only "$B_KDUMP_ONLY" --knee-only "$B_KNEE_ONLY" --seconds "$1" --svg "$B_RESULTS/memory.svg" \
		--previous "$B_RESULTS/RESULTS.md" >"$B_RESULTS/RESULTS.md.tmp"
	mv -f "$B_RESULTS/RESULTS.md.tmp" "$B_RESULTS/RESULTS.md"
	cat "$B_RESULTS/RESULTS.md"
}

if [ "$B_RUN" = no ]; then
	[ -r "$B_OUT/workdirs" ] || { echo "bench/run.sh: no runs kept in $B_OUT" >&2; exit 1; }
	while read -r w; do
		[ ! -r "$w/meta" ] || parse_run "$w" || :
	done <"$B_OUT/workdirs"
	estimates
	write_results "$(cat "$B_OUT/seconds" 2>/dev/null || echo 0)"
	exit 0
fi

require_file "$CAPTURE_KERNEL" "run make capture-kernel"
require_file "$BUILD/dumpagent" "run make"
if [ "$B_ARCH" = arm64 ]; then
	require_file "$B_KERNEL_ARM64" "run make capture-kernel ARCH=arm64"
	require_file "$BUILD/arm64/dumpagent" "run make agent-arm64"
	require_file "$BUILD/arm64/root/packages" "run make initramfs ARCH=arm64"
fi
rm -rf "$B_OUT"
mkdir -p "$B_OUT/runs"
: >"$B_OUT/bisect.txt"
: >"$B_OUT/workdirs"
python3 "$REPO/bench/report.py" --commit "$REPO" >"$B_OUT/commit"
if [ "$B_ARCH" = arm64 ]; then
	date -u '+%Y-%m-%d %H:%M UTC' >"$B_OUT/date"
	for k in "x86_64 $CAPTURE_KERNEL" "arm64 $B_KERNEL_ARM64"; do
		echo "${k%% *} $(wc -c <"${k#* }") ${k#* "$REPO"/}"
	done >"$B_OUT/kernels.txt"
	started=$(date +%s)
	timeline_ok=no
	# One size at a time, x86_64 then arm64: the host's load changes over
	# an hour, and the two figures of a row are to be compared.
	for m in 1G 4G; do
		say "smallest crashkernel= for a $m guest: x86_64, the small kernel"
		bisect "$m"
		say "smallest crashkernel= for a $m guest: arm64, the small arm64 kernel (tests/qemu/test-arm64.sh)"
		bisect "$m" arm64
		say "smallest crashkernel= for a $m guest: arm64, Debian's arm64 kernel as the capture kernel (ARM64_CAPTURE=debian)"
		bisect "$m" arm64-distro
	done
	debian_arm64
	[ -z "$B_DEBIAN_ARM64" ] ||
		echo "arm64-distro $(wc -c <"$B_DEBIAN_ARM64") ${B_DEBIAN_ARM64#"$REPO"/}" >>"$B_OUT/kernels.txt"
	estimates
	echo $(($(date +%s) - started)) >"$B_OUT/seconds"
	say "all runs done in $(cat "$B_OUT/seconds") s"
	write_results "$(cat "$B_OUT/seconds")"
	exit 0
fi
# What the stacked-target drivers cost, from the build of the kernel booted below.
python3 "$REPO/bench/kernel_cost.py" --measure "$BUILD/kernel" "$BUILD/capture" >"$B_OUT/kernel-cost.json" ||
	say "warning: cannot measure the small kernel's drivers in $BUILD/kernel"
started=$(date +%s)
timeline_ok=no

if [ "$B_KNEE_ONLY" = yes ]; then
	knee_runs
	dump_runs
	threads_runs
	echo $(($(date +%s) - started)) >"$B_OUT/seconds"
	say "all runs done in $(cat "$B_OUT/seconds") s"
	write_results "$(cat "$B_OUT/seconds")"
	exit 0
fi
if [ "$B_KDUMP_ONLY" = yes ]; then
	versus
	if [ "${BENCH_KDUMP_BISECT:-yes}" != no ]; then
		say "smallest crashkernel= for a 1G guest (dumpagent's small kernel)"
		bisect 1G
	fi
	echo $(($(date +%s) - started)) >"$B_OUT/seconds"
	say "all runs done in $(cat "$B_OUT/seconds") s"
	write_results "$(cat "$B_OUT/seconds")"
	exit 0
fi

say "timeline: 1 GB guest, crashkernel=32M, the default compression (lzo), dump level 31, then makedumpfile alone"
timeline_ok=no
! capture_run timeline 1G 32 time || timeline_ok=yes
say "the same with REPORT_VMCORE=capture: the report's VmCore written before the reboot"
capture_run timeline-embed 1G 32 mem REPORT_VMCORE=capture || :
if [ "$B_QUICK" = no ]; then
	# The distro mode first: its runs are the longest, and the newest.
	for m in 1G 4G 16G; do
		say "smallest crashkernel= for a $m guest, distro mode (Debian's kernel, megasas disk)"
		bisect "$m" distro
	done
	knee_runs
	threads_runs
	dump_runs
	for m in 1G 4G 16G; do
		say "smallest crashkernel= for a $m guest"
		bisect "$m"
	done
	versus
fi
estimates
echo $(($(date +%s) - started)) >"$B_OUT/seconds"
say "all runs done in $(cat "$B_OUT/seconds") s"
write_results "$(cat "$B_OUT/seconds")"
