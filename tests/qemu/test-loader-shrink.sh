#!/bin/sh
# tests/qemu/test-loader-shrink.sh: load-crashkernel --shrink gives memory back, and a crash is still captured.
#
# The first kernel boots with crashkernel=64M; its /init arms the capture
# kernel, then runs the loader again with --shrink on the armed machine (the
# usual state after boot), prints /sys/kernel/kexec_crash_size before and
# after, then crashes. The capture kernel must still save a complete dump, and
# the shrink must stop at the loader's 48 MiB floor or above.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup loader-shrink

FIRST_INIT=$REPO/tests/qemu/first-init-shrink panic_scenario
before=$(sed -n 's/.*first-init: kexec_crash_size before: \([0-9]*\).*/\1/p' "$SERIAL" | head -n 1)
after=$(sed -n 's/.*first-init: kexec_crash_size after: \([0-9]*\).*/\1/p' "$SERIAL" | head -n 1)
if [ -z "$before" ] || [ -z "$after" ]; then fail "no kexec_crash_size before/after in the serial log"; fi
echo "kexec_crash_size: before $before, after $after"
[ "$before" = 67108864 ] || fail "crashkernel=64M reserved $before bytes, not 67108864"
[ "$after" -lt "$before" ] || fail "--shrink gave nothing back: $before -> $after"
[ "$after" -ge 50331648 ] || fail "--shrink went below the 48 MiB floor: $after"
grep -q "load-crashkernel: --shrink: kexec_crash_size $before -> $after: gave $(((before - after) / 1048576)) MiB back" "$SERIAL" ||
	fail "the loader did not report what it gave back"
grep -q "dumpagent: capture complete" "$SERIAL" || fail "no complete capture after shrinking to $after bytes"
dir=$(img_ls "$DISK" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}$') ||
	fail "no dump directory: $(img_ls "$DISK" /var/crash)"
img_ls "$DISK" "/var/crash/$dir" | grep -q "dump.$dir" || fail "no dump file in /var/crash/$dir"
pass "kexec_crash_size $before -> $after ($(((before - after) / 1048576)) MiB given back), crash captured in ${QEMU_SECONDS}s"
