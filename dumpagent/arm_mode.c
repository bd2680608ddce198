/* arm_mode.c: CAPTURE_MODE decided: the small kernel or the distro kernel, and why, in one line (normal-boot side, arming). */
#include "arm_mode.h"

#include <stdio.h>
#include <string.h>

const char *arm_mode_name(enum arm_mode mode)
{
	return mode == ARM_MODE_DISTRO ? "distro" : "small";
}

/* The chain's modules as "a b c" (for the reason of small). */
static void chain_text(const struct arm_chain *c, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < c->n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : "", c->module[i]);
}

/* The program the small initramfs would need and lacks, else NULL. It
 * holds busybox, makedumpfile and the agent, which maps LVs and assembles md
 * arrays with ioctls; it has no cryptsetup, and so opens no LUKS device (the
 * distro initramfs gets Debian's cryptsetup and its libraries). */
static const char *small_lacks(const struct arm_chain *c)
{
	return c->tool;
}

/* CAPTURE_MODE=small: refused when the small kernel cannot reach the target;
 * lockdown does not refuse it up front (an admin may have signed it). */
static int decide_small(const struct arm_mode_facts *f, char *why, size_t len)
{
	const char *by = f->small_by ? f->small_by : "CAPTURE_MODE=small";

	if (*f->builtin_error) {
		(void)snprintf(why, len, "%s: the small kernel has no list of its built-in drivers (%s), so it "
				 "cannot be trusted to reach %s; set CAPTURE_MODE=auto or CAPTURE_MODE=distro", by,
			       f->builtin_error, f->chain->device);
		return -1;
	}
	if (*f->missing) {
		(void)snprintf(why, len, "%s: the small kernel lacks %s, needed to reach %s (%s lists its "
				 "drivers); set CAPTURE_MODE=distro or CAPTURE_MODE=auto", by, f->missing,
			       f->chain->device, f->builtin);
		return -1;
	}
	if (small_lacks(f->chain)) {
		(void)snprintf(why, len, "%s: the small initramfs lacks %s, needed to %s of %s; set "
				 "CAPTURE_MODE=distro or CAPTURE_MODE=auto", by, small_lacks(f->chain),
			       f->chain->tool_use, f->chain->device);
		return -1;
	}
	if (*f->lockdown)
		(void)snprintf(why, len, "small: %s, under lockdown %s: the small kernel loads only if it is "
				 "signed by a key the kernel trusts", by, f->lockdown);
	else
		(void)snprintf(why, len, "small: %s", by);
	return 0;
}

int arm_mode_decide(const struct arm_mode_facts *f, enum arm_mode *mode, char *why, size_t len)
{
	char have[ARM_CHAIN_MAX * ARM_MODNAME_MAX];

	*mode = ARM_MODE_SMALL;
	if (f->small_by || strcmp(f->setting, "small") == 0)
		return decide_small(f, why, len);
	*mode = ARM_MODE_DISTRO;
	if (strcmp(f->setting, "distro") == 0)
		(void)snprintf(why, len, "distro: CAPTURE_MODE=distro");
	else if (*f->lockdown)
		(void)snprintf(why, len, "auto: distro: lockdown is %s (Secure Boot): the small kernel is not "
				 "signed", f->lockdown);
	else if (*f->builtin_error)
		(void)snprintf(why, len, "auto: distro: the small kernel has no list of its built-in drivers (%s)",
			       f->builtin_error);
	else if (*f->missing)
		(void)snprintf(why, len, "auto: distro: the small kernel lacks %s", f->missing);
	else if (small_lacks(f->chain))
		(void)snprintf(why, len, "auto: distro: the small initramfs lacks %s, needed to %s of %s",
			       small_lacks(f->chain), f->chain->tool_use, f->chain->device);
	else {
		*mode = ARM_MODE_SMALL;
		chain_text(f->chain, have, sizeof(have));
		(void)snprintf(why, len, "auto: small: lockdown is off and the small kernel has %s", have);
	}
	return 0;
}
