/* arm_chain.h: the target's driver chain on the running system, from sysfs, and the targets no mode reaches (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_CHAIN_H
#define DUMPAGENT_ARM_CHAIN_H

#include <stddef.h>
#include <sys/types.h>

#define ARM_CHAIN_MAX 16    /* modules of one chain: a few buses deep, and the filesystem */
#define ARM_MODNAME_MAX 64  /* a module name, '-' written '_' */

/* The modules the capture kernel needs to reach a block device: its
 * drivers from the bus down to the disk, then the filesystem's. */
struct arm_chain {
	char device[64]; /* the kernel name of the device holding the filesystem: "sda1" */
	unsigned n;
	char module[ARM_CHAIN_MAX][ARM_MODNAME_MAX];
	/* A program the capture must run to reach the device ("cryptsetup", to
	 * open a LUKS device), and what for; NULL when the agent needs none (it
	 * maps LVs and assembles md arrays itself). */
	const char *tool, *tool_use;
};

/* "network filesystem nfs4" when fstype is one no capture kernel can
 * reach (nfs, nfs4, cifs, smb3, ceph, 9p, fuse.*), else NULL. */
const char *arm_chain_network(const char *fstype);
/* The driver chain of block device dev (sysfs/dev/block/MAJ:MIN) holding a
 * filesystem of type fstype. 0; -1 with why when sysfs cannot tell; -2 with
 * why (naming the device, the reason and the fix) when no mode reaches it:
 * device-mapper, md RAID, loop, another device without hardware (under
 * devices/virtual: zram, nbd), or a network filesystem. */
int arm_chain(const char *sysfs, dev_t dev, const char *fstype, struct arm_chain *c, char *why, size_t len);
/* Copies name to out with every '-' written '_' (as modules.builtin and
 * the kernel compare module names). */
void arm_modname(const char *name, size_t n, char *out, size_t len);

#endif
