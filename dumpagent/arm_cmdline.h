/* arm_cmdline.h: the capture kernel's command line, from the running one (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_CMDLINE_H
#define DUMPAGENT_ARM_CMDLINE_H

#include <stddef.h>

#define ARM_CMDLINE_MAX 8192

/* The running kernel's console= and dumpagent.* words (before "--"), or
 * console=tty0 when it has none; the options a capture kernel needs, with
 * nr_cpus=cpus (arm_threads.c: makedumpfile's threads, one a CPU) and,
 * with cpus > 1 and apicid >= 0, disable_cpu_apicid=apicid (x86_64: the
 * first kernel's boot CPU, which INIT could reset; arm_threads.h); for
 * TARGET=auto (uuid not NULL) dumpagent.target= and dumpagent.fstype=; then
 * append (CMDLINE_APPEND). 0, or -1 when it does not fit in len. */
int arm_cmdline(const char *running, unsigned cpus, long apicid, const char *uuid, const char *fstype,
		const char *append, char *out, size_t len);

/* Appends what the distro kernel needs beyond the small kernel's options
 * (its features reserve memory that a capture has no room for), then
 * append: for the command line arm_cmdline made with an empty append, so
 * that CMDLINE_APPEND stays last. 0, or -1 when it does not fit in len. */
int arm_cmdline_distro(const char *append, char *out, size_t len);

#endif
