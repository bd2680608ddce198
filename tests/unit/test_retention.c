/* test_retention.c: retention limits over a sequence of 40 dumps, and the crash-loop guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "retention.h"

#define DAY 86400LL
#define MB (1ULL << 20)

static struct retention_item items[40];

/* 40 dumps, one a day, 100 MiB each; the newest is day 39, kept. */
static void forty_dumps(void)
{
	for (int i = 0; i < 40; i++)
		items[i] = (struct retention_item){ i * DAY, 100 * MB, 0, i == 39, NULL, 1 };
}

static size_t kept(void)
{
	size_t n = 0;

	for (int i = 0; i < 40; i++)
		n += items[i].why == NULL;
	return n;
}

static void count_limit_removes_oldest(void **state)
{
	struct retention_limits l = { 32, 0, 0, 40 * DAY };

	(void)state;
	forty_dumps();
	assert_int_equal(retention_plan(items, 40, &l), 8);
	for (int i = 0; i < 8; i++)
		assert_string_equal(items[i].why, "more than MAX_DUMPS");
	for (int i = 8; i < 40; i++)
		assert_null(items[i].why);
}

static void byte_limit_removes_oldest(void **state)
{
	struct retention_limits l = { 32, 1000 * MB, 0, 40 * DAY };

	(void)state;
	forty_dumps();
	assert_int_equal(retention_plan(items, 40, &l), 30);
	assert_int_equal(kept(), 10);
	assert_string_equal(items[29].why, "over MAX_TOTAL_MB");
	assert_null(items[30].why);
	/* 1050 MiB: one more must go; 999: still one more */
	items[35].bytes = 150 * MB;
	assert_int_equal(retention_plan(items, 40, &l), 31);
	assert_null(items[31].why);
}

static void age_limit(void **state)
{
	struct retention_limits l = { 32, 0, 7 * DAY, 40 * DAY };

	(void)state;
	forty_dumps();
	/* days 0..32 are older than day 33 */
	assert_int_equal(retention_plan(items, 40, &l), 33);
	assert_string_equal(items[32].why, "older than MAX_AGE_DAYS");
	assert_null(items[33].why);
}

static void newest_is_never_removed(void **state)
{
	struct retention_limits l = { 1, 1 * MB, 1, 1000 * DAY };

	(void)state;
	forty_dumps();
	items[39].incomplete = 1;
	/* and day 38, the newest complete one, stays too */
	assert_int_equal(retention_plan(items, 40, &l), 38);
	assert_null(items[39].why);
	assert_null(items[38].why);
}

/* Crash loop: after the last full dump (day 30) only dmesg-only captures, and a
 * byte budget smaller than one dump. The newest full dump stays with the newest. */
static void newest_full_dump_is_never_removed(void **state)
{
	struct retention_limits l = { 1, 1 * MB, 1, 1000 * DAY };

	(void)state;
	forty_dumps();
	for (int i = 0; i < 40; i++)
		items[i].full = i <= 30;
	items[39].keep = 0; /* retention_plan keeps the newest by itself */
	assert_int_equal(retention_plan(items, 40, &l), 38);
	assert_null(items[30].why);
	assert_null(items[39].why);
	assert_string_equal(items[29].why, "older than MAX_AGE_DAYS");
}

static void incomplete_go_first(void **state)
{
	struct retention_limits l = { 32, 0, 0, 40 * DAY };

	(void)state;
	forty_dumps();
	items[20].incomplete = 1;
	items[30].incomplete = 1;
	/* two incomplete, then 6 more of the oldest to get to 32 */
	assert_int_equal(retention_plan(items, 40, &l), 8);
	assert_string_equal(items[20].why, "incomplete: cut short, only temporary files");
	assert_string_equal(items[5].why, "more than MAX_DUMPS");
	assert_null(items[6].why);
}

static void limits_from_config(void **state)
{
	struct retention_limits l;
	struct config cfg;
	struct config_error err;
	const char *conf = "MAX_DUMPS=5\nMAX_AGE_DAYS=2\n";

	(void)state;
	config_defaults(&cfg);
	retention_limits_of(&cfg, 100000 * MB, 0, 0, &l);
	assert_int_equal(l.max_dumps, 32);
	assert_true(l.max_bytes == 4096 * MB); /* 10% of 100000 MiB is more than 4 GiB */
	assert_true(l.max_age == 0);
	retention_limits_of(&cfg, 1000 * MB, 0, 1, &l);
	assert_int_equal(l.max_dumps, 31);
	assert_true(l.max_bytes == 100 * MB);
	assert_int_equal(config_parse(conf, strlen(conf), &cfg, &err), 0);
	retention_limits_of(&cfg, 1000 * MB, 0, 1, &l);
	assert_int_equal(l.max_dumps, 4);
	assert_true(l.max_age == 2 * DAY);
}

static struct dump_set set;

static void add(long long t)
{
	set.d[set.count].id_time = t;
	set.count++;
}

static void crash_loop_guard(void **state)
{
	long long now = 1800000000LL - 1800000000LL % 60 + 30;

	(void)state;
	set.count = 0;
	add(now - 30 - 3600 * 2); /* long ago */
	add(now - 30 - 600);
	add(now - 30 - 60);
	assert_int_equal(retention_crash_loop(&set, now, 3, 60), 0);
	add(now - 30); /* same minute */
	assert_int_equal(retention_crash_loop(&set, now, 3, 60), 1);
	assert_int_equal(retention_crash_loop(&set, now, 4, 60), 0);
	assert_int_equal(retention_crash_loop(&set, now, 4, 180), 1);
	assert_int_equal(retention_crash_loop(&set, now, 0, 60), 0);
	assert_int_equal(retention_crash_loop(&set, now, 3, 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(count_limit_removes_oldest), cmocka_unit_test(byte_limit_removes_oldest),
		cmocka_unit_test(age_limit),		      cmocka_unit_test(newest_is_never_removed),
		cmocka_unit_test(newest_full_dump_is_never_removed),
		cmocka_unit_test(incomplete_go_first),	      cmocka_unit_test(limits_from_config),
		cmocka_unit_test(crash_loop_guard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
