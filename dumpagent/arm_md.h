/* arm_md.h: the md RAID1 array a target sits on, recorded for the capture (dumpagent.md=): its UUID, level and members (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_MD_H
#define DUMPAGENT_ARM_MD_H

#include <stddef.h>
#include <sys/types.h>

/* The device dev: no md array, *out is "" (0); a RAID1 array whose members
 * all agree (one UUID, level and member count, every slot held), *out is the
 * value of dumpagent.md= (0); else -1 with why, or -2 for an array the
 * capture does not assemble (another level, a degraded array). */
int arm_md_record(const char *sysfs, const char *dev_dir, dev_t dev, char *out, size_t outlen, char *why,
		  size_t len);

#endif
