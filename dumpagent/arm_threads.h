/* arm_threads.h: how many CPUs the capture kernel brings up, for makedumpfile's threads (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_THREADS_H
#define DUMPAGENT_ARM_THREADS_H

/* THREADS=auto is one thread, and so nr_cpus=1, as Debian's kdump-tools
 * has it. More are only on request, for two reasons found in review and
 * not yet answered by a test: makedumpfile before 1.7.8 has a data race in
 * --num-threads that can write corrupt compressed pages and still exit 0
 * (upstream issue #15, fixed by commit 65bf4c9; Debian 12 ships 1.7.2),
 * and on x86_64 a second CPU is started with INIT, which the crashed
 * kernel's boot CPU may answer with a reset unless the capture kernel gets
 * disable_cpu_apicid= (kdump-utils sets it; this loader does not yet).
 * arm-plan says both in threads_warning when THREADS asks for more. */
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
/* The working memory that threads add to the reservation, bytes. */
unsigned long long arm_threads_work(unsigned threads);

#endif
