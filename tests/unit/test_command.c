/* test_command.c: the option and operand parsing every command shares (command.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "command.h"
#include "exit_codes.h"

static int set(void *ctx, int letter, const char *value)
{
	const char **config = ctx;

	if (letter == 'c')
		*config = value;
	return EXIT_OK;
}

static int parse(const struct command *cmd, int argc, char **argv, const char **config, int *first)
{
	*config = NULL;
	*first = -1;
	return command_parse(cmd, argc, argv, set, config, first);
}

static void two_operands_exactly(void **state)
{
	const struct command cmd = { "arm-need", "KERNEL INITRD", "c", "test", NULL };
	char *one[] = { "arm-need", "k", NULL }, *two[] = { "arm-need", "k", "--config", "f", "i", NULL },
	     *three[] = { "arm-need", "k", "i", "x", NULL };
	const char *config;
	int first;

	(void)state;
	assert_int_equal(parse(&cmd, 2, one, &config, &first), EXIT_USAGE);
	assert_int_equal(parse(&cmd, 5, two, &config, &first), EXIT_OK);
	assert_string_equal(config, "f");
	assert_int_equal(first, 3); /* getopt moved the options first */
	assert_string_equal(two[first], "k");
	assert_string_equal(two[first + 1], "i");
	assert_int_equal(parse(&cmd, 4, three, &config, &first), EXIT_USAGE);
}

static void one_or_more_and_none(void **state)
{
	const struct command many = { "probe", "DEVICE...", "", "test", NULL },
			     none = { "gc", NULL, "c", "test", NULL };
	char *zero[] = { "probe", NULL }, *three[] = { "probe", "a", "b", "c", NULL },
	     *extra[] = { "gc", "x", NULL };
	const char *config;
	int first;

	(void)state;
	assert_int_equal(parse(&many, 1, zero, &config, &first), EXIT_USAGE);
	assert_int_equal(parse(&many, 4, three, &config, &first), EXIT_OK);
	assert_int_equal(first, 1);
	assert_int_equal(parse(&none, 1, zero, &config, &first), EXIT_OK);
	assert_int_equal(parse(&none, 2, extra, &config, &first), EXIT_USAGE);
}

static void only_its_own_options(void **state)
{
	const struct command cmd = { "gc", NULL, "c", "test", NULL };
	char *json[] = { "gc", "--json", NULL }, *bare[] = { "gc", "--config", NULL };
	const char *config;
	int first;

	(void)state;
	assert_int_equal(parse(&cmd, 2, json, &config, &first), EXIT_USAGE); /* another command's */
	assert_int_equal(parse(&cmd, 2, bare, &config, &first), EXIT_USAGE); /* no argument */
	assert_null(config);
}

static void finds_one_and_two_word_names(void **state)
{
	char *status[] = { "status", NULL }, *get[] = { "config", "get", "KEY", NULL },
	     *bogus[] = { "config", "bogus", NULL };
	int words;

	(void)state;
	assert_string_equal(command_find(1, status, &words)->name, "status");
	assert_int_equal(words, 1);
	assert_string_equal(command_find(3, get, &words)->name, "config get");
	assert_int_equal(words, 2);
	assert_null(command_find(2, bogus, &words));
	assert_int_equal(words, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_operands_exactly),
		cmocka_unit_test(one_or_more_and_none),
		cmocka_unit_test(only_its_own_options),
		cmocka_unit_test(finds_one_and_two_word_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
