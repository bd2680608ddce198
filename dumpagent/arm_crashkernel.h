/* arm_crashkernel.h: crashkernel= on each architecture: what --reserve writes, why nothing was reserved, arm64's ,high and ,low (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_CRASHKERNEL_H
#define DUMPAGENT_ARM_CRASHKERNEL_H

#include <stddef.h>

#include "arm_arch.h"

/* The crashkernel= load-crashkernel recommends when none is reserved. */
#define ARM_CRASHKERNEL_SIZE "64M"
/* The crashkernel=Y,low advised on arm64 beside crashkernel=X,high: what
 * Linux 6.2 and later reserve there by default (6.1 reserves none), for
 * the bounce buffers (swiotlb wants 64 MiB) of devices that cannot reach
 * memory above 4 GiB. The kernel's figure; dumpagent has not measured it. */
#define ARM_CRASHKERNEL_LOW "128M"

/* The running kernel's crashkernel= words (the last of each form, before
 * "--"): the plain "X" (or "ranges", "X@offset"), "X,high" and "Y,low",
 * each without its suffix; "" when absent. */
struct arm_crashkernel {
	char plain[64], high[64], low[64];
};

void arm_crashkernel_parse(const char *cmdline, struct arm_crashkernel *ck);
/* The boot parameter for mb MiB that --reserve writes on arch. */
void arm_crashkernel_param(enum arm_arch arch, unsigned long long mb, char *out, size_t len);
/* The refusal when sysfs says nothing is reserved (state: the file and what
 * it says, "... is 0"): the parameter to add, or why the one given was not
 * honoured on arch, and the fix. */
void arm_crashkernel_missing(enum arm_arch arch, const struct arm_crashkernel *ck, const char *state, char *why,
			     size_t len);
/* The warning of a reservation that holds but may not serve: on arm64, all
 * of it above 4 GiB (proc/iomem's "Crash kernel" ranges) with no
 * crashkernel=Y,low. 1 with the warning in why, else 0 and why "". */
int arm_crashkernel_warning(enum arm_arch arch, const char *proc, const struct arm_crashkernel *ck, char *why,
			    size_t len);

#endif
