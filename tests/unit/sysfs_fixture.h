/* sysfs_fixture.h: fake sysfs and /lib/modules trees under the unit test's root (tmpdir.h): directories, files, links. */
#ifndef DUMPAGENT_TEST_SYSFS_FIXTURE_H
#define DUMPAGENT_TEST_SYSFS_FIXTURE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpdir.h"

/* root/REL and its parents, made as mkdir -p does. */
static inline void fx_dir(const char *rel)
{
	char path[2048];

	(void)snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
		*p = '/';
	}
	assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
}

/* root/REL holding text (its directory made first). */
static inline void fx_file(const char *rel, const char *text)
{
	char path[2048], dir[1024];
	FILE *f;

	(void)snprintf(dir, sizeof(dir), "%s", rel);
	if (strrchr(dir, '/')) {
		*strrchr(dir, '/') = '\0';
		fx_dir(dir);
	}
	(void)snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* root/REL a symbolic link to root/TO (both made absolute). */
static inline void fx_link(const char *rel, const char *to)
{
	char path[2048], target[2048], dir[1024];

	(void)snprintf(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = '\0';
	fx_dir(dir);
	fx_dir(to);
	(void)snprintf(path, sizeof(path), "%s/%s", root, rel);
	(void)snprintf(target, sizeof(target), "%s/%s", root, to);
	assert_int_equal(symlink(target, path), 0);
}

/* A driver bound to the device at sys/devices/DEV: sys/bus/BUS/drivers/DRIVER,
 * with a module link to sys/module/MODULE when module is not NULL. */
static inline void fx_driver(const char *dev, const char *bus, const char *driver, const char *module)
{
	char rel[1024], to[1024];

	(void)snprintf(rel, sizeof(rel), "sys/devices/%s/driver", dev);
	(void)snprintf(to, sizeof(to), "sys/bus/%s/drivers/%s", bus, driver);
	fx_link(rel, to);
	if (!module)
		return;
	(void)snprintf(rel, sizeof(rel), "sys/bus/%s/drivers/%s/module", bus, driver);
	(void)snprintf(to, sizeof(to), "sys/module/%s", module);
	fx_link(rel, to);
}

/* sys/dev/block/MAJ:MIN pointing at the block device sys/devices/DEV. */
static inline void fx_block(const char *majmin, const char *dev)
{
	char rel[256], to[1024];

	(void)snprintf(rel, sizeof(rel), "sys/dev/block/%s", majmin);
	(void)snprintf(to, sizeof(to), "sys/devices/%s", dev);
	fx_link(rel, to);
}

#endif
