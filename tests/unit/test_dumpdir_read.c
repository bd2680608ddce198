/* test_dumpdir_read.c: the status of a dump directory, scanning, ordering and removal. */
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

#include "dumpdir_read.h"
#include "tmpdir.h"

static struct dump_set set;

/* Makes directory id holding the files named in the list, each of size bytes. */
static void dump(const char *id, size_t size, const char *files)
{
	char name[96], buf[4096] = { 0 };
	const char *p = files;

	assert_int_equal(mkdirat(rootfd, id, 0700), 0);
	while (*p) {
		size_t n = strcspn(p, " ");
		int fd;

		snprintf(name, sizeof(name), "%s/%.*s", id, (int)n, p);
		fd = openat(rootfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, buf, size), (ssize_t)size);
		close(fd);
		p += n + (p[n] == ' ');
	}
}

static struct dump_entry *find(const char *id)
{
	struct dump_entry *e = dumpdir_find(&set, id);

	assert_non_null(e);
	return e;
}

static void status_by_the_rules(void **state)
{
	(void)state;
	dump("202601010000", 10, "dmesg.202601010000 dump.202601010000 dumpagent.log");
	dump("202601010001", 10, "dmesg.202601010001 vmcore.202601010001.gz");
	dump("202601010002", 10, "dump.202601010002");
	dump("202601010003", 10, "dmesg.202601010003 dumpagent.log");
	dump("202601010004", 10, "dmesg.202601010004 dump.202601010004.part");
	dump("202601010005", 10, "dumpagent.log");
	dump("202601010006", 10, "");
	dump("202601010007", 10, "dmesg.202601010000 dump.202601010000");
	memset(&set, 0, sizeof(set));
	assert_int_equal(dumpdir_scan(rootfd, root, &set), 0);
	assert_int_equal(set.count, 8);
	assert_int_equal(find("202601010000")->status, DUMP_COMPLETE);
	assert_int_equal(find("202601010000")->bytes, 30);
	assert_int_equal(find("202601010001")->status, DUMP_FALLBACK);
	assert_int_equal(find("202601010002")->status, DUMP_FALLBACK);
	assert_int_equal(find("202601010003")->status, DUMP_DMESG_ONLY);
	assert_int_equal(find("202601010004")->status, DUMP_INCOMPLETE);
	assert_int_equal(find("202601010005")->status, DUMP_INCOMPLETE);
	assert_int_equal(find("202601010006")->status, DUMP_INCOMPLETE);
	/* files stamped with another id do not count */
	assert_int_equal(find("202601010007")->status, DUMP_INCOMPLETE);
	assert_string_equal(dumpdir_status_name(DUMP_DMESG_ONLY), "dmesg-only");
}

static void skips_what_is_not_a_dump_dir(void **state)
{
	(void)state;
	dump("202601010000", 1, "dmesg.202601010000");
	assert_int_equal(mkdirat(rootfd, "dumpagent", 0700), 0);
	assert_int_equal(symlinkat("/etc", rootfd, "202601010100"), 0);
	close(openat(rootfd, "202601010200", O_WRONLY | O_CREAT, 0600));
	memset(&set, 0, sizeof(set));
	assert_int_equal(dumpdir_scan(rootfd, root, &set), 0);
	assert_int_equal(set.count, 1);
}

/* Issue 11: another user's directory (or one others can write to) named like a
 * dump is not counted, so gc neither keeps it as "the newest" nor counts its
 * bytes, and show/export/delete never pick it. */
static void skips_what_others_could_make(void **state)
{
	struct dump_entry e;

	(void)state;
	dump("202601010000", 1, "dmesg.202601010000 dump.202601010000");
	dump("209912312359", 1, "dmesg.209912312359 dump.209912312359");
	assert_int_equal(fchownat(rootfd, "209912312359", 65534, 65534, AT_SYMLINK_NOFOLLOW), 0);
	dump("209912312358", 1, "dmesg.209912312358");
	assert_int_equal(fchmodat(rootfd, "209912312358", 0750, 0), 0);
	dump("209912312357", 1, "dmesg.209912312357");
	assert_int_equal(fchmodat(rootfd, "209912312357", 0701, 0), 0);
	memset(&set, 0, sizeof(set));
	assert_int_equal(dumpdir_scan(rootfd, root, &set), 0);
	assert_int_equal(set.count, 1);
	assert_string_equal(set.d[0].id, "202601010000");
	assert_int_equal(dumpdir_read(rootfd, "209912312359", &e), -EPERM);
	assert_int_equal(dumpdir_open(rootfd, "209912312358"), -EPERM);
	/* delete and gc go through dumpdir_remove: someone else's directory stays */
	assert_int_equal(dumpdir_remove(rootfd, "209912312359"), -EPERM);
	assert_int_equal(faccessat(rootfd, "209912312359/dump.209912312359", F_OK, 0), 0);
}

/* A name swapped for another directory after the scan is not the dump that was listed. */
static void reopens_only_the_directory_it_read(void **state)
{
	int fd;

	(void)state;
	dump("202601010000", 1, "dmesg.202601010000");
	memset(&set, 0, sizeof(set));
	assert_int_equal(dumpdir_scan(rootfd, root, &set), 0);
	assert_int_equal(set.count, 1);
	fd = dumpdir_open_entry(&set.d[0]);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(renameat(rootfd, "202601010000", rootfd, "old"), 0);
	dump("202601010000", 1, "dmesg.202601010000");
	assert_int_equal(dumpdir_open_entry(&set.d[0]), -ESTALE);
}

/* Issue 11: a capture that saved only its summary and log is not a broken leftover. */
static void summary_only_is_its_own_status(void **state)
{
	(void)state;
	dump("202601010000", 10, "summary.202601010000.json summary.202601010000.txt dumpagent.log");
	dump("202601010001", 10, "summary.202601010001.txt dumpagent.log");
	dump("202601010002", 10, "summary.202601010002.json dump.202601010002.part");
	dump("202601010003", 10, "dumpagent.log");
	assert_int_equal(mkdirat(rootfd, "202601010003/dump.202601010003", 0700), 0);
	assert_int_equal(mkdirat(rootfd, "202601010003/dmesg.202601010003", 0700), 0);
	memset(&set, 0, sizeof(set));
	assert_int_equal(dumpdir_scan(rootfd, root, &set), 0);
	assert_int_equal(find("202601010000")->status, DUMP_SUMMARY_ONLY);
	assert_int_equal(find("202601010001")->status, DUMP_SUMMARY_ONLY);
	assert_string_equal(dumpdir_status_name(DUMP_SUMMARY_ONLY), "summary-only");
	/* cut short while writing the dump: incomplete, as before */
	assert_int_equal(find("202601010002")->status, DUMP_INCOMPLETE);
	/* directories named like a dump and a dmesg are neither */
	assert_int_equal(find("202601010003")->status, DUMP_INCOMPLETE);
}

static void orders_oldest_first(void **state)
{
	(void)state;
	dump("202601010000-10", 1, "");
	dump("202601010000-2", 1, "");
	dump("202601010000", 1, "");
	dump("202512312359", 1, "");
	memset(&set, 0, sizeof(set));
	assert_int_equal(dumpdir_scan(rootfd, root, &set), 0);
	dumpdir_sort(&set);
	assert_string_equal(set.d[0].id, "202512312359");
	assert_string_equal(set.d[1].id, "202601010000");
	assert_string_equal(set.d[2].id, "202601010000-2");
	assert_string_equal(set.d[3].id, "202601010000-10");
}

static void removes_without_following_links(void **state)
{
	struct stat st;

	(void)state;
	dump("202601010000", 1, "dmesg.202601010000 keep");
	assert_int_equal(symlinkat("../202601010000/keep", rootfd, "victim"), 0);
	dump("202601010001", 1, "dmesg.202601010001");
	assert_int_equal(symlinkat("../202601010000", rootfd, "202601010001/link"), 0);
	assert_int_equal(dumpdir_remove(rootfd, "202601010001"), 0);
	assert_int_equal(fstatat(rootfd, "202601010000/keep", &st, 0), 0);
	assert_int_not_equal(fstatat(rootfd, "202601010001", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(dumpdir_remove(rootfd, "victim"), -ENOTDIR);
	assert_int_equal(dumpdir_remove(rootfd, "202601019999"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(status_by_the_rules),
		TMPDIR_TEST(skips_what_is_not_a_dump_dir),
		TMPDIR_TEST(skips_what_others_could_make),
		TMPDIR_TEST(reopens_only_the_directory_it_read),
		TMPDIR_TEST(summary_only_is_its_own_status),
		TMPDIR_TEST(orders_oldest_first),
		TMPDIR_TEST(removes_without_following_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
