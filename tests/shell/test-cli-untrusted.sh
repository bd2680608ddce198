#!/bin/sh
# tests/shell/test-cli-untrusted.sh: the admin commands over what other users can create (issue 11).
#
# Each case is a proof from the issue, run against the built agent: apport's
# 3777 CRASH_DIR holding another user's directories named like dumps, a FIFO
# where a summary should be, a CRASH_DIR that is not root's, a CRASH_DIR on a
# separately mounted filesystem, a summary-only capture, a file over 8 GiB in
# export --tar, and the durability and mode of export --apport. "Another
# user's" is uid 65534, made with chown (the tests run as root).
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/agent-prologue.sh
. "$REPO/tests/shell/agent-prologue.sh"

mkdir -p "$T/sys/kernel" "$T/proc/self" "$T/dev" "$T/run" "$T/apport"
export DUMPAGENT_SYSFS="$T/sys" DUMPAGENT_PROC="$T/proc" DUMPAGENT_DEV="$T/dev" \
	DUMPAGENT_RUN="$T/run" DUMPAGENT_APPORT_DIR="$T/apport"
# mountinfo PATH MOUNTPOINT: a fake mountinfo in which the filesystem holding
# PATH is mounted at MOUNTPOINT.
mountinfo() {
	majmin=$(python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print("%d:%d" % (os.major(s.st_dev), os.minor(s.st_dev)))' "$1")
	printf '26 1 %s / %s rw,relatime - ext4 /dev/fake rw\n' "$majmin" "$2" >"$T/proc/self/mountinfo"
}
mountinfo "$T" /
# da CONF ARGS...: runs the agent; sets out, err, rc. Bounded: a hang is a failure (rc 124).
da() {
	conf=$1
	shift
	out=$(timeout 30 "$AGENT" "$@" --config "$conf" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
}
# fake DIR ID FILE...: another user's directory ID in DIR holding empty FILEs.
fake() {
	d=$1/$2
	shift 2
	mkdir "$d" && chmod 0700 "$d" && for f; do : >"$d/$f"; done && chown -R 65534:65534 "$d"
}

# --- apport's 3777 /var/crash: root's dumps in the root-only dumpagent/, a user's fakes beside
# pub NAME: a fresh 3777 CRASH_DIR $T/NAME/var/crash (P, config $T/pconf) with
# three of root's dumps in dumpagent/, so that each proof starts from the same state.
pub() {
	P=$T/$1/var/crash
	mkdir -p "$P" && chmod 3777 "$P"
	for i in 202001010000 202001020000 202001030000; do
		$MK "$P/dumpagent" "$i" complete --dump-bytes 262144
	done
	printf 'CRASH_DIR=%s\nMAX_TOTAL_MB=100\n' "$P" >"$T/pconf"
}
pub gc
fake "$P" 209912312359 dmesg.209912312359
truncate -s 5G "$P/209912312359/dump.209912312359"
da "$T/pconf" gc
left=$(cd "$P/dumpagent" && echo 2*)
[ "$rc" = 0 ] && [ "$left" = "202001010000 202001020000 202001030000" ] &&
	[ -e "$P/209912312359/dump.209912312359" ]
check "gc: a user's sparse 5 GiB 'newest dump' neither counts nor removes root's dumps" $? \
	"rc=$rc $out $err; left: $left"
da "$T/pconf" list --json
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [x["id"] for x in d["dumps"]] == ["202001030000", "202001020000", "202001010000"], d
assert all(x["path"].endswith("/dumpagent") for x in d["dumps"]), d'
check "list: only the dumps of the root-only directory" $? "rc=$rc $out $err"

# --- the same id as a real dump, in the public directory
pub shadow
id=202001030000
fake "$P" "$id" "dmesg.$id" "summary.$id.txt" "linux-image-6.6.6-evil-$id.crash"
printf '{"release": "6.6.6-evil", "panic": "FAKE"}' >"$P/$id/summary.$id.json"
echo FAKE >"$P/$id/summary.$id.txt"
printf 'ProblemType: KernelCrash\nTitle: FAKE\n' >"$P/$id/linux-image-6.6.6-evil-$id.crash"
chown -R 65534:65534 "$P/$id"
da "$T/pconf" show "$id"
[ "$rc" = 0 ] && case $out in "dump $id in $P/dumpagent: complete"*) true ;; *) false ;; esac &&
	! printf '%s' "$out" | grep -q FAKE
check "show: the real dump, not a user's directory of the same id" $? "rc=$rc $out $err"
da "$T/pconf" export "$id" --apport
f=$T/apport/linux-image-6.1.0-28-amd64-$id.crash
[ "$rc" = 0 ] && [ "$out" = "$f" ] && ! grep -q FAKE "$f" && [ ! -e "$T/apport/linux-image-6.6.6-evil-$id.crash" ]
check "export --apport: root's report, not the user's file" $? "rc=$rc $out $err $(ls "$T/apport")"
[ "$(stat -c '%a %u' "$f")" = "600 0" ]
check "export --apport: the report is root's, 0600 (apport's directory is setgid)" $? "$(stat -c '%a %u' "$f")"
rm -f "$f"
strace -f -qq -e trace=renameat2,fsync -o "$T/strace" "$AGENT" export "$id" --apport --config "$T/pconf" >/dev/null 2>&1
# the report's fsync, the rename, then an fsync of the directory holding it
awk '/renameat2\(/ { r = 1; next } r && /fsync\(/ { f = 1 } END { exit !f }' "$T/strace"
check "export --apport: the apport directory is fsynced after the rename" $? "$(cat "$T/strace")"
da "$T/pconf" delete "$id"
[ "$rc" = 0 ] && [ "$out" = "deleted $P/dumpagent/$id" ] && [ ! -e "$P/dumpagent/$id" ] && [ -e "$P/$id/summary.$id.json" ]
check "delete: removes the real dump, leaves the user's directory alone" $? "rc=$rc $out $err $(ls "$P" "$P/dumpagent")"

# --- a FIFO where a summary should be: list must not wait on it
pub fifo
fake "$P" 209901010000 dmesg.209901010000
mkfifo "$P/209901010000/summary.209901010000.json" && chown 65534 "$P/209901010000/summary.209901010000.json"
da "$T/pconf" list
[ "$rc" = 0 ]
check "list: a user's FIFO summary.<id>.json does not hang it" $? "rc=$rc (124: timed out) $err"
F=$T/rootfifo/var/crash
$MK "$F" 202001010000 dmesg-only --no-summary
mkfifo -m 0600 "$F/202001010000/summary.202001010000.json" "$F/202001010000/summary.202001010000.txt"
da "$T/pconf" list --crash-dir "$F"
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -q '^202001010000 .*Kernel panic - not syncing: sysrq triggered crash'
check "list: a FIFO in root's own dump is no summary (facts from the dmesg), no hang" $? "rc=$rc $out $err"
da "$T/pconf" show 202001010000 --crash-dir "$F"
[ "$rc" = 0 ]
check "show: a FIFO summary does not hang it" $? "rc=$rc $err"
ln -s /etc/shadow "$F/202001010000/dump.202001010000"
da "$T/pconf" export 202001010000 --crash-dir "$F" --tar "$T/fifo.tar"
names=$(tar -tf "$T/fifo.tar" 2>&1 | sort | tr '\n' ' ')
[ "$rc" = 0 ] && [ "$names" = "202001010000/dmesg.202001010000 202001010000/dumpagent.log " ]
check "export --tar: FIFOs and links in a dump are left out, no hang" $? "rc=$rc $names $err"

# --- dumpagent test: a user's dump after the marker is not the test crash's
pub test
echo 1 >"$T/sys/kernel/kexec_crash_loaded"
: >"$T/proc/sysrq-trigger"
: >"$T/dev/kmsg"
da "$T/pconf" test --yes
[ "$rc" = 0 ] && [ -s "$P/dumpagent/dumpagent-test" ]
check "test: the marker goes to the root-only directory" $? "rc=$rc $out $err"
now=$(date -u +%Y%m%d%H%M)
fake "$P" "$now" "dmesg.$now" "dump.$now"
da "$T/pconf" list
case $out in *"NOT captured (no dump since)"*) ! printf '%s' "$out" | grep -q "captured as" ;; *) false ;; esac
check "list: a user's fake dump does not make the test crash 'captured'" $? "rc=$rc $out $err"

# --- a CRASH_DIR that is not root's: its dumps are not trusted
O=$T/own/var/crash
$MK "$O" 202001010000 complete
chown 65534 "$O"
da "$T/pconf" list --crash-dir "$O"
[ "$rc" = 0 ] && [ "$out" = "no dumps in $O" ] &&
	[ "$err" = "dumpagent list: warning: $O is owned by uid 65534, not root: only its root-only subdirectory dumpagent is read; chown root $O" ]
check "list: a CRASH_DIR owned by another user is not read, and says why" $? "rc=$rc $out $err"

# --- TARGET=auto with CRASH_DIR on a separately mounted filesystem
V=$T/sv
mkdir -p "$V/crash"
mountinfo "$V" "$V" # the filesystem holding $V/crash is mounted at $V
$MK "$V$V/crash" 202001010000 complete
printf 'CRASH_DIR=%s/crash\n' "$V" >"$T/vconf"
da "$T/vconf" list
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -q '^202001010000 .* complete '
check "list: CRASH_DIR inside the target filesystem, where the capture writes it" $? "rc=$rc $out $err"
da "$T/vconf" list --json
[ "$rc" = 0 ] && printf '%s' "$out" | python3 -c "
import json, sys
assert json.load(sys.stdin)['crash_dir'] == '$V$V/crash'"
check "list --json: names that path" $? "$out"
mountinfo "$T" /

# --- a capture that saved only its summary and log is kept, and says so
S=$T/so/var/crash
$MK "$S" 202001010000 dmesg-only
rm "$S/202001010000/dmesg.202001010000"
echo 'dumpagent: outcome: failed: only the summary saved' >"$S/202001010000/dumpagent.log"
$MK "$S" 202001020000 complete
da "$T/pconf" gc --crash-dir "$S"
[ "$rc" = 0 ] && [ -e "$S/202001010000/dumpagent.log" ]
check "gc: keeps a summary-only capture (its log says why it failed)" $? "rc=$rc $out $err"
da "$T/pconf" list --crash-dir "$S"
printf '%s\n' "$out" | grep -q '^202001010000 .* summary-only '
check "list: the summary-only status" $? "$out"

# --- export --tar of a file over 8 GiB (ustar's size field holds 8 GiB - 1)
B=$T/big/var/crash
$MK "$B" 202001010000 dmesg-only --no-summary
truncate -s 9G "$B/202001010000/dump.202001010000"
# Only the head of the stream is read: reading 9 GiB of holes takes minutes on
# a loaded machine. tar lists the members it has the headers of (the big one,
# and the dmesg when it comes first), then stops at the cut: that is its exit 2.
timeout 60 "$AGENT" export 202001010000 --tar - --crash-dir "$B" --config "$T/pconf" 2>"$T/err" |
	head -c 65536 >"$T/head.tar"
listing=$(tar -tvf "$T/head.tar" 2>&1)
printf '%s\n' "$listing" | grep -q '^-rw------- 0/0 *9663676416 .* 202001010000/dump\.202001010000$'
check "export --tar: a sparse 9 GiB file is in the archive, with its size (pax)" $? "$listing $(cat "$T/err")"
exit "$failed"
