/* command_arm_mode.h: arm-plan's CAPTURE_MODE: the target's driver chain, the decision, and the kernel, initramfs and modules of the mode. */
#ifndef DUMPAGENT_COMMAND_ARM_MODE_H
#define DUMPAGENT_COMMAND_ARM_MODE_H

#include "arm_mode.h"
#include "arm_modules.h"
#include "arm_target.h"
#include "config.h"

/* What a load of the chosen mode loads. */
struct arm_mode_plan {
	enum arm_mode mode;
	char why[1024];                        /* the one-line reason */
	char kernel[ARM_PATH_MAX], initrd[ARM_PATH_MAX];
	char release[256];                     /* distro: the running kernel's release */
	struct arm_modset mods;                /* distro: the modules its initramfs carries */
};

/* Decides the mode for the target (t: TARGET=auto resolved, else NULL and
 * TARGET is looked up) and fills mp; small_kernel and small_initrd are the
 * small mode's files (CAPTURE_*, or --kernel and --initrd); small_by is
 * "--kernel" when that sets the small mode, else NULL. EXIT_OK, or the
 * exit status after the error is logged: 17 no mode (or not the one set)
 * reaches the target, 13 the distro kernel or its modules are missing. */
int arm_plan_mode(const struct config *cfg, const char *small_kernel, const char *small_initrd,
		  const char *small_by, const struct arm_target *t, struct arm_mode_plan *mp);
/* $DUMPAGENT_STATE or /var/lib/dumpagent: the rebuilt initramfs images. */
const char *arm_state_dir(void);

#endif
