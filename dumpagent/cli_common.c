/* cli_common.c: options, the root check, and where the dumps are, for the admin commands. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "arm_target.h"
#include "io.h"
#include "log.h"

#define DEFAULT_CONFIG "/etc/dumpagent.conf"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

/* Which options each command takes: c config, d crash-dir, j json, y yes, t tar, a apport. */
static const struct {
	const char *name, *opts;
	int wants_id;
} commands[] = {
	{ "status", "cdj", 0 }, { "list", "cdj", 0 }, { "show", "cdj", 1 }, { "export", "cdta", 1 },
	{ "delete", "cd", 1 },	{ "gc", "cd", 0 },    { "test", "cdy", 0 },
};

static int usage_error(const char *name, const char *what)
{
	fprintf(stderr, "dumpagent: %s: %s; see dumpagent --help\n", name, what);
	return CLI_USAGE;
}

static int parse_options(struct cli *c, int k, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' }, { "crash-dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },	    { "yes", no_argument, NULL, 'y' },
		{ "tar", required_argument, NULL, 't' },    { "apport", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == '?' || !strchr(commands[k].opts, opt))
			return usage_error(commands[k].name, "unknown option or missing argument");
		switch (opt) {
		case 'c': c->config_path = optarg; break;
		case 'd': c->crash_dir_opt = optarg; break;
		case 'j': c->json = 1; break;
		case 'y': c->yes = 1; break;
		case 't': c->tar = optarg; break;
		case 'a': c->apport = "1"; break;
		}
	}
	if (commands[k].wants_id && optind + 1 == argc)
		c->arg = argv[optind++];
	if (optind != argc)
		return usage_error(commands[k].name, commands[k].wants_id ? "expected one dump ID"
									  : "unexpected argument");
	if (commands[k].wants_id && !c->arg)
		return usage_error(commands[k].name, "expected a dump ID (see dumpagent list)");
	return CLI_OK;
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
	size_t k = 0;
	int r;

	memset(c, 0, sizeof(*c));
	c->crashfd = c->privatefd = -1;
	c->config_path = DEFAULT_CONFIG;
	c->sysfs = env_or("DUMPAGENT_SYSFS", "/sys");
	c->proc = env_or("DUMPAGENT_PROC", "/proc");
	c->dev = env_or("DUMPAGENT_DEV", "/dev");
	c->run = env_or("DUMPAGENT_RUN", "/run/dumpagent");
	while (strcmp(commands[k].name, name) != 0)
		k++;
	r = parse_options(c, (int)k, argc, argv);
	if (r != CLI_OK)
		return r;
	/* Before anything is read: not even how many dumps there are. */
	if (geteuid() != 0) {
		fputs("dumpagent: permission denied: crash dumps are readable by root only\n", stderr);
		return CLI_DENIED;
	}
	load_config(c);
	if (!c->config_ok && strcmp(name, "status") != 0) {
		fprintf(stderr, "dumpagent: %s\n", c->config_error);
		return CLI_USAGE;
	}
	return CLI_OK;
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
		fprintf(stderr, "dumpagent: warning: %s is owned by uid %u, not root: only its root-only "
				"subdirectory %s is read; chown root %s\n", c->crash_path,
			(unsigned)st.st_uid, DUMP_PRIVATE_DIR, c->crash_path);
	return 0;
}

static int open_crash_dir(struct cli *c)
{
	int r;

	c->crashfd = open(c->crash_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->crashfd < 0) {
		if (errno == ENOENT)
			return CLI_OK; /* no crash directory yet: no dumps */
		log_errno(errno, "open %s", c->crash_path);
		return CLI_FAILED;
	}
	r = check_crash_dir(c);
	if (r < 0) {
		log_errno(-r, "stat %s", c->crash_path);
		return CLI_FAILED;
	}
	open_private(c);
	return CLI_OK;
}

int cli_scan(struct cli *c)
{
	char why[CLI_PATH_MAX];
	int r = 0;

	if (crash_path(c, why, sizeof(why)) < 0) {
		fprintf(stderr, "dumpagent: cannot find the dumps: %s; mount it, or name the "
				"directory with --crash-dir\n", why);
		return CLI_FAILED;
	}
	if (open_crash_dir(c) != CLI_OK)
		return CLI_FAILED;
	if (c->crashfd >= 0 && c->crash_trusted)
		r = dumpdir_scan(c->crashfd, c->crash_path, &c->set);
	if (r < 0) {
		log_errno(-r, "read %s", c->crash_path);
		return CLI_FAILED;
	}
	if (c->privatefd >= 0)
		r = dumpdir_scan(c->privatefd, c->private_path, &c->set);
	if (r < 0) {
		log_errno(-r, "read %s", c->private_path);
		return CLI_FAILED;
	}
	if (c->set.skipped)
		fprintf(stderr, "dumpagent: warning: more than %d dumps: %zu not shown\n", DUMPDIR_MAX,
			c->set.skipped);
	dumpdir_sort(&c->set);
	return CLI_OK;
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
		fprintf(stderr, "dumpagent: no dump '%s' in %s; see dumpagent list\n", id,
			c->crash_path);
	return e;
}

void cli_put_text(const char *s, size_t max)
{
	for (size_t i = 0; s[i] && i < max; i++)
		putchar(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
}

void cli_sanitize(char *dst, size_t len, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < len; i++)
		dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	dst[i] = '\0';
}

void cli_format_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm))
		(void)snprintf(buf, len, "?");
}
