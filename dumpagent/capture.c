/* capture.c: the capture, in order: vmcore, disk, space, directory, retention, what to save, unmount.
 *
 * The order is the point: nothing is written before the vmcore, the disk and
 * the filesystem type are certain. capture_run comes first and tells it; its
 * steps follow. What is saved, and in which order, is capture_write.c: dmesg
 * and summary first, then the dump, then the report. */
#include "capture.h"
#include "capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "arm_threads.h"
#include "cmdline.h"
#include "io.h"
#include "log.h"
#include "screen.h"
#include "retention.h"

/* The steps of capture_run, in the order it takes them. */
static int load_settings(struct capture *c);
static void start_screen(struct capture *c);
static int check_vmcore(struct capture *c);
static int find_target(struct capture *c);
static int check_space(struct capture *c);
static time_t dir_time(struct capture *c);
static int open_dirs(struct capture *c);
static void apply_retention(struct capture *c, time_t t);
static int make_dump_dir(struct capture *c, time_t t);
/* save_all (capture_write.c): dmesg and summary first, then the dump, then the report;
 * capture_end (capture_end.c): the log saved, the target unmounted, the outcome said. */

enum capture_status capture_run(const struct capture_opts *opts)
{
	static struct capture c;
	enum capture_status status = CAPTURE_REFUSED;
	time_t t;

	memset(&c, 0, sizeof(c));
	c.opts = opts;
	c.rootfd = c.crashfd = c.dumpfd = c.md_fd = -1;
	c.now = opts->clock ? opts->clock : (long long)time(NULL);
	if (load_settings(&c) < 0)
		return CAPTURE_CONFIG;
	start_screen(&c);
	if (check_vmcore(&c) < 0) {
		capture_end_screen(&c, CAPTURE_FAILED);
		return CAPTURE_FAILED;
	}
	log_info("ready");
	screen_status("Looking for the target disk (%s)...", config_get(&c.cfg, KEY_TARGET));
	if (!opts->target_dir && find_target(&c) < 0)
		goto out;
	if (check_space(&c) < 0)
		goto out;
	log_info("target ok (dev=%s uuid=%s)", opts->target_dir ? opts->target_dir : c.dev.path,
		 opts->target_dir ? "(directory)" : c.dev.id.uuid);
	/* Until here nothing on the target was touched: no disk, the wrong one, or
	 * too little room is a refusal (nothing written). From here on the agent
	 * creates directories and removes old dumps, so whatever stops it is a
	 * failure, and the log and the screen say "failed", not "refused". */
	status = CAPTURE_FAILED;
	t = dir_time(&c);
	if (open_dirs(&c) < 0)
		goto out;
	/* Retention after the space check, so that a refused capture removes no
	 * dump; before the new directory, so that the crash-loop guard counts
	 * only the dumps already there and the removals make room for this one. */
	apply_retention(&c, t);
	if (make_dump_dir(&c, t) < 0)
		goto out;
	status = save_all(&c);
out:
	capture_end(&c, status);
	return status;
}

/* makedumpfile's threads: one a CPU that the arming asked for (nr_cpus=,
 * arm_threads.c), and that came up. */
static unsigned capture_threads(const char *cmdline)
{
	char value[16], *end;
	unsigned long asked = 1;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (cmdline_get(cmdline, "nr_cpus", value, sizeof(value)) == 0 &&
	    ((asked = strtoul(value, &end, 10)) < 1 || *end || asked > ARM_THREADS_MAX))
		asked = 1;
	if (online >= 1 && asked > (unsigned long)online) {
		log_info("nr_cpus=%lu, but %ld CPUs came up: makedumpfile runs %ld threads", asked, online, online);
		asked = (unsigned long)online;
	}
	return (unsigned)asked;
}

static int apply_cmdline(struct capture *c)
{
	static const struct { const char *param, *key; } map[] = {
		{ "dumpagent.target", "TARGET" },
		{ "dumpagent.fstype", "FSTYPE" },
		{ "dumpagent.bsod", "BSOD" },
		{ "dumpagent.shell", "EMERGENCY_SHELL" },
	};
	char cmdline[4096], value[CONFIG_VALUE_MAX];
	struct config_error err;
	ssize_t n;
	int fd = open(c->opts->cmdline, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		log_errno(errno, "open %s", c->opts->cmdline);
		return -1;
	}
	n = pread_full(fd, cmdline, sizeof(cmdline) - 1, 0);
	(void)close(fd); /* read-only */
	if (n < 0) {
		log_errno((int)-n, "read %s", c->opts->cmdline);
		return -1;
	}
	cmdline[n] = '\0';
	if (cmdline_get(cmdline, "dumpagent.lvm", c->lvm, sizeof(c->lvm)) < 0)
		c->lvm[0] = '\0';
	if (cmdline_get(cmdline, "dumpagent.md", c->md, sizeof(c->md)) < 0)
		c->md[0] = '\0';
	if (cmdline_get(cmdline, "dumpagent.luks", c->luks, sizeof(c->luks)) < 0)
		c->luks[0] = '\0';
	c->threads = capture_threads(cmdline);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (cmdline_get(cmdline, map[i].param, value, sizeof(value)) < 0)
			continue;
		if (config_set(&c->cfg, map[i].key, value, &err) < 0) {
			log_error("%s: %s=%s: %s", c->opts->cmdline, map[i].param, value, err.msg);
			return -1;
		}
	}
	return 0;
}

static int load_settings(struct capture *c)
{
	struct config_error err;

	if (config_load(c->opts->config_path, &c->cfg, &err) < 0) {
		config_report_error(c->opts->config_path, &err);
		return -1;
	}
	return apply_cmdline(c);
}

/* BSOD=1: the brown screen on the VT, mirrored as ANSI text on stderr. */
static void start_screen(struct capture *c)
{
	int r;

	if (strcmp(config_get(&c->cfg, KEY_BSOD), "1") != 0)
		return;
	r = screen_open(c->opts->tty, STDERR_FILENO);
	if (r < 0)
		log_errno(-r, "open %s for the brown screen", c->opts->tty);
}

static int check_vmcore(struct capture *c)
{
	char err[512], memory[32] = "an unknown amount";
	int fd = open(c->opts->vmcore, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		log_errno(errno, "open %s (is this a capture kernel booted by a panic?)",
			  c->opts->vmcore);
		return -1;
	}
	if (vmcore_read(fd, c->opts->vmcore, &c->vmcore, err, sizeof(err)) < 0) {
		(void)close(fd);
		log_error("%s", err);
		return -1;
	}
	(void)close(fd); /* read-only */
	if (c->vmcore.memory_error[0])
		log_warning("vmcore: the memory size is unknown: %s: its ELF core header is wrong",
			    c->vmcore.memory_error);
	else
		(void)snprintf(memory, sizeof(memory), "%llu MiB", (unsigned long long)(c->vmcore.memory_bytes >> 20));
	log_info("vmcore: kernel %s, %u CPU notes, %s of memory in %u segments",
		 c->vmcore.osrelease[0] ? c->vmcore.osrelease : "(unknown)", c->vmcore.prstatus_count, memory,
		 c->vmcore.load_segments);
	if (c->vmcore.regs_error[0])
		log_warning("vmcore: CPU registers not decoded: %s", c->vmcore.regs_error);
	for (unsigned i = 0; i < c->vmcore.prstatus_count && i < 8 && i < VMCORE_MAX_CPUS; i++)
		log_info("vmcore: CPU note %u: pid %d, ip %016llx, sp %016llx", i,
			 (int)c->vmcore.cpu[i].pid, (unsigned long long)c->vmcore.cpu[i].ip,
			 (unsigned long long)c->vmcore.cpu[i].sp);
	return 0;
}

static int mount_target(struct capture *c)
{
	const char *data = strcmp(c->dev.id.type, "vfat") == 0 ? "umask=0077" : NULL;

	if (mkdir(c->opts->mountpoint, 0700) < 0 && errno != EEXIST) {
		log_errno(errno, "mkdir %s", c->opts->mountpoint);
		return -1;
	}
	/* No fsck: a repair on the worst day could destroy what we came to save.
	 * The journal replay the kernel does on mount is expected. */
	if (mount(c->dev.path, c->opts->mountpoint, c->dev.id.type, MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  data) < 0) {
		log_errno(errno, "mount %s (%s) on %s", c->dev.path, c->dev.id.type,
			  c->opts->mountpoint);
		return -1;
	}
	c->mounted = 1;
	log_info("mounted %s (%s UUID=%s) on %s", c->dev.path, c->dev.id.type, c->dev.id.uuid,
		 c->opts->mountpoint);
	return 0;
}

static int find_target(struct capture *c)
{
	struct target_env env = { c->opts->sys_block, c->opts->dev_dir, c->opts->wait_ms, 1000, NULL };
	struct target_spec spec;
	char err[1536];

	/* On an LV (an md array) the filesystem's UUID is read through the
	 * mapping (the array), once made. */
	if (target_spec_parse(config_get(&c->cfg, KEY_TARGET), config_get(&c->cfg, KEY_FSTYPE),
			      &spec, err, sizeof(err)) < 0 ||
	    (c->luks[0]  ? capture_luks_target(c, &spec, err, sizeof(err)) /* and an LV under or over it */
	     : c->lvm[0] ? capture_lvm_target(c, &spec, NULL, err, sizeof(err))
	     : c->md[0]  ? capture_md_target(c, &spec, err, sizeof(err))
			 : target_find(&env, &spec, &c->dev, err, sizeof(err))) < 0) {
		log_error("%s; nothing was written", err);
		return -1;
	}
	return mount_target(c);
}

static const char *target_root(const struct capture *c)
{
	return c->opts->target_dir ? c->opts->target_dir : c->opts->mountpoint;
}

/* Like savecore's minfree: a capture must not fill the disk the system needs to boot. */
static int check_space(struct capture *c)
{
	unsigned long min = config_min_free_mb(&c->cfg);
	unsigned long long free_mb;
	struct statvfs vfs;

	if (statvfs(target_root(c), &vfs) < 0) {
		log_errno(errno, "statvfs %s", target_root(c));
		return -1;
	}
	if (vfs.f_flag & ST_RDONLY) {
		log_error("%s is mounted read-only; nothing was written", target_root(c));
		return -1;
	}
	free_mb = ((unsigned long long)vfs.f_bavail * vfs.f_frsize) >> 20;
	if (free_mb < min) {
		log_error("only %llu MiB free on %s, below MIN_FREE_MB=%lu; nothing was written",
			  free_mb, target_root(c), min);
		return -1;
	}
	log_info("%llu MiB free on %s (MIN_FREE_MB=%lu)", free_mb, target_root(c), min);
	return 0;
}

/* Others can list the crash directory, or it is not root's: hide the dumps'
 * existence one level down, where the admin commands look (dumpdir_read.c's rule). */
static int use_private_dir(struct capture *c, const struct stat *st)
{
	const char *crash_dir = config_get(&c->cfg, KEY_CRASH_DIR);
	struct capture_dir_private_info pi;
	int fd = capture_dir_private_open(c->crashfd, DUMP_PRIVATE_DIR, &pi);

	if (fd < 0) {
		log_errno(-fd, "%s %s/%s%s%s%s", pi.failed, crash_dir, DUMP_PRIVATE_DIR,
			  pi.aside[0] ? " (as " : "", pi.aside, pi.aside[0] ? ")" : "");
		return -1;
	}
	if (pi.moved)
		log_error("%s/%s was not a root-only directory: renamed it aside as %s/%s", crash_dir,
			  DUMP_PRIVATE_DIR, crash_dir, pi.aside);
	if (st->st_mode & 0077)
		log_info("%s is mode %04o, others can list it: writing to the root-only %s/%s instead",
			 crash_dir, (unsigned)(st->st_mode & 07777), crash_dir, DUMP_PRIVATE_DIR);
	else
		log_info("%s is owned by uid %u, not root: writing to the root-only %s/%s instead",
			 crash_dir, (unsigned)st->st_uid, crash_dir, DUMP_PRIVATE_DIR);
	(void)close(c->crashfd); /* a directory opened read-only */
	c->crashfd = fd;
	(void)snprintf(c->crash_path, sizeof(c->crash_path), "%s/%s", crash_dir, DUMP_PRIVATE_DIR);
	return 0;
}

/* CRASHTIME comes from the dead kernel's memory: it names the dump directory
 * only when the capture kernel's own clock (the RTC, read at boot) agrees
 * within CRASHTIME_SLACK, which covers an RTC kept in local time. Else the
 * capture kernel's clock names it, and the summary shows no crash time. */
#define CRASHTIME_SLACK (26LL * 3600)

static time_t dir_time(struct capture *c)
{
	long long ct = c->vmcore.crash_time;

	if (ct < 0) {
		log_info("the vmcore has no CRASHTIME: the capture kernel's clock names the dump");
		return (time_t)c->now;
	}
	if (ct > c->now + CRASHTIME_SLACK || ct < c->now - CRASHTIME_SLACK) {
		log_error("CRASHTIME=%lld in the vmcore is more than %lld hours from the capture "
			  "kernel's clock (%lld): the capture kernel's clock names the dump",
			  ct, CRASHTIME_SLACK / 3600, c->now);
		c->vmcore.crash_time = -1; /* not shown as the crash time either */
		return (time_t)c->now;
	}
	log_info("CRASHTIME of the vmcore names the dump (the capture kernel's clock is %+lld s "
		 "from it)", c->now - ct);
	return (time_t)ct;
}

static int open_dirs(struct capture *c)
{
	const char *root = target_root(c);
	const char *crash_dir = config_get(&c->cfg, KEY_CRASH_DIR);
	char comp[256] = "";
	struct stat st;

	c->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0) {
		log_errno(errno, "open %s", root);
		return -1;
	}
	c->crashfd = capture_dir_open(c->rootfd, crash_dir, comp, sizeof(comp));
	if (c->crashfd < 0) {
		log_errno(-c->crashfd, "open %s (at '%s') on %s without following links", crash_dir,
			  comp, root);
		return -1;
	}
	(void)snprintf(c->crash_path, sizeof(c->crash_path), "%s", crash_dir);
	if (fstat(c->crashfd, &st) < 0) {
		log_errno(errno, "stat %s", crash_dir);
		return -1;
	}
	if (!dump_dir_root_only(&st) && use_private_dir(c, &st) < 0)
		return -1;
	return 0;
}

/* Ages by the capture kernel's clock; the crash loop by the ids' clock (t). */
static void apply_retention(struct capture *c, time_t t)
{
	c->loop_guard = retention_before_capture(c->crashfd, c->crash_path, &c->cfg, c->now,
						 (long long)t);
}

static int make_dump_dir(struct capture *c, time_t t)
{
	c->dumpfd = capture_dir_new_dump_dir(c->crashfd, t, c->dirname);
	if (c->dumpfd < 0) {
		log_errno(-c->dumpfd, "create a dump directory for %lld in %s", (long long)t,
			  c->crash_path);
		return -1;
	}
	log_info("writing to %s/%s", c->crash_path, c->dirname);
	return 0;
}
