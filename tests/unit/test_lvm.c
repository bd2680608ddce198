/* test_lvm.c: the LVM2 label, metadata area and metadata text readers, on hand-made PVs and one pvcreate made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lvm_disk.h"
#include "lvm_fixture.h"
#include "tmpdir.h"

#define VG_ID "Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0"
static const char meta[] = "vg0 {\nid = \"Nwalkc-4V20-qRzB-4Pc5-UuaX-nR1q-nyAnw0\"\nseqno = 42\n"
			   "format = \"lvm2\"\nstatus = [\"RESIZEABLE\", \"READ\", \"WRITE\"] # c\n"
			   "physical_volumes {\npv0 {\nid = \"x\"\n}\n}\n}\n";

static int read_image(struct lvm_pv *pv, struct lvm_vg *vg)
{
	char path[128];
	int fd, r;

	snprintf(path, sizeof(path), "%s/pv", root);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, img, sizeof(img)), sizeof(img));
	r = lvm_pv_read(fd, pv, vg);
	close(fd);
	return r;
}

static void reads_name_id_and_seqno(void **state)
{
	struct lvm_pv pv;
	struct lvm_vg vg;

	(void)state;
	make_label();
	make_mda(512, meta, 0);
	assert_int_equal(read_image(&pv, &vg), 0);
	assert_string_equal(pv.uuid, PV_ID);
	assert_int_equal(pv.nmda, 1);
	assert_string_equal(vg.name, "vg0");
	assert_string_equal(vg.id, VG_ID);
	assert_int_equal(vg.seqno, 42);
}

/* The text buffer is circular: a copy near its end continues after the header. */
static void reads_text_that_wraps(void **state)
{
	struct lvm_pv pv;
	struct lvm_vg vg;

	(void)state;
	make_label();
	make_mda(MDA_SIZE - 40, meta, 0);
	assert_int_equal(read_image(&pv, &vg), 0);
	assert_int_equal(vg.seqno, 42);
}

static void refuses_bad_checksums(void **state)
{
	struct lvm_pv pv;
	struct lvm_vg vg;

	(void)state;
	make_label();
	make_mda(512, meta, 0);
	img[MDA_START + 512 + 30] ^= 1; /* the text, not its checksum */
	assert_int_equal(read_image(&pv, &vg), -EINVAL);
	make_mda(512, meta, 0);
	img[MDA_START + 100] ^= 1; /* the area header */
	assert_int_equal(read_image(&pv, &vg), -EINVAL);
	make_mda(512, meta, 0);
	img[512 + 100] ^= 1; /* the label sector */
	assert_int_equal(read_image(&pv, &vg), -EINVAL);
}

static void no_label_no_metadata(void **state)
{
	struct lvm_pv pv;
	struct lvm_vg vg;

	(void)state;
	memset(img, 0, sizeof(img));
	assert_int_equal(read_image(&pv, &vg), -ENOENT);
	make_label();
	make_mda(512, meta, 1); /* RAW_LOCN_IGNORED */
	assert_int_equal(read_image(&pv, &vg), 1);
	make_mda(0, "", 0);
	assert_int_equal(read_image(&pv, &vg), 1);
}

/* The header's fields must lie inside the sector and the area. */
static void refuses_areas_out_of_bounds(void **state)
{
	struct lvm_pv pv;
	struct lvm_raw raw;
	unsigned char *h = img + MDA_START;

	(void)state;
	make_label();
	put32(img + 512 + 20, 500); /* the PV header past the sector */
	put32(img + 512 + 16, lvm_crc(LVM_INITIAL_CRC, img + 512 + 20, 512 - 20));
	assert_int_equal(lvm_label_parse(img, 2048, &pv), -EINVAL);
	make_label();
	memset(img + 512 + 32 + 40, 0x11, 512 - 72); /* lists that never end */
	put32(img + 512 + 16, lvm_crc(LVM_INITIAL_CRC, img + 512 + 20, 512 - 20));
	assert_int_equal(lvm_label_parse(img, 2048, &pv), -EINVAL);
	make_label();
	make_mda(512, meta, 0);
	put64(h + 48, MDA_SIZE); /* bigger than the ring */
	put32(h, lvm_crc(LVM_INITIAL_CRC, h + 4, 512 - 4));
	assert_int_equal(lvm_mda_parse(h, 512, MDA_START, MDA_SIZE, &raw), -EINVAL);
	make_mda(100, meta, 0); /* inside the header */
	assert_int_equal(lvm_mda_parse(h, 512, MDA_START, MDA_SIZE, &raw), -EINVAL);
	make_mda(512, meta, 0);
	assert_int_equal(lvm_mda_parse(h, 512, MDA_START + 512, MDA_SIZE, &raw), -EINVAL); /* start */
}

#define PARSE(t) lvm_meta_parse((t), strlen(t), &vg)

static void meta_text_cases(void **state)
{
	struct lvm_vg vg;
	char name[200];

	(void)state;
	assert_int_equal(PARSE(meta), 0);
	/* Cut before seqno; no seqno before the first subsection. */
	assert_int_equal(lvm_meta_parse(meta, 50, &vg), -EINVAL);
	assert_int_equal(PARSE("v {\nid = \"" VG_ID "\"\nx {\nseqno = 3\n"), -EINVAL);
	assert_int_equal(PARSE("v {\nid = \"short\"\nseqno = 3\n"), -EINVAL);
	assert_int_equal(PARSE("v {\nid = \"" VG_ID "\"\nseqno = 99999999999999999999999\n"), -EINVAL);
	assert_int_equal(PARSE("v {\nid = \"" VG_ID "\"\nseqno = 0\n"), -EINVAL);
	assert_int_equal(PARSE("v {\nid = \"" VG_ID), -EINVAL);
	assert_int_equal(PARSE("v/x {\n"), -EINVAL);
	memset(name, 'a', sizeof(name));
	memcpy(name + 150, " {\n", 4);
	assert_int_equal(PARSE(name), -EINVAL);
	assert_int_equal(PARSE("# c\nv { # c\nx = [\"]\", 1]\nseqno = 7\nid = \"" VG_ID "\"\n"), 0);
	assert_string_equal(vg.name, "v");
	assert_int_equal(vg.seqno, 7);
}

/* The first 8 KiB of a PV that pvcreate and vgcreate (LVM 2.03.16) wrote:
 * the CRCs, the layout and the text are LVM's own. */
static void reads_what_lvm_wrote(void **state)
{
	struct lvm_pv pv;
	struct lvm_vg vg;
	int fd = open("tests/fixtures/lvm/pv-vgcreate.bin", O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(lvm_pv_read(fd, &pv, &vg), 0);
	close(fd);
	assert_string_equal(pv.uuid, PV_ID);
	assert_string_equal(vg.name, "dalvx");
	assert_string_equal(vg.id, VG_ID);
	assert_int_equal(vg.seqno, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(reads_name_id_and_seqno),
		TMPDIR_TEST(reads_text_that_wraps),
		TMPDIR_TEST(refuses_bad_checksums),
		TMPDIR_TEST(no_label_no_metadata),
		cmocka_unit_test(refuses_areas_out_of_bounds),
		cmocka_unit_test(meta_text_cases),
		cmocka_unit_test(reads_what_lvm_wrote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
