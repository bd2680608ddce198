/* test_capture_dir.c: directory walking without links, dump dirs, atomic publishing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_dir.h"
#include "outbuf.h"
#include "capture_files.h"
#include "tmpdir.h"

static mode_t mode_of(int dirfd, const char *name)
{
	struct stat st;

	assert_int_equal(fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_mode & 07777;
}

static void creates_missing_components_0700(void **state)
{
	char at[256];
	int fd;

	(void)state;
	fd = capture_dir_open(rootfd, "/var/crash", at, sizeof(at));
	assert_true(fd >= 0);
	assert_int_equal(mode_of(rootfd, "var"), 0700);
	assert_int_equal(mode_of(rootfd, "var/crash"), 0700);
	close(fd);
	fd = capture_dir_open(rootfd, "/var/crash", at, sizeof(at)); /* existing: opened again */
	assert_true(fd >= 0);
	close(fd);
}

static void refuses_symlink_component(void **state)
{
	char at[256];

	(void)state;
	assert_int_equal(symlinkat("/etc", rootfd, "var"), 0);
	assert_int_equal(capture_dir_open(rootfd, "/var/crash", at, sizeof(at)), -ELOOP);
	assert_string_equal(at, "var");
	assert_int_equal(mkdirat(rootfd, "srv", 0755), 0);
	assert_int_equal(symlinkat("/tmp", rootfd, "srv/crash"), 0);
	assert_int_equal(capture_dir_open(rootfd, "/srv/crash", at, sizeof(at)), -ELOOP);
	assert_string_equal(at, "crash");
}

static void refuses_file_component(void **state)
{
	char at[256];
	int fd = openat(rootfd, "var", O_CREAT | O_WRONLY, 0600);

	(void)state;
	close(fd);
	assert_int_equal(capture_dir_open(rootfd, "/var/crash", at, sizeof(at)), -ENOTDIR);
}

static void dump_dirs_never_collide(void **state)
{
	char a[DUMP_ID_MAX], b[DUMP_ID_MAX];
	int fa, fb;

	(void)state;
	fa = capture_dir_new_dump_dir(rootfd, 1795372801, a); /* 2026-11-22 18:40:01 UTC */
	fb = capture_dir_new_dump_dir(rootfd, 1795372830, b); /* the same minute */
	assert_true(fa >= 0 && fb >= 0);
	assert_string_equal(a, "202611221840");
	assert_string_equal(b, "202611221840-2");
	assert_int_equal(mode_of(rootfd, a), 0700);
	close(fa);
	close(fb);
}

/* Only a 12-digit YYYYMMDDHHMM is a dump id: other years make no directory. */
static void dump_dir_names_are_12_digits(void **state)
{
	char a[DUMP_ID_MAX];

	(void)state;
	assert_int_equal(capture_dir_new_dump_dir(rootfd, 253402300800, a), -EINVAL); /* year 10000 */
	assert_int_equal(capture_dir_new_dump_dir(rootfd, 99999999999999999, a), -EINVAL);
	assert_int_equal(capture_dir_new_dump_dir(rootfd, -61000000000, a), -EINVAL); /* year 36: 10 digits */
	assert_int_equal(faccessat(rootfd, "100001010000", F_OK, 0), -1);
}

static void publish_is_0600_and_never_replaces(void **state)
{
	int fd = openat(rootfd, "dump.x.part", O_CREAT | O_WRONLY, 0644);

	(void)state;
	assert_int_equal(write(fd, "data", 4), 4);
	close(fd);
	assert_int_equal(capture_dir_publish(rootfd, "dump.x.part", "dump.x"), 0);
	assert_int_equal(mode_of(rootfd, "dump.x"), 0600);
	assert_int_equal(faccessat(rootfd, "dump.x.part", F_OK, 0), -1);
	fd = openat(rootfd, "dump.x.part", O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(capture_dir_publish(rootfd, "dump.x.part", "dump.x"), -EEXIST);
}

static void publish_refuses_symlink(void **state)
{
	(void)state;
	assert_int_equal(symlinkat("/etc/passwd", rootfd, "dmesg.x.part"), 0);
	assert_int_equal(capture_dir_publish(rootfd, "dmesg.x.part", "dmesg.x"), -ELOOP);
}

/* Another user fills the names a predictable rename aside would use (the
 * time in seconds, for the next ten minutes): the private directory is still made. */
static void private_dir_not_blocked_by_predictable_names(void **state)
{
	long now = (long)time(NULL);
	char name[64];
	int fd, moved, asides = 0;
	struct dirent *de;
	DIR *d;

	(void)state;
	fd = openat(rootfd, "dumpagent", O_CREAT | O_WRONLY, 0666); /* the impostor */
	close(fd);
	for (long t = now - 5; t < now + 600; t++) {
		snprintf(name, sizeof(name), "dumpagent.untrusted.%ld", t);
		fd = openat(rootfd, name, O_CREAT | O_WRONLY, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	fd = capture_dir_private(rootfd, "dumpagent", &moved);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(moved, 1);
	assert_int_equal(mode_of(rootfd, "dumpagent"), 0700);
	/* The impostor went to a name of 16 random hex digits. */
	d = fdopendir(dup(rootfd));
	assert_non_null(d);
	while ((de = readdir(d)))
		asides += strlen(de->d_name) == 20 + 16 &&
			  strncmp(de->d_name, "dumpagent.untrusted.", 20) == 0 &&
			  strspn(de->d_name + 20, "0123456789abcdef") == 16;
	closedir(d);
	assert_int_equal(asides, 1);
	/* Found again as it is: nothing more renamed aside. */
	fd = capture_dir_private(rootfd, "dumpagent", &moved);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(moved, 0);
}

static int fill_hello(struct outbuf *o, void *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	outbuf_puts(o, "hello\n");
	return 0;
}

/* The directory's fsync fails after the rename (an O_PATH fd cannot be
 * fsynced, but renameat works through it): the file is saved, not missing. */
static void late_fsync_failure_is_not_a_missing_file(void **state)
{
	int dirfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct save_ctx s = { dirfd, "x", "/var/crash", "/proc/vmcore", "makedumpfile" };
	int renamed, fd;

	(void)state;
	assert_true(dirfd >= 0);
	assert_int_equal(save_file(&s, "summary.x.txt", fill_hello, NULL), SAVE_OK);
	assert_int_equal(faccessat(rootfd, "summary.x.txt", F_OK, 0), 0);
	fd = openat(rootfd, "f.part", O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(capture_dir_publish_at(dirfd, "f.part", "f", &renamed), -EBADF);
	assert_int_equal(renamed, 1);
	close(dirfd);
}

/* errno is read before the log line is written: a log on a full stderr must
 * not turn "create: File exists" into "the target is full". */
static void create_error_is_not_taken_from_the_log(void **state)
{
	struct save_ctx s = { rootfd, "x", "/var/crash", "/proc/vmcore", "makedumpfile" };
	int full = open("/dev/full", O_WRONLY), saved = dup(2);
	int fd = openat(rootfd, "g.part", O_CREAT | O_WRONLY, 0600);
	enum save_result r;

	(void)state;
	close(fd);
	assert_true(full >= 0 && saved >= 0);
	dup2(full, 2);
	r = save_file(&s, "g", fill_hello, NULL);
	dup2(saved, 2);
	close(saved);
	close(full);
	assert_int_equal(r, SAVE_FAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(creates_missing_components_0700),
		TMPDIR_TEST(refuses_symlink_component),
		TMPDIR_TEST(refuses_file_component),
		TMPDIR_TEST(dump_dirs_never_collide),
		TMPDIR_TEST(dump_dir_names_are_12_digits),
		TMPDIR_TEST(publish_is_0600_and_never_replaces),
		TMPDIR_TEST(publish_refuses_symlink),
		TMPDIR_TEST(late_fsync_failure_is_not_a_missing_file),
		TMPDIR_TEST(create_error_is_not_taken_from_the_log),
		TMPDIR_TEST(private_dir_not_blocked_by_predictable_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
