/* arm_device.c: the block device holding TARGET on the running system, and its filesystem type (normal-boot side, arming). */
#include "arm_device.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "superblock.h"
#include "target.h"

#define MOUNTS_MAX 100000 /* lines of mountinfo read at most */

/* 1 when the filesystem at path (a mount source) is the one spec names. */
static int source_matches(const char *path, const struct target_spec *spec)
{
	struct fsid id;
	int fd = path[0] == '/' ? open(path, O_RDONLY | O_CLOEXEC) : -1, r;

	if (fd < 0)
		return 0;
	r = superblock_read(fd, &id);
	(void)close(fd); /* read-only */
	if (r < 0)
		return 0;
	return spec->kind == TARGET_BY_UUID ? strcasecmp(spec->value, id.uuid) == 0
					    : strcmp(spec->value, id.label) == 0;
}

/* A mount (root "/") of the filesystem spec names: 0 with dev and fstype, else -1. */
static int from_mounts(const char *proc, const struct target_spec *spec, dev_t *dev, char *fstype)
{
	char path[1024], line[4096], root[1024], src[1024], type[32];
	unsigned maj, min, lines = 0;
	int found = -1;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/self/mountinfo", proc);
	f = fopen(path, "re");
	while (f && found < 0 && lines++ < MOUNTS_MAX && fgets(line, sizeof(line), f)) {
		const char *dash = strstr(line, " - ");

		if (sscanf(line, "%*s %*s %u:%u %1023s", &maj, &min, root) != 3 || strcmp(root, "/") != 0 || !dash ||
		    sscanf(dash + 3, "%31s %1023s", type, src) != 2 || !source_matches(src, spec))
			continue;
		*dev = makedev(maj, min);
		(void)snprintf(fstype, 32, "%s", type);
		found = 0;
	}
	if (f)
		(void)fclose(f); /* read-only */
	return found;
}

/* A /dev/disk/by-* name the capture kernel cannot resolve itself (a load
 * warns): the node's device, and the type of its superblock. */
static int from_node(const char *target, dev_t *dev, char *fstype, char *why, size_t len)
{
	struct stat st;
	struct fsid id;
	int fd = open(target, O_RDONLY | O_CLOEXEC), r = -ENODEV;

	if (fd < 0) {
		(void)snprintf(why, len, "cannot find the target's device: open %s: %s", target, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode))
		r = superblock_read(fd, &id);
	(void)close(fd); /* read-only */
	if (r < 0) {
		(void)snprintf(why, len, "cannot find the target's filesystem: %s: %s", target,
			       r == -ENOENT ? "no known filesystem" : strerror(-r));
		return -1;
	}
	*dev = st.st_rdev;
	(void)snprintf(fstype, 32, "%s", id.type);
	return 0;
}

int arm_device(const struct arm_where *w, const char *target, const char *fstype_setting, dev_t *dev,
	       char *fstype, char *why, size_t len)
{
	struct target_spec spec;
	struct target_dev d;
	struct target_env env = { .dev_dir = w->dev };
	char block[1024], err[1536];

	if (target_spec_parse(target, fstype_setting, &spec, err, sizeof(err)) < 0)
		return from_node(target, dev, fstype, why, len);
	if (from_mounts(w->proc, &spec, dev, fstype) == 0)
		return 0;
	(void)snprintf(block, sizeof(block), "%s/class/block", w->sysfs);
	env.sys_block = block;
	if (target_find(&env, &spec, &d, err, sizeof(err)) < 0) {
		(void)snprintf(why, len, "cannot find the target's device on this system, to check the capture "
				 "kernel's drivers for it: %s", err);
		return -1;
	}
	*dev = d.dev;
	(void)snprintf(fstype, 32, "%s", d.id.type);
	return 0;
}
