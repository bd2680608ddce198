/* capture_end.c: the end of a capture: its log saved, an empty directory removed, the target unmounted, the outcome said. */
#include "capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "screen.h"

/* A capture that saved nothing leaves no empty directory behind to puzzle over. */
static void remove_empty_dump_dir(struct capture *c)
{
	if (c->dumpfd < 0)
		return;
	(void)close(c->dumpfd); /* empty directory, nothing to lose */
	c->dumpfd = -1;
	if (unlinkat(c->crashfd, c->dirname, AT_REMOVEDIR) < 0)
		log_errno(errno, "remove empty %s/%s", c->crash_path, c->dirname);
	else if (fsync(c->crashfd) < 0)
		log_errno(errno, "fsync %s", c->crash_path);
}

static void finish(struct capture *c)
{
	int fds[] = { c->dumpfd, c->crashfd, c->rootfd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0 && close(fds[i]) < 0)
			log_errno(errno, "close a directory of the target");
	if (c->mounted) {
		sync();
		if (umount(c->opts->mountpoint) < 0) {
			log_errno(errno, "umount %s", c->opts->mountpoint);
			return; /* an md array stays up: md marks it at the reboot */
		}
		log_info("unmounted %s", c->opts->mountpoint);
	}
	capture_md_stop(c);
}

/* One word for the "done" marker and the screen. */
static const char *status_word(enum capture_status status)
{
	switch (status) {
	case CAPTURE_OK: return "complete";
	case CAPTURE_FALLBACK: return "fallback";
	case CAPTURE_DMESG_ONLY: return "dmesg-only";
	case CAPTURE_REFUSED: return "refused";
	default: return "failed";
	}
}

static const char *outcome_text(const struct capture *c, enum capture_status status)
{
	switch (status) {
	case CAPTURE_OK: return "complete";
	case CAPTURE_FALLBACK:
		return c->fallback ? "fallback (unfiltered vmcore, gzipped)" : "dump without dmesg";
	case CAPTURE_DMESG_ONLY:
		return c->loop_guard ? "dmesg-only (crash loop)"
		       : c->no_space ? "dmesg-only (no space)"
				     : "dmesg-only";
	case CAPTURE_REFUSED: return "refused: nothing written";
	default: return c->summary_only ? "failed: only the summary saved" : "failed: nothing saved";
	}
}

static void log_peak_rss(void)
{
	struct rusage self, children;

	if (getrusage(RUSAGE_SELF, &self) == 0 && getrusage(RUSAGE_CHILDREN, &children) == 0)
		log_info("peak RSS: agent %ld KiB, makedumpfile %ld KiB", self.ru_maxrss,
			 children.ru_maxrss);
}

static void save_capture_log(struct capture *c, enum capture_status status)
{
	struct save_ctx s = save_ctx_of(c);

	log_peak_rss();
	log_info("outcome: %s", outcome_text(c, status));
	if (c->dumpfd >= 0 && (status != CAPTURE_FAILED || c->summary_only))
		(void)save_log(&s); /* save_log reports its own failure; the dump is saved */
}

void capture_end_screen(struct capture *c, enum capture_status status)
{
	const char *action = config_get(&c->cfg, status == CAPTURE_OK ? KEY_FINAL_ACTION
								     : KEY_FAILURE_ACTION);

	if (!screen_active())
		return;
	screen_progress("");
	screen_status("Capture %s. Next: %s in %lu s, or press a key.", outcome_text(c, status),
		      action, config_number(&c->cfg, KEY_BSOD_SECONDS));
	screen_close();
}

/* After the steps of capture_run, in this order: the log is saved into the
 * dump directory while it is still open, then the directories are closed and
 * the target unmounted (sync first), then the outcome is said. */
void capture_end(struct capture *c, enum capture_status status)
{
	save_capture_log(c, status);
	if (status == CAPTURE_FAILED && !c->summary_only)
		remove_empty_dump_dir(c);
	finish(c);
	log_info("capture %s", outcome_text(c, status));
	log_info("done (status=%s)", status_word(status));
	capture_end_screen(c, status);
}
