#!/bin/sh
# tests/qemu/test-console-bsod.sh: the brown screen, seen on the VGA display.
#
# BSOD=1: once the agent reports the capture done, a QEMU monitor screendump
# must be mostly VGA brown (#AA5500) with white text, the serial copy must
# show the panic line, and a key press must end the wait before BSOD_SECONDS.
# The screenshot is kept as build/test/console-bsod/screen.png.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup console-bsod
MON=$WORK/monitor.sock
export QEMU_MONITOR="unix:$MON,server=on,wait=off"

(panic_scenario BSOD=1 BSOD_SECONDS=200) >"$WORK/scenario.log" 2>&1 &
vm=$!
waited=0
until tr -d '\r' <"$SERIAL" | grep -q 'dumpagent-init: holding the brown screen'; do
	sleep 1
	waited=$((waited + 1))
	if [ "$waited" -gt 240 ] || ! kill -0 "$vm" 2>/dev/null; then
		kill "$vm" 2>/dev/null || true
		fail "the brown screen was never held: $(cat "$WORK/scenario.log")"
	fi
done
sleep 2 # let the last redraw reach the display
python3 "$REPO/tests/qemu/monitor.py" "$MON" "screendump $WORK/screen.ppm" >"$WORK/monitor.log" 2>&1 ||
	fail "screendump failed: $(cat "$WORK/monitor.log")"
held=$(date +%s)
python3 "$REPO/tests/qemu/monitor.py" "$MON" "sendkey ret" >>"$WORK/monitor.log" 2>&1 ||
	fail "sendkey failed: $(cat "$WORK/monitor.log")"
wait "$vm" || fail "the VM run failed: $(cat "$WORK/scenario.log")"
[ $(($(date +%s) - held)) -lt 120 ] || fail "the key press did not end the 200 s wait"
grep -q "dumpagent-init: brown screen done" "$SERIAL" || fail "no 'brown screen done'"
grep -q "dumpagent-init: final action: poweroff" "$SERIAL" || fail "the final action did not run"

python3 "$REPO/tests/qemu/screen_colours.py" "$WORK/screen.ppm" "$WORK/screen.png" >"$WORK/colours.log" 2>&1 ||
	fail "the screen is not a brown screen: $(cat "$WORK/colours.log")"
tr -d '\r' <"$SERIAL" | grep -q '\[4;1H.\[K Kernel panic - not syncing: sysrq triggered crash$' ||
	fail "the serial copy of the screen has no panic line on row 4"
tr -d '\r' <"$SERIAL" | grep -q 'dumpagent: done (status=complete)' || fail "the capture did not complete"
pass "$(cat "$WORK/colours.log"); kept $WORK/screen.png"
