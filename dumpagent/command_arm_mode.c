/* command_arm_mode.c: arm-plan's CAPTURE_MODE: the target's driver chain, the decision, and the kernel, initramfs and modules of the mode. */
#include "command_arm_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "arm_chain.h"
#include "arm_check.h"
#include "arm_device.h"
#include "command_arm.h"
#include "exit_codes.h"
#include "log.h"

/* getenv(name) when set and not empty, else dflt: the test hooks. */
static const char *hook(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

const char *arm_state_dir(void)
{
	return hook("DUMPAGENT_STATE", "/var/lib/dumpagent");
}

/* The running kernel's release ($DUMPAGENT_KERNEL_RELEASE in tests). */
static void release_of(char *out, size_t len)
{
	static struct utsname u;
	const char *r = getenv("DUMPAGENT_KERNEL_RELEASE");

	if (!(r && *r))
		r = uname(&u) == 0 ? u.release : "unknown";
	(void)snprintf(out, len, "%s", r);
}

/* The target's driver chain: EXIT_OK, or EXIT_UNREACHABLE after the error. */
static int target_chain(const struct config *cfg, const struct arm_target *t, struct arm_chain *c)
{
	struct arm_where w = { arm_proc_dir(), arm_sysfs_dir(), hook("DUMPAGENT_DEV", "/dev") };
	char why[3 * ARM_PATH_MAX], fstype[32];
	dev_t dev;
	int r;

	if (t) {
		dev = t->dev;
		(void)snprintf(fstype, sizeof(fstype), "%s", t->mount.fstype);
	} else if (arm_device(&w, config_get(cfg, KEY_TARGET), config_get(cfg, KEY_FSTYPE), &dev, fstype, why,
			      sizeof(why)) < 0) {
		log_error("TARGET=%s: %s; the capture kernel is not armed for a target it may not reach",
			  config_get(cfg, KEY_TARGET), why);
		return EXIT_UNREACHABLE;
	}
	r = arm_chain(arm_sysfs_dir(), dev, fstype, c, why, sizeof(why));
	if (r < 0) {
		log_error("%s%s", why, r == -1 ? "; the capture kernel is not armed for a target it may not reach" : "");
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

/* The distro mode's kernel, initramfs and modules: EXIT_OK, or 13 after the error. */
static int plan_distro(const struct config *cfg, struct arm_mode_plan *mp, const struct arm_chain *c)
{
	char moddir[ARM_PATH_MAX], why[3 * ARM_PATH_MAX], from[128];

	release_of(mp->release, sizeof(mp->release));
	(void)snprintf(mp->kernel, sizeof(mp->kernel), "%s/vmlinuz-%s", hook("DUMPAGENT_BOOT", "/boot"),
		       mp->release);
	(void)snprintf(mp->initrd, sizeof(mp->initrd), "%s/initramfs-distro.img", arm_state_dir());
	(void)snprintf(from, sizeof(from), "CAPTURE_MODE=%s, the running kernel's image",
		       config_get(cfg, KEY_CAPTURE_MODE));
	if (arm_check_file("distro capture kernel", mp->kernel, from, why, sizeof(why)) < 0) {
		log_error("%s; install linux-image-%s, or set CAPTURE_MODE=small", why, mp->release);
		return EXIT_NO_KERNEL;
	}
	(void)snprintf(moddir, sizeof(moddir), "%s/%s", hook("DUMPAGENT_MODULES", "/lib/modules"), mp->release);
	if (arm_modules_resolve(moddir, c, &mp->mods, why, sizeof(why)) < 0) {
		log_error("cannot list the modules the distro capture kernel needs for %s: %s", c->device, why);
		return EXIT_NO_KERNEL;
	}
	return EXIT_OK;
}

int arm_plan_mode(const struct config *cfg, const char *small_kernel, const char *small_initrd,
		  const char *small_by, const struct arm_target *t, struct arm_mode_plan *mp)
{
	static struct arm_chain c;
	char builtin[ARM_PATH_MAX + 16], missing[ARM_CHAIN_MAX * ARM_MODNAME_MAX], error[2 * ARM_PATH_MAX] = "";
	struct arm_mode_facts f = { config_get(cfg, KEY_CAPTURE_MODE), arm_lockdown(arm_sysfs_dir()), builtin,
				    error, missing, &c, small_by };
	int rc;

	memset(mp, 0, sizeof(*mp));
	/* A test hook: the QEMU tests of the capture's own refusals (no disk, two
	 * disks with one UUID) arm a target the first kernel cannot see. */
	if (getenv("DUMPAGENT_ARM_UNCHECKED") && strcmp(config_get(cfg, KEY_CAPTURE_MODE), "distro") != 0) {
		(void)snprintf(mp->why, sizeof(mp->why), "small: the target's drivers not checked "
			       "(DUMPAGENT_ARM_UNCHECKED, a test hook, is set)");
		(void)snprintf(mp->kernel, sizeof(mp->kernel), "%s", small_kernel);
		(void)snprintf(mp->initrd, sizeof(mp->initrd), "%s", small_initrd);
		return EXIT_OK;
	}
	rc = target_chain(cfg, t, &c);
	if (rc != EXIT_OK)
		return rc;
	(void)snprintf(builtin, sizeof(builtin), "%s.builtin", small_kernel);
	if (arm_builtin_missing(builtin, &c, missing, sizeof(missing), error, sizeof(error)) < 0)
		missing[0] = '\0';
	if (arm_mode_decide(&f, &mp->mode, mp->why, sizeof(mp->why)) < 0) {
		log_error("%s", mp->why);
		return EXIT_UNREACHABLE;
	}
	if (mp->mode == ARM_MODE_DISTRO)
		return plan_distro(cfg, mp, &c);
	(void)snprintf(mp->kernel, sizeof(mp->kernel), "%s", small_kernel);
	(void)snprintf(mp->initrd, sizeof(mp->initrd), "%s", small_initrd);
	return EXIT_OK;
}
