/* cli_stack.c: what the target filesystem sits on, for dumpagent status: "LV vg0/root on sda2", "md0 (raid1, 2 members) on sda1, sdb1" or "sda1". */
#include "cli_stack.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "io.h"

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

/* An LV: "LV VG/LV on PV, PV", its names from dm/name ("vg0-root", '-' in a
 * name doubled) and its PVs from slaves/. 0, or -1 for no LV. */
static int lv_stack(const char *dir, char *out, size_t len)
{
	char path[PATH_MAX], name[256], vg[130] = "", lv[130] = "", pvs[256] = "";
	size_t v = 0, l = 0;
	const char *s;
	struct dirent *de;
	DIR *d;

	if (sub(dir, "dm/uuid", path, sizeof(path)) < 0 || read_small(path, name, sizeof(name)) < 0 ||
	    strncmp(name, "LVM-", 4) != 0)
		return -1;
	if (sub(dir, "dm/name", path, sizeof(path)) < 0 || read_small(path, name, sizeof(name)) < 0)
		return -1;
	name[strcspn(name, "\n")] = '\0';
	for (s = name; *s && !(s[0] == '-' && s[1] != '-') && v + 1 < sizeof(vg); s++)
		vg[v++] = *s == '-' ? *++s : *s;
	for (s += *s == '-'; *s && l + 1 < sizeof(lv); s++)
		lv[l++] = s[0] == '-' && s[1] == '-' ? *++s : *s;
	vg[v] = lv[l] = '\0';
	if (sub(dir, "slaves", path, sizeof(path)) == 0 && (d = opendir(path))) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				append(pvs, sizeof(pvs), de->d_name);
		(void)closedir(d);
	}
	(void)snprintf(out, len, "LV %s/%s on %s", vg, lv, pvs[0] ? pvs : "no PV (?)");
	return 0;
}

/* An md array: "md0 (raid1, 2 members) on sda1, sdb1", from md/level,
 * md/raid_disks and slaves/. 0, or -1 for no md array. */
static int md_stack(const char *dir, char *out, size_t len)
{
	char path[PATH_MAX], level[32], disks[16], members[256] = "";
	struct dirent *de;
	DIR *d;

	if (sub(dir, "md/level", path, sizeof(path)) < 0 || read_small(path, level, sizeof(level)) < 0)
		return -1;
	if (sub(dir, "md/raid_disks", path, sizeof(path)) < 0 || read_small(path, disks, sizeof(disks)) < 0)
		(void)snprintf(disks, sizeof(disks), "?");
	level[strcspn(level, "\n")] = disks[strcspn(disks, "\n")] = '\0';
	if (sub(dir, "slaves", path, sizeof(path)) == 0 && (d = opendir(path))) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				append(members, sizeof(members), de->d_name);
		(void)closedir(d);
	}
	(void)snprintf(out, len, "%s (%s, %s members) on %s", strrchr(dir, '/') + 1, level, disks,
		       members[0] ? members : "no member (?)");
	return 0;
}

void cli_stack(const char *sysfs, dev_t dev, char *out, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sysfs, major(dev), minor(dev));
	if (!realpath(path, real)) {
		(void)snprintf(out, len, "%u:%u", major(dev), minor(dev));
		return;
	}
	if (lv_stack(real, out, len) < 0 && md_stack(real, out, len) < 0)
		(void)snprintf(out, len, "%s", strrchr(real, '/') + 1);
}
