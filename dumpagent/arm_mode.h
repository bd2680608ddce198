/* arm_mode.h: CAPTURE_MODE decided: the small kernel or the distro kernel, and why, in one line (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_MODE_H
#define DUMPAGENT_ARM_MODE_H

#include <stddef.h>

#include "arm_chain.h"

enum arm_mode { ARM_MODE_SMALL, ARM_MODE_DISTRO };

/* What the decision rests on: CAPTURE_MODE, the lockdown mode ("" when
 * off), and the small kernel's list of built-in drivers (its path, and the
 * chain's modules missing from it; builtin_error: why it cannot be read,
 * "" when it can). */
struct arm_mode_facts {
	const char *setting, *lockdown, *builtin, *builtin_error, *missing;
	const struct arm_chain *chain;
	const char *small_by; /* what set small: NULL for "CAPTURE_MODE=small", or "--kernel" */
};

/* The mode, with its one-line reason in why ("auto: distro: lockdown is
 * integrity (Secure Boot): the small kernel is not signed"). -1 with the
 * refusal in why (CAPTURE_MODE=small, and the small kernel lacks a driver
 * or has no list of them): the loader exits 17. */
int arm_mode_decide(const struct arm_mode_facts *f, enum arm_mode *mode, char *why, size_t len);
const char *arm_mode_name(enum arm_mode mode);

#endif
