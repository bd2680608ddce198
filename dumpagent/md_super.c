/* md_super.c: reads an md RAID member's superblock (v1.0, v1.1, v1.2 and 0.90): the array's UUID, level, size, this member's role and events.
 *
 * Every field comes from a disk we do not trust: the v1 roles table is
 * bounded by the buffer before its checksum is summed, the role is looked up
 * only below max_dev, and a superblock must name the sector it was read from
 * (super_offset), as md itself requires, so that a copy found at the wrong
 * place (a member inside a member) is not taken for one. */
#include "md_super.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "text.h"

#define V1_ROLES 256          /* the roles table: a u16 per device number */
#define V1_MAX_DEV ((MD_SB_BYTES - V1_ROLES) / 2)
#define ROLE_SPARE 0xffff     /* and 0xfffe faulty, 0xfffd journal: no data slot */
#define ROLE_MAX 0xff00
#define SB0_RESERVED 65536    /* 0.90: the last 64 KiB-aligned 64 KiB of the device */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* md's checksum: the little-endian words summed in 64 bits, folded once. */
static uint32_t csum_words(const unsigned char *p, size_t len, size_t skip)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4)
		if (i != skip)
			sum += le32(p + i);
	if (len - i == 2)
		sum += (uint32_t)(p[i] | p[i + 1] << 8);
	return (uint32_t)((sum & 0xffffffffU) + (sum >> 32));
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		(void)snprintf(out + 2 * i, 3, "%02x", p[i]);
}

int md_super1_parse(const unsigned char *buf, size_t len, uint64_t at, unsigned minor, struct md_member *m)
{
	uint32_t max_dev, dev_number;
	size_t size;

	memset(m, 0, sizeof(*m));
	if (len < V1_ROLES || le32(buf) != MD_MAGIC)
		return -ENOENT;
	if (le32(buf + 4) != 1)
		return -ENOENT; /* another major version at this place: not v1 */
	max_dev = le32(buf + 220);
	size = V1_ROLES + 2 * (size_t)max_dev;
	if (max_dev > V1_MAX_DEV || size > len || le64(buf + 144) != at)
		return -EBADMSG;
	if (csum_words(buf, size, 216) != le32(buf + 216))
		return -EBADMSG;
	m->major = 1, m->minor = minor;
	hex(buf + 16, 16, m->uuid);
	(void)text_copy(m->name, sizeof(m->name), (const char *)buf + 32, 32);
	m->level = (int)le32(buf + 72);
	m->raid_disks = le32(buf + 92);
	m->feature_map = le32(buf + 8);
	m->data_offset = le64(buf + 128);
	m->events = le64(buf + 200);
	m->resync_offset = le64(buf + 208);
	m->clean = m->resync_offset == ~(uint64_t)0;
	dev_number = le32(buf + 160);
	m->role = MD_ROLE_NONE;
	if (dev_number < max_dev) {
		unsigned role = (unsigned)(buf[V1_ROLES + 2 * dev_number] | buf[V1_ROLES + 2 * dev_number + 1] << 8);

		if (role < ROLE_MAX)
			m->role = (int)role;
	}
	if (m->raid_disks == 0 || m->raid_disks > V1_MAX_DEV)
		return -EBADMSG;
	return 0;
}

int md_super0_parse(const unsigned char *buf, size_t len, struct md_member *m)
{
	const unsigned char *this_disk = buf + 992 * 4;
	uint32_t state;

	memset(m, 0, sizeof(*m));
	if (len < MD_SB_BYTES || le32(buf) != MD_MAGIC || le32(buf + 4) != 0)
		return -ENOENT;
	if (le32(buf + 8) != 90 || csum_words(buf, MD_SB_BYTES, 38 * 4) != le32(buf + 38 * 4))
		return -EBADMSG;
	m->major = 0, m->minor = 90;
	/* set_uuid0 is word 5, set_uuid1..3 words 13..15; as mdadm prints them. */
	(void)snprintf(m->uuid, sizeof(m->uuid), "%08x%08x%08x%08x", le32(buf + 20), le32(buf + 52),
		       le32(buf + 56), le32(buf + 60));
	m->level = (int)le32(buf + 28);
	m->raid_disks = le32(buf + 40);
	m->events = (uint64_t)le32(buf + 39 * 4) << 32 | le32(buf + 40 * 4);
	m->clean = le32(buf + 33 * 4) & 1; /* MD_SB_CLEAN */
	m->resync_offset = m->clean ? ~(uint64_t)0 : le32(buf + 43 * 4);
	state = le32(this_disk + 16);
	/* In sync (bit 2) and not faulty (bit 0): a data slot; else a spare. */
	m->role = (state & 4) && !(state & 1) && le32(this_disk + 12) < m->raid_disks ? (int)le32(this_disk + 12)
										     : MD_ROLE_NONE;
	if (m->raid_disks == 0 || m->raid_disks > 27)
		return -EBADMSG;
	return 0;
}

/* The superblock at byte off, if any: 1 found, 0 none, or -errno. */
static int try_at(int fd, uint64_t off, int v1_minor, struct md_member *m)
{
	static unsigned char buf[MD_SB_BYTES];
	ssize_t n = pread_full(fd, buf, sizeof(buf), (off_t)off);
	int r;

	if (n < 0)
		return (int)n;
	r = v1_minor >= 0 ? md_super1_parse(buf, (size_t)n, off / 512, (unsigned)v1_minor, m)
			  : md_super0_parse(buf, (size_t)n, m);
	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

int md_super_read(int fd, uint64_t size, struct md_member *m)
{
	/* Where each version keeps it: 1.2 at 4 KiB, 1.1 at 0, 1.0 at least 8 KiB
	 * before the end on a 4 KiB boundary, 0.90 in the last aligned 64 KiB. */
	const struct {
		int ok, minor;
		uint64_t off;
	} at[] = {
		{ size >= 8192, 2, 4096 },
		{ size >= 8192, 1, 0 },
		{ size >= 3 * 8192, 0, (size - 8192) & ~(uint64_t)4095 },
		{ size >= 2 * SB0_RESERVED, -1, (size & ~(uint64_t)(SB0_RESERVED - 1)) - SB0_RESERVED },
	};
	struct md_member one;
	int found = 0, r;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		if (!at[i].ok)
			continue;
		if ((r = try_at(fd, at[i].off, at[i].minor, &one)) < 0)
			return r;
		if (r == 1 && found++ == 0)
			*m = one;
	}
	if (found > 1)
		memset(m, 0, sizeof(*m));
	return found == 0 ? -ENOENT : found > 1 ? -ENOTUNIQ : 0;
}

int md_super_read_dev(int fd, struct md_member *m)
{
	off_t size = lseek(fd, 0, SEEK_END);

	if (size < 0)
		return -errno;
	return md_super_read(fd, (uint64_t)size, m);
}
