/* cli_arm.c: arm-plan, arm-need and arm-state, the facts load-crashkernel arms with, as shell assignments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm_cmdline.h"
#include "arm_reserve.h"
#include "arm_state.h"
#include "arm_target.h"
#include "cli.h"
#include "command.h"
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

static int arm_option(void *ctx, int letter, const char *value)
{
	if (letter == 'c')
		*(const char **)ctx = value;
	return EXIT_OK;
}

/* Parses argv for the command name (command.c's table); EXIT_OK or the status. */
static int arm_args(const char *name, int argc, char **argv, const char **config)
{
	int first;

	log_set_command(name);
	return command_parse(command_named(name), argc, argv, arm_option, config, &first);
}

static const char *proc_dir(void)
{
	const char *proc = getenv("DUMPAGENT_PROC");

	return proc && *proc ? proc : "/proc";
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

/* TARGET=auto, resolved on this system; an error is a fact too, since the
 * loader reports it only after the checks that come before it. 0 or -1. */
static int put_target(const struct config *cfg, struct arm_target *t)
{
	char why[2 * ARM_PATH_MAX];

	if (arm_target_auto(proc_dir(), config_get(cfg, KEY_CRASH_DIR), config_get(cfg, KEY_FSTYPE),
			    t, why, sizeof(why)) < 0) {
		put_assignment("target_error", why);
		return -1;
	}
	put_assignment("target_uuid", t->uuid);
	put_assignment("target_fstype", t->mount.fstype);
	put_assignment("target_mount", t->mount.mountpoint);
	return 0;
}

/* The running kernel's crashkernel= (for the advice when none was
 * reserved), and the capture kernel's command line. */
static int put_cmdline(const struct config *cfg, const struct arm_target *t)
{
	static char running[4096], cmdline[ARM_CMDLINE_MAX];
	char asked[64];

	read_running(running, sizeof(running));
	if (cmdline_get(running, "crashkernel", asked, sizeof(asked)) == 0)
		put_assignment("crashkernel_asked", asked);
	if (arm_cmdline(running, t ? t->uuid : NULL, t ? t->mount.fstype : NULL,
			config_get(cfg, KEY_CMDLINE_APPEND), cmdline, sizeof(cmdline)) < 0) {
		log_error("the capture kernel's command line is longer than %d bytes; shorten CMDLINE_APPEND",
			  ARM_CMDLINE_MAX - 1);
		return EXIT_CONFIG;
	}
	put_assignment("cmdline", cmdline);
	return EXIT_OK;
}

/* dumpagent arm-plan [--config FILE]: every key of the configuration as
 * c_KEY='value' (defaults applied), TARGET=auto resolved, the crashkernel=
 * of the running kernel and the capture kernel's command line. */
int cli_arm_plan(int argc, char **argv)
{
	const char *path = CONFIG_PATH;
	struct config_error err;
	static struct config cfg;
	struct arm_target t;
	int auto_ok = 0, r = arm_args("arm-plan", argc, argv, &path);

	if (r != EXIT_OK)
		return r;
	if (config_load(path, &cfg, &err) < 0) {
		config_report_error(path, &err);
		return EXIT_CONFIG;
	}
	for (int k = 0; k < KEY_COUNT; k++) {
		char name[64];

		(void)snprintf(name, sizeof(name), "c_%s", config_key_name((enum config_key)k));
		put_assignment(name, config_get(&cfg, (enum config_key)k));
	}
	if (strcmp(config_get(&cfg, KEY_TARGET), "auto") == 0)
		auto_ok = put_target(&cfg, &t) == 0 ? 1 : -1;
	if (auto_ok < 0) /* no command line without a target; the loader stops first */
		return EXIT_OK;
	return put_cmdline(&cfg, auto_ok ? &t : NULL);
}

/* dumpagent arm-need KERNEL INITRD: the reservation the capture environment needs. */
int cli_arm_need(int argc, char **argv)
{
	struct arm_need n;
	char why[2 * ARM_PATH_MAX];

	int r = arm_args("arm-need", argc, argv, NULL);

	if (r != EXIT_OK)
		return r;
	if (arm_need(argv[1], argv[2], &n, why, sizeof(why)) < 0) {
		log_error("%s", why);
		return EXIT_FAILED;
	}
	printf("need_bytes=%llu\nshrink_bytes=%llu\nshrink_floor_mb=%d\nreserve_mb=%llu\n", n.need,
	       n.shrink, ARM_SHRINK_FLOOR_MB, n.reserve_mb);
	return EXIT_OK;
}

/* dumpagent arm-state KERNEL INITRD CONFIG CMDLINE: the checksums the loader
 * records, and unchanged='1' when $RUN/loaded records the same. */
int cli_arm_state(int argc, char **argv)
{
	const char *run = getenv("DUMPAGENT_RUN"), *sysfs = getenv("DUMPAGENT_SYSFS");
	struct arm_state s = { 0 };
	char loaded[ARM_PATH_MAX];

	int r = arm_args("arm-state", argc, argv, NULL);

	if (r != EXIT_OK)
		return r;
	s.kernel = argv[1];
	s.initrd = argv[2];
	s.cmdline = argv[4];
	arm_file_sha(s.kernel, s.kernel_sha);
	arm_file_sha(s.initrd, s.initrd_sha);
	arm_file_sha(argv[3], s.config_sha);
	arm_layout_sha(proc_dir(), sysfs && *sysfs ? sysfs : "/sys", s.layout_sha);
	(void)snprintf(loaded, sizeof(loaded), "%s/loaded", run && *run ? run : "/run/dumpagent");
	put_assignment("kernel_sha", s.kernel_sha);
	put_assignment("initrd_sha", s.initrd_sha);
	put_assignment("config_sha", s.config_sha);
	put_assignment("layout", s.layout_sha);
	put_assignment("unchanged", arm_unchanged(loaded, &s) ? "1" : "");
	return EXIT_OK;
}
