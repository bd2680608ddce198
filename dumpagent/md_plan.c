/* md_plan.c: the md array a target sits on, as the loader records it for the capture (dumpagent.md=UUID,LEVEL,MEMBERS).
 *
 * Only RAID1 is assembled: each member holds the whole filesystem, so the
 * array is the one md level whose write the capture can check member by
 * member afterwards. RAID0 and RAID10 are refused by name at arming (the
 * ioctls would be the same; they are not tested). */
#include "md_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *md_level_name(int level)
{
	return level == 1 ? "raid1" : NULL;
}

int md_level_parse(const char *name, int *level)
{
	if (strcmp(name, "raid1") != 0)
		return -1;
	*level = 1;
	return 0;
}

static int is_uuid(const char *s, size_t n)
{
	if (n != 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int md_plan_parse(const char *text, struct md_plan *p, char *err, size_t errlen)
{
	const char *comma = strchr(text, ','), *second;
	char level[16], *end;
	unsigned long n;
	size_t len;

	memset(p, 0, sizeof(*p));
	if (!comma || !is_uuid(text, (size_t)(comma - text)) || !(second = strchr(comma + 1, ','))) {
		(void)snprintf(err, errlen, "dumpagent.md=%.*s: not UUID,LEVEL,MEMBERS (32 hex digits, raid1, 1-%d)",
			       MD_PLAN_TEXT_MAX, text, MD_PLAN_MEMBERS_MAX);
		return -1;
	}
	memcpy(p->uuid, text, 32);
	len = (size_t)(second - comma - 1);
	if (len >= sizeof(level))
		len = sizeof(level) - 1;
	memcpy(level, comma + 1, len);
	level[len] = '\0';
	n = strtoul(second + 1, &end, 10);
	if (md_level_parse(level, &p->level) < 0 || second[1] < '1' || second[1] > '9' || *end || n < 1 ||
	    n > MD_PLAN_MEMBERS_MAX) {
		(void)snprintf(err, errlen, "dumpagent.md=%.*s: not UUID,LEVEL,MEMBERS (32 hex digits, raid1, 1-%d)",
			       MD_PLAN_TEXT_MAX, text, MD_PLAN_MEMBERS_MAX);
		return -1;
	}
	p->raid_disks = (unsigned)n;
	return 0;
}

int md_plan_format(const struct md_plan *p, char *out, size_t len)
{
	const char *level = md_level_name(p->level);

	if (!level)
		return -1;
	return (size_t)snprintf(out, len, "%s,%s,%u", p->uuid, level, p->raid_disks) < len ? 0 : -1;
}
