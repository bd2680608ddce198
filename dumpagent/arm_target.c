/* arm_target.c: where TARGET=auto is on the running system, from mountinfo (normal-boot side, arming). */
#include "arm_target.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
#include "config_values.h"
#include "superblock.h"

#define MOUNTS_MAX 100000 /* lines of mountinfo read at most */

int arm_existing_dir(const char *path, char *dir, size_t len, dev_t *dev)
{
	struct stat st;
	char *slash;

	(void)snprintf(dir, len, "%s", path);
	while (stat(dir, &st) < 0) {
		slash = strrchr(dir, '/');
		if (!slash || strcmp(dir, "/") == 0)
			return -errno;
		/* "/var" is cut to "/", not to "". */
		slash[slash == dir ? 1 : 0] = '\0';
	}
	*dev = st.st_dev;
	return 0;
}

/* mountinfo escapes a blank, tab, newline and backslash in a path as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue":
 * the fields after " - " are the type and the source. */
int arm_mount_find(FILE *f, dev_t dev, struct arm_mount *m)
{
	char line[4096], root[ARM_PATH_MAX], mnt[ARM_PATH_MAX], type[32], src[256];
	unsigned maj, min, lines = 0;

	while (lines++ < MOUNTS_MAX && fgets(line, sizeof(line), f)) {
		const char *dash = strstr(line, " - ");

		if (sscanf(line, "%*s %*s %u:%u %1023s %1023s", &maj, &min, root, mnt) != 4 || !dash ||
		    sscanf(dash + 3, "%31s %255s", type, src) != 2)
			continue;
		if (makedev(maj, min) != dev || strcmp(root, "/") != 0)
			continue;
		unescape(mnt);
		unescape(src);
		(void)snprintf(m->mountpoint, sizeof(m->mountpoint), "%s", mnt);
		(void)snprintf(m->device, sizeof(m->device), "%s", src);
		(void)snprintf(m->fstype, sizeof(m->fstype), "%s", type);
		return 0;
	}
	return -1;
}

static int find_mount(const char *proc, dev_t dev, struct arm_mount *m, char *why, size_t len)
{
	char path[ARM_PATH_MAX];
	int r, fd;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/self/mountinfo", proc);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f) {
		(void)snprintf(why, len, "open %s: %s", path, strerror(errno));
		if (fd >= 0)
			(void)close(fd); /* read-only */
		return -1;
	}
	r = arm_mount_find(f, dev, m);
	(void)fclose(f); /* read-only */
	if (r < 0)
		(void)snprintf(why, len, "no mount of device %u:%u in %s", major(dev), minor(dev), path);
	return r;
}

/* The UUID the capture agent will find on the device; 0 or -1 with why. */
static int read_uuid(struct arm_target *t, char *why, size_t len)
{
	const struct arm_mount *m = &t->mount;
	struct fsid id;
	int fd, r;

	if (m->device[0] != '/') {
		(void)snprintf(why, len, "the filesystem holding %s (%s at %s) has no UUID", t->dir,
			       m->fstype, m->mountpoint);
		return -1;
	}
	fd = open(m->device, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		(void)snprintf(why, len, "cannot read the UUID of the filesystem holding %s: open %s: %s",
			       t->dir, m->device, strerror(errno));
		return -1;
	}
	r = superblock_read(fd, &id);
	(void)close(fd); /* read-only */
	if (r < 0 || id.uuid[0] == '\0') {
		(void)snprintf(why, len, "the filesystem holding %s (%s on %s) has no UUID that the agent "
				 "can read%s%s", t->dir, m->fstype, m->device, r < 0 && r != -ENOENT ? ": " : "",
			       r < 0 && r != -ENOENT ? strerror(-r) : "");
		return -1;
	}
	(void)snprintf(t->uuid, sizeof(t->uuid), "%s", id.uuid);
	return 0;
}

int arm_target_auto(const char *proc, const char *crash_dir, const char *fstype,
		    struct arm_target *t, char *why, size_t len)
{
	char uuid[64];
	dev_t dev;
	int r;

	memset(t, 0, sizeof(*t));
	r = arm_existing_dir(crash_dir, t->dir, sizeof(t->dir), &dev);
	if (r < 0) {
		(void)snprintf(why, len, "stat %s: %s", t->dir, strerror(-r));
		return -1;
	}
	t->dev = dev;
	if (find_mount(proc, dev, &t->mount, why, len) < 0)
		return -1;
	/* The capture agent mounts only what it can check and write. */
	if (config_value_check(KEY_FSTYPE, t->mount.fstype) || strcmp(t->mount.fstype, "auto") == 0) {
		(void)snprintf(why, len, "the filesystem holding %s is %s, which the capture agent does "
				 "not write (ext2, ext3, ext4, xfs or vfat)", t->dir, t->mount.fstype);
		return -1;
	}
	if (strcmp(fstype, "auto") != 0 && strcmp(fstype, t->mount.fstype) != 0) {
		(void)snprintf(why, len, "the filesystem holding %s is %s, but FSTYPE=%s", t->dir,
			       t->mount.fstype, fstype);
		return -1;
	}
	if (read_uuid(t, why, len) < 0)
		return -1;
	(void)snprintf(uuid, sizeof(uuid), "UUID=%s", t->uuid);
	if (config_value_check(KEY_TARGET, uuid)) {
		(void)snprintf(why, len, "the filesystem holding %s has UUID '%s', which the agent "
				 "cannot use", t->dir, t->uuid);
		return -1;
	}
	return 0;
}
