/* arm_modules.h: which kernel has the chain's drivers: the small kernel's built-in list, the distro kernel's modules in load order (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_MODULES_H
#define DUMPAGENT_ARM_MODULES_H

#include <stddef.h>

#include "arm_chain.h"

#define ARM_MODS_MAX 64      /* modules the distro initramfs carries at most */
#define ARM_MODPATH_MAX 512  /* a module's path under /lib/modules/RELEASE */
#define ARM_MODLINE_MAX 16384 /* a line of modules.dep, .softdep, .alias, .builtin */

/* The distro kernel's modules for a chain, dependencies first, no duplicates. */
struct arm_modset {
	unsigned n;
	char path[ARM_MODS_MAX][ARM_MODPATH_MAX];
	char name[ARM_MODS_MAX][ARM_MODNAME_MAX];
};

/* Whether the list at path has module name: a KERNEL.builtin (one name a
 * line) or a modules.builtin (kernel/.../NAME.ko), '-' and '_' the same.
 * 1 or 0, or -errno when it cannot be read. */
int arm_builtin_has(const char *path, const char *name);
/* The chain's modules missing from the list builtin, space-separated into
 * missing: their count, or -1 with why when the list cannot be read. */
int arm_builtin_missing(const char *builtin, const struct arm_chain *c, char *missing, size_t len, char *why,
			size_t wlen);
/* The modules of moddir (/lib/modules/RELEASE) that the chain needs: those
 * not in moddir/modules.builtin, found in modules.dep (by module name, or
 * through modules.alias), with their dependencies and their "pre:"
 * softdeps, in load order. A chain module in neither is built into the
 * running kernel, which is the distro kernel: nothing to load. 0, or -1
 * with why (a file unreadable, a line too long, the set full). */
int arm_modules_resolve(const char *moddir, const struct arm_chain *c, struct arm_modset *s, char *why,
			size_t len);

#endif
