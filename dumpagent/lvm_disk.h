/* lvm_disk.h: reads an LVM2 physical volume's label, metadata area header and the VG's name, id and seqno. */
#ifndef DUMPAGENT_LVM_DISK_H
#define DUMPAGENT_LVM_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "lvm_meta.h"

#define LVM_LABEL_BYTES 2048   /* the label is in one of the first four sectors */
#define LVM_MDA_HEADER 512     /* the metadata area header, then the circular text buffer */
#define LVM_MDA_MAX 2          /* metadata areas on one PV (LVM writes at most two) */

/* What the label of one PV says. */
struct lvm_pv {
	char uuid[LVM_ID_LEN + 1];
	unsigned nmda;
	uint64_t mda_start[LVM_MDA_MAX], mda_size[LVM_MDA_MAX]; /* bytes from the device start */
};

/* Where the committed metadata text is, from a metadata area header. */
struct lvm_raw {
	uint64_t mda_start, mda_size; /* the area, header included */
	uint64_t offset, size;        /* the text, offset from mda_start; it may wrap */
	uint32_t checksum;
};

/* LVM2's CRC (lib/misc/crc.c): the reflected CRC-32 polynomial, started at
 * 0xf597a6cf, with no final inversion. */
#define LVM_INITIAL_CRC 0xf597a6cfU
uint32_t lvm_crc(uint32_t crc, const unsigned char *buf, size_t len);

/* buf holds the first len bytes of a device: 0 and pv filled; -ENOENT when no
 * sector of the first four has an LVM2 label; -EINVAL when it is malformed. */
int lvm_label_parse(const unsigned char *buf, size_t len, struct lvm_pv *pv);
/* hdr holds the LVM_MDA_HEADER bytes at start (an area of size bytes): 0 and
 * raw; -ENODATA when the area holds no metadata (empty, or ignored);
 * -EINVAL when the header is malformed or its checksum wrong. */
int lvm_mda_parse(const unsigned char *hdr, size_t len, uint64_t start, uint64_t size, struct lvm_raw *raw);

/* Reads the PV at fd: its label into pv, and, from its first metadata area
 * that holds metadata (checksum of the whole text checked), the VG into vg.
 * 0 with both; 1 when the PV holds no metadata (vg untouched); -ENOENT when
 * fd is no PV; -EINVAL when something on it is malformed; or -errno. */
int lvm_pv_read(int fd, struct lvm_pv *pv, struct lvm_vg *vg);

#endif
