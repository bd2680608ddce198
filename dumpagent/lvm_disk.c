/* lvm_disk.c: reads an LVM2 physical volume's label, metadata area header and the VG's name, id and seqno.
 *
 * The capture kernel has no LVM tools, so the on-disk format is read here,
 * after LVM2's lib/format_text/layout.h and lib/label/label.h (read, not
 * copied): a 32-byte label header ("LABELONE", its sector, a CRC, the offset
 * of the PV header, "LVM2 001") in one of the first four sectors; the PV
 * header (the PV's id, its size, then two lists of {offset, size}, data
 * areas and metadata areas, each ended by a zero entry); at each metadata
 * area a 512-byte header (CRC, magic, version 1, its own start and size,
 * then {offset, size, checksum, flags} of the committed text). Every field
 * is checked against the sector or the area it must lie in: the disk is not
 * trusted to be a PV at all. */
#include "lvm_disk.h"

#include <errno.h>
#include <string.h>

#include "io.h"

#define SECTOR 512
#define LABEL_SECTORS 4
#define PV_HEADER_MIN 40 /* the id and the size, before the lists */
#define MDA_MAGIC " LVM2 x[5A%r0N*>"
#define RAW_LOCN_IGNORED 1U
#define AREA_MAX (1ULL << 56) /* bytes: offsets stay far from off_t's end */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

uint32_t lvm_crc(uint32_t crc, const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1U)));
	}
	return crc;
}

/* The lists after the PV's id and size: data areas, then metadata areas,
 * each ended by an entry whose offset is 0. end is the end of the sector. */
static int parse_areas(const unsigned char *p, const unsigned char *end, struct lvm_pv *pv)
{
	int list = 0; /* 0: data areas, 1: metadata areas */

	for (; p + 16 <= end; p += 16) {
		uint64_t off = le64(p), size = le64(p + 8);

		if (off == 0 && ++list == 2)
			return 0;
		if (off == 0 || list == 0)
			continue;
		if (pv->nmda >= LVM_MDA_MAX || size <= LVM_MDA_HEADER || off % SECTOR || off > AREA_MAX ||
		    size > AREA_MAX)
			return -EINVAL;
		pv->mda_start[pv->nmda] = off;
		pv->mda_size[pv->nmda++] = size;
	}
	return -EINVAL; /* a list ran past the sector */
}

static int parse_label_sector(const unsigned char *s, unsigned n, struct lvm_pv *pv)
{
	uint32_t offset = le32(s + 20);
	char raw[LVM_ID_LEN];

	if (le64(s + 8) != n || le32(s + 16) != lvm_crc(LVM_INITIAL_CRC, s + 20, SECTOR - 20) ||
	    memcmp(s + 24, "LVM2 001", 8) != 0)
		return -EINVAL;
	if (offset < 32 || offset > SECTOR - PV_HEADER_MIN)
		return -EINVAL;
	memcpy(raw, s + offset, sizeof(raw));
	if (lvm_id_plain(raw, sizeof(raw), pv->uuid) < 0)
		return -EINVAL;
	return parse_areas(s + offset + PV_HEADER_MIN, s + SECTOR, pv);
}

int lvm_label_parse(const unsigned char *buf, size_t len, struct lvm_pv *pv)
{
	memset(pv, 0, sizeof(*pv));
	for (unsigned n = 0; n < LABEL_SECTORS && (n + 1) * SECTOR <= len; n++) {
		const unsigned char *s = buf + n * SECTOR;

		/* LVM takes the first sector that says LABELONE, and so do we. */
		if (memcmp(s, "LABELONE", 8) == 0) {
			int r = parse_label_sector(s, n, pv);

			if (r < 0)
				memset(pv, 0, sizeof(*pv));
			return r;
		}
	}
	return -ENOENT;
}

int lvm_mda_parse(const unsigned char *hdr, size_t len, uint64_t start, uint64_t size, struct lvm_raw *raw)
{
	const unsigned char *locn = hdr + 40;

	memset(raw, 0, sizeof(*raw));
	if (len < LVM_MDA_HEADER || le32(hdr) != lvm_crc(LVM_INITIAL_CRC, hdr + 4, LVM_MDA_HEADER - 4) ||
	    memcmp(hdr + 4, MDA_MAGIC, 16) != 0 || le32(hdr + 20) != 1 || le64(hdr + 24) != start ||
	    le64(hdr + 32) != size)
		return -EINVAL;
	raw->mda_start = start, raw->mda_size = size;
	raw->offset = le64(locn), raw->size = le64(locn + 8), raw->checksum = le32(locn + 16);
	if (raw->offset == 0 || (le32(locn + 20) & RAW_LOCN_IGNORED))
		return -ENODATA;
	/* The text starts after the header and is at most the buffer, wrapping once. */
	if (raw->offset < LVM_MDA_HEADER || raw->offset >= size || raw->size == 0 ||
	    raw->size > size - LVM_MDA_HEADER)
		return -EINVAL;
	return 0;
}

/* Reads len bytes of the circular text buffer from text offset pos (bytes
 * after raw->offset), wrapping from the area's end to just after its header. */
static int read_text(int fd, const struct lvm_raw *raw, uint64_t pos, unsigned char *buf, size_t len)
{
	uint64_t at = raw->offset + pos, ring = raw->mda_size - LVM_MDA_HEADER;
	size_t done = 0;

	while (done < len) {
		uint64_t rel = (at - LVM_MDA_HEADER) % ring, room = ring - rel;
		size_t n = len - done < room ? len - done : (size_t)room;
		ssize_t got = pread_full(fd, buf + done, n, (off_t)(raw->mda_start + LVM_MDA_HEADER + rel));

		if (got < 0)
			return (int)got;
		if ((size_t)got != n)
			return -EINVAL; /* the area ends past the device */
		done += n, at += n;
	}
	return 0;
}

/* Checks the whole text against its checksum, a chunk at a time, and parses
 * its top: the seqno of a half-written or torn copy is not trusted. */
static int read_vg(int fd, const struct lvm_raw *raw, struct lvm_vg *vg)
{
	static unsigned char buf[LVM_META_PROBE];
	uint32_t crc = LVM_INITIAL_CRC;
	int r;

	for (uint64_t pos = 0; pos < raw->size; pos += sizeof(buf)) {
		size_t n = raw->size - pos < sizeof(buf) ? (size_t)(raw->size - pos) : sizeof(buf);

		if ((r = read_text(fd, raw, pos, buf, n)) < 0)
			return r;
		crc = lvm_crc(crc, buf, n);
	}
	if (crc != raw->checksum)
		return -EINVAL;
	if ((r = read_text(fd, raw, 0, buf, raw->size < sizeof(buf) ? (size_t)raw->size : sizeof(buf))) < 0)
		return r;
	return lvm_meta_parse((const char *)buf, raw->size < sizeof(buf) ? (size_t)raw->size : sizeof(buf), vg);
}

int lvm_pv_read(int fd, struct lvm_pv *pv, struct lvm_vg *vg)
{
	static unsigned char buf[LVM_LABEL_BYTES];
	ssize_t n = pread_full(fd, buf, sizeof(buf), 0);
	int r;

	if (n < 0)
		return (int)n;
	if ((r = lvm_label_parse(buf, (size_t)n, pv)) < 0)
		return r;
	for (unsigned i = 0; i < pv->nmda; i++) {
		struct lvm_raw raw;

		n = pread_full(fd, buf, LVM_MDA_HEADER, (off_t)pv->mda_start[i]);
		if (n < 0)
			return (int)n;
		r = lvm_mda_parse(buf, (size_t)n, pv->mda_start[i], pv->mda_size[i], &raw);
		if (r == -ENODATA)
			continue;
		return r < 0 ? r : read_vg(fd, &raw, vg);
	}
	return 1;
}
