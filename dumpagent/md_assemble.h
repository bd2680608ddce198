/* md_assemble.h: assembles a found md array with md's ioctls, and stops it again (capture side; no mdadm there). */
#ifndef DUMPAGENT_MD_ASSEMBLE_H
#define DUMPAGENT_MD_ASSEMBLE_H

#include <stddef.h>
#include <sys/types.h>

#include "md_find.h"

#define MD_CAPTURE_MINOR 127 /* /dev/md127: the capture kernel has no other array */

/* Creates md MD_CAPTURE_MINOR through sysfs (module/md_mod/parameters/new_array
 * under sysfs), opens it under dev_dir, hands md every member of f and runs
 * it: 0, the array's fd in *fd (kept open until
 * md_stop) and its number in *dev; -1 with err (and the array stopped again
 * when it was started). */
int md_assemble(const char *sysfs, const char *dev_dir, const struct md_found *f, unsigned raid_disks, int *fd,
		dev_t *dev, char *err, size_t errlen);
/* Stops the array open at fd (STOP_ARRAY, which writes the members'
 * superblocks) and closes fd: 0, or -1 with err. */
int md_stop(int fd, char *err, size_t errlen);

#endif
