#!/bin/sh
# tests/shell/test-cli.sh: dumpagent status, list, show, export, delete, gc and test on dump directories.
#
# The dump directories are made by the real capture path (dumpagent capture
# --target-dir, with a fake makedumpfile) and by tests/fixtures/mkdumpdir.py,
# which follows docs/dump-format.md. sysfs, /proc, /dev and /run are fakes
# (DUMPAGENT_SYSFS, DUMPAGENT_PROC, DUMPAGENT_DEV, DUMPAGENT_RUN).
# shellcheck disable=SC2016,SC2181 # the stand-in's own $out; $? of a long command
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/agent-prologue.sh
. "$REPO/tests/shell/agent-prologue.sh"

C=$T/root/var/crash
mkdir -p "$C" "$T/sys/kernel" "$T/proc" "$T/dev" "$T/run" "$T/apport"
# mountinfo PATH MOUNTPOINT: a fake mountinfo in which the filesystem holding
# PATH is mounted at MOUNTPOINT (the admin commands find the target in it).
mountinfo() {
	majmin=$(python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print("%d:%d" % (os.major(s.st_dev), os.minor(s.st_dev)))' "$1")
	printf '26 1 %s / %s rw,relatime - ext4 /dev/fake rw\n' "$majmin" "$2" >"$T/proc/self/mountinfo"
}
mkdir -p "$T/proc/self"
mountinfo "$T" /
chmod 0700 "$C"
printf 'CRASH_DIR=%s\nMIN_FREE_MB=1\n' "$C" >"$T/conf"
export DUMPAGENT_SYSFS="$T/sys" DUMPAGENT_PROC="$T/proc" DUMPAGENT_DEV="$T/dev" \
	DUMPAGENT_RUN="$T/run" DUMPAGENT_APPORT_DIR="$T/apport"
da() { out=$("$AGENT" "$@" --config "$T/conf" 2>"$T/err"); rc=$?; err=$(cat "$T/err"); }

# --- a dump from the real capture path, and fixtures of every status
python3 "$REPO/tests/fixtures/mkvmcore.py" "$T/vmcore" || exit 1
printf '#!/bin/sh\nfor out; do :; done\nprintf "<5>Linux version 6.1.0-99-amd64 (gcc)\\n<0>Kernel panic - not syncing: from the capture path\\n" >"$out"\n' \
	>"$T/makedumpfile"
chmod +x "$T/makedumpfile"
echo console=ttyS0 >"$T/cmdline"
printf 'TARGET=UUID=1234\nFSTYPE=ext4\nMIN_FREE_MB=1\n' >"$T/capconf"
"$AGENT" capture --config "$T/capconf" --vmcore "$T/vmcore" --cmdline "$T/cmdline" \
	--makedumpfile "$T/makedumpfile" --clock 1795372830 --target-dir "$T/root" >/dev/null 2>&1
[ $? = 0 ] || bad "capture for the fixture failed"
$MK "$C" 202611221841 fallback
$MK "$C" 202611221841-2 dmesg-only --no-summary --panic "Kernel panic - not syncing: Fatal exception $(printf '\033')[2J"
$MK "$C" 202601010000 incomplete

da list
check "list: exit 0" "$rc" "rc=$rc $err"
ids=$(printf '%s\n' "$out" | awk 'NR > 1 { print $1 }' | tr '\n' ' ')
[ "$ids" = "202611221841-2 202611221841 202611221840 202601010000 " ]
check "list: newest first" $? "$ids"
line=$(printf '%s\n' "$out" | grep '^202611221840 ')
case $line in
*"2026-11-22 18:40 UTC"*"6.1.0-99-amd64"*complete*"Kernel panic - not syncing: from the capture path"*) ok "list: the real capture's dump: $line" ;;
*) bad "list: capture path line: $line" ;;
esac
printf '%s\n' "$out" | grep -q '^202611221841 .* fallback ' && printf '%s\n' "$out" | grep -q '^202601010000 .* incomplete '
check "list: fallback and incomplete status" $? "$out"
printf '%s\n' "$out" | grep -q 'Fatal exception ?\[2J'
check "list: control characters of a panic line shown as ?" $? "$out"

da list --json
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
got = [(x["id"], x["status"]) for x in d["dumps"]]
assert got == [("202611221841-2", "dmesg-only"), ("202611221841", "fallback"),
               ("202611221840", "complete"), ("202601010000", "incomplete")], got
assert d["dumps"][1]["crash_time_utc"] == "2026-11-22T18:41:00Z", d["dumps"][1]
assert d["dumps"][1]["release"] == "6.1.0-28-amd64" and d["test"] is None
assert "\x1b" in d["dumps"][0]["panic"]
'
check "list --json: ids, statuses, times, escaped panic" $? "$out"

da show 202611221841
case $out in
*"dump 202611221841 in $C: fallback"*"call trace:"*"sysrq_handle_crash+0x16/0x20"*"modules: ext4"*"rip=0x"*"vmcore.202611221841.gz"*) ok "show: summary, registers and files" ;;
*) bad "show: rc=$rc $out $err" ;;
esac
da show 202611221841 --json
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["status"] == "fallback" and d["summary"]["call_trace"][0] == "sysrq_handle_crash+0x16/0x20"
assert "vmcore.202611221841.gz" in [f["name"] for f in d["files"]]'
check "show --json: the summary object and the files" $? "$out"
da show 209901010000
[ "$rc" = 10 ] && [ "$err" = "dumpagent show: no dump '209901010000' in $C; see dumpagent list" ]
check "show of an unknown id: exit 10 and says so" $? "rc=$rc $err"
da show
[ "$rc" = 100 ] && [ "$err" = "dumpagent show: missing ID; see dumpagent --help" ]
check "show without an id: exit 100, one pointer to --help" $? "rc=$rc $err"

# --- export
da export 202611221841 --tar "$T/d.tar"
names=$(tar -tf "$T/d.tar" 2>&1 | sort | tr '\n' ' ')
[ "$rc" = 0 ] && [ "$names" = "202611221841/dmesg.202611221841 202611221841/dumpagent.log 202611221841/linux-image-6.1.0-28-amd64-202611221841.crash 202611221841/summary.202611221841.json 202611221841/summary.202611221841.txt 202611221841/vmcore.202611221841.gz " ]
check "export --tar: one archive with every file" $? "rc=$rc $names $err"
same "export warns that the dump holds the encrypted disks' keys" "dumpagent export: warning: dump 202611221841 holds the crashed kernel's memory, with the keys of every encrypted disk (dm-crypt, LUKS) that was open: give it only to whom you would give those disks" "$(printf "%s\n" "$err" | head -n 1)"
mkdir "$T/x" && tar -xf "$T/d.tar" -C "$T/x" && cmp -s "$T/x/202611221841/vmcore.202611221841.gz" "$C/202611221841/vmcore.202611221841.gz"
check "export --tar: contents read back equal" $? "differs"
da export 202611221841 --tar "$T/d.tar"
[ "$rc" = 1 ] && case $err in *"create $T/d.tar (an existing file is never replaced): File exists") true ;; *) false ;; esac
check "export --tar never replaces a file" $? "rc=$rc $err"
da export 202611221841 --apport
f=$T/apport/linux-image-6.1.0-28-amd64-202611221841.crash
[ "$rc" = 0 ] && [ "$out" = "$f" ] && [ "$(stat -c '%a %u' "$f")" = "600 0" ] && head -n 1 "$f" | grep -qx 'ProblemType: KernelCrash'
check "export --apport: the .crash report, root 0600, at the top of the apport dir" $? "rc=$rc $out $err $(stat -c '%a %u' "$f")"
da export 202611221840 --apport
f=$T/apport/linux-image-6.1.0-99-amd64-202611221840.crash
[ "$rc" = 0 ] && [ "$out" = "$f" ] && python3 "$REPO/tests/fixtures/read_crash.py" "$f" VmCoreDmesg "$T/dm" >/dev/null &&
	grep -q 'from the capture path' "$T/dm"
check "export --apport: the real capture's report decodes" $? "rc=$rc $out $err"
# Its report waits for VmCore (REPORT_VMCORE=boot): the export embeds the
# dump, without VmCorePath; the report in the dump directory stays as it was.
python3 "$REPO/tests/fixtures/read_crash.py" "$f" VmCore "$T/vmcore.exported" >/dev/null &&
	cmp -s "$T/vmcore.exported" "$C/202611221840/dump.202611221840" &&
	! python3 "$REPO/tests/fixtures/read_crash.py" "$f" VmCorePath >/dev/null 2>&1 &&
	! python3 "$REPO/tests/fixtures/read_crash.py" "$C/202611221840/linux-image-6.1.0-99-amd64-202611221840.crash" VmCore >/dev/null 2>&1
check "export --apport embeds the dump that the report only names" $? "$(python3 "$REPO/tests/fixtures/read_crash.py" "$f" 2>&1 | head -n 3)"
da export 202611221841-2 --apport
[ "$rc" = 1 ] && case $err in *"has no apport report"*) true ;; *) false ;; esac
check "export --apport without a report: exit 1, names the way out" $? "rc=$rc $err"
da export 202611221841
[ "$rc" = 100 ]
check "export without --apport or --tar: exit 100" $? "rc=$rc"

# --- one message format: "dumpagent[ COMMAND]: ...", usage errors end with one pointer
usage() { # WHAT EXPECTED-STDERR ARGS...
	what=$1 want=$2
	shift 2
	got=$("$AGENT" "$@" 2>&1)
	rc=$?
	[ "$rc" = 100 ] && [ "$got" = "$want" ]
	check "usage: $what: exit 100, '$want'" $? "rc=$rc '$got'"
}
usage "no command" "dumpagent: expected a command; see dumpagent --help"
usage "unknown command" "dumpagent: unknown command 'bogus'; see dumpagent --help" bogus
usage "unknown config command" "dumpagent: unknown command 'config bogus'; see dumpagent --help" config bogus
usage "unknown option" "dumpagent list: unknown option '--x'; see dumpagent --help" list --x
usage "an option of another command" "dumpagent list: unknown option '--yes'; see dumpagent --help" list --yes
usage "missing argument" "dumpagent capture: option '--wait' needs an argument; see dumpagent --help" capture --wait
usage "bad --wait" "dumpagent capture: --wait: expected seconds from 0 to 3600, not 'x'; see dumpagent --help" capture --wait x
usage "extra argument" "dumpagent show: unexpected argument 'b'; see dumpagent --help" show a b
usage "export needs --apport or --tar" "dumpagent export: expected one of --apport or --tar FILE; see dumpagent --help" export 1 --config "$T/conf"
usage "config get: unknown key" "dumpagent config get: unknown key 'NOPE'; see dumpagent --help" config get NOPE
usage "probe without a device" "dumpagent probe: missing DEVICE; see dumpagent --help" probe
# A bad configuration is 101, for config check and get and the admin commands
# (status reports it as a problem instead: below).
printf 'CRASH_DIR=%s\nBOGUS=1\n' "$C" >"$T/badconf"
for cmd in "config check" "config get TARGET" list "show 202611221841" gc; do
	# shellcheck disable=SC2086 # cmd is words
	got=$("$AGENT" $cmd --config "$T/badconf" 2>&1)
	rc=$?
	name=${cmd% [0-9T]*}
	[ "$rc" = 101 ] && [ "$got" = "dumpagent $name: $T/badconf:2: unknown key 'BOGUS'" ]
	check "bad configuration: '$cmd': exit 101, the line named" $? "rc=$rc '$got'"
done

# --- delete
da delete 202601010000
[ "$rc" = 0 ] && [ ! -e "$C/202601010000" ]
check "delete removes one dump" $? "rc=$rc $err"
da delete 202601010000
[ "$rc" = 10 ]
check "delete of a missing dump: exit 10" $? "rc=$rc"

# --- gc over 40 dumps: MAX_DUMPS, then MAX_TOTAL_MB, then MAX_AGE_DAYS
G=$T/gc/var/crash
i=0
while [ $i -lt 40 ]; do
	$MK "$G" "$(date -u -d "@$((1700000000 + i * 86400))" +%Y%m%d%H%M)" complete --dump-bytes 262144
	i=$((i + 1))
done
newest=$(ls "$G" | tail -n 1)
printf 'CRASH_DIR=%s\nMAX_DUMPS=32\n' "$G" >"$T/conf"
da gc
[ "$rc" = 0 ] && [ "$(ls "$G" | wc -l)" = 32 ] && [ "$(printf '%s\n' "$out" | grep -c ': more than MAX_DUMPS$')" = 8 ] &&
	[ "$(ls "$G" | head -n 1)" = "$(date -u -d @$((1700000000 + 8 * 86400)) +%Y%m%d%H%M)" ]
check "gc: MAX_DUMPS=32 of 40 removes the 8 oldest" $? "rc=$rc $(ls "$G" | wc -l) $out $err"
printf 'CRASH_DIR=%s\nMAX_TOTAL_MB=2\n' "$G" >"$T/conf"
da gc
# each dump is 256 KiB of dump plus about 3 KiB: 7 fit in 2 MiB
[ "$rc" = 0 ] && [ "$(ls "$G" | wc -l)" = 7 ] && [ "$(ls "$G" | tail -n 1)" = "$newest" ]
check "gc: MAX_TOTAL_MB=2 keeps the 7 newest" $? "rc=$rc $(ls "$G" | wc -l) $out"
printf 'CRASH_DIR=%s\nMAX_AGE_DAYS=1\n' "$G" >"$T/conf"
da gc
[ "$rc" = 0 ] && [ "$(ls "$G")" = "$newest" ] && case $out in *"older than MAX_AGE_DAYS"*) true ;; *) false ;; esac
check "gc: MAX_AGE_DAYS=1 removes all but the newest, which is never removed" $? "rc=$rc $(ls "$G") $out"
$MK "$G" 209901010000 incomplete
da gc
[ "$rc" = 0 ] && [ -d "$G/209901010000" ]
check "gc: the newest is kept even when incomplete" $? "$(ls "$G")"

# --- status against fake sysfs and loader state
printf 'CRASH_DIR=%s\nMIN_FREE_MB=1\n' "$C" >"$T/conf"
state() {
	cat >"$T/run/loaded" <<-EOS
		KERNEL=$T/vmlinuz
		KERNEL_SHA256=1111
		INITRD=$T/initrd.img
		INITRD_SHA256=2222222222222222222222
		CONFIG=$T/conf
		CONFIG_SHA256=${1:-3333}
		INITRD_CONFIG_SHA256=3333
		METHOD=kexec_file_load
		LOADED_AT=1795372800
	EOS
}
: >"$T/vmcore.k"
cp "$T/vmcore.k" "$T/vmlinuz"; : >"$T/initrd.img"
echo 67108864 >"$T/sys/kernel/kexec_crash_size"
echo 1 >"$T/sys/kernel/kexec_crash_loaded"
sleep 0.01; state
da status
case $out in
"armed:          yes"*"reserved:       64 MiB"*"capture kernel: $T/vmlinuz (release unknown), loaded 2026-11-22 18:40 UTC with kexec_file_load"*"config:         $T/conf: ok"*"dumps:          3 in $C; last 202611221841-2"*) [ "$rc" = 0 ] ;;
*) false ;;
esac
check "status: armed, exit 0, one screen of facts" $? "rc=$rc $out $err"
da status --json
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["armed"] is True and d["reserved_bytes"] == 67108864 and d["problems"] == [], d
assert d["last_dump"] == {"id": "202611221841-2", "status": "dmesg-only"} and d["dumps"] == 3'
check "status --json: the same facts" $? "$out"
# The mode load-crashkernel chose (MODE=; a record from before modes: small).
da status
case $out in *"mode:           small"*) true ;; *) false ;; esac
check "status: a record without MODE was the small kernel" $? "$out"
sleep 0.01; state; echo MODE=distro >>"$T/run/loaded"
da status
case $out in *"initramfs:      $T/initrd.img (sha256 2222222222222222...)
mode:           distro"*) [ "$rc" = 0 ] ;; *) false ;; esac
check "status: the mode recorded" $? "rc=$rc $out"
da status --json
printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["mode"] == "distro", d'
check "status --json: the mode recorded" $? "$out"
# Less reserved than the loaded mode's estimate (empty files: its working
# memory, 20 MiB and 1 MiB per 4 GiB of RAM).
echo 16777216 >"$T/sys/kernel/kexec_crash_size"
echo 'MemTotal:       16777216 kB' >"$T/proc/meminfo"
da status
[ "$rc" = 1 ] && case $out in *"problem: the 16 MiB reserved are less than the distro capture environment needs: an estimated 24 MiB"*"reserve 32M"*) true ;; *) false ;; esac
check "status: less reserved than the loaded mode needs is a problem, exit 1" $? "rc=$rc $out"
echo 67108864 >"$T/sys/kernel/kexec_crash_size"
rm "$T/proc/meminfo"
# BSOD=1: the screen line says whether the display can show the brown screen;
# a DRM driver (bochs-drm here) cannot, and that is no problem for "armed".
printf 'CRASH_DIR=%s\nMIN_FREE_MB=1\nBSOD=1\n' "$C" >"$T/conf"
sleep 0.01; state
da status
case $out in *"screen:         brown screen: on the VGA text console"*) [ "$rc" = 0 ] ;; *) false ;; esac
check "status: BSOD=1 without a graphics driver: the VGA text console" $? "rc=$rc $out"
mkdir -p "$T/sys/devices/pci0000:00/0000:00:01.0/drm/card0" "$T/sys/bus/pci/drivers/bochs-drm" "$T/sys/class/drm"
ln -s "$T/sys/devices/pci0000:00/0000:00:01.0/drm/card0" "$T/sys/class/drm/card0"
ln -s "$T/sys/devices/pci0000:00/0000:00:01.0" "$T/sys/devices/pci0000:00/0000:00:01.0/drm/card0/device"
ln -s "$T/sys/bus/pci/drivers/bochs-drm" "$T/sys/devices/pci0000:00/0000:00:01.0/driver"
da status
case $out in *"armed:          yes"*"
screen:         brown screen: not possible with bochs-drm, the serial console still gets it"*) [ "$rc" = 0 ] ;; *) false ;; esac
check "status: BSOD=1 with bochs-drm: not possible, the serial console still gets it" $? "rc=$rc $out"
da status --json
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["screen"] == "brown screen: not possible with bochs-drm, the serial console still gets it", d
assert d["armed"] is True, d'
check "status --json: the screen verdict" $? "$out"
printf 'CRASH_DIR=%s\nMIN_FREE_MB=1\n' "$C" >"$T/conf"
sleep 0.01; state
da status
case $out in *"screen:"*) false ;; *) [ "$rc" = 0 ] ;; esac
check "status: BSOD=0 shows no screen line" $? "rc=$rc $out"
da status --json
printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["screen"] is None, d'
check "status --json: BSOD=0, screen null" $? "$out"
sleep 0.01; state
state 4444
da status
[ "$rc" = 1 ] && case $out in *"problem: the loaded initramfs $T/initrd.img is stale: it holds another configuration than $T/conf"*) true ;; *) false ;; esac
check "status: a stale initramfs is a problem, exit 1" $? "rc=$rc $out"
state; sleep 0.01; touch "$T/conf"
da status
[ "$rc" = 1 ] && case $out in *"problem: the configuration $T/conf changed after the capture kernel was loaded: run load-crashkernel"*) true ;; *) false ;; esac
check "status: a config changed since the load is a problem" $? "rc=$rc $out"
sleep 0.01; state
echo 0 >"$T/sys/kernel/kexec_crash_loaded"
da status
[ "$rc" = 1 ] && case $out in *"capture kernel: not loaded"*"problem: no capture kernel is loaded ($T/sys/kernel/kexec_crash_loaded is not 1): run load-crashkernel"*) true ;; *) false ;; esac
check "status: not loaded, exit 1" $? "rc=$rc $out"
echo 0 >"$T/sys/kernel/kexec_crash_size"
da status
[ "$rc" = 1 ] && case $out in *"problem: no memory is reserved for a capture kernel ($T/sys/kernel/kexec_crash_size is 0): run load-crashkernel --reserve, then reboot"*) true ;; *) false ;; esac
check "status: nothing reserved, exit 1" $? "rc=$rc $out"
echo 67108864 >"$T/sys/kernel/kexec_crash_size"; echo 1 >"$T/sys/kernel/kexec_crash_loaded"
printf 'CRASH_DIR=%s\nMIN_FREE_MB=999999\n' "$C" >"$T/conf"; sleep 0.01; state
da status
[ "$rc" = 1 ] && case $out in *"problem: only "*" MiB free on "*", below MIN_FREE_MB=999999: the capture would write nothing"*) true ;; *) false ;; esac
check "status: too little free space on the target, exit 1" $? "rc=$rc $out"
printf 'CRASH_DIR=%s\nBOGUS=1\n' "$C" >"$T/conf"
da status
[ "$rc" = 1 ] && case $out in *"problem: configuration error: $T/conf:2: unknown key 'BOGUS'"*) true ;; *) false ;; esac
check "status: a configuration error is a problem" $? "rc=$rc $out"

# --- test: marker, sysrq, then list and status find the test crash
printf 'CRASH_DIR=%s\nMIN_FREE_MB=1\n' "$C" >"$T/conf"; sleep 0.01; state
: >"$T/proc/sysrq-trigger"; : >"$T/dev/kmsg"
out=$(echo no | "$AGENT" test --config "$T/conf" 2>&1); rc=$?
[ "$rc" = 1 ] && [ ! -s "$T/proc/sysrq-trigger" ] && [ ! -e "$C/dumpagent-test" ]
check "test: not confirmed, nothing done" $? "rc=$rc $out"
echo 0 >"$T/sys/kernel/kexec_crash_loaded"
da test --yes
[ "$rc" = 1 ] && [ ! -s "$T/proc/sysrq-trigger" ]
check "test: refused when no capture kernel is loaded" $? "rc=$rc $err"
echo 1 >"$T/sys/kernel/kexec_crash_loaded"
out=$(echo crash | "$AGENT" test --config "$T/conf" 2>&1); rc=$?
id=$(sed -n 's/^id=//p' "$C/dumpagent-test")
[ "$rc" = 0 ] && [ "$(cat "$T/proc/sysrq-trigger")" = c ] && [ -n "$id" ] &&
	[ "$(stat -c %a "$C/dumpagent-test")" = 600 ] && grep -q "dumpagent: test crash $id" "$T/dev/kmsg"
check "test: confirmed: marker, kmsg line, 'c' to sysrq-trigger" $? "rc=$rc $out"
da status
case $out in *"test crash $id of "*": NOT captured (no dump since)"*) true ;; *) false ;; esac
check "status: a test crash not (yet) captured says so" $? "$out"
now=$(date -u +%Y%m%d%H%M) # once: the checks below must not cross into the next minute
$MK "$C" "$now" complete
da list
case $out in *"[test crash $id]"*"test crash $id of "*": captured as $now (complete)"*) true ;; *) false ;; esac
check "list: the test crash's dump is marked, and reported captured" $? "$out"
da status --json
printf '%s' "$out" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['test']['id'] == '$id' and d['test']['captured'] == '$now', d['test']"
check "status --json: the test crash and its dump" $? "$out"

# --- non-root: refused before anything is read, as a real unprivileged user
id dumpagent-test >/dev/null 2>&1 || useradd --system --no-create-home dumpagent-test || bad "useradd failed"
uid=$(id -u dumpagent-test)
for cmd in status list "show 202611221841" "export 202611221841 --tar /tmp/x.tar" "delete 202611221841" gc "test --yes"; do
	# shellcheck disable=SC2086 # cmd is words
	out=$(setpriv --reuid="$uid" --regid="$uid" --clear-groups "$AGENT" $cmd --config "$T/conf" 2>&1)
	rc=$?
	[ "$rc" = 11 ] && [ "$out" = "dumpagent ${cmd%% *}: permission denied: crash dumps are readable by root only" ]
	check "non-root '$cmd': exit 11, the one message" $? "rc=$rc '$out'"
done
[ -d "$C/202611221841" ]
check "non-root delete removed nothing" $? "gone"
exit "$failed"
