/* test_kernel_release.c: a kernel image file's release, from its header, banner or name (kernel_release.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kernel_release.h"
#include "tmpdir.h"

/* Writes n bytes of data at off of root/name (made if missing) and opens it read-only. */
static int put(const char *name, off_t off, const void *data, size_t n)
{
	int fd = openat(rootfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, n, off), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	fd = openat(rootfd, name, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static int release_of(int fd, const char *path, char *out, size_t len)
{
	int r = kernel_release(fd, path, out, len);

	assert_int_equal(close(fd), 0);
	return r;
}

/* x86 bzImage: "HdrS" at 0x202, kernel_version at 0x20e + 0x200. */
static void test_bzimage_header(void **state)
{
	static unsigned char head[0x400];
	const char *v = "6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP";
	char out[80];

	(void)state;
	memcpy(head + 0x202, "HdrS", 4);
	head[0x20e] = 0x00;
	head[0x20f] = 0x01; /* 0x100: the string at 0x300 */
	memcpy(head + 0x300, v, strlen(v));
	assert_int_equal(release_of(put("vmlinuz", 0, head, sizeof(head)), "/x/vmlinuz", out, sizeof(out)), 0);
	assert_string_equal(out, "6.1.0-57-amd64");
}

/* arm64 Image: linux_banner across the first 64 KiB chunk's end, after a
 * "Linux version" that names no release. */
static void test_banner_across_chunks(void **state)
{
	const char *decoy = "Linux version unknown ", *banner = "Linux version 6.1.192 (dumpagent@dumpagent) #1";
	char out[80];
	int fd;

	(void)state;
	fd = put("Image", 100, decoy, strlen(decoy));
	assert_int_equal(close(fd), 0);
	fd = put("Image", 65536 - 20, banner, strlen(banner));
	assert_int_equal(close(fd), 0);
	fd = put("Image", 200000, "", 1);
	assert_int_equal(release_of(fd, "/usr/lib/dumpagent/vmlinuz", out, sizeof(out)), 0);
	assert_string_equal(out, "6.1.192");
}

/* The longest release (64 characters) whose banner starts as late in a
 * chunk as one can and still not be whole in it: found in the next chunk,
 * which overlaps the first by a banner, a release and a space. */
static void test_banner_longest_at_boundary(void **state)
{
	char banner[128], out[80], want[65];
	int fd;

	(void)state;
	memset(want, '7', 64);
	want[64] = '\0';
	(void)snprintf(banner, sizeof(banner), "Linux version %s (x) #1", want);
	fd = put("Image", 65536 - 79 + 1, banner, strlen(banner));
	assert_int_equal(close(fd), 0);
	fd = put("Image", 200000, "", 1);
	assert_int_equal(release_of(fd, "/x/Image", out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

/* A 65-character "release" is none; nor is a banner cut by the end of the scan. */
static void test_banner_refused(void **state)
{
	char banner[128], out[80];
	const char *cut = "Linux version 6.1.192 (cut) #1";

	(void)state;
	memset(banner, '7', sizeof(banner));
	memcpy(banner, "Linux version ", 14);
	memcpy(banner + 14 + 65, " (x)", 4);
	assert_int_equal(release_of(put("long", 0, banner, 14 + 65 + 4), "/x/Image", out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(release_of(put("edge", (off_t)KERNEL_BANNER_SCAN - 16, cut, strlen(cut)), "/x/Image", out,
				    sizeof(out)), -1);
	assert_string_equal(out, "");
}

/* A gzip'd image is not scanned, whatever bytes follow its magic. */
static void test_gzip_not_scanned(void **state)
{
	static const char gz[] = "\x1f\x8b\x08\0\0\0\0\0\0\3Linux version 6.1.192 (x) #1";
	char out[80];

	(void)state;
	assert_int_equal(release_of(put("Image.gz", 0, gz, sizeof(gz) - 1), "/x/Image.gz", out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

/* A compressed image says nothing inside: its name vmlinuz-RELEASE does. */
static void test_name(void **state)
{
	static const unsigned char gz[] = { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3 };
	char out[80];

	(void)state;
	assert_int_equal(release_of(put("vmlinuz-6.1.0-57-arm64", 0, gz, sizeof(gz)),
				    "/boot/vmlinuz-6.1.0-57-arm64", out, sizeof(out)), 0);
	assert_string_equal(out, "6.1.0-57-arm64");
	assert_int_equal(release_of(put("vmlinuz", 0, gz, sizeof(gz)), "/usr/lib/dumpagent/vmlinuz", out,
				    sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(release_of(put("vmlinuz-", 0, gz, sizeof(gz)), "/boot/vmlinuz-", out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

/* The scan stops at KERNEL_BANNER_SCAN: a banner past it is not read. */
static void test_scan_bounded(void **state)
{
	const char *banner = "Linux version 6.1.192 (far) #1";
	char out[80];

	(void)state;
	assert_int_equal(release_of(put("big", (off_t)KERNEL_BANNER_SCAN + 4096, banner, strlen(banner)),
				    "/x/Image", out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(release_of(put("near", (off_t)KERNEL_BANNER_SCAN - 65536, banner, strlen(banner)),
				    "/x/Image", out, sizeof(out)), 0);
	assert_string_equal(out, "6.1.192");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bzimage_header, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_banner_across_chunks, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_banner_longest_at_boundary, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_banner_refused, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_gzip_not_scanned, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_name, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_scan_bounded, tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
