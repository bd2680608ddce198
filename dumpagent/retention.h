/* retention.h: which dumps to remove (retention limits), and the crash-loop guard. */
#ifndef DUMPAGENT_RETENTION_H
#define DUMPAGENT_RETENTION_H

#include <stddef.h>

#include "config.h"
#include "dumpdir_read.h"

#define RETENTION_DEFAULT_MAX_MB 4096ULL

struct retention_limits {
	unsigned max_dumps;            /* at least 1 */
	unsigned long long max_bytes;  /* 0: no limit */
	long long max_age;             /* seconds; 0: no limit */
	long long now;
};

/* One dump, oldest first; why is set by retention_plan to the reason for
 * removing it, or stays NULL. An entry with keep set is never removed. full:
 * it holds a memory dump (complete or fallback), not only a dmesg. */
struct retention_item {
	long long time;
	unsigned long long bytes;
	int incomplete, keep;
	const char *why;
	int full;
};

/* Marks what to remove: incomplete dumps, dumps older than max_age, then the
 * oldest until at most max_dumps remain and their bytes fit max_bytes.
 * Never marks the newest item, nor the newest full one: a run of dmesg-only
 * captures (a crash loop, a full disk) must not cost the last memory dump.
 * Returns how many were marked. */
size_t retention_plan(struct retention_item *items, size_t n, const struct retention_limits *l);
/* The limits of cfg for a filesystem of fs_bytes; room is subtracted from
 * MAX_DUMPS (1 when a dump is about to be written). */
void retention_limits_of(const struct config *cfg, unsigned long long fs_bytes, long long now,
			 unsigned room, struct retention_limits *l);
/* 1 when at least max dumps of set have an id time in the last minutes
 * before now, so a new crash should save only its dmesg; max 0: never. */
int retention_crash_loop(const struct dump_set *set, long long now, unsigned max,
			 unsigned minutes);

/* Applies the policy to set (sorted oldest first); as retention_plan, the
 * newest dump and the newest full dump stay. report(e, why, err) is told of
 * each removal (err 0) or failure (-errno). Returns the number removed. */
size_t retention_apply(struct dump_set *set, const struct retention_limits *l,
		       void (*report)(const struct dump_entry *e, const char *why, int err));

/* In the capture agent, before a new dump directory is made in crashfd
 * (path where) for a crash at crash_time (the time its id will name):
 * decides the crash-loop guard by crash_time, then applies the retention
 * limits with ages by now (the capture kernel's own clock, never the dead
 * kernel's CRASHTIME), logging each removal. Returns 1 when only the dmesg
 * should be saved (crash loop), else 0. */
int retention_before_capture(int crashfd, const char *where, const struct config *cfg,
			     long long now, long long crash_time);

#endif
