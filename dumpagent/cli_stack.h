/* cli_stack.h: what the target filesystem sits on, for dumpagent status: "LV vg0/root on LUKS2 on sda3", "md0 (raid1, 2 members) on sda1, sdb1" or "sda1". */
#ifndef DUMPAGENT_CLI_STACK_H
#define DUMPAGENT_CLI_STACK_H

#include <stddef.h>
#include <sys/types.h>

/* The block device dev (sysfs/dev/block/MAJ:MIN) as status shows it, each
 * layer on the devices under it (sysfs slaves/), three layers at most: an
 * LVM LV as "LV VG/LV on PV, PV...", a LUKS device as "LUKS2 on DEVICE",
 * an md array as "md0 (raid1, N members) on MEMBER, ...", any other device
 * by its kernel name, and "MAJ:MIN" when sysfs does not know it. */
void cli_stack(const char *sysfs, dev_t dev, char *out, size_t len);

#endif
