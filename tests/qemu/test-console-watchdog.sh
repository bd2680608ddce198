#!/bin/sh
# tests/qemu/test-console-watchdog.sh: a target disk that (almost) never answers.
#
# The disk is throttled to one I/O request per second, so the capture cannot
# finish within WATCHDOG_SECONDS=20. /init's watchdog must stop the agent and
# run the FAILURE_ACTION (poweroff), not the FINAL_ACTION (reboot), long
# before the VM's own timeout.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup console-watchdog
DISK=$WORK/disk.img
make_disk "$DISK" ext4 "$DISK_UUID"
DISK_ARGS="-drive file=$DISK,if=virtio,format=raw,throttling.iops-total=1,throttling.bps-total=4096" \
	panic_scenario WATCHDOG_SECONDS=20 FINAL_ACTION=reboot FAILURE_ACTION=poweroff

log=$(tr -d '\r' <"$SERIAL")
expect() {
	printf '%s\n' "$log" | grep -q -- "$1" || fail "$2"
}
expect 'dumpagent: ready' "the agent never started"
expect 'dumpagent-init: watchdog: the capture is still running after 20 s (WATCHDOG_SECONDS): stopping it' \
	"the watchdog did not fire"
if printf '%s\n' "$log" | grep -q 'dumpagent: done (status=complete)'; then
	fail "the capture completed on a disk that should have been too slow: the test proves nothing"
fi
expect 'dumpagent-init: \(capture failed with exit status\|watchdog: the agent cannot be stopped\)' \
	"no sign of the capture being stopped"
expect 'dumpagent-init: final action: poweroff\|watchdog: .*failure action poweroff now' \
	"the failure action (poweroff) did not run"
! printf '%s\n' "$log" | grep -q 'dumpagent-init: final action: reboot' ||
	fail "the final action ran instead of the failure action"
pass "watchdog fired after 20 s, failure action ran; VM finished in $QEMU_SECONDS s"
