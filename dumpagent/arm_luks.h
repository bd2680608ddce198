/* arm_luks.h: a target on a LUKS device: its enrollment, recorded for the capture as dumpagent.luks=UUID,SLOT (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_LUKS_H
#define DUMPAGENT_ARM_LUKS_H

#include <stddef.h>
#include <sys/types.h>

#include "luks_key.h"
#include "target.h"

#define ARM_LUKS_TEXT_MAX 48 /* "UUID,SLOT" */

/* The device dev: no dm-crypt LUKS device, *text is "" (0); an enrolled
 * one, *text is the value of dumpagent.luks= (its LUKS UUID, read from the
 * header of the device under it, and the keyslot) and key its keyfile (0);
 * not enrolled, -2 with why naming the device and the luks-enroll command;
 * else -1 with why. Reads sysfs/dev/block/MAJ:MIN/{dm/uuid,slaves} and the
 * header through env (sysfs/class/block and the device nodes). */
int arm_luks_record(const struct target_env *env, const char *sysfs, dev_t dev, char *text, size_t textlen,
		    char key[LUKS_PATH_MAX], char *why, size_t len);

#endif
