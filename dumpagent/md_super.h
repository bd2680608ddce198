/* md_super.h: reads an md RAID member's superblock (v1.0, v1.1, v1.2 and 0.90): the array's UUID, level, size, this member's role and events. */
#ifndef DUMPAGENT_MD_SUPER_H
#define DUMPAGENT_MD_SUPER_H

#include <stddef.h>
#include <stdint.h>

#define MD_SB_BYTES 4096        /* a v1 superblock with its roles, and a whole 0.90 one */
#define MD_MAGIC 0xa92b4efcU
#define MD_ROLE_NONE (-1)       /* a spare, a faulty or a journal device: holds no data slot */
#define MD_LEVEL_RAID1 1

/* What one member's superblock says. */
struct md_member {
	unsigned major, minor;     /* the metadata version: 1.0, 1.1, 1.2 or 0.90 */
	char uuid[33];             /* the array's UUID, 32 lowercase hex digits */
	char name[33];             /* v1's array name ("host:0"), sanitized; "" for 0.90 */
	int level;                 /* 1 for raid1; 0, 10, 5, -1 (linear) ... */
	unsigned raid_disks;
	int role;                  /* this member's slot, 0 .. raid_disks-1, or MD_ROLE_NONE */
	uint64_t events;
	uint64_t data_offset;      /* in 512-byte sectors from the member's start */
	uint64_t resync_offset;    /* ~0 when the array is in sync (v1), 0 when dirty */
	uint32_t feature_map;      /* v1's; 0 for 0.90 */
	int clean;                 /* 0.90's state bit, v1's resync_offset == ~0 */
};

#define MD_FEATURE_RESHAPE_ACTIVE 4U

/* buf holds MD_SB_BYTES read at sector `at` of a device: a v1 superblock of
 * minor version minor (0, 1 or 2: where it was found). 0 and m; -ENOENT when
 * there is no v1 magic; -EBADMSG when it is malformed, its checksum wrong or
 * it names another place (super_offset) as its own. */
int md_super1_parse(const unsigned char *buf, size_t len, uint64_t at, unsigned minor, struct md_member *m);
/* buf holds the MD_SB_BYTES of a 0.90 superblock: 0, -ENOENT or -EBADMSG. */
int md_super0_parse(const unsigned char *buf, size_t len, struct md_member *m);

/* Reads the device (or file) at fd, size bytes long, at the four places a
 * superblock may be: 0 and m; -ENOENT when it holds none; -EBADMSG when one
 * is malformed; -ENOTUNIQ when it holds two (an old 0.90 one under a 1.x:
 * refusing to guess, as md's own tools ask); or -errno of a read. */
int md_super_read(int fd, uint64_t size, struct md_member *m);
/* md_super_read of the whole device open at fd (its size from lseek). */
int md_super_read_dev(int fd, struct md_member *m);

#endif
