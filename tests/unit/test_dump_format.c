/* test_dump_format.c: the names of docs/dump-format.md: each file, the report, .part, ids, the root-only rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <sys/stat.h>

#include "dump_format.h"

#define ID "202611221840"

/* Every name of the table in docs/dump-format.md, spelled out once here. */
static void file_names_are_the_documented_ones(void **state)
{
	static const char *const want[DUMP_FILE_KINDS] = {
		[DUMP_FILE_DMESG] = "dmesg." ID,
		[DUMP_FILE_SUMMARY_TXT] = "summary." ID ".txt",
		[DUMP_FILE_SUMMARY_JSON] = "summary." ID ".json",
		[DUMP_FILE_DUMP] = "dump." ID,
		[DUMP_FILE_VMCORE_GZ] = "vmcore." ID ".gz",
		[DUMP_FILE_LOG] = "dumpagent.log",
	};
	char name[DUMP_NAME_MAX];

	(void)state;
	for (int f = 0; f < DUMP_FILE_KINDS; f++) {
		assert_string_equal(dump_file_name((enum dump_file)f, ID, name), want[f]);
		assert_int_equal(dump_file_of(want[f], ID), f);
	}
	assert_string_equal(dump_file_name(DUMP_FILE_KINDS, ID, name), "");
	assert_string_equal(DUMP_PRIVATE_DIR, "dumpagent");
	assert_string_equal(DUMP_TEST_MARK, "dumpagent-test");
}

/* The reader knows a file only by the exact name for its own id. */
static void file_of_needs_the_exact_name(void **state)
{
	static const char *const other[] = { "dmesg." ID "-2", "dmesg.202611221841", "dump." ID ".part",
					     "summary." ID, "vmcore." ID, "dmesg." ID "x", "dmesg.",
					     "Dmesg." ID, "" };

	(void)state;
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		assert_int_equal(dump_file_of(other[i], ID), -1);
	assert_int_equal(dump_file_of("dmesg." ID "-2", ID "-2"), DUMP_FILE_DMESG);
}

static void report_name_is_safe(void **state)
{
	char name[DUMP_NAME_MAX];

	(void)state;
	assert_string_equal(dump_report_name("6.8.0-45-generic", ID, name),
			    "linux-image-6.8.0-45-generic-" ID ".crash");
	assert_string_equal(dump_report_name("../../etc/x y\n", ID, name),
			    "linux-image-.._.._etc_x_y_-" ID ".crash");
	assert_string_equal(dump_report_name("", ID, name), "linux-image-unknown-" ID ".crash");
	assert_true(dump_is_report("linux-image-6.8.0-45-generic-" ID ".crash", ID));
	assert_true(dump_is_report(dump_report_name("\x1b[2J", ID, name), ID));
	assert_false(dump_is_report("linux-image--" ID ".crash", ID));
	assert_false(dump_is_report("linux-image-6.8-" ID "-2.crash", ID));
	assert_false(dump_is_report("linux-image-6.8-" ID ".crash.part", ID));
	assert_false(dump_is_report("linux-6.8-" ID ".crash", ID));
}

static void part_names(void **state)
{
	char tmp[16];

	(void)state;
	assert_int_equal(dump_part_name("dmesg.x", tmp, sizeof(tmp)), 0);
	assert_string_equal(tmp, "dmesg.x.part");
	assert_int_equal(dump_part_name("dmesg.xxxxxxxxx", tmp, sizeof(tmp)), -1);
	assert_true(dump_is_part("dmesg.x.part"));
	assert_true(dump_is_part(".part"));
	assert_false(dump_is_part("dmesg.x.parts"));
	assert_false(dump_is_part("part"));
}

static void parses_ids(void **state)
{
	long long t;
	unsigned seq;

	(void)state;
	assert_int_equal(dump_id_parse("202611221840", &t, &seq), 0);
	assert_int_equal(t, 1795372800LL); /* date -u -d 2026-11-22T18:40:00Z +%s */
	assert_int_equal(seq, 1);
	assert_int_equal(dump_id_parse("202611221840-12", &t, &seq), 0);
	assert_int_equal(seq, 12);
	static const char *const bad[] = { "20261122184", "202611221840-", "202611221840-1",
					   "202611221840-02", "202611221840-100", "202613221840",
					   "2026112218401", "202611221860", "20261122184a", "dumpagent" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dump_id_parse(bad[i], &t, &seq), -1);
}

/* What the writer names, the reader parses back to the same minute and sequence. */
static void formats_ids_that_parse_back(void **state)
{
	char id[DUMP_ID_MAX];
	long long t;
	unsigned seq;

	(void)state;
	assert_int_equal(dump_id_format(1795372830, 1, id), 0); /* 18:40:30 UTC */
	assert_string_equal(id, "202611221840");
	assert_int_equal(dump_id_format(1795372830, 2, id), 0);
	assert_string_equal(id, "202611221840-2");
	assert_int_equal(dump_id_format(1795372830, 99, id), 0);
	assert_int_equal(dump_id_parse(id, &t, &seq), 0);
	assert_int_equal(t, 1795372800LL);
	assert_int_equal(seq, 99);
	assert_int_equal(dump_id_format(1795372830, 0, id), -1);
	assert_int_equal(dump_id_format(1795372830, 100, id), -1);
	assert_int_equal(dump_id_format(253402300800LL, 1, id), -1); /* year 10000 */
	assert_int_equal(dump_id_format(-61000000000LL, 1, id), -1); /* year 36 */
}

static void root_only_rule(void **state)
{
	struct stat st = { 0 };

	(void)state;
	st.st_mode = S_IFDIR | 0700;
	assert_true(dump_dir_root_only(&st));
	st.st_mode = S_IFDIR | 0710;
	assert_false(dump_dir_root_only(&st));
	st.st_mode = S_IFDIR | 0701;
	assert_false(dump_dir_root_only(&st));
	st.st_mode = S_IFDIR | 0700;
	st.st_uid = 1000;
	assert_false(dump_dir_root_only(&st));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_names_are_the_documented_ones),
		cmocka_unit_test(file_of_needs_the_exact_name),
		cmocka_unit_test(report_name_is_safe),
		cmocka_unit_test(part_names),
		cmocka_unit_test(parses_ids),
		cmocka_unit_test(formats_ids_that_parse_back),
		cmocka_unit_test(root_only_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
