/* arm_luks.c: a target on a LUKS device: its enrollment, recorded for the capture as dumpagent.luks=UUID,SLOT (normal-boot side, arming).
 *
 * The capture kernel finds the LUKS device by the UUID in its header (never
 * by a name or number, which the capture kernel gives out afresh), so the
 * UUID is read here from that header, not from the dm uuid cryptsetup set.
 * Only the UUID and the slot go on the command line, which any local user
 * reads in /proc/cmdline of the capture kernel's image; the keyfile itself
 * goes only into the initramfs the loader builds in /run (load-crashkernel). */
#include "arm_luks.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "io.h"
#include "superblock.h"
#include "target.h"

/* The one device under the dm device at sysfs/dev/block/MAJ:MIN into name. */
static int slave_of(const char *sysfs, dev_t dev, char *name, size_t namelen, char *why, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u/slaves", sysfs, major(dev), minor(dev));
	if (!(d = opendir(path))) {
		(void)snprintf(why, len, "cannot find the device under the dm-crypt target: open %s: %s", path,
			       strerror(errno));
		return -1;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && n++ == 0)
			(void)snprintf(name, namelen, "%s", de->d_name);
	(void)closedir(d);
	if (n != 1) {
		(void)snprintf(why, len, "the dm-crypt target %u:%u has %d devices under it in %s, not one", major(dev),
			       minor(dev), n, path);
		return -1;
	}
	return 0;
}

int arm_luks_record(const struct target_env *env, const char *sysfs, dev_t dev, char *text, size_t textlen,
		    char key[LUKS_PATH_MAX], char *why, size_t len)
{
	char uuid[160], path[PATH_MAX], name[256];
	struct target_dev d;
	int fd, r, slot;

	text[0] = key[0] = '\0';
	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u/dm/uuid", sysfs, major(dev), minor(dev));
	if (read_small(path, uuid, sizeof(uuid)) < 0 || strncmp(uuid, "CRYPT-LUKS", 10) != 0)
		return 0; /* no dm-crypt LUKS device: nothing to record */
	if (slave_of(sysfs, dev, name, sizeof(name), why, len) < 0)
		return -1;
	memset(&d, 0, sizeof(d));
	if ((fd = target_open_dev(env, name, &d)) < 0) {
		(void)snprintf(why, len, "open the LUKS device %s under the target: %s", name, strerror(-fd));
		return -1;
	}
	r = superblock_read(fd, &d.id);
	(void)close(fd); /* read-only */
	if (r < 0 || strncmp(d.id.type, "luks", 4) != 0) {
		(void)snprintf(why, len, "the target is dm-crypt on %s, which holds no LUKS header I can read (%s)", d.path,
			       r < 0 && r != -ENOENT ? strerror(-r) : d.id.type[0] ? d.id.type : "no known header");
		return -1;
	}
	if ((r = luks_key_find(d.id.uuid, &slot, key, why, len)) == -ENOENT) {
		(void)snprintf(why, len, "the target is encrypted: dm-crypt on %s (%s UUID %s), which is not enrolled, "
			       "and no passphrase can be typed after a panic; enroll it with: dumpagent luks-enroll %s "
			       "(see dumpagent.conf(5) for what that trades)", d.path, d.id.type, d.id.uuid, d.path);
		key[0] = '\0';
		return -2;
	}
	if (r < 0) {
		key[0] = '\0';
		return -1;
	}
	(void)snprintf(text, textlen, "%s,%d", d.id.uuid, slot);
	return 0;
}
