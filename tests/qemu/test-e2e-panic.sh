#!/bin/sh
# tests/qemu/test-e2e-panic.sh: Debian kernel panics, our capture kernel saves the dump.
#
# The first kernel is Debian's linux-image-amd64 with crashkernel=64M. Its
# initramfs runs scripts/load-crashkernel.sh as shipped and crashes through
# sysrq. Our capture kernel and initramfs must then write the dump and dmesg
# to an ext4 virtio disk, which we read back without mounting it; makedumpfile
# says "kernel version is not supported" only when it is Debian 12's 1.7.2.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup e2e-panic

panic_scenario
grep -q "first-init: armed" "$SERIAL" || fail "the loader did not arm the capture kernel"
grep -q "dumpagent: capture complete" "$SERIAL" || fail "the agent did not report a complete capture"

disk=$DISK
dir=$(img_ls "$disk" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}$')
[ -n "$dir" ] || fail "no YYYYMMDDHHMM directory in /var/crash: $(img_ls "$disk" /var/crash)"
[ "$(echo "$dir" | wc -l)" = 1 ] || fail "more than one dump directory: $dir"

# shellcheck disable=SC2046 # the fields are words
set -- $(img_stat "$disk" "/var/crash/$dir")
[ "$*" = "directory 0700 0" ] || fail "/var/crash/$dir is '$*', expected a 0700 directory of uid 0"
release=$(tr -d '\r' <"$SERIAL" | sed -n 's/^first-init: armed, crashing the kernel: release \([^ ]*\) pid \([0-9]*\)$/\1/p')
pid=$(tr -d '\r' <"$SERIAL" | sed -n 's/^first-init: armed, crashing the kernel: release \([^ ]*\) pid \([0-9]*\)$/\2/p')
[ -n "$release" ] && [ -n "$pid" ] || fail "first-init did not say which kernel and pid crash"
report=linux-image-$release-$dir.crash
for f in "dump.$dir" "dmesg.$dir" dumpagent.log "summary.$dir.txt" "summary.$dir.json" "$report"; do
	# shellcheck disable=SC2046 # the fields are words
	set -- $(img_stat "$disk" "/var/crash/$dir/$f")
	[ "${1:-}" = regular ] || fail "/var/crash/$dir/$f is missing: $(img_ls "$disk" "/var/crash/$dir")"
	[ "$*" = "regular 0600 0" ] || fail "/var/crash/$dir/$f is '$*', expected a 0600 regular file of uid 0"
done
if img_ls "$disk" "/var/crash/$dir" | grep -q '\.part'; then
	fail "a temporary .part file was left behind"
fi

img_get "$disk" "/var/crash/$dir/dmesg.$dir" "$WORK/dmesg.txt" || fail "cannot read the dmesg file"
img_get "$disk" "/var/crash/$dir/dumpagent.log" "$WORK/dumpagent.log" || fail "cannot read dumpagent.log"
grep -q '^dumpagent: outcome: complete$' "$WORK/dumpagent.log" ||
	fail "dumpagent.log does not record 'outcome: complete': $(cat "$WORK/dumpagent.log")"
# makedumpfile and Debian 12's kernel: the static 1.7.6 of
# scripts/build-makedumpfile.sh knows it; Debian 12's own 1.7.2, which the
# image holds where that could not be built, says "The kernel version is not
# supported" (the agent logs makedumpfile's lines). build.sh names the one it
# put in the image; the line must be there with 1.7.2 and nowhere otherwise.
mdf=$(sed -n 's/^initramfs\/build\.sh: makedumpfile: \(.*\) (\(static\|dynamic\).*$/\1/p' "$WORK/build.log")
[ -n "$mdf" ] && [ -x "$mdf" ] || fail "build.log names no makedumpfile for the capture image: $(cat "$WORK/build.log")"
mdf_version=$("$mdf" -v 2>&1 | sed -n '1s/^makedumpfile: version \([^ ]*\) .*$/\1/p')
[ -n "$mdf_version" ] || fail "$mdf -v does not say its version: $("$mdf" -v 2>&1 | head -n 1)"
grep -i 'kernel version is not supported' "$WORK/dumpagent.log" "$SERIAL" >"$WORK/unsupported.log" || :
case $mdf_version in
1.7.2)
	grep -qi '^dumpagent: makedumpfile (dump): The kernel version is not supported\.' "$WORK/dumpagent.log" ||
		fail "Debian 12's makedumpfile 1.7.2 ($mdf) ran without its 'kernel version is not supported' in dumpagent.log: is the crashed kernel still Debian 12's? $(cat "$WORK/dumpagent.log")"
	mdf_said="makedumpfile 1.7.2 (Debian 12's: no static build), 'kernel version is not supported' as expected" ;;
*)
	[ ! -s "$WORK/unsupported.log" ] ||
		fail "makedumpfile $mdf_version ($mdf) does not support the crashed kernel: $(cat "$WORK/unsupported.log")"
	mdf_said="makedumpfile $mdf_version, no 'kernel version is not supported'" ;;
esac
img_get "$disk" "/var/crash/$dir/dump.$dir" "$WORK/dump" || fail "cannot read the dump file"
panic=$(grep -o 'Kernel panic - not syncing: .*' "$WORK/dmesg.txt" | head -n 1)
case $panic in
*"sysrq triggered crash"*) ;;
*) fail "the saved dmesg has no 'sysrq triggered crash' panic line (got '$panic')" ;;
esac

# The dump must be a kdump-compressed file that makedumpfile reads back.
head -c 8 "$WORK/dump" | grep -q KDUMP || fail "the dump does not start with the KDUMP signature"
makedumpfile --dump-dmesg "$WORK/dump" "$WORK/dump-dmesg.txt" >"$WORK/readback.log" 2>&1 ||
	fail "makedumpfile cannot read the dump back: $(cat "$WORK/readback.log")"
panic2=$(grep -o 'Kernel panic - not syncing: .*' "$WORK/dump-dmesg.txt" | head -n 1)
[ "$panic" = "$panic2" ] || fail "the dump's panic line '$panic2' differs from the dmesg file's '$panic'"

# The report: a valid apport problem report that names the dump; its VmCore
# comes at the next boot (REPORT_VMCORE=boot: dumpagent complete, which
# test-system-deb.sh sees run), not in the capture kernel.
img_get "$disk" "/var/crash/$dir/$report" "$WORK/report.crash" || fail "cannot read the report"
READ="python3 $REPO/tests/fixtures/read_crash.py"
vmcore_path=$($READ "$WORK/report.crash" VmCorePath 2>"$WORK/read.log") ||
	fail "the report does not decode, or names no dump: $(cat "$WORK/read.log")"
[ "$vmcore_path" = "/var/crash/$dir/dump.$dir" ] || fail "the report's VmCorePath is '$vmcore_path'"
! $READ "$WORK/report.crash" VmCore >/dev/null 2>&1 || fail "the capture kernel embedded the dump (REPORT_VMCORE=boot)"
[ "$($READ "$WORK/report.crash" Title)" = "$panic" ] || fail "the report's Title is not '$panic'"
[ "$($READ "$WORK/report.crash" Package)" = "linux-image-$release" ] || fail "the report's Package is wrong"

# The summary must match what the guest crashed: its release, its panic, the
# pid that wrote to sysrq-trigger, on the CPU whose registers come first.
img_get "$disk" "/var/crash/$dir/summary.$dir.json" "$WORK/summary.json" || fail "cannot read the summary"
python3 - "$WORK/summary.json" "$release" "$panic" "$pid" >"$WORK/summary-check.log" 2>&1 <<'EOS' ||
import json, sys
s = json.load(open(sys.argv[1]))
release, panic, pid = sys.argv[2], sys.argv[3], int(sys.argv[4])
assert s["release"] == release, ("release", s["release"], release)
assert s["panic"] == panic, ("panic", s["panic"], panic)
assert s["pid"] == pid, ("dmesg pid", s["pid"], pid)
first = s["cpus"][0]
assert first["panicking"] and first["pid"] == pid, ("first cpu", first)
assert len(s["cpus"]) == 2, ("two vCPUs", len(s["cpus"]))
rip = int(first["registers"]["rip"], 16)
assert rip >= 0xffffffff80000000, ("rip is not a kernel address", hex(rip))
assert s["call_trace"] and any("sysrq" in f for f in s["call_trace"]), s["call_trace"]
EOS
	fail "the summary does not match the guest: $(cat "$WORK/summary-check.log") $(cat "$WORK/summary.json")"

# The console markers, each once and in the order of the facts they state.
tr -d '\r' <"$SERIAL" | awk -v id="$dir" -v bytes="$(wc -c <"$WORK/dump")" -v uuid="$DISK_UUID" '
	/^dumpagent: ready$/ { m[++n] = "ready" }
	/^dumpagent: target ok \(dev=\/dev\/vda uuid=/ && index($0, uuid) { m[++n] = "target" }
	/^dumpagent: dump written \(id=/ && $0 == "dumpagent: dump written (id=" id " bytes=" bytes ")" { m[++n] = "dump" }
	/^dumpagent: report written \(path=\/var\/crash\/.*, VmCore at the next boot\)$/ { m[++n] = "report" }
	/^dumpagent: done \(status=complete\)$/ { m[++n] = "done" }
	END { for (i = 1; i <= n; i++) s = s m[i] " "; print s }' >"$WORK/markers"
[ "$(cat "$WORK/markers")" = "ready target dump report done " ] ||
	fail "console markers missing or out of order: '$(cat "$WORK/markers")' (want ready target dump report done); $(grep '^dumpagent: \(ready\|target\|dump w\|report\|done\)' "$SERIAL")"

pass "$(wc -c <"$WORK/dump") byte dump and its report, panic to power-off in ${QEMU_SECONDS}s; $mdf_said"
