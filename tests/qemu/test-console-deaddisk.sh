#!/bin/sh
# tests/qemu/test-console-deaddisk.sh: the disk dies while the dump is written; the final action still runs.
#
# The target disk writes its first 4 MiB at full speed, then one byte per
# second (QEMU's throttle: bps-write=1 with a 4 MiB burst): enough for the
# mount, the dmesg and the summary, and then it stops answering in the
# middle of the dump, as a dead disk does (virtio-blk has no request
# timeout). The watchdog (WATCHDOG_SECONDS=20) kills the agent, which waits
# on makedumpfile and dies; the dump's pages stay dirty, so a sync never
# returns. /init must abandon the sync after dumpagent.sync_seconds=10, say
# so, and power off (FAILURE_ACTION) within that bound. The old /init hung
# in sync until the VM's timeout.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu_setup console-deaddisk
SYNC_SECONDS=10
DISK=$WORK/disk.img
make_disk "$DISK" ext4 "$DISK_UUID"

# The host clock when /init starts the final action, to time the rest.
(
	while :; do
		if tr -d '\r' <"$SERIAL" | grep -q 'dumpagent-init: final action:'; then
			date +%s >"$WORK/final-at"
			exit 0
		fi
		sleep 1
	done
) &
watcher=$!
trap 'kill "$watcher" 2>/dev/null || :' EXIT
QEMU_TIMEOUT=${QEMU_TIMEOUT:-240}
DISK_ARGS="-drive file=$DISK,if=virtio,format=raw,throttling.bps-write=1,throttling.bps-write-max=4194304" \
	panic_scenario WATCHDOG_SECONDS=20 FINAL_ACTION=reboot FAILURE_ACTION=poweroff \
	"CMDLINE_APPEND=dumpagent.sync_seconds=$SYNC_SECONDS"
ended=$(date +%s)
sleep 1 # the watcher's last look at the serial log
kill "$watcher" 2>/dev/null || :

log=$(tr -d '\r' <"$SERIAL")
expect() {
	printf '%s\n' "$log" | grep -q -- "$1" || fail "$2"
}
expect 'dumpagent: ready' "the agent never started"
if printf '%s\n' "$log" | grep -q 'dumpagent: done (status=complete)'; then
	fail "the capture completed on a disk that should have died: the test proves nothing"
fi
expect 'dumpagent-init: watchdog: the capture is still running after 20 s' "the watchdog did not fire"
# The case under test: the agent died, and the disk still holds dirty pages.
# (An agent stuck in the kernel is the watchdog's own failure action,
# tested by test-console-watchdog.sh.)
expect 'dumpagent-init: capture failed with exit status' \
	"the agent could not be stopped, so /init never reached its sync: the test proves nothing"
expect 'dumpagent-init: final action: poweroff' "the failure action (poweroff) did not start"
expect "dumpagent-init: sync did not finish within $SYNC_SECONDS s (a disk that does not answer?): abandoned" \
	"/init did not say that it abandoned the sync"
expect 'dumpagent-init: skipping the umount: the disk did not finish sync' "/init did not skip the umount"
expect 'dumpagent-init: poweroff -f now' "/init did not power off after abandoning the sync"
[ -s "$WORK/final-at" ] || fail "the host did not see the final action start"
took=$((ended - $(cat "$WORK/final-at")))
[ "$took" -le $((SYNC_SECONDS + 15)) ] ||
	fail "the VM powered off $took s after the final action started, over sync_seconds=$SYNC_SECONDS + 15"
pass "the disk died mid-dump; sync abandoned after $SYNC_SECONDS s, powered off $took s after the final action started (VM $QEMU_SECONDS s)"
