/* cli_common.c: options, the root check, and where the dumps are, for the admin commands. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "arm_target.h"
#include "command.h"
#include "io.h"
#include "log.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

static int cli_option(void *ctx, int letter, const char *value)
{
	struct cli *c = ctx;

	switch (letter) {
	case 'c': c->config_path = value; break;
	case 'd': c->crash_dir_opt = value; break;
	case 'j': c->json = 1; break;
	case 'y': c->yes = 1; break;
	case 't': c->tar = value; break;
	case 'a': c->apport = "1"; break;
	}
	return EXIT_OK;
}

static void load_config(struct cli *c)
{
	struct config_error err;

	c->config_ok = config_load(c->config_path, &c->cfg, &err) == 0;
	if (c->config_ok)
		return;
	if (err.line)
		(void)snprintf(c->config_error, sizeof(c->config_error), "%s:%u: %s", c->config_path,
			       err.line, err.msg);
	else
		(void)snprintf(c->config_error, sizeof(c->config_error), "%s", err.msg);
	config_defaults(&c->cfg);
}

int cli_start(struct cli *c, const char *name, int argc, char **argv)
{
	const struct command *cmd = command_named(name);
	int first, r;

	log_set_command(name);
	memset(c, 0, sizeof(*c));
	c->crashfd = c->privatefd = -1;
	c->config_path = CONFIG_PATH;
	c->sysfs = env_or("DUMPAGENT_SYSFS", "/sys");
	c->proc = env_or("DUMPAGENT_PROC", "/proc");
	c->dev = env_or("DUMPAGENT_DEV", "/dev");
	c->run = env_or("DUMPAGENT_RUN", "/run/dumpagent");
	r = command_parse(cmd, argc, argv, cli_option, c, &first);
	if (r != EXIT_OK)
		return r;
	if (cmd->operand)
		c->arg = argv[first];
	/* Before anything is read: not even how many dumps there are. */
	if (geteuid() != 0) {
		log_error("permission denied: crash dumps are readable by root only");
		return EXIT_DENIED;
	}
	load_config(c);
	if (!c->config_ok && strcmp(name, "status") != 0) {
		log_error("%s", c->config_error);
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

/* The mount of device number dev in mountinfo (arm_target.c reads it, the
 * same as for load-crashkernel's TARGET=auto); mountinfo must be root's. 0 or -1. */
static int find_mount(const struct cli *c, dev_t dev, struct cli_target *t)
{
	char path[CLI_PATH_MAX];
	struct arm_mount m;
	struct stat st;
	int found, fd;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/self/mountinfo", c->proc);
	fd = cli_open_file(AT_FDCWD, path, &st);
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f) {
		if (fd >= 0)
			(void)close(fd); /* read-only */
		return -1;
	}
	found = arm_mount_find(f, dev, &m);
	(void)fclose(f); /* read-only */
	if (found == 0) {
		(void)snprintf(t->mountpoint, sizeof(t->mountpoint), "%s", m.mountpoint);
		(void)snprintf(t->device, sizeof(t->device), "%s", m.device);
		(void)snprintf(t->fstype, sizeof(t->fstype), "%s", m.fstype);
	}
	return found;
}

static void disk_link(const struct cli *c, const char *target, char *out, size_t len)
{
	if (strncmp(target, "UUID=", 5) == 0)
		(void)snprintf(out, len, "%s/disk/by-uuid/%s", c->dev, target + 5);
	else if (strncmp(target, "LABEL=", 6) == 0)
		(void)snprintf(out, len, "%s/disk/by-label/%s", c->dev, target + 6);
	else
		(void)snprintf(out, len, "%s%s", c->dev, target + 4); /* /dev/disk/by-... */
}

/* TARGET=auto is the filesystem of CRASH_DIR (or its nearest existing parent). */
int cli_resolve_target(const struct cli *c, struct cli_target *t, char *why, size_t len)
{
	const char *target = config_get(&c->cfg, KEY_TARGET);
	char path[CLI_PATH_MAX];
	struct statvfs vfs;
	struct stat st;
	dev_t dev;

	memset(t, 0, sizeof(*t));
	if (strcmp(target, "auto") == 0) {
		int r = arm_existing_dir(config_get(&c->cfg, KEY_CRASH_DIR), path, sizeof(path), &dev);

		if (r < 0) {
			(void)snprintf(why, len, "TARGET=auto: stat %s: %s", path, strerror(-r));
			return -1;
		}
	} else {
		disk_link(c, target, path, sizeof(path));
		if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode)) {
			(void)snprintf(why, len, "TARGET=%s: no block device %s (%s)", target, path,
				       strerror(errno ? errno : ENOTBLK));
			return -1;
		}
		dev = st.st_rdev;
	}
	if (find_mount(c, dev, t) < 0) {
		(void)snprintf(why, len, "TARGET=%s (device %u:%u) is not mounted here", target,
			       major(dev), minor(dev));
		return -1;
	}
	t->dev = dev;
	if (statvfs(t->mountpoint, &vfs) == 0) {
		t->free_bytes = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
		t->size_bytes = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
	}
	return 0;
}

/* Where the capture writes: CRASH_DIR inside the target filesystem, from its
 * root, so <mount point><CRASH_DIR> here. For TARGET=auto the target is the
 * filesystem holding CRASH_DIR (as load-crashkernel resolves it): with /var
 * mounted apart, CRASH_DIR=/var/crash is /var/var/crash on this system. */
static int crash_path(struct cli *c, char *why, size_t len)
{
	const char *dir = config_get(&c->cfg, KEY_CRASH_DIR);
	struct cli_target t;

	if (c->crash_dir_opt) {
		(void)snprintf(c->crash_path, sizeof(c->crash_path), "%s", c->crash_dir_opt);
		return 0;
	}
	if (cli_resolve_target(c, &t, why, len) < 0) {
		if (strcmp(config_get(&c->cfg, KEY_TARGET), "auto") != 0)
			return -1;
		/* load-crashkernel cannot arm either, so nothing was captured elsewhere. */
		(void)snprintf(c->crash_path, sizeof(c->crash_path), "%s", dir);
		return 0;
	}
	(void)snprintf(c->crash_path, sizeof(c->crash_path), "%s%s",
		       strcmp(t.mountpoint, "/") == 0 ? "" : t.mountpoint, dir);
	return 0;
}

/* The root-only subdirectory the agent uses when others can list CRASH_DIR. */
static void open_private(struct cli *c)
{
	int fd = dumpdir_open(c->crashfd, DUMP_PRIVATE_DIR);

	if (fd < 0)
		return; /* missing, or someone else's directory: no dumps of the agent */
	c->privatefd = fd;
	(void)snprintf(c->private_path, sizeof(c->private_path), "%s/%s", c->crash_path,
		       DUMP_PRIVATE_DIR);
}

/* Others can make directories in a CRASH_DIR that is not root's, or that they
 * can list (apport's 3777): the agent then writes only to its root-only
 * subdirectory, and only that is read. 0, or -errno. */
static int check_crash_dir(struct cli *c)
{
	struct stat st;

	if (fstat(c->crashfd, &st) < 0)
		return -errno;
	c->crash_trusted = dump_dir_root_only(&st);
	if (st.st_uid != 0)
		log_warning("%s is owned by uid %u, not root: only its root-only subdirectory %s is "
			    "read; chown root %s", c->crash_path, (unsigned)st.st_uid, DUMP_PRIVATE_DIR,
			    c->crash_path);
	return 0;
}

static int open_crash_dir(struct cli *c)
{
	int r;

	c->crashfd = open(c->crash_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->crashfd < 0) {
		if (errno == ENOENT)
			return EXIT_OK; /* no crash directory yet: no dumps */
		log_errno(errno, "open %s", c->crash_path);
		return EXIT_FAILED;
	}
	r = check_crash_dir(c);
	if (r < 0) {
		log_errno(-r, "stat %s", c->crash_path);
		return EXIT_FAILED;
	}
	open_private(c);
	return EXIT_OK;
}

int cli_scan(struct cli *c)
{
	char why[CLI_PATH_MAX];
	int r = 0;

	if (crash_path(c, why, sizeof(why)) < 0) {
		log_error("cannot find the dumps: %s; mount it, or name the directory with --crash-dir",
			  why);
		return EXIT_FAILED;
	}
	if (open_crash_dir(c) != EXIT_OK)
		return EXIT_FAILED;
	if (c->crashfd >= 0 && c->crash_trusted)
		r = dumpdir_scan(c->crashfd, c->crash_path, &c->set);
	if (r < 0) {
		log_errno(-r, "read %s", c->crash_path);
		return EXIT_FAILED;
	}
	if (c->privatefd >= 0)
		r = dumpdir_scan(c->privatefd, c->private_path, &c->set);
	if (r < 0) {
		log_errno(-r, "read %s", c->private_path);
		return EXIT_FAILED;
	}
	if (c->set.skipped)
		log_warning("more than %d dumps: %zu not shown", DUMPDIR_MAX, c->set.skipped);
	dumpdir_sort(&c->set);
	return EXIT_OK;
}

int cli_agent_dir(const struct cli *c)
{
	return c->crash_trusted ? c->crashfd : c->privatefd;
}

void cli_finish(struct cli *c)
{
	if (c->crashfd >= 0)
		(void)close(c->crashfd); /* directories opened read-only */
	if (c->privatefd >= 0)
		(void)close(c->privatefd);
}

struct dump_entry *cli_dump(struct cli *c, const char *id)
{
	struct dump_entry *e = dumpdir_find(&c->set, id);

	if (!e)
		log_error("no dump '%s' in %s; see dumpagent list", id, c->crash_path);
	return e;
}

int cli_open_dump(struct cli *c, const struct dump_entry **e, int *dumpfd)
{
	int r = cli_scan(c);

	if (r != EXIT_OK)
		return r;
	*e = cli_dump(c, c->arg);
	if (!*e)
		return EXIT_NO_DUMP;
	*dumpfd = dumpdir_open_entry(*e);
	if (*dumpfd < 0) {
		log_errno(-*dumpfd, "open %s/%s", (*e)->where, (*e)->id);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

void cli_format_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm))
		(void)snprintf(buf, len, "?");
}
