/* arm_threads.h: how many CPUs the capture kernel brings up, for makedumpfile's threads (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_THREADS_H
#define DUMPAGENT_ARM_THREADS_H

#include <stddef.h>

#include "arm_arch.h"

/* THREADS=auto is one thread, and so nr_cpus=1, as Debian's kdump-tools
 * has it. More are only on request: makedumpfile before 1.7.8 has a data
 * race in --num-threads that can write corrupt compressed pages and still
 * exit 0 (upstream issue #15, fixed by commit 65bf4c9; Debian 12 ships
 * 1.7.2), which arm-plan says in threads_warning when THREADS asks for more.
 *
 * Hazard, x86_64: the capture kernel starts its other CPUs with INIT, and
 * the crash may have happened on another CPU than the first kernel's boot
 * CPU (BSP), which then answers INIT with a reset of the machine. Linux
 * before 6.9 (Debian 12's 6.1, the small capture kernel's) does not find
 * that CPU itself: it is told disable_cpu_apicid=<the BSP's APIC ID>, and
 * then never brings that CPU up (unless it is its own boot CPU, when the
 * crash was on it). kdump-utils passes it too, from /proc/cpuinfo's
 * "apicid" of processor 0; later kernels (upstream 5c5682b9f87a) take the
 * first APIC ID the firmware enumerates, or APICBASE's BSP bit, and keep a
 * crash kernel to one CPU when they cannot tell; an unknown parameter is
 * only passed on to init.
 * Without that ID, arm_threads_cpus keeps the capture to one CPU. arm64
 * starts CPUs through PSCI, not INIT: nothing there. */
/* THREADS=N is at most this. */
#define ARM_THREADS_MAX 16
/* What each thread past the first adds to the reservation: the CPU's
 * per-CPU areas and stacks in the capture kernel, and makedumpfile's
 * buffers for the thread. An estimate until make bench measures it. */
#define ARM_THREAD_MB 2

/* The capture's threads (and the capture kernel's nr_cpus) for the
 * setting THREADS ("auto" or 1 to ARM_THREADS_MAX, validated) on a machine
 * with cpus online (below 1: unknown): never more than cpus. */
unsigned arm_threads(const char *setting, long cpus);
/* The CPUs online: the count of sysfs/devices/system/cpu/online's list
 * ("0-3,6"); -1 when it cannot be read or parsed. */
long arm_cpus_online(const char *sysfs);
/* The largest APIC ID that disable_cpu_apicid= can name: Linux 6.1 keeps
 * no CPU with BAD_APICID (0xFFFF), and its parameter's value is an int. */
#define ARM_APICID_MAX 0xFFFEUL
/* The first kernel's boot CPU's APIC ID: the "apicid" line of the block of
 * proc/cpuinfo whose "processor" is 0 (which need not be the first). 0
 * with *apicid, or -1 with why: the file cannot be read (the action, the
 * file and errno), has no such line, or its value is no number up to
 * ARM_APICID_MAX. */
int arm_boot_apicid(const char *proc, unsigned long *apicid, char *why, size_t len);

/* The capture kernel's CPUs for threads (arm_threads) on arch. */
struct arm_cpus {
	unsigned threads; /* its nr_cpus */
	long apicid; /* disable_cpu_apicid=, -1 when none is passed */
	char warning[1024]; /* why threads was cut to 1, "" when it was not */
};
/* x86_64 with threads > 1: the boot CPU's APIC ID from proc, or, when it
 * cannot be found, one thread and the warning that says why (never a
 * multi-CPU capture that may reset the machine). Otherwise threads as is. */
void arm_threads_cpus(enum arm_arch arch, const char *proc, unsigned threads, struct arm_cpus *c);
/* The working memory that threads add to the reservation, bytes. */
unsigned long long arm_threads_work(unsigned threads);

#endif
