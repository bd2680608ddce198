#!/bin/sh
# tests/qemu/demo.sh: crashes a QEMU guest and shows what dumpagent saved.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup demo

echo "demo: booting Debian's kernel with crashkernel=64M, arming dumpagent, crashing it (sysrq-c)..."
panic_scenario
grep -q "dumpagent: capture complete" "$SERIAL" || fail "the capture did not complete"
echo "demo: the VM panicked, captured and powered off in ${QEMU_SECONDS}s. What the guest's console said:"
grep -E 'Kernel panic|dumpagent' "$SERIAL" | sed 's/^/    /'

dir=$(img_ls "$DISK" /var/crash | awk '{ print $NF }' | grep -E '^[0-9]{12}' | head -n 1)
echo
echo "demo: saved on the guest's disk ($DISK), read with debugfs without mounting it:"
img_ls "$DISK" "/var/crash/$dir" | awk 'NF >= 6 && $NF !~ /^\.\.?$/ {
	printf "    /var/crash/%s/%-22s %10d bytes  mode %s uid %s\n", dir, $NF, $(NF - 3), substr($2, length($2) - 3), $4 }' dir="$dir"
img_get "$DISK" "/var/crash/$dir/dmesg.$dir" "$WORK/dmesg.txt" || fail "cannot read the dmesg file"
echo
echo "demo: panic line: $(grep -o 'Kernel panic - not syncing: .*' "$WORK/dmesg.txt" | head -n 1)"
echo "demo: disk image kept at $DISK (try: debugfs -R 'ls -l /var/crash/$dir' $DISK)"
