/* md_assemble.c: assembles a found md array with md's ioctls, and stops it again (capture side; no mdadm there).
 *
 * Why the ioctls and not mdadm: the agent has already read every member's
 * superblock itself (md_find.c) and decided what to assemble; mdadm would
 * read them again by its own rules (its config, its device scan, --force
 * and --run choices) and bring a second binary with its libraries into the
 * distro initramfs, to end in the same three calls: SET_ARRAY_INFO with the
 * metadata version only (md then reads each superblock itself),
 * ADD_NEW_DISK per member (md refuses one whose UUID differs from the first)
 * and RUN_ARRAY (md's own freshness check, which must agree with ours).
 *
 * An array that was active at the crash is dirty, and md starts its resync
 * in the capture kernel (only the bitmap's dirty chunks when the array has
 * a write-intent bitmap, as mdadm gives arrays from 100 GB). It is left to
 * run: the mirrors may differ where writes were in flight, and only md
 * knows how to make them agree. Writing "frozen" to md/sync_action did not
 * stop it in Debian 12's kernel (test-target-md saw "resync done"), so the
 * capture does not claim to. If the capture ends first, STOP_ARRAY records
 * how far it got (resync_offset) and the next boot goes on: the array stays
 * marked for resync. An array that was clean is written clean on stop. */
#include "md_assemble.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/major.h>
#include <linux/raid/md_u.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

#define NODE_WAIT_MS 2000 /* for devtmpfs to show the new md127 */

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Writes text to sysfs/rel: 0, or -errno. */
static int sysfs_write(const char *sysfs, const char *rel, const char *text)
{
	char path[256];
	int fd, r = 0;

	(void)snprintf(path, sizeof(path), "%s/%s", sysfs, rel);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	r = write_all(fd, text, strlen(text));
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* Creates md127 and opens its node, checked to be 9:127: the fd, or -1 with err. */
static int open_array(const char *sysfs, const char *dev_dir, char *err, size_t errlen)
{
	char path[256], name[16];
	struct stat st;
	int fd = -1, r;

	(void)snprintf(name, sizeof(name), "md%d", MD_CAPTURE_MINOR);
	if ((r = sysfs_write(sysfs, "module/md_mod/parameters/new_array", name)) < 0) {
		(void)snprintf(err, errlen, "create %s (%s/module/md_mod/parameters/new_array): %s", name, sysfs,
			       strerror(-r));
		return -1;
	}
	(void)snprintf(path, sizeof(path), "%s/%s", dev_dir, name);
	for (unsigned waited = 0; waited <= NODE_WAIT_MS && fd < 0; waited += 100) {
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno != ENOENT && errno != ENXIO)
			break;
		if (fd < 0)
			sleep_ms(100);
	}
	if (fd < 0) {
		(void)snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != makedev(MD_MAJOR, MD_CAPTURE_MINOR)) {
		(void)snprintf(err, errlen, "%s is not the block device %d:%d", path, MD_MAJOR, MD_CAPTURE_MINOR);
		(void)close(fd); /* nothing done through it */
		return -1;
	}
	return fd;
}

/* The three ioctls: 0, or -1 with err. */
static int run_array(int fd, const struct md_found *f, unsigned raid_disks, char *err, size_t errlen)
{
	mdu_array_info_t info;

	memset(&info, 0, sizeof(info));
	info.major_version = (int)f->sb[0].major;
	info.minor_version = (int)f->sb[0].minor;
	if (ioctl(fd, SET_ARRAY_INFO, &info) < 0) {
		(void)snprintf(err, errlen, "SET_ARRAY_INFO (metadata %u.%u) on md%d: %s", f->sb[0].major,
			       f->sb[0].minor, MD_CAPTURE_MINOR, strerror(errno));
		return -1;
	}
	for (unsigned r = 0; r < raid_disks; r++) {
		mdu_disk_info_t disk;

		memset(&disk, 0, sizeof(disk));
		disk.major = (int)major(f->dev[r]);
		disk.minor = (int)minor(f->dev[r]);
		if (ioctl(fd, ADD_NEW_DISK, &disk) < 0) {
			(void)snprintf(err, errlen, "ADD_NEW_DISK %s (%u:%u) to md%d: %s", f->name[r], major(f->dev[r]),
				       minor(f->dev[r]), MD_CAPTURE_MINOR, strerror(errno));
			return -1;
		}
	}
	if (ioctl(fd, RUN_ARRAY, 0) < 0) {
		(void)snprintf(err, errlen, "RUN_ARRAY md%d: %s", MD_CAPTURE_MINOR, strerror(errno));
		return -1;
	}
	return 0;
}

int md_assemble(const char *sysfs, const char *dev_dir, const struct md_found *f, unsigned raid_disks, int *fd,
		dev_t *dev, char *err, size_t errlen)
{
	if ((*fd = open_array(sysfs, dev_dir, err, errlen)) < 0)
		return -1;
	if (run_array(*fd, f, raid_disks, err, errlen) < 0) {
		/* Undo what was handed to md (a stopped array writes nothing
		 * when it never ran). */
		(void)ioctl(*fd, STOP_ARRAY, 0);
		(void)close(*fd);
		*fd = -1;
		return -1;
	}
	*dev = makedev(MD_MAJOR, MD_CAPTURE_MINOR);
	return 0;
}

int md_stop(int fd, char *err, size_t errlen)
{
	int r = 0;

	if (ioctl(fd, STOP_ARRAY, 0) < 0) {
		(void)snprintf(err, errlen, "STOP_ARRAY md%d: %s", MD_CAPTURE_MINOR, strerror(errno));
		r = -1;
	}
	if (close(fd) < 0 && r == 0) {
		(void)snprintf(err, errlen, "close md%d: %s", MD_CAPTURE_MINOR, strerror(errno));
		r = -1;
	}
	return r;
}
