/* test_cmdline.c: dumpagent.* parameters from a kernel command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cmdline.h"

static void finds_last_value(void **state)
{
	char v[32];

	(void)state;
	assert_int_equal(cmdline_get("console=ttyS0 dumpagent.target=UUID=ab dumpagent.target=LABEL=x\n",
				     "dumpagent.target", v, sizeof(v)), 0);
	assert_string_equal(v, "LABEL=x");
}

static void quotes_group_words(void **state)
{
	char v[32];

	(void)state;
	assert_int_equal(cmdline_get("a \"dumpagent.target=LABEL=my disk\" b", "dumpagent.target", v,
				     sizeof(v)), 0);
	assert_string_equal(v, "LABEL=my disk");
}

static void prefix_is_not_a_match(void **state)
{
	char v[8] = "unset";

	(void)state;
	assert_int_equal(cmdline_get("dumpagent.targetx=1 xdumpagent.target=2 dumpagent.target",
				     "dumpagent.target", v, sizeof(v)), -1);
	assert_string_equal(v, "unset");
}

/* The kernel's parameters end at "--"; what follows is init's argv. */
static void stops_at_double_dash(void **state)
{
	char v[32];

	(void)state;
	assert_int_equal(cmdline_get("console=ttyS0 dumpagent.target=UUID=ab -- dumpagent.target=LABEL=x\n",
				     "dumpagent.target", v, sizeof(v)), 0);
	assert_string_equal(v, "UUID=ab");
	assert_int_equal(cmdline_get("quiet -- dumpagent.fstype=vfat", "dumpagent.fstype", v, sizeof(v)), -1);
	/* only the word "--" itself */
	assert_int_equal(cmdline_get("--x dumpagent.fstype=xfs --- ", "dumpagent.fstype", v, sizeof(v)), 0);
	assert_string_equal(v, "xfs");
}

static void bounded(void **state)
{
	char v[4];

	(void)state;
	assert_int_equal(cmdline_get("dumpagent.fstype=ext4444", "dumpagent.fstype", v, sizeof(v)), 0);
	assert_string_equal(v, "ext");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_last_value),
		cmocka_unit_test(quotes_group_words),
		cmocka_unit_test(prefix_is_not_a_match),
		cmocka_unit_test(stops_at_double_dash),
		cmocka_unit_test(bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
