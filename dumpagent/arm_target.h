/* arm_target.h: where TARGET=auto is on the running system, from mountinfo (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_TARGET_H
#define DUMPAGENT_ARM_TARGET_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define ARM_PATH_MAX 1024

/* One line of /proc/self/mountinfo: the mount source, where, and its type. */
struct arm_mount {
	char device[256], mountpoint[ARM_PATH_MAX], fstype[32];
};

/* What load-crashkernel passes to the capture kernel for TARGET=auto. */
struct arm_target {
	char dir[ARM_PATH_MAX]; /* CRASH_DIR, or its nearest existing parent */
	char uuid[37];
	struct arm_mount mount;
	dev_t dev; /* the device number of the filesystem (its block device) */
};

/* Copies path to dir, cut back to its nearest existing directory (path
 * itself, a parent, or "/"): the agent creates what is missing. Sets *dev to
 * its device number. 0, or -errno when even "/" cannot be stat'ed. */
int arm_existing_dir(const char *path, char *dir, size_t len, dev_t *dev);
/* Finds in the mountinfo text of f the mount of device dev with root "/"
 * (not a bind mount of a subdirectory). 0, or -1 when there is none. */
int arm_mount_find(FILE *f, dev_t dev, struct arm_mount *m);
/* TARGET=auto: the filesystem holding crash_dir, from proc/self/mountinfo,
 * with the UUID read from its superblock (as the capture agent will read
 * it); fstype is the FSTYPE setting. 0, or -1 with why filled in. */
int arm_target_auto(const char *proc, const char *crash_dir, const char *fstype,
		    struct arm_target *t, char *why, size_t len);

#endif
