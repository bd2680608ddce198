#!/bin/sh
# tests/qemu/test-e2e-zstd.sh: COMPRESSION=zstd end to end, or refused where makedumpfile has no zstd.
#
# The makedumpfile that initramfs/build.sh puts in the image (make
# makedumpfile's, build/makedumpfile/makedumpfile, else Debian 12's) decides:
# - with zstd (1.7.6: the static build, or trixie's binary): test-e2e-panic's
#   cycle with COMPRESSION=zstd. The agent runs makedumpfile -z, the capture
#   completes, that makedumpfile reads the panic back out of the dump on the
#   host, and Debian 12's makedumpfile 1.7.2 cannot (dumpagent.conf(5) says
#   so to the admin).
# - without (Debian 12's 1.7.2, where 1.7.6 could not be had): the image is
#   not built, and build.sh says why and what to do.
# About 20 to 40 s of QEMU under TCG (512 MB guest, crashkernel=64M).
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup e2e-zstd

mdf=$REPO/build/makedumpfile/makedumpfile
[ -x "$mdf" ] || mdf=$(command -v makedumpfile) || fail "no makedumpfile: run make makedumpfile"
if ! LC_ALL=C grep -q "$(printf 'zstd\tenabled')" "$mdf"; then
	write_test_config "$WORK/dumpagent.conf" "TARGET=UUID=$DISK_UUID" FSTYPE=ext4 COMPRESSION=zstd
	rc=0
	"$REPO/initramfs/build.sh" --config "$WORK/dumpagent.conf" --agent "$BUILD/dumpagent" \
		--output "$WORK/capture.img" >"$WORK/build.log" 2>&1 || rc=$?
	[ "$rc" = 1 ] && [ ! -e "$WORK/capture.img" ] ||
		fail "COMPRESSION=zstd with $mdf, which has no zstd: build.sh status $rc: $(cat "$WORK/build.log")"
	grep -q "sets COMPRESSION=zstd, and makedumpfile $mdf is built without zstd" "$WORK/build.log" ||
		fail "build.sh refused without saying why: $(cat "$WORK/build.log")"
	pass "makedumpfile $mdf has no zstd: the image with COMPRESSION=zstd is refused, saying why" # exits
fi

QEMU_MEM=${QEMU_MEM:-512M}
export QEMU_MEM
panic_scenario COMPRESSION=zstd
tr -d '\r' <"$SERIAL" >"$WORK/serial.txt"
grep -q "^first-init: armed" "$WORK/serial.txt" || fail "the loader did not arm the capture kernel"
grep -q "^dumpagent: capture complete" "$WORK/serial.txt" || fail "the agent did not report a complete capture"

one_complete_dump "$DISK"
! grep -q 'fallback' "$WORK/dumpagent.log" ||
	fail "the capture fell back to the whole vmcore: $(cat "$WORK/dumpagent.log")"

# Read back by the image's makedumpfile (it runs on the host too)...
"$mdf" --dump-dmesg "$WORK/dump" "$WORK/dump-dmesg.txt" >"$WORK/readback.log" 2>&1 ||
	fail "$mdf cannot read the zstd dump back: $(cat "$WORK/readback.log")"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$WORK/dump-dmesg.txt" ||
	fail "makedumpfile --dump-dmesg of the dump does not hold the sysrq panic: $(tail -n 20 "$WORK/dump-dmesg.txt")"
# ...and not by Debian 12's 1.7.2, which has no zstd: the dump is zstd's.
said=''
if [ -x /usr/bin/makedumpfile ] && /usr/bin/makedumpfile -v 2>&1 | grep -q '^zstd[[:space:]]*disabled'; then
	! /usr/bin/makedumpfile --dump-dmesg "$WORK/dump" "$WORK/old-dmesg.txt" >"$WORK/old.log" 2>&1 ||
		fail "/usr/bin/makedumpfile, built without zstd, read the dump: it is not zstd-compressed"
	# Its reason names zstd: the pages are zstd's, not another failure.
	grep -q 'zstd compression unsupported' "$WORK/old.log" ||
		fail "/usr/bin/makedumpfile failed on the dump for another reason than zstd: $(head -n 5 "$WORK/old.log")"
	said="; Debian's makedumpfile without zstd cannot read it"
fi
pass "$(wc -c <"$WORK/dump") byte zstd dump, read back by $("$mdf" -v 2>&1 | sed -n '1s/^makedumpfile: //p')$said"
