/* test_arm_threads.c: THREADS against the CPUs online, the CPU list, and the threads' memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "../../dumpagent/arm_reserve.h"
#include "../../dumpagent/arm_threads.h"
#include "tmpdir.h"

static void auto_is_one(void **state)
{
	(void)state;
	assert_int_equal(arm_threads("auto", 8), 1);
	assert_int_equal(arm_threads("auto", 64), 1);
	assert_int_equal(arm_threads("auto", -1), 1); /* CPUs unknown */
}

static void a_number_is_taken_up_to_the_cpus(void **state)
{
	(void)state;
	assert_int_equal(arm_threads("1", 8), 1);
	assert_int_equal(arm_threads("3", 8), 3);
	assert_int_equal(arm_threads("16", 4), 4);
	assert_int_equal(arm_threads("16", -1), 16);
}

static void each_thread_past_the_first_costs_memory(void **state)
{
	(void)state;
	assert_int_equal(arm_threads_work(1), 0);
	assert_int_equal(arm_threads_work(2), ARM_THREAD_MB * MIB);
	assert_int_equal(arm_threads_work(4), 3 * ARM_THREAD_MB * MIB);
}

/* Writes sysfs's CPU list under root. */
static void online(const char *list)
{
	char path[128];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/devices", root);
	(void)mkdir(path, 0755);
	(void)snprintf(path, sizeof(path), "%s/devices/system", root);
	(void)mkdir(path, 0755);
	(void)snprintf(path, sizeof(path), "%s/devices/system/cpu", root);
	(void)mkdir(path, 0755);
	(void)snprintf(path, sizeof(path), "%s/devices/system/cpu/online", root);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(list, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void the_cpu_list_is_counted(void **state)
{
	(void)state;
	assert_int_equal(arm_cpus_online(root), -1); /* no file */
	online("0\n");
	assert_int_equal(arm_cpus_online(root), 1);
	online("0-3\n");
	assert_int_equal(arm_cpus_online(root), 4);
	online("0-3,6,8-9\n");
	assert_int_equal(arm_cpus_online(root), 7);
	online("0-3,6,8-9");
	assert_int_equal(arm_cpus_online(root), 7);
	online("3-1\n");
	assert_int_equal(arm_cpus_online(root), -1);
	online("0-3;6\n");
	assert_int_equal(arm_cpus_online(root), -1);
	online("\n");
	assert_int_equal(arm_cpus_online(root), -1);
	online("x\n");
	assert_int_equal(arm_cpus_online(root), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_is_one),
		cmocka_unit_test(a_number_is_taken_up_to_the_cpus),
		cmocka_unit_test(each_thread_past_the_first_costs_memory),
		TMPDIR_TEST(the_cpu_list_is_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
