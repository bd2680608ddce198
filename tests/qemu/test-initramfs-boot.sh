#!/bin/sh
# tests/qemu/test-initramfs-boot.sh: /init boots under QEMU and maps the agent's answers to actions.
#
# Boots Debian's kernel (linux-image-amd64) with the capture initramfs, no
# panic and no disk: this tests /init, not the capture. The agent is
# tests/fixtures/test-agent.c, whose capture exits with testagent.exit=N from the
# boot command line; one more boot uses build/dumpagent when it is built.
# The serial console is driven through a fifo for the emergency shell.
# Each VM is bounded by BOOT_TIMEOUT seconds (TCG, no KVM: about 5 s each).
# Unlike the other QEMU tests it goes on after a failed check, and lists each
# one ("not ok - ..."), then ends with pass or fail of tests/qemu/lib.sh.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup initramfs-boot
T=$WORK
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
vm=
trap '[ -z "$vm" ] || kill "$vm" 2>/dev/null || :' EXIT
trap 'exit 1' HUP INT TERM
# A write to the fifo of a VM that has ended must fail, not kill the test.
trap '' PIPE

failures=0
checks=0
ok() {
	checks=$((checks + 1))
	echo "ok - $*"
}
bad() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "not ok - $*"
}

command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 not found: install qemu-system-x86"
command -v cc >/dev/null || fail "cc not found: install gcc"
command -v makedumpfile >/dev/null || fail "makedumpfile not found: install makedumpfile"
KERNEL=$(debian_kernel)

cc -static -O2 -o "$T/test-agent" "$REPO/tests/fixtures/test-agent.c" ||
	fail "cannot build the static test agent (needs libc6-dev's libc.a)"
printf 'FINAL_ACTION=poweroff\nFAILURE_ACTION=reboot\n' >"$T/test.conf"
"$REPO/initramfs/build.sh" --config "$T/test.conf" --agent "$T/test-agent" \
	--output "$T/test.img" >"$T/build.log" 2>&1 || fail "build.sh failed: $(cat "$T/build.log")"

# start_vm NAME IMAGE APPEND: boots in the background; the serial console
# reads the fifo held open on fd 3 and writes $T/NAME.log.
start_vm() {
	name=$1
	log=$T/$1.log
	mkfifo "$T/$name.in"
	timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -m 512M -nographic \
		-no-reboot -monitor none -serial stdio -kernel "$KERNEL" -initrd "$2" \
		-append "console=ttyS0 panic=-1 quiet $3" <"$T/$name.in" >"$log" 2>&1 &
	vm=$!
	exec 3>"$T/$name.in"
}

# wait_for TEXT [SECONDS]: true once TEXT is in the log; false if the VM
# ends or the time (default BOOT_TIMEOUT) runs out first.
wait_for() {
	i=0
	while [ "$i" -lt "${2:-$BOOT_TIMEOUT}" ]; do
		grep -aqF -- "$1" "$log" && return 0
		kill -0 "$vm" 2>/dev/null || break
		sleep 1
		i=$((i + 1))
	done
	grep -aqF -- "$1" "$log"
}

send() {
	printf '%s\n' "$1" >&3 || echo "note: the VM has ended: could not send '$1'"
}

# stop_vm: waits for QEMU to end; vm_rc is its status (124: timed out).
stop_vm() {
	exec 3>&-
	vm_rc=0
	wait "$vm" || vm_rc=$?
	vm=
}

# expect NAME TEXT...: each TEXT must be in the log, in this order.
expect() {
	name=$1
	shift
	rest=$(cat "$T/$name.log")
	for text in "$@"; do
		case $rest in
		*"$text"*)
			rest=${rest#*"$text"}
			ok "$name: '$text'"
			;;
		*)
			bad "$name: no '$text' (in this order); serial log:"
			sed 's/^/    | /' "$T/$name.log" | tail -n 40
			return
			;;
		esac
	done
}

# boot NAME IMAGE APPEND TEXT...: a boot that needs no input.
boot() {
	name=$1 img=$2 append=$3
	shift 3
	start_vm "$name" "$img" "$append"
	stop_vm
	[ "$vm_rc" = 0 ] && ok "$name: QEMU ended by itself" || bad "$name: QEMU status $vm_rc"
	expect "$name" "$@"
}

boot success "$T/test.img" "testagent.exit=0" \
	"dumpagent-init: starting" "dumpagent-init: mounted proc on /proc" \
	"dumpagent-init: mounted sysfs on /sys" "dumpagent-init: mounted devtmpfs on /dev" \
	"dumpagent-init: console is /dev/console" \
	"dumpagent-init: FINAL_ACTION=poweroff FAILURE_ACTION=reboot" \
	"dumpagent-init: running /sbin/dumpagent capture --config /etc/dumpagent.conf" \
	"test-agent: capture exits with status 0" "dumpagent-init: capture succeeded" \
	"dumpagent-init: final action: poweroff" "reboot: Power down"

boot failure "$T/test.img" "testagent.exit=2" \
	"dumpagent-init: capture failed with exit status 2" \
	"dumpagent-init: final action: reboot" "reboot: Restarting system"

boot getfail "$T/test.img" "testagent.exit=0 testagent.getfail=1" \
	"dumpagent-init: cannot read FINAL_ACTION from /etc/dumpagent.conf, using reboot" \
	"dumpagent-init: FINAL_ACTION=reboot FAILURE_ACTION=reboot" \
	"dumpagent-init: capture succeeded" "dumpagent-init: final action: reboot" \
	"reboot: Restarting system"

# dumpagent.shell=only: no capture; the shell has job control on the real
# tty, and makedumpfile runs with the libraries the image carries.
start_vm shell-only "$T/test.img" "dumpagent.shell=only testagent.exit=0"
if wait_for "dumpagent# "; then
	send 'makedumpfile -v; echo "MDF=$?"; tty; case $- in *m*) echo "JOB""CTL=on";; esac'
	wait_for "JOBCTL=on" 30 || :
	send 'exit'
fi
stop_vm
[ "$vm_rc" = 0 ] && ok "shell-only: QEMU ended by itself" || bad "shell-only: QEMU status $vm_rc"
expect shell-only "dumpagent-init: dumpagent.shell=only" \
	"dumpagent capture --config /etc/dumpagent.conf" \
	"dumpagent-init: starting an emergency shell" \
	"makedumpfile: version" "MDF=0" "/dev/ttyS0" "JOBCTL=on" \
	"dumpagent-init: the emergency shell exited" "dumpagent-init: final action: poweroff" \
	"reboot: Power down"
grep -aqF "test-agent: capture" "$T/shell-only.log" &&
	bad "shell-only: the capture ran" || ok "shell-only: the capture did not run"

# dumpagent.shell=1: capture first, then the shell, then the action.
start_vm shell-after "$T/test.img" "dumpagent.shell=1 testagent.exit=3"
wait_for "dumpagent# " && send 'exit'
stop_vm
[ "$vm_rc" = 0 ] && ok "shell-after: QEMU ended by itself" || bad "shell-after: QEMU status $vm_rc"
expect shell-after "dumpagent-init: dumpagent.shell=1" \
	"dumpagent-init: capture failed with exit status 3" \
	"dumpagent-init: starting an emergency shell" "dumpagent-init: the emergency shell exited" \
	"dumpagent-init: final action: reboot" "reboot: Restarting system"

# halt never ends the VM: PID 1 must halt the machine and not exit (which
# would be "Attempted to kill init").
printf 'FINAL_ACTION=halt\nFAILURE_ACTION=halt\n' >"$T/halt.conf"
"$REPO/initramfs/build.sh" --config "$T/halt.conf" --agent "$T/test-agent" \
	--output "$T/halt.img" >"$T/build-halt.log" 2>&1 || fail "build.sh failed: $(cat "$T/build-halt.log")"
start_vm halt "$T/halt.img" "testagent.exit=0"
wait_for "reboot: System halted" || :
sleep 1
kill "$vm" 2>/dev/null || :
stop_vm
expect halt "dumpagent-init: final action: halt" "reboot: System halted"
grep -aq "Attempted to kill init" "$T/halt.log" && bad "halt: init exited" || ok "halt: init did not exit"

# The real agent, when built: its config get and its exit status (1: no
# /proc/vmcore outside a capture kernel) through the real /init.
if [ -x "$REPO/build/dumpagent" ]; then
	printf 'FINAL_ACTION=reboot\nFAILURE_ACTION=poweroff\n' >"$T/real.conf"
	"$REPO/initramfs/build.sh" --config "$T/real.conf" --agent "$REPO/build/dumpagent" \
		--output "$T/real.img" >"$T/build-real.log" 2>&1 ||
		fail "build.sh with build/dumpagent failed: $(cat "$T/build-real.log")"
	boot real-agent "$T/real.img" "" \
		"dumpagent-init: FINAL_ACTION=reboot FAILURE_ACTION=poweroff" \
		"dumpagent-init: running /sbin/dumpagent capture" "/proc/vmcore" \
		"dumpagent-init: capture failed with exit status 1" \
		"dumpagent-init: final action: poweroff" "reboot: Power down"
else
	fail "build/dumpagent is not built (run make): the boot with the real agent cannot run"
fi

[ "$failures" = 0 ] || fail "$failures of $checks checks failed (not ok above)"
pass "$checks checks"
