/* cli_complete.c: dumpagent complete: the dumps' apport reports get their VmCore at the next boot (REPORT_VMCORE=boot). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "dump_format.h"
#include "log.h"
#include "outbuf.h"
#include "report_embed.h"

/* The files of one dump that completing reads: its report and its dump. */
struct completing {
	const struct dump_entry *e;
	int dumpfd, rpt, dump;
	char report[DUMP_NAME_MAX], tmp[DUMP_NAME_MAX + 8];
	unsigned long long size;
};

/* Writes the report with its VmCore as .<report>.part, fsynced, then
 * renames it over the report: a reader sees the old report or the whole new
 * one, and a crash on the way leaves the old one. 0 or -1 (said). */
static int rewrite(struct completing *k)
{
	static struct outbuf o;
	char err[256] = "";
	int out, r = 0;

	(void)snprintf(k->tmp, sizeof(k->tmp), ".%s.part", k->report);
	(void)unlinkat(k->dumpfd, k->tmp, 0); /* left by an earlier run cut short: ours (root's 0700 directory) */
	out = openat(k->dumpfd, k->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		log_errno(errno, "complete: create %s/%s/%s", k->e->where, k->e->id, k->tmp);
		return -1;
	}
	outbuf_init(&o, out);
	if (report_embed_write(&o, k->rpt, k->dump, err, sizeof(err)) < 0)
		r = -1;
	else if (fsync(out) < 0)
		r = -1, (void)snprintf(err, sizeof(err), "fsync: %s", strerror(errno));
	if (close(out) < 0 && r == 0)
		r = -1, (void)snprintf(err, sizeof(err), "close: %s", strerror(errno));
	if (r == 0 && renameat(k->dumpfd, k->tmp, k->dumpfd, k->report) < 0)
		r = -1, (void)snprintf(err, sizeof(err), "rename over %s: %s", k->report, strerror(errno));
	if (r < 0) {
		(void)unlinkat(k->dumpfd, k->tmp, 0); /* best effort: the error is what counts */
		log_error("complete: %s/%s/%s: %s; the report stays without VmCore", k->e->where, k->e->id,
			  k->tmp, err);
		return -1;
	}
	if (fsync(k->dumpfd) < 0)
		log_errno(errno, "complete: fsync %s/%s (the report may not survive a crash)", k->e->where, k->e->id);
	return 0;
}

/* Opens what completing e reads, and decides: 1 to rewrite, 0 when there
 * is nothing to do (said when it is a choice), -1 on an error (said). */
static int prepare(const struct cli *c, struct completing *k)
{
	char dump[DUMP_NAME_MAX];
	struct stat st;
	struct statvfs vfs;
	const char *no;
	int has;

	if (k->e->status != DUMP_COMPLETE || cli_find_report(k->e->id, k->dumpfd, k->report, sizeof(k->report)) < 0)
		return 0; /* no dump to embed (a fallback core is gzipped), or no report */
	k->rpt = cli_open_file(k->dumpfd, k->report, &st);
	if (k->rpt < 0) {
		log_errno(-k->rpt, "complete: open %s/%s/%s (a regular file of root's)", k->e->where, k->e->id, k->report);
		return -1;
	}
	has = report_has_vmcore(k->rpt);
	if (has == 1)
		return 0; /* complete already */
	if (has < 0 || lseek(k->rpt, 0, SEEK_SET) < 0) {
		log_errno(has < 0 ? -has : errno, "complete: read %s/%s/%s", k->e->where, k->e->id, k->report);
		return -1;
	}
	k->dump = cli_open_file(k->dumpfd, dump_file_name(DUMP_FILE_DUMP, k->e->id, dump), &st);
	if (k->dump < 0 || fstatvfs(k->dumpfd, &vfs) < 0) {
		log_errno(k->dump < 0 ? -k->dump : errno, "complete: open %s/%s/%s", k->e->where, k->e->id, dump);
		return -1;
	}
	k->size = (unsigned long long)st.st_size;
	no = report_embed_refusal(k->size, config_report_vmcore_max_mb(&c->cfg),
				  (unsigned long long)config_min_free_mb(&c->cfg) << 20,
				  (unsigned long long)vfs.f_bavail * vfs.f_frsize);
	if (no)
		printf("%s: VmCore not embedded in %s: %s\n", k->e->id, k->report, no);
	return no ? 0 : 1;
}

/* 1 completed, 0 nothing to do, -1 failed. */
static int complete_one(const struct cli *c, const struct dump_entry *e)
{
	struct completing k = { e, -1, -1, -1, "", "", 0 };
	int r;

	k.dumpfd = openat(e->dirfd, e->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (k.dumpfd < 0) {
		log_errno(errno, "complete: open %s/%s", e->where, e->id);
		return -1;
	}
	r = prepare(c, &k);
	if (r == 1 && rewrite(&k) < 0)
		r = -1;
	if (r == 1)
		printf("%s: VmCore embedded in %s/%s/%s (%llu MiB)\n", e->id, e->where, e->id, k.report,
		       k.size >> 20);
	if (k.dump >= 0)
		(void)close(k.dump); /* read-only */
	if (k.rpt >= 0)
		(void)close(k.rpt); /* read-only */
	(void)close(k.dumpfd);      /* read-only */
	return r;
}

int cli_complete(int argc, char **argv)
{
	static struct cli c;
	size_t done = 0, failed = 0;
	int r = cli_start(&c, "complete", argc, argv);

	if (r == EXIT_OK)
		r = cli_scan(&c);
	if (r != EXIT_OK)
		return r;
	if (strcmp(config_get(&c.cfg, KEY_REPORT_VMCORE), "boot") != 0) {
		printf("complete: REPORT_VMCORE=%s: the reports are left as they are\n",
		       config_get(&c.cfg, KEY_REPORT_VMCORE));
		cli_finish(&c);
		return EXIT_OK;
	}
	for (size_t i = 0; i < c.set.count; i++) {
		int one = complete_one(&c, &c.set.d[i]);

		done += one == 1, failed += one < 0;
	}
	printf("complete: %zu report%s completed, %zu failed\n", done, done == 1 ? "" : "s", failed);
	cli_finish(&c);
	return failed ? EXIT_FAILED : EXIT_OK;
}
