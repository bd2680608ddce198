/* arm_threads.h: how many CPUs the capture kernel brings up, for makedumpfile's threads (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_THREADS_H
#define DUMPAGENT_ARM_THREADS_H

/* THREADS=auto: one thread below this much RAM, where the dump of a
 * filtered machine takes seconds and a CPU more only costs memory; from it,
 * one a CPU up to ARM_THREADS_AUTO_MAX. An estimate until make bench
 * measures 1, 2 and 4 threads (bench/RESULTS.md section 7). */
#define ARM_THREADS_AUTO_GIB 64
#define ARM_THREADS_AUTO_MAX 4
/* THREADS=N is at most this. */
#define ARM_THREADS_MAX 16
/* What each thread past the first adds to the reservation: the CPU's
 * per-CPU areas and stacks in the capture kernel, and makedumpfile's
 * buffers for the thread. An estimate until make bench measures it. */
#define ARM_THREAD_MB 2

/* The capture's threads (and the capture kernel's nr_cpus) for the
 * setting THREADS ("auto" or 1 to ARM_THREADS_MAX, validated), on a
 * machine with ram bytes (0: unknown) and cpus online (below 1: unknown):
 * never more than cpus. */
unsigned arm_threads(const char *setting, unsigned long long ram, long cpus);
/* The CPUs online: the count of sysfs/devices/system/cpu/online's list
 * ("0-3,6"); -1 when it cannot be read or parsed. */
long arm_cpus_online(const char *sysfs);
/* The working memory that threads add to the reservation, bytes. */
unsigned long long arm_threads_work(unsigned threads);

#endif
