/* test_cli_file.c: the admin commands' one file reader: no link, no FIFO, no one else's file, bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tmpdir.h"

static void put(const char *name, const char *text)
{
	int fd = openat(rootfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void reads_a_root_file_bounded(void **state)
{
	char buf[8];

	(void)state;
	put("summary.json", "0123456789");
	assert_int_equal(cli_read_small(rootfd, "summary.json", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "0123456");
}

/* Issue 11: a FIFO named summary.<id>.json made "dumpagent list" hang in open(). */
static void refuses_a_fifo_without_waiting(void **state)
{
	char buf[64];
	struct stat st;

	(void)state;
	assert_int_equal(mkfifoat(rootfd, "summary.json", 0600), 0);
	alarm(10); /* the old reader blocks here forever: let the test die instead */
	assert_int_equal(cli_read_small(rootfd, "summary.json", buf, sizeof(buf)), -EPERM);
	assert_int_equal(cli_open_file(rootfd, "summary.json", &st), -EPERM);
	alarm(0);
}

static void refuses_links_directories_and_others_files(void **state)
{
	char buf[64];

	(void)state;
	put("real", "x");
	assert_int_equal(symlinkat("real", rootfd, "link"), 0);
	assert_int_equal(cli_read_small(rootfd, "link", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(mkdirat(rootfd, "dir", 0700), 0);
	assert_int_equal(cli_read_small(rootfd, "dir", buf, sizeof(buf)), -EPERM);
	put("theirs", "fake");
	assert_int_equal(fchownat(rootfd, "theirs", 65534, 65534, 0), 0);
	assert_int_equal(cli_read_small(rootfd, "theirs", buf, sizeof(buf)), -EPERM);
	assert_int_equal(cli_read_small(rootfd, "missing", buf, sizeof(buf)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(reads_a_root_file_bounded),
		TMPDIR_TEST(refuses_a_fifo_without_waiting),
		TMPDIR_TEST(refuses_links_directories_and_others_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
