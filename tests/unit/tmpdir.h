/* tmpdir.h: a fresh directory under /tmp for each unit test, as cmocka setup and teardown. */
#ifndef DUMPAGENT_TEST_TMPDIR_H
#define DUMPAGENT_TEST_TMPDIR_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root[64];
static int rootfd = -1;

/* Makes root and opens it as rootfd. */
static int tmpdir_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/dumpagent-unit-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return rootfd < 0 ? -1 : 0;
}

static int tmpdir_teardown(void **state)
{
	char cmd[128];

	(void)state;
	(void)close(rootfd);
	rootfd = -1;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to root/rel (its directory must exist), failing the test on any error.
 * Inline: files that include this header without writing get no unused-function warning. */
static inline void tmpdir_write(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		fail_msg("write %s failed", path);
}

/* A cmocka test that runs in a fresh root. */
#define TMPDIR_TEST(f) cmocka_unit_test_setup_teardown(f, tmpdir_setup, tmpdir_teardown)

#endif
