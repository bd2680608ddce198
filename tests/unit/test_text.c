/* test_text.c: untrusted bytes made printable (text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "text.h"

static void copy_replaces_unprintable(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(text_copy(out, sizeof(out), "panic \033[2J\x7f\xff\tx\n", 64), 15);
	assert_string_equal(out, "panic ?[2J???x?");
}

static void copy_stops_at_nul_and_at_n(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(text_copy(out, sizeof(out), "label\0after", 11), 5);
	assert_string_equal(out, "label");
	/* a fixed-size field without a NUL: only n bytes are read */
	assert_int_equal(text_copy(out, sizeof(out), "abcdef", 3), 3);
	assert_string_equal(out, "abc");
}

static void copy_truncates_to_fit(void **state)
{
	char out[4] = "xyz";

	(void)state;
	assert_int_equal(text_copy(out, sizeof(out), "abcdef", 6), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(text_copy(out, 1, "abcdef", 6), 0);
	assert_string_equal(out, "");
}

/* Prints through a memory stream; returns what was printed. */
static char *put(const char *s, size_t n, int lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	text_put(f, s, n, lines);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void put_keeps_lines_only_when_asked(void **state)
{
	char *one = put("a\tb\nc\033d", 7, 0), *many = put("a\tb\nc\033d", 7, 1);

	(void)state;
	assert_string_equal(one, "a?b?c?d");
	assert_string_equal(many, "a\tb\nc?d");
	free(one);
	free(many);
}

static void put_shows_a_nul_and_goes_on(void **state)
{
	char *got = put("ab\0cd", 5, 1);

	(void)state;
	assert_string_equal(got, "ab?cd");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_replaces_unprintable),
		cmocka_unit_test(copy_stops_at_nul_and_at_n),
		cmocka_unit_test(copy_truncates_to_fit),
		cmocka_unit_test(put_keeps_lines_only_when_asked),
		cmocka_unit_test(put_shows_a_nul_and_goes_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
