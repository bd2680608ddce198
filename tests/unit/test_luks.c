/* test_luks.c: LUKS1 and LUKS2 headers in the superblock reader, and the LUKS2 checksum, on headers cryptsetup made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "luks_header.h"
#include "superblock.h"
#include "tmpdir.h"

/* cryptsetup luksFormat --uuid ... of 20 MiB files: the first 4 KiB of a
 * LUKS1 header, the 16 KiB (hdr_size) of a LUKS2 one, no key material. */
#define LUKS1_FIXTURE "tests/fixtures/luks/luks1-header.bin"
#define LUKS2_FIXTURE "tests/fixtures/luks/luks2-header.bin"
#define LUKS1_UUID "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
#define LUKS2_UUID "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

static unsigned char hdr[16384];

static size_t load(const char *path)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	memset(hdr, 0, sizeof(hdr));
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	assert_true(n >= 4096);
	return (size_t)n;
}

static void reads_luks1(void **state)
{
	struct fsid id;

	(void)state;
	assert_int_equal(superblock_probe(hdr, load(LUKS1_FIXTURE), &id), 0);
	assert_string_equal(id.type, "luks1");
	assert_string_equal(id.uuid, LUKS1_UUID);
	assert_string_equal(id.label, "");
}

static void reads_luks2_with_label(void **state)
{
	struct fsid id;

	(void)state;
	assert_int_equal(superblock_probe(hdr, load(LUKS2_FIXTURE), &id), 0);
	assert_string_equal(id.type, "luks2");
	assert_string_equal(id.uuid, LUKS2_UUID);
	assert_string_equal(id.label, "dumpagent-fixture");
}

/* An uppercase UUID (another tool's) is the same device: lowercased. */
static void lowercases_the_uuid(void **state)
{
	struct fsid id;

	(void)state;
	load(LUKS2_FIXTURE);
	memcpy(hdr + 168, "1A2B3C4D", 8);
	assert_int_equal(superblock_probe(hdr, sizeof(hdr), &id), 0);
	assert_string_equal(id.uuid, LUKS2_UUID);
}

/* A damaged magic, version or UUID is no LUKS header (nor anything else). */
static void refuses_what_is_not_luks(void **state)
{
	static const struct {
		size_t at;
		unsigned char byte;
	} bad[] = { { 0, 'X' }, { 5, 0xbf }, { 7, 3 }, { 7, 0 }, { 168 + 8, '+' }, { 168 + 3, 'g' }, { 168 + 36, 'x' } };
	struct fsid id;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		load(LUKS2_FIXTURE);
		hdr[bad[i].at] = bad[i].byte;
		assert_int_equal(superblock_probe(hdr, sizeof(hdr), &id), -1);
		assert_string_equal(id.type, "");
	}
	load(LUKS1_FIXTURE);
	assert_int_equal(superblock_probe(hdr, 511, &id), -1);
}

static int fixture_fd(const char *name, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, hdr, len), (ssize_t)len);
	return fd;
}

static void checks_the_luks2_checksum(void **state)
{
	size_t n = load(LUKS2_FIXTURE);
	int fd;

	(void)state;
	fd = fixture_fd("ok", n);
	assert_int_equal(luks2_header_check(fd), 0);
	close(fd);
	hdr[4096 + 100] ^= 1; /* one bit of the JSON area */
	fd = fixture_fd("json", n);
	assert_int_equal(luks2_header_check(fd), -EBADMSG);
	close(fd);
	load(LUKS2_FIXTURE);
	hdr[24] ^= 1; /* the label, in the binary header */
	fd = fixture_fd("label", n);
	assert_int_equal(luks2_header_check(fd), -EBADMSG);
	close(fd);
	fd = fixture_fd("short", 8192); /* hdr_size says 16 KiB */
	assert_int_equal(luks2_header_check(fd), -EINVAL);
	close(fd);
}

static void refuses_sizes_and_versions(void **state)
{
	int fd;

	(void)state;
	load(LUKS2_FIXTURE);
	hdr[8 + 5] = 0x50; /* hdr_size 0x50004000: no power of two, and huge */
	fd = fixture_fd("size", sizeof(hdr));
	assert_int_equal(luks2_header_check(fd), -EINVAL);
	close(fd);
	fd = fixture_fd("luks1", load(LUKS1_FIXTURE));
	assert_int_equal(luks2_header_check(fd), -EINVAL);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_luks1),
		cmocka_unit_test(reads_luks2_with_label),
		cmocka_unit_test(lowercases_the_uuid),
		cmocka_unit_test(refuses_what_is_not_luks),
		cmocka_unit_test_setup_teardown(checks_the_luks2_checksum, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_sizes_and_versions, tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
