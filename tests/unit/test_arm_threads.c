/* test_arm_threads.c: THREADS against the CPUs online, the CPU list, and the threads' memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
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

	(void)snprintf(path, sizeof(path), "%s/devices", root);
	(void)mkdir(path, 0755);
	(void)snprintf(path, sizeof(path), "%s/devices/system", root);
	(void)mkdir(path, 0755);
	(void)snprintf(path, sizeof(path), "%s/devices/system/cpu", root);
	(void)mkdir(path, 0755);
	tmpdir_write("devices/system/cpu/online", list);
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

/* Writes root/cpuinfo. */
static void cpuinfo(const char *text)
{
	tmpdir_write("cpuinfo", text);
}

/* A block of cpuinfo as x86_64's has it (abridged). */
#define CPU(n, apicid)                                                                                 \
	"processor\t: " n "\nvendor_id\t: GenuineIntel\nphysical id\t: 0\ninitial apicid\t: 99\n"     \
	"apicid\t\t: " apicid "\nfpu\t\t: yes\n\n"

/* arm_boot_apicid's answer, or its error. */
static void boot_apicid(long want, const char *why_want)
{
	unsigned long id = 12345;
	char why[512] = "";
	int rc = arm_boot_apicid(root, &id, why, sizeof(why));

	if (want >= 0) {
		assert_string_equal(why, "");
		assert_int_equal(rc, 0);
		assert_int_equal(id, want);
		return;
	}
	assert_int_equal(rc, -1);
	assert_string_equal(why, why_want);
}

static void the_boot_cpu_is_processor_0(void **state)
{
	char flags[600];

	(void)state;
	cpuinfo(CPU("0", "0") CPU("1", "2") CPU("2", "4"));
	boot_apicid(0, NULL);
	/* processor 0 is not the first block, and has the highest APIC ID */
	cpuinfo(CPU("3", "1") CPU("0", "6") CPU("1", "2"));
	boot_apicid(6, NULL);
	cpuinfo(CPU("1", "2") CPU("10", "20") CPU("0", "65534"));
	boot_apicid(65534, NULL);
	/* no newline at the end */
	cpuinfo("processor : 0\napicid : 7");
	boot_apicid(7, NULL);
	/* a flags line longer than the line buffer, cut where an "apicid"
	 * would start: the rest of a line is no line */
	(void)snprintf(flags, sizeof(flags), "processor\t: 0\nflags\t\t: %0*d apicid\t: 9 x\napicid\t: 5\n", 245, 0);
	cpuinfo(flags);
	boot_apicid(5, NULL);
}

static void no_boot_apicid_is_said(void **state)
{
	char expect[512], digits[400];

	(void)state;
	(void)snprintf(expect, sizeof(expect), "open %s/cpuinfo: No such file or directory", root);
	boot_apicid(-1, expect);
	/* processor 0 has none (a kernel without CONFIG_SMP), another has */
	cpuinfo("processor\t: 0\nvendor_id\t: x\n\n" CPU("1", "2"));
	(void)snprintf(expect, sizeof(expect), "%s/cpuinfo has no apicid line for processor 0", root);
	boot_apicid(-1, expect);
	cpuinfo(CPU("1", "2") CPU("2", "4"));
	boot_apicid(-1, expect);
	cpuinfo("");
	boot_apicid(-1, expect);
	cpuinfo("processor : 00x\napicid : 3\n");
	boot_apicid(-1, expect);
	/* a directory: fopen takes it, the read fails */
	assert_int_equal(unlink(strcat(strcpy(digits, root), "/cpuinfo")), 0);
	assert_int_equal(mkdir(digits, 0755), 0);
	(void)snprintf(expect, sizeof(expect), "read %s/cpuinfo: Is a directory", root);
	boot_apicid(-1, expect);
}

/* cpuinfo whose processor 0 has apicid value, and the error it gives. */
static void absurd(const char *value, const char *shown)
{
	char text[600], expect[600];

	(void)snprintf(text, sizeof(text), "processor\t: 0\napicid\t\t: %s\n", value);
	cpuinfo(text);
	(void)snprintf(expect, sizeof(expect), "%s/cpuinfo: processor 0's apicid \"%s\" is not an APIC ID (0 to 65534)",
		       root, shown);
	boot_apicid(-1, expect);
}

static void absurd_apicids_are_refused(void **state)
{
	char digits[400];

	(void)state;
	absurd("65535", "65535"); /* BAD_APICID */
	absurd("4294967296", "4294967296");
	absurd("99999999999999999999999", "99999999999999999999999");
	absurd("-1", "-1");
	absurd("0x10", "0x10");
	absurd("12 13", "12 13");
	absurd("", "");
	absurd("1\033[2J", "1?[2J");
	/* longer than the line buffer: its start is no number of its own */
	memset(digits, '0', 300);
	digits[300] = '\0';
	absurd(digits, "0000000000000000000000000000000");
}

static void only_x86_64_with_threads_needs_the_boot_cpu(void **state)
{
	struct arm_cpus c;
	char expect[1024];

	(void)state;
	/* arm64 starts CPUs with PSCI: no cpuinfo read, nothing passed */
	arm_threads_cpus(ARM_ARCH_ARM64, root, 4, &c);
	assert_int_equal(c.threads, 4);
	assert_int_equal(c.apicid, -1);
	assert_string_equal(c.warning, "");
	/* one CPU: none other is started */
	arm_threads_cpus(ARM_ARCH_X86_64, root, 1, &c);
	assert_int_equal(c.threads, 1);
	assert_int_equal(c.apicid, -1);
	assert_string_equal(c.warning, "");
	/* an architecture not known: as x86_64, never several CPUs unprotected */
	arm_threads_cpus(ARM_ARCH_UNKNOWN, root, 4, &c);
	assert_int_equal(c.threads, 1);
	assert_int_equal(c.apicid, -1);
	/* x86_64 without the boot CPU's APIC ID: one thread, and why */
	arm_threads_cpus(ARM_ARCH_X86_64, root, 4, &c);
	assert_int_equal(c.threads, 1);
	assert_int_equal(c.apicid, -1);
	(void)snprintf(expect, sizeof(expect),
		       "THREADS: 4 threads cut to one (nr_cpus=1): the boot CPU's APIC ID for disable_cpu_apicid= "
		       "is not known (open %s/cpuinfo: No such file or directory), and without it the capture "
		       "kernel would start the other CPUs with INIT, which the crashed kernel's boot CPU may "
		       "answer with a reset of the machine", root);
	assert_string_equal(c.warning, expect);
	cpuinfo(CPU("1", "2") CPU("0", "8"));
	arm_threads_cpus(ARM_ARCH_X86_64, root, 4, &c);
	assert_int_equal(c.threads, 4);
	assert_int_equal(c.apicid, 8);
	assert_string_equal(c.warning, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_is_one),
		cmocka_unit_test(a_number_is_taken_up_to_the_cpus),
		cmocka_unit_test(each_thread_past_the_first_costs_memory),
		TMPDIR_TEST(the_cpu_list_is_counted),
		TMPDIR_TEST(the_boot_cpu_is_processor_0),
		TMPDIR_TEST(no_boot_apicid_is_said),
		TMPDIR_TEST(absurd_apicids_are_refused),
		TMPDIR_TEST(only_x86_64_with_threads_needs_the_boot_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
