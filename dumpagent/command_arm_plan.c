/* command_arm_plan.c: dumpagent arm-plan: the configuration, the checks of a load and TARGET=auto, for load-crashkernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm_arch.h"
#include "arm_chain.h"
#include "arm_check.h"
#include "arm_cmdline.h"
#include "arm_device.h"
#include "arm_initrd.h"
#include "arm_kallsyms.h"
#include "arm_reserve.h"
#include "arm_stack.h"
#include "arm_state.h"
#include "arm_target.h"
#include "arm_threads.h"
#include "cli.h"
#include "command_arm.h"
#include "command_arm_mode.h"
#include "cmdline.h"
#include "config.h"
#include "exit_codes.h"
#include "log.h"
#include "screen_check.h"

/* The running kernel's command line, "" when it cannot be read (its words
 * are only passed on, and checked by the capture agent). */
static void read_running(char *buf, size_t len)
{
	char path[ARM_PATH_MAX];
	size_t n = 0;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/cmdline", arm_proc_dir());
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
	struct arm_crashkernel ck; /* its crashkernel= words, by form */
	enum arm_arch arch; /* the running kernel's (DUMPAGENT_ARCH in tests) */
	struct arm_stack stack; /* dumpagent.lvm=, .md=, .luks= and the keyfile; "" each for a plain target */
	struct arm_cpus cpus; /* THREADS for this machine's CPUs: the capture kernel's nr_cpus and disable_cpu_apicid= */
};

/* THREADS above 1: what no test here has answered yet (arm_threads.h). */
#define THREADS_WARNING                                                                                \
	"THREADS asks for more than one makedumpfile thread: makedumpfile before 1.7.8 can write "    \
	"corrupt pages with --num-threads (upstream fix 65bf4c9); set THREADS=auto unless yours is "  \
	"1.7.8 or later"

static int refuse(int code, const char *why)
{
	log_error("%s", why);
	return code;
}

/* The small mode's capture kernel and initramfs: checked after the mode is
 * chosen (the distro mode's are checked by arm_plan_mode). */
static int check_small(struct plan *p, const struct config *cfg)
{
	char why[3 * ARM_PATH_MAX], from[ARM_PATH_MAX + 32];

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
	if (arm_arch_check_kernel("capture kernel", p->kernel ? p->kernel : config_get(cfg, KEY_CAPTURE_KERNEL),
				  p->arch, why, sizeof(why)) < 0)
		return refuse(EXIT_NO_KERNEL, why);
	return EXIT_OK;
}

/* TARGET=auto, resolved on this system: 0, or -1 with why. */
static int resolve_target(const struct config *cfg, struct arm_target *t, char *why, size_t len)
{
	return arm_target_auto(arm_proc_dir(), config_get(cfg, KEY_CRASH_DIR), config_get(cfg, KEY_FSTYPE), t,
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

/* BSOD=1 on a display the capture kernel cannot draw on: the warning for
 * each kexec call (screen_check.c), "" when the screen will show it. The
 * loader says the one of the call that loaded: kexec_load passes on no DRM
 * framebuffer, where kexec_file_load passes on the boot one. */
static void put_screen(const struct config *cfg)
{
	static const char *const method[] = { "kexec_file_load", "kexec_load" };
	static const char *const key[] = { "screen_warning", "screen_warning_kexec_load" };
	struct screen_check s;
	char line[160];

	for (int i = 0; i < 2; i++) {
		line[0] = '\0';
		if (strcmp(config_get(cfg, KEY_BSOD), "1") == 0) {
			screen_check(arm_sysfs_dir(), method[i], &s);
			if (s.verdict == SCREEN_NOT_POSSIBLE)
				screen_check_describe(&s, line, sizeof(line));
		}
		arm_put(key[i], line);
	}
}

/* The configuration's sha256, and whether the initramfs to load must be
 * built: small, when CAPTURE_INITRD holds another configuration (never for
 * --initrd); distro, when the one built holds another configuration, kernel
 * release or module list. rebuild is "", "reuse" or "build" of
 * rebuild_image, and sums what rebuild_sums records then. */
static void put_rebuild(const struct plan *p, const struct config *cfg, const struct arm_mode_plan *mp,
			const char *modules)
{
	static const char *const what[] = { "", "reuse", "build" };
	const char *state = arm_state_dir(), *name = mp->mode == ARM_MODE_DISTRO ? "initramfs-distro" : "initramfs";
	char config_sha[65], sums[3 * ARM_PATH_MAX] = "", path[ARM_PATH_MAX];
	enum arm_rebuild r = ARM_REBUILD_NONE;

	arm_file_sha(p->conf, config_sha);
	if (mp->mode == ARM_MODE_DISTRO)
		r = arm_rebuild_distro(state, config_sha, mp->release, modules, sums, sizeof(sums));
	else if (!p->initrd)
		r = arm_rebuild(state, config_get(cfg, KEY_CAPTURE_INITRD), config_sha, sums, sizeof(sums));
	arm_put("config_sha", config_sha);
	arm_put("rebuild", what[r]);
	arm_put("sums", sums);
	(void)snprintf(path, sizeof(path), "%s/%s.img", state, name);
	arm_put("rebuild_image", path);
	(void)snprintf(path, sizeof(path), "%s/%s.sums", state, name);
	arm_put("rebuild_sums", path);
}

/* The mode, its reason, and for distro the release and the modules (their
 * paths, one a line, in load order). */
static void put_mode(const struct arm_mode_plan *mp, char *modules, size_t len)
{
	size_t used = 0;

	modules[0] = '\0';
	for (unsigned i = 0; i < mp->mods.n && used < len; i++)
		used += (size_t)snprintf(modules + used, len - used, "%s%s", i ? "\n" : "", mp->mods.path[i]);
	arm_put("mode", arm_mode_name(mp->mode));
	arm_put("mode_why", mp->why);
	arm_put("kernel_release", mp->release);
	arm_put("modules", modules);
}

/* The facts a load needs beyond the configuration: the mode and its files,
 * the memory reserved, the lockdown mode and the warning. */
static void put_load(const struct plan *p, const struct config *cfg, const struct arm_target *t,
		     const struct arm_mode_plan *mp, unsigned long long reserved)
{
	static char modules[ARM_MODS_MAX * (ARM_MODPATH_MAX + 1)];
	const char *lockdown;
	char why[4 * ARM_PATH_MAX], num[32];

	put_mode(mp, modules, sizeof(modules));
	arm_put("kernel", mp->kernel);
	arm_put("initrd", mp->initrd);
	if (p->check != CHECK_LOAD)
		return;
	put_rebuild(p, cfg, mp, modules);
	(void)snprintf(num, sizeof(num), "%llu", reserved);
	arm_put("reserved", num);
	lockdown = arm_lockdown(arm_sysfs_dir());
	arm_put("lockdown", lockdown);
	arm_lockdown_why(lockdown, mp->mode == ARM_MODE_DISTRO, mp->kernel, mp->release, why, sizeof(why));
	arm_put("lockdown_why", why);
	(void)arm_crashkernel_warning(p->arch, arm_proc_dir(), &p->ck, why, sizeof(why));
	arm_put("crashkernel_warning", why);
	target_warning(cfg, t, why, sizeof(why));
	arm_put("warning", why);
	put_screen(cfg);
	arm_kallsyms_put(arm_proc_dir()); /* kexec_load's _text on arm64 */
}

/* TARGET=auto could not be resolved: a load refuses (after the checks that
 * come before it); otherwise the error is a fact. A network filesystem is
 * one no mode reaches. */
static int refuse_target(const struct plan *p, const struct arm_target *t, const char *why)
{
	char msg[3 * ARM_PATH_MAX];

	if (arm_chain_network(t->mount.fstype)) {
		log_error("TARGET=auto: %s (holding %s) is %s (%s), which the capture kernel cannot reach; set "
			  "CRASH_DIR to a directory on a local disk, or TARGET=UUID=... in %s", t->mount.mountpoint,
			  t->dir, arm_chain_network(t->mount.fstype), t->mount.fstype, p->conf);
		return EXIT_UNREACHABLE;
	}

	(void)snprintf(msg, sizeof(msg), "TARGET=auto: %s; set TARGET=UUID=... or TARGET=LABEL=... explicitly in %s",
		       why, p->conf);
	return refuse(EXIT_NO_TARGET, msg);
}

static void put_target_facts(const struct arm_target *t, int ok, const char *why)
{
	if (!ok) {
		arm_put("target_error", why);
		return;
	}
	arm_put("target_uuid", t->uuid);
	arm_put("target_fstype", t->mount.fstype);
	arm_put("target_mount", t->mount.mountpoint);
}

/* A target on a stacked device, for the capture's command line
 * (arm_stack.c): an enrolled LUKS device (dumpagent.luks= and the keyfile
 * that the loader puts into the initramfs; refused when not enrolled), an
 * LVM LV's mapping (dumpagent.lvm=), both (encrypted LVM), or an md RAID1
 * array (dumpagent.md=). "" each for any other target, and for one that
 * cannot be found here (the mode's checks refused it already, unless the
 * test hook DUMPAGENT_ARM_UNCHECKED is set). Before any fact is printed:
 * EXIT_OK, or 17 after the error. */
static int plan_stack(const struct config *cfg, const struct arm_target *t, struct plan *p)
{
	const char *devdir = getenv("DUMPAGENT_DEV") && *getenv("DUMPAGENT_DEV") ? getenv("DUMPAGENT_DEV") : "/dev";
	struct arm_where w = { arm_proc_dir(), arm_sysfs_dir(), devdir };
	char why[3 * ARM_PATH_MAX], fstype[32], block[ARM_PATH_MAX];
	struct target_env env = { block, devdir, 0, 0, NULL };
	dev_t dev;
	int r;

	memset(&p->stack, 0, sizeof(p->stack));
	if (t)
		dev = t->dev;
	else if (arm_device(&w, config_get(cfg, KEY_TARGET), config_get(cfg, KEY_FSTYPE), &dev, fstype, why,
			    sizeof(why)) < 0)
		return EXIT_OK;
	(void)snprintf(block, sizeof(block), "%s/class/block", arm_sysfs_dir());
	if ((r = arm_stack_record(&env, arm_sysfs_dir(), dev, &p->stack, why, sizeof(why))) < 0) {
		log_error("%s%s", why, r == -1 ? "; the capture kernel is not armed for a target it may not reach" : "");
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

/* Adds " dumpagent.NAME=VALUE" (what: the thing it describes, for the
 * error) to the command line in cmdline[len], and prints the fact NAME;
 * nothing when value is "". EXIT_OK, or EXIT_CONFIG when it is too long. */
static int put_param(char *cmdline, size_t len, const char *name, const char *value, const char *what)
{
	size_t n = strlen(cmdline);

	if (!*value)
		return EXIT_OK;
	if ((size_t)snprintf(cmdline + n, len - n, " dumpagent.%s=%s", name, value) >= len - n) {
		log_error("the capture kernel's command line is longer than %d bytes with %s; shorten CMDLINE_APPEND",
			  ARM_CMDLINE_MAX - 1, what);
		return EXIT_CONFIG;
	}
	arm_put(name, value);
	return EXIT_OK;
}

/* The running kernel's crashkernel= (for the advice when none was
 * reserved), and the capture kernel's command line. */
static int put_cmdline(const struct plan *p, const struct config *cfg, const struct arm_target *t, int distro)
{
	static char cmdline[ARM_CMDLINE_MAX];
	const char *append = config_get(cfg, KEY_CMDLINE_APPEND);

	if (*p->asked)
		arm_put("crashkernel_asked", p->asked);
	if (arm_cmdline(p->running, p->cpus.threads, p->cpus.apicid, t ? t->uuid : NULL, t ? t->mount.fstype : NULL,
			distro ? "" : append, cmdline, sizeof(cmdline)) < 0 ||
	    (distro && arm_cmdline_distro(append, cmdline, sizeof(cmdline)) < 0)) {
		log_error("the capture kernel's command line is longer than %d bytes; shorten CMDLINE_APPEND",
			  ARM_CMDLINE_MAX - 1);
		return EXIT_CONFIG;
	}
	if (put_param(cmdline, sizeof(cmdline), "lvm", p->stack.lvm, "the LV's mapping") != EXIT_OK ||
	    put_param(cmdline, sizeof(cmdline), "md", p->stack.md, "the md array") != EXIT_OK ||
	    put_param(cmdline, sizeof(cmdline), "luks", p->stack.luks, "the LUKS device") != EXIT_OK)
		return EXIT_CONFIG;
	if (*p->stack.luks)
		arm_put("luks_key", p->stack.luks_key);
	arm_put("cmdline", cmdline);
	return EXIT_OK;
}

/* The mode (--files, --load), and the checks of its files: EXIT_OK or the
 * status. With TARGET=auto unresolved (--files: no refusal), the small mode's.
 * --kernel sets the small mode, and its files are checked first. */
static int plan_mode(struct plan *p, const struct config *cfg, const struct arm_target *t, int unresolved,
		     struct arm_mode_plan *mp)
{
	const char *kernel = p->kernel ? p->kernel : config_get(cfg, KEY_CAPTURE_KERNEL);
	const char *initrd = p->initrd ? p->initrd : config_get(cfg, KEY_CAPTURE_INITRD);
	int rc;

	memset(mp, 0, sizeof(*mp));
	if (p->check == CHECK_NONE)
		return EXIT_OK;
	if (unresolved) {
		(void)snprintf(mp->why, sizeof(mp->why), "small: TARGET=auto is not resolved");
		(void)snprintf(mp->kernel, sizeof(mp->kernel), "%s", kernel);
		(void)snprintf(mp->initrd, sizeof(mp->initrd), "%s", initrd);
	} else if ((p->kernel && (rc = check_small(p, cfg)) != EXIT_OK) ||
		   (rc = arm_plan_mode(cfg, kernel, initrd, p->kernel ? "--kernel" : NULL, t, mp)) != EXIT_OK) {
		return rc;
	}
	return mp->mode == ARM_MODE_SMALL ? check_small(p, cfg) : EXIT_OK;
}

static int plan_option(void *ctx, int letter, const char *value)
{
	struct plan *p = ctx;

	if (letter == 'F')
		p->check = CHECK_FILES;
	else if (letter == 'L')
		p->check = CHECK_LOAD;
	else if (*value) /* "" is not given, as ${x:-} */
		*(letter == 'c' ? &p->conf : letter == 'K' ? &p->kernel : &p->initrd) = value;
	return EXIT_OK;
}

/* dumpagent arm-plan [--config FILE] [--kernel FILE] [--initrd FILE]
 * [--files | --load]: every key of the configuration as c_KEY='value'
 * (defaults applied), TARGET=auto resolved, the crashkernel= of the running
 * kernel and the capture kernel's command line. --files checks the capture
 * files first, --load every check of a load, and both add their facts;
 * a check that fails exits with its code of the table, and prints nothing. */
int command_arm_plan(int argc, char **argv)
{
	static struct plan p;
	static struct config cfg;
	static struct arm_mode_plan mp;
	struct config_error err;
	struct arm_target t;
	unsigned long long reserved = 0;
	char why[2 * ARM_PATH_MAX] = "", num[16];
	int rc, first, is_auto, auto_ok = 0;

	p = (struct plan){ .conf = CONFIG_PATH };
	if ((rc = arm_args("arm-plan", argc, argv, plan_option, &p, &first)) != EXIT_OK)
		return rc;
	if (config_load(p.conf, &cfg, &err) < 0) {
		config_report_error(p.conf, &err);
		return EXIT_CONFIG;
	}
	read_running(p.running, sizeof(p.running));
	if (cmdline_get(p.running, "crashkernel", p.asked, sizeof(p.asked)) != 0)
		p.asked[0] = '\0';
	arm_crashkernel_parse(p.running, &p.ck);
	p.arch = arm_arch_running();
	if (p.check == CHECK_LOAD &&
	    arm_check_reserved(arm_sysfs_dir(), p.arch, &p.ck, &reserved, why, sizeof(why)) < 0)
		return refuse(EXIT_NOT_RESERVED, why);
	is_auto = strcmp(config_get(&cfg, KEY_TARGET), "auto") == 0;
	if (is_auto)
		auto_ok = resolve_target(&cfg, &t, why, sizeof(why)) == 0;
	if (is_auto && !auto_ok && p.check == CHECK_LOAD)
		return refuse_target(&p, &t, why);
	if ((rc = plan_mode(&p, &cfg, is_auto ? (auto_ok ? &t : NULL) : NULL, is_auto && !auto_ok, &mp)) != EXIT_OK)
		return rc;
	if (p.check != CHECK_NONE && (!is_auto || auto_ok) &&
	    (rc = plan_stack(&cfg, is_auto ? &t : NULL, &p)) != EXIT_OK)
		return rc;
	for (int k = 0; k < KEY_COUNT; k++) {
		char name[64];

		(void)snprintf(name, sizeof(name), "c_%s", config_key_name((enum config_key)k));
		arm_put(name, config_get(&cfg, (enum config_key)k));
	}
	arm_put("arch", arm_arch_name(p.arch));
	arm_threads_cpus(p.arch, arm_proc_dir(),
			 arm_threads(config_get(&cfg, KEY_THREADS), arm_cpus_online(arm_sysfs_dir())), &p.cpus);
	(void)snprintf(num, sizeof(num), "%u", p.cpus.threads);
	arm_put("threads", num);
	arm_put("threads_warning", p.cpus.threads > 1 ? THREADS_WARNING : p.cpus.warning);
	if (p.check != CHECK_NONE)
		put_load(&p, &cfg, is_auto ? &t : NULL, &mp, reserved);
	if (is_auto)
		put_target_facts(&t, auto_ok, why);
	if (is_auto && !auto_ok) /* no command line without a target; the loader stops first */
		return EXIT_OK;
	/* Without checks no mode is chosen: CAPTURE_MODE=distro's command line
	 * is still distro's (test-distro-mode builds its capture with it). */
	return put_cmdline(&p, &cfg, is_auto ? &t : NULL,
			   p.check != CHECK_NONE ? mp.mode == ARM_MODE_DISTRO
						 : strcmp(config_get(&cfg, KEY_CAPTURE_MODE), "distro") == 0);
}

