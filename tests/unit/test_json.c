/* test_json.c: the bounded JSON reader of summary files, and the string writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const char doc[] =
	"{\"format\": 1, \"id\": \"202611221840\", \"release\": \"6.1.0-28-amd64\",\n"
	" \"crash_time\": 1795459200, \"panic\": \"Kernel panic - not syncing: \\\"x\\\" \\u00e9\\n\",\n"
	" \"cpus\": [{\"note\": 0, \"registers\": {\"rip\": \"0x1\"}}], \"taint\": null,\n"
	" \"modules\": [\"ext4\", \"virtio_blk\"], \"call_trace\": [], \"ok\": true}";

static void reads_top_level_values(void **state)
{
	char out[128];
	long long v;

	(void)state;
	assert_int_equal(json_check(doc, strlen(doc)), 0);
	assert_int_equal(json_get_string(doc, strlen(doc), "release", out, sizeof(out)), 1);
	assert_string_equal(out, "6.1.0-28-amd64");
	assert_int_equal(json_get_string(doc, strlen(doc), "panic", out, sizeof(out)), 1);
	assert_string_equal(out, "Kernel panic - not syncing: \"x\" \xc3\xa9\n");
	assert_int_equal(json_get_int(doc, strlen(doc), "crash_time", &v), 1);
	assert_int_equal(v, 1795459200LL);
	/* a key nested in "cpus" is not a top-level key */
	assert_int_equal(json_get_string(doc, strlen(doc), "rip", out, sizeof(out)), 0);
	assert_int_equal(json_get_string(doc, strlen(doc), "taint", out, sizeof(out)), 0);
	assert_int_equal(json_get_string(doc, strlen(doc), "absent", out, sizeof(out)), 0);
	assert_int_equal(json_get_int(doc, strlen(doc), "id", &v), 0);
}

static void collect(const char *s, void *arg)
{
	strcat(arg, s);
	strcat(arg, ",");
}

static void reads_string_arrays(void **state)
{
	char got[256] = "";

	(void)state;
	assert_int_equal(json_get_strings(doc, strlen(doc), "modules", collect, got), 2);
	assert_string_equal(got, "ext4,virtio_blk,");
	assert_int_equal(json_get_strings(doc, strlen(doc), "call_trace", collect, got), 0);
}

static void truncates_long_strings(void **state)
{
	const char *j = "{\"panic\": \"abcdefghij\"}";
	char out[5];

	(void)state;
	assert_int_equal(json_get_string(j, strlen(j), "panic", out, sizeof(out)), 1);
	assert_string_equal(out, "abcd");
}

static void refuses_malformed(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"a\"}", "{\"a\": }", "{\"a\": 1,}", "{\"a\": \"x}",
		"{\"a\": \"\\q\"}", "{\"a\": \"\\u12\"}", "{\"a\": tru}", "{\"a\": 1} x",
		"{\"a\": \"\x01\"}", "{\"a\": [1, 2}",
	};
	char deep[200] = "{\"a\": ";
	char out[8];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(json_check(bad[i], strlen(bad[i])), -1);
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	assert_int_equal(json_check(deep, strlen(deep)), -1);
	assert_int_equal(json_get_string(deep, strlen(deep), "b", out, sizeof(out)), -1);
	/* a value cut at the end of the buffer */
	{
		size_t whole = (size_t)(strstr(doc, "amd64\"") + 6 - doc);
		char rel[32];

		assert_int_equal(json_get_string(doc, whole, "release", rel, sizeof(rel)), 1);
		assert_int_equal(json_get_string(doc, whole - 1, "release", rel, sizeof(rel)), -1);
	}
}

/* Numbers as RFC 8259 writes them; an integer out of range is not read as one. */
static void numbers_follow_rfc8259(void **state)
{
	static const char *const bad[] = {
		"{\"a\": -}", "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": .5}", "{\"a\": 1e}",
		"{\"a\": +1}", "{\"a\": 1-2}", "{\"a\": --5}", "{\"a\": 1.5.5}", "{\"a\": 1e+}",
		"{\"a\": -.5}", "{\"a\": 1E5e5}",
	};
	const char *good = "{\"a\": -0, \"b\": 1.5e-3, \"c\": 2E+10, \"d\": 0.25, "
			   "\"e\": 123456789012345678901234567890.5, \"f\": 99999999999999999999, "
			   "\"g\": -9223372036854775808, \"h\": 9223372036854775807, \"i\": 1e3}";
	long long v = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(json_check(bad[i], strlen(bad[i])), -1);
	assert_int_equal(json_get_int(bad[0], strlen(bad[0]), "a", &v), -1);
	assert_int_equal(json_get_int(bad[7], strlen(bad[7]), "a", &v), -1); /* was 1, value 0 */
	assert_int_equal(json_check(good, strlen(good)), 0);
	v = 7;
	assert_int_equal(json_get_int(good, strlen(good), "f", &v), 0); /* not LLONG_MAX */
	assert_int_equal(json_get_int(good, strlen(good), "b", &v), 0);
	assert_int_equal(json_get_int(good, strlen(good), "i", &v), 0);
	assert_int_equal(json_get_int(good, strlen(good), "e", &v), 0);
	assert_int_equal(v, 7); /* untouched when not an integer */
	assert_int_equal(json_get_int(good, strlen(good), "g", &v), 1);
	assert_true(v == -9223372036854775807LL - 1);
	assert_int_equal(json_get_int(good, strlen(good), "h", &v), 1);
	assert_true(v == 9223372036854775807LL);
	assert_int_equal(json_get_int(good, strlen(good), "a", &v), 1);
	assert_int_equal(v, 0);
}

static void writes_escaped_strings(void **state)
{
	char buf[128];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	json_put_string(f, "a\"b\\c\n\x1b" "d");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u001bd\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_top_level_values), cmocka_unit_test(reads_string_arrays),
		cmocka_unit_test(truncates_long_strings), cmocka_unit_test(refuses_malformed),
		cmocka_unit_test(numbers_follow_rfc8259), cmocka_unit_test(writes_escaped_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
