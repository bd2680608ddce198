/* superblock.h: identifies ext2/3/4, xfs and vfat filesystems, and LUKS1 and LUKS2 headers, from their first bytes. */
#ifndef DUMPAGENT_SUPERBLOCK_H
#define DUMPAGENT_SUPERBLOCK_H

#include <stddef.h>

#define SB_PROBE_BYTES 4096

struct fsid {
	char type[8];   /* "ext4", "xfs", "vfat", ..., or "luks1", "luks2" (an encrypted container, no filesystem) */
	char uuid[37];  /* as blkid prints it: lowercase 8-4-4-4-12, or XXXX-XXXX for vfat */
	char label[33]; /* sanitized, may be empty */
};

/* Returns 0 when buf (len bytes from the start of a device) holds a known
 * filesystem or LUKS header (its UUID as cryptsetup luksUUID prints it). */
int superblock_probe(const unsigned char *buf, size_t len, struct fsid *out);
/* Reads the start of the device open at fd and probes it: 0, -ENOENT for no
 * known filesystem, or -errno of the read. */
int superblock_read(int fd, struct fsid *out);

#endif
