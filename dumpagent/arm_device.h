/* arm_device.h: the block device holding TARGET on the running system, and its filesystem type (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_DEVICE_H
#define DUMPAGENT_ARM_DEVICE_H

#include <stddef.h>
#include <sys/types.h>

/* Where to look: proc (mountinfo), sysfs (class/block), dev (the nodes). */
struct arm_where {
	const char *proc, *sysfs, *dev;
};

/* The device number and filesystem type of TARGET (UUID=, LABEL= or a
 * /dev/disk/by-* name; not auto, which arm_target_auto resolves): first a
 * mounted filesystem whose source has that UUID or label (mountinfo), else
 * the one block device holding it (target.c's scan of class/block, no
 * waiting). fstype gets the type (32 bytes). 0, or -1 with why. */
int arm_device(const struct arm_where *w, const char *target, const char *fstype_setting, dev_t *dev,
	       char *fstype, char *why, size_t len);

#endif
