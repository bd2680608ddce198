/* command_arm.c: arm-need and arm-state, and what the arm-* commands share: answers as shell assignments. */
#include "command_arm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arm_arch.h"
#include "arm_check.h"
#include "arm_grub.h"
#include "arm_initrd.h"
#include "arm_record.h"
#include "arm_reserve.h"
#include "arm_state.h"
#include "arm_target.h"
#include "arm_threads.h"
#include "cli.h"
#include "command.h"
#include "exit_codes.h"
#include "log.h"

/* NAME='VALUE' with every ' written '\'': the loader evals these lines, so
 * no value, however made (a mount point, a device name), can run anything. */
void arm_put(const char *name, const char *value)
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

int arm_args(const char *name, int argc, char **argv, int (*set)(void *ctx, int letter, const char *value),
	     void *ctx, int *first)
{
	log_set_command(name);
	return command_parse(command_named(name), argc, argv, set, ctx, first);
}

/* arm-state's --record METHOD and --mode MODE, arm-need's --mode MODE,
 * --reserved BYTES and --threads COUNT. */
struct state_options {
	const char *method, *mode, *reserved, *threads;
};

static int state_option(void *ctx, int letter, const char *value)
{
	struct state_options *o = ctx;

	if (letter == 'R')
		o->method = value;
	else if (letter == 'M')
		o->mode = value;
	else if (letter == 'B')
		o->reserved = value;
	else if (letter == 'N')
		o->threads = value;
	return EXIT_OK;
}

const char *arm_proc_dir(void)
{
	const char *proc = getenv("DUMPAGENT_PROC");

	return proc && *proc ? proc : "/proc";
}

const char *arm_sysfs_dir(void)
{
	const char *sysfs = getenv("DUMPAGENT_SYSFS");

	return sysfs && *sysfs ? sysfs : "/sys";
}

/* The estimate's figures, and the boot parameter that --reserve writes
 * for them on the running kernel's architecture. */
static void put_need(const struct arm_need *n)
{
	char param[64];

	printf("need_bytes=%llu\nrecommend_bytes=%llu\nshrink_bytes=%llu\nshrink_floor_mb=%d\nreserve_mb=%llu\n",
	       n->need, n->recommend, n->shrink, ARM_SHRINK_FLOOR_MB, n->reserve_mb);
	arm_crashkernel_param(arm_arch_running(), n->reserve_mb, param, sizeof(param));
	arm_put("reserve_param", param);
}

/* dumpagent arm-need [--mode MODE] [--reserved BYTES] [--threads COUNT]
 * KERNEL INITRD: the reservation the capture environment of that mode
 * (small by default) with COUNT threads (1 by default) needs, and grub_others: the GRUB settings files (in $DUMPAGENT_GRUB_DIR or
 * /etc/default/grub.d) that set crashkernel= already. With --reserved, the
 * check of a load: EXIT_TOO_SMALL when BYTES are short of the need,
 * need_warning when they lack the margin. */
int command_arm_need(int argc, char **argv)
{
	const char *grub = getenv("DUMPAGENT_GRUB_DIR");
	struct state_options o = { 0 };
	struct arm_need n;
	char why[2 * ARM_PATH_MAX], others[4 * ARM_PATH_MAX], *end;
	unsigned long long reserved = 0;
	unsigned long threads = 1;
	int first, r = arm_args("arm-need", argc, argv, state_option, &o, &first), distro;

	if (r != EXIT_OK)
		return r;
	if (o.reserved && (reserved = strtoull(o.reserved, &end, 10), *end || end == o.reserved)) {
		log_error("--reserved %s: not a number of bytes; see dumpagent --help", o.reserved);
		return EXIT_USAGE;
	}
	if (o.threads && (threads = strtoul(o.threads, &end, 10), *end || threads < 1 || threads > ARM_THREADS_MAX)) {
		log_error("--threads %s: not a number from 1 to %d; see dumpagent --help", o.threads, ARM_THREADS_MAX);
		return EXIT_USAGE;
	}
	distro = o.mode && strcmp(o.mode, "distro") == 0;
	if ((distro ? arm_need_distro : arm_need)(argv[first], argv[first + 1], arm_ram(arm_proc_dir()), &n, why,
						  sizeof(why)) < 0) {
		log_error("%s", why);
		return EXIT_FAILED;
	}
	/* Each thread past the first is one more CPU in the capture kernel. */
	arm_need_from_sizes(n.boot, n.initrd, n.unpacked, n.work + arm_threads_work((unsigned)threads), &n);
	/* The bench measures below the estimate: its hook turns the refusal
	 * into the warning. */
	if (o.reserved && arm_need_fits(&n, reserved, distro ? "distro" : "small", why, sizeof(why)) < 0 &&
	    !getenv("DUMPAGENT_NEED_UNCHECKED")) {
		log_error("%s", why);
		return EXIT_TOO_SMALL;
	}
	put_need(&n);
	arm_put("need_warning", o.reserved ? why : "");
	(void)arm_grub_others(grub && *grub ? grub : "/etc/default/grub.d", others, sizeof(others));
	arm_put("grub_others", others);
	return EXIT_OK;
}

/* NAME='MiB' of the file at path, rounded up (0 when it cannot be stat'ed). */
static void put_mib(const char *name, const char *path)
{
	struct stat st;
	char num[32];

	(void)snprintf(num, sizeof(num), "%lld",
		       stat(path, &st) == 0 ? ((long long)st.st_size + 1048575) / 1048576 : 0LL);
	arm_put(name, num);
}

/* armed='1': loaded, and recorded with the same facts (nothing to load);
 * foreign='1': loaded, but not recorded by the loader (kdump-tools?); the
 * warning when the initramfs holds another configuration. */
static void put_armed(const char *loaded, const struct arm_state *s, const struct arm_loaded *l)
{
	int is_loaded = arm_loaded(arm_sysfs_dir());
	char why[3 * ARM_PATH_MAX] = "";

	arm_put("armed", is_loaded && arm_unchanged(loaded, s) ? "1" : "");
	arm_put("foreign", is_loaded && access(loaded, F_OK) != 0 ? "1" : "");
	if (strcmp(l->embedded_sha, "unknown") != 0 && strcmp(l->embedded_sha, s->config_sha) != 0)
		(void)snprintf(why, sizeof(why),
			       "the initramfs %s holds another configuration than %s: rebuild it "
			       "(initramfs/build.sh --config %s), then run load-crashkernel again",
			       s->initrd, l->config, l->config);
	arm_put("warning", why);
}

/* The capture kernel $RUN/loaded records, to load it again after a failed
 * load freed it (recorded_intact: its files still have their checksums). */
static void put_previous(const char *loaded)
{
	static struct arm_previous p;

	if (arm_previous(loaded, &p) < 0)
		return;
	arm_put("recorded_kernel", p.kernel);
	arm_put("recorded_initrd", p.initrd);
	arm_put("recorded_cmdline", p.cmdline);
	arm_put("recorded_method", p.method);
	arm_put("recorded_intact", p.intact ? "1" : "");
}

/* dumpagent arm-state [--record METHOD] KERNEL INITRD CONFIG CMDLINE: the
 * checksums the loader records, unchanged='1' when $RUN/loaded records the
 * same, and what it records; --record METHOD writes them to $RUN/loaded. */
int command_arm_state(int argc, char **argv)
{
	const char *run = getenv("DUMPAGENT_RUN");
	struct state_options o = { 0 };
	struct arm_state s = { 0 };
	struct arm_loaded l = { 0 };
	char loaded[ARM_PATH_MAX], why[2 * ARM_PATH_MAX];

	int first, r = arm_args("arm-state", argc, argv, state_option, &o, &first);

	if (r != EXIT_OK)
		return r;
	argv += first - 1; /* the operands from argv[1] */
	run = run && *run ? run : "/run/dumpagent";
	s.kernel = argv[1];
	s.initrd = argv[2];
	s.cmdline = argv[4];
	arm_file_sha(s.kernel, s.kernel_sha);
	arm_file_sha(s.initrd, s.initrd_sha);
	arm_file_sha(argv[3], s.config_sha);
	arm_layout_sha(arm_proc_dir(), arm_sysfs_dir(), s.layout_sha);
	l.config = argv[3];
	l.method = o.method;
	l.mode = o.mode && *o.mode ? o.mode : "small";
	l.at = time(NULL);
	arm_embedded_sha(s.initrd, ARM_INITRD_CONFIG, l.embedded_sha);
	if (o.method) {
		if (arm_record_write(run, &s, &l, why, sizeof(why)) < 0) {
			log_error("%s", why);
			return EXIT_SYSTEM;
		}
		return EXIT_OK;
	}
	(void)snprintf(loaded, sizeof(loaded), "%s/loaded", run);
	arm_put("kernel_sha", s.kernel_sha);
	arm_put("initrd_sha", s.initrd_sha);
	arm_put("config_sha", s.config_sha);
	arm_put("embedded_sha", l.embedded_sha);
	arm_put("layout", s.layout_sha);
	put_mib("kernel_mb", s.kernel);
	put_mib("initrd_mb", s.initrd);
	arm_put("unchanged", arm_unchanged(loaded, &s) ? "1" : "");
	put_armed(loaded, &s, &l);
	put_previous(loaded);
	return EXIT_OK;
}
