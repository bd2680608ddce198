#!/bin/sh
# tests/shell/test-capture-retention.sh: the capture agent makes room (retention) and honours the crash-loop guard.
#
# Runs "dumpagent capture --target-dir" on a synthetic vmcore (crash time
# 2026-11-22 18:40 UTC) with a fake makedumpfile, over crash directories
# prepared with older dumps.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/agent-prologue.sh
. "$REPO/tests/shell/agent-prologue.sh"
python3 "$REPO/tests/fixtures/mkvmcore.py" "$T/vmcore" || exit 1
echo "console=ttyS0" >"$T/cmdline"
cat >"$T/makedumpfile" <<'EOS'
#!/bin/sh
for out; do :; done
echo "Kernel panic - not syncing: sysrq triggered crash" >"$out"
EOS
chmod +x "$T/makedumpfile"

# The capture kernel's clock: 29 s after the fixture's CRASHTIME (2026-11-22 18:40:01 UTC).
CLOCK=1795372830

# old_dump ROOT ID: a complete dump directory of 1 KiB.
old_dump() {
	mkdir -p "$1/var/crash/$2"
	chmod 0700 "$1/var/crash" "$1/var/crash/$2" # as the agent makes them: others' are not dumps
	head -c 1024 /dev/zero >"$1/var/crash/$2/dump.$2"
	echo x >"$1/var/crash/$2/dmesg.$2"
}

capture() { # capture ROOT CONFIG-LINES: sets rc, out
	printf 'TARGET=UUID=1234\nFSTYPE=ext4\n%s\n' "$2" >"$T/conf"
	out=$("$AGENT" capture --config "$T/conf" --vmcore "$T/vmcore" --cmdline "$T/cmdline" \
		--makedumpfile "$T/makedumpfile" --clock "$CLOCK" --target-dir "$1" 2>&1)
	rc=$?
}

dump_dirs() { ls "$1/var/crash" | tr '\n' ' '; }
NEW=202611221840

# 1. MAX_DUMPS=3 with 4 old dumps: the 2 oldest go, then the new one is written.
R=$T/r1
for id in 202601010000 202602010000 202603010000 202604010000; do old_dump "$R" "$id"; done
capture "$R" "MAX_DUMPS=3"
if [ "$rc" = 0 ] && [ "$(dump_dirs "$R")" = "202603010000 202604010000 $NEW " ]; then
	ok "MAX_DUMPS=3: the two oldest removed before writing: $(dump_dirs "$R")"
else
	bad "MAX_DUMPS=3: rc=$rc, left $(dump_dirs "$R"): $out"
fi
case $out in
*"gc: removed /var/crash/202601010000: more than MAX_DUMPS"*) ok "the removal is logged" ;;
*) bad "no gc line in: $out" ;;
esac
grep -q "gc: removed /var/crash/202602010000: more than MAX_DUMPS" "$R/var/crash/$NEW/dumpagent.log" &&
	ok "the removal is in dumpagent.log" || bad "dumpagent.log lacks the removal"

# 2. An incomplete dump (.part only) is removed; a byte limit removes the oldest.
R=$T/r2
old_dump "$R" 202601010000
old_dump "$R" 202602010000
mkdir -m 0700 "$R/var/crash/202601150000" # not the newest: the newest always stays
: >"$R/var/crash/202601150000/dump.202601150000.part"
head -c 2000000 /dev/zero >"$R/var/crash/202601010000/dump.202601010000"
capture "$R" "MAX_TOTAL_MB=1"
if [ "$rc" = 0 ] && [ "$(dump_dirs "$R")" = "202602010000 $NEW " ]; then
	ok "incomplete and over-budget dumps removed: $(dump_dirs "$R")"
else
	bad "MAX_TOTAL_MB=1: rc=$rc, left $(dump_dirs "$R"): $out"
fi

# 3. Crash loop: 3 dumps in the last hour, so only the dmesg is saved.
R=$T/r3
for id in 202611221750 202611221820 202611221839; do old_dump "$R" "$id"; done
capture "$R" ""
d=$R/var/crash/$NEW
if [ "$rc" = 2 ] && [ -f "$d/dmesg.$NEW" ] && [ ! -e "$d/dump.$NEW" ] &&
	grep -q '^dumpagent: outcome: dmesg-only (crash loop)$' "$d/dumpagent.log"; then
	ok "crash loop: dmesg only, outcome 'dmesg-only (crash loop)', exit 2"
else
	bad "crash loop: rc=$rc $(ls "$d" 2>&1): $out"
fi

# 4. The same with the guard off, or a longer history outside the window: a full dump.
R=$T/r4
for id in 202611221750 202611221820 202611221839; do old_dump "$R" "$id"; done
capture "$R" "CRASH_LOOP_MAX=0"
[ "$rc" = 0 ] && [ -f "$R/var/crash/$NEW/dump.$NEW" ] && ok "CRASH_LOOP_MAX=0: full dump" ||
	bad "CRASH_LOOP_MAX=0: rc=$rc $out"
R=$T/r5
for id in 202611221730 202611221820 202611221839; do old_dump "$R" "$id"; done
capture "$R" "CRASH_LOOP_MINUTES=60"
[ "$rc" = 0 ] && ok "2 dumps within 60 minutes, one 70 minutes ago: full dump" ||
	bad "outside the window: rc=$rc $out"
# 5b. A crash loop and a budget smaller than one dump: the only full dump
# (the newest old one) stays, since this capture saves only a dmesg.
R=$T/r5b
old_dump "$R" 202611221839
head -c 2000000 /dev/zero >"$R/var/crash/202611221839/dump.202611221839"
for id in 202611221750 202611221820; do
	mkdir -m 0700 "$R/var/crash/$id"
	echo x >"$R/var/crash/$id/dmesg.$id"
done
capture "$R" "MAX_TOTAL_MB=1"
if [ "$rc" = 2 ] && [ -f "$R/var/crash/202611221839/dump.202611221839" ] &&
	[ -f "$R/var/crash/$NEW/dmesg.$NEW" ]; then
	ok "crash loop under a small budget: the last full dump kept, dmesg saved: $(dump_dirs "$R")"
else
	bad "crash loop under a small budget: rc=$rc, left $(dump_dirs "$R"): $out"
fi

# 6. A CRASHTIME in 2100 with MAX_AGE_DAYS: ages are the capture kernel's
# clock's, so a dump 21 days old stays with MAX_AGE_DAYS=30, and one 2 years
# old goes.
R=$T/r6
old_dump "$R" 202411010000
old_dump "$R" 202611010000
python3 "$REPO/tests/fixtures/mkvmcore.py" "$T/vmcore-2100" --crashtime 4102444800
mv "$T/vmcore" "$T/vmcore-2026"
cp "$T/vmcore-2100" "$T/vmcore"
capture "$R" "MAX_AGE_DAYS=30"
mv "$T/vmcore-2026" "$T/vmcore"
if [ "$rc" = 0 ] && [ "$(dump_dirs "$R")" = "202611010000 $NEW " ]; then
	ok "CRASHTIME in 2100, MAX_AGE_DAYS=30: ages by the capture kernel's clock: $(dump_dirs "$R")"
else
	bad "CRASHTIME in 2100: rc=$rc, left $(dump_dirs "$R"): $out"
fi
exit "$failed"
