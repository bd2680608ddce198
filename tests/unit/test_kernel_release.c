/* test_kernel_release.c: the release of a kernel image file, from its header, its banner or its name (kernel_release.c). */
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
		cmocka_unit_test_setup_teardown(test_name, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_scan_bounded, tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
