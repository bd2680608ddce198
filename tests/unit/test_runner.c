/* test_runner.c: run_in_dir's child: its directory, umask, environment, output and status (runner.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runner.h"
#include "tmpdir.h"

struct heard {
	char lines[8][128];
	int n;
};

static void hear(void *arg, const char *line)
{
	struct heard *h = arg;

	if (h->n < 8)
		(void)snprintf(h->lines[h->n++], sizeof(h->lines[0]), "%s", line);
}

static void no_tick(void *arg)
{
	(void)arg;
}

/* Runs sh -c script in root with env, its output into h; the status. */
static int sh(const char *script, const char *const env[], struct heard *h)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct run_watch w = { hear, no_tick, h };

	memset(h, 0, sizeof(*h));
	return run_in_dir(rootfd, argv, env, &w);
}

/* The child gets env; the agent's own environment does not change. */
static void test_env_child_only(void **state)
{
	static const char *const env[] = { "DUMPAGENT_T_A", "one", "DUMPAGENT_T_B", ".", NULL };
	struct heard h;

	(void)state;
	assert_int_equal(setenv("DUMPAGENT_T_B", "agent", 1), 0);
	assert_int_equal(sh("echo \"$DUMPAGENT_T_A|$DUMPAGENT_T_B|${DUMPAGENT_T_C-unset}\"", env, &h), 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.lines[0], "one|.|unset");
	assert_null(getenv("DUMPAGENT_T_A"));
	assert_string_equal(getenv("DUMPAGENT_T_B"), "agent");
	assert_int_equal(sh("echo \"${DUMPAGENT_T_A-unset}|$DUMPAGENT_T_B\"", NULL, &h), 0);
	assert_string_equal(h.lines[0], "unset|agent");
	assert_int_equal(unsetenv("DUMPAGENT_T_B"), 0);
}

/* A variable the child cannot have fails the run with 126, and says why. */
static void test_env_refused(void **state)
{
	static const char *const bad_name[] = { "A=B", "1", NULL };
	static const char *const no_value[] = { "DUMPAGENT_T_A", NULL };
	struct heard h;

	(void)state;
	assert_int_equal(sh("echo ran", bad_name, &h), 126);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.lines[0], "dumpagent: set A=B in the environment of /bin/sh: Invalid argument");
	assert_int_equal(sh("echo ran", no_value, &h), 126);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.lines[0], "dumpagent: set DUMPAGENT_T_A in the environment of /bin/sh: no value given");
}

/* Relative names land in the directory, mode 0600 whatever the agent's umask. */
static void test_dir_and_umask(void **state)
{
	struct heard h;
	struct stat st;
	mode_t old = umask(0);

	(void)state;
	assert_int_equal(sh("echo x >out", NULL, &h), 0);
	(void)umask(old);
	assert_int_equal(fstatat(rootfd, "out", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

/* Exit status, signal, a missing program; stdout and stderr both heard. */
static void test_status(void **state)
{
	char *missing[] = { "/nonexistent/makedumpfile", NULL };
	struct heard h;

	(void)state;
	assert_int_equal(sh("echo a; echo b >&2; exit 3", NULL, &h), 3);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.lines[0], "a");
	assert_string_equal(h.lines[1], "b");
	assert_int_equal(sh("kill -TERM $$", NULL, &h), 128 + 15);
	assert_int_equal(run_in_dir(rootfd, missing, NULL, NULL), 127);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_env_child_only, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_env_refused, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_dir_and_umask, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_status, tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
