/* capture_int.h: the state of one capture, shared by capture.c, capture_write.c and capture_end.c (writer side). */
#ifndef DUMPAGENT_CAPTURE_INT_H
#define DUMPAGENT_CAPTURE_INT_H

#include "capture.h"
#include "config.h"
#include "capture_dir.h"
#include "dmesg_scan.h"
#include "lvm_plan.h"
#include "md_plan.h"
#include "capture_files.h"
#include "summary.h"
#include "target.h"
#include "vmcore.h"

struct capture {
	const struct capture_opts *opts;
	struct config cfg;
	struct vmcore_info vmcore;
	struct target_dev dev;
	struct dmesg_facts facts;
	struct summary summary;
	int mounted, no_space, fallback, have_dump, summary_only, loop_guard;
	int rootfd, crashfd, dumpfd;
	long long now; /* the capture kernel's own clock (its RTC), for retention */
	char dirname[DUMP_ID_MAX];
	char crash_path[CONFIG_VALUE_MAX + 16]; /* CRASH_DIR, or its private subdirectory */
	char lvm[LVM_PLAN_TEXT_MAX + 2]; /* dumpagent.lvm=, "" when the target is no LV; longer is cut, and refused */
	char md[MD_PLAN_TEXT_MAX + 2];   /* dumpagent.md=, "" when the target is on no md array */
	int md_fd;                       /* the assembled array, until it is stopped; -1 */
	char luks[64]; /* dumpagent.luks=UUID,SLOT[,pv|,lv], "" when the target is not on LUKS */
	unsigned threads; /* makedumpfile's: nr_cpus= (the arming's THREADS), at most the CPUs online */
};

struct save_ctx save_ctx_of(const struct capture *c);
/* dmesg and summary first, then the dump, then the report. */
enum capture_status save_all(struct capture *c);
/* The end of every capture that found a vmcore (capture_end.c): log, unmount, outcome. */
void capture_end(struct capture *c, enum capture_status status);
/* The outcome on the brown screen, and the screen closed. */
void capture_end_screen(struct capture *c, enum capture_status status);
/* The LV of c->lvm (capture_lvm.c): the recorded mapping proven current on
 * its PVs (also: the dm device of a LUKS device opened under it, scanned
 * for a PV too; NULL for none) and made; 0 with d (what it holds read), or
 * -1 with err saying why nothing may be written. */
int capture_lvm_map(struct capture *c, const char *also, struct target_dev *d, char *err, size_t errlen);
/* capture_lvm_map into c->dev, and the filesystem on it checked against spec. */
int capture_lvm_target(struct capture *c, const struct target_spec *spec, const char *also, char *err,
		       size_t errlen);
/* The target on the md array of c->md (capture_md.c): every member found and
 * in step, the array assembled (c->md_fd), the filesystem on it checked;
 * 0 with c->dev, or -1 with err saying why nothing may be written. */
int capture_md_target(struct capture *c, const struct target_spec *spec, char *err, size_t errlen);
/* Stops the array, if one was assembled, once the target is unmounted. */
void capture_md_stop(struct capture *c);
/* The target inside the enrolled LUKS device of c->luks (capture_luks.c):
 * found by its header's UUID, opened by cryptsetup with the keyfile and
 * slot, the filesystem in it checked against spec; 0 with c->dev, or -1.
 * With ",pv" the LUKS device holds the PV of the LV of c->lvm (opened
 * first, then the LV mapped); with ",lv" it sits on that LV (mapped first). */
int capture_luks_target(struct capture *c, const struct target_spec *spec, char *err, size_t errlen);

#endif
