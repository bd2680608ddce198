#!/bin/sh
# tests/qemu/test-e2e-threads.sh: a capture with makedumpfile's threads (THREADS=2), end to end.
#
# test-e2e-panic.sh's cycle with THREADS=2 on a 3-vCPU guest: the loader
# gives the capture kernel nr_cpus=2 and disable_cpu_apicid=<the first
# kernel's boot CPU> (INIT could reset it: arm_threads.h), so two CPUs come
# up whichever CPU panicked, and the agent runs makedumpfile with two
# threads. It must work the first time: the one-thread retry
# (capture_write.c) would hide threads that abort, as Debian's dynamic
# makedumpfile does without libgcc_s (initramfs/build.sh's add_libgcc_s).
# The host's makedumpfile reads the panic back out of the dump.
#
# 14-35 s of QEMU under TCG on the 2 shared cores (512 MB guest,
# crashkernel=128M). It found a race: Debian 12's makedumpfile 1.7.2
# aborted "libgcc_s.so.1 must be installed for pthread_exit to work" in
# about a third of the runs, with libgcc_s.so.1 in the image. strace in the
# capture showed why: each thread calls close(0) as it ends, and the first
# pthread_exit's dlopen of libgcc_s gets fd 0, which the other thread's
# close(0) can close before glibc reads and maps it. The agent now runs a
# threaded makedumpfile with LD_PRELOAD=libgcc_s.so.1 (capture_files.c):
# 12 of 12 runs passed with it, 4 of 6 without it, on 2026-12-03.
# Environment: CRASHKERNEL, QEMU_MEM, QEMU_TIMEOUT.
set -eu
. "$(dirname -- "$0")/lib.sh"
qemu_setup e2e-threads

QEMU_SMP=3 CRASHKERNEL=${CRASHKERNEL:-128M} QEMU_MEM=${QEMU_MEM:-512M}
export QEMU_SMP CRASHKERNEL QEMU_MEM
panic_scenario THREADS=2
# The serial log: the first kernel's, then from the second "Command line:" on the capture kernel's.
tr -d '\r' <"$SERIAL" >"$WORK/serial.txt"
awk '/\] Command line: / { n++ } n < 2' "$WORK/serial.txt" >"$WORK/first.txt"
awk '/\] Command line: / { n++ } n >= 2' "$WORK/serial.txt" >"$WORK/capture.txt"
grep -q "^first-init: armed" "$WORK/first.txt" || fail "the loader did not arm the capture kernel"

# The loader's threads_warning (makedumpfile before 1.7.8 has a data race),
# on its stderr, which first-init leaves on the console.
grep -q '^load-crashkernel: warning: THREADS asks for more than one makedumpfile thread: makedumpfile before 1\.7\.8' "$WORK/first.txt" ||
	fail "the loader did not warn that makedumpfile before 1.7.8 has a data race with threads"

# The command line the loader armed and the one the capture kernel booted:
# nr_cpus=2, and the first kernel's boot CPU left out by its APIC ID (QEMU
# gives the boot CPU 0), the same in both.
armed=$(sed -n 's/^load-crashkernel: armed: .* capture cmdline: //p' "$WORK/first.txt")
[ -n "$armed" ] || fail "the loader did not say the capture command line"
booted=$(sed -n 's/^\[ *[0-9.]*\] Command line: //p' "$WORK/capture.txt" | head -n 1)
[ -n "$booted" ] || fail "no second 'Command line:' in the serial log: the capture kernel did not boot"
for cmdline in "$armed" "$booted"; do
	case " $cmdline " in
	*" nr_cpus=2 "*) ;;
	*) fail "no nr_cpus=2 in the command line '$cmdline'" ;;
	esac
done
apicid=$(echo " $armed " | sed -n 's/.* disable_cpu_apicid=\([0-9]*\) .*/\1/p')
[ "$apicid" = 0 ] || fail "the loader armed disable_cpu_apicid='$apicid', not the boot CPU's APIC ID 0: '$armed'"
case " $booted " in
*" disable_cpu_apicid=$apicid "*) ;;
*) fail "the capture kernel booted without the loader's disable_cpu_apicid=$apicid: '$booted'" ;;
esac
# Of 3 CPUs, the capture kernel brings up 2 whichever one panicked.
grep -q '\] smp: Brought up 1 node, 2 CPUs$' "$WORK/capture.txt" ||
	fail "the capture kernel did not bring up 2 CPUs: $(grep '\] smp: Brought up' "$WORK/capture.txt")"

# Two threads, and the first makedumpfile made the dump: no retry with one.
grep -q '^dumpagent: makedumpfile: 2 threads, one a CPU (nr_cpus=2)$' "$WORK/capture.txt" ||
	fail "the agent did not run makedumpfile with 2 threads"
! grep -q 'once more with one' "$WORK/capture.txt" ||
	fail "makedumpfile with 2 threads made no dump: $(grep -E 'makedumpfile \(dump\)|for dump failed|once more with one' "$WORK/capture.txt")"
grep -q "^dumpagent: capture complete" "$WORK/capture.txt" || fail "the agent did not report a complete capture"

one_complete_dump "$DISK"
check_dump_dmesg "$WORK/dump" "the dump"

pass "$(wc -c <"$WORK/dump") byte dump with 2 threads (nr_cpus=2 disable_cpu_apicid=$apicid), panic to power-off in ${QEMU_SECONDS}s"
