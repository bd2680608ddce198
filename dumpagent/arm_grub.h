/* arm_grub.h: the GRUB settings files, not ours, that set crashkernel= (load-crashkernel --reserve). */
#ifndef DUMPAGENT_ARM_GRUB_H
#define DUMPAGENT_ARM_GRUB_H

#include <stddef.h>

/* Writes to out the files among grub_dir minus its ".d" (/etc/default/grub)
 * and grub_dir/\*.cfg but dumpagent.cfg (sorted) with a line that sets
 * crashkernel= before any '#', separated by spaces ("" when none). A second
 * crashkernel= is ambiguous: which one the kernel takes is not ours to guess.
 * Returns how many; a file that cannot be read does not count. */
int arm_grub_others(const char *grub_dir, char *out, size_t len);

#endif
