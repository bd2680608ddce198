/* arm_md.c: the md RAID1 array a target sits on, recorded for the capture (dumpagent.md=): its UUID, level and members (normal-boot side, arming).
 *
 * The capture kernel numbers devices differently, so the array is recorded
 * by the UUID in its members' superblocks, which the capture looks for on
 * every disk. Each member's superblock is read here with the reader the
 * capture uses: an array that reader cannot read, or whose members disagree,
 * or that is degraded now, is refused at arming, since the capture, which
 * needs every member, would refuse it after the crash. */
#include "arm_md.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "io.h"
#include "md_plan.h"
#include "md_super.h"
#include "target.h"

/* sysfs/dev/block/MAJ:MIN/md/NAME into out (its line): 0, or -1. */
static int md_attr(const char *sysfs, dev_t dev, const char *name, char *out, size_t len)
{
	char path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u/md/%s", sysfs, major(dev), minor(dev), name);
	if (read_small(path, out, len) < 0)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* One member (a slave of the array): its superblock agrees with p (the first
 * sets it); its slot marked in *slots. 0, or -1 with why. */
static int member(const struct target_env *env, const char *name, const char *array, struct md_plan *p,
		  unsigned *slots, char *why, size_t len)
{
	struct target_dev d;
	struct md_member m;
	int fd, r;

	memset(&d, 0, sizeof(d));
	if ((fd = target_open_dev(env, name, &d)) < 0) {
		(void)snprintf(why, len, "open the member %s of %s: %s", name, array, strerror(-fd));
		return -1;
	}
	r = md_super_read_dev(fd, &m);
	(void)close(fd); /* read-only */
	if (r < 0) {
		(void)snprintf(why, len, "read the md superblock of %s (member of %s): %s", name, array,
			       r == -ENOENT ? "none found" : r == -ENOTUNIQ ? "two superblocks (mdadm --examine)" :
			       r == -EBADMSG ? "malformed or a wrong checksum" : strerror(-r));
		return -1;
	}
	if (!p->uuid[0]) {
		memcpy(p->uuid, m.uuid, sizeof(p->uuid));
		p->level = m.level;
		p->raid_disks = m.raid_disks;
	}
	if (strcmp(m.uuid, p->uuid) != 0 || m.level != p->level || m.raid_disks != p->raid_disks) {
		(void)snprintf(why, len, "the members of %s disagree: %s says array %s (level %d, %u members), "
			       "another %s (level %d, %u)", array, name, m.uuid, m.level, m.raid_disks, p->uuid,
			       p->level, p->raid_disks);
		return -1;
	}
	if (m.role >= 0 && m.role < MD_PLAN_MEMBERS_MAX)
		*slots |= 1U << m.role;
	return 0;
}

/* Reads every slave's superblock into p: 0, or -1/-2 with why. */
static int members(const char *sysfs, const char *dev_dir, dev_t dev, const char *array, struct md_plan *p,
		   char *why, size_t len)
{
	char path[PATH_MAX], block[PATH_MAX];
	struct target_env env = { block, dev_dir, 0, 0, NULL };
	unsigned slots = 0;
	struct dirent *de;
	DIR *dir;
	int r = 0;

	(void)snprintf(block, sizeof(block), "%s/class/block", sysfs);
	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u/slaves", sysfs, major(dev), minor(dev));
	if (!(dir = opendir(path))) {
		(void)snprintf(why, len, "cannot find the members of %s: open %s: %s", array, path, strerror(errno));
		return -1;
	}
	while (r == 0 && (de = readdir(dir)))
		if (de->d_name[0] != '.')
			r = member(&env, de->d_name, array, p, &slots, why, len);
	(void)closedir(dir);
	if (r < 0)
		return r;
	if (!p->uuid[0] || p->raid_disks > MD_PLAN_MEMBERS_MAX || slots != (1U << p->raid_disks) - 1) {
		(void)snprintf(why, len, "the array %s is degraded or has more than %d members (a slot of %u has no "
			       "member in sync): the capture assembles only a whole array; re-arm once it is "
			       "rebuilt (mdadm --detail %s)", array, MD_PLAN_MEMBERS_MAX, p->raid_disks, array);
		return -2;
	}
	return 0;
}

int arm_md_record(const char *sysfs, const char *dev_dir, dev_t dev, char *out, size_t outlen, char *why,
		  size_t len)
{
	char level[32], array[64], path[PATH_MAX], real[PATH_MAX];
	struct md_plan p;
	int r;

	out[0] = '\0';
	if (md_attr(sysfs, dev, "level", level, sizeof(level)) < 0)
		return 0; /* no md array: nothing to record */
	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sysfs, major(dev), minor(dev));
	if (realpath(path, real))
		(void)snprintf(array, sizeof(array), "%s", strrchr(real, '/') + 1);
	else
		(void)snprintf(array, sizeof(array), "md %u:%u", major(dev), minor(dev));
	memset(&p, 0, sizeof(p));
	if (md_level_parse(level, &p.level) < 0) {
		(void)snprintf(why, len, "the target is on an md %s array (%s): only RAID1 arrays are assembled in the "
			       "capture; set TARGET to a filesystem on a plain partition, an LV or an md RAID1 array",
			       level, array);
		return -2;
	}
	if ((r = members(sysfs, dev_dir, dev, array, &p, why, len)) < 0)
		return r;
	if (!md_level_name(p.level)) {
		(void)snprintf(why, len, "the superblocks of %s say level %d, sysfs says %s", array, p.level, level);
		return -1;
	}
	if (md_plan_format(&p, out, outlen) < 0) {
		(void)snprintf(why, len, "the array %s does not fit on the capture kernel's command line", array);
		return -1;
	}
	return 0;
}
