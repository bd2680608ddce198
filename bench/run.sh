#!/bin/sh
# bench/run.sh: make bench: crashes QEMU guests and writes bench/RESULTS.md and bench/memory.svg.
#
# Usage: bench/run.sh [--quick] [--out DIR] [--report-only]
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
# not over the full bench's. Without it, also dump size and speed for zlib and
# lzo at dump levels 1, 17 and 31, and the smallest crashkernel= that still
# works for 1, 4 and 16 GB guests, by bisection in 4 MB steps.
# --out DIR: where RESULTS.md and memory.svg go (default bench/, or
# build/bench-quick/ with --quick). --report-only: no QEMU; parse the runs
# kept from the last bench again and rewrite the results.
#
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
B_RUN=yes
B_STALL=${BENCH_STALL:-90}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) B_QUICK=yes; shift ;;
	--report-only) B_RUN=no; shift ;;
	--out)
		[ $# -ge 2 ] || { echo "bench/run.sh: --out needs a directory" >&2; exit 100; }
		B_RESULTS=$2
		shift 2
		;;
	*) echo "usage: bench/run.sh [--quick] [--out DIR] [--report-only]" >&2; exit 100 ;;
	esac
done
# The quick bench keeps its runs apart, so it never mixes into the full results.
if [ "$B_QUICK" = yes ]; then
	B_PREFIX=bench-quick
	B_RESULTS=${B_RESULTS:-$BUILD/bench-quick}
else
	B_PREFIX=bench
	B_RESULTS=${B_RESULTS:-$REPO/bench}
fi
B_OUT=$BUILD/$B_PREFIX

say() {
	echo "bench: $(date -u +%H:%M:%S) $*"
}

# capture_run NAME MEM CRASHKERNEL_MB MODE [KEY=value...]: one whole cycle;
# writes $B_OUT/runs/NAME.json, succeeds iff the capture completed with a dump.
capture_run() {
	b_name=$1 b_mem=$2 b_ck=$3 b_mode=$4
	shift 4
	case $b_mem in 16G) b_timeout=900 ;; 4G) b_timeout=600 ;; *) b_timeout=400 ;; esac
	qemu_setup "$B_PREFIX-$b_name"
	DISK=$WORK/disk.img
	make_disk "$DISK" ext4 "$DISK_UUID" 2G
	python3 "$REPO/bench/stamp.py" "$SERIAL" "$WORK/stamps.tsv" --stall "$B_STALL" &
	b_stamper=$!
	b_rc=0
	(
		QEMU_MEM=$b_mem CRASHKERNEL=${b_ck}M QEMU_TIMEOUT=$b_timeout \
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

# bisect MEM: the smallest crashkernel= (MB, multiple of 4) at which MEM's
# capture completes. The first success is searched upwards from 32 MB, then
# the interval is halved; every trial is a line of $B_OUT/bisect.txt.
bisect() {
	m=$1 lo=0 hi=
	for ck in 32 48 64 96 128; do
		if [ "$m $ck" = "1G 32" ] && [ "$timeline_ok" = yes ]; then
			hi=32 # the timeline run is this trial
			echo "$m $ck ok (the timeline run)" >>"$B_OUT/bisect.txt"
			break
		fi
		if capture_run "bisect-$m-${ck}M" "$m" "$ck" mem; then
			hi=$ck
			echo "$m $ck ok" >>"$B_OUT/bisect.txt"
			break
		fi
		echo "$m $ck fail" >>"$B_OUT/bisect.txt"
		lo=$ck
	done
	if [ -z "$hi" ]; then
		echo "$m none" >>"$B_OUT/bisect.txt"
		return
	fi
	while [ $((hi - lo)) -gt 4 ]; do
		mid=$(((lo + hi) / 2))
		mid=$((mid - mid % 4))
		[ "$mid" -gt "$lo" ] || mid=$((lo + 4))
		if capture_run "bisect-$m-${mid}M" "$m" "$mid" mem; then
			hi=$mid
			echo "$m $mid ok" >>"$B_OUT/bisect.txt"
		else
			lo=$mid
			echo "$m $mid fail" >>"$B_OUT/bisect.txt"
		fi
	done
	echo "$m $hi smallest" >>"$B_OUT/bisect.txt"
}

write_results() {
	say "writing $B_RESULTS/RESULTS.md"
	mkdir -p "$B_RESULTS"
	python3 "$REPO/bench/report.py" --runs "$B_OUT" --repo "$REPO" --quick "$B_QUICK" \
		--seconds "$1" --svg "$B_RESULTS/memory.svg" >"$B_RESULTS/RESULTS.md.tmp"
	mv -f "$B_RESULTS/RESULTS.md.tmp" "$B_RESULTS/RESULTS.md"
	cat "$B_RESULTS/RESULTS.md"
}

if [ "$B_RUN" = no ]; then
	[ -r "$B_OUT/workdirs" ] || { echo "bench/run.sh: no runs kept in $B_OUT" >&2; exit 1; }
	while read -r w; do
		[ ! -r "$w/meta" ] || parse_run "$w" || :
	done <"$B_OUT/workdirs"
	write_results "$(cat "$B_OUT/seconds" 2>/dev/null || echo 0)"
	exit 0
fi

require_file "$CAPTURE_KERNEL" "run make capture-kernel"
require_file "$BUILD/dumpagent" "run make"
rm -rf "$B_OUT"
mkdir -p "$B_OUT/runs"
: >"$B_OUT/bisect.txt"
: >"$B_OUT/workdirs"
python3 "$REPO/bench/report.py" --commit "$REPO" >"$B_OUT/commit"
started=$(date +%s)

say "timeline: 1 GB guest, crashkernel=32M, zlib, dump level 31, then makedumpfile alone"
timeline_ok=no
! capture_run timeline 1G 32 time || timeline_ok=yes
if [ "$B_QUICK" = no ]; then
	for c in zlib:1 zlib:17 lzo:1 lzo:17 lzo:31; do
		say "dump size and speed: ${c%:*}, dump level ${c#*:} (1 GB guest, crashkernel=64M)"
		capture_run "dump-${c%:*}-${c#*:}" 1G 64 mem "COMPRESSION=${c%:*}" "DUMP_LEVEL=${c#*:}" || :
	done
	for m in 1G 4G 16G; do
		say "smallest crashkernel= for a $m guest"
		bisect "$m"
	done
fi
echo $(($(date +%s) - started)) >"$B_OUT/seconds"
say "all runs done in $(cat "$B_OUT/seconds") s"
write_results "$(cat "$B_OUT/seconds")"
