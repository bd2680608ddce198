/* arm_check.h: the checks of a load before kexec: reserved memory, capture files, TARGET names, lockdown (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_CHECK_H
#define DUMPAGENT_ARM_CHECK_H

#include <stddef.h>

#include "arm_crashkernel.h"

/* Reads sysfs/kernel/kexec_crash_size into *reserved (0 when missing or not
 * a number; on arm64 with crashkernel=Y,low, the ,high part alone, where
 * kexec loads). 0 when memory is reserved, else -1 with the refusal for
 * arch in why; ck is the running kernel's crashkernel= words. */
int arm_check_reserved(const char *sysfs, enum arm_arch arch, const struct arm_crashkernel *ck,
		       unsigned long long *reserved, char *why, size_t len);
/* what ("capture kernel") path (from: "--kernel", "CAPTURE_KERNEL in FILE")
 * exists, is a regular file and is readable: 0, or -1 with why. */
int arm_check_file(const char *what, const char *path, const char *from, char *why, size_t len);
/* The warning for a TARGET that the capture environment cannot resolve
 * (a udev name), written to why: 1 when there is one, else 0. */
int arm_target_warning(const char *target, char *why, size_t len);
/* The kernel lockdown mode of sysfs/kernel/security/lockdown:
 * "integrity", "confidentiality", or "" when none (or unreadable). */
const char *arm_lockdown(const char *sysfs);
/* Why kexec_file_load refused kernel under lockdown (not a question of
 * memory), and the fix, for the distro kernel (distro 1: of release) or the
 * small one; "" when lockdown is "" (off). */
void arm_lockdown_why(const char *lockdown, int distro, const char *kernel, const char *release, char *why,
		      size_t len);
/* 1 when sysfs/kernel/kexec_crash_loaded says a capture kernel is loaded. */
int arm_loaded(const char *sysfs);

#endif
