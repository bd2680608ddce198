/* test_md_super.c: the md superblock reader on hand-made v1.2, v1.0 and 0.90 members (fields, checksums, places, bounds), one mdadm made, and dumpagent.md='s text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "md_plan.h"
#include "md_super.h"

#define DISK (1 << 20)
static unsigned char disk[DISK];

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

/* mdadm's calc_sb_1_csum, written out again. */
static uint32_t csum(const unsigned char *p, size_t len, size_t skip)
{
	uint64_t s = 0;

	for (size_t i = 0; i + 4 <= len; i += 4)
		if (i != skip)
			s += (uint64_t)p[i] | (uint64_t)p[i + 1] << 8 | (uint64_t)p[i + 2] << 16 | (uint64_t)p[i + 3] << 24;
	return (uint32_t)(s & 0xffffffff) + (uint32_t)(s >> 32);
}

/* A v1 superblock at byte off: raid1 over 2, device number 1 with role role. */
static void make_v1(size_t off, uint64_t events, unsigned role)
{
	unsigned char *sb = disk + off;

	memset(disk, 0, sizeof(disk));
	put32(sb, 0xa92b4efc);
	put32(sb + 4, 1);
	for (int i = 0; i < 16; i++)
		sb[16 + i] = (unsigned char)(0xa0 + i);
	memcpy(sb + 32, "host:0\n", 7); /* a control character, sanitized */
	put32(sb + 72, 1);
	put32(sb + 92, 2);
	put64(sb + 128, 2048);
	put64(sb + 144, off / 512);
	put32(sb + 160, 1);
	put64(sb + 200, 19);
	put64(sb + 200, events);
	put64(sb + 208, ~(uint64_t)0);
	put32(sb + 220, 3); /* max_dev: the table ends on a half word */
	sb[256] = 0, sb[257] = 0;
	sb[258] = (unsigned char)role, sb[259] = (unsigned char)(role >> 8);
	sb[260] = 0xff, sb[261] = 0xff;
	put32(sb + 216, csum(sb, 256 + 6, 216) + (uint32_t)(sb[260] | sb[261] << 8));
}

static int read_disk(size_t size, struct md_member *m)
{
	int fd = memfd_create("md", 0), r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, disk, size), (ssize_t)size);
	r = md_super_read(fd, size, m);
	close(fd);
	return r;
}

static void reads_a_v1_2_member(void **state)
{
	struct md_member m;

	(void)state;
	make_v1(4096, 19, 1);
	assert_int_equal(read_disk(DISK, &m), 0);
	assert_int_equal(m.major, 1);
	assert_int_equal(m.minor, 2);
	assert_string_equal(m.uuid, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	assert_string_equal(m.name, "host:0?");
	assert_int_equal(m.level, 1);
	assert_int_equal(m.raid_disks, 2);
	assert_int_equal(m.role, 1);
	assert_int_equal(m.events, 19);
	assert_int_equal(m.data_offset, 2048);
	assert_int_equal(m.clean, 1);
}

/* 1.0 sits at the end: (sectors - 16) rounded down to 8 sectors. */
static void reads_a_v1_0_member_at_the_end(void **state)
{
	struct md_member m;
	size_t size = DISK - 512 * 3; /* not a multiple of 4 KiB */

	(void)state;
	make_v1(((size - 8192) & ~(size_t)4095), 7, 0);
	assert_int_equal(read_disk(size, &m), 0);
	assert_int_equal(m.minor, 0);
	assert_int_equal(m.role, 0);
	assert_int_equal(m.events, 7);
}

static void refuses_a_wrong_checksum_or_place(void **state)
{
	struct md_member m;

	(void)state;
	make_v1(4096, 19, 1);
	disk[4096 + 201] ^= 1; /* events, under the checksum */
	assert_int_equal(read_disk(DISK, &m), -EBADMSG);
	make_v1(4096, 19, 1);
	disk[4096 + 258] ^= 1; /* the role, last in the summed table */
	assert_int_equal(read_disk(DISK, &m), -EBADMSG);
	/* a 1.2 superblock copied to sector 0 names sector 8 as its place */
	make_v1(4096, 19, 1);
	memcpy(disk, disk + 4096, 4096);
	memset(disk + 4096, 0, 4096);
	assert_int_equal(read_disk(DISK, &m), -EBADMSG);
	memset(disk, 0, sizeof(disk));
	assert_int_equal(read_disk(DISK, &m), -ENOENT);
}

/* max_dev beyond the 4 KiB is refused before any sum reads past it. */
static void bounds_the_roles_table(void **state)
{
	struct md_member m;

	(void)state;
	make_v1(4096, 19, 1);
	put32(disk + 4096 + 220, 0xffffffff);
	assert_int_equal(read_disk(DISK, &m), -EBADMSG);
	put32(disk + 4096 + 220, (4096 - 256) / 2 + 1);
	assert_int_equal(read_disk(DISK, &m), -EBADMSG);
	/* a device number past max_dev: no role (a spare) */
	make_v1(4096, 19, 1);
	put32(disk + 4096 + 160, 3);
	put32(disk + 4096 + 216, 0);
	put32(disk + 4096 + 216, csum(disk + 4096, 262, 216) + 0xffff);
	assert_int_equal(read_disk(DISK, &m), 0);
	assert_int_equal(m.role, MD_ROLE_NONE);
	/* the spare's role, 0xffff, is no slot either */
	make_v1(4096, 19, 0xffff);
	assert_int_equal(read_disk(DISK, &m), 0);
	assert_int_equal(m.role, MD_ROLE_NONE);
}

/* A 0.90 superblock: the last 64 KiB-aligned 64 KiB, native (little) words. */
static void reads_a_0_90_member_and_refuses_two(void **state)
{
	struct md_member m;
	unsigned char *sb = disk + DISK - 65536;

	(void)state;
	memset(disk, 0, sizeof(disk));
	put32(sb, 0xa92b4efc);
	put32(sb + 8, 90);
	put32(sb + 20, 0x01020304);
	put32(sb + 52, 0x05060708), put32(sb + 56, 0x090a0b0c), put32(sb + 60, 0x0d0e0f10);
	put32(sb + 28, 1), put32(sb + 40, 2);
	put32(sb + 33 * 4, 1);                 /* clean */
	put32(sb + 39 * 4, 0), put32(sb + 40 * 4, 33); /* events */
	put32(sb + 992 * 4 + 12, 1), put32(sb + 992 * 4 + 16, 6); /* slot 1, active and in sync */
	put32(sb + 38 * 4, csum(sb, 4096, 38 * 4));
	assert_int_equal(read_disk(DISK, &m), 0);
	assert_int_equal(m.major, 0);
	assert_int_equal(m.minor, 90);
	assert_string_equal(m.uuid, "0102030405060708090a0b0c0d0e0f10");
	assert_int_equal(m.role, 1);
	assert_int_equal(m.events, 33);
	assert_int_equal(m.clean, 1);
	sb[100] ^= 1;
	assert_int_equal(read_disk(DISK, &m), -EBADMSG);
	sb[100] ^= 1;
	/* and a 1.2 one on the same device: which is it? refused */
	put32(disk + 4096, 0xa92b4efc), put32(disk + 4100, 1), put32(disk + 4096 + 220, 0);
	put64(disk + 4096 + 144, 8), put32(disk + 4096 + 92, 2);
	put32(disk + 4096 + 216, csum(disk + 4096, 256, 216));
	assert_int_equal(read_disk(DISK, &m), -ENOTUNIQ);
}

/* The first 8 KiB of a member that mdadm 4.2 made in test-target-md's guest
 * (mdadm --create --metadata=1.2 --level=1 --raid-devices=2 --uuid=...;
 * after the capture: mdadm --examine said events 26, clean, role 0, data
 * offset 2048 sectors, name "(none):0"). */
static void reads_a_member_mdadm_made(void **state)
{
	struct md_member m;
	int fd = open("tests/fixtures/md/member-v1.2.bin", O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(md_super_read(fd, 8192, &m), 0);
	close(fd);
	assert_int_equal(m.major, 1);
	assert_int_equal(m.minor, 2);
	assert_string_equal(m.uuid, "5a1c2e3f4b6d7a8e9c0b1d2e3f4a5b6c");
	assert_string_equal(m.name, "(none):0"); /* the guest had no hostname */
	assert_int_equal(m.level, 1);
	assert_int_equal(m.raid_disks, 2);
	assert_int_equal(m.role, 0);
	assert_int_equal(m.events, 26);
	assert_int_equal(m.data_offset, 2048);
	assert_int_equal(m.clean, 1);
}

static void parses_and_formats_the_recorded_array(void **state)
{
	struct md_plan p;
	char err[256], out[MD_PLAN_TEXT_MAX];

	(void)state;
	assert_int_equal(md_plan_parse("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf,raid1,2", &p, err, sizeof(err)), 0);
	assert_string_equal(p.uuid, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	assert_int_equal(p.level, 1);
	assert_int_equal(p.raid_disks, 2);
	assert_int_equal(md_plan_format(&p, out, sizeof(out)), 0);
	assert_string_equal(out, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf,raid1,2");
	assert_int_equal(md_plan_parse("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf,raid0,2", &p, err, sizeof(err)), -1);
	assert_string_equal(err, "dumpagent.md=a0a1a2a3a4a5a6a7a8a9aaabacadaeaf,raid0,2: not UUID,LEVEL,MEMBERS "
				 "(32 hex digits, raid1, 1-8)");
	assert_int_equal(md_plan_parse("A0a1a2a3a4a5a6a7a8a9aaabacadaeaf,raid1,2", &p, err, sizeof(err)), -1);
	assert_int_equal(md_plan_parse("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf,raid1,9", &p, err, sizeof(err)), -1);
	assert_int_equal(md_plan_parse("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf,raid1,2x", &p, err, sizeof(err)), -1);
	assert_int_equal(md_plan_parse("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf,raid1,-2", &p, err, sizeof(err)), -1);
	assert_int_equal(md_plan_parse("a0a1,raid1,2", &p, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_a_v1_2_member),
		cmocka_unit_test(reads_a_v1_0_member_at_the_end),
		cmocka_unit_test(refuses_a_wrong_checksum_or_place),
		cmocka_unit_test(bounds_the_roles_table),
		cmocka_unit_test(reads_a_0_90_member_and_refuses_two),
		cmocka_unit_test(reads_a_member_mdadm_made),
		cmocka_unit_test(parses_and_formats_the_recorded_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
