/* arm_lvm.h: the mapping of a target LV recorded for the capture (dumpagent.lvm=): its table in PV ids, the VG's id and seqno (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_LVM_H
#define DUMPAGENT_ARM_LVM_H

#include <stddef.h>
#include <sys/types.h>

#include "lvm_plan.h"
#include "target.h"

/* From the LV's live table (dmsetup table's lines: "START LEN TYPE PARAMS"),
 * the PVs under it (their labels, read through env) and their metadata:
 * the plan p for LV vg/lv of VG id vg_id. 0; -2 with why when the LV has a
 * segment no capture maps (not linear or striped); -1 with why otherwise. */
int arm_lvm_from_table(const struct target_env *env, const char *sysfs, const char *vg_id, const char *dm_name,
		       const char *table, struct lvm_plan *p, char *why, size_t len);

/* The device dev: no dm device, *out is "" (0); an LV, *out is the value of
 * dumpagent.lvm= (0); else -2 or -1 with why as arm_lvm_from_table. Reads
 * sysfs/dev/block/MAJ:MIN/dm/{uuid,name}, the table with DM_TABLE_STATUS
 * through env->dev_dir/mapper/control ($DUMPAGENT_DM_TABLE, a file, instead
 * in tests), the PVs' labels through env, and $DUMPAGENT_LVM_SEQNO, a test
 * hook, replaces the seqno. */
int arm_lvm_record(const struct target_env *env, const char *sysfs, dev_t dev, char *out, size_t outlen,
		   char *why, size_t len);

#endif
