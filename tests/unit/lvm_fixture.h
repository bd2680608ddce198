/* lvm_fixture.h: hand-made LVM2 PV images (label in sector 1, one metadata area) for the unit tests. */
#ifndef DUMPAGENT_TEST_LVM_FIXTURE_H
#define DUMPAGENT_TEST_LVM_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lvm_disk.h"

#define PV_ID "A4z9G51DYexMuyDeRIzJcbOyzXw05ahI"
#define MDA_START 4096
#define MDA_SIZE 8192 /* small, so that a text can wrap */
#define IMAGE (MDA_START + MDA_SIZE)

static unsigned char img[IMAGE];

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* The label in sector 1 (where pvcreate puts it), one metadata area. */
static void make_label_id(const char *pv_id)
{
	unsigned char *s = img + 512, *ph = s + 32;

	memset(img, 0, sizeof(img));
	memcpy(s, "LABELONE", 8);
	put64(s + 8, 1);
	put32(s + 20, 32);
	memcpy(s + 24, "LVM2 001", 8);
	memcpy(ph, pv_id, 32);
	put64(ph + 32, 1 << 24);
	put64(ph + 40, 1 << 20); /* data area, then the end of the list */
	put64(ph + 72, MDA_START);
	put64(ph + 80, MDA_SIZE);
	put32(s + 16, lvm_crc(LVM_INITIAL_CRC, s + 20, 512 - 20));
}

/* The metadata area header pointing at text written at offset (wrapping). */
static void make_mda(uint64_t offset, const char *text, uint32_t flags)
{
	unsigned char *h = img + MDA_START;
	size_t len = strlen(text);
	uint64_t ring = MDA_SIZE - 512;

	memset(h, 0, 512);
	memcpy(h + 4, " LVM2 x[5A%r0N*>", 16);
	put32(h + 20, 1);
	put64(h + 24, MDA_START);
	put64(h + 32, MDA_SIZE);
	put64(h + 40, offset);
	put64(h + 48, len);
	put32(h + 56, lvm_crc(LVM_INITIAL_CRC, (const unsigned char *)text, len));
	put32(h + 60, flags);
	put32(h, lvm_crc(LVM_INITIAL_CRC, h + 4, 512 - 4));
	for (size_t i = 0; i < len; i++)
		h[512 + (offset - 512 + i) % ring] = (unsigned char)text[i];
}

static inline void make_label(void)
{
	make_label_id(PV_ID);
}

/* A whole PV image: PV pv_id, metadata of VG vg (id vg_id) at seqno. */
static inline void make_pv(const char *pv_id, const char *vg, const char *vg_id, unsigned long long seqno)
{
	static char text[512];

	make_label_id(pv_id);
	snprintf(text, sizeof(text), "%s {\nid = \"%s\"\nseqno = %llu\nformat = \"lvm2\"\n"
		 "physical_volumes {\n}\n}\n", vg, vg_id, seqno);
	make_mda(512, text, 0);
}

#endif
