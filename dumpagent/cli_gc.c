/* cli_gc.c: dumpagent delete ID and dumpagent gc (the retention policy of dumpagent.conf). */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "log.h"
#include "retention.h"

int cli_delete(int argc, char **argv)
{
	static struct cli c;
	const struct dump_entry *e;
	int r = cli_start(&c, "delete", argc, argv);

	if (r == EXIT_OK)
		r = cli_scan(&c);
	if (r != EXIT_OK)
		return r;
	e = cli_dump(&c, c.arg);
	if (!e) {
		r = EXIT_NO_DUMP;
	} else if ((r = dumpdir_remove(e->dirfd, e->id)) < 0) {
		log_errno(-r, "delete %s/%s", e->where, e->id);
		r = EXIT_FAILED;
	} else {
		printf("deleted %s/%s\n", e->where, e->id);
	}
	cli_finish(&c);
	return r;
}

static int gc_failed;

static void report(const struct dump_entry *e, const char *why, int err)
{
	char size[32];

	(void)snprintf(size, sizeof(size), "%llu bytes", e->bytes);
	if (err) {
		log_errno(-err, "gc: remove %s/%s (%s)", e->where, e->id, why);
		gc_failed = 1;
	} else {
		printf("removed %s/%s (%s, %s): %s\n", e->where, e->id, dumpdir_status_name(e->status),
		       size, why);
	}
}

int cli_gc(int argc, char **argv)
{
	static struct cli c;
	struct retention_limits l;
	struct statvfs vfs;
	unsigned long long fs_bytes = 0;
	size_t removed;
	int r = cli_start(&c, "gc", argc, argv);

	if (r == EXIT_OK)
		r = cli_scan(&c);
	if (r != EXIT_OK)
		return r;
	if (c.crashfd >= 0 && fstatvfs(c.crashfd, &vfs) == 0)
		fs_bytes = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
	retention_limits_of(&c.cfg, fs_bytes, (long long)time(NULL), 0, &l);
	gc_failed = 0;
	removed = retention_apply(&c.set, &l, report);
	printf("gc: %zu removed, %zu kept (MAX_DUMPS=%u, total %llu MiB at most%s%s)\n", removed,
	       c.set.count - removed, l.max_dumps, l.max_bytes >> 20,
	       l.max_age ? ", MAX_AGE_DAYS=" : "", l.max_age ? config_get(&c.cfg, KEY_MAX_AGE_DAYS) : "");
	cli_finish(&c);
	return gc_failed ? EXIT_FAILED : EXIT_OK;
}
