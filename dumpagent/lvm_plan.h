/* lvm_plan.h: the mapping of one LV recorded at arming (dumpagent.lvm=), parsed, written, and as dm table lines. */
#ifndef DUMPAGENT_LVM_PLAN_H
#define DUMPAGENT_LVM_PLAN_H

#include <stddef.h>
#include <sys/types.h>

#include "lvm_meta.h"

#define LVM_SEG_MAX 16    /* segments of the LV */
#define LVM_STRIPE_MAX 8  /* stripes of one segment */
#define LVM_PLAN_PV_MAX 8 /* distinct PVs under the LV */
#define LVM_PLAN_TEXT_MAX 1536 /* dumpagent.lvm='s value, within the kernel's 2048-byte command line */

struct lvm_area {
	unsigned pv;                /* index into lvm_plan.pv */
	unsigned long long offset;  /* sectors from the PV's start */
};

struct lvm_seg {
	unsigned long long start, len; /* sectors of the LV */
	unsigned long long chunk;      /* striped: sectors per chunk; 0 for linear */
	unsigned n;                    /* areas: 1 for linear, the stripes for striped */
	struct lvm_area area[LVM_STRIPE_MAX];
};

/* "VG/LV,VGID,SEQNO,SEG[,SEG...]", each SEG "START+LEN:linear:PVID+OFF" or
 * "START+LEN:striped:CHUNK:PVID+OFF:PVID+OFF...", numbers in sectors, ids
 * without dashes: major:minor numbers change between kernels, PV ids do not. */
struct lvm_plan {
	char vg[LVM_NAME_MAX + 1], lv[LVM_NAME_MAX + 1];
	char vg_id[LVM_ID_LEN + 1];
	unsigned long long seqno;
	unsigned nseg, npv;
	struct lvm_seg seg[LVM_SEG_MAX];
	char pv[LVM_PLAN_PV_MAX][LVM_ID_LEN + 1];
};

/* 0, or -1 with err naming what is wrong. */
int lvm_plan_parse(const char *text, struct lvm_plan *p, char *err, size_t errlen);
/* Writes p in the form lvm_plan_parse reads: 0, or -1 when len is too small. */
int lvm_plan_format(const struct lvm_plan *p, char *out, size_t len);
/* The index of PV id in p, added when new: the index, or -1 when full. */
int lvm_plan_pv(struct lvm_plan *p, const char *id);
/* The device-mapper target of segment i ("linear" or "striped") and its
 * parameters, each PV written as the MAJ:MIN of devs[its index]: 0, or -1. */
int lvm_plan_table(const struct lvm_plan *p, unsigned i, const dev_t *devs, char *params, size_t len);

#endif
