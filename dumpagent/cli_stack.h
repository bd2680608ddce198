/* cli_stack.h: what the target filesystem sits on, for dumpagent status: "LV vg0/root on sda2" or "sda1". */
#ifndef DUMPAGENT_CLI_STACK_H
#define DUMPAGENT_CLI_STACK_H

#include <stddef.h>
#include <sys/types.h>

/* The block device dev (sysfs/dev/block/MAJ:MIN) as status shows it: an LVM
 * LV as "LV VG/LV on PV, PV...", any other device by its kernel name, and
 * "MAJ:MIN" when sysfs does not know it. */
void cli_stack(const char *sysfs, dev_t dev, char *out, size_t len);

#endif
