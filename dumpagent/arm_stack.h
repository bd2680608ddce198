/* arm_stack.h: the layers under a target recorded for the capture: LUKS, an LV, encrypted LVM (both, either way up), or an md array (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_STACK_H
#define DUMPAGENT_ARM_STACK_H

#include <stddef.h>
#include <sys/types.h>

#include "arm_luks.h"
#include "lvm_plan.h"
#include "md_plan.h"
#include "target.h"

#define ARM_STACK_SLAVES_MAX 16 /* devices under one LV looked at for LUKS */

struct arm_stack {
	char lvm[LVM_PLAN_TEXT_MAX + 1]; /* dumpagent.lvm= of a target on an LV, else "" */
	char md[MD_PLAN_TEXT_MAX];       /* dumpagent.md= of a target on an md RAID1 array, else "" */
	/* dumpagent.luks=UUID,SLOT of a target on LUKS; with ",pv" when the
	 * LUKS device is the LV's PV (LVM on LUKS), ",lv" when it sits on the
	 * LV (LUKS on LVM); else "" */
	char luks[ARM_LUKS_TEXT_MAX];
	char luks_key[LUKS_PATH_MAX]; /* its keyfile, for the loader's initramfs in /run */
};

/* The layers under dev into s (every field "" for a plain device): 0; -2
 * with why naming the device and the fix (a LUKS device not enrolled, with
 * the luks-enroll command; an LV on more than one LUKS device); -1 with why
 * otherwise (an LV or md array that no capture maps, and any failure). Reads sysfs/dev/block, and the
 * headers, labels and tables through env (arm_luks.c, arm_lvm.c, arm_md.c). */
int arm_stack_record(const struct target_env *env, const char *sysfs, dev_t dev, struct arm_stack *s, char *why,
		     size_t len);

#endif
