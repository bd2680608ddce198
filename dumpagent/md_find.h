/* md_find.h: finds every member of a recorded md array by its UUID, and proves them whole and in step (capture side). */
#ifndef DUMPAGENT_MD_FIND_H
#define DUMPAGENT_MD_FIND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "md_plan.h"
#include "md_super.h"
#include "target.h"

struct md_found {
	unsigned seen;                           /* bit per slot (role) found */
	dev_t dev[MD_PLAN_MEMBERS_MAX];          /* of each slot */
	char name[MD_PLAN_MEMBERS_MAX][32];      /* its kernel name, for the log */
	struct md_member sb[MD_PLAN_MEMBERS_MAX]; /* what its superblock says */
};

/* One device whose superblock m was read: kept in f when it is a member of
 * p's array. 0 (a member, or another device); -1 with err when the array
 * cannot be assembled safely (a slot on two devices, a member that
 * contradicts the recorded level or size, a reshape under way). */
int md_found_add(struct md_found *f, const struct md_plan *p, const char *name, dev_t dev,
		 const struct md_member *m, char *err, size_t errlen);
/* The verdict once the scan is over: 0 when every slot is held and the
 * members agree on events; else -1 with err. */
int md_found_check(const struct md_found *f, const struct md_plan *p, char *err, size_t errlen);

/* Scans env's block devices, waiting up to env->wait_ms for every slot, and
 * checks them: 0 and f; -1 with err saying why nothing may be written. */
int md_find(const struct target_env *env, const struct md_plan *p, struct md_found *f, char *err, size_t errlen);

#endif
