/* lvm_find.h: finds the PVs of a recorded LV mapping and proves the VG's metadata unchanged since arming (capture side). */
#ifndef DUMPAGENT_LVM_FIND_H
#define DUMPAGENT_LVM_FIND_H

#include <stddef.h>
#include <sys/types.h>

#include "lvm_plan.h"
#include "target.h"

struct lvm_found {
	dev_t dev[LVM_PLAN_PV_MAX];      /* of each PV of the plan, by its index */
	char name[LVM_PLAN_PV_MAX][32];  /* its kernel name, for the log */
	unsigned checked;                /* metadata areas whose seqno was compared */
};

/* Scans env's block devices (waiting up to env->wait_ms for every PV of p
 * to appear) for LVM2 labels: each PV of p must be on exactly one device,
 * and every PV whose metadata names p's VG id must hold p's seqno, at least
 * one of them. Device-mapper devices are skipped, except the one named
 * also (the LUKS device opened under the LV: "dm-3"; NULL for none). 0 and
 * f; -1 with err saying why nothing may be written. */
int lvm_find(const struct target_env *env, const struct lvm_plan *p, const char *also, struct lvm_found *f,
	     char *err, size_t errlen);

#endif
