/* cli_stack.c: what the target filesystem sits on, for dumpagent status: "LV vg0/root on LUKS2 on sda3", "md0 (raid1, 2 members) on sda1, sdb1" or "sda1". */
#include "cli_stack.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "io.h"

#define DEPTH_MAX 3 /* layers named; below that, devices by their kernel names */
#define PART_MAX 256

static void describe(const char *dir, int depth, char *out, size_t len);

/* Appends ", name" (or "name" first) to out; "..." once out is full. */
static void append(char *out, size_t len, const char *name)
{
	size_t used = strlen(out), n = strlen(name);

	if (used + n + 6 < len) {
		if (used)
			memcpy(out + used, ", ", 2), used += 2;
		memcpy(out + used, name, n + 1);
	} else if (used + 4 < len && !strstr(out, "...")) {
		memcpy(out + used, "...", 4);
	}
}

/* dir/leaf into path: 0, or -1 when it does not fit. */
static int sub(const char *dir, const char *leaf, char *path, size_t len)
{
	return (size_t)snprintf(path, len, "%s/%s", dir, leaf) < len ? 0 : -1;
}

/* The devices under dir (slaves/), each described one layer down, joined
 * by ", " into out; what when there is none. */
static void under(const char *dir, int depth, const char *what, char *out, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX], real[PATH_MAX], one[PART_MAX];
	struct dirent *de;
	DIR *d;

	out[0] = '\0';
	if (sub(dir, "slaves", path, sizeof(path)) == 0 && (d = opendir(path))) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (sub(path, de->d_name, link, sizeof(link)) == 0 && realpath(link, real) &&
			    depth + 1 < DEPTH_MAX)
				describe(real, depth + 1, one, sizeof(one));
			else
				(void)snprintf(one, sizeof(one), "%s", de->d_name);
			append(out, len, one);
		}
		(void)closedir(d);
	}
	if (!out[0])
		(void)snprintf(out, len, "%s", what);
}

/* An LV: "LV VG/LV on ...", its names from dm/name ("vg0-root", '-' in a
 * name doubled). 0, or -1 for no LV. */
static int lv_stack(const char *dir, const char *uuid, int depth, char *out, size_t len)
{
	char path[PATH_MAX], name[256], vg[130] = "", lv[130] = "", pvs[PART_MAX];
	size_t v = 0, l = 0;
	const char *s;

	if (strncmp(uuid, "LVM-", 4) != 0 || sub(dir, "dm/name", path, sizeof(path)) < 0 ||
	    read_small(path, name, sizeof(name)) < 0)
		return -1;
	name[strcspn(name, "\n")] = '\0';
	for (s = name; *s && !(s[0] == '-' && s[1] != '-') && v + 1 < sizeof(vg); s++)
		vg[v++] = *s == '-' ? *++s : *s;
	for (s += *s == '-'; *s && l + 1 < sizeof(lv); s++)
		lv[l++] = s[0] == '-' && s[1] == '-' ? *++s : *s;
	vg[v] = lv[l] = '\0';
	under(dir, depth, "no PV (?)", pvs, sizeof(pvs));
	(void)snprintf(out, len, "LV %s/%s on %s", vg, lv, pvs);
	return 0;
}

/* A LUKS device (cryptsetup's dm/uuid "CRYPT-LUKS2-..."): "LUKS2 on ...".
 * 0, or -1 for no LUKS device. */
static int luks_stack(const char *dir, const char *uuid, int depth, char *out, size_t len)
{
	char dev[PART_MAX];

	if (strncmp(uuid, "CRYPT-LUKS1-", 12) != 0 && strncmp(uuid, "CRYPT-LUKS2-", 12) != 0)
		return -1;
	under(dir, depth, "no device (?)", dev, sizeof(dev));
	(void)snprintf(out, len, "LUKS%c on %s", uuid[10], dev);
	return 0;
}

/* An md array: "md0 (raid1, 2 members) on sda1, sdb1", from md/level,
 * md/raid_disks and slaves/. 0, or -1 for no md array. */
static int md_stack(const char *dir, int depth, char *out, size_t len)
{
	char path[PATH_MAX], level[32], disks[16], members[PART_MAX];

	if (sub(dir, "md/level", path, sizeof(path)) < 0 || read_small(path, level, sizeof(level)) < 0)
		return -1;
	if (sub(dir, "md/raid_disks", path, sizeof(path)) < 0 || read_small(path, disks, sizeof(disks)) < 0)
		(void)snprintf(disks, sizeof(disks), "?");
	level[strcspn(level, "\n")] = disks[strcspn(disks, "\n")] = '\0';
	under(dir, depth, "no member (?)", members, sizeof(members));
	(void)snprintf(out, len, "%s (%s, %s members) on %s", strrchr(dir, '/') + 1, level, disks, members);
	return 0;
}

/* The device at dir (its sysfs directory), depth layers below the target. */
static void describe(const char *dir, int depth, char *out, size_t len)
{
	char path[PATH_MAX], uuid[160] = "";

	if (sub(dir, "dm/uuid", path, sizeof(path)) < 0 || read_small(path, uuid, sizeof(uuid)) < 0)
		uuid[0] = '\0';
	if (lv_stack(dir, uuid, depth, out, len) < 0 && luks_stack(dir, uuid, depth, out, len) < 0 &&
	    md_stack(dir, depth, out, len) < 0)
		(void)snprintf(out, len, "%s", strrchr(dir, '/') + 1);
}

void cli_stack(const char *sysfs, dev_t dev, char *out, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sysfs, major(dev), minor(dev));
	if (!realpath(path, real)) {
		(void)snprintf(out, len, "%u:%u", major(dev), minor(dev));
		return;
	}
	describe(real, 0, out, len);
}
