/* superblock.c: identifies ext2/3/4, xfs and vfat filesystems, and LUKS1 and LUKS2 headers, from their first bytes. */
#include "superblock.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io.h"
#include "text.h"

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void format_uuid(const unsigned char *u, char out[37])
{
	(void)snprintf(out, 37,
		       "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		       u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		       u[12], u[13], u[14], u[15]);
}

/* Copies a fixed-size, possibly unterminated label, dropping trailing blanks and
 * replacing anything unprintable: labels come from a disk we do not trust. */
static void copy_label(char *out, size_t outlen, const unsigned char *src, size_t n)
{
	size_t i = text_copy(out, outlen, (const char *)src, n);

	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = '\0';
}

#define EXT_SB 1024
#define EXT3_FEATURE_INCOMPAT_SUPP 0x0016 /* filetype, recover, meta_bg */
#define EXT3_FEATURE_RO_COMPAT_SUPP 0x0007

static int probe_ext(const unsigned char *buf, size_t len, struct fsid *out)
{
	const unsigned char *sb = buf + EXT_SB;
	uint32_t compat, incompat, ro_compat;

	if (len < EXT_SB + 1024 || le16(sb + 0x38) != 0xEF53)
		return -1;
	compat = le32(sb + 0x5C);
	incompat = le32(sb + 0x60);
	ro_compat = le32(sb + 0x64);
	if ((incompat & ~EXT3_FEATURE_INCOMPAT_SUPP) || (ro_compat & ~EXT3_FEATURE_RO_COMPAT_SUPP))
		strcpy(out->type, "ext4");
	else if (compat & 0x0004) /* has_journal */
		strcpy(out->type, "ext3");
	else
		strcpy(out->type, "ext2");
	format_uuid(sb + 0x68, out->uuid);
	copy_label(out->label, sizeof(out->label), sb + 0x78, 16);
	return 0;
}

static int probe_xfs(const unsigned char *buf, size_t len, struct fsid *out)
{
	if (len < 512 || memcmp(buf, "XFSB", 4) != 0)
		return -1;
	strcpy(out->type, "xfs");
	format_uuid(buf + 32, out->uuid);
	copy_label(out->label, sizeof(out->label), buf + 108, 12);
	return 0;
}

static int is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

static int probe_vfat(const unsigned char *buf, size_t len, struct fsid *out)
{
	unsigned sector, id_off, label_off;
	uint32_t id;

	if (len < 512 || buf[510] != 0x55 || buf[511] != 0xAA)
		return -1;
	if (buf[0] != 0xEB && buf[0] != 0xE9)
		return -1;
	sector = le16(buf + 11);
	if (sector < 512 || sector > 4096 || !is_pow2(sector) || !is_pow2(buf[13]) ||
	    le16(buf + 14) == 0 || buf[16] == 0 || buf[16] > 2)
		return -1;
	if (memcmp(buf + 82, "FAT32   ", 8) == 0 && le16(buf + 22) == 0)
		id_off = 67, label_off = 71;
	else if (memcmp(buf + 54, "FAT1", 4) == 0)
		id_off = 39, label_off = 43;
	else
		return -1;
	id = le32(buf + id_off);
	strcpy(out->type, "vfat");
	(void)snprintf(out->uuid, sizeof(out->uuid), "%04X-%04X", (unsigned)(id >> 16),
		       (unsigned)(id & 0xffff));
	copy_label(out->label, sizeof(out->label), buf + label_off, 11);
	if (strcmp(out->label, "NO NAME") == 0)
		out->label[0] = '\0';
	return 0;
}

/* LUKS1 (cryptsetup's luks1 on-disk format) and LUKS2 (its binary header,
 * the first 4096 bytes of hdr_size; the JSON area after it is cryptsetup's
 * to read). Both start with the magic and a big-endian version; both keep
 * the UUID as text at 168 (40 bytes), which blkid and cryptsetup print as
 * is. Only the primary header is read: a device whose primary header is
 * damaged is one cryptsetup must repair, not one a capture writes through.
 * The UUID is taken only when it is 8-4-4-4-12 hex (lowercased): it comes
 * from a disk we do not trust, and goes on the kernel's command line. */
#define LUKS_UUID_OFF 168
#define LUKS2_LABEL_OFF 24

static int luks_uuid(const unsigned char *src, char out[37])
{
	for (int i = 0; i < 36; i++) {
		unsigned char ch = src[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (ch != '-')
				return -1;
		} else if (ch >= 'A' && ch <= 'F') {
			ch = (unsigned char)(ch - 'A' + 'a');
		} else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
			return -1;
		}
		out[i] = (char)ch;
	}
	out[36] = '\0';
	return src[36] == '\0' ? 0 : -1;
}

static int probe_luks(const unsigned char *buf, size_t len, struct fsid *out)
{
	unsigned version;

	if (len < 512 || memcmp(buf, "LUKS\xba\xbe", 6) != 0)
		return -1;
	version = (unsigned)(buf[6] << 8 | buf[7]);
	if ((version != 1 && version != 2) || luks_uuid(buf + LUKS_UUID_OFF, out->uuid) < 0)
		return -1;
	strcpy(out->type, version == 1 ? "luks1" : "luks2");
	if (version == 2)
		copy_label(out->label, sizeof(out->label), buf + LUKS2_LABEL_OFF,
			   strnlen((const char *)buf + LUKS2_LABEL_OFF, 48));
	return 0;
}

int superblock_read(int fd, struct fsid *out)
{
	static unsigned char buf[SB_PROBE_BYTES];
	ssize_t n = pread_full(fd, buf, sizeof(buf), 0);

	if (n < 0)
		return (int)n;
	return superblock_probe(buf, (size_t)n, out) == 0 ? 0 : -ENOENT;
}

int superblock_probe(const unsigned char *buf, size_t len, struct fsid *out)
{
	memset(out, 0, sizeof(*out));
	/* LUKS first: its magic at 0 is certain, and what follows it is
	 * keyslot material that may look like anything. */
	if (probe_luks(buf, len, out) == 0 || probe_ext(buf, len, out) == 0 || probe_xfs(buf, len, out) == 0 ||
	    probe_vfat(buf, len, out) == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	return -1;
}
