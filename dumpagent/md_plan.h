/* md_plan.h: the md array a target sits on, as the loader records it for the capture (dumpagent.md=UUID,LEVEL,MEMBERS). */
#ifndef DUMPAGENT_MD_PLAN_H
#define DUMPAGENT_MD_PLAN_H

#include <stddef.h>

#define MD_PLAN_MEMBERS_MAX 8  /* members assembled at most (a RAID1 of two is Debian's) */
#define MD_PLAN_TEXT_MAX 64    /* "<32 hex>,raid1,8" with room */

struct md_plan {
	char uuid[33];       /* the array's UUID, 32 lowercase hex digits, as md_super.c prints it */
	int level;           /* md's number: 1 for raid1 */
	unsigned raid_disks; /* the members that hold data, all needed */
};

/* The level's name as md's sysfs writes it ("raid1"), NULL for another. */
const char *md_level_name(int level);
/* "raid1" into *level: 0, or -1 for a level the capture does not assemble. */
int md_level_parse(const char *name, int *level);

/* text (dumpagent.md=) into p: 0, or -1 with err. */
int md_plan_parse(const char *text, struct md_plan *p, char *err, size_t errlen);
/* p as text: 0, or -1 when it does not fit. */
int md_plan_format(const struct md_plan *p, char *out, size_t len);

#endif
