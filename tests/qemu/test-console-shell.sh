#!/bin/sh
# tests/qemu/test-console-shell.sh: the emergency shell, driven over the serial console.
#
# EMERGENCY_SHELL=only: the capture kernel skips the capture and starts a
# shell with a help text. Typing like an admin would: run the capture by
# hand, list /var/crash on the mounted target, exit; then the final action
# (poweroff) must follow.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup console-shell
SOCK=$WORK/serial.sock
export QEMU_SERIAL="unix:$SOCK,server=on,wait=on"

(panic_scenario EMERGENCY_SHELL=only) >"$WORK/scenario.log" 2>&1 &
vm=$!
python3 "$REPO/tests/qemu/serial_driver.py" "$SOCK" "$SERIAL" 280 \
	'dumpagent# ' 'dumpagent capture --config /etc/dumpagent.conf; echo "capture rc=$?"' \
	'capture rc=[0-9]+\n(.|\n)*dumpagent# ' 'dmesg -n 1; mkdir -p /mnt/t && mount /dev/vda /mnt/t && ls -ln /mnt/t/var/crash/*/; umount /mnt/t; echo "list""ed"' \
	'listed\n(.|\n)*dumpagent# ' 'exit' >"$WORK/driver.log" 2>&1 ||
	{ kill "$vm" 2>/dev/null; fail "driving the shell: $(cat "$WORK/driver.log")"; }
wait "$vm" || fail "the VM run failed: $(cat "$WORK/scenario.log")"

log=$(tr -d '\r' <"$SERIAL")
expect() {
	printf '%s\n' "$log" | grep -q -- "$1" || fail "$2"
}
expect 'dumpagent-init: dumpagent.shell=only: the capture was skipped.' "no note that the capture was skipped"
expect 'capture by hand: *dumpagent capture --config /etc/dumpagent.conf' "no help text"
[ "$(printf '%s\n' "$log" | grep -c 'dumpagent: done (status=')" = 1 ] ||
	fail "expected exactly one capture, the one typed by hand"
expect '^capture rc=0$' "the capture typed in the shell did not succeed"
expect 'dumpagent: done (status=complete)' "the capture typed in the shell did not complete"
expect '^-rw------- *1 0 *0 .* dump\.[0-9]\{12\}$' "ls -l in the shell shows no root-only dump"
expect '^listed$' "the listing did not finish"
expect 'dumpagent-init: the emergency shell exited' "the shell did not exit"
expect 'dumpagent-init: final action: poweroff' "no final action after the shell"
DISK=$WORK/disk.img
dir=$(img_ls "$DISK" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}$')
if [ -z "$dir" ] || ! img_ls "$DISK" "/var/crash/$dir" | grep -q "dump\.$dir"; then
	fail "no dump on the disk after the shell: $(img_ls "$DISK" /var/crash)"
fi
pass "shell only: capture by hand (rc 0), listing, exit, poweroff"
