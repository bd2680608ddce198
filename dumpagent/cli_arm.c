/* cli_arm.c: arm-plan, arm-need and arm-state, the facts load-crashkernel arms with, as shell assignments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arm_check.h"
#include "arm_cmdline.h"
#include "arm_initrd.h"
#include "arm_record.h"
#include "arm_reserve.h"
#include "arm_state.h"
#include "arm_target.h"
#include "cli.h"
#include "cmdline.h"
#include "config.h"
#include "exit_codes.h"
#include "log.h"

/* NAME='VALUE' with every ' written '\'': the loader evals these lines, so
 * no value, however made (a mount point, a device name), can run anything. */
static void put_assignment(const char *name, const char *value)
{
	printf("%s='", name);
	for (; *value; value++) {
		if (*value == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*value);
	}
	fputs("'\n", stdout);
}

static int usage_error(const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, "dumpagent %s: %s '%s'; see dumpagent --help\n", cmd, what, arg);
	return EXIT_USAGE;
}

static const char *proc_dir(void)
{
	const char *proc = getenv("DUMPAGENT_PROC");

	return proc && *proc ? proc : "/proc";
}

static const char *sysfs_dir(void)
{
	const char *sysfs = getenv("DUMPAGENT_SYSFS");

	return sysfs && *sysfs ? sysfs : "/sys";
}

/* The running kernel's command line, "" when it cannot be read (its words
 * are only passed on, and checked by the capture agent). */
static void read_running(char *buf, size_t len)
{
	char path[ARM_PATH_MAX];
	size_t n = 0;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/cmdline", proc_dir());
	f = fopen(path, "re");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		(void)fclose(f); /* read-only */
	}
	buf[n] = '\0';
}

/* What arm-plan was asked: the configuration, the --kernel and --initrd
 * overrides, and which checks of a load to run before it answers. */
struct plan {
	const char *conf, *kernel, *initrd;
	enum { CHECK_NONE, CHECK_FILES, CHECK_LOAD } check;
	char running[4096];
	char asked[64]; /* the running kernel's crashkernel=, "" when none */
};

static int refuse(int code, const char *why)
{
	fprintf(stderr, "dumpagent arm-plan: %s\n", why);
	return code;
}

/* The checks of a load that come before TARGET=auto, in the loader's order:
 * reserved memory (--load), then the capture kernel and initramfs. */
static int check_load(struct plan *p, const struct config *cfg, unsigned long long *reserved)
{
	char why[3 * ARM_PATH_MAX], from[ARM_PATH_MAX + 32];

	if (p->check == CHECK_LOAD && arm_check_reserved(sysfs_dir(), p->asked, reserved, why, sizeof(why)) < 0)
		return refuse(EXIT_NOT_RESERVED, why);
	if (!p->kernel)
		(void)snprintf(from, sizeof(from), "CAPTURE_KERNEL in %s", p->conf);
	if (arm_check_file("capture kernel", p->kernel ? p->kernel : config_get(cfg, KEY_CAPTURE_KERNEL),
			   p->kernel ? "--kernel" : from, why, sizeof(why)) < 0)
		return refuse(EXIT_NO_KERNEL, why);
	if (!p->initrd)
		(void)snprintf(from, sizeof(from), "CAPTURE_INITRD in %s", p->conf);
	if (arm_check_file("capture initramfs", p->initrd ? p->initrd : config_get(cfg, KEY_CAPTURE_INITRD),
			   p->initrd ? "--initrd" : from, why, sizeof(why)) < 0)
		return refuse(EXIT_NO_KERNEL, why);
	return EXIT_OK;
}

/* TARGET=auto, resolved on this system: 0, or -1 with why. */
static int resolve_target(const struct config *cfg, struct arm_target *t, char *why, size_t len)
{
	return arm_target_auto(proc_dir(), config_get(cfg, KEY_CRASH_DIR), config_get(cfg, KEY_FSTYPE), t,
			       why, len);
}

/* The warning a load gives for its TARGET, "" when none: a udev name, or a
 * CRASH_DIR of TARGET=auto below another mount point than "/". */
static void target_warning(const struct config *cfg, const struct arm_target *t, char *why, size_t len)
{
	const char *dir = config_get(cfg, KEY_CRASH_DIR);

	why[0] = '\0';
	if (!t) {
		(void)arm_target_warning(config_get(cfg, KEY_TARGET), why, len);
		return;
	}
	/* The agent takes CRASH_DIR inside the target filesystem, from its root. */
	if (strcmp(t->mount.mountpoint, "/") != 0)
		(void)snprintf(why, len,
			       "CRASH_DIR=%s is on the filesystem mounted at %s: the capture agent writes "
			       "to %s inside that filesystem, which is %s%s here",
			       dir, t->mount.mountpoint, dir, t->mount.mountpoint, dir);
}

/* The configuration's sha256, and whether CAPTURE_INITRD holds another
 * configuration (never for --initrd): rebuild is "", "reuse" or "build" of
 * $DUMPAGENT_STATE/initramfs.img, and sums what initramfs.sums records then. */
static void put_rebuild(const struct plan *p, const struct config *cfg)
{
	static const char *const what[] = { "", "reuse", "build" };
	const char *state = getenv("DUMPAGENT_STATE");
	char config_sha[65], sums[3 * ARM_PATH_MAX] = "";
	enum arm_rebuild r = ARM_REBUILD_NONE;

	arm_file_sha(p->conf, config_sha);
	if (!p->initrd)
		r = arm_rebuild(state && *state ? state : "/var/lib/dumpagent",
				config_get(cfg, KEY_CAPTURE_INITRD), config_sha, sums, sizeof(sums));
	put_assignment("config_sha", config_sha);
	put_assignment("rebuild", what[r]);
	put_assignment("sums", sums);
}

/* The facts a load needs beyond the configuration: the files, the memory
 * reserved, the lockdown mode and the warning. */
static void put_load(const struct plan *p, const struct config *cfg, const struct arm_target *t,
		     unsigned long long reserved)
{
	char why[4 * ARM_PATH_MAX], num[32];

	put_assignment("kernel", p->kernel ? p->kernel : config_get(cfg, KEY_CAPTURE_KERNEL));
	put_assignment("initrd", p->initrd ? p->initrd : config_get(cfg, KEY_CAPTURE_INITRD));
	if (p->check != CHECK_LOAD)
		return;
	put_rebuild(p, cfg);
	(void)snprintf(num, sizeof(num), "%llu", reserved);
	put_assignment("reserved", num);
	put_assignment("lockdown", arm_lockdown(sysfs_dir()));
	target_warning(cfg, t, why, sizeof(why));
	put_assignment("warning", why);
}

/* TARGET=auto could not be resolved: a load refuses (after the checks that
 * come before it); otherwise the error is a fact. */
static int refuse_target(const struct plan *p, const char *why)
{
	char msg[3 * ARM_PATH_MAX];

	(void)snprintf(msg, sizeof(msg), "TARGET=auto: %s; set TARGET=UUID=... or TARGET=LABEL=... explicitly in %s",
		       why, p->conf);
	return refuse(EXIT_NO_TARGET, msg);
}

static void put_target_facts(const struct arm_target *t, int ok, const char *why)
{
	if (!ok) {
		put_assignment("target_error", why);
		return;
	}
	put_assignment("target_uuid", t->uuid);
	put_assignment("target_fstype", t->mount.fstype);
	put_assignment("target_mount", t->mount.mountpoint);
}

/* The running kernel's crashkernel= (for the advice when none was
 * reserved), and the capture kernel's command line. */
static int put_cmdline(const struct plan *p, const struct config *cfg, const struct arm_target *t)
{
	static char cmdline[ARM_CMDLINE_MAX];

	if (*p->asked)
		put_assignment("crashkernel_asked", p->asked);
	if (arm_cmdline(p->running, t ? t->uuid : NULL, t ? t->mount.fstype : NULL,
			config_get(cfg, KEY_CMDLINE_APPEND), cmdline, sizeof(cmdline)) < 0) {
		fprintf(stderr, "dumpagent arm-plan: the capture kernel's command line is longer "
				"than %d bytes; shorten CMDLINE_APPEND\n", ARM_CMDLINE_MAX - 1);
		return EXIT_CONFIG;
	}
	put_assignment("cmdline", cmdline);
	return EXIT_OK;
}

static int plan_args(int argc, char **argv, struct plan *p)
{
	for (int i = 1; i < argc; i++) {
		const char **val = strcmp(argv[i], "--config") == 0   ? &p->conf
				   : strcmp(argv[i], "--kernel") == 0 ? &p->kernel
				   : strcmp(argv[i], "--initrd") == 0 ? &p->initrd
								      : NULL;

		if (val && i + 1 < argc)
			*val = *argv[++i] ? argv[i] : *val; /* "" is not given, as ${x:-} */
		else if (strcmp(argv[i], "--files") == 0)
			p->check = CHECK_FILES;
		else if (strcmp(argv[i], "--load") == 0)
			p->check = CHECK_LOAD;
		else
			return usage_error("arm-plan", "unexpected argument", argv[i]);
	}
	return EXIT_OK;
}

/* dumpagent arm-plan [--config FILE] [--kernel FILE] [--initrd FILE]
 * [--files | --load]: every key of the configuration as c_KEY='value'
 * (defaults applied), TARGET=auto resolved, the crashkernel= of the running
 * kernel and the capture kernel's command line. --files checks the capture
 * files first, --load every check of a load, and both add their facts;
 * a check that fails exits with its code of the table, and prints nothing. */
int cli_arm_plan(int argc, char **argv)
{
	static struct plan p;
	static struct config cfg;
	struct config_error err;
	struct arm_target t;
	unsigned long long reserved = 0;
	char why[2 * ARM_PATH_MAX] = "";
	int rc, is_auto, auto_ok = 0;

	p = (struct plan){ .conf = DEFAULT_CONFIG };
	if ((rc = plan_args(argc, argv, &p)) != EXIT_OK)
		return rc;
	if (config_load(p.conf, &cfg, &err) < 0) {
		config_report_error(p.conf, &err);
		return EXIT_CONFIG;
	}
	read_running(p.running, sizeof(p.running));
	if (cmdline_get(p.running, "crashkernel", p.asked, sizeof(p.asked)) != 0)
		p.asked[0] = '\0';
	if (p.check != CHECK_NONE && (rc = check_load(&p, &cfg, &reserved)) != EXIT_OK)
		return rc;
	is_auto = strcmp(config_get(&cfg, KEY_TARGET), "auto") == 0;
	if (is_auto)
		auto_ok = resolve_target(&cfg, &t, why, sizeof(why)) == 0;
	if (is_auto && !auto_ok && p.check == CHECK_LOAD)
		return refuse_target(&p, why);
	for (int k = 0; k < KEY_COUNT; k++) {
		char name[64];

		(void)snprintf(name, sizeof(name), "c_%s", config_key_name((enum config_key)k));
		put_assignment(name, config_get(&cfg, (enum config_key)k));
	}
	if (p.check != CHECK_NONE)
		put_load(&p, &cfg, is_auto ? &t : NULL, reserved);
	if (is_auto)
		put_target_facts(&t, auto_ok, why);
	if (is_auto && !auto_ok) /* no command line without a target; the loader stops first */
		return EXIT_OK;
	return put_cmdline(&p, &cfg, is_auto ? &t : NULL);
}

/* dumpagent arm-need KERNEL INITRD: the reservation the capture environment needs. */
int cli_arm_need(int argc, char **argv)
{
	struct arm_need n;
	char why[2 * ARM_PATH_MAX];

	if (argc != 3)
		return usage_error("arm-need", "expected KERNEL INITRD, got", argc > 1 ? argv[1] : "");
	if (arm_need(argv[1], argv[2], &n, why, sizeof(why)) < 0) {
		fprintf(stderr, "dumpagent arm-need: %s\n", why);
		return EXIT_FAILED;
	}
	printf("need_bytes=%llu\nshrink_bytes=%llu\nshrink_floor_mb=%d\nreserve_mb=%llu\n", n.need,
	       n.shrink, ARM_SHRINK_FLOOR_MB, n.reserve_mb);
	return EXIT_OK;
}

/* NAME='MiB' of the file at path, rounded up (0 when it cannot be stat'ed). */
static void put_mib(const char *name, const char *path)
{
	struct stat st;
	char num[32];

	(void)snprintf(num, sizeof(num), "%lld",
		       stat(path, &st) == 0 ? ((long long)st.st_size + 1048575) / 1048576 : 0LL);
	put_assignment(name, num);
}

/* armed='1': loaded, and recorded with the same facts (nothing to load);
 * foreign='1': loaded, but not recorded by the loader (kdump-tools?); the
 * warning when the initramfs holds another configuration. */
static void put_armed(const char *loaded, const struct arm_state *s, const struct arm_loaded *l)
{
	int is_loaded = arm_loaded(sysfs_dir());
	char why[3 * ARM_PATH_MAX] = "";

	put_assignment("armed", is_loaded && arm_unchanged(loaded, s) ? "1" : "");
	put_assignment("foreign", is_loaded && access(loaded, F_OK) != 0 ? "1" : "");
	if (strcmp(l->embedded_sha, "unknown") != 0 && strcmp(l->embedded_sha, s->config_sha) != 0)
		(void)snprintf(why, sizeof(why),
			       "the initramfs %s holds another configuration than %s: rebuild it "
			       "(initramfs/build.sh --config %s), then run load-crashkernel again",
			       s->initrd, l->config, l->config);
	put_assignment("warning", why);
}

/* The capture kernel $RUN/loaded records, to load it again after a failed
 * load freed it (recorded_intact: its files still have their checksums). */
static void put_previous(const char *loaded)
{
	static struct arm_previous p;

	if (arm_previous(loaded, &p) < 0)
		return;
	put_assignment("recorded_kernel", p.kernel);
	put_assignment("recorded_initrd", p.initrd);
	put_assignment("recorded_cmdline", p.cmdline);
	put_assignment("recorded_method", p.method);
	put_assignment("recorded_intact", p.intact ? "1" : "");
}

/* dumpagent arm-state [--record METHOD] KERNEL INITRD CONFIG CMDLINE: the
 * checksums the loader records, unchanged='1' when $RUN/loaded records the
 * same, and what it records; --record METHOD writes them to $RUN/loaded. */
int cli_arm_state(int argc, char **argv)
{
	const char *run = getenv("DUMPAGENT_RUN"), *method = NULL;
	struct arm_state s = { 0 };
	struct arm_loaded l = { 0 };
	char loaded[ARM_PATH_MAX], why[2 * ARM_PATH_MAX];

	if (argc > 2 && strcmp(argv[1], "--record") == 0) {
		method = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc != 5)
		return usage_error("arm-state", "expected KERNEL INITRD CONFIG CMDLINE, got",
				   argc > 1 ? argv[1] : "");
	run = run && *run ? run : "/run/dumpagent";
	s.kernel = argv[1];
	s.initrd = argv[2];
	s.cmdline = argv[4];
	arm_file_sha(s.kernel, s.kernel_sha);
	arm_file_sha(s.initrd, s.initrd_sha);
	arm_file_sha(argv[3], s.config_sha);
	arm_layout_sha(proc_dir(), sysfs_dir(), s.layout_sha);
	l.config = argv[3];
	l.method = method;
	l.at = time(NULL);
	arm_embedded_sha(s.initrd, ARM_INITRD_CONFIG, l.embedded_sha);
	if (method) {
		if (arm_record_write(run, &s, &l, why, sizeof(why)) < 0) {
			fprintf(stderr, "dumpagent arm-state: %s\n", why);
			return EXIT_SYSTEM;
		}
		return EXIT_OK;
	}
	(void)snprintf(loaded, sizeof(loaded), "%s/loaded", run);
	put_assignment("kernel_sha", s.kernel_sha);
	put_assignment("initrd_sha", s.initrd_sha);
	put_assignment("config_sha", s.config_sha);
	put_assignment("embedded_sha", l.embedded_sha);
	put_assignment("layout", s.layout_sha);
	put_mib("kernel_mb", s.kernel);
	put_mib("initrd_mb", s.initrd);
	put_assignment("unchanged", arm_unchanged(loaded, &s) ? "1" : "");
	put_armed(loaded, &s, &l);
	put_previous(loaded);
	return EXIT_OK;
}
