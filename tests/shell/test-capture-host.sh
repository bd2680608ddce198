#!/bin/sh
# tests/shell/test-capture-host.sh: the capture story on the host, with a fake makedumpfile.
#
# Runs "dumpagent capture --target-dir" on a synthetic vmcore and checks what
# lands in the crash directory, modes included, and what is refused.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/agent-prologue.sh
. "$REPO/tests/shell/agent-prologue.sh"

python3 "$REPO/tests/fixtures/mkvmcore.py" "$T/vmcore" || exit 1
echo "console=ttyS0" >"$T/cmdline"
printf 'TARGET=UUID=1234\nFSTYPE=ext4\n' >"$T/conf"

# A makedumpfile stand-in: writes its last argument; FAKE_FAIL=dmesg|dump fails that step
# after writing half a file, as a full disk would.
cat >"$T/makedumpfile" <<'EOS'
#!/bin/sh
for out; do :; done
case "$1" in --dump-dmesg) what=dmesg ;; *) what=dump ;; esac
echo "$* $(pwd)" >>"$FAKE_LOG"
echo "${LD_PRELOAD:-none}" >>"$FAKE_LOG.env"
echo "${TMPDIR:-none}" >>"$FAKE_LOG.tmpdir"
echo "$what: $(ls | tr '\n' ' ')" >>"$FAKE_LOG.seen"
echo "partial $what" >"$out"
case ${FAKE_FAIL:-} in "$what" | both) exit 1 ;; esac
case ${FAKE_FAIL:-}:$* in threads:*--num-threads*) exit 134 ;; esac
# FAKE_FAIL=publish: the dump is made, but its final name is taken, so that
# the agent cannot rename it into place (RENAME_NOREPLACE: File exists).
[ "${FAKE_FAIL:-}:$what" != publish:dump ] || echo "not ours" >"${out%.part}"
# FAKE_PROGRESS: makedumpfile's progress (redrawn with \r) over 3 s of a dump.
if [ "${FAKE_PROGRESS:-}" = "$what" ]; then
	for pct in 10.0 40.0 70.0; do
		printf '\rCopying data                                      : [ %s %%] /' "$pct"
		head -c 1048576 /dev/zero >>"$out"
		sleep 1
	done
	echo
fi
if [ "${FAKE_FILL:-}" = "$what" ]; then
	dd if=/dev/zero of="$out" bs=64k 2>/dev/null
	exit 1
fi
printf '%s\n' "${FAKE_PANIC:-Kernel panic - not syncing: sysrq triggered crash}" >>"$out"
exit 0
EOS
chmod +x "$T/makedumpfile"
export FAKE_LOG="$T/fake.log"

# The capture kernel's clock: 29 s after the fixture's CRASHTIME (2026-11-22 18:40:01 UTC).
CLOCK=1795372830

capture() { # capture TARGET_DIR [extra args]: sets $rc and $out
	dir=$1
	shift
	mkdir -p "$dir"
	out=$("$AGENT" capture --config "$T/conf" --vmcore "$T/vmcore" --cmdline "$T/cmdline" \
		--makedumpfile "$T/makedumpfile" --clock "$CLOCK" --target-dir "$dir" "$@" 2>&1)
	rc=$?
}

perm() { stat -c '%a %u %F' "$1" 2>/dev/null; }

# 1. A complete capture: dmesg and summary first, then the dump, then the
# report; 0700 directory, 0600 files.
REPORT=linux-image-6.1.0-99-amd64-202611221840.crash
READ="python3 $REPO/tests/fixtures/read_crash.py"
: >"$FAKE_LOG"
: >"$FAKE_LOG.seen"
: >"$FAKE_LOG.tmpdir"
capture "$T/t1"
d=$T/t1/var/crash/202611221840
if [ "$rc" = 0 ] && [ "$(perm "$d")" = "700 0 directory" ] &&
	[ "$(perm "$d/dmesg.202611221840")" = "600 0 regular file" ] &&
	[ "$(perm "$d/dump.202611221840")" = "600 0 regular file" ] &&
	[ "$(perm "$T/t1/var/crash")" = "700 0 directory" ] &&
	[ "$(perm "$d/dumpagent.log")" = "600 0 regular file" ] &&
	[ "$(perm "$d/summary.202611221840.txt")" = "600 0 regular file" ] &&
	[ "$(perm "$d/summary.202611221840.json")" = "600 0 regular file" ] &&
	[ "$(perm "$d/$REPORT")" = "600 0 regular file" ] &&
	grep -q "^dumpagent: outcome: complete$" "$d/dumpagent.log" &&
	[ "$(ls "$d" | tr '\n' ' ')" = "dmesg.202611221840 dump.202611221840 dumpagent.log $REPORT summary.202611221840.json summary.202611221840.txt " ]; then
	ok "complete capture: $(ls "$d" | tr '\n' ' ')"
else
	bad "complete capture: rc=$rc $(ls -la "$d" 2>&1) $out"
fi
first=$(head -n 1 "$FAKE_LOG")
case $first in
"--dump-dmesg $T/vmcore dmesg.202611221840.part $d") ok "dmesg is written first, inside the dump dir" ;;
*) bad "first makedumpfile run was '$first'" ;;
esac
case $(sed -n 2p "$FAKE_LOG") in
"-d 31 -l $T/vmcore dump.202611221840.part $d") ok "dump written with -d 31 -l (lzo, the default)" ;;
*) bad "second makedumpfile run was '$(sed -n 2p "$FAKE_LOG")'" ;;
esac
case $out in
*"dumpagent: capture complete"*) ok "reports 'capture complete'" ;;
*) bad "no 'capture complete' line: $out" ;;
esac
# makedumpfile's bitmap file goes to the dump directory (its cwd), not the
# capture kernel's tmpfs: TMPDIR=. for both runs.
same "TMPDIR of the dmesg and dump runs" ". ." "$(tr '\n' ' ' <"$FAKE_LOG.tmpdir" | sed 's/ $//')"
case $(sed -n 2p "$FAKE_LOG.seen") in
"dump: dmesg.202611221840 summary.202611221840.json summary.202611221840.txt ") ok "the summary is saved before the dump starts" ;;
*) bad "when the dump started, the directory held: $(sed -n 2p "$FAKE_LOG.seen")" ;;
esac
# REPORT_VMCORE=boot (the default): the report names the dump; dumpagent
# complete (at the next boot) embeds it, and the name goes.
if ! $READ "$d/$REPORT" VmCore >/dev/null 2>&1 &&
	[ "$($READ "$d/$REPORT" VmCorePath)" = /var/crash/202611221840/dump.202611221840 ] &&
	grep -q "^dumpagent: report written (path=/var/crash/202611221840/$REPORT, VmCore at the next boot)$" "$d/dumpagent.log"; then
	ok "REPORT_VMCORE=boot: the capture's report names the dump, VmCore at the next boot"
else
	bad "REPORT_VMCORE=boot: the capture embedded the dump or named none: $($READ "$d/$REPORT" 2>&1 | head -n 5)"
fi
cout=$("$AGENT" complete --config "$T/conf" --crash-dir "$T/t1/var/crash" 2>&1)
crc=$?
if [ "$crc" = 0 ] && [ "$cout" = "202611221840: VmCore embedded in $T/t1/var/crash/202611221840/$REPORT (0 MiB)
complete: 1 report completed, 0 failed" ] && [ "$(perm "$d/$REPORT")" = "600 0 regular file" ] &&
	! $READ "$d/$REPORT" VmCorePath >/dev/null 2>&1 && [ -z "$(find "$d" -name '*.part')" ]; then
	ok "dumpagent complete embeds the dump, drops VmCorePath, keeps 0600 and leaves no .part"
else
	bad "dumpagent complete: rc=$crc $cout $(ls -la "$d")"
fi
cout=$("$AGENT" complete --config "$T/conf" --crash-dir "$T/t1/var/crash" 2>&1)
[ "$cout" = "complete: 0 reports completed, 0 failed" ] && ok "a second complete finds nothing to do" ||
	bad "second complete: $cout"
if $READ "$d/$REPORT" VmCore "$T/vmcore.decoded" && cmp -s "$T/vmcore.decoded" "$d/dump.202611221840" &&
	[ "$($READ "$d/$REPORT" ProblemType)" = KernelCrash ] &&
	[ "$($READ "$d/$REPORT" Title)" = "Kernel panic - not syncing: sysrq triggered crash" ] &&
	[ "$($READ "$d/$REPORT" Date)" = "Sun Nov 22 18:40:01 2026" ] &&
	[ "$($READ "$d/$REPORT" Package)" = "linux-image-6.1.0-99-amd64" ] &&
	[ "$($READ "$d/$REPORT" Uname)" = "Linux 6.1.0-99-amd64 x86_64" ] &&
	[ "$($READ "$d/$REPORT" Architecture)" = amd64 ] &&
	$READ "$d/$REPORT" VmCoreDmesg | cmp -s - "$d/dmesg.202611221840"; then
	ok "the report decodes: its VmCore is the dump, its VmCoreDmesg the dmesg"
else
	bad "report: $($READ "$d/$REPORT" 2>&1)"
fi
if ! $READ "$d/$REPORT" DistroRelease >/dev/null 2>&1; then
	ok "no DistroRelease when the target holds no os-release"
else
	bad "DistroRelease without an os-release on the target"
fi
if python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["panic"]=="Kernel panic - not syncing: sysrq triggered crash" and s["release"]=="6.1.0-99-amd64" and s["crash_time_utc"]=="2026-11-22T18:40:01Z", s' \
	"$d/summary.202611221840.json" && grep -q "^Panic: *Kernel panic - not syncing: sysrq triggered crash$" "$d/summary.202611221840.txt"; then
	ok "summary text and JSON name the panic, the release and the crash time"
else
	bad "summary: $(cat "$d/summary.202611221840.json")"
fi

# 1b. The target is a root filesystem: the report says which distribution.
mkdir -p "$T/t1b/usr/lib" "$T/t1b/etc"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
' >"$T/t1b/usr/lib/os-release"
ln -s ../usr/lib/os-release "$T/t1b/etc/os-release"
capture "$T/t1b"
if [ "$rc" = 0 ] && [ "$($READ "$T/t1b/var/crash/202611221840/$REPORT" DistroRelease)" = "Debian 12" ]; then
	ok "DistroRelease 'Debian 12' from usr/lib/os-release, the etc link not followed"
else
	bad "DistroRelease: rc=$rc $($READ "$T/t1b/var/crash/202611221840/$REPORT" 2>&1)"
fi

# 1c. A dump larger than REPORT_VMCORE_MAX_MB is named, not embedded.
# With COMPRESSION=zlib, makedumpfile gets -c instead of the default -l.
printf 'TARGET=UUID=1234\nFSTYPE=ext4\nREPORT_VMCORE_MAX_MB=0\nCOMPRESSION=zlib\n' >"$T/conf"
: >"$FAKE_LOG"
capture "$T/t1c"
printf 'TARGET=UUID=1234\nFSTYPE=ext4\n' >"$T/conf"
case $(sed -n 2p "$FAKE_LOG") in
"-d 31 -c $T/vmcore dump.202611221840.part $T/t1c/var/crash/202611221840") ok "COMPRESSION=zlib: dump written with -d 31 -c" ;;
*) bad "COMPRESSION=zlib: second makedumpfile run was '$(sed -n 2p "$FAKE_LOG")'" ;;
esac
r=$T/t1c/var/crash/202611221840/$REPORT
if [ "$rc" = 0 ] && ! $READ "$r" VmCore >/dev/null 2>&1 &&
	[ "$($READ "$r" VmCorePath)" = "/var/crash/202611221840/dump.202611221840" ]; then
	ok "REPORT_VMCORE_MAX_MB=0: the report names the dump instead of embedding it"
else
	bad "VmCorePath: rc=$rc $($READ "$r" 2>&1)"
fi

# 1c1. COMPRESSION=zstd: makedumpfile gets -z.
printf 'TARGET=UUID=1234\nFSTYPE=ext4\nCOMPRESSION=zstd\n' >"$T/conf"
: >"$FAKE_LOG"
capture "$T/t1z"
printf 'TARGET=UUID=1234\nFSTYPE=ext4\n' >"$T/conf"
case $(sed -n 2p "$FAKE_LOG") in
"-d 31 -z $T/vmcore dump.202611221840.part $T/t1z/var/crash/202611221840") ok "COMPRESSION=zstd: dump written with -d 31 -z" ;;
*) bad "COMPRESSION=zstd: second makedumpfile run was '$(sed -n 2p "$FAKE_LOG")'" ;;
esac

# 1c2. nr_cpus= (the arming's THREADS) gives makedumpfile one thread a CPU,
# never more than came up (this host's online CPUs stand for them).
cpus=$(getconf _NPROCESSORS_ONLN)
for asked in 2 16; do
	want=$((asked < cpus ? asked : cpus))
	flags="-d 31 -l"
	[ "$want" -le 1 ] || flags="$flags --num-threads $want"
	echo "console=ttyS0 nr_cpus=$asked" >"$T/cmdline"
	: >"$FAKE_LOG"
	capture "$T/t1c2-$asked"
	case $(sed -n 2p "$FAKE_LOG") in
	"$flags $T/vmcore dump.202611221840.part $T/t1c2-$asked/var/crash/202611221840")
		ok "nr_cpus=$asked on $cpus CPUs: makedumpfile $flags" ;;
	*) bad "nr_cpus=$asked on $cpus CPUs: second makedumpfile run was '$(sed -n 2p "$FAKE_LOG")', want '$flags ...'" ;;
	esac
done
echo "console=ttyS0" >"$T/cmdline"

# 1c3. makedumpfile with threads made no dump: the filtered dump once more
# with one thread, before the whole vmcore.
if [ "$cpus" -ge 2 ]; then
	echo "console=ttyS0 nr_cpus=2" >"$T/cmdline"
	: >"$FAKE_LOG"
	: >"$FAKE_LOG.env"
	FAKE_FAIL=threads capture "$T/t1c3"
	d=$T/t1c3/var/crash/202611221840
	# makedumpfile 1.7.2's threads race on libgcc_s (capture_files.c):
	# preloaded for the threaded run alone.
	if [ "$(tr '\n' ' ' <"$FAKE_LOG.env")" = "none libgcc_s.so.1 none " ]; then
		ok "threads: LD_PRELOAD=libgcc_s.so.1 for the threaded makedumpfile only"
	else
		bad "threads: LD_PRELOAD of the dmesg, threaded and retry runs: $(tr '\n' ' ' <"$FAKE_LOG.env")"
	fi
	if [ "$rc" = 0 ] && [ "$(sed -n 2p "$FAKE_LOG")" = "-d 31 -l --num-threads 2 $T/vmcore dump.202611221840.part $d" ] &&
		[ "$(sed -n 3p "$FAKE_LOG")" = "-d 31 -l $T/vmcore dump.202611221840.part $d" ] &&
		[ -f "$d/dump.202611221840" ] && [ ! -e "$d/vmcore.202611221840.gz" ] &&
		grep -qxF "dumpagent: makedumpfile with 2 threads made no dump: once more with one" "$d/dumpagent.log"; then
		ok "threads failed: the dump once more with one thread, no fallback"
	else
		bad "threads failed: rc=$rc, runs: $(cat "$FAKE_LOG"), files: $(ls "$d" 2>&1)"
	fi

	# 1c4. With threads, a dump made but not published (here the rename:
	# its name is taken) is no fault of the threads: no second run, the
	# whole vmcore next, as with one thread.
	: >"$FAKE_LOG"
	FAKE_FAIL=publish capture "$T/t1c4"
	d=$T/t1c4/var/crash/202611221840
	if [ "$rc" = 3 ] && [ "$(wc -l <"$FAKE_LOG")" = 2 ] &&
		[ "$(sed -n 2p "$FAKE_LOG")" = "-d 31 -l --num-threads 2 $T/vmcore dump.202611221840.part $d" ] &&
		grep -qxF "dumpagent: publish 202611221840/dump.202611221840: File exists" "$d/dumpagent.log" &&
		! grep -q "once more with one" "$d/dumpagent.log" &&
		[ -f "$d/vmcore.202611221840.gz" ] && [ ! -e "$d/dump.202611221840.part" ]; then
		ok "threads, the dump not published: no run with one thread, the whole vmcore"
	else
		bad "threads, the dump not published: rc=$rc, runs: $(cat "$FAKE_LOG"), files: $(ls "$d" 2>&1), log: $(grep -e publish -e 'once more' "$d/dumpagent.log")"
	fi
else
	bad "this host has one CPU: nr_cpus=2 cannot be tried (needs 2)"
fi

# 1d. REPORT_VMCORE=capture embeds in the capture kernel, as before; with
# REPORT_VMCORE_MAX_MB=0, complete leaves the report as it is and says why.
printf 'TARGET=UUID=1234\nFSTYPE=ext4\nREPORT_VMCORE=capture\n' >"$T/conf"
capture "$T/t1d"
r=$T/t1d/var/crash/202611221840/$REPORT
if [ "$rc" = 0 ] && $READ "$r" VmCore "$T/vmcore.1d" && cmp -s "$T/vmcore.1d" "$T/t1d/var/crash/202611221840/dump.202611221840" &&
	! $READ "$r" VmCorePath >/dev/null 2>&1; then
	ok "REPORT_VMCORE=capture: the capture embeds the dump"
else
	bad "REPORT_VMCORE=capture: rc=$rc $($READ "$r" 2>&1 | head -n 5)"
fi
printf 'TARGET=UUID=1234\nFSTYPE=ext4\nREPORT_VMCORE_MAX_MB=0\n' >"$T/conf"
cout=$("$AGENT" complete --config "$T/conf" --crash-dir "$T/t1c/var/crash" 2>&1)
printf 'TARGET=UUID=1234\nFSTYPE=ext4\n' >"$T/conf"
if [ "$cout" = "202611221840: VmCore not embedded in $REPORT: it is over REPORT_VMCORE_MAX_MB
complete: 0 reports completed, 0 failed" ] && ! $READ "$T/t1c/var/crash/202611221840/$REPORT" VmCore >/dev/null 2>&1; then
	ok "complete with REPORT_VMCORE_MAX_MB=0 leaves the report and says why"
else
	bad "complete over REPORT_VMCORE_MAX_MB: $cout"
fi

# 2. A second crash in the same minute gets its own directory.
capture "$T/t1"
if [ "$rc" = 0 ] && [ -f "$T/t1/var/crash/202611221840-2/dump.202611221840-2" ] &&
	[ -f "$d/dump.202611221840" ]; then
	ok "second crash in the same minute: 202611221840-2, first kept"
else
	bad "second crash in the same minute: rc=$rc $(ls "$T/t1/var/crash")"
fi

# 3. makedumpfile fails on the dump: the agent's own gzipped vmcore, exit 3.
FAKE_FAIL=dump capture "$T/t3"
d=$T/t3/var/crash/202611221840
if [ "$rc" = 3 ] && [ "$(ls "$d" | tr '\n' ' ')" = "dmesg.202611221840 dumpagent.log $REPORT summary.202611221840.json summary.202611221840.txt vmcore.202611221840.gz " ] &&
	! $READ "$d/$REPORT" VmCore "$T/fb" 2>/dev/null &&
	[ "$($READ "$d/$REPORT" VmCorePath)" = /var/crash/202611221840/vmcore.202611221840.gz ] &&
	gzip -dc "$d/vmcore.202611221840.gz" | cmp -s - "$T/vmcore" &&
	grep -q "^dumpagent: outcome: fallback (unfiltered vmcore, gzipped)$" "$d/dumpagent.log"; then
	ok "dump failure falls back to the gzipped vmcore, identical once unzipped, named by VmCorePath, exit 3"
else
	bad "dump failure: rc=$rc files: $(ls "$d" 2>&1) $out"
fi

# 4. makedumpfile is missing altogether: no dmesg, but the fallback core.
capture "$T/t4" --makedumpfile "$T/no-such-makedumpfile"
d=$T/t4/var/crash/202611221840
if [ "$rc" = 3 ] && [ "$(ls "$d" | tr '\n' ' ')" = "dumpagent.log $REPORT summary.202611221840.json summary.202611221840.txt vmcore.202611221840.gz " ]; then
	ok "makedumpfile missing: fallback core without dmesg, exit 3"
else
	bad "makedumpfile missing: rc=$rc files: $(ls "$d" 2>&1) $out"
fi

# 4b. The disk fills up during the dump: partial dump removed, dmesg kept, no fallback.
mkdir -p "$T/t4b"
if mount -t tmpfs -o size=6m tmpfs "$T/t4b" 2>/dev/null; then
	printf 'TARGET=UUID=1234\nMIN_FREE_MB=1\n' >"$T/conf"
	FAKE_FILL=dump capture "$T/t4b"
	d=$T/t4b/var/crash/202611221840
	if [ "$rc" = 2 ] && [ "$(ls "$d" | tr '\n' ' ')" = "dmesg.202611221840 dumpagent.log $REPORT summary.202611221840.json summary.202611221840.txt " ] &&
		grep -q "^dumpagent: outcome: dmesg-only (no space)$" "$d/dumpagent.log"; then
		ok "disk full during the dump: dmesg-only (no space), exit 2"
	else
		bad "disk full: rc=$rc files: $(ls "$d" 2>&1) $out"
	fi
	umount "$T/t4b"
	printf 'TARGET=UUID=1234\nFSTYPE=ext4\n' >"$T/conf"
else
	bad "cannot mount a small tmpfs for the disk-full case (run as root)"
fi

# 5. /var is a symbolic link on the target: refused, nothing written through it.
mkdir -p "$T/t5" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/t5/var"
capture "$T/t5"
if [ "$rc" = 1 ] && [ -z "$(ls "$T/elsewhere")" ]; then
	case $out in
	*"dumpagent: open /var/crash (at 'var') on $T/t5 without following links: Symbolic link loop"*)
		ok "symlinked /var refused with a clear error" ;;
	*) bad "symlinked /var: wrong message: $out" ;;
	esac
else
	bad "symlinked /var: rc=$rc, elsewhere has: $(ls "$T/elsewhere")"
fi

# 6. A malformed vmcore: refused before anything is written.
python3 "$REPO/tests/fixtures/mkvmcore.py" "$T/vmcore" --truncate 100
capture "$T/t6"
if [ "$rc" = 1 ] && [ ! -e "$T/t6/var" ]; then
	case $out in
	*"dumpagent: $T/vmcore: program header at offset 64 runs past the end of the file (100 bytes)"*)
		ok "truncated vmcore refused, nothing written" ;;
	*) bad "truncated vmcore: wrong message: $out" ;;
	esac
else
	bad "truncated vmcore: rc=$rc $(ls -R "$T/t6")"
fi
python3 "$REPO/tests/fixtures/mkvmcore.py" "$T/vmcore"

# 7. A bad config line: configuration error 101, the line named.
printf 'TARGET=UUID=1234\nDUMP_LEVEL=99\n' >"$T/conf"
capture "$T/t7"
if [ "$rc" = 101 ] && [ "$out" = "dumpagent: $T/conf:2: DUMP_LEVEL: bad value '99': expected a number from 0 to 31" ]; then
	ok "bad config line refused with exit 101"
else
	bad "bad config: rc=$rc out=$out"
fi
# 7b. /var/crash exists and others can list it (apport's 3777): dumps go one level
# down into a root-only directory; an impostor there is renamed aside.
printf 'TARGET=UUID=1234\nFSTYPE=ext4\n' >"$T/conf"
mkdir -p "$T/t7b/var/crash/dumpagent"
chmod 3777 "$T/t7b/var/crash"
chown 65534 "$T/t7b/var/crash/dumpagent"
capture "$T/t7b"
d=$T/t7b/var/crash/dumpagent/202611221840
if [ "$rc" = 0 ] && [ "$(perm "$T/t7b/var/crash/dumpagent")" = "700 0 directory" ] &&
	[ -f "$d/dump.202611221840" ] && [ "$(find "$T/t7b/var/crash" -maxdepth 1 -name 'dumpagent.untrusted.*' | wc -l)" = 1 ]; then
	case $out in
	*"/var/crash is mode 3777, others can list it: writing to the root-only /var/crash/dumpagent instead"*)
		ok "world-listable /var/crash: dumps in a root-only subdirectory, impostor moved aside" ;;
	*) bad "world-listable /var/crash: no note in the log: $out" ;;
	esac
else
	bad "world-listable /var/crash: rc=$rc $(ls -la "$T/t7b/var/crash" 2>&1) $out"
fi

# 7b2. /var/crash is 0700 but another user's: the admin commands do not trust
# it (dumpdir_read.c), so the dumps go into the root-only subdirectory there too.
mkdir -p "$T/t7b2/var/crash"
chmod 0700 "$T/t7b2/var/crash"
chown 65534 "$T/t7b2/var/crash"
capture "$T/t7b2"
d=$T/t7b2/var/crash/dumpagent/202611221840
case $rc:$out in
0:*"/var/crash is owned by uid 65534, not root: writing to the root-only /var/crash/dumpagent instead"*)
	if [ -f "$d/dump.202611221840" ] && [ "$(perm "$T/t7b2/var/crash/dumpagent")" = "700 0 directory" ]; then
		ok "/var/crash owned by another user: dumps in the root-only subdirectory"
	else
		bad "/var/crash owned by another user: no dump in dumpagent/: $(ls -laR "$T/t7b2/var/crash" 2>&1)"
	fi ;;
*) bad "/var/crash owned by another user: rc=$rc $out" ;;
esac

# 7c. A user pre-creates the aside names a predictable rename would use (the
# time in seconds, for the next ten minutes): the capture still writes.
mkdir -p "$T/t7c/var/crash"
chmod 3777 "$T/t7c/var/crash"
: >"$T/t7c/var/crash/dumpagent"
now=$(date +%s)
i=-5
while [ "$i" -lt 600 ]; do
	: >"$T/t7c/var/crash/dumpagent.untrusted.$((now + i))"
	i=$((i + 1))
done
chown -R 65534 "$T/t7c/var/crash/"dumpagent*
capture "$T/t7c"
d=$T/t7c/var/crash/dumpagent/202611221840
if [ "$rc" = 0 ] && [ -f "$d/dump.202611221840" ] &&
	[ "$(find "$T/t7c/var/crash" -maxdepth 1 -name 'dumpagent.untrusted.????????????????' | wc -l)" = 1 ]; then
	ok "aside names taken by a user for the next minutes: the capture still writes"
else
	bad "aside names taken: rc=$rc $out"
fi

# 7d. The rename aside really fails (a mount point is busy): the error names the rename.
mkdir -p "$T/t7d/var/crash/dumpagent"
chmod 3777 "$T/t7d/var/crash"
if mount -t tmpfs -o size=1m,mode=1777 tmpfs "$T/t7d/var/crash/dumpagent" 2>/dev/null; then
	capture "$T/t7d"
	umount "$T/t7d/var/crash/dumpagent"
	case $rc:$out in
	1:*"dumpagent: rename aside /var/crash/dumpagent (as dumpagent.untrusted."????????????????"): Resource busy"*)
		ok "a failed rename aside is reported as the rename, with its errno" ;;
	*) bad "failed rename aside: rc=$rc $out" ;;
	esac
else
	bad "cannot mount a small tmpfs for the busy rename case (run as root)"
fi

# 8. Less free space than MIN_FREE_MB: nothing written at all.
printf 'TARGET=UUID=1234\nMIN_FREE_MB=999999\n' >"$T/conf"
capture "$T/t8"
if [ "$rc" = 4 ] && [ ! -e "$T/t8/var" ]; then
	case $out in
	*"dumpagent: only "*" MiB free on $T/t8, below MIN_FREE_MB=999999; nothing was written"*)
		ok "below MIN_FREE_MB: refused, nothing written" ;;
	*) bad "below MIN_FREE_MB: wrong message: $out" ;;
	esac
else
	bad "below MIN_FREE_MB: rc=$rc $(ls -R "$T/t8")"
fi
# 9. CRASHTIME comes from the dead kernel: an absurd one, or one that makes a
# 13-digit name (year 10000), is refused in favour of the capture kernel's
# clock, and everything is still saved; the log says which clock named the dump.
printf 'TARGET=UUID=1234\nFSTYPE=ext4\n' >"$T/conf"
for ct in 99999999999999999 253402300800; do
	python3 "$REPO/tests/fixtures/mkvmcore.py" "$T/vmcore-bad" --crashtime "$ct"
	capture "$T/t9-$ct" --vmcore "$T/vmcore-bad"
	d=$T/t9-$ct/var/crash/202611221840
	if [ "$rc" = 0 ] && [ -f "$d/dmesg.202611221840" ] && [ -f "$d/dump.202611221840" ] &&
		[ "$(ls "$T/t9-$ct/var/crash")" = 202611221840 ] &&
		grep -q "^dumpagent: CRASHTIME=$ct in the vmcore is more than 26 hours from the capture kernel's clock ($CLOCK): the capture kernel's clock names the dump$" "$d/dumpagent.log" &&
		python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["crash_time"] is None, s' "$d/summary.202611221840.json"; then
		ok "CRASHTIME=$ct refused: the capture kernel's clock names the dump, all saved"
	else
		bad "CRASHTIME=$ct: rc=$rc $(ls -R "$T/t9-$ct/var/crash" 2>&1) $out"
	fi
done
if grep -q "^dumpagent: CRASHTIME of the vmcore names the dump (the capture kernel's clock is +29 s from it)$" "$T/t1/var/crash/202611221840/dumpagent.log"; then
	ok "a sane CRASHTIME names the dump, and the log says so"
else
	bad "no note of the clock that named the dump in $(cat "$T/t1/var/crash/202611221840/dumpagent.log")"
fi
# 10. ESC[2J in the panic line: the saved dmesg keeps the raw bytes (evidence);
# the console, dumpagent.log and the summary get \033 instead.
esc=$(printf '\033')
FAKE_PANIC="Kernel panic - not syncing: ${esc}[2Jcleared" capture "$T/t10"
d=$T/t10/var/crash/202611221840
if [ "$rc" = 0 ] && grep -q "${esc}\\[2Jcleared" "$d/dmesg.202611221840" &&
	! grep -q "$esc" "$d/summary.202611221840.txt" "$d/summary.202611221840.json" "$d/dumpagent.log" &&
	! printf '%s' "$out" | grep -q "$esc" &&
	grep -q '^Panic: *Kernel panic - not syncing: \\033\[2Jcleared$' "$d/summary.202611221840.txt" &&
	grep -q '^dumpagent: panic: Kernel panic - not syncing: \\033\[2Jcleared$' "$d/dumpagent.log"; then
	ok "ESC in the panic line: raw in dmesg, as octal text on the console, in the log and the summary"
else
	bad "ESC in the panic line: rc=$rc $(grep -l "$esc" "$d"/* 2>&1) $(grep Panic "$d/summary.202611221840.txt" | od -c | head -3)"
fi
# 11. makedumpfile's progress: one console line a second, with the phase,
# percent, MiB written, MiB/s and, while copying data, the time left (the
# QEMU fault test sees these only when the dump is slow enough).
FAKE_PROGRESS=dump capture "$T/t11"
if [ "$rc" = 0 ] && printf '%s\n' "$out" |
	grep -Eq '^dumpagent: progress: dump: copying data [0-9]+%, [0-9.]+ MiB written, [0-9.]+ MiB/s, [0-9]+ s left$'; then
	ok "progress: phase, percent, MiB written, MiB/s and time left, once a second"
else
	bad "progress: rc=$rc $(printf '%s\n' "$out" | grep progress)"
fi
exit "$failed"
