/* retention.c: which dumps to remove (retention limits), and the crash-loop guard.
 *
 * Like ChromeOS's per-spool limit and crashd's TTL plus byte budget: the
 * oldest go first; the newest dump, and the newest that holds memory, never go. */
#include "retention.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "log.h"

static void mark(struct retention_item *it, const char *why, size_t *removed)
{
	if (it->keep || it->why)
		return;
	it->why = why;
	(*removed)++;
}

/* The newest dump, and the newest that holds memory, are kept whatever the limits say. */
static void keep_newest(struct retention_item *items, size_t n)
{
	if (n > 0)
		items[n - 1].keep = 1;
	for (size_t i = n; i-- > 0;)
		if (items[i].full && !items[i].incomplete) {
			items[i].keep = 1;
			break;
		}
}

size_t retention_plan(struct retention_item *items, size_t n, const struct retention_limits *l)
{
	unsigned long long bytes = 0;
	size_t removed = 0, left;

	keep_newest(items, n);
	for (size_t i = 0; i < n; i++) {
		items[i].why = NULL;
		if (items[i].incomplete)
			mark(&items[i], "incomplete: cut short, only temporary files", &removed);
		else if (l->max_age && items[i].time < l->now - l->max_age)
			mark(&items[i], "older than MAX_AGE_DAYS", &removed);
	}
	left = n - removed;
	for (size_t i = 0; i < n && left > l->max_dumps; i++) {
		size_t before = removed;

		mark(&items[i], "more than MAX_DUMPS", &removed);
		left -= removed - before;
	}
	for (size_t i = 0; i < n; i++)
		if (!items[i].why)
			bytes += items[i].bytes;
	for (size_t i = 0; i < n && l->max_bytes && bytes > l->max_bytes; i++) {
		if (items[i].why || items[i].keep)
			continue;
		mark(&items[i], "over MAX_TOTAL_MB", &removed);
		bytes -= items[i].bytes;
	}
	return removed;
}

void retention_limits_of(const struct config *cfg, unsigned long long fs_bytes, long long now,
			 unsigned room, struct retention_limits *l)
{
	unsigned long max = config_number(cfg, KEY_MAX_DUMPS);
	unsigned long long total_mb = config_number(cfg, KEY_MAX_TOTAL_MB);

	if (!total_mb) {
		total_mb = (fs_bytes / 10) >> 20;
		if (total_mb > RETENTION_DEFAULT_MAX_MB || !fs_bytes)
			total_mb = RETENTION_DEFAULT_MAX_MB;
	}
	l->max_dumps = max > room ? (unsigned)(max - room) : 1;
	l->max_bytes = total_mb << 20;
	l->max_age = (long long)config_number(cfg, KEY_MAX_AGE_DAYS) * 86400;
	l->now = now;
}

int retention_crash_loop(const struct dump_set *set, long long now, unsigned max,
			 unsigned minutes)
{
	unsigned recent = 0;

	if (max == 0)
		return 0;
	/* Ids name the minute: a dump of the minute the window starts in counts. */
	for (size_t i = 0; i < set->count; i++)
		if (set->d[i].id_time >= now - (long long)minutes * 60 - 59 &&
		    set->d[i].id_time <= now + 60)
			recent++;
	return recent >= max;
}

size_t retention_apply(struct dump_set *set, const struct retention_limits *l,
		       void (*report)(const struct dump_entry *e, const char *why, int err))
{
	static struct retention_item items[DUMPDIR_MAX];
	size_t removed = 0;

	for (size_t i = 0; i < set->count; i++) {
		const struct dump_entry *e = &set->d[i];

		items[i] = (struct retention_item){
			e->id_time, e->bytes, e->status == DUMP_INCOMPLETE, 0, NULL,
			e->status == DUMP_COMPLETE || e->status == DUMP_FALLBACK,
		};
	}
	if (retention_plan(items, set->count, l) == 0)
		return 0;
	for (size_t i = 0; i < set->count; i++) {
		int r;

		if (!items[i].why)
			continue;
		r = dumpdir_remove(set->d[i].dirfd, set->d[i].id);
		report(&set->d[i], items[i].why, r);
		removed += r == 0;
	}
	return removed;
}

static void log_removal(const struct dump_entry *e, const char *why, int err)
{
	if (err)
		log_errno(-err, "gc: remove %s/%s (%s)", e->where, e->id, why);
	else
		log_info("gc: removed %s/%s: %s", e->where, e->id, why);
}

int retention_before_capture(int crashfd, const char *where, const struct config *cfg,
			     long long now, long long crash_time)
{
	static struct dump_set set;
	struct retention_limits l;
	struct statvfs vfs;
	unsigned long long fs_bytes = 0;
	unsigned max = (unsigned)config_number(cfg, KEY_CRASH_LOOP_MAX);
	unsigned minutes = (unsigned)config_number(cfg, KEY_CRASH_LOOP_MINUTES);
	int r, loop;

	set.count = set.skipped = 0;
	r = dumpdir_scan(crashfd, where, &set);
	if (r < 0) {
		log_errno(-r, "gc: read %s (no dump removed)", where);
		return 0;
	}
	dumpdir_sort(&set);
	loop = retention_crash_loop(&set, crash_time, max, minutes);
	if (loop)
		log_info("crash loop: %u or more dumps in the last %u minutes "
			 "(CRASH_LOOP_MAX=%u, CRASH_LOOP_MINUTES=%u): saving only the dmesg",
			 max, minutes, max, minutes);
	if (fstatvfs(crashfd, &vfs) == 0)
		fs_bytes = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
	else
		log_errno(errno, "gc: statvfs %s (MAX_TOTAL_MB falls back to 4096)", where);
	retention_limits_of(cfg, fs_bytes, now, 1, &l);
	/* Room for the new dump; but what it will be is not known yet (a crash
	 * loop, a full disk or a failed makedumpfile leave only the dmesg), so the
	 * newest dump and the newest full one stay until the next gc. */
	(void)retention_apply(&set, &l, log_removal);
	return loop;
}
